"""Activation functions: softplus, log_sigmoid, silu, and the ones with scalar parameters
(leaky_relu, elu, hardtanh, clip), parameters being f64 attributes.

Each is one elementwise op rather than a composite so that its numerically stable form is
written once, in the reference and the lowering alike (softplus as max(x, 0) + log1p(e^-|x|)
never overflows), and its gradient rule is the short exact one. Where the derivative jumps
(at 0, at the bounds) the rule picks the side PyTorch or JAX picks, as each docstring says.
"""
from __future__ import annotations

import numbers

import numpy as np
from mlir.dialects import arith, math as mmath

from .. import mathfns
from ..attrs import FLOAT
from ..emit import G, Tensor, emit, scalar
from ..lowering import elementwise_lowering
from ..registry import OpDef, Sample, register
from ..shape_rules import require_float
from ..types import ShapeError
from .elementwise import UNARY_SAMPLES, np_sigmoid


def _infer(x, **attrs):
    require_float("input", x)
    return x


def _finite(x, **attrs):
    """The parameters must be finite numbers (a NaN or infinite slope has no meaning)."""
    require_float("input", x)
    bad = [k for k, v in attrs.items() if not np.isfinite(v)]
    if bad:
        raise ShapeError(f"attribute '{bad[0]}' must be finite, got {attrs[bad[0]]}")
    return x


def _ordered(lo_name, hi_name):
    def infer(x, **attrs):
        require_float("input", x)
        lo, hi = attrs[lo_name], attrs[hi_name]
        if not lo <= hi:
            raise ShapeError(f"attribute '{lo_name}' = {lo} is greater than '{hi_name}' = {hi}")
        return x
    return infer


def _number(fn: str, name: str, v) -> float:
    """A front-end parameter as a float: a real number, not a tensor or a bool."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"symgrad.{fn}: {name} must be a real number, got {type(v).__name__}")
    if np.isnan(v):
        raise ValueError(f"symgrad.{fn}: {name} must be a number, got NaN")
    return float(v)


def _same(f):
    return lambda x, **attrs: np.asarray(f(x, **attrs)).astype(x.dtype)


def activation(name, summary, ref, vjp, vjp_doc, lower, attrs=(), infer=_infer, api=None, samples=UNARY_SAMPLES,
               domain=(-3.0, 3.0)):
    """`lower(s, x, **attrs)` is the scalar body; the attributes are Python floats there."""
    def body_lowering(lw, x, **values):
        return elementwise_lowering(lambda s, v: lower(s, v, **values))(lw, x)
    body_lowering.scalar_body = lower
    register(OpDef(
        name=name, summary=summary, operands=("input",), attrs={a: FLOAT for a in attrs}, infer=infer,
        ref=_same(ref), shape_rule="result type = operand type (f32 or f64)", vjp=vjp, vjp_doc=vjp_doc,
        api_name=name, api=api, samples=samples, domain=domain, rematerializable=True, lower=body_lowering))


def _with(attrs: dict, *extra):
    """UNARY_SAMPLES with the attribute values `attrs` (then each dict of `extra` on the first type)."""
    first = UNARY_SAMPLES[0].operands
    return tuple(Sample(s.operands, dict(attrs)) for s in UNARY_SAMPLES) + tuple(Sample(first, e) for e in extra)


# -------------------------------------------------------------- softplus family --
def np_softplus(x):
    with np.errstate(over="ignore"):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _softplus_body(s, x):
    """max(x, 0) + log1p(e^-|x|): e^-|x| <= 1, so nothing overflows; NaN propagates."""
    return arith.addf(arith.maximumf(x, s.const(0.0)),
                      mathfns.log1p(s, mathfns.exp(s, arith.negf(mmath.absf(x)))))


def _log_sigmoid_body(s, x):
    """-softplus(-x) = min(x, 0) - log1p(e^-|x|)."""
    return arith.subf(arith.minimumf(x, s.const(0.0)),
                      mathfns.log1p(s, mathfns.exp(s, arith.negf(mmath.absf(x)))))


activation("softplus", "log(1 + e**x), computed as max(x, 0) + log1p(e**-|x|) (no overflow).", np_softplus,
           lambda g, y, x: (g * G.sigmoid(x),), "g * sigmoid(x)", _softplus_body)
activation("log_sigmoid", "log(sigmoid(x)) = -softplus(-x), stable for either sign.",
           lambda x: -np_softplus(-x), lambda g, y, x: (g * G.sigmoid(-x),), "g * sigmoid(-x)",
           _log_sigmoid_body)


def _silu_vjp(g, y, x):
    s = G.sigmoid(x)
    return (g * (s * (1.0 + x * (1.0 - s))),)


activation("silu", "x * sigmoid(x) (swish), with the stable sigmoid.", lambda x: x * np_sigmoid(x), _silu_vjp,
           "g * s (1 + x (1 - s)) with s = sigmoid(x)",
           lambda s, x: arith.mulf(x, mathfns.sigmoid(s, x)))


# -------------------------------------------------------------- parametrized --
def _leaky_relu_api(x, negative_slope=0.01):
    return emit("leaky_relu", x, negative_slope=_number("leaky_relu", "negative_slope", negative_slope))


activation("leaky_relu", "x where x > 0, else negative_slope * x.",
           lambda x, negative_slope: np.where(x > 0, x, x * negative_slope),
           lambda g, y, x, negative_slope: (G.select(x > 0, g, g * negative_slope),),
           "g where x > 0, else g * negative_slope (the left slope at 0, as torch)",
           lambda s, x, negative_slope: arith.select(arith.cmpf(arith.CmpFPredicate.OGT, x, s.const(0.0)), x,
                                                     arith.mulf(x, s.const(negative_slope))),
           attrs=("negative_slope",), infer=_finite, api=_leaky_relu_api,
           samples=_with({"negative_slope": 0.01}, {"negative_slope": -0.5}, {"negative_slope": 2.0}))


def _elu_api(x, alpha=1.0):
    return emit("elu", x, alpha=_number("elu", "alpha", alpha))


def _elu_body(s, x, alpha):
    """x where x > 0, else alpha * expm1(x) (accurate near 0)."""
    neg = arith.mulf(s.const(alpha), mathfns.expm1(s, arith.minimumf(x, s.const(0.0))))
    return arith.select(arith.cmpf(arith.CmpFPredicate.OGT, x, s.const(0.0)), x, neg)


activation("elu", "x where x > 0, else alpha * (e**x - 1).",
           lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
           lambda g, y, x, alpha: (G.select(x > 0, g, g * (alpha * G.exp(G.minimum(x, scalar(0.0, x))))),),
           "g where x > 0, else g alpha e^x (alpha at 0, as torch and jax; not g (y + alpha), which "
           "cancels for x << 0)", _elu_body,
           attrs=("alpha",), infer=_finite, api=_elu_api,
           samples=_with({"alpha": 1.0}, {"alpha": 0.5}))


def _clamp(s, x, lo, hi):
    """lo where x < lo, hi where x > hi, else x: NaN stays NaN (numpy.clip)."""
    y = arith.select(arith.cmpf(arith.CmpFPredicate.OGT, x, s.const(hi)), s.const(hi), x)
    return arith.select(arith.cmpf(arith.CmpFPredicate.OLT, x, s.const(lo)), s.const(lo), y)


def _hardtanh_api(x, min_val=-1.0, max_val=1.0):
    return emit("hardtanh", x, min_val=_number("hardtanh", "min_val", min_val),
                max_val=_number("hardtanh", "max_val", max_val))


def _hardtanh_vjp(g, y, x, min_val, max_val):
    zero = scalar(0.0, g)
    return (G.select(x > min_val, G.select(x < max_val, g, zero), zero),)


activation("hardtanh", "x clamped to [min_val, max_val] (torch.nn.functional.hardtanh).",
           lambda x, min_val, max_val: np.clip(x, min_val, max_val), _hardtanh_vjp,
           "g where min_val < x < max_val, else 0 (0 at the bounds, as torch)",
           lambda s, x, min_val, max_val: _clamp(s, x, min_val, max_val),
           attrs=("min_val", "max_val"), infer=_ordered("min_val", "max_val"), api=_hardtanh_api,
           samples=_with({"min_val": -1.0, "max_val": 1.0}, {"min_val": 0.0, "max_val": 6.0},
                         {"min_val": -0.5, "max_val": -0.5}))


def _clip_api(x, min=None, max=None):  # noqa: A002  (numpy's and jax's names)
    """numpy.clip / jax.numpy.clip with scalar bounds; None is an open side (+-inf)."""
    if min is None and max is None:
        raise ValueError("symgrad.clip: give min, max or both")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        raise TypeError("symgrad.clip: bounds are scalars; for tensor bounds use "
                        "sg.minimum(sg.maximum(x, lo), hi)")
    return emit("clip", x, min=-np.inf if min is None else _number("clip", "min", min),
                max=np.inf if max is None else _number("clip", "max", max))


def _tie(x: Tensor, bound: float, wins) -> Tensor:
    """1 where x is strictly inside `bound` (`wins`), 1/2 where x == bound, else 0."""
    b = scalar(bound, x)
    return G.select(wins, scalar(1.0, x), G.select(x == b, scalar(0.5, x), scalar(0.0, x)))


def _clip_vjp(g, y, x, min, max):  # noqa: A002
    lo, hi = scalar(min, x), scalar(max, x)
    return (g * (_tie(x, min, x > lo) * _tie(x, max, x < hi)),)


activation("clip", "x clamped to [min, max] (numpy.clip with scalar bounds; the bounds may be infinite).",
           lambda x, min, max: np.clip(x, min, max), _clip_vjp,
           "g where min < x < max, g / 2 where x equals one bound (g / 4 where min = max = x), else 0: "
           "jax.numpy.clip's rule (minimum(maximum(x, min), max), ties split in halves)",
           lambda s, x, min, max: _clamp(s, x, min, max),
           attrs=("min", "max"), infer=_ordered("min", "max"), api=_clip_api,
           samples=_with({"min": -0.5, "max": 1.0}, {"min": -np.inf, "max": 0.0}, {"min": 1.0, "max": 1.0}))
