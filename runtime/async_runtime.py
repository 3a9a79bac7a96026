"""MLIR's async runtime API (`mlirAsyncRuntime*`), implemented in LLVM IR on pthreads.

Kernels whose parallel loops went through upstream's `async-parallel-for` and `convert-async-to-llvm`
call this API. MLIR's own library is not shipped with the Python bindings and there may be no C
compiler, so symgrad writes it in LLVM IR (runtime/native/async_runtime.ll); runtime/threads.py
compiles it and binds the names for the JIT. The calling thread works while it awaits, and the
pool holds N-1 workers. Semantics, locking, out of memory, fork: docs/design/runtime-async.md.
"""
from __future__ import annotations

import platform
import time

from . import abi as _abi
from . import native_ir as _native_ir

#: The API functions kernels may call (runtime/abi.py).
API = _abi.ASYNC_API

#: How long an idle thread spins before it sleeps.
SPIN_NS = 30_000


def ir_text() -> str:
    """The runtime's LLVM IR (runtime/native/async_runtime.ll) for this platform: the clock id of
    CLOCK_MONOTONIC, and a spin-loop hint (x86 `pause`, which leaves the core's other hardware thread
    its share) where there is one."""
    x86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "i386")
    return _native_ir.load("async_runtime", clock_id=int(time.CLOCK_MONOTONIC), spin_ns=SPIN_NS,
                           pause_decl="declare void @llvm.x86.sse2.pause()" if x86 else "",
                           pause="call void @llvm.x86.sse2.pause()" if x86 else "; (no spin-loop hint on this CPU)")
