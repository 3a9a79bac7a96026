"""Reductions over `axes` with `keepdims`, numpy style."""
from __future__ import annotations

import numpy as np
from mlir.dialects import arith

from .. import mathfns
from ..attrs import BOOL, INTS
from ..emit import G, Tensor, emit, scalar
from ..lowering import ADD, MAX, MIN
from ..registry import OpDef, Sample, register
from ..shape_rules import normalize_axes, reduced_shape, require_float
from ..types import ShapeError, TensorType, shape_str


def _infer(nonempty: bool):
    def infer(x, axes, keepdims):
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


def _front(name):
    """symgrad.<name>(x, axis=None, keepdims=False) with numpy's meaning of `axis`."""
    def api(x, axis=None, keepdims=False):
        if not isinstance(x, Tensor):
            raise TypeError(f"symgrad.{name}: expected a symbolic tensor, got {type(x).__name__}")
        if axis is None:
            axes = tuple(range(x.ndim))
        else:
            axes = normalize_axes((axis,) if isinstance(axis, (int, np.integer)) else tuple(axis), x.ndim, "axis")
        return emit(name, x, axes=axes, keepdims=bool(keepdims))
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


def reduction(name, summary, ref, vjp, vjp_doc, nonempty=False, lower=None):
    """`lower(lw, x, axes, keepdims)` builds the linalg IR (see dialects/graph/lowering.py)."""
    register(OpDef(
        name=name, summary=summary, operands=("input",), attrs={"axes": INTS, "keepdims": BOOL},
        infer=_infer(nonempty), ref=lambda x, axes, keepdims: np.asarray(ref(x, axes, keepdims)).astype(x.dtype),
        shape_rule="operand shape with `axes` (sorted, distinct) removed, or kept as 1 when `keepdims`",
        vjp=vjp, vjp_doc=vjp_doc, api_name=name, api=_front(name), samples=SAMPLES, lower=lower))


reduction("sum", "Sum over axes.", lambda x, a, k: np.sum(x, axis=a, keepdims=k),
          lambda g, y, x, axes, keepdims: (expand(g, x, axes, keepdims),), "g broadcast back over the axes",
          lower=lambda lw, x, axes, keepdims: lw.reduce(x, axes, ADD, 0.0, keepdims))
reduction("mean", "Arithmetic mean over axes.", lambda x, a, k: np.mean(x, axis=a, keepdims=k),
          lambda g, y, x, axes, keepdims: (expand(g, x, axes, keepdims) * (1.0 / _count(x, axes)),),
          "g broadcast back over the axes, divided by the number of reduced elements", nonempty=True,
          lower=_mean_lower)
reduction("max", "Maximum over axes.", lambda x, a, k: np.max(x, axis=a, keepdims=k), _extremum_vjp,
          "g split evenly among the elements equal to the maximum", nonempty=True,
          lower=lambda lw, x, axes, keepdims: lw.reduce(x, axes, MAX, -np.inf, keepdims))
reduction("min", "Minimum over axes.", lambda x, a, k: np.min(x, axis=a, keepdims=k), _extremum_vjp,
          "g split evenly among the elements equal to the minimum", nonempty=True,
          lower=lambda lw, x, axes, keepdims: lw.reduce(x, axes, MIN, np.inf, keepdims))
reduction("logsumexp", "log(sum(exp(x))) over axes, computed stably.", _logsumexp_ref,
          lambda g, y, x, axes, keepdims: (expand(g, x, axes, keepdims) * G.exp(x - expand(y, x, axes, keepdims)),),
          "g * exp(x - y), i.e. g times the softmax of x over the axes", nonempty=True,
          lower=_logsumexp_lower)
