"""The compiled-kernel caches: memory, disk (used by a second process), clear_cache, corruption."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np

import symgrad as sg
from symgrad import cache as sgcache

SCRIPT = textwrap.dedent("""
    import time, numpy as np, symgrad as sg
    x = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    m = sg.trace(lambda x: (sg.tanh(x) * 2.0).sum(axis=1), x)
    t0 = time.perf_counter()
    cm = sg.compile(m)
    dt = time.perf_counter() - t0
    y = cm.f(x)
    assert np.allclose(y, (np.tanh(x) * 2).sum(axis=1), rtol=1e-5, atol=1e-5), y
    print(cm.cache, repr(dt), sorted(cm.timings))
""")


def _run(cache_dir):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(cache_dir))
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    origin, seconds, stages = proc.stdout.strip().split(" ", 2)
    return origin, float(seconds), stages


def test_second_process_loads_object_code_from_disk(tmp_path):
    first, t_cold, stages_cold = _run(tmp_path)
    objects = list((tmp_path / "objects").glob("*.o"))
    assert first == "None" and len(objects) == 1
    assert "codegen" in stages_cold and "lower" in stages_cold
    second, t_warm, stages_warm = _run(tmp_path)
    assert second == "disk"
    assert "codegen" not in stages_warm and "lower" not in stages_warm  # no MLIR, no LLVM codegen


def test_corrupt_cache_entry_is_a_miss_not_a_crash(tmp_path):
    _run(tmp_path)
    (obj,) = (tmp_path / "objects").glob("*.o")
    data = obj.read_bytes()
    obj.write_bytes(data[: len(data) // 2] + b"garbage" * 10)
    origin, _, _ = _run(tmp_path)
    assert origin == "None"  # recompiled
    origin, _, _ = _run(tmp_path)
    assert origin == "disk"  # and rewritten


def test_memory_cache_returns_the_same_module_and_clear_cache_empties_both(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))
    x = np.ones((2, 2))
    m = sg.trace(lambda x: x * 3.0 + 1.0, x)
    cm = sg.compile(m)
    assert sg.compile(m) is cm
    assert sg.compile(sg.trace(lambda x: x * 3.0 + 1.0, x)) is cm  # keyed by the IR text, not the object
    assert sg.compile(sg.parse(str(m))).cache == "disk"  # same code; results returned differently
    assert list((tmp_path / "objects").glob("*.o"))
    sg.clear_cache()
    assert not list((tmp_path / "objects").glob("*.o"))
    cm2 = sg.compile(m)
    assert cm2 is not cm and cm2.cache is None
    np.testing.assert_array_equal(cm2.f(x), x * 3 + 1)
    np.testing.assert_array_equal(cm.f(x), x * 3 + 1)  # the old module still works


def test_cache_false_bypasses_both_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))
    x = np.ones(3)
    m = sg.trace(lambda x: x - 1.0, x)
    a = sg.compile(m, cache=False)
    b = sg.compile(m, cache=False)
    assert a is not b
    assert not (tmp_path / "objects").exists()


def test_cache_key_covers_toolchain_and_options():
    fp = sgcache.toolchain_fingerprint()
    for part in ("symgrad=", "codegen=", "mlir=", "llvmlite=", "cpu=", "features=", "triple="):
        assert part in fp
    k = sgcache.make_key("ir", "pipe", (3,))
    assert k != sgcache.make_key("ir", "pipe", (2,))
    assert k != sgcache.make_key("ir2", "pipe", (3,))
    assert k != sgcache.make_key("ir", "pipe2", (3,))


def test_unwritable_cache_dir_still_compiles(tmp_path, monkeypatch):
    target = tmp_path / "file"
    target.write_text("not a folder")
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(target))
    x = np.ones(2)
    cm = sg.compile(sg.trace(lambda x: x * 5.0, x), cache=True)
    np.testing.assert_array_equal(cm.f(x), x * 5)


def test_a_corrupt_object_under_warnings_as_errors_is_removed_and_the_warning_points_at_the_caller(tmp_path):
    # -W error::RuntimeWarning turns the CacheWarning into an exception: the entry must be gone by
    # then, or every later process would fail on it; the warning names the line that compiled.
    _run(tmp_path)
    (obj,) = (tmp_path / "objects").glob("*.o")
    obj.write_bytes(obj.read_bytes()[:100])
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path), PYTHONWARNINGS="error::RuntimeWarning")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode != 0 and "CacheWarning" in proc.stderr and str(obj) in proc.stderr, proc.stderr[-3000:]
    assert not obj.exists()
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and proc.stdout.startswith("None"), proc.stderr[-3000:]
    obj.write_bytes(obj.read_bytes()[:100])
    env.pop("PYTHONWARNINGS")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and proc.stdout.startswith("None"), proc.stderr[-3000:]
    # the script's `cm = sg.compile(m)` line, not a file of symgrad's
    assert '<string>:6: CacheWarning: symgrad: ignoring the corrupt cache entry' in proc.stderr, proc.stderr
