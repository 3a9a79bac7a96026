"""`graph-verify`: the registry's shape and dtype rules over every `graph` op."""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from symgrad.dialects.graph.verifier import verify

from .module_pass import ModulePass, PassError


@dataclass(frozen=True)
class GraphVerify(ModulePass):
    name = "graph-verify"
    summary = "check element types, shapes and attributes of every graph op against the registry"

    def apply(self, module_op: ir.Operation) -> None:
        problems = verify(module_op)
        if problems:
            raise PassError(problems)
