"""`sg.Module`: an MLIR module of `graph` functions together with its context.

Every module owns a fresh `mlir.ir.Context` with the `graph` dialect loaded, so
modules never interfere (MLIR contexts are not shareable across threads, and
loading a dialect twice into one context aborts).
"""
from __future__ import annotations

import os
import re
from typing import Iterable, Optional, Union

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


def _renamed(loc, name: str, cache: dict):
    """`loc` with the buffer `"-"` renamed to `name`, or None when it does not mention it.

    A module-level function on purpose: as a closure that calls itself it formed a reference
    cycle holding `cache`, whose Locations kept every parsed module's MLIR context (~0.5 MB)
    alive until a garbage collection that did not always free it."""
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
        child = _renamed(loc.child_loc, name, cache)
        if child is not None:
            new = ir.Location.name(loc.name_str, child)
    elif loc.is_a_callsite():
        callee, caller = _renamed(loc.callee, name, cache), _renamed(loc.caller, name, cache)
        if callee is not None or caller is not None:
            new = ir.Location.callsite(callee or loc.callee, [caller or loc.caller])
    elif loc.is_a_fused():
        parts = [_renamed(p, name, cache) for p in loc.locations]
        if any(p is not None for p in parts):
            new = ir.Location.fused([n or p for n, p in zip(parts, loc.locations)])
    cache[key] = new
    return new


def rename_source(module: ir.Module, name: str) -> None:
    """Renames the buffer `"-"` that `ir.Module.parse` gives every location to `name`,
    so diagnostics and debug info point at the real file."""
    cache: dict[str, object] = {}

    def visit(op):
        new = _renamed(op.location, name, cache)
        if new is not None:
            op.location = new
        for region in op.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    new = _renamed(arg.location, name, cache)
                    if new is not None:
                        arg.set_location(new)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    cache.clear()


# ------------------------------------------------------- before MLIR's parser --
#: Brackets nested deeper than this are rejected before parsing: MLIR's parser is recursive
#: descent and overflows the stack (a segfault) a few thousand levels down (regions cost ~2.5 KB
#: of stack per level). Real IR stays far below; 256 levels need < 1 MB of stack.
MAX_NESTING = 256

_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|//[^\n]*|->|>=|<=|\bloc\s*\(|[()\[\]{}<>]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_OPEN = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSE = {")", "]", "}", ">"}
_GENERIC_NAME = re.compile(r"\s*\(")


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def check_text(text: str) -> Optional[tuple[int, int, str]]:
    """The first problem in `text` that must not reach MLIR's parser, as (line, col, message).

    MLIR crashes the process, instead of reporting an error, on: brackets nested thousands
    deep (stack overflow), and a generic op name whose op part is empty when its dialect is
    loaded (`"graph"(...)`, `"scf."(...)`: a fatal error, "created with unregistered dialect").
    Text that is not valid Unicode (bytes that are not UTF-8, decoded with `surrogateescape`,
    or lone surrogates) cannot be handed to the bindings at all.
    """
    bad = _SURROGATE.search(text)
    if bad:
        return (*_line_col(text, bad.start()), _bad_char(bad.group()))
    stack: list[str] = []
    in_loc = 0  # how many of the open brackets belong to loc(...): strings there are names
    for m in _SCAN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == '"':
            if m.start() > 0 and text[m.start() - 1] == "@" and len(tok) > 1 and tok.endswith('"') \
                    and not _utf8_symbol(tok[1:-1]):
                return (*_line_col(text, m.start() - 1),
                        f"the symbol @{tok} is not valid UTF-8 text once its escapes are decoded (name "
                        f"functions with UTF-8, better with plain identifiers)")
            if not in_loc and len(tok) > 1 and tok.endswith('"') and _GENERIC_NAME.match(text, m.end()) \
                    and _at_op_position(text, m.start()):
                name = tok[1:-1]
                if "\\" in name and not _utf8_symbol(name):
                    return (*_line_col(text, m.start()), f"the operation name {tok} is not valid UTF-8 text once "
                                                         f"its escapes are decoded")
                dialect, dot, op = name.partition(".")
                if "\\" not in name and (not dot or not op or not dialect):
                    return (*_line_col(text, m.start()),
                            f"'{name}' is not a valid operation name (expected 'dialect.operation')")
        elif c == "/" or tok in ("->", ">=", "<="):
            continue
        elif tok.startswith("loc"):
            stack.append("loc(")
            in_loc += 1
        elif c in _OPEN:
            stack.append(c)
        elif c in _CLOSE:
            if stack and _OPEN.get(stack[-1][-1]) == c:
                in_loc -= stack.pop() == "loc("
            continue
        if len(stack) > MAX_NESTING:
            return (*_line_col(text, m.start()),
                    f"brackets nested more than {MAX_NESTING} levels deep are not supported")
    return None


_CUSTOM_GRAPH_OP = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|(?:^|(?<==)|(?<=\n))[ \t]*(graph\.\w+)\b')


def silent_parse_failure(text: str) -> Optional[tuple[int, int, str]]:
    """Why MLIR's parser failed without a diagnostic, as (line, col, message), when it can be told.

    The parser reports nothing for a `graph` op written in custom form (`%y = graph.exp %x`): IRDL
    dialects have only the generic form, and the failure comes back as a bare "Unable to parse
    module assembly" with no location."""
    for m in _CUSTOM_GRAPH_OP.finditer(text):
        if m.group(1):
            name = m.group(1)
            return (*_line_col(text, m.start(1)),
                    f"custom op '{name}' cannot be parsed: graph ops are written in MLIR's generic form, e.g. "
                    f"%y = \"{name}\"(%x) : (tensor<4xf32>) -> tensor<4xf32>")
    return None


UNDECODABLE = ("MLIR's parser failed with a diagnostic that cannot be decoded (it quotes bytes that are not "
               "UTF-8, e.g. from a string escape such as \\FF)")
_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{2}|.)", re.S)


def _utf8_symbol(body: str) -> bool:
    """Whether a quoted symbol's text, with MLIR's escapes (\\XX hex, \\n, \\t, \\", \\\\) decoded,
    is UTF-8. MLIR takes any bytes there, but a diagnostic that quotes such a name cannot be
    converted to a Python string: the bindings raise a bare RuntimeError instead of the error."""
    out, pos = bytearray(), 0
    for m in _ESCAPE.finditer(body):
        out += body[pos:m.start()].encode("utf-8", "surrogateescape")
        e = m.group(1)
        out += bytes([int(e, 16)]) if len(e) == 2 else {"n": b"\n", "t": b"\t"}.get(e, e.encode())
        pos = m.end()
    out += body[pos:].encode("utf-8", "surrogateescape")
    try:
        out.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _at_op_position(text: str, pos: int) -> bool:
    """Whether a string at `pos` stands where an op's generic name does: first on its line or
    after `=`, `{`, `}` (not, e.g., `emitc.call_opaque "f"(...)`)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in "\n={}"


def _bad_char(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, decoded with surrogateescape
        return f"invalid UTF-8 byte 0x{code - 0xDC00:02x} (the input must be UTF-8 text)"
    return f"invalid character U+{code:04X} (a lone surrogate cannot be encoded as UTF-8)"


def decode(data: Union[str, bytes]) -> str:
    """Text for `check_text`: bytes that are not UTF-8 survive as surrogates (and are reported)."""
    return data.decode("utf-8", "surrogateescape") if isinstance(data, (bytes, bytearray)) else data


def new_context(dialects: Optional[Iterable[str]] = None) -> ir.Context:
    """A context with the `graph` dialect, single-threaded: with MLIR's threads, the verifier and
    the pass manager report errors from worker threads, and the bindings' error capture then
    touches Python objects without the GIL, which aborts the process ("Critical nanobind error:
    ... while the GIL was not held"; e.g. a module whose nested module and function both fail
    to verify).

    By default every registered dialect is loaded (~7-15 ms). With `dialects`, only those are
    (and `graph`): ~2 ms. IR text of any dialect still parses (the parser loads what it meets),
    but building an op of a dialect that is not loaded aborts inside MLIR, so that is only for
    contexts whose ops are known, such as the transforms' traces (`func` and `graph` ops)."""
    ctx = ir.Context() if dialects is None else ir.Context(load_on_create_dialects=list(dialects))
    ctx.enable_multithreading(False)
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

    def diagnostics(self, lowering: bool = False) -> list[Diagnostic]:
        """MLIR's structural verifier first, then the `graph` shape and dtype rules (with
        `lowering`, also what the lowering to LLVM cannot take)."""
        with self.context:
            try:
                self.mlir.operation.verify()
            except ir.MLIRError as e:
                return [Diagnostic(d.location, d.message) for d in e.error_diagnostics]
            return verify_graph(self.mlir.operation, lowering=lowering)

    def verify(self) -> "Module":
        diags = self.diagnostics()
        if diags:
            raise IRError("verification failed", [(format_location(d.location), d.message) for d in diags])
        return self

    def clone(self) -> "Module":
        """A copy in a context of its own, as it is (not verified again)."""
        return reparse(self.mlir_with_debuginfo(), self.meta)

    def subset(self, names: Iterable[str]) -> "Module":
        """A new module in this module's context holding copies of the functions `names` and of
        every function they call (transitively), in module order; no text round trip."""
        by_name = {f.sym_name.value: f for f in self.functions()}
        keep, todo = set(), list(names)
        while todo:
            name = todo.pop()
            if name in keep or name not in by_name:
                continue
            keep.add(name)
            for block in by_name[name].body.blocks:
                for op in block.operations:
                    if op.operation.name == "func.call":
                        todo.append(ir.FlatSymbolRefAttr(op.attributes["callee"]).value)
        with self.context, self.mlir.operation.location:
            m = ir.Module.create()
            for name, f in by_name.items():
                if name in keep:
                    f.operation.clone(ip=ir.InsertionPoint(m.body))
        out = Module(m, self.context)
        out.meta = dict(self.meta)
        return out

    def mlir_with_debuginfo(self) -> str:
        return self.mlir.operation.get_asm(enable_debug_info=True)


def parse(text: Union[str, bytes], name: str = "<string>", verify: bool = True) -> Module:
    """Parses textual IR (any dialect plus `graph`; str or UTF-8 bytes) into a new module;
    raises IRError."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise TypeError(f"sg.parse expects IR text (str or bytes), got {type(text).__name__}")
    text = decode(text)
    problem = check_text(text)
    if problem is not None:
        line, col, msg = problem
        raise IRError(f"cannot parse {name}", [(f"{name}:{line}:{col}", msg)])
    ctx = new_context()
    with ctx:
        try:
            m = ir.Module.parse(text)
        except ir.MLIRError as e:
            silent = None if e.error_diagnostics else silent_parse_failure(text)
            if silent is not None:
                raise IRError(f"cannot parse {name}", [(f"{name}:{silent[0]}:{silent[1]}", silent[2])]) from None
            raise IRError.from_mlir(e, f"cannot parse {name}", rename={"-": name}) from None
        except RuntimeError:  # the bindings could not decode the parser's diagnostic
            raise IRError(f"cannot parse {name}", [(f"{name}:1:1", UNDECODABLE)]) from None
        rename_source(m, name)
    module = Module(m, ctx)
    return module.verify() if verify else module


def reparse(text: str, meta: Optional[dict] = None) -> Module:
    """A module from text MLIR printed itself (a copy of a module that exists): no guard against
    hostile text, no verification; a context of its own."""
    ctx = new_context()
    with ctx:
        m = Module(ir.Module.parse(text), ctx)
    m.meta = dict(meta or {})
    return m


def parse_file(path: str | os.PathLike, verify: bool = True) -> Module:
    """Parses a file like `parse`, with its path in every location; raises IRError."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise IRError(f"cannot open {path}", [(str(path), f"cannot open input file: {e.strerror or e}")]) from None
    return parse(data, name=str(path), verify=verify)
