"""Run in a subprocess by test_arguments.py: every kind of wrong or unusual call, against real
kernels and the jit/grad/vjp transforms, printed as JSON {case: outcome}. A crash shows up as a
non-zero exit status. (test/python/runtime/badargs_script.py has the first set of cases; these
extend it: non-arrays, more dtypes and layouts, out= aliasing, 0-size dims, arrays too large for
memory, NaN/inf, and the transforms' own checks.)"""
from __future__ import annotations

import json
import sys

import numpy as np
from numpy.lib.stride_tricks import as_strided

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
func.func @h(%a: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sub"(%a, %b) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
func.func @z(%x: tensor<0x4xf32>) -> (tensor<4xf32>, tensor<0x4xf32>) {
  %0 = "graph.sum"(%x) {axes = array<i64: 0>, keepdims = false} : (tensor<0x4xf32>) -> tensor<4xf32>
  %1 = "graph.exp"(%x) : (tensor<0x4xf32>) -> tensor<0x4xf32>
  return %0, %1 : tensor<4xf32>, tensor<0x4xf32>
}
"""
N = 2 ** 21  # a 2^21 x 2^21 float32 tensor is 16 TiB: no machine allocates it
HUGE_OUT = f"""
func.func @big(%x: tensor<1xf32>) -> tensor<{N}x{N}xf32> {{
  %0 = "graph.broadcast_to"(%x) {{shape = array<i64: {N}, {N}>}} : (tensor<1xf32>) -> tensor<{N}x{N}xf32>
  return %0 : tensor<{N}x{N}xf32>
}}
"""
T = 2 ** 40  # a (2^40 x 2) float32 temporary (8 TiB) inside a kernel with small inputs and outputs
HUGE_TEMP = f"""
func.func @tmp(%x: tensor<2xf32>, %w: tensor<2x1xf32>) -> tensor<f32> {{
  %b = "graph.broadcast_to"(%x) {{shape = array<i64: {T}, 2>}} : (tensor<2xf32>) -> tensor<{T}x2xf32>
  %m = "graph.matmul"(%b, %w) : (tensor<{T}x2xf32>, tensor<2x1xf32>) -> tensor<{T}x1xf32>
  %s = "graph.sum"(%m) {{axes = array<i64: 0, 1>, keepdims = false}} : (tensor<{T}x1xf32>) -> tensor<f32>
  return %s : tensor<f32>
}}
"""


class ArrayLike:
    def __init__(self, a):
        self.a = a

    def __array__(self, dtype=None, copy=None):
        return self.a


def outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type and message are the result
        return f"{type(e).__name__}: {e}"
    return "ok"


def equal(got, want):
    def run():
        np.testing.assert_array_equal(got(), want)  # NaN equals NaN here, in the same places
    return run


def main():
    cm = sg.compile(sg.parse(SRC))
    f, g, h, z = cm.f, cm.g, cm.h, cm.z
    big = sg.compile(HUGE_OUT).big
    tmp = sg.compile(HUGE_TEMP).tmp
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    x64 = x.astype(np.float64)
    c = rng.random((3, 4)) < 0.5
    s = np.array(0.25)
    buf = rng.standard_normal(16).astype(np.float32)
    overlapping = as_strided(buf, shape=(3, 4), strides=(4, 4))  # row i is buf[i:i+4]: rows overlap
    raw = np.zeros(3 * 4 * 8 + 3, np.uint8)
    misaligned64 = np.frombuffer(raw.data, dtype=np.float64, count=12, offset=3).reshape(3, 4)
    misaligned64[...] = x64
    bytes_ = np.empty(3 * 4 * 8 + 12, np.uint8)
    o64 = bytes_[:96].view(np.float64).reshape(3, 4)
    o1_overlapping = bytes_[90:102].view(np.bool_).reshape(3, 4)
    shared = np.zeros(24, np.float32)
    shared[:12] = x.ravel()
    special = np.array([[np.nan, np.inf, -np.inf, 0.0], [-0.0, 1e38, -1e38, 1e-45], [3.0, np.nan, -np.inf, 2.0]],
                       np.float32)
    readonly_strided = x64[:, ::-2]
    readonly_strided.flags.writeable = False
    special_b = np.array([np.inf, 0.0, -1.0, np.nan], np.float32)

    jf = sg.jit(lambda x: sg.exp(x).sum(axis=0))
    square = sg.grad(lambda x: (x * x).sum())
    vjp_out, vjp_fn = sg.vjp(lambda x: sg.tanh(x) * 2.0, x)
    cg = sg.compile(sg.differentiate(sg.trace(lambda x: sg.exp(x).sum(), x, requires_grad=[0])))

    with np.errstate(all="ignore"):
        want_special = special * special_b
        want_special_grad = 2 * special

    cases = {
        # -- not arrays, or not plain ones ------------------------------------------------------
        "tuple_arg": lambda: f(tuple(map(tuple, x)), b),
        "memoryview_arg": lambda: f(memoryview(x), b),
        "bytes_arg": lambda: f(x.tobytes(), b),
        "array_like_object": lambda: f(ArrayLike(x), b),
        "masked_array": lambda: f(np.ma.masked_array(x, mask=x > 0), b),
        "python_int_rank0": lambda: g(c, 1, x64),
        "np_float32_for_f64_scalar": lambda: g(c, np.float32(0.25), x64),
        "matrix_subclass": equal(lambda: f(np.asmatrix(x), b), x * b),
        # -- dtypes and ranks -------------------------------------------------------------------
        "float16": lambda: f(x.astype(np.float16), b),
        "complex64": lambda: f(x.astype(np.complex64), b),
        "object_dtype": lambda: f(x.astype(object), b),
        "structured_dtype": lambda: f(x.view([("a", np.float32)]).reshape(3, 4), b),
        "uint8_for_bool": lambda: g(c.astype(np.uint8), s, x64),
        "int64": lambda: f(x.astype(np.int64), b),
        "zero_d_for_rank1": lambda: f(x, np.float32(1.0)),
        "extra_leading_dim": lambda: f(x[None], b),
        # -- layouts: copied, never misread -----------------------------------------------------
        "overlapping_rows_input": equal(lambda: f(overlapping, b), np.array(overlapping) * b),
        "same_array_twice": equal(lambda: h(x, x), np.zeros((3, 4), np.float32)),
        "bool_strided": equal(lambda: g(np.repeat(c, 2, axis=1)[:, ::2], s, x64)[0], np.where(c, x64, 0.25)),
        "misaligned_f64": equal(lambda: g(c, s, misaligned64)[0], np.where(c, x64, 0.25)),
        "input_view_of_out_buffer_copy": equal(lambda: f(shared[:12].reshape(3, 4)[::-1], b), x[::-1] * b),
        # -- out= -------------------------------------------------------------------------------
        "out_overlaps_out": lambda: g(c, s, x64, out=(o64, o1_overlapping)),
        "out_partial_overlap_input": lambda: f(shared[:12].reshape(3, 4), b, out=shared[6:18].reshape(3, 4)),
        "out_negative_strides": lambda: f(x, b, out=np.empty((3, 4), np.float32)[::-1]),
        "out_matrix": lambda: f(x, b, out=np.asmatrix(np.empty((3, 4), np.float32))),
        "out_scalar": lambda: f(x, b, out=3),
        "out_masked": lambda: f(x, b, out=np.ma.masked_array(np.empty((3, 4), np.float32))),
        "out_list": equal(lambda: f(x, b, out=[np.empty((3, 4), np.float32)]), x * b),
        # -- 0-size dims ------------------------------------------------------------------------
        "zero_size": equal(lambda: np.concatenate([z(np.ones((0, 4), np.float32))[0],
                                                   z(np.ones((0, 4), np.float32))[1].ravel()]), np.zeros(4)),
        "zero_size_shape": equal(lambda: np.array(z(np.ones((0, 4), np.float32))[1].shape), [0, 4]),
        "zero_size_wrong": lambda: z(np.ones((0, 5), np.float32)),
        "zero_size_out": equal(lambda: z(np.empty((0, 4), np.float32),
                                         out=(np.full(4, 7, np.float32), np.empty((0, 4), np.float32)))[0],
                               np.zeros(4)),
        "jit_zero_size": equal(lambda: sg.jit(lambda x: sg.exp(x).sum(axis=1))(np.ones((0, 3))), np.zeros(0)),
        "grad_zero_size": equal(lambda: square(np.ones((0, 3))), np.zeros((0, 3))),
        # -- too large for memory: clean MemoryError, nothing run -------------------------------
        "huge_output": lambda: big(np.ones(1, np.float32)),
        "huge_temporary": lambda: tmp(np.ones(2, np.float32), np.ones((2, 1), np.float32)),
        "jit_huge_broadcast_view": lambda: sg.jit(lambda x: x * 2.0)(np.broadcast_to(np.float32(1), (N, N))),
        "small_after_huge": equal(lambda: tmp.owner["tmp"] is tmp and f(x, b), x * b),
        # -- NaN and inf, exactly as numpy ------------------------------------------------------
        "nan_inf_forward": equal(lambda: f(special, special_b), want_special),
        "nan_inf_grad": equal(lambda: sg.grad(lambda x: (x * x).sum())(special), want_special_grad),
        # -- the transforms' own checks ---------------------------------------------------------
        "jit_masked": lambda: jf(np.ma.masked_array(x)),
        "jit_float16": lambda: jf(x.astype(np.float16)),
        "jit_big_endian": lambda: jf(x.astype(">f4")),
        "jit_array_like": lambda: jf(ArrayLike(x)),
        "jit_keyword_argument": lambda: jf(x=x),
        "grad_argnums_float": lambda: sg.grad(lambda x: x.sum(), argnums=0.5)(x),
        "grad_argnums_bool": lambda: sg.grad(lambda x: x.sum(), argnums=True)(x),
        "grad_readonly_strided": equal(lambda: square(readonly_strided), 2 * x64[:, ::-2]),
        "vjp_cotangent_list": lambda: vjp_fn(np.ones((3, 4)).tolist()),
        "vjp_cotangent_dtype": lambda: vjp_fn(np.ones((3, 4))),
        "vjp_cotangent_masked": lambda: vjp_fn(np.ma.masked_array(np.ones((3, 4), np.float32))),
        "vjp_cotangent_count": lambda: vjp_fn(),
        "backward_without_saved": lambda: cg.backward(None, np.ones((), np.float32)),
        "backward_vjp_shape": lambda: cg.backward(cg.forward(x)[1], np.ones(3, np.float32)),
    }
    print(json.dumps({name: outcome(fn) for name, fn in cases.items()}))


if __name__ == "__main__":
    sys.exit(main())
