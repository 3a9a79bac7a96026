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

from symgrad.runtime.abi import reserved_symbol

from .attrs import ADJOINT, REQUIRES_GRAD
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


def _result_name(opdef: OpDef, i: int) -> str:
    """How messages name result #i: nothing for a one-result op, " #i ('name')" otherwise."""
    return "" if len(opdef.results) == 1 else f" #{i} ('{opdef.results[i]}')"


def verify_op(op: ir.Operation) -> str | None:
    """The first problem with one `graph` op, as an MLIR-style message, or None."""
    opdef = lookup(op.name)
    if opdef is None:
        return None
    try:
        attrs = op_attributes(op, opdef)
        types = operand_types(op, opdef)
        n = len(opdef.results)
        if len(op.results) != n:
            want = "one result" if n == 1 else f"{n} results ({', '.join(opdef.results)})"
            raise ShapeError(f"expects exactly {want}, has {len(op.results)}")
        inferred = opdef.result_types(*types, **attrs)
        declared = []
        for i, r in enumerate(op.results):
            try:
                declared.append(TensorType.from_mlir(r.type))
            except ShapeError as e:
                raise ShapeError(f"result{_result_name(opdef, i)}: {e}") from None
        for i, (d, t) in enumerate(zip(declared, inferred)):
            if d != t:
                operands = ", ".join(str(t) for t in types) or "no operands"
                raise ShapeError(f"result{_result_name(opdef, i)} type {d} does not match the type {t} inferred "
                                 f"from {operands}")
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


def _types(op: ir.Operation) -> list[ir.Type]:
    """The types `op` defines: results, arguments of its blocks, its function signature."""
    types = [r.type for r in op.results]
    for region in op.regions:
        for block in region.blocks:
            types += [a.type for a in block.arguments]
    ft = _function_type(op)
    if ft is not None:
        types += list(ft.inputs) + list(ft.results)
    return types


def _function_type(op: ir.Operation):
    if "function_type" not in op.attributes:
        return None
    try:
        return ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
    except (ValueError, TypeError):
        return None


def _graph_function_type(op: ir.Operation):
    """The type of a func.func still at the graph level, or None: once bufferized (memrefs in its
    signature) or lowered, its graph.* attributes describe what it was, not what it is."""
    ft = _function_type(op) if op.name == "func.func" else None
    if ft is None or any(isinstance(t, (ir.MemRefType, ir.UnrankedMemRefType)) for t in [*ft.inputs, *ft.results]):
        return None
    return ft


def verify_sizes(op: ir.Operation) -> str | None:
    """The first type of `op` that is too large, as a message, or None. Runs on ops of every dialect."""
    for t in _types(op):
        msg = oversized(t)
        if msg:
            return f"'{op.name}' op {msg}"
    return None




def verify_requires_grad(op: ir.Operation) -> str | None:
    """An argument marked {graph.requires_grad} must have a float graph tensor type (the gradient
    pass builds its zero gradient and its adjoint's signature from it; integers carry no gradient)."""
    ft = _graph_function_type(op)
    if ft is None or "arg_attrs" not in op.attributes:
        return None
    try:
        arg_attrs = list(ir.ArrayAttr(op.attributes["arg_attrs"]))
    except (ValueError, TypeError):
        return None
    for i, (t, d) in enumerate(zip(ft.inputs, arg_attrs)):
        try:
            marked = REQUIRES_GRAD in ir.DictAttr(d)
        except (ValueError, TypeError):
            continue
        if marked:
            try:
                tt = TensorType.from_mlir(t)
            except ShapeError as e:
                return f"'{op.name}' op argument #{i} is marked {{{REQUIRES_GRAD}}} but its type is not a graph " \
                       f"tensor: {e}"
            if not tt.is_float:
                return f"'{op.name}' op {int_requires_grad(i, tt)}"
    return None


def int_requires_grad(i: int, t: TensorType) -> str:
    """The one message for an integer or boolean argument marked as requiring grad."""
    kind = "a boolean" if t.dtype == "i1" else "an integer"
    return (f"argument #{i} of type {t} is marked {{{REQUIRES_GRAD}}}, but it is {kind} tensor: integer and "
            f"boolean values never require grad (only f32 and f64 arguments can be differentiated); unmark it, "
            f"or cast a float argument to an integer inside the function")


GRADIENT_FIELDS = ("df_input_vjps", "df_input_captured_inputs", "df_input_captured_outputs", "df_output_vjps")


def verify_gradient_contract(op: ir.Operation) -> str | None:
    """A function carrying `graph.adjoint` (the output of graph-differentiate) must keep the
    Gradient contract its attributes state, or sg.Gradient would index out of range or, worse,
    run the wrong function on the wrong values: the attributes have their kinds, every offset is
    in range, and the adjoint exists with the signature the offsets imply."""
    if ADJOINT not in op.attributes:
        return None
    ft = _graph_function_type(op)
    if ft is None:  # bufferized or lowered: the contract was checked before
        return None
    where = f"'{op.name}' op Gradient contract: "
    attrs = op.attributes
    if not isinstance(attrs[ADJOINT], ir.FlatSymbolRefAttr):
        return where + f"graph.adjoint must be a symbol such as @f_adjoint, got {attrs['graph.adjoint']}"
    real = attrs["graph.f_real_outputs"] if "graph.f_real_outputs" in attrs else None
    if not isinstance(real, ir.IntegerAttr) or isinstance(real, ir.BoolAttr):
        return where + f"graph.f_real_outputs must be an integer such as `1 : i64`, got {real}"
    nargs, nres = len(ft.inputs), len(ft.results)
    if not 0 <= real.value <= nres:
        return where + f"graph.f_real_outputs = {real.value} is outside [0, {nres}] (the function has {nres} results)"
    fields = {}
    for name in GRADIENT_FIELDS:
        a = attrs[f"graph.{name}"] if f"graph.{name}" in attrs else None
        if not isinstance(a, ir.DenseI64ArrayAttr):
            return where + f"graph.{name} must be an array<i64: ...>, got {a}"
        fields[name] = [int(v) for v in a]
    bounds = {"df_input_vjps": ("results", nres), "df_input_captured_inputs": ("arguments", nargs),
              "df_input_captured_outputs": ("results", nres), "df_output_vjps": ("arguments", nargs)}
    for name, (what, n) in bounds.items():
        bad = [v for v in fields[name] if not 0 <= v < n]
        if bad:
            return where + f"graph.{name} has offset {bad[0]}, but the function has {n} {what}"
    for name in ("df_input_vjps", "df_output_vjps"):
        if len(set(fields[name])) != len(fields[name]):
            return where + f"graph.{name} repeats an offset: {fields[name]}"
    try:
        df = ir.SymbolTable(op.parent)[attrs[ADJOINT].value]
    except (KeyError, ValueError, TypeError):
        return where + f"the adjoint {attrs['graph.adjoint']} is not a function of this module"
    dft = _graph_function_type(df.operation)
    if dft is None or df.operation == op:
        return where + f"the adjoint {attrs['graph.adjoint']} is not another function"
    want_in = [ft.results[i] for i in fields["df_input_vjps"]] + \
        [ft.inputs[i] for i in fields["df_input_captured_inputs"]] + \
        [ft.results[i] for i in fields["df_input_captured_outputs"]]
    want_out = [ft.inputs[i] for i in fields["df_output_vjps"]]
    got_out = list(dft.results)
    df_real = df.attributes["graph.f_real_outputs"] if "graph.f_real_outputs" in df.attributes else None
    if ADJOINT in df.attributes and isinstance(df_real, ir.IntegerAttr):
        got_out = got_out[:df_real.value]  # differentiated in turn: its captured temporaries follow
    if [str(t) for t in dft.inputs] != [str(t) for t in want_in] or \
            [str(t) for t in got_out] != [str(t) for t in want_out]:
        show = lambda ts: "(" + ", ".join(str(t) for t in ts) + ")"  # noqa: E731
        return where + f"the adjoint {attrs['graph.adjoint']} has type {show(dft.inputs)} -> {show(dft.results)}, " \
                       f"but the offsets imply {show(want_in)} -> {show(want_out)} (vjps, captured inputs, " \
                       f"captured outputs -> one gradient per df_output_vjps entry)"
    return None


def _memref_element(t: ir.Type) -> bool:
    """MemRefType::isValidElementType for the builtin types (no dialect type qualifies in practice)."""
    return isinstance(t, (ir.IntegerType, ir.FloatType, ir.ComplexType, ir.IndexType, ir.VectorType))



def verify_symbol_name(op: ir.Operation) -> str | None:
    """A function named like a symbol lowered code uses is rejected before lowering, whatever the
    pipeline (sequential or multi-core), rather than clash or be called in its place."""
    if op.name != "func.func" or "sym_name" not in op.attributes:
        return None
    name = ir.StringAttr(op.attributes["sym_name"]).value
    if not reserved_symbol(name):
        return None
    return f"'func.func' op @{name}: this name is reserved for a symbol that compiled code defines or calls " \
           f"(the C library, libm, MLIR's or symgrad's runtime); rename the function (e.g. sg.trace(..., " \
           f"name='sg_{name}'); sg.jit, sg.grad and sg.vjp do so by themselves)"


def verify_lowerable(op: ir.Operation) -> str | None:
    """A tensor whose elements cannot be memref elements (e.g. !llvm.ptr) makes bufferization
    assert (abort) instead of failing: such types are rejected before lowering."""
    for t in _types(op):
        if isinstance(t, (ir.RankedTensorType, ir.UnrankedTensorType)) and not _memref_element(t.element_type):
            return f"'{op.name}' op type {t} cannot be lowered: tensor elements must be integers, floats, " \
                   f"complex numbers, indices or vectors to become memory"
    return None


#: MLIR's LLVM dialect keeps a getelementptr's constant indices in 29 bits when it folds them
#: (GEPIndicesAdaptor's PointerEmbeddedInt<int, 29>): canonicalize aborts on a larger one, e.g.
#: `llvm.getelementptr %p[268435456]`, which parses and verifies.
GEP_INDEX_BOUND = 1 << 28
_GEP_DYNAMIC = -(1 << 31)  # GEPOp::kDynamicIndex: this position takes an SSA operand


def verify_gep_indices(op: ir.Operation) -> str | None:
    if op.name != "llvm.getelementptr" or "rawConstantIndices" not in op.attributes:
        return None
    for v in ir.DenseI32ArrayAttr(op.attributes["rawConstantIndices"]):
        if v != _GEP_DYNAMIC and not -GEP_INDEX_BOUND <= v < GEP_INDEX_BOUND:
            return f"'llvm.getelementptr' op constant index {v} is outside [-2^28, 2^28), which MLIR's LLVM " \
                   f"dialect cannot fold (its passes would abort); pass a larger index as an SSA value"
    return None


def verify(root: ir.Operation, lowering: bool = False, rules: bool = True) -> list[Diagnostic]:
    """Every problem found in `graph` ops under `root` (and, in ops of every dialect, types too
    large to exist and misplaced {graph.requires_grad}), in walk order. With `lowering`, also
    what would crash the lowering to LLVM (verify_lowerable) and reserved function names
    (verify_symbol_name). Without `rules`, only what would crash MLIR (sizes, getelementptr
    indices, and with `lowering` lowerability): the guards that `--no-verify` keeps."""
    found: list[Diagnostic] = []

    def visit(op):
        msg = verify_sizes(op) or verify_gep_indices(op) or (lowering and (verify_lowerable(op) or verify_symbol_name(op))) or \
            (rules and (verify_requires_grad(op) or verify_gradient_contract(op) or verify_op(op)))
        if msg:
            found.append(Diagnostic(op.location, msg))
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found
