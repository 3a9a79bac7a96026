"""`graph-check-compilable`: refuse, located, any IR that sg.compile does not accept.

The first stage of graph-to-llvm, so `symgrad-opt --graph-to-llvm` and `--emit=llvm-ir` take
exactly what `sg.compile` takes (the policy and its reasons: dialects/graph/compilable.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from symgrad.dialects.graph.compilable import check

from .module_pass import ModulePass, PassError


@dataclass(frozen=True)
class GraphCheckCompilable(ModulePass):
    name = "graph-check-compilable"
    summary = ("fail, located, unless the module is graph functions only (graph ops, func.call without cycles, "
               "func.return; bare-identifier names; graph tensor signatures): what sg.compile accepts")

    def apply(self, module_op: ir.Operation) -> None:
        problems = check(module_op)
        if problems:
            raise PassError(problems)
