"""`scope-loop-allocas`: a loop body that allocates on the stack gives the space back every iteration.

promote-buffers-to-stack turns small temporaries into `memref.alloca`, placed where the allocation
was. Inside a loop body (tile-rows' blocks, partition-reductions' parts) that is an LLVM `alloca`
outside the entry block: the stack grows by its size on every iteration and shrinks only when the
function returns. A tiled kernel runs N / B iterations, so a big enough N overflowed the stack of
whichever thread ran it (a segfault). This pass brackets such a body with llvm.intr.stacksave at
its start and llvm.intr.stackrestore before its terminator. (`memref.alloca_scope` says the same,
but must stay a single block, and the loops nested in the body become blocks when scf is lowered
to cf.) A body whose terminator passes a memref on (a buffer that may live on that stack) is left
alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import llvm

from .module_pass import ModulePass
from .walk import as_operation, ops_where

_LOOPS = {"scf.for", "scf.parallel", "scf.forall", "scf.while"}


def _bracket(block: ir.Block) -> None:
    ops = [as_operation(o) for o in block.operations]
    terminator = ops[-1]
    if any(isinstance(v.type, ir.MemRefType) for v in terminator.operands):
        return
    ptr = ir.Type.parse("!llvm.ptr")
    with ir.InsertionPoint(ops[0]), terminator.location:
        saved = llvm.StackSaveOp(ptr).result
    with ir.InsertionPoint(terminator), terminator.location:
        llvm.StackRestoreOp(saved)


@dataclass(frozen=True)
class ScopeLoopAllocas(ModulePass):
    name = "scope-loop-allocas"
    summary = ("bracket each loop body that has memref.alloca ops with stacksave/stackrestore, so the stack "
               "does not grow with the number of iterations")

    def apply(self, module_op: ir.Operation) -> None:
        loops = ops_where(module_op, lambda op: op.name in _LOOPS)
        blocks = [block for loop in loops for region in loop.regions for block in region.blocks
                  if any(as_operation(o).name == "memref.alloca" for o in block.operations)]
        for block in blocks:
            _bracket(block)
