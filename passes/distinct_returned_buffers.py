"""`distinct-returned-buffers`: give every returned buffer of a function its own allocation.

After bufferization a function may return one buffer twice (`return %0, %0`, written so or
left by folding: an identity reduction, a reshape to the same shape, a primal returning a
value and a capture that folds to it). `buffer-results-to-out-params{hoist-static-allocs}`
then hoists the same allocation into two out-parameters and crashes the process. Copying
each repeated result into a fresh buffer first keeps the destination-passing contract
(every output is its own caller-allocated array) and the pipeline safe.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import memref

from .module_pass import ModulePass
from .walk import ops_where


@dataclass(frozen=True)
class DistinctReturnedBuffers(ModulePass):
    name = "distinct-returned-buffers"
    summary = ("copy a buffer returned more than once into a fresh allocation per extra use "
               "(run after bufferization, before buffer-results-to-out-params)")

    def apply(self, module_op: ir.Operation) -> None:
        returns = ops_where(module_op, lambda op: op.name == "func.return")
        for ret in returns:
            seen = set()
            for i, v in enumerate(list(ret.operands)):
                if not isinstance(v.type, ir.MemRefType):
                    continue
                if v not in seen:
                    seen.add(v)
                    continue
                with ir.InsertionPoint(ret), ret.location:
                    fresh = memref.alloc(v.type, [], [])
                    memref.copy(v, fresh)
                ret.operands[i] = fresh
