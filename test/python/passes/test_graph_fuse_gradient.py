"""The fused primal+adjoint function computes exactly what forward then backward compute."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg
from symgrad.passes.graph_fuse_gradient import build_fused, fuse_undifferentiated

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


CASES = [
    (mlp, [(4, 5), (5, 3), (3,), (4, 3)], [1, 2], "none"),
    (mlp, [(4, 5), (5, 3), (3,), (4, 3)], [0, 1, 2], "elementwise"),
    (mixed, [(3, 2), (2,)], [0, 1], "none"),
    (mixed, [(3, 2), (2,)], [1], "all"),
    (mixed, [(3, 2), (2,)], [0], "elementwise"),
]


def _body(module, name):
    """The function's ops as text, without its header (name, attributes)."""
    with module.context:
        return str(module.function(name)).split("\n", 1)[1]


@pytest.mark.parametrize("fn,shapes,wrt,recompute", CASES)
def test_fusing_the_undifferentiated_function_builds_the_same_ops(fn, shapes, wrt, recompute):
    """One sweep over the traced function gives exactly the ops that graph-differentiate and then
    build_fused give (sg.grad and sg.value_and_grad compile it), and leaves the function alone."""
    args = [RNG.standard_normal(s) for s in shapes]
    traced = sg.trace(fn, *args)
    g = sg.differentiate(traced, requires_grad=wrt, recompute=recompute)
    with g.module.context:
        want = build_fused(g.f)
    m = traced.clone()
    with m.context:
        f = m.function()
        before = str(f)
        name, df_output_vjps, vjp_outputs = fuse_undifferentiated(f, [i in wrt for i in range(len(args))], recompute)
        assert str(f) == before and m.function_names() == [f.sym_name.value, name]
    assert _body(m, name) == _body(g.module, want)
    assert df_output_vjps == list(g.df_output_vjps)
    assert vjp_outputs == [i for i in g.df_input_vjps if i < g.f_real_outputs]
    m.verify()


def test_value_and_grad_builds_no_gradient_and_lower_still_shows_it(monkeypatch):
    """sg.value_and_grad compiles the fused kernel from the traced function: graph-differentiate's
    Gradient (primal, adjoint, variants) is built only when `.lower()` asks for it."""
    import symgrad.passes.graph_differentiate as gd
    runs = []
    real = gd.Differentiator.run
    monkeypatch.setattr(gd.Differentiator, "run", lambda self: runs.append(self.name) or real(self))
    x, w = RNG.standard_normal((4, 5)), RNG.standard_normal((5, 3))
    vg = sg.value_and_grad(lambda x, w: (sg.tanh(x @ w) ** 2).sum(), argnums=1)
    loss, gw = vg(x, w)
    np.testing.assert_allclose(gw, x.T @ (2 * np.tanh(x @ w) * (1 - np.tanh(x @ w) ** 2)), rtol=1e-12)
    assert runs == []
    assert "graph.tanh" in vg.lower(x, w).as_text("graph")
    assert len(runs) == 1
