"""graph.div compiled to native code gives numpy's quotients bit for bit (issue 11).

Every class of dividend and divisor: normal, subnormal, +-0, +-inf, NaN, quotients that overflow,
land in the subnormal range or fall exactly halfway between two subnormals (ties, where a
reciprocal-multiply with a correction step rounds the wrong way); f32 and f64; divided
elementwise, by a scalar (rank 0 and [1]) and by one value per row ([n, 1], the row statistics
of softmax and layer norm). Shapes are big enough for the loops to be vectorized and, for the
1-D and [300, 1024] kernels (>= 2^17 iterations), run as parallel loops.

"Bit for bit": the same NaN positions, and everywhere else the same bits (so the sign of every
zero and infinity too).
"""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg

DTYPES = [np.float32, np.float64]
UINT = {np.dtype(np.float32): np.uint32, np.dtype(np.float64): np.uint64}
ROWS, COLS = 300, 1024
FLAT = 1 << 18


def _ids(dt):
    return np.dtype(dt).name


def divide(x, s):
    with np.errstate(all="ignore"):
        return np.divide(x, s)


def assert_exact(got, x, s):
    """`got` is numpy's x / s: same dtype and shape, NaN where it is NaN, the same bits elsewhere."""
    want = divide(x, s)
    got = np.asarray(got)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape, want.dtype, want.shape)
    u = UINT[want.dtype]
    nan = np.isnan(want)
    bad = (np.isnan(got) != nan) | (~nan & (got.view(u) != want.view(u)))
    if bad.any():
        xb, sb = np.broadcast_arrays(x, s)
        idx = np.argwhere(bad)[:8]
        lines = [f"{float(xb[tuple(i)]).hex()} / {float(sb[tuple(i)]).hex()}: got {float(got[tuple(i)]).hex()}, "
                 f"numpy {float(want[tuple(i)]).hex()}" for i in idx]
        pytest.fail(f"{int(bad.sum())} of {bad.size} quotients differ from numpy's, e.g.\n  " + "\n  ".join(lines))


# ------------------------------------------------------------------ values ----
def _midpoint_exponent(dt):
    """e such that 2^e is half the smallest subnormal: 2^-150 (f32), 2^-1075 (f64)."""
    fi = np.finfo(dt)
    return int(np.log2(float(fi.smallest_subnormal))) - 1


def special_values(dt) -> np.ndarray:
    """Edge values of every class, both signs."""
    fi = np.finfo(dt)
    sub, tiny, big = fi.smallest_subnormal, fi.tiny, fi.max
    one = dt(1)
    mags = [0.0, np.inf, 1.0, 3.0, 7.0, 0.1, 1e-3, 1e3, big, big / 3, tiny, tiny * 3, sub, sub * 3, sub * 7,
            tiny - sub, tiny / 3, tiny / 1000, np.sqrt(big), 1 / np.sqrt(big), np.nextafter(one, dt(2)),
            np.nextafter(one, dt(0)), 2.0 ** (fi.maxexp - 1), 2.0 ** (fi.minexp - 1)]
    mags = np.array(mags, dtype=dt)
    return np.concatenate([mags, -mags, np.array([np.nan, -np.nan], dtype=dt)])


def random_bits(dt, shape, rng) -> np.ndarray:
    """Uniformly random bit patterns: every exponent (subnormals, specials) equally likely."""
    u = UINT[np.dtype(dt)]
    return rng.integers(0, np.iinfo(u).max, size=shape, dtype=u, endpoint=True).view(dt)


def random_finite(dt, shape, rng) -> np.ndarray:
    v = random_bits(dt, shape, rng)
    return np.where(np.isfinite(v), v, dt(1.5))


def tie_divisors(dt, n, rng) -> np.ndarray:
    """Divisors so 2^e with so odd and < 2^12 (not powers of two for so > 1)."""
    so = rng.integers(1, 1 << 11, size=n) * 2 + 1
    return np.ldexp(so.astype(np.float64), rng.integers(1, 100, size=n)).astype(dt)


def tie_dividends(dt, s, n, rng) -> np.ndarray:
    """Dividends x with x / s exactly halfway between two subnormals when s = so 2^e has a short
    odd so: x = so mo 2^(e + m), mo odd < 2^12 (so the product is exact), 2^m half the smallest
    subnormal. For other divisors: just more dividends with tiny quotients."""
    s = np.float64(abs(s)) if np.isfinite(s) and s != 0 else 1.0
    so, e = np.frexp(s)
    while so != np.floor(so):
        so, e = so * 2, e - 1
    mo = rng.integers(0, 1 << 11, size=n) * 2 + 1
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    with np.errstate(all="ignore"):
        return (sign * np.ldexp(so * mo, e + _midpoint_exponent(dt))).astype(dt)


def ties(dt, n, rng):
    """n pairs (x, s) whose quotients are exact ties in the subnormal range (as tie_dividends)."""
    so = rng.integers(1, 1 << 11, size=n) * 2 + 1
    mo = rng.integers(0, 1 << 11, size=n) * 2 + 1
    e = rng.integers(1, 100, size=n)
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    s = np.ldexp(so.astype(np.float64), e).astype(dt)
    return (sign * np.ldexp((so * mo).astype(np.float64), e + _midpoint_exponent(dt))).astype(dt), s


def near_boundaries(dt, s, n, rng):
    """Dividends whose quotients by `s` (an array) land around the bottom of the normal range, in
    the subnormal range and around overflow: random mantissas at exponents chosen relative to s."""
    fi = np.finfo(dt)
    m = 1 + rng.random(n)
    _, es = np.frexp(s.astype(np.float64))
    which = rng.integers(0, 3, size=n)
    target = np.where(which == 0, fi.minexp + rng.integers(-fi.nmant - 2, 3, size=n),
                      np.where(which == 1, fi.maxexp + rng.integers(-2, 1, size=n),
                               rng.integers(fi.minexp, fi.maxexp, size=n)))
    with np.errstate(all="ignore"):
        x = np.ldexp(m, es + target - 1).astype(dt)
    return np.where(np.isfinite(x), x, dt(fi.max)) * np.where(rng.random(n) < 0.5, -1, 1).astype(dt)


def _magnitude(dt, s, n) -> np.ndarray:
    """|s| repeated n times (1 for a zero or non-finite s): what near_boundaries scales to."""
    return np.full(n, abs(s) if np.isfinite(s) and s != 0 else 1, dt)


# ------------------------------------------------------------------ kernels ---
_div = sg.jit(lambda x, s: x / s)


# ------------------------------------------------------------------ tests -----
@pytest.mark.parametrize("dt", DTYPES, ids=_ids)
def test_elementwise_every_pair_of_values(dt, rng):
    """x / s of the same shape: every pair of edge values, ties, boundary quotients, random bits."""
    v = special_values(dt)
    xs, ss = np.meshgrid(v, v, indexing="ij")
    tx, ts = ties(dt, 20000, rng)
    s_rand = random_finite(dt, 20000, rng)
    parts_x = [xs.ravel(), tx, near_boundaries(dt, s_rand, 20000, rng)]
    parts_s = [ss.ravel(), ts, s_rand]
    n_fixed = sum(p.size for p in parts_x)
    rest = ROWS * COLS - n_fixed
    x = np.concatenate(parts_x + [random_bits(dt, rest, rng)]).reshape(ROWS, COLS)
    s = np.concatenate(parts_s + [random_bits(dt, rest, rng)]).reshape(ROWS, COLS)
    assert_exact(_div(x, s), x, s)


@pytest.mark.parametrize("dt", DTYPES, ids=_ids)
def test_per_row_divisor(dt, rng):
    """[n, m] / [n, 1]: each row has its own divisor (every edge value, subnormals, tie divisors,
    random bits) and its dividends hold every edge value, ties for that divisor where it has
    them, quotients at the range boundaries and random bits."""
    v = special_values(dt)
    s = np.concatenate([v, tie_divisors(dt, 60, rng), random_bits(dt, ROWS - v.size - 60, rng)]).reshape(ROWS, 1)
    x = np.empty((ROWS, COLS), dt)
    for i in range(ROWS):
        si = s[i, 0]
        fixed = np.concatenate([v, tie_dividends(dt, si, 200, rng), near_boundaries(dt, _magnitude(dt, si, 300), 300, rng)])
        x[i] = np.concatenate([fixed, random_bits(dt, COLS - fixed.size, rng)])
    assert_exact(_div(x, s), x, s)


@pytest.mark.parametrize("shape", [(), (1,)], ids=["rank0", "one"])
@pytest.mark.parametrize("dt", DTYPES, ids=_ids)
def test_scalar_divisor(dt, shape, rng):
    """[2^18] / a scalar: a parallel, vectorized loop with one divisor, for every edge value and
    some tie divisors; the dividends hold every edge value, ties, boundary quotients, random bits."""
    v = special_values(dt)
    for si in np.concatenate([v, tie_divisors(dt, 6, rng), random_bits(dt, 6, rng)]):
        s = np.full(shape, si, dt)
        fixed = np.concatenate([v, tie_dividends(dt, si, 2000, rng), near_boundaries(dt, _magnitude(dt, si, 4000), 4000, rng)])
        x = np.concatenate([fixed, random_bits(dt, FLAT - fixed.size, rng)])
        assert_exact(_div(x, s), x, s)


@pytest.mark.parametrize("dt", DTYPES, ids=_ids)
def test_subnormal_broadcast_divisor(dt):
    """The finding of issue 11: with a subnormal divisor broadcast over a row (or the whole
    tensor), s / s is 1 and 0 / s is 0 (a hoisted reciprocal 1/s overflows: inf and NaN)."""
    fi = np.finfo(dt)
    for sv in (fi.smallest_subnormal, fi.smallest_subnormal * 5, fi.tiny / 3, -(fi.tiny - fi.smallest_subnormal)):
        sv = dt(sv)
        x = np.zeros((ROWS, COLS), dt)
        x[:, ::2] = sv
        x[:, 1::4] = -0.0
        s = np.full((ROWS, 1), sv, dt)
        got = _div(x, s)
        assert_exact(got, x, s)
        assert (got[:, ::2] == 1).all() and (got[:, 1::2] == 0).all()
        flat = x.ravel()[:FLAT].copy()
        got = _div(flat, np.array(sv, dt))
        assert_exact(got, flat, np.array(sv, dt))
        assert (got[::2] == 1).all() and (got[1::2] == 0).all()


def test_division_gradient_matches_finite_differences(rng):
    """d/dx and d/ds of sum(w * x / s), s one value per row, compiled, against float64 central
    differences."""
    x = rng.uniform(-2, 2, (5, 7))
    s = rng.uniform(0.5, 2, (5, 1))
    w = rng.standard_normal((5, 7))

    def loss(x, s):
        return (w * (x / s)).sum()

    dx, ds = sg.grad(loss, argnums=(0, 1))(x, s)

    def f(x, s):
        return float(np.sum(w * (x / s)))

    h = 1e-6
    for arg, got in ((0, dx), (1, ds)):
        base = [x, s]
        want = np.zeros_like(base[arg])
        for i in np.ndindex(*base[arg].shape):
            up, dn = [b.copy() for b in base], [b.copy() for b in base]
            up[arg][i] += h
            dn[arg][i] -= h
            want[i] = (f(*up) - f(*dn)) / (2 * h)
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-8)
