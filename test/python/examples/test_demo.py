"""The MLP example of examples/demo.py: its traced IR, its value, and the script itself."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import symgrad as sg

from sgtest import TOL

DEMO = Path(__file__).resolve().parents[3] / "examples" / "demo.py"


@pytest.fixture(scope="module")
def demo():
    spec = importlib.util.spec_from_file_location("symgrad_demo", DEMO)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _data(dtype, batch=16, n_in=32, n_hidden=24, n_out=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, n_in)).astype(dtype)
    w1 = (rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)).astype(dtype)
    b1 = rng.standard_normal(n_hidden).astype(dtype) * 0.1
    w2 = (rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden)).astype(dtype)
    b2 = rng.standard_normal(n_out).astype(dtype) * 0.1
    labels = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, batch)]
    return x, w1, b1, w2, b2, labels


def numpy_mlp_loss(x, w1, b1, w2, b2, labels):
    """The same loss in plain float64 numpy, with log_softmax written out."""
    x, w1, b1, w2, b2, labels = (a.astype(np.float64) for a in (x, w1, b1, w2, b2, labels))
    logits = np.tanh(x @ w1 + b1) @ w2 + b2
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -(labels * log_p).sum(axis=-1).mean()


EXPECTED_OPS = [
    "graph.matmul", "graph.add", "graph.tanh",            # h = tanh(x @ w1 + b1)
    "graph.matmul", "graph.add",                          # logits = h @ w2 + b2
    "graph.max", "graph.stop_gradient", "graph.sub",      # log_softmax(logits, axis=-1): s = x - max(x)
    "graph.exp", "graph.sum", "graph.log", "graph.sub",   #   s - log(sum(exp(s)))
    "graph.mul", "graph.sum", "graph.mean", "graph.neg",  # -(labels * ...).sum(-1).mean()
    "func.return",
]


def test_mlp_ir(demo):
    args = _data(np.float32)
    m = demo_module = sg.trace(demo.mlp_loss, *args, requires_grad=[1, 2, 3, 4])
    with m.context:
        ops = [op.operation for op in m.function().entry_block.operations]
    assert [op.name for op in ops] == EXPECTED_OPS
    header = str(m).splitlines()[1].strip()
    assert header == (
        "func.func @mlp_loss(%arg0: tensor<16x32xf32>, %arg1: tensor<32x24xf32> {graph.requires_grad}, "
        "%arg2: tensor<24xf32> {graph.requires_grad}, %arg3: tensor<24x10xf32> {graph.requires_grad}, "
        "%arg4: tensor<10xf32> {graph.requires_grad}, %arg5: tensor<16x10xf32>) -> tensor<f32> {")
    types = [str(op.results[0].type) for op in ops[:-1]]
    assert types == ["tensor<16x24xf32>", "tensor<16x24xf32>", "tensor<16x24xf32>", "tensor<16x10xf32>",
                     "tensor<16x10xf32>", "tensor<16x1xf32>", "tensor<16x1xf32>", "tensor<16x10xf32>",
                     "tensor<16x10xf32>", "tensor<16x1xf32>", "tensor<16x1xf32>", "tensor<16x10xf32>",
                     "tensor<16x10xf32>", "tensor<16xf32>", "tensor<f32>", "tensor<f32>"]
    text = str(demo_module)
    assert '"graph.stop_gradient"' in text and "{axes = array<i64: 1>, keepdims = true}" in text
    assert '"graph.mean"' in text and "{axes = array<i64: 0>, keepdims = false}" in text
    # the ops point into demo.py, at the lines of mlp_loss
    source = DEMO.read_text().splitlines()
    with m.context:
        lines = {op.name: op.location.start_line for op in ops[:-1]}
        files = {op.location.filename for op in ops[:-1]}
    assert files == {str(DEMO)}
    assert "x @ w1" in source[lines["graph.tanh"] - 1]
    assert "h @ w2" in source[lines["graph.matmul"] - 1]  # the last matmul recorded
    assert "log_softmax" in source[lines["graph.log"] - 1]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_value_matches_numpy(demo, dtype):
    args = _data(dtype, seed=3)
    m = sg.trace(demo.mlp_loss, *args)
    (loss,) = sg.interpret(m, "mlp_loss", *args)
    assert loss.shape == () and loss.dtype == dtype
    np.testing.assert_allclose(loss, numpy_mlp_loss(*args), **TOL[np.dtype(dtype)])


def test_mlp_round_trips_through_text(demo):
    args = _data(np.float32)
    m = sg.trace(demo.mlp_loss, *args, requires_grad=[1, 2, 3, 4])
    again = sg.parse(m.mlir_with_debuginfo())
    assert again.mlir_with_debuginfo() == m.mlir_with_debuginfo()
    assert sg.interpret(again, None, *args)[0] == sg.interpret(m, None, *args)[0]


def test_demo_script_trains_with_checked_native_gradients():
    r = subprocess.run([sys.executable, str(DEMO), "--steps", "40"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    out = r.stdout
    assert "func.func @mlp_loss" in out
    assert "df_input_vjps" in out
    assert "gradient check against float64 finite differences" in out and "-> OK" in out
    losses = [float(v) for v in re.findall(r"step +\d+/40  loss (\d+\.\d+)", out)]
    assert len(losses) >= 2 and losses[-1] < losses[0], losses
    assert re.search(r"symgrad / numpy: \d+\.\d+x", out)


def test_numpy_baseline_of_the_demo_matches_symgrad_gradients(demo):
    args = _data(np.float64, seed=5)
    grad = sg.differentiate(sg.trace(demo.mlp_loss, *args), requires_grad=[1, 2, 3, 4])
    (loss,), saved = grad.forward(*args)
    ours = grad.backward(saved, np.ones((), np.float64))
    value, theirs = demo.numpy_mlp_value_and_grad(*args)
    np.testing.assert_allclose(value, loss, rtol=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_demo_prints_the_numpy_loss_of_its_data(demo, monkeypatch, capsys):
    """Runs demo.main() in-process, capturing the arrays it traces, and finds numpy's loss in its output."""
    traced = []
    real_trace = sg.trace

    def spy(fn, *args, **kwargs):
        if getattr(fn, "__name__", "") == "mlp_loss":
            traced.append(args)
        return real_trace(fn, *args, **kwargs)
    monkeypatch.setattr(sg, "trace", spy)
    demo.main(["--steps", "3"])
    out = capsys.readouterr().out
    assert traced, "demo.main() did not trace mlp_loss through sg.trace"
    want = float(numpy_mlp_loss(*traced[0]))
    numbers = [float(t) for t in re.findall(r"-?\d+\.\d+", out)]
    assert any(v == pytest.approx(want, rel=1e-5) for v in numbers), (want, out[-400:])
