"""Attribute kinds used by `graph` ops: how each is declared in IRDL and converted.

An op's registry entry names its attributes with one of these kinds; the IRDL
definition, the verifier, the builder and the docs all read the kind, so an
attribute's encoding is decided once, here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import mlir.ir as ir

from .types import ShapeError, dtype_of, element_type, TensorType

# -- the attributes that connect symgrad's stages (one definition each) --------------------------
#: Unit attribute on a function argument: the argument requires grad (sg.trace sets it, the
#: verifier checks it is on a float tensor, graph-differentiate reads it).
REQUIRES_GRAD = "graph.requires_grad"
#: On a differentiated primal: its adjoint (a symbol) and the rematerialization policy it was built with.
ADJOINT = "graph.adjoint"
RECOMPUTE = "graph.recompute"
#: The rematerialization policies graph-differentiate knows (TorchScript's default first).
RECOMPUTE_POLICIES = ("none", "elementwise", "all")


def recompute_policy(value) -> str:
    """`value` if it names a rematerialization policy, else ValueError listing them (the one check,
    for sg.differentiate, sg.grad/value_and_grad/vjp and the graph-differentiate pass)."""
    if not isinstance(value, str) or value not in RECOMPUTE_POLICIES:
        raise ValueError(f"recompute must be one of {', '.join(map(repr, RECOMPUTE_POLICIES))}, got {value!r}")
    return value
#: On an scf.parallel over row blocks of a GEMM: its work in multiply-adds, which
#: serialize-small-parallel-loops uses instead of counting loops (the body is one library call).
WORK_ATTR = "symgrad.work"


@dataclass(frozen=True)
class AttrKind:
    name: str  # how docs call it
    irdl_base: str  # the IRDL constraint (`irdl.any` if None)
    to_py: Callable[[ir.Attribute], Any]
    to_mlir: Callable[[Any], ir.Attribute]
    example: str


def _ints_to_py(a):
    if not isinstance(a, ir.DenseI64ArrayAttr):
        raise ShapeError(f"expected array<i64: ...>, got {a}")
    return tuple(int(v) for v in a)


def _int_to_py(a):
    if isinstance(a, ir.BoolAttr) or not isinstance(a, ir.IntegerAttr):
        raise ShapeError(f"expected an integer attribute such as `1 : i64`, got {a}")
    return int(a.value)


def _float_to_py(a):
    if not isinstance(a, ir.FloatAttr):
        raise ShapeError(f"expected a float attribute such as `0.01 : f64`, got {a}")
    if np.isnan(a.value):
        raise ShapeError(f"expected a number, got NaN ({a})")
    return float(a.value)


def _bool_to_py(a):
    if not isinstance(a, ir.BoolAttr):
        raise ShapeError(f"expected `true` or `false`, got {a}")
    return bool(a.value)


def _dtype_to_py(a):
    if not isinstance(a, ir.TypeAttr):
        raise ShapeError(f"expected an element type such as `f32`, got {a}")
    return dtype_of(a.value)


def _tensor_to_py(a):
    if not isinstance(a, (ir.DenseFPElementsAttr, ir.DenseIntElementsAttr)):
        raise ShapeError(f"expected dense elements such as `dense<1.0> : tensor<2xf32>`, got {a}")
    t = TensorType.from_mlir(a.type)
    if a.is_splat:  # a read-only broadcast view: a splat of any size costs one element
        return np.broadcast_to(np.array(a.get_splat_value().value, dtype=t.np_dtype), t.shape)
    return np.array(a, dtype=t.np_dtype).reshape(t.shape)


def _tensor_to_mlir(value):
    value = np.asarray(value)
    t = TensorType.of_array(value)
    mt = t.to_mlir()
    splat = value.size > 0 and (not any(value.strides) or np.all(value == value.flat[0]))
    if splat and not np.isnan(value.flat[0]):
        scalar = value.flat[0]
        if t.dtype == "i1":
            return ir.DenseElementsAttr.get_splat(mt, ir.BoolAttr.get(bool(scalar)))
        if t.is_int:
            return ir.DenseElementsAttr.get_splat(mt, ir.IntegerAttr.get(element_type(t.dtype), int(scalar)))
        return ir.DenseElementsAttr.get_splat(mt, ir.FloatAttr.get(element_type(t.dtype), float(scalar)))
    if t.dtype == "i1":  # MLIR stores i1 elements as packed bits
        return ir.DenseElementsAttr.get(np.packbits(value.ravel(), bitorder="little"), type=mt)
    return ir.DenseElementsAttr.get(np.ascontiguousarray(value), type=mt)


INTS = AttrKind("i64 array", "#builtin.dense_array", _ints_to_py,
                lambda v: ir.DenseI64ArrayAttr.get([int(x) for x in v]), "array<i64: 0, 1>")
INT = AttrKind("i64", "#builtin.integer", _int_to_py,
               lambda v: ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(v)), "1 : i64")
#: A scalar parameter (a slope, a bound): f64 in the IR whatever the tensors' dtype, so one value
#: means the same in f32 and f64 graphs; it is rounded to the tensor dtype where it is used.
FLOAT = AttrKind("f64", "#builtin.float", _float_to_py,
                 lambda v: ir.FloatAttr.get(ir.F64Type.get(), float(v)), "0.01 : f64")
BOOL = AttrKind("bool", "#builtin.integer", _bool_to_py, lambda v: ir.BoolAttr.get(bool(v)), "false")
DTYPE = AttrKind("element type", "#builtin.type", _dtype_to_py,
                 lambda v: ir.TypeAttr.get(element_type(v)), "f64")
TENSOR = AttrKind("dense elements", None, _tensor_to_py, _tensor_to_mlir, "dense<1.0> : tensor<2xf32>")
