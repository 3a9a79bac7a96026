"""outline-tensor-regions changes no bit: random graphs of the fuzz generator, each compiled with
every region outlined (min-regions=1) and without the pass, forward and fused gradient alike."""
from __future__ import annotations

import numpy as np
from hypothesis import given, seed, settings

import symgrad as sg
from symgrad.passes.graph_fuse_gradient import fuse_undifferentiated
from symgrad.passes.graph_to_llvm import STAGES

from graphgen import random_graphs
from test_random_graphs import FUZZ_SETTINGS

EVERY = "builtin.module(" + ",".join("outline-tensor-regions{min-regions=1}" if s == "outline-tensor-regions" else s
                                     for s in STAGES) + ")"
NONE = "builtin.module(" + ",".join(s for s in STAGES if s != "outline-tensor-regions") + ")"


def _same(module, name, args):
    with_regions = sg.compile(module, cache=False, pipeline=EVERY)[name](*args)
    without = sg.compile(module, cache=False, pipeline=NONE)[name](*args)
    with_regions = with_regions if isinstance(with_regions, tuple) else (with_regions,)
    without = without if isinstance(without, tuple) else (without,)
    for a, b in zip(with_regions, without, strict=True):
        np.testing.assert_array_equal(a, b)


@seed(20261208)
@settings(max_examples=25, **FUZZ_SETTINGS)
@given(random_graphs())
def test_random_graphs_compile_to_the_same_bits_with_every_region_outlined(g):
    m = g.build()
    _same(m, "f", g.inputs)
    floats = [i for i, t in enumerate(g.arg_types) if t.is_float]
    fused = m.clone()
    with fused.context:
        f = fused.function("f")
        name, _, vjp_outputs = fuse_undifferentiated(f, [i in floats for i in range(len(g.arg_types))])
    if not vjp_outputs:
        return  # no output depends on a float argument: nothing to differentiate
    alone = fused.subset([name])
    rng = np.random.default_rng(0)
    vjps = [rng.standard_normal(g.output_types[i].shape).astype(g.output_types[i].np_dtype) for i in vjp_outputs]
    _same(alone, name, [*g.inputs, *vjps])
