"""The IRDL definition of the `graph` dialect, generated from the registry.

IRDL checks what it can express (operand and result counts, that values are
tensors, attribute kinds); shapes and element types are left to the Python
verifier, which reads the same registry.
"""
from __future__ import annotations

import mlir.ir as ir
from mlir.dialects import irdl
from mlir._mlir_libs import _mlir

from symgrad.runtime import forksafe as _forksafe

from . import ops as _ops  # noqa: F401  (registers the ops)
from .registry import OPS, OpDef


def _op_text(op: OpDef) -> str:
    lines = [f"  irdl.operation @{op.name} {{"]
    # One variable per result too (a shared one would force the results' types to be equal).
    for i in range(len(op.results)):
        lines.append(f'    %out{i} = irdl.base "!builtin.tensor"')
    attr_vars = {}
    for i, (name, kind) in enumerate(op.attrs.items()):
        rhs = f'irdl.base "{kind.irdl_base}"' if kind.irdl_base else "irdl.any"
        lines.append(f"    %a{i} = {rhs}")
        attr_vars[name] = f"%a{i}"
    if op.operands:
        # IRDL constraint variables unify (a variable used twice forces equal types, and
        # so would a variadic operand), so every operand gets its own variable.
        decls = []
        for i, name in enumerate(op.operands):
            lines.append(f'    %in{i} = irdl.base "!builtin.tensor"')
            decls.append(f"{name}: %in{i}")
        lines.append(f"    irdl.operands({', '.join(decls)})")
    lines.append("    irdl.results(" + ", ".join(f"{n}: %out{i}" for i, n in enumerate(op.results)) + ")")
    if attr_vars:
        lines.append("    irdl.attributes { " + ", ".join(f'"{k}" = {v}' for k, v in attr_vars.items()) + " }")
    lines.append("  }")
    return "\n".join(lines)


def dialect_text() -> str:
    """The IRDL module text (handy to read and to diff when ops change)."""
    return "irdl.dialect @graph {\n" + "\n".join(_op_text(op) for op in OPS.values()) + "\n}\n"


_lock = _forksafe.Lock()

# The bindings look for a Python module named after an op's dialect each time they wrap an op of
# it (`mlir.dialects.graph`, which does not exist), and remember only a lookup that succeeded: a
# compile of a 128-layer MLP made ~12,500 failing imports (~1 s). With this prefix the lookup finds
# symgrad.dialects.graph (this package) once; graph ops still get the generic OpView.
if "symgrad.dialects" not in _mlir.globals.dialect_search_modules:
    _mlir.globals.append_dialect_search_prefix("symgrad.dialects")


def load(ctx: ir.Context | None = None) -> ir.Context:
    """Registers the `graph` dialect in `ctx` (the current context by default), once.

    Loading twice into one context aborts inside MLIR, so this is the only place
    that loads it and it checks first.
    """
    ctx = ctx or ir.Context.current
    with _lock:
        if ctx.is_registered_operation("graph.add"):
            return ctx
        with ctx, ir.Location.unknown():
            irdl.load_dialects(ir.Module.parse(dialect_text()))
    return ctx
