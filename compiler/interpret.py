"""`sg.interpret`: the reference interpreter, the numeric oracle of every later stage.

It walks a function's ops in order and runs each registry entry's numpy
reference, checking every result against the op's declared type so that a
wrong shape rule or reference shows up here rather than in native code.
"""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import func as func_d

from symgrad.dialects.graph.compilable import call_cycles
from symgrad.dialects.graph.registry import ResultCountError, lookup
from symgrad.dialects.graph.types import TensorType
from symgrad.dialects.graph.verifier import op_attributes

from .module import Module, format_location


class InterpreterError(RuntimeError):
    """An op the interpreter cannot run, or a reference that broke its op's type."""


def check_arguments(fname: str, types: list[TensorType], arrays) -> list[np.ndarray]:
    """Exact dtype and shape checks, in the same words the native runtime uses."""
    if len(arrays) != len(types):
        raise TypeError(f"@{fname} takes {len(types)} arguments, got {len(arrays)}")
    out = []
    for i, (t, a) in enumerate(zip(types, arrays)):
        if not isinstance(a, (np.ndarray, np.generic)):
            raise TypeError(f"@{fname} argument {i}: expected a numpy array of type {t}, got {type(a).__name__}")
        a = np.asarray(a)
        if a.dtype != t.np_dtype:
            raise TypeError(f"@{fname} argument {i}: expected dtype {t.np_dtype} ({t}), got {a.dtype}")
        if a.shape != t.shape:
            raise ValueError(f"@{fname} argument {i}: expected shape {t.shape} ({t}), got {a.shape}")
        out.append(a)
    return out


def _run(module: Module, fop: func_d.FuncOp, arrays) -> tuple:
    fname = fop.sym_name.value
    block = fop.entry_block
    types = [TensorType.from_mlir(t) for t in fop.type.inputs]
    env = dict(zip(block.arguments, check_arguments(fname, types, arrays)))
    for op in block.operations:
        op = op.operation
        if op.name == "func.return":
            return tuple(env[v] for v in op.operands)
        inputs = [env[v] for v in op.operands]
        if op.name == "func.call":
            callee = module.function(ir.FlatSymbolRefAttr(op.attributes["callee"]).value)
            results = _run(module, callee, inputs)
        else:
            opdef = lookup(op.name)
            if opdef is None:
                raise InterpreterError(f"{format_location(op.location)}: cannot interpret '{op.name}' "
                                       f"(only graph ops, func.call and func.return)")
            with np.errstate(all="ignore"):  # NaN and inf propagate as in numpy, silently
                try:
                    results = tuple(np.asarray(r) for r in opdef.run_ref(*inputs, **op_attributes(op, opdef)))
                except ResultCountError as e:
                    raise InterpreterError(f"{format_location(op.location)}: {e}") from None
        for value, r in zip(op.results, results):
            t = TensorType.from_mlir(value.type)
            if r.shape != t.shape or r.dtype != t.np_dtype:
                raise InterpreterError(f"{format_location(op.location)}: the reference of '{op.name}' returned "
                                       f"{r.dtype}{list(r.shape)} but the op's type is {t}")
            env[value] = r
    raise InterpreterError(f"@{fname} has no func.return")


def interpret(module: Module, func_name: str | None = None, *arrays, vjps=None) -> tuple:
    """Runs `func_name` (the only function if None) on numpy arrays; returns a tuple of arrays.

    Given a `Gradient` instead of a module, runs the seed's protocol with the
    interpreter: `interpret(gradient, *inputs, vjps=[...])` returns
    (real outputs, gradients), one gradient per entry of df_output_vjps.
    """
    if hasattr(module, "forward") and hasattr(module, "backward"):
        inputs = (func_name,) + arrays if func_name is not None else arrays
        outputs, saved = module.forward(*inputs)
        return outputs, module.backward(saved, *(vjps or ()))
    if func_name is not None and not isinstance(func_name, str):  # sg.interpret(m, x): a common slip
        raise TypeError(f"func_name must be a function name or None, got {type(func_name).__name__}; "
                        f"run the only function with sg.interpret(module, None, *arrays)")
    with module.context:
        cycles = call_cycles(module.mlir.operation)
        if cycles:
            raise InterpreterError(f"{format_location(cycles[0].location)}: {cycles[0].message}")
        return _run(module, module.function(func_name), arrays)
