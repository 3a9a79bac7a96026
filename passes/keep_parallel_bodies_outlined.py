"""`keep-parallel-bodies-outlined`: LLVM keeps one copy of each loop body async-parallel-for outlined.

Each outlined body is called from three places (one block run inline, the dispatch function's own
block, the coroutine of a task); inlined, W3's forward grew from 5 to 31 KB of code and its LLVM
optimization and code generation took 7x longer. A call per block costs nothing measurable.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from .module_pass import ModulePass


def outlined_bodies(module_op: ir.Operation) -> list:
    """The functions async-parallel-for outlined: those a func.call inside an async.execute calls
    (found by structure, not by upstream's names for them, parallel_compute_fn*)."""
    callees: set[str] = set()

    def visit(op):
        if op.name == "func.call":
            parent = op.parent
            while parent is not None and parent.name not in ("async.execute", "func.func"):
                parent = parent.parent
            if parent is not None and parent.name == "async.execute":
                callees.add(ir.FlatSymbolRefAttr(op.attributes["callee"]).value)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return [op for op in module_op.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and op.attributes["sym_name"].value in callees]


@dataclass(frozen=True)
class KeepParallelBodiesOutlined(ModulePass):
    name = "keep-parallel-bodies-outlined"
    summary = ("mark the loop bodies async-parallel-for outlines (the functions its async.execute regions "
               "call) noinline, so LLVM keeps one copy of each instead of inlining it into the caller, the "
               "dispatcher and the task coroutine")

    def apply(self, module_op: ir.Operation) -> None:
        for op in outlined_bodies(module_op):
            op.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline")])
