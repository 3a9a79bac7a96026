"""Concurrency (issue 6), beyond test/python/runtime/test_kernel_calls.py (4 threads, one kernel):
kernels, gradients and transforms called from 8 threads at once; compiling from several threads
at once (the same module and different ones); processes filling the on-disk cache at the same
time; corrupted and truncated cache entries detected, reported and recompiled, never loaded."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest

import symgrad as sg
from symgrad import cache as sgcache
from symgrad.runtime import object_cache

THREADS = 8


def run_threads(fn, n=THREADS):
    """fn(i) in n threads released together; returns the results (re-raises the first error)."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def body(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path / "cache"))


def mlp_loss(x, w1, w2):
    return (sg.tanh(x @ w1) @ w2).sum() / 4.0


def hidden_out(h, w2):
    return sg.tanh(h) @ w2


def make_inputs(i, dtype=np.float64):
    rng = np.random.default_rng(i)
    return (rng.standard_normal((16, 32)).astype(dtype), rng.standard_normal((32, 24)).astype(dtype) * 0.3,
            rng.standard_normal((24, 3)).astype(dtype) * 0.3)


def test_one_kernel_from_8_threads_with_different_inputs():
    x, w1, w2 = make_inputs(0)
    kernel = sg.compile(sg.trace(lambda x, w1, w2: sg.tanh(x @ w1) @ w2, x, w1, w2)).f
    inputs = [make_inputs(i) for i in range(THREADS)]
    want = [kernel(*a) for a in inputs]

    def calls(i):
        for k in range(200):
            j = (i + k) % THREADS  # every thread sees every input; each call's result is checked
            out = kernel(*inputs[j])
            if not np.array_equal(out, want[j]):
                return f"thread {i} call {k}: wrong result"
        return "ok"

    assert run_threads(calls) == ["ok"] * THREADS


def test_gradients_from_8_threads():
    """value_and_grad, vjp and the Gradient protocol (forward/backward with per-thread Saved)."""
    vg = sg.value_and_grad(mlp_loss, argnums=(1, 2))
    inputs = [make_inputs(i) for i in range(THREADS)]
    want = [vg(*a) for a in inputs]
    x, w1, w2 = inputs[0]
    cg = sg.compile(sg.differentiate(sg.trace(mlp_loss, x, w1, w2, requires_grad=[1, 2])))
    want_cg = []
    for a in inputs:
        (v,), saved = cg.forward(*a)
        want_cg.append((v, cg.backward(saved, np.ones(()))))

    def calls(i):
        for k in range(60):
            j = (i + k) % THREADS
            value, (g1, g2) = vg(*inputs[j])
            assert value == want[j][0] and np.array_equal(g1, want[j][1][0]) and np.array_equal(g2, want[j][1][1])
            (v,), saved = cg.forward(*inputs[j])
            other = cg.forward(*inputs[(j + 1) % THREADS])  # interleaved: backward must use its own Saved
            grads = cg.backward(saved, np.ones(()))
            assert v == want_cg[j][0] and all(np.array_equal(a, b) for a, b in zip(grads, want_cg[j][1]))
            assert other[0][0] == want_cg[(j + 1) % THREADS][0]
            hidden = inputs[j][0] @ inputs[j][1]
            out, vjp_fn = sg.vjp(hidden_out, hidden, inputs[j][2])
            _, dw2 = vjp_fn(np.ones_like(out))
            assert np.allclose(dw2, np.tanh(hidden).T @ np.ones_like(out), rtol=1e-12)
        return "ok"

    assert run_threads(calls) == ["ok"] * THREADS


def test_compiling_the_same_module_from_8_threads():
    text = str(sg.trace(lambda x: sg.exp(x) * 3.0 - 1.25, np.ones((5, 7), np.float32)))
    x = np.linspace(-1, 1, 35, dtype=np.float32).reshape(5, 7)
    modules = run_threads(lambda i: sg.compile(text))
    assert all(m is modules[0] for m in modules)  # compiled once; the others are memory hits
    np.testing.assert_allclose(modules[0].f(x), np.exp(x) * 3 - 1.25, rtol=2e-6)
    # ... and separate sg.Module objects of that text, and cache=False (nothing shared at all).
    parsed = run_threads(lambda i: sg.compile(sg.parse(text)))
    uncached = run_threads(lambda i: sg.compile(text, cache=False))
    assert len({id(m) for m in uncached}) == THREADS
    for m in parsed + uncached:
        np.testing.assert_array_equal(m.f(x), modules[0].f(x))


def test_compiling_and_tracing_different_functions_from_8_threads():
    def build(i):
        c = float(i) + 0.5
        x = np.arange(i + 2, dtype=np.float64)
        jf = sg.jit(lambda x: sg.tanh(x * c) + c)  # traces (thread-local builder) and compiles
        g = sg.grad(lambda x: (sg.sin(x) * c).sum())
        got = jf(x), g(x)
        want = np.tanh(x * c) + c, np.cos(x) * c
        return all(np.allclose(a, b, rtol=1e-12) for a, b in zip(got, want))

    assert run_threads(build) == [True] * THREADS


def test_one_jit_function_specialized_for_new_shapes_from_8_threads():
    jf = sg.jit(lambda x: (x * x).sum(axis=-1))

    def calls(i):
        x = np.arange((i % 4 + 1) * 3, dtype=np.float32).reshape(i % 4 + 1, 3)  # 4 shapes, 2 threads each
        return np.array_equal(jf(x), (x * x).sum(axis=-1))

    assert run_threads(calls) == [True] * THREADS
    assert jf.cache_size() == 4


# -- the on-disk cache, shared by processes ----------------------------------------------------------
FILL = textwrap.dedent("""
    import sys, numpy as np, symgrad as sg
    order = range(6) if sys.argv[1] == "up" else reversed(range(6))
    for k in order:
        x = np.linspace(-1, 1, 6 * (k + 1), dtype=np.float64).reshape(6, k + 1)
        cm = sg.compile(sg.trace(lambda x: sg.tanh(x * float(k)) + 1.0, x))
        assert np.allclose(cm.f(x), np.tanh(x * k) + 1.0, rtol=1e-12), k
        print(k, cm.cache)
""")


def test_processes_filling_the_disk_cache_at_once_leave_only_sound_entries(tmp_path):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path / "shared"), PYTHONWARNINGS="error::RuntimeWarning")
    procs = [subprocess.Popen([sys.executable, "-c", FILL, "up" if i % 2 else "down"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
    objects = sorted((tmp_path / "shared" / "objects").iterdir())
    assert len(objects) == 6, objects  # one entry per module, no temporary files left behind
    for path in objects:
        payload, problem = object_cache.check_entry(path.stem, path.read_bytes())
        assert problem is None and payload, (path, problem)
    # A fifth process finds every module on disk.
    proc = subprocess.run([sys.executable, "-c", FILL, "up"], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == [w for k in range(6) for w in (str(k), "disk")]


CORRUPTIONS = {
    "empty": lambda data: b"",
    "truncated_header": lambda data: data[:20],
    "truncated_object": lambda data: data[:len(data) // 2],
    "flipped_byte": lambda data: data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:],
    "garbage": lambda data: os.urandom(len(data)),
    "appended": lambda data: data + b"\0" * 16,
}


def test_an_entry_of_another_cache_format_version_is_a_plain_miss(tmp_path):
    x = np.linspace(-2, 2, 10)
    text = str(sg.trace(lambda x: sg.sigmoid(x) * 3.0, x))
    sg.clear_cache(memory=True, disk=False)
    sg.compile(text)
    (path,) = (tmp_path / "cache" / "objects").glob("*.o")
    path.write_bytes(b"SYMGRAD-OBJ-1\n" + path.read_bytes()[len(object_cache.MAGIC):])
    sg.clear_cache(memory=True, disk=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sg.compile(text).cache is None  # recompiled, silently
    assert object_cache.check_entry(path.stem, path.read_bytes())[1] is None


@pytest.mark.parametrize("how", sorted(CORRUPTIONS) + ["other_key"])
def test_a_corrupt_cache_entry_is_reported_removed_and_recompiled(how, tmp_path):
    x = np.linspace(-2, 2, 10)
    text = str(sg.trace(lambda x: sg.sigmoid(x) * 2.0, x))
    sg.clear_cache(memory=True, disk=False)  # another test may have compiled it: fill this test's folder
    first = sg.compile(text)
    (path,) = (tmp_path / "cache" / "objects").glob("*.o")
    data = path.read_bytes()
    if how == "other_key":  # a sound entry, but of another module (copied or renamed by hand)
        sg.compile(str(sg.trace(lambda x: x * 5.0, x)))
        other = next(p for p in (tmp_path / "cache" / "objects").glob("*.o") if p != path)
        data = other.read_bytes()
    else:
        data = CORRUPTIONS[how](data)
    path.write_bytes(data)
    sg.clear_cache(memory=True, disk=False)
    with pytest.warns(sgcache.CacheWarning, match=rf"corrupt cache entry {path}"):
        again = sg.compile(text)
    assert again.cache is None and again is not first  # recompiled, not loaded
    np.testing.assert_allclose(again.f(x), 2 / (1 + np.exp(-x)), rtol=1e-12)
    payload, problem = object_cache.check_entry(path.stem, path.read_bytes())  # rewritten soundly
    assert problem is None
    sg.clear_cache(memory=True, disk=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sg.compile(text).cache == "disk"
