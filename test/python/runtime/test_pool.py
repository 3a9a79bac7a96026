"""The caching allocator behind kernels' temporaries and large results (runtime/pool.py): kernels
call it instead of malloc, blocks come back on the next call, results do not depend on it, it is
thread-safe, bounded by its cap, releasable, and gives memory back to malloc when malloc fails."""
from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import symgrad as sg
from symgrad.runtime import pool

MiB = 1 << 20
_alloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64)
_aligned_alloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
_free = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


def native():
    """The pool's three entry points, as kernels see them (allocation aborts on NULL: see
    test_a_null_inside_a_kernel_aborts_with_a_message)."""
    return (_alloc(pool.address(pool.ALLOC)), _aligned_alloc(pool.address(pool.ALIGNED_ALLOC)),
            _free(pool.address(pool.FREE)))


def fn(x, w):
    # x @ w (n x n) and tanh(x @ w) @ w.T (n x k) are temporaries of the kernel (1 MiB and 0.5 MiB
    # at n=512, k=256): allocated and freed inside every call.
    return sg.logsumexp(sg.tanh(x @ w) @ w.T, axis=1)


def inputs(seed=0, n=512, k=256):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, k), dtype=np.float32) * 0.1, rng.standard_normal((k, n), dtype=np.float32) * 0.1)


@pytest.fixture(scope="module")
def kernel():
    x, w = inputs()
    return sg.compile(sg.trace(fn, x, w)).fn


def test_kernels_allocate_through_the_pool():
    text = sg.jit(fn).lower(*inputs()).as_text("llvm-ir")
    assert "call ptr @_mlir_memref_to_llvm_aligned_alloc(" in text
    assert "call void @_mlir_memref_to_llvm_free(" in text
    # The only other allocations are the frames of the async tasks of parallel loops (coroutines, made
    # by upstream convert-async-to-llvm with aligned_alloc/free; runtime/threads.py).
    kernels = [f for f in text.split("\ndefine ")[1:]
               if not f.split("(")[0].split("@")[-1].startswith("async_execute_fn")]
    assert kernels and not any("@malloc" in f or "@free(" in f or "@aligned_alloc(" in f for f in kernels)


def test_second_call_reuses_the_blocks_of_the_first(kernel):
    x, w = inputs()
    pool.release()
    s0 = pool.stats()
    first = kernel(x, w)
    s1 = pool.stats()
    # The reservation before the call mallocs the blocks (x @ w and the second product, at least)
    # and caches them; the kernel's own allocations are all hits.
    assert s1.misses - s0.misses >= 2 and s1.reserve_fills - s0.reserve_fills == 1
    assert s1.hits - s0.hits == s1.misses - s0.misses
    assert s1.bytes_cached >= (1 + 0.5) * MiB and s1.blocks_cached >= 2
    second = kernel(x, w)
    s2 = pool.stats()
    assert s2.hits - s1.hits == s1.misses - s0.misses and s2.misses == s1.misses
    assert s2.reserve_fills == s1.reserve_fills  # already cached: no allocation before the call
    assert s2.bytes_cached == s1.bytes_cached
    np.testing.assert_array_equal(first, second)
    ref = np.log(np.exp(np.tanh(x.astype(np.float64) @ w) @ w.T.astype(np.float64)).sum(axis=1))
    np.testing.assert_allclose(first, ref, rtol=1e-4)


IDENTICAL_SCRIPT = textwrap.dedent("""
    import sys, numpy as np, symgrad as sg
    from symgrad.runtime import pool
    rng = np.random.default_rng(0)
    x, g, b, r = (rng.standard_normal((256, 512), dtype=np.float32), rng.standard_normal(512, dtype=np.float32),
                  rng.standard_normal(512, dtype=np.float32), rng.standard_normal((256, 512), dtype=np.float32))
    def loss(x, g, b, r):  # W3 at 1/16 size, plus t: a 512 KiB temporary the fused kernel keeps
        t = sg.tanh(x * r)
        return (sg.gelu(sg.layer_norm(x, axis=-1, eps=1e-5) * g + b) * r).sum() + (t * sg.exp(t)).sum()
    vg = sg.value_and_grad(loss, argnums=(0, 1, 2))
    runs = [vg(x, g, b, r) for _ in range(3)]
    for value, grads in runs[1:]:
        assert value.tobytes() == runs[0][0].tobytes() and all(
            a.tobytes() == b.tobytes() for a, b in zip(grads, runs[0][1]))
    value, grads = runs[0]
    np.savez(sys.argv[1], value, *grads)
    s = pool.stats()
    print(s.limit, s.hits, s.misses, s.cached, s.bytes_cached, int(grads[0].base is None))
""")


def test_results_are_bit_identical_with_the_pool_off(tmp_path):
    figures = {}
    for setting in ("default", "0"):
        env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path / "cache"))
        if setting != "default":
            env[pool.ENV] = setting
        out = tmp_path / f"{setting}.npz"
        proc = subprocess.run([sys.executable, "-c", IDENTICAL_SCRIPT, str(out)], capture_output=True, text=True,
                              env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        figures[setting] = [int(v) for v in proc.stdout.split()]
    limit, hits, misses, cached, nbytes, plain = figures["default"]
    assert limit > 0 and hits > 0 and misses > 0 and cached > 0 and nbytes > 0
    assert not plain  # the 512 KiB gradient is an array over a pool block
    assert figures["0"] == [0, 0, 0, 0, 0, 1]  # pool off: every block went straight back to malloc
    on, off = np.load(tmp_path / "default.npz"), np.load(tmp_path / "0.npz")
    assert sorted(on.files) == sorted(off.files) and len(on.files) == 4
    for name in on.files:
        assert on[name].tobytes() == off[name].tobytes(), name


def test_eight_threads_calling_a_kernel_with_large_temporaries(kernel):
    cases = [inputs(seed) for seed in range(8)]
    expected = [kernel(x, w) for x, w in cases]
    s0 = pool.stats()
    errors, start = [], threading.Barrier(8)

    def worker(i):
        try:
            start.wait()
            x, w = cases[i]
            for _ in range(12):
                got = kernel(x, w)
                if got.tobytes() != expected[i].tobytes():
                    errors.append(f"thread {i}: wrong result")
                    return
        except Exception as e:  # noqa: BLE001  (reported below)
            errors.append(f"thread {i}: {e!r}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    s1 = pool.stats()
    assert s1.hits - s0.hits > 8 * 12  # most of the 8 x 12 x (2 or more) allocations were served from the cache
    assert s1.bytes_cached <= s1.limit
    # Every block handed out came back: what is cached is exactly what the slots hold.
    pool.release()
    assert pool.stats().bytes_cached == 0 and pool.stats().blocks_cached == 0


def test_large_results_are_arrays_over_pool_blocks():
    """Results of OUTPUT_BYTES and more come from the pool and go back to it when the last view dies,
    so the next call's result costs no fresh pages; smaller ones are plain numpy arrays."""
    x = np.random.default_rng(2).standard_normal((512, 256), dtype=np.float32)  # 512 KiB
    f = sg.compile(sg.trace(lambda x: (sg.tanh(x) * 2.0, sg.sum(x, axis=1)), x)).f
    pool.release()
    big, small = f(x)
    assert type(big.base) is pool._Block and small.base is None
    assert big.flags.c_contiguous and big.flags.writeable and big.ctypes.data % pool.ALIGN == 0
    np.testing.assert_allclose(big, np.tanh(x) * 2.0, rtol=1e-6, atol=1e-6)
    view = big[::2]
    del big
    assert pool.stats().bytes_cached == 0  # the view keeps the block alive
    np.testing.assert_allclose(view, np.tanh(x[::2]) * 2.0, rtol=1e-6, atol=1e-6)
    del view
    s0 = pool.stats()
    assert s0.bytes_cached == x.nbytes and s0.blocks_cached == 1
    again, _ = f(x)
    s1 = pool.stats()
    assert s1.hits - s0.hits == 1 and s1.misses == s0.misses and s1.bytes_cached == 0
    np.testing.assert_array_equal(again, np.asarray(f(x)[0]))
    out = (np.empty_like(again), np.empty_like(small))
    got = f(x, out=out)
    assert got[0] is out[0] and got[0].base is None  # out= arrays are the caller's


def test_release_and_clear_cache_free_every_cached_block(kernel):
    x, w = inputs()
    kernel(x, w)
    before = pool.stats()
    assert before.bytes_cached > 0 and before.blocks_cached > 0
    assert pool.release() == before.bytes_cached
    after = pool.stats()
    assert (after.bytes_cached, after.blocks_cached) == (0, 0)
    assert after.released - before.released == before.blocks_cached
    assert pool.release() == 0
    kernel(x, w)
    assert pool.stats().bytes_cached > 0
    sg.clear_cache(memory=True, disk=False)
    assert (pool.stats().bytes_cached, pool.stats().blocks_cached) == (0, 0)


def test_size_classes_alignment_and_bad_sizes():
    alloc, aligned_alloc, free = native()
    pool.release()
    rng = np.random.default_rng(1)
    sizes = [1, 100, pool.SMALL_BYTES - 1, pool.SMALL_BYTES, pool.SMALL_BYTES + 1, MiB, MiB + 1, 16 * MiB,
             *rng.integers(pool.SMALL_BYTES, 64 * MiB, 40).tolist()]
    for size in sizes:
        p = alloc(size)
        assert p, size
        assert p % (pool.ALIGN if size >= pool.SMALL_BYTES else 16) == 0, (size, p)
        ctypes.memset(p, 0xAB, size)  # the whole block is usable
        free(p)
        cached = pool.stats().bytes_cached
        if size < pool.SMALL_BYTES:
            assert cached == 0, size  # small blocks go straight back to malloc
        else:
            assert size <= cached <= size * 1.125, (size, cached)  # at most 12.5% more than asked
        pool.release()
    for align in (1, 8, 16, 32, 64, 128, 4096):
        p = aligned_alloc(align, MiB)
        assert p and p % max(align, 16) == 0, align
        ctypes.memset(p, 1, MiB)
        free(p)
    pool.release()
    free(None)  # like free(NULL)
    py_alloc = pool._get().alloc  # the runtime's entry point: NULL where the kernels' would abort
    assert not py_alloc(64, (1 << 62) + 1)  # NULL, as from malloc
    assert not py_alloc(1 << 31, MiB)
    for align in (0, 3, 24, 48, 100):  # not a power of two: NULL, as from C's aligned_alloc
        assert not py_alloc(align, MiB), align
    p = py_alloc(8, MiB)
    assert p and p % 16 == 0
    free(p)


def test_cap_on_the_bytes_cached():
    alloc, _, free = native()
    old = pool.stats().limit
    pool.release()
    try:
        pool.set_limit(3 * MiB + MiB // 2)
        s0 = pool.stats()
        blocks = [alloc(MiB) for _ in range(5)]
        assert all(blocks)
        for p in blocks:
            free(p)
        s1 = pool.stats()
        assert s1.bytes_cached == 3 * MiB and s1.blocks_cached == 3
        assert s1.over_limit - s0.over_limit == 2
        pool.set_limit(MiB)  # a lower cap frees what is over it
        assert pool.stats().bytes_cached <= MiB
        pool.set_limit(0)  # off: nothing is kept
        p = alloc(MiB)
        free(p)
        assert pool.stats().bytes_cached == 0
        with pytest.raises(ValueError):
            pool.set_limit(-1)
    finally:
        pool.set_limit(old)


@pytest.mark.parametrize("value, expected", [("3M", 3 * MiB), ("1048576", MiB), ("2GiB", 2 << 30), ("0", 0),
                                             ("512 kb", 512 << 10)])
def test_limit_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(pool.ENV, value)
    assert pool.limit_from_env() == expected


def test_bad_limit_in_the_environment_warns_and_uses_the_default(monkeypatch):
    monkeypatch.setenv(pool.ENV, "lots")
    with pytest.warns(RuntimeWarning, match="SYMGRAD_POOL_BYTES"):
        assert pool.limit_from_env() == pool.default_limit()
    assert 0 < pool.default_limit() <= 1 << 30


FLAT_SCRIPT = textwrap.dedent("""
    import numpy as np, symgrad as sg
    from symgrad.runtime import pool
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1024, 256), dtype=np.float32), rng.standard_normal((256, 1024), dtype=np.float32)
    f = sg.compile(sg.trace(lambda x, w: sg.logsumexp(sg.tanh(x @ w) @ w.T, axis=1), x, w)).f  # 4 + 1 MiB
    for _ in range(30):
        f(x, w)
    before, s0 = rss(), pool.stats()
    for _ in range(600):
        f(x, w)
    s1 = pool.stats()
    print(rss() - before, s1.misses - s0.misses, s1.hits - s0.hits)
""")


def test_memory_stays_flat_over_many_calls(tmp_path):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", FLAT_SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    growth, misses, hits = (int(v) for v in proc.stdout.split())
    assert misses == 0 and hits >= 600 * 2  # every temporary of every call came from the cache
    assert growth < MiB, f"RSS grew by {growth} bytes over 600 calls"


MALLOC_FAILS_SCRIPT = textwrap.dedent("""
    import ctypes, resource
    import symgrad as sg
    from symgrad.runtime import pool
    MiB = 1 << 20
    alloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64)(pool.address(pool.ALLOC))
    free = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(pool.address(pool.FREE))
    blocks = [alloc(48 * MiB) for _ in range(6)]  # 288 MiB, then cached
    for p in blocks:
        free(p)
    assert pool.stats().bytes_cached == 6 * 48 * MiB
    with open("/proc/self/status") as f:
        vm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:"))
    # Room for ~100 MiB more address space: 200 MiB fit only once the cached blocks are unmapped.
    resource.setrlimit(resource.RLIMIT_AS, (vm + 100 * MiB, resource.RLIM_INFINITY))
    p = alloc(200 * MiB)
    assert p, "NULL although the pool cached enough memory"
    s = pool.stats()
    assert s.bytes_cached == 0 and s.released == 6, s
    ctypes.memset(p, 1, 200 * MiB)
    free(p)
    assert not pool._get().alloc(64, 1 << 40)  # really out of memory: NULL, as from malloc
    # A kernel's reservation gives the cached blocks of other sizes back before it gives up.
    pool.release()
    big = alloc(64 * MiB)
    free(big)
    assert pool.stats().bytes_cached == 64 * MiB
    with open("/proc/self/status") as f:
        vm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + 40 * MiB, resource.RLIM_INFINITY))
    pool.Reservation("@f", [(80 * MiB, 1)])()
    assert pool.stats().bytes_cached == 80 * MiB  # the 64 MiB block was freed, the 80 MiB one is kept
    try:
        pool.Reservation("@f", [(200 * MiB, 1), (100 * MiB, 2)])()
    except MemoryError as e:
        assert "@f needs 419430400 bytes of temporaries" in str(e) and "nothing was run" in str(e), e
    else:
        raise AssertionError("no MemoryError")
    assert pool.stats().bytes_cached == 0  # given back while trying
    print("ok")
""")


def test_when_malloc_fails_the_cached_blocks_are_released_and_malloc_retried(tmp_path):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", MALLOC_FAILS_SCRIPT], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0 and proc.stdout.split()[-1:] == ["ok"], proc.stdout[-1000:] + proc.stderr[-2000:]


def test_objects_compiled_for_malloc_still_load_and_run(kernel):
    """Object code from before the pool (plain malloc/free) is never picked from the disk cache
    (its key had another pipeline text), and would still run if loaded."""
    from symgrad import cache
    from symgrad.codegen import CompiledModule, lower_to_llvm_ir, optimize_and_emit, signatures
    from symgrad.passes.graph_to_llvm import GRAPH_TO_LLVM
    old_pipeline = GRAPH_TO_LLVM.replace("finalize-memref-to-llvm{use-aligned-alloc use-generic-functions}",
                                         "finalize-memref-to-llvm").replace("record-temporaries,", "")
    assert old_pipeline != GRAPH_TO_LLVM
    x, w = inputs()
    module = sg.trace(fn, x, w)
    source = str(module)
    assert cache.make_key(source, old_pipeline, (3,)) != cache.make_key(source, GRAPH_TO_LLVM, (3,))
    llvm_ir, _ = lower_to_llvm_ir(module, pipeline=old_pipeline)
    assert "call ptr @malloc(" in llvm_ir and "_mlir_memref_to_llvm" not in llvm_ir
    obj, _ = optimize_and_emit(llvm_ir)
    old = CompiledModule(signatures(module), obj, "old", source, {}, None)
    assert old.fn.temporaries is None and kernel.temporaries  # no record in the old object: nothing reserved
    s0 = pool.stats()
    got = old.fn(x, w)
    s1 = pool.stats()
    assert (s1.hits, s1.misses) == (s0.hits, s0.misses)  # malloc, not the pool
    assert got.tobytes() == kernel(x, w).tobytes()
