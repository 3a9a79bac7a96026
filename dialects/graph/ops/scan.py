"""Ops along one axis in order: cumsum (a prefix sum, optionally from the end) and reverse (a
flip, numpy.flip / jax.lax.rev), each the other's partner in gradients: the adjoint of a prefix
sum is the suffix sum of the cotangent.
"""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, scf, tensor

from ..attrs import BOOL, INT, INTS
from ..emit import G, Tensor, emit, numpy_axes
from ..registry import OpDef, Sample, register
from ..shape_rules import check_axis, normalize_axes, require_dtype
from ..types import ShapeError, TensorType


def _t(*shape, dtype="f32"):
    return TensorType(tuple(shape), dtype)


# ---------------------------------------------------------------- cumsum -----
def _infer_cumsum(x, axis, reverse):
    require_dtype("input", x)  # f32, f64, i32, i64: integer sums wrap, as numpy's do in their dtype
    check_axis("input", x, axis)
    return x


def _cumsum_ref(x, axis, reverse):
    """numpy.cumsum in the operand's dtype (numpy sums i32 in i64: cast back, which wraps as the
    compiled i32 sums do)."""
    if reverse:
        return np.flip(np.cumsum(np.flip(x, axis), axis), axis).astype(x.dtype)
    return np.cumsum(x, axis).astype(x.dtype)


def _cumsum_api(x, axis=None, reverse=False):
    """numpy.cumsum (axis None: of the flattened tensor), or from the end with `reverse` (jax.lax.cumsum)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"symgrad.cumsum: expected a symbolic tensor, got {type(x).__name__}")
    if axis is None:
        x, axis = G.reshape(x, shape=(x.size,)), 0
    else:
        axis = normalize_axes((axis,), x.ndim, "axis")[0]
    return emit("cumsum", x, axis=axis, reverse=bool(reverse))


def _lower_cumsum(lw, x, axis, reverse):
    """A loop over the axis (scf.for on tensors) carrying the result: step k stores slice k of x
    plus the result's slice k - 1 (a parallel linalg.generic over the other dims). Sequential
    along the axis as numpy's cumsum, so the sums are the same bits on any number of threads, and
    O(size) work. (A separate running-sum loop value is not used: after canonicalization its
    update writes straight into the result, and bufferization refuses the loop.)"""
    t = lw.operand_types[0]
    n = t.shape[axis]
    if n <= 1 or t.size == 0:
        return x
    rank = t.rank
    part = t.with_shape(tuple(1 if d == axis else s for d, s in enumerate(t.shape)))
    part_type = lw.mlir_type(part)
    dynamic = ir.ShapedType.get_dynamic_stride_or_offset()
    index = ir.IndexType.get()

    def offsets(k):  # static position k (an int) or dynamic (an index value) on the axis
        static = [0] * rank
        static[axis] = k if isinstance(k, int) else dynamic
        return static, ([] if isinstance(k, int) else [k])

    def take(src, k):
        static, dyn = offsets(k)
        return tensor.extract_slice(part_type, src, dyn, [], [], static, list(part.shape), [1] * rank)

    def put(value, into, k):
        static, dyn = offsets(k)
        return tensor.insert_slice(value, into, dyn, [], [], static, list(part.shape), [1] * rank)

    first = n - 1 if reverse else 0
    out = put(take(x, first), lw.empty(lw.result), first)
    c = lambda v: arith.constant(index, v)  # noqa: E731
    loop = scf.ForOp(c(1), c(n), c(1), [out])
    with ir.InsertionPoint(loop.body):
        i = loop.induction_variable
        k, prev = (arith.subi(c(n - 1), i), arith.subi(c(n), i)) if reverse else (i, arith.subi(i, c(1)))
        (out,) = loop.inner_iter_args
        ident = ir.AffineMap.get_identity(rank)
        add = arith.addf if t.is_float else arith.addi  # integers wrap
        step = lw.generic([take(x, k), take(out, prev)], [ident, ident], lw.empty(part), ident,
                          ["parallel"] * rank, lambda v, p, o: add(p, v))
        scf.YieldOp([put(step, out, k)])
    return loop.results[0]


register(OpDef(
    name="cumsum", summary="Cumulative sum along `axis` (numpy.cumsum); with `reverse`, from the end "
                           "(jax.lax.cumsum(reverse=True)).",
    operands=("input",), attrs={"axis": INT, "reverse": BOOL}, infer=_infer_cumsum, ref=_cumsum_ref,
    shape_rule="result type = operand type (f32, f64, i32 or i64; integer sums wrap); 0 <= axis < rank",
    vjp=lambda g, y, x, axis, reverse: (G.cumsum(g, axis=axis, reverse=not reverse),),
    vjp_doc="the cumulative sum of g in the other direction (cumsum(g, axis, not reverse))",
    api_name="cumsum", api=_cumsum_api,
    samples=(Sample((_t(3, 4),), {"axis": 1, "reverse": False}),
             Sample((_t(3, 4, dtype="f64"),), {"axis": 0, "reverse": True}),
             Sample((_t(2, 5, 3),), {"axis": 1, "reverse": True}),
             Sample((_t(6, dtype="f64"),), {"axis": 0, "reverse": False}),
             Sample((_t(3, 4, dtype="i32"),), {"axis": 1, "reverse": False}),
             Sample((_t(2, 5, dtype="i64"),), {"axis": 1, "reverse": True})),
    lower=_lower_cumsum))


# ---------------------------------------------------------------- reverse ----
def _infer_reverse(x, axes):
    ax = normalize_axes(axes, x.rank)
    if ax != tuple(axes):
        raise ShapeError(f"axes {tuple(axes)} must be sorted, non-negative and distinct "
                         f"(write array<i64: {', '.join(map(str, ax))}>)")
    return x


def _reverse_api(x, axes=None):
    """numpy.flip: `axes` None reverses every axis; an int or a tuple of ints, negative ones too."""
    axes = numpy_axes("reverse", x, axes, "axes")
    return emit("reverse", x, axes=axes)


def _lower_reverse(lw, x, axes):
    """One linalg.generic reading x at size - 1 - i along the reversed axes."""
    t = lw.operand_types[0]
    if not axes or t.size == 0:
        return x
    exprs = [ir.AffineConstantExpr.get(t.shape[d] - 1) - ir.AffineDimExpr.get(d) if d in axes
             else ir.AffineDimExpr.get(d) for d in range(t.rank)]
    ident = ir.AffineMap.get_identity(t.rank)
    return lw.generic([x], [ir.AffineMap.get(t.rank, 0, exprs)], lw.empty(lw.result), ident,
                      ["parallel"] * t.rank, lambda v, o: v)


register(OpDef(
    name="reverse", summary="Reverses the order of elements along `axes` (numpy.flip, jax.lax.rev).",
    operands=("input",), attrs={"axes": INTS}, infer=_infer_reverse,
    ref=lambda x, axes: np.flip(x, axes).copy() if axes else x.copy(),
    shape_rule="result type = operand type; `axes` sorted, distinct, in range",
    vjp=lambda g, y, x, axes: (G.reverse(g, axes=axes),), vjp_doc="g reversed along the same axes",
    rematerializable=True, api_name="reverse", api=_reverse_api,
    samples=(Sample((_t(3, 4),), {"axes": (1,)}), Sample((_t(2, 3, 4, dtype="f64"),), {"axes": (0, 2)}),
             Sample((_t(5),), {"axes": (0,)}), Sample((_t(2, 3),), {"axes": ()})),
    lower=_lower_reverse))
