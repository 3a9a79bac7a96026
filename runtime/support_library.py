"""Support code symgrad writes in LLVM IR (the async runtime, the caching pool): the compiled library
object they share, and the one step that binds what kernels call for llvmlite's JIT linker.

A `SupportLibrary` is compiled (or loaded from the disk cache) by `symgrad.support.load`, keeps
its engine for the whole process (pool threads may still run its code when the interpreter exits,
so it is never freed), looks its entry points up once and checks none is missing, and binds its
exported names (the ones generated code calls) for the JIT on `bind()`.

`bind_support_symbols(object_code, owner)` is the step `CompiledModule` runs before loading object
code: numpy's BLAS, the caching pool and the async runtime, each bound once per process (the runtime
only for code that calls it; `owner`'s collection then quiesces it first).
"""
from __future__ import annotations

import ctypes
from typing import Iterable


class SupportLibrary:
    """One compiled support module: `addresses[name]` for its exported names and entry points."""

    def __init__(self, name: str, llvm_ir: str, exported: Iterable[str], entry_points: Iterable[str] = (), *,
                 opt_level: int = 0, optimize: bool = False, host: bool = True):
        from symgrad.support import load
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
        import llvmlite.binding as llvm
        for name in self.exported:
            llvm.add_symbol(name, self.addresses[name])
        self.bound = True


def bind_support_symbols(object_code: bytes, owner=None) -> None:
    """Binds every support symbol `object_code` may call, before it is loaded: symgrad_cblas_* (numpy's
    BLAS), _mlir_memref_to_llvm_* (the caching pool), mlirAsyncRuntime* (the async runtime, compiled
    on first use, only if the code calls it). `owner` is the object whose collection frees the code."""
    from . import blas, pool, threads
    blas.register_with_jit()
    pool.register_with_jit()
    threads.register_with_jit(object_code, owner)
