"""outline-loop-nests on a real kernel: the same results as the kernel left whole, one function per
distinct loop nest, and the heap buffers still allocated by the kernel itself."""
from __future__ import annotations

import importlib
import re

import numpy as np

import symgrad as sg
from symgrad.passes.graph_to_llvm import STAGES

codegen = importlib.import_module("symgrad.codegen")
# outline-tensor-regions moves the loop nests out of the kernel before they are loops: these tests
# look at outline-loop-nests alone, on the kernel it would otherwise get whole.
NESTS = "builtin.module(" + ",".join(s for s in STAGES if s != "outline-tensor-regions") + ")"
WHOLE = "builtin.module(" + ",".join(s for s in STAGES if s not in ("outline-loop-nests", "outline-tensor-regions")) + ")"


def mlp(x, *ws):
    h = x
    for w in ws:
        h = sg.tanh(h @ w)
    return (h * h).sum(), h


def _args(layers, rng):
    x = rng.standard_normal((32, 64)).astype(np.float32)
    return [x] + [(rng.standard_normal((64, 64)) * 0.2).astype(np.float32) for _ in range(layers)]


def test_outlined_kernel_computes_what_the_whole_kernel_does():
    args = _args(6, np.random.default_rng(0))
    module = sg.trace(mlp, *args)
    outlined = codegen.compile_module(module, cache=False, pipeline=NESTS).mlp(*args)
    whole = codegen.compile_module(module, cache=False, pipeline=WHOLE).mlp(*args)
    for a, b in zip(outlined, whole):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    want = args[0]
    for w in args[1:]:
        want = np.tanh(want.astype(np.float64) @ w)
    np.testing.assert_allclose(outlined[1], want, rtol=1e-4, atol=1e-5)


def test_identical_nests_become_one_function():
    args = _args(8, np.random.default_rng(1))
    llvm_ir, _ = codegen.lower_to_llvm_ir(sg.trace(mlp, *args), pipeline=NESTS)
    defined = re.findall(r"define (?:internal |private )?void @(mlp\.loops\d+)\(", llvm_ir)
    called = re.findall(r"call void @(mlp\.loops\d+)\(", llvm_ir)
    assert len(called) >= 8 and len(set(called)) == len(defined) < len(called) / 2
    whole, _ = codegen.lower_to_llvm_ir(sg.trace(mlp, *args), pipeline=WHOLE)
    assert "mlp.loops" not in whole


def test_gradients_through_outlined_kernels_match_finite_differences():
    rng = np.random.default_rng(2)
    args = [a.astype(np.float64) for a in _args(4, rng)]
    f = lambda x, *ws: mlp(x, *ws)[0]  # noqa: E731
    g = sg.grad(f, argnums=1)(*args)
    u = rng.standard_normal(args[1].shape)
    eps = 1e-6
    plus = [args[0], args[1] + eps * u, *args[2:]]
    minus = [args[0], args[1] - eps * u, *args[2:]]
    fd = (sg.jit(f)(*plus) - sg.jit(f)(*minus)) / (2 * eps)
    np.testing.assert_allclose(np.sum(g * u), fd, rtol=1e-6)
