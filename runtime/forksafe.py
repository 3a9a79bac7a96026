"""Locks that a `fork()` child gets back unlocked.

A lock another thread held at fork() would stay held forever in the child, whose first compile
(cache lookup, pool allocation, ...) would then block for good. Every lock symgrad keeps is made
here (`forksafe.Lock()`, `forksafe.RLock()`: real threading locks) and all live ones are
re-initialized, unlocked, in the child by one os.register_at_fork hook. Locks inside LLVM and MLIR
cannot be reset: fork with no compile in flight. Design: docs/design/runtime-threads.md.
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
