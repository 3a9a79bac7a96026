"""Layers of `sg.nn` that are functions of their inputs and parameters (dropout, batch norm, embedding).

Functional, as jax/flax's: nothing is mutated. A layer with state (batch norm's running
statistics) takes the state as arguments and returns the new state beside its output, so a
training step is one traced function whose outputs feed the next call.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .. import prng
from ..emit import Tensor, api_call
from ..ops.indexing import embedding


def _tensor_arg(fname: str, name: str, x) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"symgrad.nn.{fname}: {name} must be a symbolic tensor, got {type(x).__name__}")
    if not x.type.is_float:
        raise TypeError(f"symgrad.nn.{fname}: {name} must be a float32 or float64 tensor, got {x.type}")
    return x


def _number(fname: str, name: str, v, lo: float, hi: float, hi_open: bool) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or math.isnan(v):
        raise ValueError(f"symgrad.nn.{fname}: {name} must be a number, got {v!r}")
    if not (lo <= v < hi if hi_open else lo <= v <= hi):
        raise ValueError(f"symgrad.nn.{fname}: {name} must be in [{lo:g}, {hi:g}{')' if hi_open else ']'}, got {v!r}")
    return float(v)


# ------------------------------------------------------------------ dropout
def dropout(x, rate, key, training=True):
    """Inverted dropout: each element is kept with probability 1 - rate and scaled by
    1 / (1 - rate), so the expected value is x and evaluation needs no rescaling (torch's and
    flax's). `rate` in [0, 1); rate 0 or training=False returns x. The mask comes from `key`
    (symgrad.random: a numpy key or a symbolic one passed per step), so the same key drops the
    same elements, interpreted or compiled; the gradient is the mask times the scale."""
    x = _tensor_arg("dropout", "x", x)
    rate = _number("dropout", "rate", rate, 0.0, 1.0, hi_open=True)
    if not training or rate == 0.0:
        return x
    keep = prng.bernoulli(key, 1.0 - rate, x.shape)
    return api_call("select", keep, x * (1.0 / (1.0 - rate)), 0.0)


# ------------------------------------------------------------------ batch norm
def _per_channel(fname, name, v, x: Tensor, channels: int, shape):
    """A (C,) parameter or statistic (a tensor or a numpy array of x's dtype) reshaped to
    broadcast against x along its channel axis; None stays None."""
    if v is None:
        return None
    if not isinstance(v, (Tensor, np.ndarray)):
        raise TypeError(f"symgrad.nn.{fname}: {name} must be a tensor, a numpy array or None, got {type(v).__name__}")
    if tuple(v.shape) != (channels,):
        raise ValueError(f"symgrad.nn.{fname}: {name} must have shape ({channels},) (one value per channel of x, "
                         f"{x.type}), got {tuple(v.shape)}")
    if v.dtype != x.dtype:
        raise TypeError(f"symgrad.nn.{fname}: {name} has dtype {v.dtype}, x has {x.dtype} (no implicit casts)")
    if isinstance(v, np.ndarray):
        return v.reshape(shape)
    return api_call("reshape", v, shape)


def batch_norm(x, weight=None, bias=None, running_mean=None, running_var=None, training=True, momentum=0.1,
               eps=1e-5, axis=1):
    """Batch normalization with PyTorch's semantics (torch.nn.functional.batch_norm), as a pure
    function returning (y, new_running_mean, new_running_var).

    Training: statistics of the batch over every axis but the channel axis `axis` (default 1, as
    (N, C, ...) layouts); y normalizes with the biased variance, and the running statistics move
    by `momentum` towards the batch mean and the *unbiased* variance (n / (n - 1) times the
    biased one, n elements per channel). Running statistics may be None in training (returned as
    None). Evaluation (training=False): y normalizes with the running statistics, which are
    returned as they are. `weight` and `bias` (per channel, optional) scale and shift y.
    Gradients flow through the batch statistics; the running update is a constant to
    differentiation (torch updates its buffers without autograd)."""
    fname = "batch_norm"
    x = _tensor_arg(fname, "x", x)
    if x.ndim < 2:
        raise ValueError(f"symgrad.nn.batch_norm: x must have a batch axis and a channel axis (rank >= 2), got {x.type}")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"symgrad.nn.batch_norm: axis {axis!r} is not an axis of x ({x.type})")
    axis = int(axis) % x.ndim
    momentum = _number(fname, "momentum", momentum, 0.0, 1.0, hi_open=False)
    eps = _number(fname, "eps", eps, 0.0, math.inf, hi_open=True)
    channels = x.shape[axis]
    shape = tuple(channels if d == axis else 1 for d in range(x.ndim))
    axes = tuple(d for d in range(x.ndim) if d != axis)
    args = {n: _per_channel(fname, n, v, x, channels, shape)
            for n, v in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                         ("running_var", running_var))}
    if (running_mean is None) != (running_var is None):
        raise ValueError("symgrad.nn.batch_norm: give both running_mean and running_var, or neither")
    if training:
        n = x.size // channels
        if n < 2:
            raise ValueError(f"symgrad.nn.batch_norm: training needs more than one value per channel to estimate a "
                             f"variance, got {x.type} (channel axis {axis})")
        mean = api_call("mean", x, axes, True)
        centered = x - mean
        var = api_call("mean", centered * centered, axes, True)
        y = centered * api_call("rsqrt", var + eps)
    else:
        if running_mean is None:
            raise ValueError("symgrad.nn.batch_norm: evaluation (training=False) normalizes with the running "
                             "statistics: give running_mean and running_var")
        y = (x - args["running_mean"]) * api_call("rsqrt", args["running_var"] + eps)
    if args["weight"] is not None:
        y = y * args["weight"]
    if args["bias"] is not None:
        y = y + args["bias"]
    if not training or running_mean is None:
        return y, running_mean, running_var
    batch_mean = api_call("reshape", api_call("stop_gradient", mean), (channels,))
    unbiased = api_call("reshape", api_call("stop_gradient", var), (channels,)) * (n / (n - 1))
    new_mean = batch_mean * momentum + running_mean * (1.0 - momentum)
    new_var = unbiased * momentum + running_var * (1.0 - momentum)
    return y, new_mean, new_var


# sg.nn.embedding is sg.embedding (torch.nn.functional.embedding's place, jax's weight[ids]): the
# weight's rows at integer ids, a gather whose gradient scatters back (ops/indexing.py).
FUNCTIONS: dict = {"dropout": dropout, "batch_norm": batch_norm, "embedding": embedding}
