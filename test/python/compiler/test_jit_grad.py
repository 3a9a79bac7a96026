"""Native backward: every differentiable op's primal and adjoint compiled and run through the
seed's Gradient protocol, against the same Gradient run by the interpreter, in f32 and f64.

All cases of one dtype are differentiated by ONE graph-differentiate run over one module, and
compiled once (primals, adjoints and the adjoint variants without temporaries' vjps).
"""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph.registry import OPS
from symgrad.gradient import Gradient
from symgrad.passes import PASSES
from symgrad.trace import set_requires_grad

from jit_cases import DTYPES, build_module, random_inputs, registry_cases

TOL = {"f32": dict(rtol=5e-5, atol=1e-5), "f64": dict(rtol=1e-11, atol=1e-12)}


def _cases(dtype):
    return [c for c in registry_cases((dtype,)) if c.op.differentiable and any(t.is_float for t in c.types)]


CASES = {dt: _cases(dt) for dt in DTYPES}


@pytest.fixture(scope="module")
def gradients():
    """dtype -> {case name: (Gradient, CompiledGradient)}; one differentiation + compile per dtype."""
    out = {}

    def get(dtype):
        if dtype not in out:
            cases = CASES[dtype]
            m = build_module(cases)
            with m.context:
                for f, c in zip(m.functions(), cases):
                    set_requires_grad(f, [t.is_float for t in c.types])
                PASSES["graph-differentiate"]().apply(m.mlir.operation)
            grads = {c.name: Gradient(m, c.name) for c in cases}
            for g in grads.values():
                g.adjoint_for(tuple(i < g.f_real_outputs for i in g.df_input_vjps))
            m.verify()
            sg.compile(m)  # once; the CompiledGradients below find it in the memory cache
            out[dtype] = {name: (g, sg.compile(g)) for name, g in grads.items()}
        return out[dtype]
    return get


@pytest.mark.parametrize("dtype,case", [pytest.param(dt, c, id=c.name) for dt in DTYPES for c in CASES[dt]])
def test_op_backward_matches_interpreter(gradients, dtype, case, rng):
    g, cg = gradients(dtype)[case.name]
    inputs = random_inputs(case, rng)
    want_out, want_saved = g.forward(*inputs)
    got_out, saved = cg.forward(*inputs)
    for a, b in zip(got_out, want_out):
        np.testing.assert_allclose(a, b, **TOL[dtype])
    vjps = [rng.standard_normal(want_out[i].shape).astype(want_out[i].dtype)
            for i in g.df_input_vjps if i < g.f_real_outputs]
    want = g.backward(want_saved, *vjps)
    got = cg.backward(saved, *vjps)
    assert len(got) == len(want) == len(g.df_output_vjps)
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, **TOL[dtype])


def test_every_differentiable_op_is_covered():
    names = {c.op.name for dt in DTYPES for c in CASES[dt]}
    assert names == {n for n, op in OPS.items() if op.differentiable and op.operands}
