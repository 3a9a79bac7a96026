"""The reference interpreter: argument checks, NaN/inf semantics, calls, and its own errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph.registry import OPS

from sgtest import run

X = np.arange(12, dtype=np.float32).reshape(3, 4)
W = np.ones((4, 2), np.float32)


@pytest.fixture
def mlp():
    return sg.trace(lambda x, w: sg.tanh(x @ w).sum(axis=0), X, W)


@pytest.fixture
def no_ref_calls(monkeypatch):
    """Counts calls of every op's numpy reference."""
    calls = []
    for op in OPS.values():
        monkeypatch.setattr(op, "ref", (lambda ref, name: lambda *a, **k: calls.append(name) or ref(*a, **k))(
            op.ref, op.name))
    return calls


@pytest.mark.parametrize("args, exc, message", [
    ((X,), TypeError, "@<lambda> takes 2 arguments, got 1"),
    ((X, W, W), TypeError, "takes 2 arguments, got 3"),
    ((), TypeError, "takes 2 arguments, got 0"),
    ((X.astype(np.float64), W), TypeError, "argument 0: expected dtype float32 (tensor<3x4xf32>), got float64"),
    ((X, W.astype(np.int32)), TypeError, "argument 1: expected dtype float32"),
    ((X, W > 0), TypeError, "argument 1: expected dtype float32"),
    ((X.T, W), ValueError, "argument 0: expected shape (3, 4) (tensor<3x4xf32>), got (4, 3)"),
    ((X, W[:, :1]), ValueError, "argument 1: expected shape (4, 2)"),
    ((X.tolist(), W), TypeError, "argument 0: expected a numpy array of type tensor<3x4xf32>, got list"),
    ((X, 1.0), TypeError, "argument 1: expected a numpy array"),
])
def test_bad_arguments_are_rejected_before_running(args, exc, message, no_ref_calls):
    m = sg.trace(lambda x, w: sg.tanh(x @ w).sum(axis=0), X, W)
    name = m.function_names()[0]
    with pytest.raises(exc) as info:
        sg.interpret(m, None, *args)
    assert message.replace("@<lambda>", f"@{name}") in str(info.value)
    assert no_ref_calls == []  # nothing ran
    sg.interpret(m, None, X, W)
    assert no_ref_calls == ["matmul", "tanh", "sum"]


def test_func_name_must_be_a_name(mlp):
    with pytest.raises(TypeError, match=r"sg.interpret\(module, None, \*arrays\)"):
        sg.interpret(mlp, X, W)
    with pytest.raises(KeyError, match="no function @g"):
        sg.interpret(mlp, "g", X, W)
    assert sg.interpret(mlp, mlp.function_names()[0], X, W)[0].shape == (2,)


def test_results_are_a_tuple_of_arrays_of_the_declared_types(mlp):
    out = sg.interpret(mlp, None, X, W)
    assert isinstance(out, tuple) and len(out) == 1
    assert out[0].dtype == np.float32 and out[0].shape == (2,)
    np.testing.assert_allclose(out[0], np.tanh(X @ W).sum(axis=0), rtol=1e-6)


def test_scalars_and_non_contiguous_arrays_are_accepted():
    m = sg.trace(lambda s, x: x * s, np.float32(2.0), X.T)
    (got,) = sg.interpret(m, None, np.float32(3.0), X.T)  # a numpy scalar and a transposed view
    np.testing.assert_array_equal(got, X.T * 3)
    (got,) = sg.interpret(m, None, np.array(3.0, np.float32), np.asfortranarray(X.T))
    np.testing.assert_array_equal(got, X.T * 3)


def test_inputs_are_not_modified():
    x = X.copy()
    sg.interpret(sg.trace(lambda x: (x.reshape(-1) * 2.0, x.T, x[1:]), x), None, x)
    np.testing.assert_array_equal(x, X)


SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e30, -1e30, 88.0, 89.0, 1e-40])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_and_inf_propagate_as_in_numpy(dtype):
    x = SPECIAL.astype(dtype)
    y = np.roll(x, 3)

    def fn(m, x, y):
        return (m.log(x), m.sqrt(x), 1.0 / x, m.exp(x), x - y, x * y, x / y, x ** y, m.maximum(x, y),
                m.minimum(x, y), m.tanh(x), m.log1p(x), m.expm1(x), m.abs(x), x > y, x == y, x != x,
                m.where(x > y, x, y), m.max(x), m.min(x), m.sum(x), m.mean(x), m.sin(x), m.cos(x))
    with np.errstate(all="ignore"):
        want = fn(np, x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the interpreter stays silent, as numpy under errstate(ignore)
        _, got = run(lambda x, y: fn(sg, x, y), x, y)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        w = np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, i
        np.testing.assert_array_equal(g, w, err_msg=f"output {i}")  # NaN == NaN here, signs of 0 aside


def test_logsumexp_and_softmax_handle_infinities_like_numpy():
    x = np.array([[-np.inf, -np.inf], [np.inf, 0.0], [-np.inf, 0.0], [np.nan, 0.0]], np.float64)
    with np.errstate(all="ignore"):
        want = np.log(np.sum(np.exp(x), axis=1))
    _, (got,) = run(lambda x: sg.logsumexp(x, axis=1), x)
    np.testing.assert_array_equal(got, want)


def test_calls_between_functions():
    text = """
    func.func @helper(%a: tensor<3xf32>) -> tensor<3xf32> {
      %0 = "graph.exp"(%a) : (tensor<3xf32>) -> tensor<3xf32>
      return %0 : tensor<3xf32>
    }
    func.func @main(%a: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
      %0 = func.call @helper(%a) : (tensor<3xf32>) -> tensor<3xf32>
      %1 = "graph.mul"(%0, %b) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
      return %1, %0 : tensor<3xf32>, tensor<3xf32>
    }
    """
    m = sg.parse(text)
    a, b = np.array([0.0, 1.0, -1.0], np.float32), np.array([2.0, 3.0, 4.0], np.float32)
    got = sg.interpret(m, "main", a, b)
    np.testing.assert_array_equal(got[0], np.exp(a) * b)
    np.testing.assert_array_equal(got[1], np.exp(a))
    with pytest.raises(ValueError, match="has 2 functions"):
        sg.interpret(m, None, a, b)
    with pytest.raises(TypeError, match="@helper takes 1 arguments, got 2"):
        sg.interpret(m, "helper", a, b)


def test_non_graph_ops_are_an_interpreter_error():
    text = """func.func @f(%a: tensor<3xf32>) -> tensor<3xf32> {
      %0 = arith.addf %a, %a : tensor<3xf32> loc("model.py":7:3)
      return %0 : tensor<3xf32>
    }"""
    m = sg.parse(text)
    with pytest.raises(sg.InterpreterError, match=r"model.py:7:3: cannot interpret 'arith.addf'"):
        sg.interpret(m, None, np.ones(3, np.float32))


def test_a_reference_that_breaks_its_ops_type_is_caught(monkeypatch):
    m = sg.trace(lambda x: sg.exp(x), X)
    monkeypatch.setattr(OPS["exp"], "ref", lambda x: np.exp(x).astype(np.float64))
    with pytest.raises(sg.InterpreterError, match=r"test_interpret.py:\d+:\d+: the reference of 'graph.exp' "
                                                 r"returned float64\[3, 4\] but the op's type is tensor<3x4xf32>"):
        sg.interpret(m, None, X)
    monkeypatch.setattr(OPS["exp"], "ref", lambda x: np.exp(x)[0])
    with pytest.raises(sg.InterpreterError, match=r"returned float32\[4\]"):
        sg.interpret(m, None, X)


def test_interpreting_a_parsed_module_matches_the_traced_one():
    m = sg.trace(lambda x, w: sg.softmax(x @ w, axis=0) * 3.0, X, W)
    again = sg.parse(str(m))
    np.testing.assert_array_equal(sg.interpret(again, None, X, W)[0], sg.interpret(m, None, X, W)[0])
