"""`symgrad.random`: JAX-style functional random numbers on `graph.random_bits`.

A key is a (2,) int32 array of two 32-bit words (`key(seed)`); it is data, not state, so a
training loop passes a fresh key each step as an ordinary runtime argument (int32 arrays are
what compiled functions take; the kernel is not recompiled) or bakes one into the graph. Every
function takes either kind of key: a symbolic key (a Tensor, inside a traced function) emits
graph ops; a numpy key computes the same numbers with numpy, so `split` and friends work outside
tracing too. A key is used once: split it, or draw from it, not both (as in JAX).

The distributions are compositions of ops, written once over the operators both numpy arrays
and symbolic tensors have (`//`, `%`, `*`, `+`, indexing) and a few named functions (`_NP`,
`_SYM`), so the numpy results are the interpreter's bit for bit.
"""
from __future__ import annotations

import math

import numpy as np

from . import threefry
from .emit import Tensor, api_call
from .types import parse_dtype

__all__ = ["key", "split", "fold_in", "bits", "uniform", "normal", "bernoulli"]


def key(seed) -> np.ndarray:
    """A key from an integer seed (0 <= seed < 2**64, or a negative int64): words (high, low)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"symgrad.random.key: seed must be an integer, got {type(seed).__name__}")
    seed = int(seed)
    if not -2 ** 63 <= seed < 2 ** 64:
        raise ValueError(f"symgrad.random.key: seed {seed} does not fit 64 bits")
    seed &= (1 << 64) - 1
    return np.array([seed >> 32, seed & threefry.MASK32], np.uint64).astype(np.uint32).view(np.int32)


def _check_key(fname, k):
    """`k` as a symbolic key, or a numpy key as int32 words; TypeError/ValueError otherwise."""
    if isinstance(k, Tensor):
        if k.shape != (2,) or not k.type.is_int:
            raise ValueError(f"symgrad.random.{fname}: key must be a (2,) int32 tensor (symgrad.random.key), "
                             f"got {k.type}")
        return k
    if not isinstance(k, (np.ndarray, np.generic)):
        raise TypeError(f"symgrad.random.{fname}: key must be a key array (symgrad.random.key(seed)) or a symbolic "
                        f"key tensor, got {type(k).__name__}")
    try:
        return threefry.key_words(k).view(np.int32)
    except ValueError as e:
        raise ValueError(f"symgrad.random.{fname}: {e}") from None


def _shape(fname, shape):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise ValueError(f"symgrad.random.{fname}: shape must be a tuple of non-negative integers, got {shape!r}")
    return tuple(int(d) for d in shape)


def bits(key, shape=()):
    """Uniform random 32-bit words of `shape`, as int32 (graph.random_bits)."""
    k, shape = _check_key("bits", key), _shape("bits", shape)
    if isinstance(k, Tensor):
        return api_call("random_bits", k, shape)
    return threefry.random_bits(k, shape)


def split(key, num: int = 2):
    """`num` new keys, shape (num, 2): new key j is the block at counter j under `key`."""
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"symgrad.random.split: num must be a non-negative integer, got {num!r}")
    return bits(key, (int(num), 2))


def fold_in(key, data: int) -> np.ndarray:
    """A new numpy key from `key` and an integer 0 <= data < 2**32 (a step number, a worker id):
    the block at counter (2**32 - 1, data), a counter `bits` and `split` never reach (they would
    need 2**64 elements). Numpy keys only: inside a traced function, split the key instead."""
    if isinstance(key, Tensor):
        raise TypeError("symgrad.random.fold_in takes numpy keys (outside tracing); split a symbolic key "
                        "instead, or fold in before the call and pass the key as an argument")
    k = _check_key("fold_in", key)
    if isinstance(data, bool) or not isinstance(data, (int, np.integer)) or not 0 <= data <= threefry.MASK32:
        raise ValueError(f"symgrad.random.fold_in: data must be an integer in [0, 2**32), got {data!r}")
    words = threefry.threefry2x32(k.view(np.uint32), np.array([[threefry.MASK32], [int(data)]], np.uint32))
    return words.reshape(2).view(np.int32)


# ------------------------------------------------------------------ the two arithmetics
class _NP:
    """numpy forms of the few functions the distributions call by name."""
    cast = staticmethod(lambda x, dtype: x.astype(np.dtype(dtype)))
    log1p, sqrt, cos = staticmethod(np.log1p), staticmethod(np.sqrt), staticmethod(np.cos)
    minimum, maximum = staticmethod(np.minimum), staticmethod(np.maximum)


class _SYM:
    """... and their graph forms."""
    cast = staticmethod(lambda x, dtype: api_call("cast", x, dtype))
    log1p = staticmethod(lambda x: api_call("log1p", x))
    sqrt = staticmethod(lambda x: api_call("sqrt", x))
    cos = staticmethod(lambda x: api_call("cos", x))
    minimum = staticmethod(lambda x, y: api_call("minimum", x, y))
    maximum = staticmethod(lambda x, y: api_call("maximum", x, y))


def _float_dtype(fname, dtype) -> np.dtype:
    name = parse_dtype(dtype)
    if name not in ("f32", "f64"):
        raise TypeError(f"symgrad.random.{fname}: dtype must be float32 or float64, got {np.dtype(dtype)}")
    return np.dtype(np.float32 if name == "f32" else np.float64)


def _unit(k, shape, dtype: np.dtype):
    """Uniform on [0, 1) with the mantissa's resolution: 23 random bits for f32 (one word), 52
    for f64 (20 of one word and 32 of another), as an exact integer times 2**-23 or 2**-52.
    `x % 2**n` of an int32 word is its low n bits (numpy's sign convention: never negative)."""
    xp = _SYM if isinstance(k, Tensor) else _NP
    if dtype == np.float32:
        m = bits(k, shape) % (1 << 23)
        return xp.cast(m, np.float32) * np.float32(2.0 ** -23)
    b = bits(k, (2,) + shape)
    hi, lo = xp.cast(b[0], np.int64) % (1 << 20), xp.cast(b[1], np.int64) % (1 << 32)
    return xp.cast(hi * (1 << 32) + lo, np.float64) * np.float64(2.0 ** -52)


def uniform(key, shape=(), dtype=np.float32, minval=0.0, maxval=1.0):
    """Uniform on [minval, maxval) (Python numbers), as jax.random.uniform: minval + (maxval -
    minval) * u for u on [0, 1), clamped so rounding never reaches maxval."""
    k, shape, dt = _check_key("uniform", key), _shape("uniform", shape), _float_dtype("uniform", dtype)
    for name, v in (("minval", minval), ("maxval", maxval)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) or not math.isfinite(v):
            raise ValueError(f"symgrad.random.uniform: {name} must be a finite number, got {v!r}")
    lo, hi = dt.type(minval), dt.type(maxval)
    if not lo < hi:
        raise ValueError(f"symgrad.random.uniform: minval {minval} must be less than maxval {maxval} in {dt}")
    u = _unit(k, shape, dt)
    if lo == 0 and hi == 1:
        return u
    xp = _SYM if isinstance(k, Tensor) else _NP
    top = np.nextafter(hi, lo)  # the largest value below maxval
    return xp.maximum(xp.minimum(u * dt.type(hi - lo) + lo, top), lo)


def normal(key, shape=(), dtype=np.float32):
    """Standard normal samples, by Box-Muller on two uniforms u1, u2 of [0, 1):
    sqrt(-2 log(1 - u1)) cos(2 pi u2) (1 - u1 is in (0, 1], so the log is finite)."""
    k, shape, dt = _check_key("normal", key), _shape("normal", shape), _float_dtype("normal", dtype)
    xp = _SYM if isinstance(k, Tensor) else _NP
    u = _unit(k, (2,) + shape, dt)
    radius = xp.sqrt(xp.log1p(-u[0]) * dt.type(-2.0))
    return radius * xp.cos(u[1] * dt.type(2.0 * math.pi))


def bernoulli(key, p=0.5, shape=()):
    """Booleans that are True with probability p (a Python number in [0, 1]): u < p for u uniform
    on [0, 1) in float64 (52 bits, so p = 0.3 means 0.3 to 16 digits)."""
    k, shape = _check_key("bernoulli", key), _shape("bernoulli", shape)
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0 <= p <= 1:
        raise ValueError(f"symgrad.random.bernoulli: p must be a probability in [0, 1], got {p!r}")
    return _unit(k, shape, np.dtype(np.float64)) < np.float64(p)
