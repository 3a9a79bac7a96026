"""`check-lowered-to-llvm`: the guard before translation to LLVM IR, as the last stage of graph-to-llvm.

The translator crashes the process on any op that is not in the LLVM dialect, and MCJIT aborts on
an unresolvable symbol, so `check_lowered` turns both into a LoweringError naming each culprit at
its location; passes/translate.py runs it again before every translation.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass

import mlir.ir as ir

from symgrad.runtime.abi import EXTERNALS

from .foreign_llvm import LoweringError
from .module_pass import ModulePass, PassError


def _process_has_symbol(name: str) -> bool:
    try:
        return bool(getattr(ctypes.CDLL(None), name))
    except AttributeError:
        return False


_libm = None


def _resolvable(name: str) -> bool:
    global _libm
    if name in EXTERNALS or _process_has_symbol(name):
        return True
    if _libm is None:
        _libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    return hasattr(_libm, name)


def check_lowered(module_op: ir.Operation) -> None:
    """Raises LoweringError naming every op not in the LLVM dialect (with its location) and every
    external function the process cannot resolve. Call before `translate_module_to_llvmir`."""
    leftover: dict[str, ir.Location] = {}
    externals: dict[str, ir.Location] = {}

    def visit(op):
        name = op.name
        if name == "builtin.module":
            return ir.WalkResult.ADVANCE
        if not name.startswith("llvm."):
            leftover.setdefault(name, op.location)
            return ir.WalkResult.SKIP
        if name == "llvm.func" and len(op.regions[0].blocks) == 0:
            externals.setdefault(ir.StringAttr(op.attributes["sym_name"]).value, op.location)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    diags = [(loc, f"'{name}' was not lowered to the LLVM dialect") for name, loc in leftover.items()]
    diags += [(loc, f"external function '{name}' cannot be resolved in this process (lowered code may call only "
                    f"libc/libm functions; MLIR's runtime libraries are not available)")
              for name, loc in externals.items() if not _resolvable(name)]
    if diags:
        raise LoweringError(diags)


@dataclass(frozen=True)
class CheckLoweredToLLVM(ModulePass):
    name = "check-lowered-to-llvm"
    summary = ("fail, naming each op and its location, unless the module is all LLVM dialect and its external "
               "functions resolve in this process (the guard before translation to LLVM IR)")

    def apply(self, module_op: ir.Operation) -> None:
        try:
            check_lowered(module_op)
        except LoweringError as e:
            raise PassError(e.diagnostics) from None
