"""Multi-core kernels (runtime/threads.py, runtime/async_runtime.py, passes/graph_to_llvm.py): the
SYMGRAD_NUM_THREADS setting, the pipeline and cache key it picks, the same bits on 1, 2 and 3 threads,
small kernels without tasks, 8 Python threads calling parallel kernels at once, no memory kept per task,
a pool without workers, kernels freed right after parallel calls, and fork()."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import symgrad as sg
from symgrad.passes import graph_to_llvm as pipelines
from symgrad.runtime import threads

# Big enough for the parallel path: 512 rows of 512 (2^18 innermost iterations per loop).
ROWS, COLS = 512, 512


@pytest.fixture
def num_threads():
    """Sets the thread count for the test (compile time and run time); restores the setting after."""
    def set_(n):
        threads.set_num_threads(n)
    yield set_
    threads.set_num_threads(None)


def softmax_loss(x, w):
    s = sg.softmax(x * w, axis=-1)          # row reductions (max, sum) and elementwise loops
    # and a column sum and a full sum (partition-reductions cuts both into 16 blocks of rows)
    return (s * s).sum(axis=-1), sg.tanh(x) * sg.sigmoid(w), (x * w).sum(axis=0), sg.tanh(x + w).sum()


def fresh(fn, name):
    """`fn` under another name: another trace, so another module and kernels for each setting."""
    def f(*args):
        return fn(*args)
    f.__name__ = f.__qualname__ = name
    return f


def inputs(rng):
    return (rng.standard_normal((ROWS, COLS), dtype=np.float32), rng.standard_normal((ROWS, COLS), dtype=np.float32))


# ------------------------------------------------------------------ the setting --
@pytest.mark.parametrize("text", ["abc", "1.5", "0", "-2", str(threads.MAX_THREADS + 1)])
def test_bad_env_values_are_clear_errors(text):
    with pytest.raises(ValueError, match="SYMGRAD_NUM_THREADS"):
        threads.parse_threads(text)


def test_env_values(monkeypatch):
    assert threads.parse_threads(" 3 ") == 3
    assert threads.parse_threads(None) == threads.parse_threads("") == threads.default_threads() >= 1
    monkeypatch.setenv(threads.ENV, "1")
    assert threads.num_threads() == 1 and pipelines.graph_to_llvm() == pipelines.GRAPH_TO_LLVM_SEQUENTIAL
    monkeypatch.setenv(threads.ENV, "4")
    assert threads.num_threads() == 4 and pipelines.graph_to_llvm() == pipelines.GRAPH_TO_LLVM
    monkeypatch.setenv(threads.ENV, "many")
    x = np.ones(3, np.float32)
    with pytest.raises(ValueError, match="SYMGRAD_NUM_THREADS='many' is not an integer"):
        sg.jit(lambda x: x * 2.0)(x)


def test_set_num_threads_checks_its_argument(num_threads):
    for bad, err in ((0, ValueError), (threads.MAX_THREADS + 1, ValueError), (2.0, TypeError), (True, TypeError)):
        with pytest.raises(err):
            threads.set_num_threads(bad)
    num_threads(3)
    assert threads.num_threads() == 3


def test_the_sequential_pipeline_makes_no_tasks():
    seq = pipelines.GRAPH_TO_LLVM_SEQUENTIAL
    assert "convert-linalg-to-loops" in seq and "scf-forall-to-for" in seq and "async" not in seq
    assert "parallel-loops" not in seq and "partition-reductions" in seq  # the same sums as in parallel
    assert "convert-linalg-to-parallel-loops,serialize-small-parallel-loops,outline-loop-nests,async-parallel-for" \
        in pipelines.GRAPH_TO_LLVM


def test_cache_key_holds_the_pipeline_not_the_count(num_threads, rng):
    x, w = inputs(rng)
    keys = {}
    for n in (1, 2, 3):
        num_threads(n)
        keys[n] = sg.compile(sg.trace(softmax_loss, x, w)).key
    assert keys[1] != keys[2] == keys[3]


# ------------------------------------------------------------------ results ------
def test_same_bits_on_1_2_and_3_threads(num_threads, rng):
    x, w = inputs(rng)
    num_threads(1)
    seq = sg.jit(fresh(softmax_loss, "seq"))
    want = seq(x, w)
    assert threads.MARKER not in sg.compile(sg.trace(softmax_loss, x, w)).object_code
    num_threads(2)
    par = sg.jit(fresh(softmax_loss, "par"))
    before = threads.stats()["tasks"]
    got = par(x, w)
    assert threads.stats()["tasks"] > before, "the parallel kernel made no tasks"
    for n in (2, 1, 3):  # the compiled parallel kernel, run with other thread counts
        num_threads(n)
        got = par(x, w)
        for a, b in zip(want, got):
            assert np.array_equal(a, b), f"{n} threads"
    ref = (lambda s: (s * s).sum(-1))(np.exp(x * w - (x * w).max(-1, keepdims=True)) /
                                      np.exp(x * w - (x * w).max(-1, keepdims=True)).sum(-1, keepdims=True))
    np.testing.assert_allclose(got[0], ref, rtol=1e-5)
    np.testing.assert_allclose(got[2], (x * w).sum(0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(got[3], np.tanh(x + w).sum(dtype=np.float64), rtol=1e-5)


def test_gradients_match_on_2_threads(num_threads, rng):
    x, w = inputs(rng)
    loss = lambda x, w: (sg.tanh(x * w) * sg.sigmoid(x)).sum()  # noqa: E731
    out = {}
    for n in (1, 2):
        num_threads(n)
        out[n] = sg.value_and_grad(fresh(loss, f"loss{n}"), argnums=(0, 1))(x, w)
    assert out[1][0] == out[2][0]
    for a, b in zip(out[1][1], out[2][1]):
        assert np.array_equal(a, b)


def test_small_kernels_stay_sequential(num_threads, rng):
    num_threads(2)
    x = rng.standard_normal((64, 64), dtype=np.float32)  # 4096 iterations: far below the threshold
    f = sg.jit(lambda x: sg.softmax(x, axis=-1))
    text = f.lower(x).as_text("llvm")
    assert "mlirAsyncRuntime" not in text and "llvm.func @async_execute_fn" not in text
    before = threads.stats()["tasks"] if threads._runtime is not None else 0
    f(x)
    assert (threads.stats()["tasks"] if threads._runtime is not None else 0) == before


# ------------------------------------------------------------------ threads ------
def test_eight_python_threads_call_parallel_kernels(num_threads, rng):
    num_threads(2)
    f = sg.jit(fresh(softmax_loss, "conc"))
    cases = [inputs(rng) for _ in range(8)]
    num_threads(1)
    want = [sg.jit(fresh(softmax_loss, "conc_ref"))(*c) for c in cases]
    num_threads(2)
    errors, barrier = [], threading.Barrier(8)

    def work(i):
        try:
            barrier.wait()
            for _ in range(10):
                got = f(*cases[i])
                for a, b in zip(got, want[i]):
                    assert np.array_equal(a, b)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert not any(t.is_alive() for t in ts), "a kernel call hung"
    assert not errors, errors[0]


SCRIPT = textwrap.dedent("""
    import os, sys, threading
    import numpy as np, symgrad as sg
    from symgrad.runtime import threads
    mode = sys.argv[1]
    rng = np.random.default_rng(0)
    x, w = (rng.standard_normal((512, 512), dtype=np.float32) for _ in range(2))
    def g(x, w):
        return sg.softmax(x * w, axis=-1).sum(axis=-1)
    threads.set_num_threads(1)
    want = sg.jit(g)(x, w)  # sequential code
    threads.set_num_threads(2)
    f = sg.compile(sg.trace(g, x, w)).g  # parallel code
    if mode == "no-workers":
        # the parallel kernel run with one thread before any worker exists: the caller runs every task
        threads.set_num_threads(1)
        got = f(x, w)
        s = threads.stats()
        assert s["workers"] == 0 and s["tasks"] > 0, s
        assert np.array_equal(got, want)
        print("ok")
        sys.exit(0)
    if mode == "drop":
        # compile, call and free parallel kernels over and over (each CompiledModule's engine is freed
        # once no pool thread is still in its code), then exit right after a parallel call
        import gc
        threads.set_num_threads(2)
        for _ in range(15):
            cm = sg.compile(sg.trace(g, x, w))
            assert np.array_equal(cm.g(x, w), want)
            del cm
            sg.clear_cache(memory=True, disk=False)  # the next compile loads a new engine from disk
            gc.collect()
        f(x, w)
        print("ok")
        sys.exit(0)
    threads.set_num_threads(2)
    assert np.array_equal(f(x, w), want)
    stop = threading.Event()
    def spin():  # another thread keeps calling the parallel kernel while this one forks
        while not stop.is_set():
            f(x, w)
    t = threading.Thread(target=spin, daemon=True)
    t.start()
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            ok = all(np.array_equal(f(x, w), want) for _ in range(5))
            os._exit(0 if ok and threads.stats()["workers"] >= 1 else 3)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    stop.set(); t.join()
    assert np.array_equal(f(x, w), want)
    print("ok")
""")


LEAK_SCRIPT = textwrap.dedent("""
    import numpy as np, symgrad as sg
    from symgrad.runtime import threads
    threads.set_num_threads(2)
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096
    x = np.random.default_rng(0).standard_normal((512, 512), dtype=np.float32)
    f = sg.jit(lambda x: (sg.softmax(x, axis=-1), sg.sum(x, axis=0), sg.sum(sg.tanh(x))))
    for _ in range(500):
        f(x)
    before, tasks = rss(), threads.stats()["tasks"]
    for _ in range(8000):
        f(x)
    print(rss() - before, threads.stats()["tasks"] - tasks)
""")


def test_tasks_leak_nothing(tmp_path):
    # every task makes a token, a coroutine frame, a queue node and a group entry; one of them kept
    # per task would grow by more than 4 MB over these ~120,000 tasks (15 per call: tile-rows makes the
    # kernel one loop over 16 chunks of rows)
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", LEAK_SCRIPT], capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    growth, tasks = map(int, out.stdout.split())
    assert tasks > 100_000 and growth < 512 << 10, (growth, tasks)


@pytest.mark.parametrize("mode", ["fork", "no-workers", "drop"])
def test_fork_a_pool_without_workers_and_freed_kernels(mode, tmp_path):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]
