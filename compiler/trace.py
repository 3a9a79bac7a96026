"""`sg.trace`: runs a Python function on symbolic tensors and records a `graph` function.

Each op gets the location of the user's source line that created it, so
diagnostics and IR dumps point into user code rather than into symgrad.
"""
from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import mlir.ir as ir
from mlir.dialects import func as func_d

from symgrad.dialects.graph.emit import Tensor, use_location_hook
from symgrad.dialects.graph.types import TensorType, dtype_from_numpy

from symgrad.dialects.graph.attrs import REQUIRES_GRAD

from .module import Module, new_context



@dataclass(frozen=True)
class TensorSpec:
    """The shape and dtype of a function argument, when no example array is at hand."""
    shape: tuple
    dtype: object = np.float32

    def tensor_type(self) -> TensorType:
        return TensorType(tuple(int(d) for d in self.shape), dtype_from_numpy(self.dtype))


def spec_of(arg, position: int) -> TensorType:
    try:
        if isinstance(arg, TensorSpec):
            return arg.tensor_type()
        if isinstance(arg, (np.ndarray, np.generic)):
            return TensorType.of_array(np.asarray(arg))
    except TypeError as e:  # an unsupported dtype: say which argument
        raise TypeError(f"argument {position}: {e}") from None
    raise TypeError(f"argument {position}: expected a numpy array or symgrad.TensorSpec, got {type(arg).__name__}")


def _is_internal(frame) -> bool:
    name = frame.f_globals.get("__name__", "")
    return name == "symgrad" or name.startswith("symgrad.")


def user_location() -> ir.Location:
    """The location of the innermost caller outside symgrad (file, line and column)."""
    frame = sys._getframe(1)
    while frame is not None and _is_internal(frame):
        frame = frame.f_back
    if frame is None:  # pragma: no cover - only symgrad frames on the stack
        return ir.Location.unknown()
    line, col = frame.f_lineno, 1
    positions = list(frame.f_code.co_positions())
    index = frame.f_lasti // 2
    if 0 <= index < len(positions):
        start_line, _, start_col, _ = positions[index]
        if start_line is not None and start_col is not None:
            line, col = start_line, start_col + 1
    return ir.Location.file(frame.f_code.co_filename, line, col)


def _definition_location(fn) -> ir.Location:
    try:
        return ir.Location.file(inspect.getsourcefile(fn) or "<unknown>", fn.__code__.co_firstlineno, 1)
    except (TypeError, AttributeError):
        return ir.Location.unknown()


def requires_grad_flags(requires_grad, n: int) -> list[bool]:
    """One bool per argument from True, or a sequence of indices, or a sequence of bools."""
    if requires_grad is None:
        return [False] * n
    if requires_grad is True:
        return [True] * n
    items = list(requires_grad)
    if items and all(isinstance(b, (bool, np.bool_)) for b in items):
        if len(items) != n:
            raise ValueError(f"requires_grad has {len(items)} flags for {n} arguments")
        return [bool(b) for b in items]
    mask = [False] * n
    for i in items:
        if not isinstance(i, (int, np.integer)) or not -n <= i < n:
            raise ValueError(f"requires_grad: {i!r} is not an argument index (the function has {n} arguments)")
        mask[int(i)] = True
    return mask


def set_requires_grad(fop: func_d.FuncOp, mask: Sequence[bool]) -> None:
    """Marks arguments with `{graph.requires_grad}` (and unmarks the others)."""
    dicts = []
    old = fop.arg_attrs if "arg_attrs" in fop.attributes else None
    for i, flag in enumerate(mask):
        entries = {}
        if old is not None:
            d = old[i]
            entries = {n.name: n.attr for n in d}
        entries.pop(REQUIRES_GRAD, None)
        if flag:
            entries[REQUIRES_GRAD] = ir.UnitAttr.get()
        dicts.append(ir.DictAttr.get(entries))
    fop.arg_attrs = ir.ArrayAttr.get(dicts)


#: What a traced module holds: `func.func`/`func.return` and `graph` ops (see new_context).
TRACE_DIALECTS = ("func",)  # the builtin dialect is in every context


def trace(fn, *example_args, requires_grad=None, name: Optional[str] = None, light: bool = False) -> Module:
    """Records `fn` as a `graph` function named after it (or `name`). Names that compiled code
    reserves (`free`, `sinf`, ...: verifier.reserved_symbol) are kept here, for the interpreter and
    the passes; sg.compile rejects them, and sg.jit/sg.grad/sg.vjp trace such functions as @sg_<name>.

    `example_args` are numpy arrays or TensorSpecs and fix the argument types.
    `requires_grad` marks arguments for differentiation: True for all, or a
    sequence of indices or of bools. `light` builds the module in a context
    with only TRACE_DIALECTS loaded (faster to make; see new_context): for
    callers that never build other ops in it (sg.jit, sg.grad, ... work on
    copies).
    """
    types = [spec_of(a, i) for i, a in enumerate(example_args)]
    mask = requires_grad_flags(requires_grad, len(types))
    fname = name or getattr(fn, "__name__", "f")
    if not fname.isidentifier():
        fname = "f"
    ctx = new_context(TRACE_DIALECTS if light else None)
    with ctx, _definition_location(fn):
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            fop = func_d.FuncOp(fname, ([t.to_mlir() for t in types], []))
        block = fop.add_entry_block()
        with ir.InsertionPoint(block), use_location_hook(user_location):
            outputs = fn(*[Tensor(a) for a in block.arguments])
            single = isinstance(outputs, Tensor)
            flat = [outputs] if single else outputs
            if not isinstance(flat, (tuple, list)) or not flat or not all(isinstance(o, Tensor) for o in flat):
                got = type(outputs).__name__ if single or not isinstance(outputs, (tuple, list)) else \
                    "(" + ", ".join(type(o).__name__ for o in outputs) + ")"
                raise TypeError(f"{fname} must return a symbolic tensor or a non-empty tuple of them, got {got} "
                                f"(at {inspect.getsourcefile(fn) if hasattr(fn, '__code__') else fname}:"
                                f"{getattr(getattr(fn, '__code__', None), 'co_firstlineno', '?')})")
            func_d.ReturnOp([o.value for o in flat])  # at the function's definition line
        fop.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get([t.to_mlir() for t in types], [o.value.type for o in flat]))
        if any(mask):
            set_requires_grad(fop, mask)
    result = Module(module, ctx)
    result.meta["single_output"] = single
    return result.verify()
