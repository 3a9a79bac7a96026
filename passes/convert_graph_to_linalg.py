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

A model repeats itself, so each distinct op (name, attributes, operand and result
types, which operands are the same value; for matmul, its operands' producers) is
verified and lowered once; its other
instances get a clone of that lowering with their own operands (`_Replay`).
Building IR op by op through the Python bindings is what this pass spends its
time on, and a clone is one call.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import mlir.ir as ir
from mlir.dialects import func

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


def _freeze(value):
    """A hashable form of an attribute value (TypeError for one that has none, e.g. an array)."""
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    hash(value)
    return value


def _key(op: ir.Operation, opdef, attrs, types, result_type):
    """What an op's lowering depends on but its operands (see `_inputs`), or None when an
    attribute is not hashable (an array): ops with equal keys and inputs lower to the same IR."""
    try:
        frozen = tuple((k, _freeze(v)) for k, v in sorted(attrs.items()))
    except TypeError:
        return None
    return op.name, frozen, tuple(types), result_type


def _inputs(op: ir.Operation, opdef) -> tuple[list, tuple]:
    """The values the lowering of `op` may read, and what else its IR depends on: which of them
    are the same value (x * x is not x * y), and, for a lowering that reads its operands'
    producers, the name and attributes of each producer (whose operands are inputs too)."""
    values = list(op.operands)
    shape = []
    if opdef.lowering_reads_producers:
        for v in op.operands:
            owner = v.owner
            if isinstance(owner, ir.Block):
                shape.append(None)
                continue
            owner = getattr(owner, "operation", owner)
            values.extend(owner.operands)
            shape.append((owner.name, len(owner.operands),
                          tuple((n, owner.attributes[n]) for n in owner.attributes)))
    return values, (tuple(values.index(v) for v in values), tuple(shape))


def _prepare_op(op: ir.Operation, verified: set):
    """Verifies one graph op (once per key) and records what its lowering needs, before
    anything is rewritten."""
    opdef = lookup(op.name)
    if opdef is None or opdef.lower is None:
        raise PassError([_no_lowering(op)])
    attrs = op_attributes(op, opdef)
    types = operand_types(op, opdef)
    n = len(opdef.results)
    if len(op.results) != n:  # verify_op says so, located
        result_type = None
    else:
        result_type = tuple(TensorType.from_mlir(r.type) for r in op.results)
        if n == 1:
            result_type = result_type[0]
    key = _key(op, opdef, attrs, types, result_type) if result_type is not None else None
    if key is None or key not in verified:
        problem = verify_op(op)
        if problem:
            raise PassError([(op.location, problem)])
        if key is not None:
            verified.add(key)
    return key, opdef, attrs, types, result_type


class _Replay:
    """The lowering of one op, kept to be cloned for the other ops with its key.

    `ops` are the top-level ops the lowering built (in order), `operands` the values they read
    from outside, `results` where each lowered value (one per result of the op) comes from:
    ("op", i, r) for result r of ops[i], ("operand", i) for operand i. `nested` is set when ops
    inside their regions read an operand or one of `ops`' results, which a clone must then remap
    too."""

    def __init__(self, ops, operands, results, nested):
        self.ops, self.operands, self.results, self.nested = ops, operands, results, nested

    @staticmethod
    def of(ops: list, operands: list, values: list) -> Optional["_Replay"]:
        """The replay of a lowering, or None when its IR reads values from elsewhere."""
        outside = set(operands)
        made = {}
        for i, top in enumerate(ops):
            for r, v in enumerate(top.results):
                made[v] = ("op", i, r)
        nested = False
        for top in ops:
            if any(v not in outside and v not in made for v in top.operands):
                return None
            inside = _nested_ops(top)
            defined = {v for o in [top] + inside for r in o.regions for b in r.blocks for v in b.arguments}
            defined.update(v for o in inside for v in o.results)
            for v in (v for o in inside for v in o.operands):
                if v in outside or v in made:
                    nested = True
                elif v not in defined:
                    return None
        results = []
        for value in values:
            if value in made:
                results.append(made[value])
            elif value in outside:
                results.append(("operand", operands.index(value)))  # the input it is
            else:
                return None
        return _Replay(ops, operands, results, nested)

    def apply(self, op: ir.Operation, inputs: list) -> list[ir.Value]:
        """Clones the lowering before `op`, reading `inputs` (see `_inputs`); returns the lowered
        values, one per result of `op`."""
        mapping = dict(zip(self.operands, inputs))
        clones = []
        ip = ir.InsertionPoint(op)
        loc = op.location
        for top in self.ops:
            copy = top.clone(ip)
            copy = getattr(copy, "operation", copy)
            copy.location = loc
            for k, w in enumerate(copy.operands):
                if w in mapping:
                    copy.operands[k] = mapping[w]
            for old, new in zip(top.results, copy.results):
                mapping[old] = new
            clones.append(copy)
        for copy in clones:
            if len(copy.regions):
                _relocate_nested(copy, loc, mapping if self.nested else None)
        return [inputs[where[1]] if where[0] == "operand" else clones[where[1]].results[where[2]]
                for where in self.results]


def _nested_ops(top: ir.Operation) -> list[ir.Operation]:
    """The ops nested in `top`'s regions, in pre-order (`top` itself left out)."""
    found = []
    top.walk(lambda o: found.append(o.operation) or ir.WalkResult.ADVANCE, ir.WalkOrder.PRE_ORDER)
    return found[1:]


def _relocate_nested(top: ir.Operation, loc: ir.Location, mapping) -> None:
    """Gives the ops nested in a clone the clone's location (diagnostics and printed IR point at
    each op's own line) and, when `mapping` is given, remaps their operands through it (`top`'s
    own operands are remapped already)."""
    for o in _nested_ops(top):
        o.location = loc
        if mapping is not None:
            for k, v in enumerate(o.operands):
                if v in mapping:
                    o.operands[k] = mapping[v]


class _Scratch:
    """A block outside every function where a lowering is built first, so that the ops it made
    are known (and moved before the op they replace) without scanning the function's body."""

    def __init__(self, module_op: ir.Operation):
        with ir.InsertionPoint(module_op.regions[0].blocks[0]), ir.Location.unknown(module_op.context):
            self.fn = func.FuncOp("__symgrad_lowering_scratch", ([], []), visibility="private").operation
        self.block = self.fn.regions[0].blocks.append()

    def erase(self):
        self.fn.erase()


#: replays[key] for a key whose lowering reads values from elsewhere: lowered in place, each time.
_IN_PLACE = object()


def _lower_op(op: ir.Operation, key, opdef, attrs, types, result_type, replays: dict, scratch) -> None:
    inputs = None
    if key is not None:
        inputs, shape = _inputs(op, opdef)
        key = key + shape
    replay = replays.get(key) if key is not None else _IN_PLACE
    if isinstance(replay, _Replay):
        values = replay.apply(op, inputs)
    else:
        memo = replay is None  # the first op with this key
        ip = ir.InsertionPoint(scratch.block) if memo else ir.InsertionPoint(op)
        with ip, op.location:
            values = _lowered_values(op, opdef.lower(Lowering(op, types, result_type), *op.operands, **attrs))
        if memo:
            made = [o.operation for o in scratch.block.operations]
            for o in made:
                o.move_before(op)
            replays[key] = _Replay.of(made, inputs, values) or _IN_PLACE
    result_types = result_type if isinstance(result_type, tuple) else (result_type,)
    for k, (value, t) in enumerate(zip(values, result_types)):
        with op.location:
            expected = storage_type(t)
        if value.type != expected:
            which = f" for result #{k}" if len(result_types) > 1 else ""
            raise PassError([(op.location, f"the lowering of '{op.name}' produced {value.type}{which}, expected "
                                           f"{expected} (a bug in its registry entry)")])
    for r, value in zip(op.results, values):
        r.replace_all_uses_with(value)
    op.erase()


def _lowered_values(op: ir.Operation, lowered) -> list[ir.Value]:
    """What a lowering returned as a list of values, one per result of `op`: a value, an op (its
    results), or a tuple/list of values (several results)."""
    if isinstance(lowered, (ir.OpView, ir.Operation)):
        lowered = list(lowered.operation.results)
    elif isinstance(lowered, (ir.OpResultList, list, tuple)):
        lowered = list(lowered)
    else:
        lowered = [lowered]
    if len(lowered) != len(op.results):
        raise PassError([(op.location, f"the lowering of '{op.name}' produced {len(lowered)} values for its "
                                       f"{len(op.results)} results (a bug in its registry entry)")])
    return lowered


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
        prepared, verified = [], set()
        for op in ops:
            try:
                prepared.append(_prepare_op(op, verified))
            except ShapeError as e:
                raise PassError([(op.location, f"'{op.name}' op {e}")]) from None
        with ir.Location.unknown(module_op.context):
            _convert_signatures(module_op)
        scratch = _Scratch(module_op)
        replays: dict = {}
        try:
            for op, info in zip(ops, prepared):
                _lower_op(op, *info, replays, scratch)
        finally:
            scratch.erase()
        for op in module_op.regions[0].blocks[0].operations:
            if op.operation.name == "func.func":
                _prepare_function(op.opview if hasattr(op, "opview") else op)
