"""Ops that order the elements along one axis: sort_with_indices (numpy's stable sort, also
descending) and topk (torch.topk / jax.lax.top_k). Each has two results, the values and their i64
positions in the input, so the gradient can send each value's cotangent back to where it came from;
sg.sort and sg.argsort are the front-end functions that keep the result they need.

The order is total: NaN counts as larger than +inf (numpy.sort puts NaNs last; a descending sort and
topk put them first, as torch does), -0.0 equals 0.0, and equal elements keep their index order
(stable), so compiled code and the numpy reference agree exactly, indices included.
"""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, linalg

from ..attrs import BOOL, INT
from ..emit import G, Tensor, api_call, emit, scalar
from ..registry import OpDef, Sample, register
from ..shape_rules import check_axis, normalize_axes, require_dtype
from ..types import ShapeError, TensorType, shape_str


def _t(*shape, dtype="f32"):
    return TensorType(tuple(shape), dtype)


def _check_axis(x: TensorType, axis: int) -> None:
    require_dtype("input", x)
    if x.rank == 0:
        raise ShapeError("a rank-0 operand has no axis to sort along (the front-end flattens for axis=None)")
    check_axis("input", x, axis)


def _with_axis(x: TensorType, axis: int, m: int):
    shape = tuple(m if d == axis else s for d, s in enumerate(x.shape))
    return TensorType(shape, x.dtype), TensorType(shape, "i64")


# ---------------------------------------------------------------- numpy references
def _order(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """The stable sorting permutation along `axis`. Descending: the ascending sort of the flipped
    input, read backwards, whose ties then come in increasing index order again (negating the
    input would not do: -x leaves NaN last and overflows the smallest integer)."""
    if not descending:
        return np.argsort(x, axis=axis, kind="stable").astype(np.int64)
    n = x.shape[axis]
    flipped = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return (n - 1 - np.flip(flipped, axis)).astype(np.int64)


def _sort_ref(x, axis, descending):
    idx = _order(x, axis, descending)
    return np.take_along_axis(x, idx, axis), idx


def _topk_ref(x, k, axis):
    idx = np.take(_order(x, axis, True), np.arange(k), axis=axis)
    return np.take_along_axis(x, idx, axis), idx


# ---------------------------------------------------------------- gradient
def _scatter_back(g: Tensor, indices: Tensor, axis: int, n: int) -> Tensor:
    """dx with dx[..., indices[..., p, ...], ...] = g[..., p, ...] along `axis` (of length n):
    a one_hot of the indices selects, for each input position, the one cotangent that came
    from it (a select, not a product, so an infinite cotangent does not turn others into NaN),
    and a sum over the output positions collects it."""
    rank = g.ndim
    perm = tuple(d for d in range(rank) if d != axis) + (axis,)
    moved = perm != tuple(range(rank))
    if moved:
        g, indices = G.transpose(g, perm=perm), G.transpose(indices, perm=perm)
    mask = G.one_hot(indices, depth=n, dtype="i1")  # (..., m, n)
    column = G.reshape(g, shape=g.shape + (1,))
    dx = G.sum(G.select(mask, column, scalar(0.0, g)), axes=(rank - 1,), keepdims=False)
    if moved:
        dx = G.transpose(dx, perm=tuple(int(i) for i in np.argsort(perm)))
    return dx


def _sort_vjp(cts, outs, x, axis, descending):
    g = cts[0]  # the indices never carry a cotangent
    return (None if g is None else _scatter_back(g, outs[1], axis, x.shape[axis]),)


def _topk_vjp(cts, outs, x, k, axis):
    g = cts[0]
    return (None if g is None else _scatter_back(g, outs[1], axis, x.shape[axis]),)


_VJP_DOC = ("each value's cotangent goes back to the position its index names (a one_hot of the indices, "
            "select and sum); the indices result carries none")


# ---------------------------------------------------------------- lowering
def _before(s_float: bool, descending: bool, a, b, ia, ib):
    """Whether element a (at index ia) comes before element b (at ib) in the total order: smaller
    (larger when descending), NaN counting as larger than everything, ties by index."""
    if s_float:
        a_nan = arith.cmpf(arith.CmpFPredicate.UNO, a, a)
        b_nan = arith.cmpf(arith.CmpFPredicate.UNO, b, b)
        true = arith.constant(ir.IntegerType.get_signless(1), 1)
        if descending:  # a > b, or a is NaN and b is not
            strict = arith.ori(arith.cmpf(arith.CmpFPredicate.OGT, a, b), arith.andi(a_nan, arith.xori(b_nan, true)))
        else:  # a < b, or b is NaN and a is not
            strict = arith.ori(arith.cmpf(arith.CmpFPredicate.OLT, a, b), arith.andi(b_nan, arith.xori(a_nan, true)))
        equal = arith.ori(arith.cmpf(arith.CmpFPredicate.OEQ, a, b), arith.andi(a_nan, b_nan))
    else:
        strict = arith.cmpi(arith.CmpIPredicate.sgt if descending else arith.CmpIPredicate.slt, a, b)
        equal = arith.cmpi(arith.CmpIPredicate.eq, a, b)
    return arith.ori(strict, arith.andi(equal, arith.cmpi(arith.CmpIPredicate.slt, ia, ib)))


def _lower_ordered(lw, x, axis: int, m: int, descending: bool):
    """Rank by counting, then placement, both linalg.generic reductions whose result does not
    depend on the order the loop runs in (deterministic on any number of threads):

      rank[i] = #{j : x[j] comes before x[i]}     (a permutation of 0..n-1: the order is total)
      out[p]  = (i, x[i]) for the i with rank[i] == p, for the first m slots p

    O(n^2) comparisons per row, fine for rows up to a few thousand elements; every access goes
    through an affine map, so nothing is read or written out of bounds."""
    t = lw.operand_types[0]
    vt, it = lw.results
    if vt.size == 0:
        return lw.empty(vt), lw.empty(it)
    rank = t.rank
    i64 = ir.IntegerType.get_signless(64)
    dims = [ir.AffineDimExpr.get(d) for d in range(rank + 1)]
    own = ir.AffineMap.get(rank + 1, 0, dims[:rank])  # the element at the loop's position
    other = ir.AffineMap.get(rank + 1, 0, [dims[rank] if d == axis else dims[d] for d in range(rank)])
    its = [linalg.IteratorType.parallel] * rank + [linalg.IteratorType.reduction]

    def index(d):
        return arith.index_cast(i64, linalg.IndexOp(d).result)

    @linalg.generic([x, x], [lw.full(TensorType(t.shape, "i64"), 0)], [own, other, own], its)
    def ranks(xi, xj, acc):
        before = _before(t.is_float, descending, xj, xi, index(rank), index(axis))
        return arith.addi(acc, arith.extui(i64, before))

    @linalg.generic([ranks, x], [lw.full(it, 0), lw.full(vt, 0)], [other, other, own, own], its)
    def placed(r, xi, acc_i, acc_v):
        hit = arith.cmpi(arith.CmpIPredicate.eq, r, index(axis))
        return arith.select(hit, index(rank), acc_i), arith.select(hit, xi, acc_v)

    indices, values = placed
    return values, indices


def _lower_sort(lw, x, axis, descending):
    return _lower_ordered(lw, x, axis, lw.operand_types[0].shape[axis], descending)


def _lower_topk(lw, x, k, axis):
    return _lower_ordered(lw, x, axis, k, True)


# ---------------------------------------------------------------- front-end
def _axis_of(fname, x, axis):
    """numpy's axis argument: an int (negative too), or None for the flattened tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"symgrad.{fname}: expected a symbolic tensor, got {type(x).__name__}")
    if axis is None:
        return (G.reshape(x, shape=(x.size,)) if x.ndim != 1 else x), 0
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"symgrad.{fname}: axis must be an integer or None, got {type(axis).__name__}")
    return x, normalize_axes((int(axis),), x.ndim, "axis")[0]


def _check_bool(fname, name, v):
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"symgrad.{fname}: {name} must be True or False, got {type(v).__name__}")
    return bool(v)


def sort_with_indices(x, axis=-1, descending=False):
    """(values, indices): x sorted along `axis` (stably; NaNs last, or first when descending) and
    the i64 positions they came from, so take_along_axis(x, indices) == values. axis=None sorts
    the flattened tensor."""
    x, axis = _axis_of("sort_with_indices", x, axis)
    return emit("sort_with_indices", x, axis=axis, descending=_check_bool("sort_with_indices", "descending",
                                                                          descending))


def sort(x, axis=-1, descending=False):
    """numpy.sort (stable; NaNs last), or largest first with `descending` (NaNs first); the values
    result of graph.sort_with_indices, differentiable."""
    return api_call("sort_with_indices", x, axis, descending)[0]  # api_call: errors at the user's line


def argsort(x, axis=-1, descending=False):
    """numpy.argsort with a stable sort (ties keep index order, also when descending): i64 indices,
    the indices result of graph.sort_with_indices."""
    return api_call("sort_with_indices", x, axis, descending)[1]


def _topk_api(x, k, axis=-1):
    """symgrad.topk(x, k, axis=-1) -> (values, indices): the k largest along `axis`, largest first,
    ties and NaN as in a descending sort (torch.topk, jax.lax.top_k)."""
    x, axis = _axis_of("topk", x, axis)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"symgrad.topk: k must be an integer, got {type(k).__name__}")
    return emit("topk", x, k=int(k), axis=axis)


# ---------------------------------------------------------------- registration
def _infer_sort(x, axis, descending):
    _check_axis(x, axis)
    return _with_axis(x, axis, x.shape[axis])


def _infer_topk(x, k, axis):
    _check_axis(x, axis)
    n = x.shape[axis]
    if not 0 <= k <= n:
        raise ShapeError(f"k = {k} must be in [0, {n}] (the length of axis {axis} of operand 'input' of shape "
                         f"{shape_str(x.shape)})")
    return _with_axis(x, axis, k)


register(OpDef(
    name="sort_with_indices",
    summary="Sorts along `axis`, stably (equal elements keep their order), ascending with NaNs last as "
            "numpy.sort, or descending with NaNs first; returns the values and their i64 indices "
            "(numpy.argsort's).",
    operands=("input",), results=("values", "indices"), attrs={"axis": INT, "descending": BOOL},
    infer=_infer_sort, ref=_sort_ref,
    shape_rule="values: the operand's type (f32, f64, i32 or i64; rank >= 1, 0 <= axis < rank); indices: "
               "its shape, element type i64",
    vjp=_sort_vjp, vjp_doc=_VJP_DOC, api_name="sort_with_indices", api=sort_with_indices, lower=_lower_sort,
    samples=(Sample((_t(3, 4),), {"axis": 1, "descending": False}),
             Sample((_t(2, 3, 4, dtype="f64"),), {"axis": 0, "descending": True}),
             Sample((_t(2, 5, 3),), {"axis": 1, "descending": False}),
             Sample((_t(7, dtype="i32"),), {"axis": 0, "descending": False}),
             Sample((_t(4, 3, dtype="i64"),), {"axis": 0, "descending": True}))))

register(OpDef(
    name="topk",
    summary="The k largest elements along `axis`, largest first (torch.topk, jax.lax.top_k on any axis): "
            "equal elements by lower index first, NaN larger than every number; returns the values and "
            "their i64 indices.",
    operands=("input",), results=("values", "indices"), attrs={"k": INT, "axis": INT},
    infer=_infer_topk, ref=_topk_ref,
    shape_rule="the operand's shape with `axis` of length k (0 <= k <= its length); values: the operand's "
               "element type (f32, f64, i32 or i64), indices: i64",
    vjp=_topk_vjp, vjp_doc=_VJP_DOC, api_name="topk", api=_topk_api, lower=_lower_topk,
    samples=(Sample((_t(3, 5),), {"k": 2, "axis": 1}),
             Sample((_t(2, 3, 4, dtype="f64"),), {"k": 3, "axis": 1}),
             Sample((_t(6),), {"k": 6, "axis": 0}),
             Sample((_t(4, 3),), {"k": 1, "axis": 0}),
             Sample((_t(5, 2, dtype="i32"),), {"k": 3, "axis": 0}))))

FUNCTIONS = {"sort": sort, "argsort": argsort}
