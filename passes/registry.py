"""The table of symgrad's own passes, read by `symgrad-opt`, pipelines and docs.

A pass is a function `run(module_op, **options)` that edits the module in place
and raises `PassError` (carrying located diagnostics) when it cannot proceed.
`as_mlir_pass` adapts it to the bindings' Python-pass protocol so it can run
inside an MLIR PassManager next to upstream passes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import mlir.ir as ir


class PassError(Exception):
    """A pass found problems; `diagnostics` are (ir.Location, message) pairs."""

    def __init__(self, diagnostics):
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(m for _, m in self.diagnostics))


@dataclass
class PassInfo:
    name: str
    summary: str
    run: Callable[..., None]
    options: dict[str, str] = field(default_factory=dict)  # option -> description


PASSES: dict[str, PassInfo] = {}


def register_pass(name: str, summary: str, options: dict[str, str] | None = None):
    def wrap(fn):
        PASSES[name] = PassInfo(name, summary, fn, options or {})
        return fn
    return wrap


def parse_options(info: PassInfo, text: str) -> dict[str, str]:
    """`key=value key2=value2` (MLIR's pass-option syntax) into a dict, checking the keys."""
    opts = {}
    for item in text.split():
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"pass '{info.name}': option '{item}' must be written key=value")
        if key not in info.options:
            known = ", ".join(info.options) or "none"
            raise ValueError(f"pass '{info.name}' has no option '{key}' (options: {known})")
        opts[key] = value
    return opts


def as_mlir_pass(info: PassInfo, options: dict[str, str]):
    """A callable for `PassManager.add`: diagnostics become MLIR errors at their locations."""
    def run(op, pass_):
        try:
            info.run(op, **options)
        except PassError as e:
            for loc, msg in e.diagnostics:
                loc.emit_error(msg)
            pass_.signal_pass_failure()
    run.__name__ = info.name.replace("-", "_")
    return run
