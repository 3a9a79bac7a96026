"""Support code symgrad writes in LLVM IR (the caching pool, the async runtime): compiled once per
machine, loaded once per process and kept for its whole life.

Compiling such a module costs 15-150 ms (the async runtime runs LLVM's O2 pipeline), which a
process that finds its kernels in the disk cache would otherwise pay on every start, so `load`
keeps the object code in the disk cache (`support/`; checksummed, corruption reported and
recompiled). Its key is the IR text, what it is, the options, llvmlite and the target only: not
symgrad's lowering rules or MLIR, so editing those does not recompile the support code.

A `SupportLibrary` keeps its engine for the whole process (pool threads may still run its code
when the interpreter exits, so it is never freed), looks its entry points up once and checks
none is missing, and binds its exported names (the ones generated code calls) for the JIT on
`bind()`. What kernels call is bound by runtime/binding.py.
"""
from __future__ import annotations

import ctypes
from typing import Iterable

from . import llvm as _llvm
from . import object_cache as _disk


def support_key(llvm_ir: str, name: str, options: tuple, host: bool) -> str:
    """The disk-cache key of support code: the LLVM IR text, what it is, the options and LLVM and
    the target (`llvm_fingerprint`) only."""
    return _disk.digest("support", name, _llvm.llvm_fingerprint(host), repr(options), llvm_ir)


def load(name: str, llvm_ir: str, opt_level: int = 0, optimize: bool = False, host: bool = True):
    """(engine, target machine) with `llvm_ir` compiled and loaded; keep both alive as long as the
    code runs. `optimize` runs LLVM's pipeline at `opt_level` before code generation; `host`
    targets this CPU's name and features (else the triple's generic CPU). Raises RuntimeError
    when llvmlite rejects the IR or cannot load the code."""
    tm = _llvm.host_target_machine(opt_level) if host else _llvm.generic_target_machine(opt_level)
    key = support_key(llvm_ir, name, (int(opt_level), bool(optimize)), bool(host))
    obj = _disk.load(_disk.SUPPORT, key)
    if obj is None:
        mod = _llvm.parse(llvm_ir, tm)
        if optimize:
            _llvm.optimize(mod, tm, opt_level)
        obj = tm.emit_object(mod)
        _disk.store(_disk.SUPPORT, key, obj)
    return _llvm.load_object(tm, obj), tm


class SupportLibrary:
    """One compiled support module: `addresses[name]` for its exported names and entry points."""

    def __init__(self, name: str, llvm_ir: str, exported: Iterable[str], entry_points: Iterable[str] = (), *,
                 opt_level: int = 0, optimize: bool = False, host: bool = True):
        self.name = name
        self.engine, self.target_machine = load(name, llvm_ir, opt_level=opt_level, optimize=optimize, host=host)
        for obj in (self.engine, self.target_machine):  # never freed (see the module docstring)
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
        self.exported = tuple(exported)
        self.addresses = {n: self.engine.get_function_address(n) for n in (*self.exported, *entry_points)}
        missing = [n for n, a in self.addresses.items() if not a]
        if missing:
            raise RuntimeError(f"symgrad's {name} support code lacks {missing}")
        self.bound = False

    def function(self, name: str, restype, *argtypes):
        """A ctypes function for entry point `name`."""
        return ctypes.CFUNCTYPE(restype, *argtypes)(self.addresses[name])

    def bind(self) -> None:
        """Binds the exported names for llvmlite's JIT linker (idempotent; callers serialize)."""
        if self.bound:
            return
        llvm = _llvm.binding()
        for name in self.exported:
            llvm.add_symbol(name, self.addresses[name])
        self.bound = True
