"""fork() while another thread holds one of symgrad's locks: the child still compiles and runs
(symgrad.runtime.forksafe re-initializes every lock symgrad keeps). The scenarios run in a subprocess,
which forks; a child that blocks is killed after a timeout and reported."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import os, sys, threading, time
    import numpy as np
    import symgrad as sg
    from symgrad.runtime import forksafe
    jit, cache, pool = (sys.modules[m] for m in ("symgrad.codegen", "symgrad.cache", "symgrad.runtime.pool"))
    from symgrad.runtime import llvm, object_cache
    from symgrad.runtime import threads, blas
    from symgrad import api as transforms
    from symgrad.dialects.graph import irdl

    mode = sys.argv[1]
    x = np.linspace(-1, 1, 64 * 64, dtype=np.float32).reshape(64, 64)

    def compile_and_run(c):
        cm = sg.compile(sg.trace(lambda a: sg.softmax(sg.tanh(a) * c, axis=-1), x))
        y = cm.f(x) if "f" in cm else cm[cm.functions[0]](x)
        t = np.tanh(x) * c
        want = np.exp(t - t.max(-1, keepdims=True)); want /= want.sum(-1, keepdims=True)
        assert np.allclose(y, want, rtol=1e-5, atol=1e-6)
        g = sg.value_and_grad(lambda a: (sg.tanh(a) * c).sum())(x)
        assert np.allclose(g[1], (1 - np.tanh(x) ** 2) * c, rtol=1e-5, atol=1e-6)

    compile_and_run(1.0)                                   # imports, pool, runtime, blas
    vg = sg.value_and_grad(lambda a: (a * 2.0).sum())
    vg(x)
    named = {"jit._compile_lock": jit._compile_lock, "llvm._lock": llvm._lock, "cache._lock": cache._lock,
             "object_cache._lock": object_cache._lock,
             "pool._lock": pool._lock, "threads._lock": threads._lock, "threads._quiesce_lock": threads._quiesce_lock,
             "blas._register_lock": blas._register_lock, "irdl._lock": irdl._lock,
             "transforms._vjp_lock": transforms._vjp_lock, "a transform's _lock": vg._lock}
    held, release = threading.Event(), threading.Event()

    def hold():
        locks = list(named.values()) if mode == "named" else list(forksafe._locks)
        for lock in locks:
            lock.acquire()
        held.set()
        release.wait()
        for lock in reversed(locks):
            lock.release()

    assert forksafe.registered() >= len(named)
    t = threading.Thread(target=hold, daemon=True)
    t.start()
    held.wait()
    assert jit._compile_lock.acquire(blocking=False) is False   # the other thread holds it
    pid = os.fork()
    if pid == 0:
        try:
            compile_and_run(2.0)                           # a new kernel: compile lock, cache, pool, ...
            vg(x + 1)                                      # a new signature of the held transform
            os._exit(0)
        except BaseException as e:
            print("child:", type(e).__name__, e, file=sys.stderr)
            os._exit(3)
    deadline = time.time() + 120
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, 9); os.waitpid(pid, 0)
            sys.exit("the child blocked on a lock the parent's other thread held at fork time")
        time.sleep(0.05)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    release.set(); t.join()
    compile_and_run(3.0)                                   # the parent's locks were not disturbed
    print("ok")
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
@pytest.mark.parametrize("mode", ["named", "all"])
def test_fork_while_another_thread_holds_symgrads_locks(mode, tmp_path):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path), SYMGRAD_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=400, env=env)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stdout[-2000:] + out.stderr[-3000:]


def test_forksafe_locks_are_real_locks_reset_in_the_child():
    from symgrad.runtime import forksafe
    lock, rlock = forksafe.Lock(), forksafe.RLock()
    lock.acquire()
    rlock.acquire()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        ok = lock.acquire(timeout=5) and rlock.acquire(timeout=5)
        os.write(w, b"1" if ok else b"0")
        os._exit(0)
    os.close(w)
    got = os.read(r, 1)
    os.close(r)
    os.waitpid(pid, 0)
    assert got == b"1"
    assert lock.locked() and not lock.acquire(blocking=False)  # the parent's stay held
    lock.release()
    rlock.release()
