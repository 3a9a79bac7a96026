"""Static facts about loops that several passes need: scf loops' trip counts and parallel
dimensions, the bounds of a linalg.generic's loops."""
from __future__ import annotations

from typing import Optional

import mlir.ir as ir


def const_index(value: ir.Value) -> Optional[int]:
    """The value of an `arith.constant` integer, None for anything else (a block argument, ...)."""
    owner = value.owner
    if isinstance(owner, ir.Block):  # a block argument
        return None
    op = owner.operation if hasattr(owner, "operation") else owner
    if op.name != "arith.constant":
        return None
    attr = op.attributes["value"]
    return attr.value if isinstance(attr, ir.IntegerAttr) else None


def trip_count(lb: ir.Value, ub: ir.Value, step: ir.Value) -> Optional[int]:
    lo, hi, st = const_index(lb), const_index(ub), const_index(step)
    if lo is None or hi is None or st is None or st <= 0:
        return None
    return max(0, -(-(hi - lo) // st))


def parallel_dims(op: ir.Operation) -> int:
    """Dimensions of an scf.parallel: its operands are lower bounds, upper bounds, steps (one each
    per dimension), then init values (read from its operand segment sizes, not guessed)."""
    lbs, ubs, steps, _inits = ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"])
    assert lbs == ubs == steps, "scf.parallel with unequal bounds and steps"
    return lbs


def loop_trips(op: ir.Operation) -> Optional[int]:
    """Static trip count of an scf.for/scf.parallel (all its dimensions), None if unknown."""
    if op.name == "scf.for":
        return trip_count(op.operands[0], op.operands[1], op.operands[2])
    n = parallel_dims(op)
    total = 1
    for i in range(n):
        t = trip_count(op.operands[i], op.operands[n + i], op.operands[2 * n + i])
        if t is None:
            return None
        total *= t
    return total


def generic_bounds(op: ir.Operation):
    """Loop bounds of a linalg.generic from its operands' static shapes (None where unknown)."""
    maps = [ir.AffineMapAttr(m).value for m in op.attributes["indexing_maps"]]
    bounds = [None] * maps[0].n_dims
    for value, amap in zip(op.operands, maps):
        t = value.type
        if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
            continue
        for size, expr in zip(t.shape, amap.results):
            if isinstance(expr, ir.AffineDimExpr) and bounds[expr.position] is None:
                bounds[expr.position] = size
    return bounds
