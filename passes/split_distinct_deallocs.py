"""`split-distinct-deallocs`: a `bufferization.dealloc` of distinct allocations becomes one dealloc
per allocation.

Why. Ownership-based deallocation frees a block's buffers in one `bufferization.dealloc` at the
block's end, so a kernel's entry block ends with a dealloc of every temporary of the model. Its
simplification then asks, for each of those buffers, whether it may alias any other one: quadratic
in the depth of the model (a 128-layer MLP's gradient: 86 ms, 10x the time at 32 layers). Results
of different `memref.alloc` ops never alias, so when every buffer of a dealloc is one (and nothing
is retained), freeing them one by one under their own conditions is the same operation, and each
small dealloc is simplified in constant time. Runs between ownership-based-buffer-deallocation and
buffer-deallocation-simplification (graph_to_llvm.BUFFERIZE spells the upstream pipeline out).
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import bufferization

from .module_pass import ModulePass
from .walk import as_operation

#: Ops whose results are fresh allocations, never an alias of another buffer.
_ALLOCATIONS = {"memref.alloc"}


def _distinct_allocations(dealloc: ir.Operation) -> bool:
    if len(dealloc.results) or len(dealloc.opview.retained):
        return False
    memrefs = list(dealloc.opview.memrefs)
    if len(memrefs) < 2:
        return False
    owners = []
    for m in memrefs:
        if not isinstance(m, ir.OpResult) or as_operation(m.owner).name not in _ALLOCATIONS:
            return False
        owners.append(as_operation(m.owner))
    return len(set(owners)) == len(owners)


def _block_end_deallocs(module_op: ir.Operation) -> list:
    """The deallocs that end the blocks of each function (before the terminator): where
    ownership-based deallocation frees a function's buffers. Deallocs in nested regions (loop
    bodies) free the few buffers of one iteration, so they are left alone, and the module is not
    walked (this pass is linear in the number of functions and of their blocks)."""
    found = []
    for fn in module_op.regions[0].blocks[0].operations:
        fn = as_operation(fn)
        if fn.name != "func.func":
            continue
        for block in fn.regions[0].blocks:
            ops = list(block.operations)
            for op in reversed(ops[:-1]):
                op = as_operation(op)
                if op.name != "bufferization.dealloc":
                    break
                found.append(op)
    return found


@dataclass(frozen=True)
class SplitDistinctDeallocs(ModulePass):
    name = "split-distinct-deallocs"
    summary = ("split a bufferization.dealloc whose buffers are all distinct memref.alloc results into one "
               "dealloc per buffer, so that buffer-deallocation-simplification is linear in their number")

    def apply(self, module_op: ir.Operation) -> None:
        for dealloc in _block_end_deallocs(module_op):
            if not _distinct_allocations(dealloc):
                continue
            view = dealloc.opview
            with dealloc.location, ir.InsertionPoint(dealloc):
                for m, c in zip(list(view.memrefs), list(view.conditions)):
                    bufferization.DeallocOp([m], [c], [])
            dealloc.erase()
