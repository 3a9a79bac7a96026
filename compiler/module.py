"""`sg.Module`: an MLIR module of `graph` functions together with its context.

Every module owns a fresh `mlir.ir.Context` with the `graph` dialect loaded, so
modules never interfere (MLIR contexts are not shareable across threads, and
loading a dialect twice into one context aborts).
"""
from __future__ import annotations

import os
from typing import Iterable, Optional

import mlir.ir as ir
from mlir.dialects import func as func_d

from symgrad.dialects import graph
from symgrad.dialects.graph.verifier import Diagnostic, verify as verify_graph


def format_location(loc, rename: Optional[dict] = None) -> str:
    """`file:line:col` for file locations, MLIR's own text otherwise; `rename` maps buffer names."""
    try:
        if loc.is_a_file():
            filename = (rename or {}).get(loc.filename, loc.filename)
            return f"{filename}:{loc.start_line}:{loc.start_col}"
        if loc.is_a_name() or loc.is_a_callsite() or loc.is_a_fused():
            inner = loc.child_loc if loc.is_a_name() else (loc.callee if loc.is_a_callsite() else loc.locations[0])
            return format_location(inner, rename)
    except Exception:  # pragma: no cover - unusual location kinds print as MLIR does
        pass
    text = str(loc)
    return text[4:-1] if text.startswith("loc(") else text


class IRError(ValueError):
    """Malformed or ill-typed IR; carries the MLIR diagnostics with their locations."""

    def __init__(self, summary: str, diagnostics: Iterable[tuple[str, str]] = ()):
        self.summary = summary
        self.diagnostics = list(diagnostics)  # (location text, message)
        lines = [f"{loc}: error: {msg}" for loc, msg in self.diagnostics] or [summary]
        super().__init__("\n".join(lines))

    @staticmethod
    def from_mlir(e: ir.MLIRError, summary: str, rename: Optional[dict] = None) -> "IRError":
        diags = [(format_location(d.location, rename), d.message) for d in e.error_diagnostics]
        return IRError(summary, diags or [("<unknown>", str(e))])


def rename_source(module: ir.Module, name: str) -> None:
    """Renames the buffer `"-"` that `ir.Module.parse` gives every location to `name`,
    so diagnostics and debug info point at the real file."""
    cache: dict[str, object] = {}

    def fix(loc):
        key = str(loc)
        if '"-"' not in key:
            return None
        if key in cache:
            return cache[key]
        new = None
        if loc.is_a_file():
            if loc.filename == "-":
                if (loc.end_line, loc.end_col) != (loc.start_line, loc.start_col):
                    new = ir.Location.file(name, loc.start_line, loc.start_col, loc.end_line, loc.end_col)
                else:
                    new = ir.Location.file(name, loc.start_line, loc.start_col)
        elif loc.is_a_name():
            child = fix(loc.child_loc)
            if child is not None:
                new = ir.Location.name(loc.name_str, child)
        elif loc.is_a_callsite():
            callee, caller = fix(loc.callee), fix(loc.caller)
            if callee is not None or caller is not None:
                new = ir.Location.callsite(callee or loc.callee, [caller or loc.caller])
        elif loc.is_a_fused():
            parts = [fix(p) for p in loc.locations]
            if any(p is not None for p in parts):
                new = ir.Location.fused([n or p for n, p in zip(parts, loc.locations)])
        cache[key] = new
        return new

    def visit(op):
        new = fix(op.location)
        if new is not None:
            op.location = new
        for region in op.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    new = fix(arg.location)
                    if new is not None:
                        arg.set_location(new)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)


def new_context() -> ir.Context:
    ctx = ir.Context()
    graph.load(ctx)
    return ctx


class Module:
    """A module of `graph` functions. `str(m)` is its MLIR text; `m.mlir` the `ir.Module`."""

    def __init__(self, mlir_module: ir.Module, context: Optional[ir.Context] = None):
        self.mlir = mlir_module
        self.context = context or mlir_module.context
        self.meta: dict = {}  # Python-side facts (e.g. a traced function's output structure)

    def __str__(self) -> str:
        return str(self.mlir)

    def __repr__(self) -> str:
        return f"<symgrad.Module functions={self.function_names()}>"

    def function_names(self) -> list[str]:
        return [f.sym_name.value for f in self.functions()]

    def functions(self) -> list[func_d.FuncOp]:
        return [op for op in self.mlir.body.operations if isinstance(op, func_d.FuncOp)]

    def function(self, name: Optional[str] = None) -> func_d.FuncOp:
        funcs = self.functions()
        if name is None:
            if len(funcs) != 1:
                raise ValueError(f"the module has {len(funcs)} functions {self.function_names()}; name one")
            return funcs[0]
        for f in funcs:
            if f.sym_name.value == name:
                return f
        raise KeyError(f"no function @{name} in the module (it has {self.function_names()})")

    def diagnostics(self) -> list[Diagnostic]:
        """MLIR's structural verifier first, then the `graph` shape and dtype rules."""
        with self.context:
            try:
                self.mlir.operation.verify()
            except ir.MLIRError as e:
                return [Diagnostic(d.location, d.message) for d in e.error_diagnostics]
            return verify_graph(self.mlir.operation)

    def verify(self) -> "Module":
        diags = self.diagnostics()
        if diags:
            raise IRError("verification failed", [(format_location(d.location), d.message) for d in diags])
        return self

    def clone(self) -> "Module":
        return parse(str(self.mlir_with_debuginfo()), name="<clone>")

    def mlir_with_debuginfo(self) -> str:
        return self.mlir.operation.get_asm(enable_debug_info=True)


def parse(text: str, name: str = "<string>", verify: bool = True) -> Module:
    """Parses textual IR (any dialect plus `graph`) into a new module; raises IRError."""
    ctx = new_context()
    with ctx:
        try:
            m = ir.Module.parse(text)
        except ir.MLIRError as e:
            raise IRError.from_mlir(e, f"cannot parse {name}", rename={"-": name}) from None
        rename_source(m, name)
    module = Module(m, ctx)
    return module.verify() if verify else module


def parse_file(path: str | os.PathLike, verify: bool = True) -> Module:
    ctx = new_context()
    with ctx:
        try:
            m = ir.Module.parseFile(str(path))
        except ir.MLIRError as e:
            raise IRError.from_mlir(e, f"cannot parse {path}") from None
    module = Module(m, ctx)
    return module.verify() if verify else module
