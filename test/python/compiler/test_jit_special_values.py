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
RTOL = {"f32": 1e-5, "f64": 1e-12, "i32": 0, "i64": 0}


def _int_values(dtype):
    """The integers at and next to the edges of the type (where + - * abs wrap) and a few small ones."""
    info = np.iinfo(TensorType((), dtype).np_dtype)
    return np.array([info.min, info.min + 1, info.max, info.max - 1, -1, 0, 1, 7, -7, 2 ** 16, -(2 ** 16)],
                    dtype=TensorType((), dtype).np_dtype)


def _values(dtype):
    return _int_values(dtype) if dtype in ("i32", "i64") else VALUES.astype(TensorType((), dtype).np_dtype)


def _valid(case):
    try:
        case.op.infer(*case.types, **case.attrs)
        return True
    except ValueError:  # e.g. a float-only op on integers, or a logical op on numbers
        return False


def _cases(dtype):
    return [c for c in _all_cases(dtype) if _valid(c)]


def _all_cases(dtype):
    n = len(_values(dtype))
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
    for name in ("argmax", "argmin"):  # NaN is the extremum (its first index), ties take the first
        cases.append(Case(f"{name}_rows_{dtype}", OPS[name], (TensorType((n, n), dtype),), {"axis": 1, "keepdims": False}))
        cases.append(Case(f"{name}_all_{dtype}", OPS[name], (TensorType((n,), dtype),), {"axis": 0, "keepdims": False}))
    for reverse in (False, True):  # running sums through inf and NaN, from either end
        cases.append(Case(f"cumsum_{reverse}_{dtype}", OPS["cumsum"], (TensorType((n, n), dtype),),
                          {"axis": 1, "reverse": reverse}))
    cases.append(Case(f"reverse_{dtype}", OPS["reverse"], (TensorType((n, n), dtype),), {"axes": (0, 1)}))
    # sorting: NaN last (first when descending), -0.0 == 0.0 kept in index order, ties stable
    for descending in (False, True):
        cases.append(Case(f"sort_{descending}_rows_{dtype}", OPS["sort_with_indices"], (TensorType((n, n), dtype),),
                          {"axis": 1, "descending": descending}))
        cases.append(Case(f"sort_{descending}_all_{dtype}", OPS["sort_with_indices"], (TensorType((n,), dtype),),
                          {"axis": 0, "descending": descending}))
    cases.append(Case(f"topk_cols_{dtype}", OPS["topk"], (TensorType((n, n), dtype),), {"k": 5, "axis": 0}))
    cases.append(Case(f"topk_all_{dtype}", OPS["topk"], (TensorType((n,), dtype),), {"k": n, "axis": 0}))
    return cases


@pytest.mark.parametrize("dtype", ["f32", "f64", "i32", "i64"])
def test_special_values_match_the_interpreter(dtype):
    npdt = TensorType((), dtype).np_dtype
    cases = _cases(dtype)
    assert len(cases) >= 10, [c.name for c in cases]
    module = build_module(cases)
    cm = sg.compile(module)
    v = _values(dtype)
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
        wants = sg.interpret(module, c.name, *inputs)
        gots = cm[c.name](*inputs)
        gots = gots if isinstance(gots, tuple) else (gots,)
        for k, (got, want) in enumerate(zip(gots, wants)):
            if want.dtype.kind != "f":
                bad = got != want
            elif c.op.multi_result:  # sorting moves elements: the same bits (signed zeros, NaNs) in the same place
                bad = got.view(f"u{want.dtype.itemsize}") != want.view(f"u{want.dtype.itemsize}")
            else:
                bad = ~np.isclose(got, want, rtol=RTOL[dtype], atol=0, equal_nan=True)
            if bad.any():
                i = tuple(np.argwhere(bad)[0])
                failures.append(f"{c.name} result {k}: {int(bad.sum())} mismatches, e.g. at {i}: {got[i]} vs {want[i]}")
    assert not failures, "\n".join(failures)
