"""`convert-graph-to-linalg`: every `graph` op to linalg/tensor/arith/math on tensors.

The pass has no per-op code: it checks each op against the registry (the
lowerings assume verified IR), calls its entry's `lower`, and replaces the op
by the value it returns. It also prepares functions for native code:

  * arguments get `bufferization.writable = false`: `graph` values are
    immutable, so bufferization never writes into the caller's input arrays;
  * public functions get `llvm.emit_c_interface`, the `_mlir_ciface_<name>`
    entry point the runtime calls;
  * i1 tensors become i8 tensors (0/1 bytes), in signatures too: MLIR cannot
    store sub-byte memref elements, and a numpy bool is one byte.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from symgrad.dialects.graph.lowering import Lowering, storage_type
from symgrad.dialects.graph.registry import lookup
from symgrad.dialects.graph.types import ShapeError, TensorType
from symgrad.dialects.graph.verifier import op_attributes, operand_types, verify_op

from .module_pass import ModulePass, PassError
from .walk import ops_where

WRITABLE = "bufferization.writable"
C_INTERFACE = "llvm.emit_c_interface"


def _graph_ops(module_op: ir.Operation) -> list[ir.Operation]:
    return ops_where(module_op, lambda op: op.name.startswith("graph."))


def _prepare_function(fop) -> None:
    n = len(fop.type.inputs)
    old = fop.attributes["arg_attrs"] if "arg_attrs" in fop.attributes else None
    dicts = []
    for i in range(n):
        entries = {a.name: a.attr for a in ir.DictAttr(old[i])} if old is not None else {}
        entries[WRITABLE] = ir.BoolAttr.get(False)
        dicts.append(ir.DictAttr.get(entries))
    if n:
        fop.attributes["arg_attrs"] = ir.ArrayAttr.get(dicts)
    visibility = fop.attributes["sym_visibility"].value if "sym_visibility" in fop.attributes else "public"
    if visibility == "public" and not fop.is_external:
        fop.attributes[C_INTERFACE] = ir.UnitAttr.get()


def _convert_signatures(module_op: ir.Operation) -> None:
    """i1 tensors are stored as i8 once lowered: retype function signatures and call results."""
    def fix(t):
        if isinstance(t, ir.RankedTensorType) and isinstance(t.element_type, ir.IntegerType) \
                and t.element_type.width == 1:
            return ir.RankedTensorType.get(list(t.shape), ir.IntegerType.get_signless(8))
        return t

    def visit(op):
        if op.name == "func.func":
            fop = op.opview
            ftype = fop.type
            new = ir.FunctionType.get([fix(t) for t in ftype.inputs], [fix(t) for t in ftype.results])
            if new != ftype:
                fop.attributes["function_type"] = ir.TypeAttr.get(new)
                if not fop.is_external:
                    for arg in fop.entry_block.arguments:
                        arg.set_type(fix(arg.type))
        elif op.name == "func.call":
            for r in op.results:
                r.set_type(fix(r.type))
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)


def _no_lowering(op) -> tuple:
    return (op.location, f"'{op.name}' has no lowering to linalg (OpDef.lower is not set in its registry entry)")


def _prepare_op(op: ir.Operation):
    """Verifies one graph op and records what its lowering needs, before anything is rewritten."""
    opdef = lookup(op.name)
    if opdef is None or opdef.lower is None:
        raise PassError([_no_lowering(op)])
    problem = verify_op(op)
    if problem:
        raise PassError([(op.location, problem)])
    return opdef, op_attributes(op, opdef), operand_types(op, opdef), TensorType.from_mlir(op.results[0].type)


def _lower_op(op: ir.Operation, opdef, attrs, types, result_type) -> None:
    with ir.InsertionPoint(op), op.location:
        value = opdef.lower(Lowering(op, types, result_type), *op.operands, **attrs)
        expected = storage_type(result_type)
    if isinstance(value, (ir.OpView, ir.Operation)):
        value = value.operation.results
    if isinstance(value, (ir.OpResultList, list, tuple)) and len(value) == 1:
        value = value[0]
    if value.type != expected:
        raise PassError([(op.location, f"the lowering of '{op.name}' produced {value.type}, expected "
                                       f"{expected} (a bug in its registry entry)")])
    op.results[0].replace_all_uses_with(value)
    op.erase()


@dataclass(frozen=True)
class ConvertGraphToLinalg(ModulePass):
    name = "convert-graph-to-linalg"
    summary = ("lower every graph op to linalg/tensor/arith/math on tensors (each op's lowering is in its "
               "registry entry); mark functions for native code")

    def apply(self, module_op: ir.Operation) -> None:
        ops = _graph_ops(module_op)
        missing = [_no_lowering(op) for op in ops if lookup(op.name) is None or lookup(op.name).lower is None]
        if missing:
            raise PassError(missing)
        prepared = []
        for op in ops:
            try:
                prepared.append(_prepare_op(op))
            except ShapeError as e:
                raise PassError([(op.location, f"'{op.name}' op {e}")]) from None
        with ir.Location.unknown(module_op.context):
            _convert_signatures(module_op)
        for op, info in zip(ops, prepared):
            _lower_op(op, *info)
        for op in module_op.regions[0].blocks[0].operations:
            if op.operation.name == "func.func":
                _prepare_function(op.opview if hasattr(op, "opview") else op)
