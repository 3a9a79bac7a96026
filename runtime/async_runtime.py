"""MLIR's async runtime API, implemented in LLVM IR (compiled once per process by llvmlite).

Kernels whose parallel loops went through upstream's `async-parallel-for` and
`convert-async-to-llvm` call the C functions `mlirAsyncRuntime*` (tokens,
groups, values, reference counts, `Execute`, `Await*`). MLIR's own
implementation (`libmlir_async_runtime.so`) is not shipped with the Python
bindings and there may be no C compiler, so the same API is written here in
LLVM IR, on libc's pthreads, and `symgrad.runtime.threads` compiles it and
binds the names for the JIT. The semantics follow the API's contract:

- every object starts with an i64 reference count; `DropRef` frees it at zero.
  Tokens and values start at 2 (one reference for the caller, one dropped when
  the task emplaces them), groups at 1;
- a group is created with the number of tokens it will hold; it is ready when
  that many added tokens are ready (an errored token counts as an error);
- `Execute` queues a coroutine resume for the pool; `Await*AndExecute`
  resumes the coroutine in the thread that makes the awaited object ready (at
  once if it is ready already);
- the blocking `Await*` (called by the kernel's own thread) runs queued tasks
  while it waits, so the calling thread is one of the `N` threads that
  `mlirAsyncRuntimGetNumWorkerThreads` reports, the pool holds N-1 workers,
  and no task can wait on a queue that nobody serves (a pool that could not
  start a thread still finishes everything).

One process-wide mutex guards the queue and the object states (a parallel
loop makes a few dozen tasks: contention is not the cost); reference counts are
atomic. Idle workers and blocked awaits sleep on separate condition variables
(after a short spin), so a queued task wakes one worker, and an object made
ready wakes only the threads awaiting. Out of memory: a task node that cannot
be allocated runs inline in the calling thread; any other allocation the
runtime cannot do without (an object, a waiter) prints "symgrad: out of memory
in the thread runtime" and aborts, never writes through NULL. Workers are detached pthreads started lazily, on
the first `Execute` that finds fewer than N-1; they live as long as the
process. After `fork()` the child has none of them: `symgrad_rt_init` is
called again in the child (os.register_at_fork), which drops the queue and
takes a new mutex, so the child starts its own workers when it needs them.

Extra entry points for symgrad: `symgrad_rt_init(n)`, `symgrad_rt_set_threads(n)`,
`symgrad_rt_workers()` (workers started), `symgrad_rt_tasks()` (tasks
queued since start: tests use it to see that small kernels stay sequential) and
`symgrad_rt_worker_tasks()` (how many of them pool workers ran).
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
