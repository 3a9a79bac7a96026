"""Region objects (runtime/llvm_parts.py): a kernel module's LLVM IR is compiled as its entries part
and one part per region, each region's object cached on disk by its content. Equal regions are
compiled once, a model sharing regions with one compiled before (another depth, one layer changed,
another process) generates code only for the new ones, and the results are bit-identical to the
module compiled as one piece."""
from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import symgrad as sg
from symgrad import cache as sg_cache
from symgrad.runtime import llvm as rt_llvm
from symgrad.runtime import llvm_parts
from symgrad.runtime import object_cache

MODULE = textwrap.dedent("""\
    ; ModuleID = 'LLVMDialectModule'
    source_filename = "LLVMDialectModule"

    @cst_3 = private constant float 1.000000e+00
    @state = internal global i64 0
    @_symgrad_temporaries_k = constant [1 x i64] [i64 0]

    declare float @llvm.fabs.f32(float) #1

    define internal void @k(ptr %0) {
      call void @k.region0(ptr %0)
      call void @other.region7(ptr %0)
      call void @counts(ptr %0)
      ret void
    }

    define void @symgrad_packed_k(ptr %0) {
      call void @k(ptr %0)
      ret void
    }

    define void @k.region0(ptr %0) #0 {
      %2 = load float, ptr %0
      %3 = call float @llvm.fabs.f32(float %2)
      %4 = load float, ptr @cst_3
      %5 = fadd float %3, %4
      store float %5, ptr %0
      call void @helper(ptr %0)
      ret void
    }

    define void @other.region7(ptr %0) #0 {
      %2 = load float, ptr %0
      %3 = call float @llvm.fabs.f32(float %2)
      %4 = load float, ptr @cst_3
      %5 = fadd float %3, %4
      store float %5, ptr %0
      call void @helper(ptr %0)
      ret void
    }

    define void @helper(ptr %0) {
      %2 = load float, ptr %0
      %3 = fmul float %2, 2.000000e+00
      store float %3, ptr %0
      ret void
    }

    define void @counts(ptr %0) #0 {
      %2 = load i64, ptr @state
      %3 = add i64 %2, 1
      store i64 %3, ptr @state
      ret void
    }

    attributes #0 = { noinline }
    attributes #1 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }
    """)


@pytest.fixture
def cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(llvm_parts.ENV, raising=False)
    sg.clear_cache(memory=True, disk=False)
    return tmp_path


@pytest.fixture(autouse=True)
def small_regions(monkeypatch):
    monkeypatch.setattr(llvm_parts, "MIN_REGION_CHARS", 0)  # MODULE's regions are a few lines


def _run_packed_k(object_code: bytes, x: float) -> float:
    tm = rt_llvm.host_target_machine(3)
    engine = rt_llvm.load_object(tm, object_code)
    fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(engine.get_function_address("symgrad_packed_k"))
    cell = (ctypes.c_float * 1)(x)
    fn(ctypes.cast(cell, ctypes.c_void_p))
    return cell[0]


def test_the_plan_cuts_regions_off_by_content():
    p = llvm_parts.plan(MODULE, "test")
    # The two roots have the same body: one region part, named after its content.
    assert len(p.regions) == 1
    (region,) = p.regions
    assert region.root.startswith(llvm_parts.ROOT_PREFIX) and region.root[len(llvm_parts.ROOT_PREFIX):] == region.key[:24]
    assert f"define void @{region.root}(" in region.text
    assert "define internal void @__f0(" in region.text  # the helper, copied as an internal function
    assert "@__g0 = private constant float" in region.text and "@state" not in region.text
    assert " noinline {" in region.text and "#0" not in region.text  # attribute groups inlined
    # The entries part calls the region by its new name; a function that uses state stays in it;
    # the helper is compiled only in the region.
    assert p.entries.text.count(f"declare void @{region.root}(ptr %0)") == 1
    assert f"call void @{region.root}(ptr %0)" in p.entries.text and "@k.region0" not in p.entries.text
    assert "define void @counts(" in p.entries.text and "define void @helper(" not in p.entries.text
    # Renaming the module's functions and globals changes no key.
    renamed = MODULE.replace("k.region0", "model2.region12").replace("cst_3", "__constant_xf32")
    assert [r.key for r in llvm_parts.plan(renamed, "test").regions] == [region.key]
    assert [r.key for r in llvm_parts.plan(MODULE, "another toolchain").regions] != [region.key]


def test_modules_it_does_not_cut():
    assert llvm_parts.plan(MODULE.replace("symgrad_packed_k", "not_an_entry"), "") is None  # no entry point
    assert llvm_parts.plan(MODULE.replace("@helper", '@"hel per"'), "") is None  # a quoted name
    # A region reading a global that is not a private constant stays in the entries part.
    shared = MODULE.replace("load float, ptr @cst_3", "load float, ptr @_symgrad_temporaries_k")
    p = llvm_parts.plan(shared, "")
    assert p.regions == [] and "define void @k.region0(" in p.entries.text


def test_parts_link_and_compute_what_one_piece_does(cache_dir, monkeypatch):
    obj, info = llvm_parts.optimize_and_emit(MODULE, 3, loop_unrolling=False, key_prefix="t")
    assert info["regions_compiled"] == 1 and info["regions_cached"] == 0
    assert len(rt_llvm.unpack_objects(obj)) == 2
    # |x| + 1, doubled by the helper, twice: (((3 + 1) * 2) + 1) * 2
    assert _run_packed_k(obj, -3.0) == 18.0
    again, info = llvm_parts.optimize_and_emit(MODULE, 3, loop_unrolling=False, key_prefix="t")
    assert info["regions_compiled"] == 0 and info["regions_cached"] == 1
    assert _run_packed_k(again, -3.0) == 18.0
    monkeypatch.setenv(llvm_parts.ENV, "0")
    whole, info = llvm_parts.optimize_and_emit(MODULE, 3, loop_unrolling=False, key_prefix="t")
    assert "regions_compiled" not in info and len(rt_llvm.unpack_objects(whole)) == 1
    assert _run_packed_k(whole, -3.0) == 18.0


def mlp(x, *ws):
    h = x
    for w in ws:
        h = sg.tanh(h @ w)
    return (h * h).sum()


def _args(depth, rng=None):
    rng = rng or np.random.default_rng(0)
    return [rng.standard_normal((16, 32)).astype(np.float32)] + \
        [(rng.standard_normal((32, 32)) * 0.2).astype(np.float32) for _ in range(depth)]


def _regions(fn, args):
    before = sg_cache.stats()
    out = sg.value_and_grad(fn, argnums=tuple(range(1, len(args))))(*args)
    after = sg_cache.stats()
    return out, after["region_misses"] - before["region_misses"], after["region_hits"] - before["region_hits"]


def test_equal_regions_compile_once_at_any_depth(cache_dir):
    _, compiled, cached = _regions(mlp, _args(4))
    assert compiled > 0 and cached == 0
    # Twelve layers: the same regions (content, not names, decides), all from the cache.
    (value, grads), compiled12, cached12 = _regions(mlp, _args(12))
    assert compiled12 == 0 and cached12 == compiled
    (ref,) = sg.interpret(sg.trace(mlp, *_args(12)), None, *_args(12))
    np.testing.assert_allclose(value, ref, rtol=1e-5)
    assert len(grads) == 12


CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import symgrad as sg
    from symgrad import cache
    changed = sys.argv[1] == "changed"
    def model(x, *ws):
        h = x
        for i, w in enumerate(ws):
            h = h @ w
            h = sg.sigmoid(h) if changed and i == 2 else sg.tanh(h)
        return (h * h).sum()
    rng = np.random.default_rng(0)
    args = [rng.standard_normal((16, 32)).astype(np.float32)]
    args += [(rng.standard_normal((32, 32)) * 0.2).astype(np.float32) for _ in range(6)]
    value, grads = sg.value_and_grad(model, argnums=tuple(range(1, 7)))(*args)
    s = cache.stats()
    print(json.dumps({"misses": s["region_misses"], "hits": s["region_hits"],
                      "out": [np.asarray(value).tolist()] + [g.tolist() for g in grads]}))
""")


def _child(which, cache_dir, regions=True):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(cache_dir))
    env[llvm_parts.ENV] = "1" if regions else "0"
    out = subprocess.run([sys.executable, "-c", CHILD, which], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_one_layer_changed_reuses_the_other_regions_from_disk(tmp_path):
    first = _child("same", tmp_path / "shared")
    assert first["hits"] == 0 and first["misses"] > 0
    changed = _child("changed", tmp_path / "shared")  # a new process: only the disk is shared
    assert changed["hits"] > 0 and 0 < changed["misses"] < first["misses"]
    alone = _child("changed", tmp_path / "alone", regions=False)  # one piece, from an empty cache
    assert alone["hits"] == alone["misses"] == 0
    assert changed["out"] == alone["out"]  # bit for bit


def test_a_corrupt_region_object_is_rebuilt(cache_dir):
    args = _args(4)
    (v1, g1), compiled, _ = _regions(mlp, args)
    region_dir = object_cache.REGION.dir()
    files = sorted(region_dir.iterdir())
    assert len(files) == compiled
    files[0].write_bytes(files[0].read_bytes()[:-7])  # truncated
    sg.clear_cache(memory=True, disk=False)
    for d in (object_cache.OBJECT.dir(), object_cache.TRANSFORM.dir()):  # the kernel itself must be rebuilt
        for f in d.iterdir():
            f.unlink()
    with pytest.warns(object_cache.CacheWarning, match="corrupt cache entry"):
        (v2, g2), recompiled, cached = _regions(mlp, args)
    assert recompiled == 1 and cached == compiled - 1
    np.testing.assert_array_equal(v1, v2)
    for a, b in zip(g1, g2):
        np.testing.assert_array_equal(a, b)


def test_a_part_llvm_rejects_is_reported_and_the_module_compiled_whole(cache_dir, monkeypatch):
    real = llvm_parts.plan

    def broken(text, key_prefix=""):
        p = real(text, key_prefix)
        p.regions[0].text += "\nthis is not LLVM IR\n"
        return p

    monkeypatch.setattr(llvm_parts, "plan", broken)
    with pytest.warns(RuntimeWarning, match="compiling the module as one piece"):
        obj, info = llvm_parts.optimize_and_emit(MODULE, 3, loop_unrolling=False, key_prefix="t")
    assert "regions_compiled" not in info and len(rt_llvm.unpack_objects(obj)) == 1
    assert _run_packed_k(obj, -3.0) == 18.0
    assert not list(object_cache.REGION.dir().glob("*.o"))  # nothing half-made was cached
