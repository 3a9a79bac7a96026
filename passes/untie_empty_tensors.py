"""`untie-empty-tensors`: one `tensor.empty` per use.

Why. CSE merges every `tensor.empty` of one type into a single value, so all elementwise
`linalg.generic`s of one shape share one `outs` operand. One-Shot Bufferize (and the analysis
eliminate-empty-tensors runs) then sees one alias set holding every write of that shape and
checks each in-place decision against all of them: quadratic in the size of the model (a
128-layer MLP's gradient: about a second in each of the two passes). An empty tensor has no
contents, so giving each use its own changes nothing but the analysis' cost: the buffers come
out the same. Each copy sits right before its user (or before the op of the original's block that
holds the user, never inside a loop), where bufferization would have allocated a new buffer for
that use anyway.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from .module_pass import ModulePass
from .walk import as_operation, ops_where


def _in_block_of(empty: ir.Operation, user: ir.Operation) -> ir.Operation:
    """`user`, or the op holding it that is in the same block as `empty`."""
    block = empty.block
    op = user
    while op.block != block:
        op = op.parent.operation
    return op


@dataclass(frozen=True)
class UntieEmptyTensors(ModulePass):
    name = "untie-empty-tensors"
    summary = ("give each use of a tensor.empty its own copy, so that "
               "bufferization's alias analysis does not see every same-shaped output as one tensor")

    def apply(self, module_op: ir.Operation) -> None:
        for empty in ops_where(module_op, lambda op: op.name == "tensor.empty"):
            uses = [(u.owner, u.operand_number) for u in empty.results[0].uses]
            for owner, n in uses[1:]:
                owner = as_operation(owner)
                owner.operands[n] = empty.clone(ip=ir.InsertionPoint(_in_block_of(empty, owner))).results[0]
