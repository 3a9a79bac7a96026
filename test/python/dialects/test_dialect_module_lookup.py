"""Wrapping a `graph` op in Python (iterating a block, `.opview`) must not try to import a module
each time: the bindings remember only a dialect-module lookup that succeeded, and there is no
`mlir.dialects.graph`, so every graph op seen cost a failing import (~12,500 in one compile of a
128-layer MLP, ~1 s) until irdl.py gave them a search prefix where the lookup succeeds."""
import importlib._bootstrap as bootstrap

import numpy as np

import symgrad as sg


def test_walking_graph_ops_imports_nothing(monkeypatch):
    m = sg.trace(lambda x: sg.tanh(x) * 2.0 + sg.exp(x), np.ones(3))
    with m.context:
        ops = list(m.function().regions[0].blocks[0].operations)  # the first walk may look once
        assert any(op.operation.name.startswith("graph.") for op in ops)
        seen = []
        original = bootstrap._find_and_load
        monkeypatch.setattr(bootstrap, "_find_and_load", lambda name, imp: seen.append(name) or original(name, imp))
        for _ in range(20):
            for op in m.function().regions[0].blocks[0].operations:
                op.opview  # noqa: B018
        monkeypatch.undo()
    assert seen == []
