"""Reductions over `axes` with `keepdims`, numpy style."""
from __future__ import annotations

import numpy as np
from mlir.dialects import arith, math as mmath

from .. import mathfns
from ..attrs import BOOL, INT, INTS
from ..emit import G, Tensor, emit, numpy_axes, scalar
from ..lowering import ADD, MAX, MIN
from ..registry import OpDef, Sample, register
from ..shape_rules import normalize_axes, reduced_shape, require_dtype, require_float
from ..types import ShapeError, TensorType, shape_str


def _infer(nonempty: bool, ints: bool = False):
    def infer(x, axes, keepdims):
        if ints:
            require_dtype("input", x)
        else:
            require_float("input", x)
        ax = normalize_axes(axes, x.rank)
        if ax != tuple(axes):
            raise ShapeError(f"axes {tuple(axes)} must be sorted, non-negative and distinct "
                             f"(write array<i64: {', '.join(map(str, ax))}>)")
        if nonempty and any(x.shape[a] == 0 for a in ax):
            raise ShapeError(f"cannot reduce the empty axes {tuple(axes)} of shape {shape_str(x.shape)}: "
                             f"the result has no identity")
        return x.with_shape(reduced_shape(x.shape, ax, keepdims))
    return infer


def _reduce_call(name, x, axis, keepdims, **attrs):
    """Emits graph.<name> over numpy's `axis` (None: every axis; an int; a tuple)."""
    axes = numpy_axes(name, x, axis)
    return emit(name, x, axes=axes, keepdims=bool(keepdims), **attrs)


def _front(name):
    """symgrad.<name>(x, axis=None, keepdims=False) with numpy's meaning of `axis`."""
    def api(x, axis=None, keepdims=False):
        return _reduce_call(name, x, axis, keepdims)
    return api


def expand(g: Tensor, x: Tensor, axes, keepdims) -> Tensor:
    """Broadcasts a reduction's cotangent (or result) back over the reduced axes of `x`."""
    if not keepdims:
        g = G.reshape(g, shape=reduced_shape(x.shape, axes, True))
    return G.broadcast_to(g, shape=x.shape) if g.shape != x.shape else g


def _count(x, axes):
    return float(np.prod([x.shape[a] for a in axes], dtype=np.int64))


def _extremum_vjp(g, y, x, axes, keepdims):
    """Splits the cotangent evenly among the elements that attain the extremum."""
    hit = G.select(x == expand(y, x, axes, keepdims), scalar(1.0, x), scalar(0.0, x))
    ties = G.sum(hit, axes=axes, keepdims=True)
    return (expand(g, x, axes, keepdims) * hit / G.broadcast_to(ties, shape=x.shape),)


def _logsumexp_ref(x, axes, keepdims):
    m = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros(reduced_shape(x.shape, axes, True), x.dtype)
    m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
    out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axes)


SAMPLES = (
    Sample((TensorType((3, 4), "f32"),), {"axes": (1,), "keepdims": False}),
    Sample((TensorType((2, 3, 4), "f64"),), {"axes": (0, 2), "keepdims": True}),
    Sample((TensorType((5,), "f64"),), {"axes": (0,), "keepdims": False}),
    Sample((TensorType((2, 3), "f32"),), {"axes": (), "keepdims": False}),
)
INT_SAMPLES = (
    Sample((TensorType((3, 4), "i32"),), {"axes": (1,), "keepdims": False}),
    Sample((TensorType((2, 3, 4), "i64"),), {"axes": (0, 2), "keepdims": True}),
)


def _logsumexp_lower(lw, x, axes, keepdims):
    """As the reference: m = max (0 where not finite); log(sum(exp(x - m))) + m."""
    m = lw.reduce(x, axes, MAX, -np.inf, keepdims=True)
    m = lw.elementwise(lambda s, v: arith.select(s.is_finite(v), v, s.const(0.0)), [m])
    e = lw.elementwise(lambda s, v, mv: mathfns.exp(s, arith.subf(v, mv)), [x, m])
    total = lw.reduce(e, axes, ADD, 0.0, keepdims)
    m = m if keepdims else lw.reshape(m, lw.result.shape)
    return lw.elementwise(lambda s, t, mv: arith.addf(mathfns.log(s, t), mv), [total, m])


def _mean_lower(lw, x, axes, keepdims):
    n = float(np.prod([lw.operand_types[0].shape[a] for a in axes], dtype=np.int64))
    total = lw.reduce(x, axes, ADD, 0.0, keepdims)
    return lw.elementwise(lambda s, v: arith.divf(v, s.const(n)), [total])


def reduction(name, summary, ref, vjp, vjp_doc, nonempty=False, lower=None, api=None, ints=False):
    """`lower(lw, x, axes, keepdims)` builds the linalg IR (see dialects/graph/lowering.py). With
    `ints`, i32/i64 operands reduce in their own type (sums wrap, as numpy's with dtype=x.dtype)."""
    register(OpDef(
        name=name, summary=summary, operands=("input",), attrs={"axes": INTS, "keepdims": BOOL},
        infer=_infer(nonempty, ints),
        ref=lambda x, axes, keepdims: np.asarray(ref(x, axes, keepdims)).astype(x.dtype),
        shape_rule="operand shape with `axes` (sorted, distinct) removed, or kept as 1 when `keepdims`" +
                   ("; f32, f64, i32 or i64, result of the operand's type" if ints else ""),
        vjp=vjp, vjp_doc=vjp_doc, api_name=name, api=api or _front(name),
        samples=SAMPLES + (INT_SAMPLES if ints else ()), lower=lower))


reduction("sum", "Sum over axes.", lambda x, a, k: np.sum(x, axis=a, keepdims=k),
          lambda g, y, x, axes, keepdims: (expand(g, x, axes, keepdims),), "g broadcast back over the axes",
          lower=lambda lw, x, axes, keepdims: lw.reduce(x, axes, ADD, 0.0, keepdims), ints=True)
reduction("mean", "Arithmetic mean over axes.", lambda x, a, k: np.mean(x, axis=a, keepdims=k),
          lambda g, y, x, axes, keepdims: (expand(g, x, axes, keepdims) * (1.0 / _count(x, axes)),),
          "g broadcast back over the axes, divided by the number of reduced elements", nonempty=True,
          lower=_mean_lower)
reduction("max", "Maximum over axes.", lambda x, a, k: np.max(x, axis=a, keepdims=k), _extremum_vjp,
          "g split evenly among the elements equal to the maximum", nonempty=True,
          lower=lambda lw, x, axes, keepdims: lw.reduce(x, axes, MAX, -np.inf, keepdims), ints=True)
reduction("min", "Minimum over axes.", lambda x, a, k: np.min(x, axis=a, keepdims=k), _extremum_vjp,
          "g split evenly among the elements equal to the minimum", nonempty=True,
          lower=lambda lw, x, axes, keepdims: lw.reduce(x, axes, MIN, np.inf, keepdims), ints=True)
reduction("logsumexp", "log(sum(exp(x))) over axes, computed stably.", _logsumexp_ref,
          lambda g, y, x, axes, keepdims: (expand(g, x, axes, keepdims) * G.exp(x - expand(y, x, axes, keepdims)),),
          "g * exp(x - y), i.e. g times the softmax of x over the axes", nonempty=True,
          lower=_logsumexp_lower)


# ---------------------------------------------------------------- statistics --
# var, std and norm are ops, not composites of mean and sum: each is a two-pass (var, std) or
# one-pass (norm) reduction in its lowering, and the gradient rules are the short closed forms.
# Where std or norm is 0 their derivative does not exist; the rules give 0 there (a subgradient:
# norm([x]) is |x|, whose rule gives 0 at 0), where jax.grad gives NaN (inf * 0).
def _infer_var(x, axes, keepdims, ddof):
    out = _infer(False)(x, axes, keepdims)
    n = _count(x, normalize_axes(axes, x.rank))
    if ddof < 0:
        raise ShapeError(f"ddof {ddof} must be >= 0 (it is subtracted from the count of elements)")
    if ddof >= n:
        raise ShapeError(f"ddof {ddof} must be less than {int(n)}, the number of elements reduced over axes "
                         f"{tuple(axes)} of shape {shape_str(x.shape)} (n - ddof <= 0 leaves no degrees of freedom)")
    return out


def _var_ref(x, axes, keepdims, ddof):
    return np.var(x, axis=axes, ddof=ddof, keepdims=keepdims)


def _centered(x, axes):
    return x - G.mean(x, axes=axes, keepdims=True)


def _over(num: Tensor, y: Tensor) -> Tensor:
    """num / y, 0 where y == 0 (y broadcast to num's shape)."""
    zero = G.select(y == 0.0, scalar(1.0, y), scalar(0.0, y))
    return G.select(y == 0.0, scalar(0.0, num), num / (y + zero))


def _var_vjp(g, y, x, axes, keepdims, ddof):
    return (expand(g, x, axes, keepdims) * _centered(x, axes) * (2.0 / (_count(x, axes) - ddof)),)


def _std_vjp(g, y, x, axes, keepdims, ddof):
    scaled = _centered(x, axes) * (1.0 / (_count(x, axes) - ddof))
    return (expand(g, x, axes, keepdims) * _over(scaled, expand(y, x, axes, keepdims)),)


def _norm_vjp(g, y, x, axes, keepdims):
    return (expand(g, x, axes, keepdims) * _over(x, expand(y, x, axes, keepdims)),)


def _var_lower(lw, x, axes, keepdims, ddof, root=False):
    """mean first, then the sum of squared deviations from it (two passes: no cancellation)."""
    n = _count(lw.operand_types[0], axes)
    mean = lw.elementwise(lambda s, v: arith.divf(v, s.const(n)), [lw.reduce(x, axes, ADD, 0.0, keepdims=True)])
    sq = lw.elementwise(lambda s, v, m: (lambda d: arith.mulf(d, d))(arith.subf(v, m)), [x, mean])
    total = lw.reduce(sq, axes, ADD, 0.0, keepdims)
    if root:
        return lw.elementwise(lambda s, v: mmath.sqrt(arith.divf(v, s.const(n - ddof))), [total])
    return lw.elementwise(lambda s, v: arith.divf(v, s.const(n - ddof)), [total])


def _norm_lower(lw, x, axes, keepdims):
    sq = lw.elementwise(lambda s, v: arith.mulf(v, v), [x])
    return lw.elementwise(lambda s, v: mmath.sqrt(v), [lw.reduce(sq, axes, ADD, 0.0, keepdims)])


def _statistic_front(name):
    """symgrad.<name>(x, axis=None, ddof=0, keepdims=False), numpy's arguments."""
    def api(x, axis=None, ddof=0, keepdims=False):
        if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)):
            raise TypeError(f"symgrad.{name}: ddof must be an integer, got {type(ddof).__name__}")
        return _reduce_call(name, x, axis, keepdims, ddof=int(ddof))
    return api


def _norm_api(x, ord=None, axis=None, keepdims=False):  # noqa: A002  (numpy's name)
    """numpy.linalg.norm for the Euclidean norms: ord None (the 2-norm of the elements over
    `axis`, all of them by default), 2 (a vector norm: one axis) or 'fro' (a matrix: two axes)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"symgrad.norm: expected a symbolic tensor, got {type(x).__name__}")
    count = x.ndim if axis is None else (1 if isinstance(axis, (int, np.integer)) else len(tuple(axis)))
    wanted = {2: (1, "a vector norm over one axis"), "fro": (2, "a matrix norm over two axes")}
    if ord is not None:
        if isinstance(ord, bool) or ord not in wanted:
            raise ValueError(f"symgrad.norm: ord {ord!r} is not supported (None, 2 or 'fro')")
        if count != wanted[ord][0]:
            raise ValueError(f"symgrad.norm: ord={ord!r} is {wanted[ord][1]}, got {count} axes")
    return _reduce_call("norm", x, axis, keepdims)


VAR_SAMPLES = (
    Sample((TensorType((3, 4), "f32"),), {"axes": (1,), "keepdims": False, "ddof": 0}),
    Sample((TensorType((2, 3, 4), "f64"),), {"axes": (0, 2), "keepdims": True, "ddof": 1}),
    Sample((TensorType((5,), "f64"),), {"axes": (0,), "keepdims": False, "ddof": 1}),
    Sample((TensorType((2, 3), "f32"),), {"axes": (), "keepdims": False, "ddof": 0}),
)
_VAR_RULE = ("operand shape with `axes` (sorted, distinct) removed, or kept as 1 when `keepdims`; "
             "0 <= ddof < the number of reduced elements")
register(OpDef(
    name="var", summary="Variance over axes, sum((x - mean)^2) / (n - ddof) (numpy.var).", operands=("input",),
    attrs={"axes": INTS, "keepdims": BOOL, "ddof": INT}, infer=_infer_var, shape_rule=_VAR_RULE,
    ref=lambda x, axes, keepdims, ddof: np.asarray(_var_ref(x, axes, keepdims, ddof)).astype(x.dtype),
    vjp=_var_vjp, vjp_doc="g broadcast back over the axes, times 2 (x - mean(x)) / (n - ddof)",
    api_name="var", api=_statistic_front("var"), samples=VAR_SAMPLES, lower=_var_lower))
register(OpDef(
    name="std", summary="Standard deviation over axes, sqrt(var(x, ddof)) (numpy.std).", operands=("input",),
    attrs={"axes": INTS, "keepdims": BOOL, "ddof": INT}, infer=_infer_var, shape_rule=_VAR_RULE,
    ref=lambda x, axes, keepdims, ddof: np.sqrt(np.asarray(_var_ref(x, axes, keepdims, ddof))).astype(x.dtype),
    vjp=_std_vjp, vjp_doc="g broadcast back over the axes, times (x - mean(x)) / ((n - ddof) y); 0 where y = 0",
    api_name="std", api=_statistic_front("std"), samples=VAR_SAMPLES,
    lower=lambda lw, x, axes, keepdims, ddof: _var_lower(lw, x, axes, keepdims, ddof, root=True)))
reduction("norm", "Euclidean norm over axes, sqrt(sum(x^2)): a vector 2-norm or the Frobenius norm "
                  "(numpy.linalg.norm).",
          lambda x, a, k: np.sqrt(np.sum(x * x, axis=a, keepdims=k)), _norm_vjp,
          "g broadcast back over the axes, times x / y; 0 where y = 0 (jax gives NaN there)", lower=_norm_lower,
          api=_norm_api)
