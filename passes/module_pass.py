"""How a symgrad pass is declared: one frozen dataclass per pass, its options as typed fields.

A pass subclasses `ModulePass` (the shape of xDSL's ModulePass): the class carries the pass's
`name` and one-line `summary`, each field is an option with its type (int, bool, str, or
`Literal[...]` for a fixed set of choices), its default and a one-line help (`option(...)`), and
`apply(module_op)` edits the module in place, raising `PassError` with located diagnostics when
it cannot proceed. `--list-passes`, the pass flags of symgrad-opt, option parsing from pipeline
text (`tile-rows{chunks=8}`) and the errors for bad options are all derived from the class, so a
pass is declared in one place. The list of all passes is `symgrad.passes.ALL_PASSES`.
"""
from __future__ import annotations

import dataclasses
import sys
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, Literal, Optional

import mlir.ir as ir


class PassError(Exception):
    """A pass found problems; `diagnostics` are (ir.Location, message) pairs."""

    def __init__(self, diagnostics):
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(m for _, m in self.diagnostics))


class OptionError(ValueError):
    """Option text that does not fit a pass's declaration; the message names the pass and option."""


def option(default: Any, help: str, *, at_least: Optional[int] = None):
    """A pass option: a dataclass field with its default, a one-line help and (ints) a lower bound."""
    return dataclasses.field(default=default, metadata={"help": help, "at_least": at_least})


_TRUE, _FALSE = ("true", "1"), ("false", "0")


@dataclass(frozen=True)
class OptionInfo:
    """One option of a pass, as pipelines spell it (`min-work`) and as its class declares it."""
    name: str
    field: str
    kind: Any  # int, bool, str, or a tuple of the valid strings
    default: Any
    help: str
    at_least: Optional[int] = None

    @property
    def placeholder(self) -> str:
        """What --list-passes shows after `name=`."""
        if isinstance(self.kind, tuple):
            return "|".join(self.kind)
        return {int: "int", bool: "bool", str: "string"}[self.kind]

    def expected(self) -> str:
        if isinstance(self.kind, tuple):
            return "one of " + ", ".join(self.kind)
        if self.kind is int:
            return "an integer" + (f" >= {self.at_least}" if self.at_least is not None else "")
        return "true or false" if self.kind is bool else "a string"

    def parse(self, pass_name: str, text: Optional[str]):
        """The value of `name=text` (text None: the bare `name`, which only a bool option allows)."""
        if text is None and self.kind is not bool:
            raise OptionError(f"pass '{pass_name}': option '{self.name}' needs a value ({self.expected()}): "
                              f"write {self.name}=<{self.placeholder}>")
        value = self._convert(text)
        if value is None:
            raise OptionError(f"pass '{pass_name}': option '{self.name}' expects {self.expected()}, got '{text}'")
        return value

    def _convert(self, text: Optional[str]):
        if self.kind is bool:
            t = "true" if text is None else text.lower()
            return True if t in _TRUE else False if t in _FALSE else None
        if self.kind is int:
            try:
                value = int(text, 10)
            except ValueError:
                return None
            return None if self.at_least is not None and value < self.at_least else value
        if isinstance(self.kind, tuple):
            return text if text in self.kind else None
        return text


def _kind(annotation) -> Any:
    if annotation in (int, bool, str):
        return annotation
    if typing.get_origin(annotation) is Literal:
        return tuple(typing.get_args(annotation))
    raise TypeError(f"a pass option must be int, bool, str or Literal[...], not {annotation!r}")


@dataclass(frozen=True)
class ModulePass:
    """Base of symgrad's passes (see the module docstring). Instances are option values."""
    name: ClassVar[str]
    summary: ClassVar[str]

    def apply(self, module_op: ir.Operation) -> None:
        raise NotImplementedError(f"pass '{self.name}' does not define apply()")

    @classmethod
    def options(cls) -> tuple[OptionInfo, ...]:
        return _options(cls)

    @classmethod
    def from_options(cls, text: str = "") -> "ModulePass":
        """The pass configured by MLIR's option text, `key=value key2=value2` (bare `key`: a true bool)."""
        by_name = {o.name: o for o in cls.options()}
        values = {}
        for item in text.split():
            key, eq, value = item.partition("=")
            info = by_name.get(key)
            if info is None:
                known = ", ".join(by_name) or "none"
                raise OptionError(f"pass '{cls.name}' has no option '{key}' (options: {known})")
            values[info.field] = info.parse(cls.name, value if eq else None)
        return cls(**values)

    @classmethod
    def check(cls, option_name: str, value) -> None:
        """Raises OptionError unless `value` is valid for the option (for callers that pass Python values)."""
        info = next(o for o in cls.options() if o.name == option_name)
        if info.parse(cls.name, str(value)) != value:
            raise OptionError(f"pass '{cls.name}': option '{info.name}' expects {info.expected()}, got {value!r}")


@lru_cache(maxsize=None)
def _options(cls) -> tuple[OptionInfo, ...]:
    return tuple(OptionInfo(f.name.replace("_", "-"), f.name, _kind(_field_type(cls, f)), f.default,
                            f.metadata.get("help", ""), f.metadata.get("at_least"))
                 for f in dataclasses.fields(cls))


def _field_type(cls, f: dataclasses.Field):
    """A field's annotation, evaluated in the namespace of the module that declares the class
    (typing.get_type_hints evaluates every annotation of the class and its bases: 15 ms at the
    first compile of a process for the passes of graph-to-llvm)."""
    if not isinstance(f.type, str):
        return f.type
    owner = next(c for c in cls.__mro__ if f.name in c.__dict__.get("__annotations__", {}))
    return eval(f.type, vars(sys.modules[owner.__module__]))  # noqa: S307 (our own annotations)


@dataclass(frozen=True)
class NamedPipeline(ModulePass):
    """A name for a pipeline of passes: pipelines expand it in place (`expansion()`), never run it."""
    pipeline: ClassVar[str]

    def expansion(self) -> str:
        return self.pipeline


def as_mlir_pass(pass_: ModulePass, verify: bool = False):
    """A callable for `PassManager.add`: diagnostics become MLIR errors at their locations.
    With `verify` (for a pass manager that does not verify after each pass), the module is
    verified after the pass: IR that one of ours got wrong is an error naming the pass, never
    the input of the next pass (which may assert on it)."""
    def run(op, mlir_pass):
        try:
            pass_.apply(op)
        except PassError as e:
            for loc, msg in e.diagnostics:
                loc.emit_error(msg)
            mlir_pass.signal_pass_failure()
            return
        if verify:
            try:
                op.verify()
            except ir.MLIRError as e:
                for loc, msg in [(d.location, d.message) for d in e.error_diagnostics] or [(op.location, str(e))]:
                    loc.emit_error(f"symgrad pass '{pass_.name}' produced invalid IR (a bug in the pass): {msg}")
                mlir_pass.signal_pass_failure()
    run.__name__ = pass_.name.replace("-", "_")
    return run
