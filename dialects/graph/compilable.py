"""What `sg.compile` (and the graph-to-llvm pipeline) accepts: graph functions, and nothing else.

Native code runs in the user's process and LLVM and MLIR abort on what they do not expect, so
compiled IR is a closed set that symgrad checks completely: `func.func` definitions with bare
identifier names and graph tensor signatures, whose bodies hold registered `graph` ops, acyclic
`func.call` and `func.return`. Anything else is a located error naming it. The set in full, and
why: docs/design/dialects-compilable.md.
"""
from __future__ import annotations

import re

import mlir.ir as ir

from .registry import lookup
from .types import ShapeError, TensorType
from .verifier import Diagnostic

ACCEPTED = "graph ops, func.call and func.return inside func.func definitions"
#: A name that prints without quotes in MLIR and is a valid unquoted LLVM and C-ABI symbol part.
BARE_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$.]*\Z")
#: The longest function name accepted (LLVM has no limit, but the C interface wrapper and the
#: temporaries record add prefixes, and nothing real comes close).
MAX_NAME = 1024
FUNC_ATTRIBUTES = {"sym_name", "function_type", "sym_visibility", "arg_attrs", "res_attrs"}
CALL_ATTRIBUTES = {"callee"}


def symbol_name_problem(name: str) -> str | None:
    """Why `name` cannot name compiled code, or None. Control characters (NUL makes LLVM
    assert) are named by their code, so the message is readable."""
    bad = next((c for c in name if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        return f"contains the control character U+{ord(bad):04X}"
    if not name:
        return "is empty"
    if len(name) > MAX_NAME:
        return f"is {len(name)} characters long (at most {MAX_NAME})"
    if not BARE_IDENTIFIER.match(name):
        return "is not a bare identifier ([A-Za-z_][A-Za-z0-9_$.]*), which compiled code needs: it becomes " \
               "an LLVM symbol and the C symbol _mlir_ciface_<name>"
    return None


def _string(attr) -> str:
    return ir.StringAttr(attr).value


def _foreign_attributes(op: ir.Operation, allowed: set) -> list[str]:
    return [a for a in op.attributes if a not in allowed and not a.startswith("graph.")]


def _dict_keys(array_attr) -> list[str]:
    keys = []
    for d in ir.ArrayAttr(array_attr):
        keys += [a.name for a in ir.DictAttr(d)]
    return keys


def _check_function(fop: ir.Operation) -> list[Diagnostic]:
    """The function's own problems (not its body's), in the order a reader meets them."""
    loc = fop.location
    name = _string(fop.attributes["sym_name"])
    problem = symbol_name_problem(name)
    if problem:
        return [Diagnostic(loc, f"'func.func' op the name {name!r} {problem}; rename the function")]
    where = f"'func.func' op @{name}"
    if len(fop.regions[0].blocks) == 0:
        return [Diagnostic(loc, f"{where} is an external declaration: compiled modules define every "
                                f"function they call (sg.compile accepts {ACCEPTED})")]
    if len(fop.regions[0].blocks) != 1:
        return [Diagnostic(loc, f"{where} has {len(fop.regions[0].blocks)} blocks: graph functions are one "
                                f"straight-line block")]
    foreign = _foreign_attributes(fop, FUNC_ATTRIBUTES)
    if foreign:
        return [Diagnostic(loc, f"{where} has the attribute '{foreign[0]}', which sg.compile does not accept "
                                f"(function attributes: {', '.join(sorted(FUNC_ATTRIBUTES))} and graph.*)")]
    for kind, what in (("arg_attrs", "argument"), ("res_attrs", "result")):
        if kind in fop.attributes:
            keys = [k for k in _dict_keys(fop.attributes[kind]) if not k.startswith("graph.")]
            if keys:
                return [Diagnostic(loc, f"{where} has the {what} attribute '{keys[0]}', which sg.compile does "
                                        f"not accept (only graph.* ones, such as graph.requires_grad)")]
    ftype = ir.FunctionType(ir.TypeAttr(fop.attributes["function_type"]).value)
    for what, types in (("argument", ftype.inputs), ("result", ftype.results)):
        for i, t in enumerate(types):
            try:
                TensorType.from_mlir(t)
            except ShapeError as e:
                return [Diagnostic(loc, f"{where} {what} #{i} has type {t}, which compiled code cannot take: {e}")]
    return []


def _check_body(fop: ir.Operation, defined: dict) -> list[Diagnostic]:
    """Problems in the body: the first foreign op only, as what follows it is often its fallout."""
    for op in fop.regions[0].blocks[0].operations:
        op = op.operation
        name = op.name
        if name == "func.return":
            continue
        if name == "func.call":
            foreign = _foreign_attributes(op, CALL_ATTRIBUTES)
            if foreign:
                return [Diagnostic(op.location, f"'func.call' op has the attribute '{foreign[0]}', which sg.compile "
                                                f"does not accept")]
            callee = ir.FlatSymbolRefAttr(op.attributes["callee"]).value
            if callee not in defined:
                return [Diagnostic(op.location, f"'func.call' op calls @{callee}, which is not a function defined "
                                                f"in this module")]
            continue
        if lookup(name) is None or len(op.regions) != 0:
            what = "an unknown graph op" if name.startswith("graph.") else "not accepted by sg.compile"
            return [Diagnostic(op.location, f"'{name}' op is {what}: compiled modules hold {ACCEPTED} (the ops "
                                            f"sg.interpret runs); IR of other dialects is not compiled")]
    return []


def call_cycles(module_op: ir.Operation) -> list[Diagnostic]:
    """One diagnostic per call cycle among the module's functions, at the call that closes it;
    sg.interpret refuses them too, rather than recurse until Python gives up."""
    calls: dict = {}
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "func.func" or not op.regions[0].blocks:
            continue
        calls[_string(op.attributes["sym_name"])] = [
            (ir.FlatSymbolRefAttr(c.operation.attributes["callee"]).value, c.operation)
            for block in op.regions[0].blocks for c in block.operations if c.operation.name == "func.call"]
    return _call_cycles(calls)


def _call_cycles(calls: dict) -> list[Diagnostic]:
    """One diagnostic per call cycle, at the call that closes it, naming the whole cycle."""
    found, state = [], {}  # state: 1 = on the current path, 2 = done

    def visit(f, path):
        state[f] = 1
        for callee, op in calls.get(f, ()):
            if state.get(callee) == 1:
                cycle = path[path.index(callee):] + [callee]
                found.append(Diagnostic(op.location, "'func.call' op closes the call cycle " +
                                        " -> ".join(f"@{n}" for n in cycle) + ": graph functions are straight-line, "
                                        "so a recursive call could never return"))
            elif callee not in state:
                visit(callee, path + [callee])
        state[f] = 2

    for f in calls:
        if f not in state:
            visit(f, [f])
    return found


def check(module_op: ir.Operation) -> list[Diagnostic]:
    """Every reason `module_op` is not a compilable graph module (empty: it is), located."""
    foreign = _foreign_attributes(module_op, {"sym_name"})
    if foreign:
        return [Diagnostic(module_op.location, f"'builtin.module' op has the attribute '{foreign[0]}', which "
                                               f"sg.compile does not accept (the target is always this machine)")]
    found: list[Diagnostic] = []
    defined: dict[str, ir.Operation] = {}
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "func.func":
            found.append(Diagnostic(op.location, f"'{op.name}' op is not accepted by sg.compile at module level: "
                                                 f"a compiled module holds func.func definitions of graph "
                                                 f"functions only ({ACCEPTED})"))
            continue
        problems = _check_function(op)
        found += problems
        if not problems:
            defined[_string(op.attributes["sym_name"])] = op
    if found:
        return found
    for fop in defined.values():
        found += _check_body(fop, defined)
    return found or call_cycles(module_op)
