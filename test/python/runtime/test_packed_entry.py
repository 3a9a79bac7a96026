"""Kernels are called through their packed entry point (one table of descriptor pointers), so a
kernel with more arrays than ctypes can pass as arguments (1024) runs."""
from __future__ import annotations

import numpy as np

import symgrad as sg


def test_kernel_with_more_than_1024_arrays_runs():
    n = 520  # 520 inputs and 520 results: 1040 arrays
    xs = [np.full(2, i, np.float32) for i in range(n)]
    f = sg.jit(lambda *xs: tuple(x * 2.0 for x in xs))
    out = f(*xs)
    assert len(out) == n
    for i, o in enumerate(out):
        np.testing.assert_array_equal(o, np.full(2, 2.0 * i, np.float32))


def test_the_packed_entry_is_used_and_results_go_to_out():
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    cm = sg.compile(sg.trace(lambda a, b: (a + b, a * b), x, x))
    kernel = cm[cm.functions[0]]
    assert kernel.packed
    s, p = np.empty_like(x), np.empty_like(x)
    kernel(x, x + 1, out=(s, p))
    np.testing.assert_array_equal(s, 2 * x + 1)
    np.testing.assert_array_equal(p, x * (x + 1))
