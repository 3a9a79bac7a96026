"""Wrong and unusual calls to native kernels and to the jit/grad/vjp transforms: one table of cases,
each with its documented outcome, shared by runtime/test_args.py (group "checks": arity, dtype,
shape, layout and out= checks) and hardening/test_arguments.py (group "adversarial", issue 6:
non-arrays, more dtypes and layouts, out= aliasing, 0-size dims, arrays no machine can hold,
NaN/inf, the transforms' own checks).

A case is a call on `Fixtures` and what it must give: `raises(kind, pattern)`, a clean exception
of that type whose message matches, raised before native code runs, or `works(want)`, the call
returns and its result equals `want` (NaN equal to NaN in the same places; None: nothing to
compare, the call checks itself). The calls run in a subprocess, so a crash is a non-zero exit
status rather than a dead pytest worker:

    python argcases.py GROUP   # JSON {case: "ok" | "<Type>: <message>"} on stdout, a count on stderr

and `outcomes(group, cache_dir)` runs that from a test; `check(name, outcome)` judges one outcome.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Optional

import numpy as np

import symgrad as sg

GROUPS = ("checks", "adversarial")


@dataclass(frozen=True)
class Expect:
    kind: Optional[str]  # the exception type's name; None: the call works
    pattern: str = ""  # a regex searched in the message
    want: Optional[Callable[["Fixtures"], Any]] = None  # the expected result of a working call


def raises(kind: str, pattern: str) -> Expect:
    return Expect(kind, pattern)


def works(want: Optional[Callable[["Fixtures"], Any]] = None) -> Expect:
    return Expect(None, want=want)


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    call: Callable[["Fixtures"], Any]
    expect: Expect


CASES: dict[str, Case] = {}


def _add(group: str, table: dict) -> None:
    assert group in GROUPS, group
    for name, (call, expect) in table.items():
        assert name not in CASES, f"case {name!r} is defined twice"
        CASES[name] = Case(name, group, call, expect)


def names(group: str) -> list[str]:
    return [name for name, c in CASES.items() if c.group == group]


def check(name: str, outcome: str) -> None:
    """Asserts that `outcome` (what the subprocess printed for case `name`) is the documented one."""
    expect = CASES[name].expect
    if expect.kind is None:
        assert outcome == "ok", outcome
    else:
        assert outcome.startswith(expect.kind + ": "), outcome
        assert re.search(expect.pattern, outcome), outcome


def outcomes(group: str, cache_dir) -> dict:
    """Runs every case of `group` in a fresh interpreter; {case: outcome}. Asserts it did not die."""
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(cache_dir))
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), group], capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, f"the subprocess died (status {proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the kernels and arrays the cases call (built in the subprocess, once, on first use) ---------------
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


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


class Fixtures:
    """What the cases call: kernels compiled and arrays made on first use (a group builds only its own)."""

    def __init__(self):
        self.rng = np.random.default_rng(0)
        self.x = self.rng.standard_normal((3, 4)).astype(np.float32)
        self.b = self.rng.standard_normal(4).astype(np.float32)
        self.x64 = self.x.astype(np.float64)
        self.c = self.rng.random((3, 4)) < 0.5
        self.s = np.array(0.25)

    @cached_property
    def cm(self):
        return sg.compile(sg.parse(SRC))

    f = property(lambda self: self.cm.f)
    g = property(lambda self: self.cm.g)
    h = property(lambda self: self.cm.h)
    z = property(lambda self: self.cm.z)

    @cached_property
    def big(self):
        return sg.compile(HUGE_OUT).big

    @cached_property
    def tmp(self):
        return sg.compile(HUGE_TEMP).tmp

    # -- transforms --------------------------------------------------------------------------------
    @cached_property
    def jf(self):
        return sg.jit(lambda x: sg.exp(x).sum(axis=0))

    @cached_property
    def square(self):
        return sg.grad(lambda x: (x * x).sum())

    @cached_property
    def vjp_fn(self):
        return sg.vjp(lambda x: sg.tanh(x) * 2.0, self.x)[1]

    @cached_property
    def cg(self):
        return sg.compile(sg.differentiate(sg.trace(lambda x: sg.exp(x).sum(), self.x, requires_grad=[0])))

    # -- arrays --------------------------------------------------------------------------------------
    @cached_property
    def ro(self):
        return _readonly(self.x.copy())

    @cached_property
    def mat(self):
        return self.rng.standard_normal((6, 9)).astype(np.float32)

    @cached_property
    def misaligned(self):
        raw = np.zeros(3 * 4 * 4 + 1, np.uint8)
        a = np.frombuffer(raw.data, dtype=np.float32, count=12, offset=1).reshape(3, 4)
        a[...] = self.x
        return a

    @cached_property
    def misaligned64(self):
        raw = np.zeros(3 * 4 * 8 + 3, np.uint8)
        a = np.frombuffer(raw.data, dtype=np.float64, count=12, offset=3).reshape(3, 4)
        a[...] = self.x64
        return a

    @cached_property
    def overlapping(self):  # row i is buf[i:i+4]: rows overlap
        buf = self.rng.standard_normal(16).astype(np.float32)
        return np.lib.stride_tricks.as_strided(buf, shape=(3, 4), strides=(4, 4))

    @cached_property
    def out_pair_overlapping(self):  # a float64 out[0] and a bool out[1] sharing bytes 90..95
        raw = np.empty(3 * 4 * 8 + 12, np.uint8)
        return raw[:96].view(np.float64).reshape(3, 4), raw[90:102].view(np.bool_).reshape(3, 4)

    @cached_property
    def shared(self):
        a = np.zeros(24, np.float32)
        a[:12] = self.x.ravel()
        return a

    special = np.array([[np.nan, np.inf, -np.inf, 0.0], [-0.0, 1e38, -1e38, 1e-45], [3.0, np.nan, -np.inf, 2.0]],
                       np.float32)
    special_b = np.array([np.inf, 0.0, -1.0, np.nan], np.float32)

    @cached_property
    def readonly_strided(self):
        return _readonly(self.x64[:, ::-2])


def _out_given(k):
    o = np.empty((3, 4), np.float32)
    k.f(k.x, k.b, out=o)
    np.testing.assert_array_equal(o, k.x * k.b)


def _special(fn):
    def want(k):
        with np.errstate(all="ignore"):
            return fn(k)
    return want


_add("checks", {
    # -- wrong calls: raise before native code runs -----------------------------------------------
    "too_few": (lambda k: k.f(k.x),
                raises("TypeError", r"@f takes 2 arguments \(tensor<3x4xf32>, tensor<4xf32>\), got 1")),
    "too_many": (lambda k: k.f(k.x, k.b, k.b), raises("TypeError", r"@f takes 2 arguments .* got 3")),
    "float64_for_float32": (lambda k: k.f(k.x64, k.b), raises(
        "TypeError", r"@f argument 0: expected dtype float32 \(tensor<3x4xf32>\), got float64 \(float64\[3, 4\]\); "
                     r"no implicit casts")),
    "int_array": (lambda k: k.f(k.x.astype(np.int32), k.b),
                  raises("TypeError", r"@f argument 0: expected dtype float32 .* got int32")),
    "bool_for_float": (lambda k: k.f(k.x > 0, k.b),
                       raises("TypeError", r"@f argument 0: expected dtype float32 .* got bool")),
    "list": (lambda k: k.f(k.x.tolist(), k.b), raises(
        "TypeError", r"@f argument 0: expected a numpy array float32\[3, 4\] \(tensor<3x4xf32>\), got list")),
    "python_float_scalar": (lambda k: k.g(k.c, 0.25, k.x64), raises(
        "TypeError", r"@g argument 1: expected a numpy array float64\[\] \(tensor<f64>\), got float")),
    "none": (lambda k: k.f(None, k.b), raises("TypeError", r"@f argument 0: .* got NoneType")),
    "wrong_shape": (lambda k: k.f(k.x.T.copy(), k.b), raises(
        "ValueError", r"@f argument 0: expected shape \(3, 4\) \(tensor<3x4xf32>\), got shape \(4, 3\)")),
    "wrong_rank": (lambda k: k.f(k.x.ravel(), k.b),
                   raises("ValueError", r"@f argument 0: expected shape \(3, 4\) .* got shape \(12,\)")),
    "broadcastable_shape": (lambda k: k.f(k.x[:1], k.b),
                            raises("ValueError", r"@f argument 0: expected shape \(3, 4\) .* got shape \(1, 4\)")),
    "big_endian": (lambda k: k.f(k.x.astype(">f4"), k.b),
                   raises("TypeError", r"@f argument 0: expected dtype float32 .* got >f4")),
    "float_for_bool": (lambda k: k.g(k.c.astype(np.float64), k.s, k.x64),
                       raises("TypeError", r"@g argument 0: expected dtype bool \(tensor<3x4xi1>\), got float64")),
    "out_wrong_shape": (lambda k: k.f(k.x, k.b, out=np.empty((4, 3), np.float32)),
                        raises("ValueError", r"@f out\[0\]: expected shape \(3, 4\)")),
    "out_wrong_dtype": (lambda k: k.f(k.x, k.b, out=np.empty((3, 4), np.float64)),
                        raises("TypeError", r"@f out\[0\]: expected dtype float32")),
    "out_strided": (lambda k: k.f(k.x, k.b, out=np.empty((3, 8), np.float32)[:, ::2]),
                    raises("ValueError", r"@f out\[0\]: must be a writeable, aligned, C-contiguous array")),
    "out_readonly": (lambda k: k.f(k.x, k.b, out=k.ro), raises("ValueError", r"@f out\[0\]: must be a writeable")),
    "out_aliases_input": (lambda k: k.f(k.x, k.b, out=k.x),
                          raises("ValueError", r"@f out\[0\]: overlaps argument 0")),
    "out_count": (lambda k: k.g(k.c, k.s, k.x64, out=np.empty((3, 4))),
                  raises("ValueError", r"@g out=: expected 2 output array\(s\), got 1")),
    "out_list_item": (lambda k: k.f(k.x, k.b, out=[k.x.tolist()]),
                      raises("TypeError", r"@f out\[0\]: expected a numpy array")),
    # -- odd layouts: the right answer (copied, never misread) ------------------------------------
    "fortran_order": (lambda k: k.f(np.asfortranarray(k.x), k.b), works(lambda k: k.x * k.b)),
    "transposed_view": (lambda k: k.f(k.x.T.copy().T, k.b), works(lambda k: k.x * k.b)),
    "negative_strides": (lambda k: k.f(k.x[::-1, ::-1], k.b[::-1]), works(lambda k: k.x[::-1, ::-1] * k.b[::-1])),
    "strided_slice": (lambda k: k.f(k.mat[::2, 1:9:2], k.mat[0, ::2][:4]),
                      works(lambda k: k.mat[::2, 1:9:2] * k.mat[0, ::2][:4])),
    "misaligned": (lambda k: k.f(k.misaligned, k.b), works(lambda k: k.x * k.b)),
    "readonly_input": (lambda k: k.f(k.ro, k.b), works(lambda k: k.x * k.b)),
    "broadcast_view_input": (lambda k: k.f(np.broadcast_to(k.b, (3, 4)), k.b),
                             works(lambda k: np.broadcast_to(k.b, (3, 4)) * k.b)),
    "out_given": (_out_given, works()),
    "numpy_scalar_for_rank0": (lambda k: k.g(k.c, np.float64(0.25), k.x64)[0],
                               works(lambda k: np.where(k.c, k.x64, 0.25))),
    "bool_bytes_not_01": (lambda k: k.g(np.full((3, 4), 7, np.uint8).view(np.bool_), k.s, k.x64)[0],
                          works(lambda k: k.x64)),
})

_add("adversarial", {
    # -- not arrays, or not plain ones --------------------------------------------------------------
    "tuple_arg": (lambda k: k.f(tuple(map(tuple, k.x)), k.b), raises(
        "TypeError", r"@f argument 0: expected a numpy array float32\[3, 4\] .*got tuple")),
    "memoryview_arg": (lambda k: k.f(memoryview(k.x), k.b), raises("TypeError", r"@f argument 0: .*got memoryview")),
    "bytes_arg": (lambda k: k.f(k.x.tobytes(), k.b), raises("TypeError", r"@f argument 0: .*got bytes")),
    "array_like_object": (lambda k: k.f(ArrayLike(k.x), k.b), raises("TypeError", r"@f argument 0: .*got ArrayLike")),
    "masked_array": (lambda k: k.f(np.ma.masked_array(k.x, mask=k.x > 0), k.b), raises(
        "TypeError", r"@f argument 0: masked arrays are not supported \(the mask would be ignored\)")),
    "python_int_rank0": (lambda k: k.g(k.c, 1, k.x64), raises(
        "TypeError", r"@g argument 1: expected a numpy array float64\[\] \(tensor<f64>\), got int")),
    "np_float32_for_f64_scalar": (lambda k: k.g(k.c, np.float32(0.25), k.x64),
                                  raises("TypeError", r"@g argument 1: expected dtype float64 .* got float32")),
    "matrix_subclass": (lambda k: k.f(np.asmatrix(k.x), k.b), works(lambda k: k.x * k.b)),
    # -- dtypes and ranks ---------------------------------------------------------------------------
    "float16": (lambda k: k.f(k.x.astype(np.float16), k.b),
                raises("TypeError", r"@f argument 0: expected dtype float32 .* got float16")),
    "complex64": (lambda k: k.f(k.x.astype(np.complex64), k.b), raises("TypeError", r"got complex64")),
    "object_dtype": (lambda k: k.f(k.x.astype(object), k.b), raises("TypeError", r"got object")),
    "structured_dtype": (lambda k: k.f(k.x.view([("a", np.float32)]).reshape(3, 4), k.b),
                         raises("TypeError", r"got \[\('a', '<f4'\)\]")),
    "uint8_for_bool": (lambda k: k.g(k.c.astype(np.uint8), k.s, k.x64),
                       raises("TypeError", r"@g argument 0: expected dtype bool .* got uint8")),
    "int64": (lambda k: k.f(k.x.astype(np.int64), k.b), raises("TypeError", r"got int64")),
    "zero_d_for_rank1": (lambda k: k.f(k.x, np.float32(1.0)),
                         raises("ValueError", r"@f argument 1: expected shape \(4,\) .* got shape \(\)")),
    "extra_leading_dim": (lambda k: k.f(k.x[None], k.b),
                          raises("ValueError", r"@f argument 0: expected shape \(3, 4\) .* got shape \(1, 3, 4\)")),
    # -- layouts: copied, never misread -------------------------------------------------------------
    "overlapping_rows_input": (lambda k: k.f(k.overlapping, k.b), works(lambda k: np.array(k.overlapping) * k.b)),
    "same_array_twice": (lambda k: k.h(k.x, k.x), works(lambda k: np.zeros((3, 4), np.float32))),
    "bool_strided": (lambda k: k.g(np.repeat(k.c, 2, axis=1)[:, ::2], k.s, k.x64)[0],
                     works(lambda k: np.where(k.c, k.x64, 0.25))),
    "misaligned_f64": (lambda k: k.g(k.c, k.s, k.misaligned64)[0], works(lambda k: np.where(k.c, k.x64, 0.25))),
    "input_view_of_out_buffer_copy": (lambda k: k.f(k.shared[:12].reshape(3, 4)[::-1], k.b),
                                      works(lambda k: k.x[::-1] * k.b)),
    # -- out= ---------------------------------------------------------------------------------------
    "out_overlaps_out": (lambda k: k.g(k.c, k.s, k.x64, out=k.out_pair_overlapping),
                         raises("ValueError", r"@g out\[1\]: overlaps out\[0\]")),
    "out_partial_overlap_input": (
        lambda k: k.f(k.shared[:12].reshape(3, 4), k.b, out=k.shared[6:18].reshape(3, 4)),
        raises("ValueError", r"@f out\[0\]: overlaps argument 0; outputs must not alias inputs")),
    "out_negative_strides": (lambda k: k.f(k.x, k.b, out=np.empty((3, 4), np.float32)[::-1]),
                             raises("ValueError", r"@f out\[0\]: must be a writeable, aligned, C-contiguous array")),
    "out_matrix": (lambda k: k.f(k.x, k.b, out=np.asmatrix(np.empty((3, 4), np.float32))),
                   raises("TypeError", r"@f out\[0\]: expected a numpy array .* got matrix float32\[3, 4\]")),
    "out_scalar": (lambda k: k.f(k.x, k.b, out=3),
                   raises("TypeError", r"@f out=: expected an array or a tuple of 1 arrays, got int")),
    "out_masked": (lambda k: k.f(k.x, k.b, out=np.ma.masked_array(np.empty((3, 4), np.float32))),
                   raises("TypeError", r"@f out\[0\]: .* got MaskedArray float32\[3, 4\]")),
    "out_list": (lambda k: k.f(k.x, k.b, out=[np.empty((3, 4), np.float32)]), works(lambda k: k.x * k.b)),
    # -- 0-size dims --------------------------------------------------------------------------------
    "zero_size": (lambda k: np.concatenate([k.z(np.ones((0, 4), np.float32))[0],
                                            k.z(np.ones((0, 4), np.float32))[1].ravel()]),
                  works(lambda k: np.zeros(4))),
    "zero_size_shape": (lambda k: np.array(k.z(np.ones((0, 4), np.float32))[1].shape), works(lambda k: [0, 4])),
    "zero_size_wrong": (lambda k: k.z(np.ones((0, 5), np.float32)),
                        raises("ValueError", r"@z argument 0: expected shape \(0, 4\) .* got shape \(0, 5\)")),
    "zero_size_out": (lambda k: k.z(np.empty((0, 4), np.float32),
                                    out=(np.full(4, 7, np.float32), np.empty((0, 4), np.float32)))[0],
                      works(lambda k: np.zeros(4))),
    "jit_zero_size": (lambda k: sg.jit(lambda x: sg.exp(x).sum(axis=1))(np.ones((0, 3))),
                      works(lambda k: np.zeros(0))),
    "grad_zero_size": (lambda k: k.square(np.ones((0, 3))), works(lambda k: np.zeros((0, 3)))),
    # -- too large for memory: a clean MemoryError, nothing run ---------------------------------------
    "huge_output": (lambda k: k.big(np.ones(1, np.float32)), raises("MemoryError", r"Unable to allocate 16.0 TiB")),
    "huge_temporary": (lambda k: k.tmp(np.ones(2, np.float32), np.ones((2, 1), np.float32)), raises(
        "MemoryError", r"@tmp needs \d+ bytes of temporaries \(the largest 8796093022208 bytes\), which cannot be "
                       r"allocated on this machine; nothing was run")),
    "jit_huge_broadcast_view": (
        lambda k: sg.jit(lambda x: x * 2.0)(np.broadcast_to(np.float32(1), (N, N))),
        raises("MemoryError", r"Unable to allocate 16.0 TiB")),
    "small_after_huge": (lambda k: k.tmp.owner["tmp"] is k.tmp and k.f(k.x, k.b), works(lambda k: k.x * k.b)),
    # -- NaN and inf, exactly as numpy ----------------------------------------------------------------
    "nan_inf_forward": (lambda k: k.f(k.special, k.special_b), works(_special(lambda k: k.special * k.special_b))),
    "nan_inf_grad": (lambda k: sg.grad(lambda x: (x * x).sum())(k.special),
                     works(_special(lambda k: 2 * k.special))),
    # -- the transforms' own checks -------------------------------------------------------------------
    "jit_masked": (lambda k: k.jf(np.ma.masked_array(k.x)),
                   raises("TypeError", r"sg.jit\(f\): argument 0 is a masked array")),
    "jit_float16": (lambda k: k.jf(k.x.astype(np.float16)), raises(
        "TypeError", r"sg.jit\(f\): argument 0 has dtype float16; supported: float32, float64, bool, int32 or int64")),
    "jit_big_endian": (lambda k: k.jf(k.x.astype(">f4")),
                       raises("TypeError", r"sg.jit\(f\): argument 0 has dtype >f4")),
    "jit_array_like": (lambda k: k.jf(ArrayLike(k.x)),
                       raises("TypeError", r"sg.jit\(f\): argument 0 must be a numpy array .* got ArrayLike")),
    "jit_keyword_argument": (lambda k: k.jf(x=k.x), raises("TypeError", r"unexpected keyword argument 'x'")),
    "grad_argnums_float": (lambda k: sg.grad(lambda x: x.sum(), argnums=0.5)(k.x), raises(
        "TypeError", r"sg.grad\(f\): argnums must be an int or a tuple of ints, got 0.5")),
    "grad_argnums_bool": (lambda k: sg.grad(lambda x: x.sum(), argnums=True)(k.x),
                          raises("TypeError", r"argnums must be an int or a tuple of ints, got True")),
    "grad_readonly_strided": (lambda k: k.square(k.readonly_strided), works(lambda k: 2 * k.x64[:, ::-2])),
    "vjp_cotangent_list": (lambda k: k.vjp_fn(np.ones((3, 4)).tolist()), raises(
        "TypeError", r"\(vjp cotangent\) argument 0: expected a numpy array .* got list")),
    "vjp_cotangent_dtype": (lambda k: k.vjp_fn(np.ones((3, 4))), raises(
        "TypeError", r"\(vjp cotangent\) argument 0: expected dtype float32 .* got float64")),
    "vjp_cotangent_masked": (lambda k: k.vjp_fn(np.ma.masked_array(np.ones((3, 4), np.float32))),
                             raises("TypeError", r"\(vjp cotangent\) argument 0: masked arrays are not supported")),
    "vjp_cotangent_count": (lambda k: k.vjp_fn(),
                            raises("TypeError", r"expected 1 cotangent\(s\), one per output, got 0")),
    "backward_without_saved": (lambda k: k.cg.backward(None, np.ones((), np.float32)), raises(
        "TypeError", r"@f_adjoint: backward takes the Saved value that forward returned")),
    "backward_vjp_shape": (lambda k: k.cg.backward(k.cg.forward(k.x)[1], np.ones(3, np.float32)), raises(
        "ValueError", r"@f_adjoint argument 0: expected shape \(\) .* got shape \(3,\)")),
})


def _outcome(k: Fixtures, case: Case) -> str:
    try:
        got = case.call(k)
        if case.expect.want is not None:
            np.testing.assert_array_equal(got, case.expect.want(k))  # NaN equals NaN, in the same places
    except Exception as e:  # noqa: BLE001 - the type and message are the result
        return f"{type(e).__name__}: {e}"
    return "ok"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in GROUPS:
        print(f"usage: argcases.py {{{'|'.join(GROUPS)}}}", file=sys.stderr)
        return 2
    k = Fixtures()
    results = {name: _outcome(k, CASES[name]) for name in names(argv[0])}
    raised = sum(r != "ok" for r in results.values())
    print(f"argcases {argv[0]}: {len(results)} calls, {raised} raised, {len(results) - raised} returned",
          file=sys.stderr)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
