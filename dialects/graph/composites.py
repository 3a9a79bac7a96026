"""Composite functions (`sg.softmax`, ...), built from `graph` ops at trace time rather than
defined as ops.

Being compositions, they need no gradient rule or lowering of their own: the rules of their parts
apply, and upstream fusion merges the parts again. How each is written, and the measurements
behind it: docs/design/dialects-composites.md.
"""
from __future__ import annotations

import math

from .emit import api_call
from .ops.sorting import FUNCTIONS as _SORTING


def _shifted(x, axis):
    """x - max(x), the max held constant (stop_gradient): the shift cancels in softmax, so the
    adjoint does no work for it, and every exponent is <= 0 (the row sum of exps is in [1, n])."""
    return x - api_call("stop_gradient", api_call("max", x, axis, True))


def _log_sum_exp_shifted(s, axis):
    return api_call("log", api_call("sum", api_call("exp", s), axis, True))


def softmax(x, axis=-1):
    """e * (1 / sum(e)) with e = exp(x - max(x)): stable, one exp per element, no special rule."""
    e = api_call("exp", _shifted(x, axis))
    return e * (1.0 / api_call("sum", e, axis, True))


def log_softmax(x, axis=-1):
    """s - log(sum(exp(s))) with s = x - max(x)."""
    s = _shifted(x, axis)
    return s - _log_sum_exp_shifted(s, axis)


def gelu(x):
    """GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * (x * x * x))
    return 0.5 * x * (1.0 + api_call("tanh", inner))


def layer_norm(x, axis=-1, eps=1e-5):
    """Normalizes over `axis` to zero mean and unit variance (no affine parameters)."""
    centered = x - api_call("mean", x, axis, True)
    var = api_call("mean", centered * centered, axis, True)
    return centered * api_call("rsqrt", var + eps)


COMPOSITES = {"softmax": softmax, "log_softmax": log_softmax, "gelu": gelu, "layer_norm": layer_norm,
              **_SORTING}  # sort, argsort: one result of graph.sort_with_indices each
