"""Every registry op compiled to native code, forward, against `sg.interpret`, in f32 and f64.

Driven by the registry (OPS x samples x dtypes, inputs from each op's `domain`)
plus extra broadcasting / size-1 / rank-0 / empty shapes for the elementwise
families. All cases of one dtype are functions of ONE module, compiled once.
"""
from __future__ import annotations

import numpy as np
import pytest
import llvmlite.binding as llvm

import symgrad as sg
from symgrad.dialects.graph.registry import OPS, Sample
from symgrad.dialects.graph.types import TensorType
from symgrad.runtime import blas, pool

from jit_cases import DTYPES, Case, build_module, random_inputs, registry_cases

# Native results vs the interpreter (numpy): a few ulps of the dtype (libm vs numpy's SIMD
# math, summation order in reductions and matmul).
TOL = {"f32": dict(rtol=1e-5, atol=1e-6), "f64": dict(rtol=1e-12, atol=1e-13)}


def _t(dtype, *shape):
    return TensorType(tuple(shape), dtype)


def extra_cases(dtype: str) -> list[Case]:
    """Shapes the registry samples do not cover: size-1 and broadcast dims, rank 0, empty."""
    cases = []
    unary_shapes = [(1, 1, 1), (), (0, 3), (1, 7)]
    binary_shapes = [((1,), (3, 1)), ((1, 1), (1, 1)), ((), ()), ((4, 1, 1), (1, 1, 5)), ((0, 2), (2,)),
                     ((2, 3), ())]
    for name, op in sorted(OPS.items()):
        if op.lower is None or getattr(op.lower, "scalar_body", None) is None:
            continue
        params = dict(op.samples[0].attrs)  # the parameters of leaky_relu, clip, ...
        if op.operands == ("input",):
            for i, s in enumerate(unary_shapes):
                cases.append(Case(f"x_{name}_u{i}_{dtype}", op, (_t(dtype, *s),), params))
        elif len(op.operands) == 2:
            for i, (a, b) in enumerate(binary_shapes):
                cases.append(Case(f"x_{name}_b{i}_{dtype}", op, (_t(dtype, *a), _t(dtype, *b))))
        elif name == "select":
            for i, (c, a, b) in enumerate([((), (2, 3), (1, 3)), ((2, 1), (), ()), ((1,), (1, 1), (4, 1))]):
                cases.append(Case(f"x_{name}_s{i}_{dtype}", op, (_t("i1", *c), _t(dtype, *a), _t(dtype, *b))))
    red = [((1, 1), (0, 1), False), ((2, 1, 3), (1,), True), ((4,), (0,), True), ((3, 1), (0,), False)]
    for name in ("sum", "mean", "max", "min", "logsumexp", "var", "std", "norm"):
        ddof = {"ddof": 0} if "ddof" in OPS[name].attrs else {}
        for i, (shape, axes, keep) in enumerate(red):
            cases.append(Case(f"x_{name}_r{i}_{dtype}", OPS[name], (_t(dtype, *shape),),
                              {"axes": axes, "keepdims": keep, **ddof}))
    shape_ops = [
        ("matmul", ((1, 3), (3, 1)), {}), ("matmul", ((3, 1, 2, 4), (1, 5, 4, 3)), {}),
        ("matmul", ((1, 2, 3), (3, 2)), {}), ("transpose", ((1, 3, 1),), {"perm": (2, 0, 1)}),
        ("reshape", ((),), {"shape": (1, 1)}), ("reshape", ((1, 1),), {"shape": ()}),
        ("reshape", ((2, 3, 1),), {"shape": (3, 2)}),
        ("broadcast_to", ((),), {"shape": (2, 3)}), ("broadcast_to", ((1, 1),), {"shape": (3, 2, 4)}),
        ("sum_to_size", ((2, 3, 4),), {"shape": ()}), ("sum_to_size", ((2, 3, 4),), {"shape": (3, 1)}),
        ("sum_to_size", ((1, 4),), {"shape": (1, 4)}),
        ("slice", ((6,),), {"start": (5,), "stop": (6,), "step": (4,)}),
        ("slice", ((3, 4),), {"start": (0, 0), "stop": (3, 4), "step": (2, 3)}),
        ("pad", ((1, 1),), {"shape": (3, 3), "start": (2, 0), "step": (1, 1)}),
        ("concat", ((1, 2), (1, 2)), {"axis": 0}), ("concat", ((2, 0), (2, 3)), {"axis": 1}),
        ("cast", ((),), {"to": "f32" if dtype == "f64" else "f64"}),
        # empty and rank-0 corners (each once aborted MLIR or failed to verify)
        ("transpose", ((),), {"perm": ()}), ("transpose", ((0, 3),), {"perm": (1, 0)}),
        ("slice", ((0,),), {"start": (0,), "stop": (0,), "step": (3,)}),
        ("slice", ((4,),), {"start": (2,), "stop": (2,), "step": (1,)}),
        ("pad", ((0,),), {"shape": (3,), "start": (1,), "step": (1,)}),
        ("reshape", ((0, 3),), {"shape": (3, 0)}), ("reshape", ((2, 0, 3),), {"shape": (0,)}),
        ("matmul", ((2, 0), (0, 3)), {}), ("matmul", ((0, 2, 3), (3, 2)), {}),
        ("sum", ((0, 3),), {"axes": (0,), "keepdims": False}), ("sum_to_size", ((0, 3),), {"shape": (3,)}),
        ("broadcast_to", ((),), {"shape": (0, 2)}), ("concat", ((0, 3), (2, 3)), {"axis": 0}),
        # scans: size-1 and empty axes, a long axis, an axis between others
        ("cumsum", ((1, 7),), {"axis": 0, "reverse": False}), ("cumsum", ((4, 1),), {"axis": 0, "reverse": True}),
        ("cumsum", ((0, 3),), {"axis": 1, "reverse": False}), ("cumsum", ((3, 0),), {"axis": 1, "reverse": True}),
        ("cumsum", ((2, 300),), {"axis": 1, "reverse": True}), ("cumsum", ((3, 4, 5),), {"axis": 1, "reverse": False}),
        ("reverse", ((1, 3, 1),), {"axes": (0, 1, 2)}), ("reverse", ((0, 3),), {"axes": (1,)}),
        ("reverse", ((),), {"axes": ()}), ("reverse", ((4, 5),), {"axes": (0, 1)}),
        ("norm", ((0, 3),), {"axes": (0,), "keepdims": False}),
    ]
    for i, (name, shapes, attrs) in enumerate(shape_ops):
        cases.append(Case(f"x_{name}_{i}_{dtype}", OPS[name], tuple(_t(dtype, *s) for s in shapes), attrs))
    cases.append(Case(f"x_constant_bool_{dtype}", OPS["constant"], (),
                      {"value": np.array([[True, True, True]])}))  # non-splat i1: attrs.py cannot build it yet
    cases.append(Case(f"x_constant_scalar_{dtype}", OPS["constant"], (),
                      {"value": np.array(-1.5, dtype=np.float32 if dtype == "f32" else np.float64)}))
    # i1 through type-agnostic shape ops
    for i, (name, shapes, attrs) in enumerate([("transpose", ((2, 3),), {"perm": (1, 0)}),
                                               ("reshape", ((2, 3),), {"shape": (6,)}),
                                               ("broadcast_to", ((3,),), {"shape": (2, 3)}),
                                               ("slice", ((5,),), {"start": (1,), "stop": (5,), "step": (2,)}),
                                               ("pad", ((2,),), {"shape": (5,), "start": (1,), "step": (2,)}),
                                               ("reverse", ((2, 3),), {"axes": (1,)})]):
        if OPS[name].samples:
            cases.append(Case(f"x_bool_{name}_{i}_{dtype}", OPS[name], tuple(_t("i1", *s) for s in shapes), attrs))
    return [c for c in cases if _valid(c)]


def _valid(case: Case) -> bool:
    try:
        case.op.infer(*case.types, **case.attrs)
        return True
    except ValueError:
        return False


ALL = {dt: registry_cases((dt,)) + extra_cases(dt) for dt in DTYPES}


@pytest.fixture(scope="module")
def compiled():
    """dtype -> (module, CompiledModule), compiled lazily once per test module."""
    out = {}

    def get(dtype):
        if dtype not in out:
            m = build_module(ALL[dtype])
            out[dtype] = (m, sg.compile(m))
        return out[dtype]
    return get


def _params():
    return [pytest.param(dt, c, id=c.name) for dt in DTYPES for c in ALL[dt]]


@pytest.mark.parametrize("dtype,case", _params())
def test_op_forward_matches_interpreter(compiled, dtype, case, rng):
    module, cm = compiled(dtype)
    inputs = random_inputs(case, rng)
    want = sg.interpret(module, case.name, *inputs)
    got = cm[case.name](*inputs)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
        if w.dtype.kind != "f":  # booleans and integers: exact
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, **TOL[dtype])


def test_every_op_is_covered():
    names = {c.op.name for dt in DTYPES for c in ALL[dt]}
    assert names == set(OPS), f"ops without a compiled case: {set(OPS) - names}"
    assert all(op.lower is not None for op in OPS.values())


@pytest.mark.parametrize("dtype", DTYPES)
def test_llvmlite_parses_every_op(dtype):
    """The LLVM IR of every op's kernel parses and verifies in llvmlite (one module per dtype)."""
    from symgrad.codegen import lower_to_llvm_ir
    cases = ALL[dtype]
    text, _ = lower_to_llvm_ir(build_module(cases))
    mod = llvm.parse_assembly(text)
    mod.verify()
    defined = {f.name for f in mod.functions if not f.is_declaration}
    missing = [c.name for c in cases if f"_mlir_ciface_{c.name}" not in defined]
    assert not missing
    externals = {f.name for f in mod.functions if f.is_declaration and not f.name.startswith("llvm.")}
    assert externals <= {"memcpy", "memset", "memmove", "log1pf", "log1p", "expm1f", "expm1", "erff",
                         "erf"} | blas.ALL_SYMBOLS | pool.SYMBOLS, externals  # blas, pool: bound by the JIT
