"""Locks that a `fork()` child gets back unlocked.

A forked child has only the thread that called fork(). A lock that another thread of the
parent held at that moment stays held forever in the child, so the child's first compile (or
cache lookup, pool allocation, ...) would block for good. Every lock symgrad keeps, at module
level or in an object, is made here:

    _lock = forksafe.Lock()          # a real threading.Lock / RLock: no cost per acquire
    _compile_lock = forksafe.RLock()

and all of them (the live ones: the registry holds weak references) are re-initialized,
unlocked, in the child by one os.register_at_fork(after_in_child=...) hook, as CPython does for
its own locks. What a lock protected may be half-updated in the child if a thread was in the
middle of it; symgrad's critical sections keep their data consistent at every step that can
block (a dict assignment, a file rename), so the child sees the state before or after.

Not covered: locks inside LLVM and MLIR (llvmlite's and the bindings' C++ state), which cannot
be reset from here. Forking while another thread is compiling is fine for symgrad's own locks,
but if that thread was inside LLVM or MLIR at the moment of the fork, the child may still block
in them: fork with no compile in flight, or use the "spawn"/"forkserver" start methods.
"""
from __future__ import annotations

import os
import threading
import weakref

_locks: "weakref.WeakSet" = weakref.WeakSet()
_registry_lock = threading.Lock()  # guards _locks itself (re-initialized first in the child)


def _register(lock):
    with _registry_lock:
        _locks.add(lock)
    return lock


def Lock() -> "threading.Lock":
    """A threading.Lock that is unlocked again in a fork() child."""
    return _register(threading.Lock())


def RLock() -> "threading.RLock":
    """A threading.RLock that is unlocked (and owned by no one) in a fork() child."""
    return _register(threading.RLock())


def _after_fork_in_child() -> None:
    _registry_lock._at_fork_reinit()
    for lock in list(_locks):
        lock._at_fork_reinit()


def registered() -> int:
    """How many live locks are reset in a fork child (for tests)."""
    with _registry_lock:
        return len(_locks)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
