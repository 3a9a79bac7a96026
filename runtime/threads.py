"""Threads for compiled kernels: the setting, and the async runtime kernels call.

SYMGRAD_NUM_THREADS (or `set_num_threads`) picks the pipeline a kernel is compiled with: 1 is
sequential code, N > 1 splits big parallel loops into tasks that N threads run (the caller and
N-1 workers) on the async runtime of async_runtime.py, compiled here once per process and bound
for the JIT before any kernel that calls it is loaded. Results are the same bits for any N; a
fork() child gets a fresh runtime. Design: docs/design/runtime-threads.md.
"""
from __future__ import annotations

import ctypes
import os
import weakref
from typing import Optional

from . import forksafe as _forksafe
from .async_runtime import API, ir_text
from .support_library import SupportLibrary

ENV = "SYMGRAD_NUM_THREADS"
#: Beyond this a value is taken for a mistake (each worker holds a stack).
MAX_THREADS = 1024


def default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parse_threads(text: Optional[str]) -> int:
    """The thread count a SYMGRAD_NUM_THREADS value asks for (None or blank: the default).
    Raises ValueError naming the variable for anything but an integer in 1..MAX_THREADS."""
    if text is None or not text.strip():
        return default_threads()
    try:
        n = int(text.strip())
    except ValueError:
        raise ValueError(f"{ENV}={text!r} is not an integer (the number of threads kernels use; "
                         f"1 runs them sequentially)") from None
    if not 1 <= n <= MAX_THREADS:
        raise ValueError(f"{ENV}={text!r} is out of range: use 1 to {MAX_THREADS} threads")
    return n


_override: Optional[int] = None


def num_threads() -> int:
    """Threads kernels compiled from now on use: set_num_threads(), else $SYMGRAD_NUM_THREADS,
    else the CPUs this process may run on."""
    if _override is not None:
        return _override
    return parse_threads(os.environ.get(ENV))


def check_threads(n, what: str = "set_num_threads") -> int:
    """`n` if it is an int in 1..MAX_THREADS; else TypeError/ValueError naming `what`."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} expects an int, got {type(n).__name__}")
    if not 1 <= n <= MAX_THREADS:
        raise ValueError(f"{what}={n}: use 1 to {MAX_THREADS} threads")
    return n


def set_num_threads(n: Optional[int]) -> None:
    """Overrides $SYMGRAD_NUM_THREADS for this process (None: back to the variable). Kernels
    compiled before keep their code; parallel ones use the new count from their next call."""
    global _override
    if n is not None:
        check_threads(n)
    _override = n
    rt = _runtime
    if rt is not None:
        rt.set_threads(num_threads())


# ------------------------------------------------------------------ runtime --
class _Runtime:
    """The compiled async runtime (a SupportLibrary: its engine kept for the whole process, since pool
    workers run its code and may still spin in it when the main thread exits) and its entry points."""

    def __init__(self, threads: int):
        # O2 for this CPU; compiled once per machine (~140 ms), its object code kept in the disk cache.
        self.library = SupportLibrary("async-runtime", ir_text(), API, (
            "symgrad_rt_init", "symgrad_rt_set_threads", "symgrad_rt_workers", "symgrad_rt_tasks",
            "symgrad_rt_worker_tasks", "symgrad_rt_quiesce"), opt_level=2, optimize=True)
        fn, i64 = self.library.function, ctypes.c_int64
        self.addresses = self.library.addresses
        self._init = fn("symgrad_rt_init", None, i64)
        self.set_threads = fn("symgrad_rt_set_threads", None, i64)
        self.workers = fn("symgrad_rt_workers", i64)
        self.tasks = fn("symgrad_rt_tasks", i64)
        self.worker_tasks = fn("symgrad_rt_worker_tasks", i64)
        self.quiesce = fn("symgrad_rt_quiesce", None)
        self.threads = fn("mlirAsyncRuntimGetNumWorkerThreads", i64)
        self._init(threads)
        self.library.bind()

    def reset_after_fork(self) -> None:
        # The child has no workers and may have inherited a held mutex: start over (the old
        # mutex, condition variable and queued tasks are the parent's; they are dropped).
        self._init(self.threads())


_runtime: Optional[_Runtime] = None
_lock = _forksafe.Lock()


def _after_fork_in_child() -> None:
    # (_lock and _quiesce_lock are forksafe locks: symgrad.runtime.forksafe has unlocked them already.)
    if _runtime is not None:
        _runtime.reset_after_fork()


def runtime() -> _Runtime:
    """The process's async runtime, compiled and bound for the JIT on first use."""
    global _runtime
    rt = _runtime
    if rt is not None:
        return rt
    with _lock:
        if _runtime is None:
            _runtime = _Runtime(num_threads())
            if hasattr(os, "register_at_fork"):
                os.register_at_fork(after_in_child=_after_fork_in_child)
        return _runtime


#: A byte string every object calling the runtime contains (its symbol table names it).
MARKER = b"mlirAsyncRunt"


def register_with_jit(object_code: bytes, owner=None) -> None:
    """Binds the runtime's names for llvmlite's JIT linker if `object_code` calls them (compiling
    the runtime on first use) and brings its thread count up to date. Call before loading.

    `owner` is the object whose collection frees the code (a CompiledModule): the runtime is then
    quiesced first, so no pool thread is still in the last instructions of one of its tasks."""
    if MARKER not in object_code:
        return
    rt = runtime()
    rt.set_threads(num_threads())
    if owner is not None:
        weakref.finalize(owner, _quiesce, rt)


# Re-entrant: _quiesce runs from weakref finalizers, i.e. from a garbage collection that may start
# in this very thread while it holds the lock (between bytecodes, never inside the native call).
_quiesce_lock = _forksafe.RLock()


def _quiesce(rt: _Runtime) -> None:
    with _quiesce_lock:  # one at a time (see symgrad_rt_quiesce); a nested call runs after, in order
        rt.quiesce()


def stats() -> dict:
    """{'threads': N, 'workers': pool threads started, 'tasks': tasks queued so far, 'worker_tasks':
    how many of those the pool's workers ran (the rest ran in the calling threads)}."""
    rt = runtime()
    return {"threads": rt.threads(), "workers": rt.workers(), "tasks": rt.tasks(), "worker_tasks": rt.worker_tasks()}
