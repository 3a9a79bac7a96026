"""Diagnostics for `symgrad-opt`: collecting, printing, and `--verify-diagnostics`.

Pure Python apart from `from_mlir` (which reads `mlir.ir.Diagnostic`/`Location`
objects), so the expectation matcher can be unit-tested without MLIR.

`--verify-diagnostics` follows MLIR's `SourceMgrDiagnosticVerifierHandler`:

    // expected-error {{message}}          a diagnostic on this line
    // expected-error@+1 {{message}}       ... on the next line (@-2: two lines up)
    // expected-error@above {{message}}    ... on the closest line above that has no expected-*
    // expected-error@below {{message}}    ... on the closest line below that has no expected-*
    // expected-error@unknown {{message}}  ... with an unknown location
    // expected-error-re {{op {{[0-9]+}}}} the parts in {{...}} are regular expressions

with `warning`, `note` and `remark` in place of `error`. The message is a
substring match. Success means every expectation was produced and nothing
else was emitted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

SEVERITIES = ("error", "warning", "note", "remark")


@dataclass
class Diag:
    severity: str  # one of SEVERITIES
    message: str
    file: Optional[str] = None  # None: unknown location
    line: int = 0
    col: int = 0
    notes: list["Diag"] = field(default_factory=list)
    loc_text: str = ""  # how MLIR prints the location, for non-file locations

    def where(self) -> str:
        if self.file is not None:
            return f"{self.file}:{self.line}:{self.col}"
        return self.loc_text or "<unknown>"

    def flat(self) -> list["Diag"]:
        """The diagnostic followed by its notes (MLIR verifies notes as diagnostics of their own)."""
        out = [self]
        for n in self.notes:
            out.extend(n.flat())
        return out


# ----------------------------------------------------------------- from MLIR --
def _severity(sev) -> str:
    text = str(sev).rsplit(".", 1)[-1].lower()
    return text if text in SEVERITIES else "error"


def file_line_col(loc, rename: Optional[dict] = None):
    """(file, line, col) of the first file location inside `loc`, or None."""
    try:
        if loc.is_a_file():
            name = loc.filename
            if rename and name in rename:
                name = rename[name]
            return name, loc.start_line, loc.start_col
        if loc.is_a_name():
            return file_line_col(loc.child_loc, rename)
        if loc.is_a_callsite():
            return file_line_col(loc.callee, rename)
        if loc.is_a_fused():
            for inner in loc.locations:
                found = file_line_col(inner, rename)
                if found:
                    return found
    except Exception:  # pragma: no cover - exotic location kinds
        return None
    return None


def from_location(severity: str, message: str, loc, rename: Optional[dict] = None, notes=()) -> Diag:
    flc = file_line_col(loc, rename) if loc is not None else None
    if flc:
        return Diag(severity, message, flc[0], flc[1], flc[2], list(notes))
    text = str(loc) if loc is not None else "loc(unknown)"
    text = text[4:-1] if text.startswith("loc(") and text.endswith(")") else text
    return Diag(severity, message, None, 0, 0, list(notes), "<unknown>" if text == "unknown" else text)


def from_mlir(d, rename: Optional[dict] = None, severity: Optional[str] = None) -> Diag:
    """An `mlir.ir.Diagnostic` (or DiagnosticInfo from an MLIRError), notes included."""
    notes = [from_mlir(n, rename, "note") for n in (getattr(d, "notes", None) or ())]
    sev = severity or _severity(getattr(d, "severity", "error"))
    return from_location(sev, d.message, d.location, rename, notes)


# ------------------------------------------------------------------ printing --
class SourceLines:
    """The text of the input file, to print the offending line and a caret like MLIR does."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.lines = text.splitlines()

    def snippet(self, d: Diag) -> str:
        if d.file != self.name or not 1 <= d.line <= len(self.lines):
            return ""
        src = self.lines[d.line - 1].rstrip("\n").expandtabs(1)
        if not src.strip():
            return ""
        col = max(d.col, 1)
        return f"{src}\n{' ' * (col - 1)}^\n"


def render(d: Diag, source: Optional[SourceLines] = None) -> str:
    out = [f"{d.where()}: {d.severity}: {d.message}\n"]
    if source is not None:
        out.append(source.snippet(d))
    for n in d.notes:
        out.append(render(n, source))
    return "".join(out)


# ------------------------------------------------------ verify-diagnostics ---
_EXPECTED = re.compile(r"expected-(error|note|remark|warning)(-re)?\s*"
                       r"(?:@([+-][0-9]+|above|below|unknown))?\s*\{\{(.*)\}\}\s*$")


@dataclass
class Expected:
    severity: str
    pattern: str
    is_regex: bool
    line: Optional[int]  # the line the diagnostic must be on; None for @unknown
    anno_line: int  # where the expected-* annotation is written
    anno_col: int
    matched: bool = False

    def matches(self, message: str) -> bool:
        if not self.is_regex:
            return self.pattern in message
        return re.search(_re_pattern(self.pattern), message) is not None

    @property
    def unknown(self) -> bool:
        return self.line is None


def _re_pattern(text: str) -> str:
    """MLIR's -re syntax: literal text with {{regex}} parts."""
    out, pos = [], 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            out.append(re.escape(text[pos:]))
            return "".join(out)
        end = text.find("}}", start + 2)
        if end < 0:
            out.append(re.escape(text[pos:]))
            return "".join(out)
        out.append(re.escape(text[pos:start]))
        out.append("(?:" + text[start + 2:end] + ")")
        pos = end + 2


def parse_expectations(text: str, first_line: int = 1) -> tuple[list[Expected], list[Diag]]:
    """The expected-* annotations of `text` (whose first line is `first_line` of the file).

    Also returns problems with the annotations themselves (as error Diags without a file,
    filled in by the caller), e.g. `@+N` pointing outside the file, a bad regex.
    """
    expected: list[Expected] = []
    problems: list[tuple[int, int, str]] = []
    pending_below: list[Expected] = []
    last_plain: Optional[int] = None
    lines = text.splitlines()
    for i, src in enumerate(lines):
        line = first_line + i
        m = _EXPECTED.search(src)
        if not m:
            last_plain = line
            for e in pending_below:
                e.line = line
            pending_below.clear()
            continue
        sev, is_re, where, pattern = m.group(1), bool(m.group(2)), m.group(3), m.group(4)
        e = Expected(sev, pattern, is_re, line, line, m.start() + 1)
        if is_re:
            try:
                re.compile(_re_pattern(pattern))
            except re.error as err:
                problems.append((line, m.start() + 1, f"invalid regular expression in expected-{sev}-re: {err}"))
                continue
        if where is None:
            pass
        elif where == "unknown":
            e.line = None
        elif where == "above":
            if last_plain is None:
                problems.append((line, m.start() + 1, "expected-* designator @above has no line above it"))
                continue
            e.line = last_plain
        elif where == "below":
            pending_below.append(e)
        else:
            e.line = line + int(where)
            if not first_line <= e.line < first_line + len(lines):
                problems.append((line, m.start() + 1,
                                 f"expected-{sev}@{where} points to line {e.line}, outside the input"))
                continue
        expected.append(e)
    for e in pending_below:
        problems.append((e.anno_line, e.anno_col, "expected-* designator @below has no line below it"))
        expected.remove(e)
    return expected, [Diag("error", msg, None, ln, col) for ln, col, msg in problems]


def verify(expected: list[Expected], diags: Iterable[Diag], filename: str) -> list[Diag]:
    """MLIR's verifier: the errors to report (empty when everything matched)."""
    failures: list[Diag] = []
    for d in (f for top in diags for f in top.flat()):
        line = d.line if d.file == filename else None
        if d.file is not None and d.file != filename:
            failures.append(Diag("error", f"unexpected {d.severity}: {d.message}", d.file, d.line, d.col))
            continue
        near = None
        for e in expected:
            if e.line == line and e.matches(d.message):
                if e.severity == d.severity:
                    e.matched = True
                    break
                near = e
        else:
            if near is not None:
                failures.append(Diag("error", f"'{d.severity}' diagnostic emitted when expecting a "
                                              f"'{near.severity}'", d.file, d.line, d.col, loc_text=d.loc_text))
            else:
                failures.append(Diag("error", f"unexpected {d.severity}: {d.message}", d.file, d.line, d.col,
                                     loc_text=d.loc_text))
    for e in expected:
        if not e.matched:
            kind = f"{e.severity}-re" if e.is_regex else e.severity
            failures.append(Diag("error", f'expected {kind} "{e.pattern}" was not produced', filename,
                                 e.anno_line, e.anno_col))
    return failures
