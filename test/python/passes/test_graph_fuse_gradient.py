"""The fused primal+adjoint function computes exactly what forward then backward compute."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg
from symgrad.passes.graph_fuse_gradient import build_fused

RNG = np.random.default_rng(11)


def mlp(x, w, b, labels):
    return -(labels * sg.log_softmax(sg.tanh(x @ w + b), axis=-1)).sum()


def mixed(x, y):
    t = sg.exp(x) * y
    return t.sum(), sg.sigmoid(t) * x


@pytest.mark.parametrize("fn,shapes,wrt,recompute", [
    (mlp, [(4, 5), (5, 3), (3,), (4, 3)], [1, 2], "none"),
    (mlp, [(4, 5), (5, 3), (3,), (4, 3)], [0, 1, 2], "elementwise"),
    (mixed, [(3, 2), (2,)], [0, 1], "none"),
    (mixed, [(3, 2), (2,)], [1], "all"),
])
def test_fused_matches_forward_then_backward(fn, shapes, wrt, recompute):
    args = [RNG.standard_normal(s) for s in shapes]
    g = sg.differentiate(sg.trace(fn, *args), requires_grad=wrt, recompute=recompute)
    with g.module.context:
        name = build_fused(g.f)
        assert build_fused(g.f) == name  # built once
    outputs, saved = g.forward(*args)
    vjps = [RNG.standard_normal(outputs[i].shape) for i in g.df_input_vjps if i < g.f_real_outputs]
    grads = g.backward(saved, *vjps)
    fused = sg.interpret(g.module, name, *args, *vjps)
    n = g.f_real_outputs
    for a, b in zip(fused[:n], outputs):
        np.testing.assert_array_equal(a, b)
    assert len(fused) == n + len(grads)
    for a, b in zip(fused[n:], grads):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    # and natively
    compiled = sg.compile(g.module)
    native = compiled[name](*args, *vjps)
    for a, b in zip(native, fused):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
