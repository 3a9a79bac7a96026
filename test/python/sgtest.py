"""Helpers shared by the pytest files (importable because conftest.py puts this folder on sys.path)."""
from __future__ import annotations

import numpy as np

import symgrad as sg

# Tolerances for comparing against plain numpy computed in float64: a few ulps
# of the tested dtype, never loosened to make a test pass.
TOL = {np.dtype(np.float32): dict(rtol=2e-6, atol=1e-6), np.dtype(np.float64): dict(rtol=1e-12, atol=1e-12)}


def run(fn, *args, **trace_kwargs):
    """Traces `fn` on `args` and interprets it on the same arrays; returns (module, outputs)."""
    m = sg.trace(fn, *args, **trace_kwargs)
    return m, sg.interpret(m, None, *args)


def assert_close(got, want):
    """`got` (symgrad's result) has numpy's dtype and shape and matches to TOL."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, f"dtype {got.dtype} != numpy's {want.dtype}"
    assert got.shape == want.shape, f"shape {got.shape} != numpy's {want.shape}"
    if want.dtype == np.bool_:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, **TOL[want.dtype])


def central_differences(fn, x, eps=1e-6):
    """d fn / d x (fn scalar-valued, x float64) by central differences, one element at a time."""
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        g[i] = (float(fn(plus)) - float(fn(minus))) / (2 * eps)
    return g
