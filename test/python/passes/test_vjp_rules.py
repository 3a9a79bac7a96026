"""Every gradient rule in the registry against float64 finite differences and the dot-product test.

Parametrized over the registry: a new differentiable op is checked with no new test code.
"""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph import OPS, emit
from symgrad.dialects.graph.types import TensorType

from gradcheck import check_gradient, random_inputs


def _f64(t: TensorType) -> TensorType:
    return t.with_dtype("f64") if t.is_float else t  # integer and boolean operands are not differentiated


# Every sample with a float operand to differentiate (an op's integer-only samples have none).
CASES = [(op, k) for op in OPS.values() if op.vjp is not None and op.operands for k in range(len(op.samples))
         if any(t.is_float for t in op.samples[k].operands)]


@pytest.mark.parametrize("op,k", CASES, ids=[f"{op.name}-{k}" for op, k in CASES])
def test_rule_matches_finite_differences(op, k):
    sample = op.samples[k]
    types = [_f64(t) for t in sample.operands]
    attrs = dict(sample.attrs)
    if op.name == "cast" and TensorType((), attrs["to"]).is_float:
        attrs["to"] = "f64"  # differences in float64 on both sides
    rng = np.random.default_rng(hash(op.name) % 2**32 + k)
    args = random_inputs(types, op.domain, rng)
    module = sg.trace(lambda *xs: emit(op.name, *xs, **attrs), *args, name=op.name)
    wrt = [i for i, t in enumerate(types) if t.is_float]
    check_gradient(module, op.name, args, wrt, rng)


def test_every_op_has_a_rule_or_a_reason():
    for op in OPS.values():
        assert (op.vjp is not None or op.stops_gradient) != bool(op.nondiff), op.name
        assert op.vjp_doc or op.nondiff, op.name


def test_differentiable_ops_are_the_float_valued_ones():
    nondiff = sorted(name for name, op in OPS.items() if not op.differentiable)
    assert nondiff == ["argmax", "argmin", "eq", "ge", "gt", "le", "logical_and", "logical_not", "logical_or",
                       "logical_xor", "lt", "ne", "one_hot", "random_bits"]
