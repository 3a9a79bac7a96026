"""convert-graph-to-linalg lowers each distinct op once and clones that lowering for the others:
the clones read their own operands, carry their own locations, and compute what a lowering of
every op by itself computes (aliased operands and matmul's transposed operands included)."""
from __future__ import annotations

import numpy as np
import mlir.ir as ir

import symgrad as sg
from symgrad.dialects.graph.registry import lookup
from symgrad.module import reparse
from symgrad.passes.pipeline_text import run_pipeline

CHAIN = """
func.func @chain(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.tanh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("model.py":1:1)
  %1 = "graph.tanh"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("model.py":2:1)
  %2 = "graph.mul"(%1, %y) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("model.py":3:1)
  %3 = "graph.mul"(%2, %2) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("model.py":4:1)
  %4 = "graph.mul"(%3, %x) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("model.py":5:1)
  %5 = "graph.tanh"(%4) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("model.py":6:1)
  return %5 : tensor<2x3xf32>
}
"""


def _count_lowerings(monkeypatch, *names):
    calls = {n: 0 for n in names}
    for n in names:
        opdef = lookup("graph." + n)

        def counting(*args, _lower=opdef.lower, _n=n, **kw):
            calls[_n] += 1
            return _lower(*args, **kw)

        monkeypatch.setattr(opdef, "lower", counting)
    return calls


def _lowered(text):
    m = reparse(text)
    with m.context:
        run_pipeline(m.mlir.operation, "builtin.module(convert-graph-to-linalg)")
    fn = m.mlir.body.operations[0]
    return m, [o for o in fn.regions[0].blocks[0].operations if o.operation.name == "linalg.generic"]


def test_each_distinct_op_is_lowered_once(monkeypatch):
    calls = _count_lowerings(monkeypatch, "tanh", "mul")
    _, generics = _lowered(CHAIN)
    assert len(generics) == 6
    # tanh: one key; mul: (a, b) and (a, a) are two keys (the same value twice is not x * y).
    assert calls == {"tanh": 1, "mul": 2}


def test_clones_read_their_own_operands_and_carry_their_own_locations():
    m, generics = _lowered(CHAIN)
    x, y = m.mlir.body.operations[0].regions[0].blocks[0].arguments
    reads = [list(g.operation.operands)[:-1] for g in generics]  # the last operand is the out tensor
    results = [g.operation.results[0] for g in generics]
    assert reads[0] == [x]
    assert reads[1] == [results[0]]
    assert reads[2] == [results[1], y]
    assert reads[3] == [results[2], results[2]]
    assert reads[4] == [results[3], x]
    assert reads[5] == [results[4]]
    for line, g in enumerate(generics, start=1):
        want = f'loc("model.py":{line}:1)'
        assert str(g.operation.location) == want
        nested = []
        g.operation.walk(lambda o: nested.append(str(o.location)) or ir.WalkResult.ADVANCE)
        assert nested and set(nested) == {want}, (line, set(nested))


def test_replayed_lowerings_compute_what_numpy_does():
    rng = np.random.default_rng(0)
    x, y = (rng.standard_normal((2, 3)) for _ in range(2))

    def f(x, y):
        t = sg.tanh(sg.tanh(x)) * y
        return sg.tanh((t * t) * x)

    t = np.tanh(np.tanh(x)) * y
    np.testing.assert_allclose(sg.jit(f)(x, y), np.tanh(t * t * x), rtol=1e-12)


def test_matmul_with_and_without_transposed_operands(monkeypatch):
    """matmul reads a transpose producing its operand as a BLAS flag: its key holds each
    producer (name and attributes), so a@b, a^T@b and a batch transpose that is not a swap of
    the last two dims never share a lowering wrongly."""
    calls = _count_lowerings(monkeypatch, "matmul")
    rng = np.random.default_rng(1)
    a, b, c = (rng.standard_normal((4, 4)) for _ in range(3))
    p = rng.standard_normal((4, 4, 4))

    def f(a, b, c, p):
        s = sg.transpose(p, (1, 0, 2))  # not a swap of the last two dims
        q = sg.transpose(p, (0, 2, 1))  # a swap: a BLAS flag
        return (a @ b, b @ c, sg.transpose(a) @ b, sg.transpose(c) @ a, s @ a, q @ a, s @ b)

    cm = sg.compile(sg.trace(f, a, b, c, p), cache=False)  # no cached object: the pass runs
    got = cm[cm.functions[0]](a, b, c, p)
    want = (a @ b, b @ c, a.T @ b, c.T @ a, p.transpose(1, 0, 2) @ a, p.transpose(0, 2, 1) @ a,
            p.transpose(1, 0, 2) @ b)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    assert 0 < calls["matmul"] < 7  # some of the seven share a lowering
