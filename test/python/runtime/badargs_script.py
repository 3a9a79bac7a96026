"""Run in a subprocess by test_args.py: every bad-argument and odd-layout case against real
kernels, printed as JSON {case: outcome}. A crash shows up as a non-zero exit status."""
from __future__ import annotations

import json
import sys

import numpy as np

import symgrad as sg

SRC = """
func.func @f(%x: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.mul"(%x, %b) : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
func.func @g(%c: tensor<3x4xi1>, %s: tensor<f64>, %x: tensor<3x4xf64>) -> (tensor<3x4xf64>, tensor<3x4xi1>) {
  %0 = "graph.select"(%c, %x, %s) : (tensor<3x4xi1>, tensor<3x4xf64>, tensor<f64>) -> tensor<3x4xf64>
  %1 = "graph.gt"(%x, %s) : (tensor<3x4xf64>, tensor<f64>) -> tensor<3x4xi1>
  return %0, %1 : tensor<3x4xf64>, tensor<3x4xi1>
}
"""


def outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type and message are the result
        return f"{type(e).__name__}: {e}"
    return "ok"


def main():
    cm = sg.compile(sg.parse(SRC))
    f, g = cm.f, cm.g
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    x64 = x.astype(np.float64)
    c = rng.random((3, 4)) < 0.5
    s = np.array(0.25)
    ro = x.copy()
    ro.flags.writeable = False
    big = rng.standard_normal((6, 9)).astype(np.float32)
    raw = np.zeros(3 * 4 * 4 + 1, np.uint8)
    misaligned = np.frombuffer(raw.data, dtype=np.float32, count=12, offset=1).reshape(3, 4)
    misaligned[...] = x

    def good(args, want):
        def run():
            got = f(*args)
            np.testing.assert_array_equal(got, want)
        return run

    cases = {
        # wrong calls: must raise before native code runs
        "too_few": lambda: f(x),
        "too_many": lambda: f(x, b, b),
        "float64_for_float32": lambda: f(x64, b),
        "int_array": lambda: f(x.astype(np.int32), b),
        "bool_for_float": lambda: f(x > 0, b),
        "list": lambda: f(x.tolist(), b),
        "python_float_scalar": lambda: g(c, 0.25, x64),
        "none": lambda: f(None, b),
        "wrong_shape": lambda: f(x.T.copy(), b),
        "wrong_rank": lambda: f(x.ravel(), b),
        "broadcastable_shape": lambda: f(x[:1], b),
        "big_endian": lambda: f(x.astype(">f4"), b),
        "float_for_bool": lambda: g(c.astype(np.float64), s, x64),
        "out_wrong_shape": lambda: f(x, b, out=np.empty((4, 3), np.float32)),
        "out_wrong_dtype": lambda: f(x, b, out=np.empty((3, 4), np.float64)),
        "out_strided": lambda: f(x, b, out=np.empty((3, 8), np.float32)[:, ::2]),
        "out_readonly": lambda: f(x, b, out=ro),
        "out_aliases_input": lambda: f(x, b, out=x),
        "out_count": lambda: g(c, s, x64, out=np.empty((3, 4))),
        "out_list_item": lambda: f(x, b, out=[x.tolist()]),
        # odd layouts: must give the right answer (copied, never misread)
        "fortran_order": good((np.asfortranarray(x), b), x * b),
        "transposed_view": good((x.T.copy().T, b), x * b),
        "negative_strides": good((x[::-1, ::-1], b[::-1]), x[::-1, ::-1] * b[::-1]),
        "strided_slice": good((big[::2, 1:9:2], big[0, ::2][:4]), big[::2, 1:9:2] * big[0, ::2][:4]),
        "misaligned": good((misaligned, b), x * b),
        "readonly_input": good((ro, b), x * b),
        "broadcast_view_input": good((np.broadcast_to(b, (3, 4)), b), np.broadcast_to(b, (3, 4)) * b),
        "out_given": lambda: (lambda o: (f(x, b, out=o), np.testing.assert_array_equal(o, x * b)))(
            np.empty((3, 4), np.float32)),
        "numpy_scalar_for_rank0": lambda: np.testing.assert_array_equal(
            g(c, np.float64(0.25), x64)[0], np.where(c, x64, 0.25)),
        "bool_bytes_not_01": lambda: np.testing.assert_array_equal(
            g(np.full((3, 4), 7, np.uint8).view(np.bool_), s, x64)[0], x64),
    }
    print(json.dumps({name: outcome(fn) for name, fn in cases.items()}))


if __name__ == "__main__":
    sys.exit(main())
