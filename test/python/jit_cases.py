"""Registry-driven cases for the native-code tests: every op x sample x dtype as one function.

Many cases go into one module (one compile, ~100-200 ms) so the whole registry
compiles in a handful of modules. Inputs are drawn from each op's `domain`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import mlir.ir as ir
from mlir.dialects import func as func_d

import symgrad as sg
from symgrad.dialects.graph.emit import Tensor, emit
from symgrad.dialects.graph.registry import OPS, OpDef, Sample
from symgrad.dialects.graph.types import TensorType
from symgrad.module import new_context

DTYPES = ("f32", "f64")


@dataclass
class Case:
    name: str  # the function's name in the module
    op: OpDef
    types: tuple  # operand TensorTypes
    attrs: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.name


def _retype(t: TensorType, dtype: str) -> TensorType:
    return t if not t.is_float else t.with_dtype(dtype)


def _reattr(attrs: dict, dtype: str) -> dict:
    out = dict(attrs)
    v = out.get("value")
    if isinstance(v, np.ndarray) and v.dtype.kind == "f":
        out["value"] = v.astype(np.float32 if dtype == "f32" else np.float64)
    return out


def registry_cases(dtypes=DTYPES, ops=None) -> list[Case]:
    """One case per (op, sample, dtype); samples are recast to each float dtype."""
    cases = []
    for name, op in sorted(OPS.items()):
        if ops is not None and name not in ops:
            continue
        for i, sample in enumerate(op.samples):
            for dt in dtypes:
                types = tuple(_retype(t, dt) for t in sample.operands)
                cases.append(Case(f"{name}_{i}_{dt}", op, types, _reattr(sample.attrs, dt)))
    return cases


def build_module(cases) -> sg.Module:
    """A module with one function per case: `@<case.name>(operands) -> op(operands)` (every result)."""
    ctx = new_context()
    with ctx, ir.Location.unknown():
        m = ir.Module.create()
        for c in cases:
            with ir.InsertionPoint(m.body):
                f = func_d.FuncOp(c.name, ([t.to_mlir() for t in c.types], []))
            block = f.add_entry_block()
            with ir.InsertionPoint(block):
                y = emit(c.op.name, *[Tensor(a) for a in block.arguments], **c.attrs)
                ys = y if isinstance(y, tuple) else (y,)  # an op with several results: all returned
                func_d.ReturnOp([r.value for r in ys])
            f.attributes["function_type"] = ir.TypeAttr.get(
                ir.FunctionType.get([t.to_mlir() for t in c.types], [r.value.type for r in ys]))
    return sg.Module(m, ctx).verify()


def random_inputs(case: Case, rng: np.random.Generator) -> list[np.ndarray]:
    lo, hi = case.op.domain
    out = []
    for t in case.types:
        if t.dtype == "i1":
            out.append(rng.random(t.shape) < 0.5)
        elif t.is_int:  # small integers over the op's domain (one_hot's reaches outside its depth)
            out.append(rng.integers(int(np.floor(lo)), int(np.ceil(hi)) + 1, t.shape).astype(t.np_dtype))
        else:
            out.append(rng.uniform(lo, hi, t.shape).astype(t.np_dtype))
    return out
