"""The Python verifier of `graph` ops: what IRDL cannot say.

IRDL has already checked operand counts, tensor-ness and attribute kinds when
the IR was parsed. Here every op's registry entry checks element types and
shapes, and the declared result type is compared with the inferred one.
Problems come back as (location, message) pairs so callers can either emit
them as MLIR diagnostics (the pass) or raise them (`sg.verify`).
"""
from __future__ import annotations

from typing import NamedTuple

import mlir.ir as ir

from .registry import OpDef, lookup
from .types import ShapeError, TensorType


class Diagnostic(NamedTuple):
    location: ir.Location
    message: str


def op_attributes(op: ir.Operation, opdef: OpDef) -> dict:
    """The op's registry attributes as Python values; raises ShapeError naming a bad one."""
    present = {n: op.attributes[n] for n in op.attributes}
    out = {}
    for name, kind in opdef.attrs.items():
        if name not in present:
            raise ShapeError(f"attribute '{name}' is missing (expected {kind.name}, e.g. {kind.example})")
        try:
            out[name] = kind.to_py(present[name])
        except ShapeError as e:
            raise ShapeError(f"attribute '{name}': {e}") from None
    for name in present:
        if name not in opdef.attrs and "." not in name:
            raise ShapeError(f"unknown attribute '{name}' (expected {', '.join(opdef.attrs) or 'none'})")
    return out


def operand_types(op: ir.Operation, opdef: OpDef) -> list[TensorType]:
    types = []
    for i, v in enumerate(op.operands):
        name = opdef.operands[i]
        try:
            types.append(TensorType.from_mlir(v.type))
        except ShapeError as e:
            raise ShapeError(f"operand #{i} ('{name}'): {e}") from None
    return types


def verify_op(op: ir.Operation) -> str | None:
    """The first problem with one `graph` op, as an MLIR-style message, or None."""
    opdef = lookup(op.name)
    if opdef is None:
        return None
    try:
        attrs = op_attributes(op, opdef)
        types = operand_types(op, opdef)
        if len(op.results) != 1:
            raise ShapeError(f"expects exactly one result, has {len(op.results)}")
        inferred = opdef.infer(*types, **attrs)
        try:
            declared = TensorType.from_mlir(op.results[0].type)
        except ShapeError as e:
            raise ShapeError(f"result: {e}") from None
        if declared != inferred:
            operands = ", ".join(str(t) for t in types) or "no operands"
            raise ShapeError(f"result type {declared} does not match the type {inferred} inferred from "
                             f"{operands}")
    except ShapeError as e:
        return f"'{op.name}' op {e}"
    return None


#: The largest tensor (or memref, vector) a module may mention, in bytes: sizes and offsets are
#: 64-bit signed integers in lowered code, and MLIR asserts (aborts) when an element count
#: overflows them (ShapedType::getNumElements), so larger types are rejected here, located.
MAX_BYTES = 2 ** 63 - 1


def _element_bytes(t: ir.Type) -> int:
    if isinstance(t, (ir.F32Type,)):
        return 4
    if isinstance(t, ir.IntegerType):
        return max((t.width + 7) // 8, 1)
    if isinstance(t, (ir.F16Type, ir.BF16Type)):
        return 2
    return 8  # f64, index, pointers; complex and vectors as elements are rarer than their cost


def oversized(t: ir.Type) -> str | None:
    """Why a shaped type is too large to exist, or None."""
    if not isinstance(t, (ir.RankedTensorType, ir.MemRefType, ir.VectorType)):
        return None
    count = 1
    for d in t.shape:
        if d < 0:  # dynamic
            return None
        count *= d
    size = count * _element_bytes(t.element_type)
    if size > MAX_BYTES:
        return (f"type {t} is too large: {count} elements, {size} bytes (at most 2^63-1 bytes can be "
                f"addressed)")
    return None


def verify_sizes(op: ir.Operation) -> str | None:
    """The first type of `op` (results, block arguments of its regions, function signature) that
    is too large, as a message, or None. Runs on ops of every dialect."""
    types = [r.type for r in op.results]
    for region in op.regions:
        for block in region.blocks:
            types += [a.type for a in block.arguments]
    if "function_type" in op.attributes:
        try:
            ft = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
            types += list(ft.inputs) + list(ft.results)
        except (ValueError, TypeError):
            pass
    for t in types:
        msg = oversized(t)
        if msg:
            return f"'{op.name}' op {msg}"
    return None


def verify(root: ir.Operation) -> list[Diagnostic]:
    """Every problem found in `graph` ops under `root` (and types too large for any op), in walk
    order."""
    found: list[Diagnostic] = []

    def visit(op):
        msg = verify_sizes(op) or verify_op(op)
        if msg:
            found.append(Diagnostic(op.location, msg))
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found
