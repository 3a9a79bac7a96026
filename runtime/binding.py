"""The one step before a kernel's object code is loaded: binding, for llvmlite's JIT linker, every
support symbol it may call."""
from __future__ import annotations

from . import blas, pool, threads


def bind_support_symbols(object_code: bytes, owner=None) -> None:
    """Binds every support symbol `object_code` may call, before it is loaded: symgrad_cblas_* (numpy's
    BLAS), _mlir_memref_to_llvm_* (the caching pool), mlirAsyncRuntime* (the async runtime, compiled
    on first use, only if the code calls it). `owner` is the object whose collection frees the code
    (the async runtime is then quiesced first)."""
    blas.register_with_jit()
    pool.register_with_jit()
    threads.register_with_jit(object_code, owner)
