"""`convert-memref-copy-to-linalg`: any `memref.copy` left by bufferization becomes a `linalg.copy`.

Upstream lowers a copy of strided memrefs to a call to `memrefCopy` from MLIR's runner-utils
library, which is not installed; as linalg.copy it becomes plain loops.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import linalg

from .module_pass import ModulePass
from .walk import ops_where


@dataclass(frozen=True)
class ConvertMemrefCopyToLinalg(ModulePass):
    name = "convert-memref-copy-to-linalg"
    summary = "rewrite memref.copy as linalg.copy (plain loops), so strided copies need no runtime library"

    def apply(self, module_op: ir.Operation) -> None:
        for op in ops_where(module_op, lambda op: op.name == "memref.copy"):
            with ir.InsertionPoint(op), op.location:
                linalg.copy(op.operands[0], outs=[op.operands[1]])
            op.erase()
