"""NaN, +-inf, signed zeros, huge and tiny values through every elementwise op and reduction:
native results equal the interpreter's (numpy's) bit-for-bit up to a few ulps, NaN where it has NaN."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph.registry import OPS
from symgrad.dialects.graph.types import TensorType

from jit_cases import Case, build_module

VALUES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-30, 3.0, -3.0, 0.5, -0.5, 88.0, -88.0,
                   710.0, -710.0])
RTOL = {"f32": 1e-5, "f64": 1e-12}


def _cases(dtype):
    n = len(VALUES)
    cases = []
    for name, op in sorted(OPS.items()):
        if getattr(op.lower, "scalar_body", None) is None:
            continue
        if op.operands == ("input",):
            for i, sample in enumerate(op.samples if op.attrs else op.samples[:1]):  # each parameter set
                cases.append(Case(f"{name}_{i}_{dtype}", op, (TensorType((n,), dtype),), dict(sample.attrs)))
        elif len(op.operands) == 2:  # every pair of special values, by broadcasting
            cases.append(Case(f"{name}_{dtype}", op, (TensorType((n, 1), dtype), TensorType((n,), dtype))))
    for name in ("sum", "mean", "max", "min", "logsumexp", "var", "std", "norm"):
        ddof = {"ddof": 0} if "ddof" in OPS[name].attrs else {}
        cases.append(Case(f"{name}_rows_{dtype}", OPS[name], (TensorType((n, n), dtype),),
                          {"axes": (1,), "keepdims": False, **ddof}))
        cases.append(Case(f"{name}_all_{dtype}", OPS[name], (TensorType((n,), dtype),),
                          {"axes": (0,), "keepdims": False, **ddof}))
    for reverse in (False, True):  # running sums through inf and NaN, from either end
        cases.append(Case(f"cumsum_{reverse}_{dtype}", OPS["cumsum"], (TensorType((n, n), dtype),),
                          {"axis": 1, "reverse": reverse}))
    cases.append(Case(f"reverse_{dtype}", OPS["reverse"], (TensorType((n, n), dtype),), {"axes": (0, 1)}))
    return cases


@pytest.mark.parametrize("dtype", ["f32", "f64"])
def test_special_values_match_the_interpreter(dtype):
    npdt = np.float32 if dtype == "f32" else np.float64
    cases = _cases(dtype)
    module = build_module(cases)
    cm = sg.compile(module)
    v = VALUES.astype(npdt)
    failures = []
    for c in cases:
        if len(c.types) == 2:
            inputs = [v.reshape(-1, 1), v]
        elif c.types[0].rank == 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                inputs = [np.add.outer(v, v).astype(npdt)]
        else:
            inputs = [v]
        (want,) = sg.interpret(module, c.name, *inputs)
        got = cm[c.name](*inputs)
        if want.dtype == np.bool_:
            bad = got != want
        else:
            bad = ~np.isclose(got, want, rtol=RTOL[dtype], atol=0, equal_nan=True)
        if bad.any():
            i = tuple(np.argwhere(bad)[0])
            failures.append(f"{c.name}: {int(bad.sum())} mismatches, e.g. at {i}: {got[i]} vs {want[i]}")
    assert not failures, "\n".join(failures)
