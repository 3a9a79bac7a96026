"""Ops whose results are integers, or that take integer labels: argmax/argmin (int64 indices)
and one_hot. None carries a gradient: their integer operands or results never require grad."""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, linalg

from ..attrs import BOOL, DTYPE, INT
from ..emit import G, Tensor, emit
from ..lowering import MAX, MIN, storage_element_type
from ..registry import OpDef, Sample, register
from ..shape_rules import check_axis, normalize_axes, reduced_shape, require_dtype
from ..types import INT_DTYPES, ShapeError, TensorType, numpy_dtype, parse_dtype, shape_str

_INDEX_MAX = 2 ** 63 - 1


# ---------------------------------------------------------------- argmax / argmin
def _infer_arg(x, axis, keepdims):
    require_dtype("input", x)
    if x.rank == 0:
        raise ShapeError("a rank-0 operand has no axis to search (the front-end flattens for axis=None)")
    check_axis("input", x, axis)
    if x.shape[axis] == 0:
        raise ShapeError(f"cannot search the empty axis {axis} of shape {shape_str(x.shape)}: there is no index "
                         f"to return")
    return TensorType(reduced_shape(x.shape, (axis,), keepdims), "i64")


def _arg_api(name):
    """symgrad.<name>(x, axis=None, keepdims=False): numpy's arguments; axis None searches the
    flattened tensor (a reshape first)."""
    def api(x, axis=None, keepdims=False):
        if not isinstance(x, Tensor):
            raise TypeError(f"symgrad.{name}: expected a symbolic tensor, got {type(x).__name__}")
        if axis is None:
            flat = G.reshape(x, shape=(x.size,)) if x.ndim != 1 else x
            y = emit(name, flat, axis=0, keepdims=False)
            return G.reshape(y, shape=(1,) * x.ndim) if keepdims else y
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"symgrad.{name}: axis must be an integer or None, got {type(axis).__name__}")
        return emit(name, x, axis=normalize_axes((int(axis),), x.ndim, "axis")[0], keepdims=bool(keepdims))
    return api


def _lower_arg(combine, init):
    """Two reductions over the axis, each order-independent (so any split of the loop gives the
    same index): the extremum m (NaN-propagating), then the smallest index whose element hits m
    (equals it, or is NaN when m is: numpy's NaN is the extremum, its first one wins)."""
    def lower(lw, x, axis, keepdims):
        t = lw.operand_types[0]
        m = lw.reduce(x, (axis,), combine, init, keepdims=True)
        m, m_map = lw.broadcast_operand(m, t.shape)
        ident = ir.AffineMap.get_identity(t.rank)
        kept = [i for i in range(t.rank) if i != axis]
        out_map = ir.AffineMap.get(t.rank, 0, [ir.AffineDimExpr.get(i) for i in kept])
        out = TensorType(tuple(t.shape[i] for i in kept), "i64")
        i64 = ir.IntegerType.get_signless(64)

        def body(v, mv, acc):
            if t.is_float:
                hit = arith.ori(arith.cmpf(arith.CmpFPredicate.OEQ, v, mv),
                                arith.andi(arith.cmpf(arith.CmpFPredicate.UNO, v, v),
                                           arith.cmpf(arith.CmpFPredicate.UNO, mv, mv)))
            else:
                hit = arith.cmpi(arith.CmpIPredicate.eq, v, mv)
            i = arith.index_cast(i64, linalg.IndexOp(axis).result)
            return arith.minsi(acc, arith.select(hit, i, arith.constant(i64, _INDEX_MAX)))

        its = ["reduction" if i == axis else "parallel" for i in range(t.rank)]
        r = lw.generic([x, m], [ident, m_map], lw.full(out, _INDEX_MAX), out_map, its, body)
        return lw.reshape(r, lw.result.shape) if keepdims else r
    return lower


_ARG_SAMPLES = (
    Sample((TensorType((3, 4), "f32"),), {"axis": 1, "keepdims": False}),
    Sample((TensorType((2, 3, 4), "f64"),), {"axis": 0, "keepdims": True}),
    Sample((TensorType((5, 3), "i32"),), {"axis": 0, "keepdims": False}),
    Sample((TensorType((6,), "i64"),), {"axis": 0, "keepdims": False}),
)
_ARG_NONDIFF = "its result is an integer index, which carries no gradient (zero almost everywhere)"


def _arg(name, which, ref, combine, init):
    register(OpDef(
        name=name, summary=f"Index of the {which} along `axis` (numpy.{name}): the first one on ties; a NaN "
                           f"counts as the {which} (its first index), as in numpy. i64 result.",
        operands=("input",), attrs={"axis": INT, "keepdims": BOOL}, infer=_infer_arg,
        ref=lambda x, axis, keepdims: np.asarray(ref(x, axis=axis, keepdims=keepdims)).astype(np.int64),
        shape_rule="operand shape (f32, f64, i32 or i64; rank >= 1) without `axis` (kept as 1 with `keepdims`), "
                   "which must not be empty; element type i64",
        nondiff=_ARG_NONDIFF, api_name=name, api=_arg_api(name), samples=_ARG_SAMPLES,
        lower=_lower_arg(combine, init)))


_arg("argmax", "maximum", np.argmax, MAX, -np.inf)
_arg("argmin", "minimum", np.argmin, MIN, np.inf)


# ---------------------------------------------------------------- one_hot ----
def _infer_one_hot(labels, depth, dtype):
    require_dtype("labels", labels, INT_DTYPES)
    if depth < 0:
        raise ShapeError(f"depth {depth} must be >= 0")
    return TensorType(labels.shape + (depth,), dtype)


def _one_hot_ref(labels, depth, dtype):
    return (labels[..., None] == np.arange(depth, dtype=labels.dtype)).astype(numpy_dtype(dtype))


def _one_hot_api(labels, num_classes, dtype=np.float32):
    """symgrad.one_hot(labels, num_classes, dtype=float32), as jax.nn.one_hot."""
    if not isinstance(labels, Tensor):
        raise TypeError(f"symgrad.one_hot: expected a symbolic tensor of integer labels, got "
                        f"{type(labels).__name__}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"symgrad.one_hot: num_classes must be an integer, got {type(num_classes).__name__}")
    return emit("one_hot", labels, depth=int(num_classes), dtype=parse_dtype(dtype))


def _lower_one_hot(lw, labels, depth, dtype):
    t = lw.operand_types[0]
    n = t.rank + 1
    label_map = ir.AffineMap.get(n, 0, [ir.AffineDimExpr.get(i) for i in range(t.rank)])
    et = storage_element_type(dtype)
    one, zero = (1.0, 0.0) if lw.result.is_float else (1, 0)
    label_type = labels.type.element_type

    def body(label, out):
        i = arith.index_cast(label_type, linalg.IndexOp(t.rank).result)
        return arith.select(arith.cmpi(arith.CmpIPredicate.eq, label, i), arith.constant(et, one),
                            arith.constant(et, zero))

    return lw.generic([labels], [label_map], lw.empty(lw.result), ir.AffineMap.get_identity(n),
                      ["parallel"] * n, body)


register(OpDef(
    name="one_hot", summary="One-hot rows: result[..., k] = (labels[...] == k) for k < depth, as jax.nn.one_hot; "
                            "a label outside [0, depth) gives a row of zeros.",
    operands=("labels",), attrs={"depth": INT, "dtype": DTYPE}, infer=_infer_one_hot, ref=_one_hot_ref,
    shape_rule="labels shape (i32 or i64) + (depth,), element type `dtype`",
    nondiff="its operand is integer labels, which never require grad", api_name="one_hot", api=_one_hot_api,
    domain=(-1.0, 5.0), lower=_lower_one_hot,
    samples=(Sample((TensorType((3, 2), "i32"),), {"depth": 4, "dtype": "f32"}),
             Sample((TensorType((5,), "i64"),), {"depth": 5, "dtype": "f64"}),
             Sample((TensorType((4,), "i64"),), {"depth": 3, "dtype": "i32"}))))
