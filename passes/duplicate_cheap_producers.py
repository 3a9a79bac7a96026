"""`duplicate-cheap-producers`: give each consumer of a cheap elementwise `linalg.generic` its own copy.

Upstream `linalg-fuse-elementwise-ops` fuses a producer into its consumer only when the
consumer is its only user. In a fused primal+adjoint, a value such as `x - mean(x)` feeds
the forward and several adjoint terms, so it is written to memory once and read back by
each: for a [4096, 1024] float32 tensor that is 16 MiB out and 16 MiB in per extra use,
far more than re-doing a subtraction in every consumer's loop. This pass clones each
all-parallel generic whose body, with the cheap producers fused into it, is at most `max-ops`
scalar ops once per generic user, so that every copy has one user and fusion can inline it;
the tensor then never exists. It runs just before elementwise fusion. Expensive bodies (our exp/tanh/log polynomials run
to tens of ops) are left alone: recomputing them in several loops costs more than the
memory round trip.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from .module_pass import ModulePass, option
from .walk import ops_where

DEFAULT_MAX_OPS = 8
_PARALLEL = "#linalg.iterator_type<parallel>"


def _elementwise_ops(op: ir.Operation):
    """Scalar ops in the body of an all-parallel single-result linalg.generic, else None."""
    if op.name != "linalg.generic" or len(op.results) != 1 or len(op.regions[0].blocks) != 1:
        return None
    if any(str(it) != _PARALLEL for it in op.attributes["iterator_types"]):
        return None
    return len(op.regions[0].blocks[0].operations) - 1  # the terminator (linalg.yield) is not work


def _cheap_producers(block: ir.Block, max_ops: int) -> list[ir.Operation]:
    """The cheap elementwise generics of `block`, in order. A generic's cost is its own body plus
    the cost of the cheap producers that fusion will inline into it, so a chain such as a residual
    stream (h1 = x + a1, h2 = h1 + m1, ...) is cut every few links instead of every consumer
    recomputing the whole sum from the start: work and code quadratic in the model's depth."""
    cost: dict = {}
    for op in block.operations:
        op = op.operation
        own = _elementwise_ops(op)
        if own is None:
            continue
        n_in = len(op.operands) - len(op.results)
        inlined = 0
        for v in op.operands[:n_in]:
            owner = v.owner
            if not isinstance(owner, ir.Block):
                inlined += cost.get(owner.operation, 0)
        if own + inlined <= max_ops:
            cost[op] = own + inlined
    return list(cost)


@dataclass(frozen=True)
class DuplicateCheapProducers(ModulePass):
    name = "duplicate-cheap-producers"
    summary = ("clone cheap elementwise linalg.generic ops once per generic user so elementwise fusion "
               "can inline each copy (run before linalg-fuse-elementwise-ops)")
    max_ops: int = option(DEFAULT_MAX_OPS, "largest body (scalar ops) worth recomputing per user")

    def apply(self, module_op: ir.Operation) -> None:
        producers = [op for fn in ops_where(module_op, lambda op: op.name == "func.func" and len(op.regions[0].blocks))
                     for op in _cheap_producers(fn.regions[0].blocks[0], self.max_ops)]
        # Last producers first: cloning a consumer's producer never invalidates a later one's uses.
        for producer in reversed(producers):
            result = producer.results[0]
            uses = [(u.owner, u.operand_number) for u in result.uses]
            generic_uses = [(o, n) for o, n in uses if o.name == "linalg.generic"]
            if len(uses) < 2 or not generic_uses:
                continue
            keep_original = len(generic_uses) == len(uses)  # then one generic user keeps the original
            for owner, number in generic_uses[1:] if keep_original else generic_uses:
                copy = producer.clone(ip=ir.InsertionPoint(owner))
                owner.operands[number] = copy.results[0]
