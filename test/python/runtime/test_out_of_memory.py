"""Running out of memory is a MemoryError before native code runs, never a crash (runtime/kernel.py,
runtime/pool.py, passes/record_temporaries.py): every kernel reserves the heap temporaries its object code
records before the call; in the steady state that reservation allocates nothing; and a NULL that
still happens inside native code aborts with a message instead of being written through."""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np

import symgrad as sg
from symgrad.runtime import pool

MiB = 1 << 20

# The review's repro: value_and_grad of a loss over [1024, 4096] f32 tensors. Its fused kernel has
# 16 MiB temporaries besides its two 16 MiB gradients; with room for the gradients only, the kernel
# used to get NULL from the pool and write through it (exit 139). (The mean over rows keeps tile-rows
# from running the kernel block by block, which would need only small temporaries.)
RLIMIT_SCRIPT = textwrap.dedent(r"""
    import re, resource, sys
    import numpy as np, symgrad as sg
    from symgrad.runtime import pool
    MiB = 1 << 20
    def loss(x, w):
        t = sg.tanh(x * w)  # kept: an expensive value with several users in the fused gradient
        return (t * sg.exp(t - sg.mean(t, axis=0)) * x).sum()
    rng = np.random.default_rng(0)
    x, w = (rng.standard_normal((1024, 4096), dtype=np.float32) for _ in range(2))
    vg = sg.value_and_grad(loss, argnums=(0, 1))
    expected, (dx, dw) = vg(x, w)  # compiled, and the async runtime's threads started
    del dx, dw
    pool.release()
    with open("/proc/self/status") as f:
        vm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + int(sys.argv[1]) * MiB, resource.RLIM_INFINITY))
    s0 = pool.stats()
    try:
        vg(x, w)
    except MemoryError as e:
        message = str(e)
    else:
        raise AssertionError("no MemoryError")
    assert re.search(r"@loss_fused needs \d{8,} bytes of temporaries", message) and "nothing was run" in message, \
        message
    assert pool.stats().hits == s0.hits  # the kernel never ran: it would have taken its blocks from the pool
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    value, grads = vg(x, w)  # memory back: the same call works
    assert value.tobytes() == expected.tobytes()
    print("ok")
""")



def _env(tmp_path):
    """One malloc arena: these scripts cap the address space just above what is mapped, and the
    compiler's code-generation threads leave arenas whose reserved heap glibc would grow into when
    mmap fails (the kernel then gets its memory inside the cap, and nothing fails)."""
    return dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path), MALLOC_ARENA_MAX="1")

def test_temporaries_that_do_not_fit_raise_memory_error_before_the_kernel_runs(tmp_path):
    env = _env(tmp_path)
    # Room for the two 16 MiB gradients, not for the 16 MiB tanh(x * w) the kernel keeps as well (x * w
    # itself is recomputed by each of its users: duplicate-cheap-producers).
    for headroom in ("36", "44"):
        proc = subprocess.run([sys.executable, "-c", RLIMIT_SCRIPT, headroom], capture_output=True, text=True,
                              env=env, timeout=600)
        assert proc.returncode == 0 and proc.stdout.split()[-1:] == ["ok"], \
            (headroom, proc.returncode, proc.stdout[-1000:] + proc.stderr[-2000:])


# The last line of defence: the same shortage with the kernel's reservation switched off, so the NULL
# happens inside native code.
ABORT_SCRIPT = textwrap.dedent("""
    import ctypes, resource, sys
    import numpy as np, symgrad as sg
    from symgrad.runtime import pool
    MiB = 1 << 20
    case = sys.argv[1]
    if case == "kernel":
        rng = np.random.default_rng(0)
        x, w = rng.standard_normal((2048, 1024), dtype=np.float32), rng.standard_normal((1024, 2048), dtype=np.float32)
        f = sg.compile(sg.trace(lambda x, w: sg.sum(sg.tanh(x @ w) @ w.T, axis=1), x, w)).f
        assert f.temporaries[0] == (16 * MiB, 2), f.temporaries  # x @ w and its tanh
        f(x, w)
        pool.release()
        f._reserve = None
        with open("/proc/self/status") as fh:
            vm = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmSize:"))
        resource.setrlimit(resource.RLIMIT_AS, (vm + 4 * MiB, resource.RLIM_INFINITY))
        f(x, w)
    else:
        aligned_alloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)(
            pool.address(pool.ALIGNED_ALLOC))
        aligned_alloc(64, 1 << 50) if case == "huge" else aligned_alloc(24, MiB)
    print("returned")
""")


def test_a_null_inside_a_kernel_aborts_with_a_message(tmp_path):
    env = _env(tmp_path)
    expected = {"kernel": "symgrad: out of memory allocating 16777216 bytes in a compiled kernel",
                "huge": f"symgrad: out of memory allocating {1 << 50} bytes in a compiled kernel",
                "align": "symgrad: alignment 24 (not a power of two) asked for 1048576 bytes in a compiled kernel"}
    for case, message in expected.items():
        proc = subprocess.run([sys.executable, "-c", ABORT_SCRIPT, case], capture_output=True, text=True, env=env,
                              timeout=600)
        assert proc.returncode == -signal.SIGABRT and "returned" not in proc.stdout, \
            (case, proc.returncode, proc.stderr[-2000:])
        assert message + "\n" in proc.stderr, (case, proc.stderr[-2000:])


def test_steady_state_calls_reserve_without_allocating():
    """After the first call, a kernel's temporaries are in the pool before every call: the
    reservation finds them cached (no malloc, no fill) and the kernel's own allocations are hits."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((512, 1024), dtype=np.float32)
    g, b = (1.0 + 0.1 * rng.standard_normal(1024)).astype(np.float32), np.zeros(1024, np.float32)

    def loss(x, g, b):  # t: a 2 MiB temporary the fused kernel keeps (an expensive value used twice)
        t = sg.tanh(x * x)
        return sg.sum(sg.gelu(sg.layer_norm(x, axis=-1, eps=1e-5) * g + b) * x) + sg.sum(t * sg.exp(t))

    vg = sg.value_and_grad(loss, argnums=(0, 1, 2))
    first = vg(x, g, b)
    for _ in range(3):  # as below: the last call's results live on during the next call
        value, grads = vg(x, g, b)
    s0 = pool.stats()
    for _ in range(20):
        value, grads = vg(x, g, b)
    s1 = pool.stats()
    assert s1.misses == s0.misses and s1.reserve_fills == s0.reserve_fills
    assert s1.hits - s0.hits >= 20 * 2  # the 2 MiB temporaries (and results) came from the cache
    assert value.tobytes() == first[0].tobytes()
    for a, e in zip(grads, first[1]):
        assert a.tobytes() == e.tobytes()


def test_a_block_is_never_parked_once_the_limit_is_zero():
    """Frees racing with set_limit(0) + release(): a free that read the old limit re-reads it after
    parking its block, so once the limit is 0 and release() has run, nothing stays cached."""
    alloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64)(pool.address(pool.ALLOC))
    free = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(pool.address(pool.FREE))
    old = pool.stats().limit
    stop = threading.Event()
    errors = []

    def churn():
        try:
            while not stop.is_set():
                blocks = [alloc(64 * 1024 * (1 + i % 4)) for i in range(8)]
                for p in blocks:
                    free(p)
        except Exception as e:  # noqa: BLE001  (reported below)
            errors.append(repr(e))

    try:
        for _ in range(30):
            pool.set_limit(old)
            workers = [threading.Thread(target=churn) for _ in range(2)]
            for t in workers:
                t.start()
            pool.set_limit(0)
            pool.release()
            stop.set()
            for t in workers:
                t.join()
            stop.clear()
            s = pool.stats()
            assert s.limit == 0 and s.blocks_cached == 0 and s.bytes_cached == 0, s
        assert not errors, errors
    finally:
        stop.set()
        pool.set_limit(old)
