"""The async runtime's own guarantees (runtime/async_runtime.py, runtime/threads.py), checked on its
LLVM IR directly: out of memory never writes through NULL (a task runs inline; anything else is a
message and abort()), a task is counted for quiesce under the queue's lock, and quiesce may be
re-entered from a garbage collection in the thread that holds its lock."""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from symgrad.runtime import async_runtime, threads
from symgrad.runtime import llvm as rt_llvm
from symgrad.runtime.support_library import SupportLibrary

# Every allocation of the runtime goes through these, so a test can make them fail.
_HOOKS = """
@fail_malloc = global i64 0
@fail_calloc = global i64 0
define ptr @hooked_malloc(i64 %n) {
  %f = load i64, ptr @fail_malloc
  %no = icmp ne i64 %f, 0
  br i1 %no, label %null, label %ok
null:
  ret ptr null
ok:
  %p = call ptr @malloc(i64 %n)
  ret ptr %p
}
define ptr @hooked_calloc(i64 %a, i64 %b) {
  %f = load i64, ptr @fail_calloc
  %no = icmp ne i64 %f, 0
  br i1 %no, label %null, label %ok
null:
  ret ptr null
ok:
  %p = call ptr @calloc(i64 %a, i64 %b)
  ret ptr %p
}
define void @set_fail(i64 %m, i64 %c) {
  store i64 %m, ptr @fail_malloc
  store i64 %c, ptr @fail_calloc
  ret void
}
"""


def hooked_ir() -> str:
    text = async_runtime.ir_text()
    assert text.count("call ptr @malloc(") >= 3 and text.count("call ptr @calloc(") >= 2
    return (text.replace("call ptr @malloc(", "call ptr @hooked_malloc(")
            .replace("call ptr @calloc(", "call ptr @hooked_calloc(") + _HOOKS)


class Hooked:
    """The runtime compiled with failing-allocation hooks, in an engine of its own (not bound for
    kernels: the process's runtime is untouched)."""

    def __init__(self):
        import llvmlite.binding as llvm
        rt_llvm.binding()
        self.tm = rt_llvm.host_target_machine(0)
        mod = llvm.parse_assembly(hooked_ir())
        mod.verify()
        self.engine = llvm.create_mcjit_compiler(mod, self.tm)
        self.engine.finalize_object()
        fn = self.engine.get_function_address
        ctypes.CFUNCTYPE(None, ctypes.c_int64)(fn("symgrad_rt_init"))(2)
        self.set_fail = ctypes.CFUNCTYPE(None, ctypes.c_int64, ctypes.c_int64)(fn("set_fail"))
        self.tasks = ctypes.CFUNCTYPE(ctypes.c_int64)(fn("symgrad_rt_tasks"))
        self.execute = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(fn("mlirAsyncRuntimeExecute"))
        self.create_token = ctypes.CFUNCTYPE(ctypes.c_void_p)(fn("mlirAsyncRuntimeCreateToken"))


def test_a_task_without_memory_runs_inline():
    rt = Hooked()
    ran = []
    resume = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda handle: ran.append((handle, threading.get_ident())))
    rt.set_fail(1, 0)
    try:
        rt.execute(ctypes.c_void_p(1234), ctypes.cast(resume, ctypes.c_void_p))
    finally:
        rt.set_fail(0, 0)
    # resumed before Execute returned, in this thread, never queued
    assert ran == [(1234, threading.get_ident())] and rt.tasks() == 0


@pytest.mark.parametrize("what", ["token", "waiter"])
def test_out_of_memory_is_a_message_and_abort(what, tmp_path):
    script = textwrap.dedent(f"""
        import ctypes, sys
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_async_runtime import Hooked
        rt = Hooked()
        if {what!r} == "token":
            rt.set_fail(0, 1)
            rt.create_token()
        else:  # a coroutine waiting on a token that is not ready: its waiter node
            t = rt.create_token()
            fn = rt.engine.get_function_address
            await_exec = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(
                fn("mlirAsyncRuntimeAwaitTokenAndExecute"))
            rt.set_fail(1, 0)
            await_exec(t, None, None)
        print("returned")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGABRT, (proc.returncode, proc.stdout, proc.stderr)
    assert "symgrad: out of memory in the thread runtime" in proc.stderr
    assert "returned" not in proc.stdout


def test_tasks_are_counted_for_quiesce_under_the_lock():
    """A task is counted inside kernel code (@enter) after pop() and before the lock is released, in
    both places that run tasks: a quiesce flips the epoch under the same lock, so it cannot fall
    between taking the epoch and counting the task (which would let it free code a task runs)."""
    import llvmlite.binding as llvm
    mod = llvm.parse_assembly(async_runtime.ir_text())
    for name in ("worker", "await"):
        text = str(mod.get_function(name))
        calls = [line.split("@")[1].split("(")[0] for line in text.splitlines()
                 if "call " in line and "@" in line]
        i = calls.index("pop")
        assert calls[i + 1:i + 3] == ["enter", "unlock"], (name, calls)
    run_task = str(mod.get_function("run_task"))
    assert "@epoch" not in run_task  # it only decrements the counter it is given


def test_quiesce_can_be_reentered_from_a_collection_in_the_same_thread():
    rt = threads.runtime()
    done = threading.Event()

    def nested():
        with threads._quiesce_lock:  # as if a GC ran a finalizer while this thread held the lock
            threads._quiesce(rt)
        done.set()
    t = threading.Thread(target=nested, daemon=True)
    t.start()
    t.join(timeout=60)
    assert done.is_set(), "quiesce deadlocked when re-entered in the thread holding its lock"


def test_support_library_checks_its_entry_points():
    ir_text = "define i64 @symgrad_test_seven() {\n  ret i64 7\n}\n"
    lib = SupportLibrary("test-seven", ir_text, (), ("symgrad_test_seven",))
    assert lib.function("symgrad_test_seven", ctypes.c_int64)() == 7
    lib.bind()
    lib.bind()  # idempotent
    with pytest.raises(RuntimeError, match="lacks.*symgrad_test_missing"):
        SupportLibrary("test-seven", ir_text, (), ("symgrad_test_seven", "symgrad_test_missing"))
    rt = threads.runtime()
    assert rt.library.bound and set(async_runtime.API) <= set(rt.library.exported)
