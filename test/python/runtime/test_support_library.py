"""runtime/support_library.py: LLVM IR support code compiled once per machine (its object code in the disk
cache), loaded and runnable; a damaged entry is reported and recompiled."""
from __future__ import annotations

import ctypes

import pytest

from symgrad import cache as sgcache
from symgrad.runtime import llvm as rt_llvm
from symgrad.runtime import object_cache
from symgrad.runtime import support_library as support

IR = """
define i64 @symgrad_test_add(i64 %x, i64 %y) {
  %s = add i64 %x, %y
  ret i64 %s
}
"""


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path / "cache"))


def run(**options):
    before = object_cache.stats()
    engine, tm = support.load("test-add", IR, **options)
    add = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_int64, ctypes.c_int64)(
        engine.get_function_address("symgrad_test_add"))
    assert add(40, 2) == 42
    after = object_cache.stats()
    return {k: after[k] - before[k] for k in after if k.startswith("support") and after[k] != before[k]}


def entries(tmp_path):
    return sorted((tmp_path / "cache" / "support").glob("*.o"))


@pytest.mark.parametrize("options", [{}, {"opt_level": 2, "optimize": True}, {"host": False}])
def test_compiled_once_then_loaded_from_the_cache(options, tmp_path):
    assert run(**options) == {"support_misses": 1}
    assert len(entries(tmp_path)) == 1
    assert run(**options) == {"support_hits": 1}


def test_options_do_not_share_an_entry(tmp_path):
    run()
    run(opt_level=2, optimize=True)
    run(host=False)
    assert len(entries(tmp_path)) == 3


def test_a_corrupt_entry_is_reported_and_recompiled(tmp_path):
    run()
    (path,) = entries(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[:-64] + bytes(64))
    with pytest.warns(object_cache.CacheWarning, match=rf"corrupt cache entry {path}"):
        assert run() == {"support_misses": 1}
    assert run() == {"support_hits": 1}


def test_clear_cache_removes_support_code(tmp_path):
    import symgrad as sg
    run()
    sg.clear_cache(memory=False, disk=True)
    assert not entries(tmp_path)


def test_a_corrupt_entry_is_removed_before_the_warning(tmp_path):
    import warnings
    run()
    (path,) = entries(tmp_path)
    path.write_bytes(b"garbage")
    with warnings.catch_warnings():
        warnings.simplefilter("error", object_cache.CacheWarning)
        with pytest.raises(object_cache.CacheWarning):
            run()
        assert not path.exists()  # removed, although the warning was raised as an error
        assert run() == {"support_misses": 1}
        assert run() == {"support_hits": 1}


def test_the_warning_points_at_code_outside_symgrad(tmp_path):
    run()
    (path,) = entries(tmp_path)
    path.write_bytes(b"garbage")
    with pytest.warns(object_cache.CacheWarning) as caught:
        run()
    assert [w.filename for w in caught] == [__file__]


def test_the_key_depends_on_the_ir_llvm_and_the_target_not_on_symgrads_lowering(tmp_path, monkeypatch):
    # Editing a lowering rule (the kernels' toolchain fingerprint) does not recompile support code.
    run()
    monkeypatch.setattr(sgcache, "toolchain_fingerprint", lambda: "an edited lowering rule")
    monkeypatch.setattr(sgcache, "source_fingerprint", lambda: "edited sources")
    assert run() == {"support_hits": 1}
    key = support.support_key(IR, "test-add", (0, False), True)
    assert key != support.support_key(IR + "\n", "test-add", (0, False), True)
    assert key != support.support_key(IR, "test-add", (0, False), False)
    monkeypatch.setattr(rt_llvm, "llvm_fingerprint", lambda host=True: "another llvmlite")
    assert key != support.support_key(IR, "test-add", (0, False), True)
