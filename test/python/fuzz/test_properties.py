"""The fuzz checks have teeth: each property fails on a graph when the code it guards is broken.

The registry entries are patched for the duration of one test (monkeypatch), so a
wrong rule is seen by the gradient pass exactly as a real bug would be.
"""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg

from symgrad.dialects.graph import OPS, G
from symgrad.dialects.graph.types import TensorType

from graphgen import RandomGraph, Step, well_conditioned
from graphchecks import Runner, check_graph

X = TensorType((2, 3), "f64")
B = TensorType((3,), "f64")


def _graph(steps, outputs, types=(X, B), hvp=False):
    rng = np.random.default_rng(5)
    return RandomGraph(list(types), [rng.uniform(-1, 1, t.shape) for t in types], steps, outputs, seed=5, hvp=hvp)


# exp(x) * b summed over rows: fan-out of x, a broadcast b, a reduction.
EXP_GRAPH = [Step("exp", (0,)), Step("mul", (2, 1)), Step("sum", (3,), {"axes": (0,), "keepdims": False})]


def test_a_correct_graph_passes_every_property():
    report = check_graph(_graph(EXP_GRAPH, [4, 2], hvp=True))
    assert report.dot and report.hvp and not report.partial and report.elements == 9


def test_a_wrong_first_derivative_is_caught(monkeypatch):
    monkeypatch.setattr(OPS["exp"], "vjp", lambda g, y, x: (g * y * 1.001,))
    with pytest.raises(AssertionError, match="differ from finite differences"):
        check_graph(_graph(EXP_GRAPH, [4]))


def test_a_missed_broadcast_reduction_is_caught(monkeypatch):
    rule = OPS["mul"].vjp
    # The rule averages the cotangent of a broadcast operand instead of summing it.
    monkeypatch.setattr(OPS["mul"], "vjp", lambda g, y, a, b: (g * b, G.mean(g * a, axes=(0,), keepdims=False))
                        if b.shape == (3,) else rule(g, y, a, b))
    with pytest.raises(AssertionError, match="gradient of argument 1"):
        check_graph(_graph(EXP_GRAPH, [4]))


def test_a_wrong_second_derivative_is_caught(monkeypatch):
    # sin's rule uses cos; a sign error in cos's rule only shows in second derivatives.
    monkeypatch.setattr(OPS["cos"], "vjp", lambda g, y, x: (g * G.sin(x),))
    graph = _graph([Step("sin", (0,)), Step("sum", (1,), {"axes": (0, 1), "keepdims": False})], [2], types=(X,),
                   hvp=True)
    with pytest.raises(AssertionError, match="Hessian-vector product"):
        check_graph(graph)


def test_the_runner_hook_checks_what_a_runner_returns():
    """A runner (the native runtime, later) is checked against the IR's types and the references."""
    graph = _graph(EXP_GRAPH, [4, 2])
    calls = []

    def recording(module, name, *arrays):
        calls.append(name)
        return sg.interpret(module, name, *arrays)
    check_graph(graph, Runner("recording", recording, exact=True))
    assert "f" in calls and "f_adjoint" in calls  # forward, primal and adjoint all go through the runner

    as_f32 = Runner("f32", lambda m, n, *a: tuple(o.astype(np.float32) for o in sg.interpret(m, n, *a)), exact=False)
    with pytest.raises(AssertionError, match="IR says"):
        check_graph(graph, as_f32)
    off = Runner("off", lambda m, n, *a: tuple(o * (1 + 1e-3) for o in sg.interpret(m, n, *a)), exact=False)
    with pytest.raises(AssertionError):
        check_graph(graph, off)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_numerics_guard_rejects_singular_points_only():
    zero, positive = np.zeros(3), np.array([0.5, 1.0, 2.0])
    for name in ("sqrt", "log", "rsqrt"):
        op = OPS[name]
        assert not well_conditioned(op, [zero], {}, op.ref(zero)), name
        assert well_conditioned(op, [positive], {}, op.ref(positive)), name
    pow_ = OPS["pow"]
    assert not well_conditioned(pow_, [zero, positive], {}, pow_.ref(zero, positive))
    assert well_conditioned(pow_, [positive, positive], {}, pow_.ref(positive, positive))
    relu = OPS["relu"]  # a kink exactly at a structural zero is harmless: x - x stays 0
    assert well_conditioned(relu, [zero], {}, relu.ref(zero))
