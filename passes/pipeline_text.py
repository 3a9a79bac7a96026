"""Pipeline text that mixes symgrad's Python passes with upstream MLIR passes: parsed, built, run.

The bindings cannot name a Python pass inside a textual pipeline, so a
pipeline string is split here into its top-level entries: runs of upstream
entries are handed to MLIR's own pipeline parser (`pm.add("a,b,func.func(c)")`)
and every entry naming a pass of `PASSES` is added as a Python pass in between.

    from symgrad.passes.pipeline_text import build_pass_manager
    pm = build_pass_manager("builtin.module(canonicalize,graph-verify,func.func(cse))", ctx)
    pm.run(module.operation)

Syntax (MLIR's): `builtin.module(entry,entry,...)` or just `entry,entry,...`
where an entry is `name`, `name{opt=value opt2=value}` or `anchor(entries)`.
symgrad passes are module passes: they must be top-level entries.

An entry's options are parsed and checked by its pass class (`ModulePass.from_options`); a
`NamedPipeline` entry is expanded in place (`expansion()`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional, Union

import mlir.ir as ir
from mlir.passmanager import PassManager

from . import PASSES
from .module_pass import ModulePass, NamedPipeline, OptionError, as_mlir_pass

__all__ = ["PipelineError", "Entry", "split_entries", "parse_entry", "parse_pipeline", "strip_anchor", "flag_to_entry",
           "add_pipeline", "build_pass_manager", "run_pipeline", "symgrad_pass_names"]

_OPEN = {"(": ")", "{": "}"}
_CLOSE = {")": "(", "}": "{"}


class PipelineError(ValueError):
    """A malformed pipeline: `str(e)` is `invalid pass pipeline '<text>': <reason>`."""

    def __init__(self, reason: str, pipeline: Optional[str] = None):
        self.reason, self.pipeline = reason, pipeline
        super().__init__(reason if pipeline is None else f"invalid pass pipeline '{pipeline}': {reason}")

    def within(self, pipeline: str) -> "PipelineError":
        return self if self.pipeline is not None else PipelineError(self.reason, pipeline)


@dataclass(frozen=True)
class Entry:
    """One top-level pipeline entry: `name`, `name{options}` or `name(nested)`."""
    name: str
    options: Optional[str] = None  # text between the braces, None when absent
    nested: Optional[str] = None  # text between the parentheses, None when absent
    text: str = field(default="", compare=False)  # the entry as written

    @property
    def is_symgrad(self) -> bool:
        return self.name in PASSES


def symgrad_pass_names() -> list[str]:
    """The names of every symgrad pass (and named pipeline)."""
    return sorted(PASSES)


def _brackets(text: str, start: int = 0):
    """The one bracket scanner: yields (index, char, depth) for each character of text[start:] outside
    double-quoted strings; depth counts the () and {} pairs around the character (a bracket is at the
    depth of what surrounds its pair). Raises PipelineError when the scan reaches a closer without its
    opener, a mismatched pair, or the end with a string or a bracket still open (columns are 1-based
    in `text`)."""
    stack: list[tuple[str, int]] = []
    quote = False
    for i in range(start, len(text)):
        ch = text[i]
        if ch == '"':
            quote = not quote
        elif quote:
            continue
        elif ch in _OPEN:
            yield i, ch, len(stack)
            stack.append((ch, i))
        elif ch in _CLOSE:
            if not stack:
                raise PipelineError(f"unbalanced '{ch}' at column {i + 1}")
            opener, at = stack.pop()
            if opener != _CLOSE[ch]:
                raise PipelineError(f"'{ch}' at column {i + 1} closes '{opener}' from column {at + 1}")
            yield i, ch, len(stack)
        else:
            yield i, ch, len(stack)
    if quote:
        raise PipelineError("unterminated string")
    if stack:
        opener, at = stack[-1]
        raise PipelineError(f"'{opener}' at column {at + 1} is never closed")


def _matching(text: str, start: int) -> int:
    """The index of the bracket closing the one at text[start]."""
    return next(i for i, ch, depth in _brackets(text, start) if depth == 0 and ch in _CLOSE)


def split_entries(text: str) -> list[str]:
    """Splits a pass list on the commas that are outside (), {} and strings.

    Raises ValueError on unbalanced brackets and on empty entries (`a,,b`, a
    trailing comma). An empty or all-blank list gives [].
    """
    commas = [i for i, ch, depth in _brackets(text) if ch == "," and depth == 0]  # checks the brackets first
    if not text.strip():
        return []
    bounds = [-1, *commas, len(text)]
    parts = [text[a + 1:b] for a, b in zip(bounds, bounds[1:])]
    out = []
    for n, p in enumerate(parts):
        if not p.strip():
            where = "trailing comma" if n == len(parts) - 1 else ("leading comma" if n == 0 else "empty entry")
            raise PipelineError(f"{where} in '{text}' (an empty pass name)")
        out.append(p.strip())
    return out


def parse_entry(text: str) -> Entry:
    """`name`, `name{opts}`, `name(nested)` (anything else raises ValueError)."""
    text = text.strip()
    i = 0
    while i < len(text) and text[i] not in "({":
        i += 1
    name = text[:i].strip()
    if not name or any(c.isspace() for c in name) or any(c in name for c in ")},"):
        raise PipelineError(f"'{text}' is not a pass: expected `name`, `name{{options}}` or `op-name(passes)`")
    options = nested = None
    if text.startswith("{", i):
        end = _matching(text, i)
        options, i = text[i + 1:end], _skip_blanks(text, end + 1)
    if text.startswith("(", i):
        end = _matching(text, i)
        nested, i = text[i + 1:end], _skip_blanks(text, end + 1)
    if i < len(text):
        raise PipelineError(f"unexpected '{text[i:]}' after '{text[:i].strip()}'")
    return Entry(name, options, nested, text)


def _skip_blanks(text: str, i: int) -> int:
    return len(text) - len(text[i:].lstrip())


def strip_anchor(pipeline: str) -> str:
    """`builtin.module(a,b)` -> `a,b`; a bare list is returned unchanged.

    A pipeline anchored on anything other than `builtin.module` is rejected:
    symgrad always runs on a module.
    """
    text = pipeline.strip()
    entries = split_entries(text)  # checks the brackets
    if len(entries) == 1:
        e = parse_entry(entries[0])
        if e.name == "builtin.module" and e.nested is not None and e.options is None:
            return e.nested
    return text


def _symgrad_names_in(text: str) -> list[str]:
    """symgrad pass names that appear as entries anywhere inside a (nested) pass list."""
    found = []
    for item in split_entries(text):
        e = parse_entry(item)
        if e.is_symgrad:
            found.append(e.name)
        if e.nested is not None:
            found.extend(_symgrad_names_in(e.nested))
    return found


# A resolved pipeline: ("mlir", "a,b,func.func(c)") or ("symgrad", the configured ModulePass).
Step = tuple


def parse_pipeline(pipeline: str) -> list[Step]:
    """Validates a pipeline string and resolves it into steps, without building anything.

    Raises PipelineError (a ValueError) naming the problem: unbalanced brackets,
    empty entries, a symgrad pass nested under an op anchor or given a nested
    pipeline, an unknown option of a symgrad pass. Unknown upstream passes and
    their options are reported by MLIR's parser when the steps are added to a
    PassManager (`add_pipeline`, `build_pass_manager`).
    """
    try:
        return list(_resolved(pipeline))
    except PipelineError as e:
        raise e.within(pipeline) from None
    except OptionError as e:
        raise PipelineError(str(e), pipeline) from None


@lru_cache(maxsize=64)
def _resolved(pipeline: str) -> tuple:
    """`_resolve` once per pipeline text: the compile path builds a pass manager from the same
    graph-to-llvm text at every compile, and scanning it costs ~8 ms. The steps are immutable (the
    configured passes are frozen dataclasses), so they are shared. Errors are not cached."""
    return tuple(_resolve(pipeline, ()))


def _resolve(pipeline: str, seen: tuple) -> list[Step]:
    steps: list[Step] = []
    upstream: list[str] = []

    def flush():
        if upstream:
            steps.append(("mlir", ",".join(upstream)))
            upstream.clear()

    body = strip_anchor(pipeline)
    anchored = body != pipeline.strip()
    for item in split_entries(body):
        e = parse_entry(item)
        cls = PASSES.get(e.name)
        if cls is None:
            if e.nested is not None:
                if e.name == "builtin.module" and not anchored:
                    # `builtin.module(a),b`: almost surely a misplaced parenthesis. (Inside the
                    # anchor, builtin.module(...) is MLIR's pipeline on nested modules.)
                    raise PipelineError("'builtin.module(...)' must wrap the whole pipeline")
                inner = _symgrad_names_in(e.nested)
                if inner:
                    raise PipelineError(f"symgrad pass '{inner[0]}' must be a top-level entry of "
                                        f"builtin.module(...), not nested in '{e.name}(...)': symgrad passes run "
                                        f"on the whole module")
            upstream.append(e.text)
            continue
        if e.nested is not None:
            raise PipelineError(f"symgrad pass '{e.name}' takes no nested pipeline (got '{e.text}')")
        configured = cls.from_options(_option_text(e.options))
        flush()
        if isinstance(configured, NamedPipeline):
            if e.name in seen:
                raise PipelineError(f"named pipeline '{e.name}' expands to itself")
            steps.extend(_resolve(configured.expansion(), seen + (e.name,)))
            continue
        steps.append(("symgrad", configured))
    flush()
    return steps


def _option_text(options: Optional[str]) -> str:
    return (options or "").strip()


def flag_to_entry(name: str, value: Optional[str] = None) -> str:
    """A pass given as a command-line flag (`--name`, `--name=opts`) as a pipeline entry.

    `value` is MLIR's pass-option text, `opt=v opt2=v`, with or without
    surrounding braces: `--graph-differentiate='func=f recompute=none'` and
    `--graph-differentiate='{func=f recompute=none}'` are the same.
    """
    if value is None or not value.strip():
        return name
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1].strip()
    return f"{name}{{{value}}}"


def add_pipeline(pm, pipeline: Union[str, Iterable[Step]], *, verify_symgrad: bool = False) -> None:
    """Appends a pipeline (a string or `parse_pipeline` steps) to an existing module PassManager.
    `verify_symgrad`: each symgrad pass verifies the module after it runs (see `run_pipeline`).

    Raises PipelineError (a ValueError); on error `pm` may hold a prefix of the steps.
    """
    text = pipeline if isinstance(pipeline, str) else None
    steps = parse_pipeline(pipeline) if text is not None else list(pipeline)
    for step in steps:
        if step[0] == "mlir":
            try:
                pm.add(step[1])
            except ValueError as e:
                err = PipelineError(_mlir_reason(str(e)), text if text is not None else step[1])
                raise err from None
        else:
            pass_: ModulePass = step[1]
            # Never op_name= (cookbook, section 2): the pass runs on the module it is given.
            pm.add(as_mlir_pass(pass_, verify_symgrad), name=pass_.name, argument=pass_.name, description=pass_.summary)


def _mlir_reason(msg: str) -> str:
    """The useful line of a ValueError from MLIR's textual pipeline parser."""
    lines = [ln.strip() for ln in msg.strip().splitlines() if ln.strip()]
    if not lines:
        return "MLIR cannot parse it"
    head = lines[0]
    if head.startswith("<Pass-Options-Parser>"):
        head = head.split(":", 1)[1].strip()
        if len(lines) > 1:
            head += f" ({lines[-1].strip()})"
    elif "error: " in head:
        head = head.split("error: ", 1)[1]
    if "does not refer to a registered pass" in head:
        head += f" (symgrad passes: {', '.join(symgrad_pass_names()) or 'none'}; see symgrad-opt --list-passes)"
    return head


#: What a pass manager verifies: the module after every pass (MLIR's default, mlir-opt's and
#: symgrad-opt's), only after symgrad's own passes (the compile path: upstream passes keep valid IR
#: valid, and verifying a big module ~50 times cost more than any one pass), or nothing.
VERIFY_MODES = ("each", "symgrad", "none")


def build_pass_manager(pipeline: Union[str, Iterable[Step]] = "", context=None, *, verify: str = "each"):
    """One `builtin.module` PassManager running `pipeline` (MLIR syntax, symgrad passes spliced in),
    verifying as `verify` (one of VERIFY_MODES) says.

    `context` defaults to the current `mlir.ir.Context`. Raises ValueError with a
    readable message for any malformed pipeline; never aborts.
    """
    if verify not in VERIFY_MODES:
        raise ValueError(f"verify must be one of {', '.join(VERIFY_MODES)}, got {verify!r}")
    if isinstance(pipeline, str):
        parse_pipeline(pipeline)  # text errors before touching MLIR
    ctx = context or ir.Context.current
    pm = PassManager("builtin.module", context=ctx)
    pm.enable_verifier(verify == "each")
    add_pipeline(pm, pipeline, verify_symgrad=verify == "symgrad")
    return pm


def run_pipeline(module_op: ir.Operation, pipeline: str, *, print_ir_after_all: bool = False,
                 verify: str = "each") -> None:
    """Runs a pipeline string (symgrad passes spliced in) on a module op; raises ir.MLIRError."""
    pm = build_pass_manager(pipeline, module_op.context, verify=verify)
    if print_ir_after_all:
        pm.enable_ir_printing()
    pm.run(module_op)
