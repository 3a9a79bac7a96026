"""outline-tensor-regions on real kernels: each distinct region lowered once, bit-identical results
with and without it, and every temporary still allocated (and recorded) by the kernel."""
from __future__ import annotations

import importlib
import math
import re

import numpy as np
import pytest

import symgrad as sg
from symgrad.passes.graph_to_llvm import STAGES

codegen = importlib.import_module("symgrad.codegen")
WITHOUT = "builtin.module(" + ",".join(s for s in STAGES if s != "outline-tensor-regions") + ")"
WITH = "builtin.module(" + ",".join(STAGES) + ")"


def mlp(x, *ws):
    h = x
    for w in ws:
        h = sg.tanh(h @ w)
    return (h * h).sum()


def block(x, wq, wk, wv, w1):
    """Layer norm, causal attention (softmax of a where), a GELU MLP, residuals."""
    B, T, D = x.shape
    a = sg.layer_norm(x)
    s = (a @ wq) @ sg.transpose(a @ wk, (0, 2, 1)) * (1.0 / math.sqrt(D))
    p = sg.softmax(sg.where(np.tril(np.ones((T, T), bool)), s, -1e9))
    h = x + p @ (a @ wv)
    return (sg.gelu(sg.layer_norm(h) @ w1) ** 2).sum()


def _mlp_args(layers, rng, dtype=np.float32):
    x = rng.standard_normal((32, 64)).astype(dtype)
    return [x] + [(rng.standard_normal((64, 64)) * 0.2).astype(dtype) for _ in range(layers)]


def _block_args(rng):
    return [rng.standard_normal((2, 16, 32)).astype(np.float32)] + \
        [(rng.standard_normal((32, n)) / 6).astype(np.float32) for n in (32, 32, 32, 64)]


def _fused_module(fn, args):
    """(the module sg.value_and_grad compiles, @<fn>_fused alone; its name)."""
    from symgrad.passes.graph_fuse_gradient import build_fused
    gradient = sg.differentiate(sg.trace(fn, *args), requires_grad=list(range(1, len(args))))
    with gradient.module.context:
        name = build_fused(gradient.f)
    fused = gradient.module.subset([name])
    with fused.context:
        del fused.function(name).attributes["graph.primal"]
    return fused, name


def _kernel(module, pipeline):
    return codegen.compile_module(module, cache=False, pipeline=pipeline)


@pytest.mark.parametrize("fn,make", [(mlp, lambda rng: _mlp_args(6, rng)), (block, _block_args),
                                     (mlp, lambda rng: _mlp_args(5, rng, np.float64))])
def test_results_are_bit_identical_with_and_without_regions(fn, make):
    args = make(np.random.default_rng(0))
    fused, name = _fused_module(fn, args)
    ones = np.ones((), args[0].dtype)
    got = _kernel(fused, WITH)[name](*args, ones)
    want = _kernel(fused, WITHOUT)[name](*args, ones)
    assert len(got) == len(args)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(got[0], sg.interpret(fused, name, *args, ones)[0], rtol=1e-5)


def test_identical_regions_become_one_function_and_a_small_kernel_stays_whole():
    args = _mlp_args(8, np.random.default_rng(1))
    fused, name = _fused_module(mlp, args)
    llvm_ir, _ = codegen.lower_to_llvm_ir(fused, pipeline=WITH)
    defined = set(re.findall(r"define (?:internal |private )?void @([\w.]+\.region\d+)\(", llvm_ir))
    called = re.findall(r"call void @([\w.]+\.region\d+)\(", llvm_ir)
    # 8 layers: 8 tanh nests forward, 8 derivative nests backward, a sum and its seed; four kinds.
    assert len(called) >= 16 and set(called) == defined and len(defined) <= 6
    small = sg.trace(lambda x: sg.exp(x).sum(), np.ones((4, 4), np.float32))
    whole, _ = codegen.lower_to_llvm_ir(small, pipeline=WITH)
    assert ".region" not in whole


def test_the_kernel_still_allocates_and_records_every_temporary():
    """The regions' result buffers are hoisted into the kernel (buffer-results-to-out-params), so
    the record the runtime reserves from is the same with and without regions."""
    args = _mlp_args(6, np.random.default_rng(2))
    fused, name = _fused_module(mlp, args)
    records = []
    for pipeline in (WITH, WITHOUT):
        llvm_ir, _ = codegen.lower_to_llvm_ir(fused, pipeline=pipeline)
        records.append(re.search(r"@_symgrad_temporaries_\w+ = .*", llvm_ir).group(0))
    assert records[0] == records[1]
    assert re.search(r"\[i64 0, i64 [1-9]", records[0]), records[0]  # bounded, and not empty
