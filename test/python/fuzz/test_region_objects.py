"""Region objects change no bit: random graphs of the fuzz generator, every region outlined
(min-regions=1), compiled as region objects (runtime/llvm_parts.py) and as one piece, forward and
fused gradient alike."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, seed, settings

import symgrad as sg
from symgrad.passes.graph_fuse_gradient import fuse_undifferentiated
from symgrad.runtime import llvm_parts

from graphgen import random_graphs
from test_outlined_regions import EVERY
from test_random_graphs import FUZZ_SETTINGS


def _same(module, name, args, monkeypatch):
    outs = []
    for regions in ("1", "0"):
        monkeypatch.setenv(llvm_parts.ENV, regions)
        out = sg.compile(module, cache=False, pipeline=EVERY)[name](*args)
        outs.append(out if isinstance(out, tuple) else (out,))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_array_equal(a, b)


@seed(20261209)
@settings(max_examples=15, **FUZZ_SETTINGS)
@given(random_graphs())
def test_random_graphs_compute_the_same_bits_as_region_objects(g):
    with pytest.MonkeyPatch.context() as mp:  # (hypothesis runs many examples per fixture)
        m = g.build()
        _same(m, "f", g.inputs, mp)
        floats = [i for i, t in enumerate(g.arg_types) if t.is_float]
        fused = m.clone()
        with fused.context:
            requires = [i in floats for i in range(len(g.arg_types))]
            name, _, vjp_outputs = fuse_undifferentiated(fused.function("f"), requires)
        if not vjp_outputs:
            return
        rng = np.random.default_rng(0)
        vjps = [rng.standard_normal(g.output_types[i].shape).astype(g.output_types[i].np_dtype) for i in vjp_outputs]
        _same(fused.subset([name]), name, [*g.inputs, *vjps], mp)

