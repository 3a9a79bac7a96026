"""Accuracy of the arith-built elementary functions (dialects/graph/mathfns.py), natively compiled,
in ulps of f32 and f64, over the whole float range: every binade from the smallest subnormal to
the largest finite value with both signs, dense uniform samples where the functions change
shape, and the special values (NaN, +-inf, +-0, overflow and underflow thresholds).

References are computed in more precision than the tested type: float64 numpy for f32 results,
x87 long double numpy (64-bit significand) for f64 results; erf has no long double version in
numpy, so f64 erf is measured against glibc's erf (itself within 1 ulp, hence the extra ulp in
its bound). One module per dtype holds every function: two compilations for the whole file.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph import mathfns

FUNCTIONS = ["exp", "expm1", "tanh", "sigmoid", "log", "log1p", "erf"]
# Maxima measured on these inputs (f32 / f64): exp 0.94 / 0.95, expm1 1.37 / 1.77, tanh 2.15 / 2.31,
# sigmoid 1.98 / 1.87, log 0.82 / 0.76, log1p 0.76 / 0.79, erf 2.33 / 2.0 (f64 against glibc).
# (2.52 ulp is the worst tanh seen on other samples.) Perturbing exp's r^2 coefficient by 3e-7
# already gives 1.45 ulp, so the bounds are tight enough to notice a broken fit.
MAX_ULP = {"exp": 1.0, "expm1": 2.0, "tanh": 3.0, "sigmoid": 2.5, "log": 1.0, "log1p": 1.0, "erf": 2.5}
NP = {"f32": np.float32, "f64": np.float64}


def _inputs(dtype) -> np.ndarray:
    fi = np.finfo(dtype)
    rng = np.random.default_rng(20240605)
    lo, hi = np.log(float(fi.smallest_subnormal)), np.log(float(fi.max))
    mags = np.exp(rng.uniform(lo, hi, 60000)).astype(dtype)  # every binade, subnormals included
    parts = [mags, -mags,
             rng.uniform(-25, 25, 40000), rng.uniform(-1.5, 1.5, 40000), rng.uniform(-1e-3, 1e-3, 5000),
             rng.uniform(-1, 0, 5000), rng.uniform(-760, 760, 10000),
             [0.0, -0.0, np.inf, -np.inf, np.nan, fi.max, -fi.max, fi.tiny, -fi.tiny, fi.smallest_subnormal,
              -fi.smallest_subnormal, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5]]
    # around the thresholds: exp/expm1 overflow and underflow, tanh/erf rounding to 1, log1p's pole
    for t in (88.72283, 709.782712893384, -87.33654, -103.972, -708.3964, -745.1332, 9.01, 19.06, 3.92, 5.92,
              -1.0, 1.0, 0.5):
        parts.append(np.nextafter(np.full(50, t, dtype), np.inf) * (1 + np.linspace(-1e-6, 1e-6, 50)))
    return np.concatenate([np.asarray(p, dtype) for p in parts])


def _reference(name: str, x: np.ndarray) -> np.ndarray:
    """`name`(x) in more precision than x's type (float64 for f32, long double for f64)."""
    wide = np.float64 if x.dtype == np.float32 else np.longdouble
    xw = x.astype(wide)
    with np.errstate(all="ignore"):
        if name == "sigmoid":
            e = np.exp(-np.abs(xw))
            return np.where(xw >= 0, 1, e) / (1 + e)
        if name == "erf":
            return np.array([math.erf(float(v)) for v in x], wide)
        return getattr(np, name)(xw)


def ulp_errors(got: np.ndarray, ref: np.ndarray, dtype) -> np.ndarray:
    """|got - ref| in units of the tested type's ulp at ref (subnormal spacing below the normals).
    Where ref rounds to inf or is NaN, anything but exactly that counts as an infinite error."""
    fi = np.finfo(dtype)
    wide = ref.dtype
    with np.errstate(all="ignore"):
        target = ref.astype(dtype)
        _, e = np.frexp(np.abs(ref))
        ulp = np.ldexp(np.ones_like(ref), (e - 1 - fi.nmant).astype(np.int32))
        ulp = np.maximum(ulp, wide.type(fi.smallest_subnormal))
        err = np.abs(got.astype(wide) - ref) / ulp
    special = np.isnan(ref) | np.isinf(target)
    exact = (got == target) | (np.isnan(got) & np.isnan(target))
    return np.where(special, np.where(exact, 0.0, np.inf), np.where(got == target, 0.0, err))


@pytest.fixture(scope="module", params=["f32", "f64"])
def results(request):
    dtype = NP[request.param]
    x = _inputs(dtype)
    module = sg.trace(lambda v: tuple(getattr(sg, n)(v) for n in FUNCTIONS), x)
    out = sg.compile(module)["f"](x)
    return request.param, x, dict(zip(FUNCTIONS, out))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_max_ulp_error(results, name):
    dtype, x, got = results
    y = got[name]
    assert y.dtype == NP[dtype]
    err = ulp_errors(y, _reference(name, x), NP[dtype])
    bound = MAX_ULP[name] + (1.0 if (name, dtype) == ("erf", "f64") else 0.0)  # glibc's own error
    worst = int(np.argmax(err))
    assert err[worst] <= bound, (f"{name} {dtype}: {err[worst]:.3g} ulp at x={x[worst]!r}: got {y[worst]!r}, "
                                 f"want {_reference(name, x[worst:worst + 1])[0]!r}")


SPECIAL = {  # name: [(x, expected)], exact (NaN matches NaN; the sign of zero is checked)
    "exp": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, 0.0), (0.0, 1.0), (-0.0, 1.0), (1000.0, np.inf),
            (-1000.0, 0.0)],
    "expm1": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, -1.0), (0.0, 0.0), (-0.0, -0.0), (1000.0, np.inf),
              (-1000.0, -1.0)],
    "tanh": [(np.nan, np.nan), (np.inf, 1.0), (-np.inf, -1.0), (0.0, 0.0), (-0.0, -0.0), (50.0, 1.0),
             (-50.0, -1.0)],
    "sigmoid": [(np.nan, np.nan), (np.inf, 1.0), (-np.inf, 0.0), (0.0, 0.5), (-0.0, 0.5), (1000.0, 1.0),
                (-1000.0, 0.0)],
    "log": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, np.nan), (0.0, -np.inf), (-0.0, -np.inf),
            (-1.0, np.nan), (1.0, 0.0)],
    "log1p": [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, np.nan), (0.0, 0.0), (-0.0, -0.0), (-1.0, -np.inf),
              (-2.0, np.nan)],
    "erf": [(np.nan, np.nan), (np.inf, 1.0), (-np.inf, -1.0), (0.0, 0.0), (-0.0, -0.0), (10.0, 1.0),
            (-10.0, -1.0)],
}


@pytest.mark.parametrize("dtype", ["f32", "f64"])
def test_special_values(dtype):
    dt = NP[dtype]
    x = np.array([v for n in FUNCTIONS for v, _ in SPECIAL[n]], dt)
    want = np.array([w for n in FUNCTIONS for _, w in SPECIAL[n]], dt)
    module = sg.trace(lambda v: tuple(getattr(sg, n)(v) for n in FUNCTIONS), x)
    outs = sg.compile(module)["f"](x)
    i = 0
    for name, y in zip(FUNCTIONS, outs):
        for k, (v, w) in enumerate(SPECIAL[name]):
            got = y[i + k]
            same = (np.isnan(got) and np.isnan(w)) or (got == w and np.signbit(got) == np.signbit(w))
            assert same, f"{name}({v}) = {got!r}, want {w!r} ({dtype})"
        i += len(SPECIAL[name])


@pytest.mark.parametrize("dtype", ["f32", "f64"])
def test_subnormal_range(dtype):
    """exp and sigmoid into the subnormal range (no flush to zero, one rounding to the subnormal
    grid), and tanh/erf/expm1/log1p of subnormals (the identity, or 2/sqrt(pi) x for erf), are as
    accurate as elsewhere, in units of the subnormal spacing."""
    dt = NP[dtype]
    fi = np.finfo(dt)
    lo = math.log(float(fi.smallest_subnormal))
    x = np.linspace(lo + 0.5, math.log(float(fi.tiny)), 2000).astype(dt)
    tiny = (np.arange(1, 2001) * fi.smallest_subnormal).astype(dt)
    module = sg.trace(lambda a, b: (sg.exp(a), sg.sigmoid(a), sg.tanh(b), sg.expm1(b), sg.log1p(b), sg.erf(b)),
                      x, tiny)
    e, s, t, em, lp, er = sg.compile(module)["f"](x, tiny)
    for name, got, arg in (("exp", e, x), ("sigmoid", s, x), ("tanh", t, tiny), ("expm1", em, tiny),
                           ("log1p", lp, tiny), ("erf", er, tiny)):
        err = ulp_errors(got, _reference(name, arg), dt)
        assert err.max() <= MAX_ULP[name], f"{name} {dtype}: {err.max():.3g} subnormal ulp"


def test_coefficients_are_tabulated_per_dtype():
    """Each fitted polynomial exists for both types (a missing one would fail only when lowered)."""
    for fn in ("exp", "log", "erf_small", "erf_large"):
        for dtype in ("f32", "f64"):
            assert len(mathfns.COEFFS[(fn, dtype)]) >= 3
