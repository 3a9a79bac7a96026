"""The cache's second level (symgrad.transform_cache): sg.grad/sg.value_and_grad find their fused
kernel by the traced function, in a new process (no differentiation, no sg.compile) and in this
one; damaged or unfitting records are reported and rebuilt; other argnums, shapes, dtypes and
functions never share a record."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import symgrad as sg
from symgrad import cache as sgcache
from symgrad.runtime import object_cache
from symgrad import transform_cache


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path / "cache"))
    sg.clear_cache(memory=True, disk=False)
    yield
    sg.clear_cache(memory=True, disk=False)


def loss(x, w, b):
    return (sg.tanh(x @ w + b) ** 2).mean()


def loss_np(x, w, b):
    t = np.tanh(x @ w + b)
    dz = 2 * t * (1 - t * t) / t.size
    return (t ** 2).mean(), (dz @ w.T, x.T @ dz, dz.sum(axis=0))


def inputs(dtype=np.float64, n=5):
    rng = np.random.default_rng(n)
    return (rng.standard_normal((n, 4)).astype(dtype), rng.standard_normal((4, 3)).astype(dtype),
            rng.standard_normal(3).astype(dtype))


def records(tmp_path):
    return sorted((tmp_path / "cache" / "transforms").glob("*.t"))


def delta(before: dict) -> dict:
    """Lookups since `before`, but the support code's (made once per process, by whichever test is first)."""
    after = sgcache.stats()
    return {k: after[k] - before[k] for k in after if after[k] != before[k] and not k.startswith("support")}


def check(vg, args, argnums):
    value, grads = vg(*args)
    want_value, want = loss_np(*args)
    tol = dict(rtol=1e-10, atol=1e-12) if args[0].dtype == np.float64 else dict(rtol=2e-4, atol=1e-6)
    np.testing.assert_allclose(value, want_value, **tol)
    grads = grads if isinstance(argnums, tuple) else (grads,)
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    for g, i in zip(grads, nums):
        np.testing.assert_allclose(g, want[i], **tol)


def fresh_call(args, argnums=(0, 1, 2), fn=loss):
    """A new transform object with the memory cache emptied: what a new process does, minus imports."""
    sg.clear_cache(memory=True, disk=False)
    vg = sg.value_and_grad(fn, argnums=argnums)
    check(vg, args, argnums)
    return vg


# -- a second process -------------------------------------------------------------------------------
SCRIPT = textwrap.dedent("""
    import json, numpy as np, symgrad as sg
    from symgrad import cache
    def loss(x, w):
        return (sg.sigmoid(x * w) * x).sum()
    x = np.linspace(-2, 2, 12).reshape(3, 4)
    w = np.linspace(0.5, 1.5, 4)
    value, (dx, dw) = sg.value_and_grad(loss, argnums=(0, 1))(x, w)
    s = 1 / (1 + np.exp(-x * w))
    assert np.allclose(value, (s * x).sum(), rtol=1e-12)
    assert np.allclose(dx, s + x * w * s * (1 - s), rtol=1e-12)
    assert np.allclose(dw, (x * x * s * (1 - s)).sum(axis=0), rtol=1e-12)
    print(json.dumps(cache.stats()))
""")


def _run(cache_dir):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(cache_dir), PYTHONWARNINGS="error::RuntimeWarning")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_second_process_finds_the_fused_gradient_by_the_traced_function(tmp_path):
    first = _run(tmp_path)
    assert first["transform_misses"] == 1 and first["transform_hits"] == 0 and first["object_misses"] == 1
    assert len(list((tmp_path / "transforms").glob("*.t"))) == 1
    assert len(list((tmp_path / "objects").glob("*.o"))) == 1
    second = _run(tmp_path)
    # The record, then its object: nothing was differentiated or handed to sg.compile (which would
    # have looked the object up under its own key: one more object lookup).
    assert {k: v for k, v in second.items() if not k.startswith(("support", "region"))} == \
        {"object_hits": 1, "object_misses": 0, "transform_hits": 1, "transform_misses": 0, "corrupt": 0}
    assert second["support_misses"] == 0  # the pool (and any other support code) was compiled by the first


# -- this process -----------------------------------------------------------------------------------
def test_record_hit_skips_differentiation_and_gives_the_same_results(tmp_path, monkeypatch):
    args = inputs()
    fresh_call(args)
    assert len(records(tmp_path)) == 1
    import symgrad.differentiated
    import symgrad.api as transforms

    def boom(*a, **k):
        raise AssertionError("differentiated on a record hit")
    monkeypatch.setattr(symgrad.differentiated, "differentiate", boom)
    before = sgcache.stats()
    vg = fresh_call(args)
    assert delta(before) == {"transform_hits": 1, "object_hits": 1}
    # The rest of the entry is built on first use (e.g. for .lower()), through the usual path.
    monkeypatch.undo()
    stages = vg.lower(*args)
    assert "differentiated" in stages.stages and "loss_fused" in stages.as_text("differentiated")
    del transforms


def test_a_new_transform_object_in_the_same_process_uses_the_memory_level():
    args = inputs()
    a = sg.value_and_grad(loss, argnums=(0, 1, 2))
    check(a, args, (0, 1, 2))
    before = sgcache.stats()
    b = sg.grad(loss, argnums=(0, 1, 2))  # grad and value_and_grad share the fused kernel
    grads = b(*args)
    assert delta(before) == {}  # no disk lookup at all
    for g, want in zip(grads, loss_np(*args)[1]):
        np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("variant", ["argnums", "single_argnum", "shape", "dtype", "function"])
def test_other_argnums_shapes_dtypes_and_functions_get_their_own_records(variant, tmp_path):
    args = inputs()
    fresh_call(args, (0, 1, 2))
    other_args, argnums, fn = args, (0, 1, 2), loss
    if variant == "argnums":
        argnums = (2, 0)
    elif variant == "single_argnum":
        argnums = 1
    elif variant == "shape":
        other_args = inputs(n=7)
    elif variant == "dtype":
        other_args = inputs(np.float32)
    else:
        def fn(x, w, b):  # the same body under another name: other kernels (named after it)
            return (sg.tanh(x @ w + b) ** 2).mean()
    fresh_call(other_args, argnums, fn)
    assert len(records(tmp_path)) == 2
    before = sgcache.stats()
    fresh_call(args, (0, 1, 2))  # both still hit, each its own
    fresh_call(other_args, argnums, fn)
    assert delta(before) == {"transform_hits": 2, "object_hits": 2}


CORRUPTIONS = {
    "empty": lambda data: b"",
    "truncated_header": lambda data: data[:20],
    "truncated_record": lambda data: data[:len(data) - 10],
    "flipped_byte": lambda data: data[:-5] + bytes([data[-5] ^ 0x01]) + data[-4:],
    "garbage": lambda data: os.urandom(len(data)),
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS) + ["other_key"])
def test_a_corrupt_record_is_reported_removed_and_rebuilt(how, tmp_path):
    args = inputs()
    fresh_call(args)
    (path,) = records(tmp_path)
    data = path.read_bytes()
    if how == "other_key":  # a sound record, but of another function (copied by hand)
        fresh_call(args, argnums=(1,))
        other = next(p for p in records(tmp_path) if p != path)
        data = other.read_bytes()
    else:
        data = CORRUPTIONS[how](data)
    path.write_bytes(data)
    before = sgcache.stats()
    with pytest.warns(sgcache.CacheWarning, match=rf"corrupt cache entry {path}"):
        fresh_call(args)
    # Rebuilt by the full path: differentiated, and sg.compile found the object on disk.
    assert delta(before) == {"transform_misses": 1, "corrupt": 1, "object_hits": 1}
    assert object_cache.check_entry(path.stem, path.read_bytes(), object_cache.TRANSFORM_MAGIC)[1] is None
    before = sgcache.stats()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh_call(args)
    assert delta(before) == {"transform_hits": 1, "object_hits": 1}


def _rewrite(path, edit):
    """Edits a record and stores it back soundly (right header and checksum)."""
    payload, problem = object_cache.check_entry(path.stem, path.read_bytes(), object_cache.TRANSFORM_MAGIC)
    assert problem is None
    record = json.loads(payload)
    edit(record)
    sgcache.store_transform(path.stem, record)


UNFITTING = {
    "gradient_order": lambda r: r.update(df_output_vjps=r["df_output_vjps"][::-1]),
    "gradient_out_of_range": lambda r: r.update(df_output_vjps=[0, 1, 7]),
    "no_vjp": lambda r: r.update(vjp_outputs=[]),
    "result_shape": lambda r: [f["results"][1][0].append(1) for f in r["functions"] if f["name"] == r["fused"]],
    "missing_kernel": lambda r: r.update(fused="nowhere"),
    "object_key": lambda r: r.update(object="../../etc/passwd"),
    "not_a_record": lambda r: r.pop("functions"),
}


def test_a_sound_record_whose_object_lacks_the_kernel_is_never_used(tmp_path):
    args = inputs()
    fresh_call(args)
    (path,) = records(tmp_path)
    other = sg.compile(sg.trace(lambda x: x * 2.0, np.ones(3)))  # an object without @loss_fused
    _rewrite(path, lambda r: r.update(object=other.key))
    before = sgcache.stats()
    with pytest.warns(sgcache.CacheWarning, match="cannot be loaded as recorded"):
        fresh_call(args)
    assert delta(before) == {"transform_misses": 1, "corrupt": 1, "object_hits": 2}
    before = sgcache.stats()
    fresh_call(args)
    assert delta(before) == {"transform_hits": 1, "object_hits": 1}


def test_a_record_of_another_format_version_is_a_plain_miss(tmp_path):
    args = inputs()
    fresh_call(args)
    (path,) = records(tmp_path)
    path.write_bytes(b"SYMGRAD-TRF-0\n" + path.read_bytes()[len(object_cache.TRANSFORM_MAGIC):])
    before = sgcache.stats()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh_call(args)
    assert delta(before) == {"transform_misses": 1, "object_hits": 1}
    assert object_cache.check_entry(path.stem, path.read_bytes(), object_cache.TRANSFORM_MAGIC)[1] is None


def test_a_record_whose_object_was_evicted_is_a_plain_miss(tmp_path):
    args = inputs()
    fresh_call(args)
    for p in (tmp_path / "cache" / "objects").glob("*.o"):
        p.unlink()
    before = sgcache.stats()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh_call(args)  # recompiled, both levels written again (its regions' objects found on disk)
    d = delta(before)
    assert d.pop("region_hits") > 0 and d == {"transform_misses": 1, "object_misses": 2}
    before = sgcache.stats()
    fresh_call(args)
    assert delta(before) == {"transform_hits": 1, "object_hits": 1}


def test_clear_cache_and_the_disk_bound_cover_records(tmp_path, monkeypatch):
    args = inputs()
    fresh_call(args)
    assert records(tmp_path)
    sg.clear_cache()
    assert not records(tmp_path) and not list((tmp_path / "cache" / "objects").glob("*.o"))
    fresh_call(args)
    (record,) = records(tmp_path)
    os.utime(record, (1, 1))  # the least recently used entry
    regions = len(list((tmp_path / "cache" / "regions").glob("*.o")))
    # a bound of one byte removes the object, the record and the regions' objects
    assert object_cache.prune(1, keep=None) == 2 + regions
    assert not records(tmp_path)


def test_unwritable_cache_dir_still_works(tmp_path, monkeypatch):
    target = tmp_path / "file"
    target.write_text("not a folder")
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(target))
    args = inputs()
    fresh_call(args)
    before = sgcache.stats()
    fresh_call(args)  # compiled again: nothing could be kept on disk
    assert delta(before).get("transform_hits", 0) == 0 and delta(before).get("object_hits", 0) == 0
    assert target.read_text() == "not a folder"


def test_record_signatures_round_trip():
    cm = sg.compile(sg.trace(lambda x, y: (x * y, x.sum()), np.ones((2, 3), np.float32), np.ones((2, 3), np.float32)))
    for s in cm.signatures.values():
        assert transform_cache.signature_from_record(json.loads(json.dumps(transform_cache.signature_record(s)))) == s


def test_the_transforms_light_trace_context_records_the_same_ir():
    args = inputs()
    light = sg.trace(loss, *args, requires_grad=[0, 2], light=True)
    full = sg.trace(loss, *args, requires_grad=[0, 2])
    assert str(light) == str(full)
    assert light.mlir.operation.get_asm(enable_debug_info=True) == full.mlir.operation.get_asm(enable_debug_info=True)
    # ... and everything downstream works on it (the copies get every dialect).
    g = sg.differentiate(light)
    assert sg.compile(g).forward(*args)[0][0].shape == ()


# -- sound checksums over bad values ---------------------------------------------------------------
def _each_function(field, value):
    def edit(r):
        for f in r["functions"]:
            f[field] = value
    return edit


BAD_VALUES = {
    "single_not_bool": _each_function("single", "yes"),
    "unknown_dtype": lambda r: [f["inputs"][0].__setitem__(1, "f16") for f in r["functions"]],
    "dtype_not_text": lambda r: [f["inputs"][0].__setitem__(1, 3) for f in r["functions"]],
    "negative_dim": lambda r: [f["inputs"][0][0].__setitem__(0, -5) for f in r["functions"]],
    "shape_not_list": lambda r: [f["inputs"][0].__setitem__(0, 5) for f in r["functions"]],
    "functions_not_list": lambda r: r.update(functions={"a": 1}),
    "fused_not_text": lambda r: r.update(fused=["loss_fused"]),
    "name_not_identifier": _each_function("name", "loss fused"),
}


@pytest.mark.parametrize("how", sorted({**UNFITTING, **BAD_VALUES}))
def test_a_sound_record_that_does_not_fit_is_removed_and_rebuilt(how, tmp_path):
    """A record with a sound checksum but a wrong signature or bad values is never used."""
    args = inputs()
    fresh_call(args)
    (path,) = records(tmp_path)
    _rewrite(path, {**UNFITTING, **BAD_VALUES}[how])
    before = sgcache.stats()
    with pytest.warns(sgcache.CacheWarning, match="does not fit the traced function"):
        fresh_call(args)
    assert delta(before) == {"transform_misses": 1, "corrupt": 1, "object_hits": 1}
    before = sgcache.stats()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh_call(args)  # rewritten by the full path
    assert delta(before) == {"transform_hits": 1, "object_hits": 1}


@pytest.mark.parametrize("opt_level", ["abc", None, 99, -1])
def test_the_optimization_level_comes_from_the_key_not_the_record(opt_level, tmp_path):
    # The key's options hold the optimization level, so a record does not store it; a value found in
    # one (an older record, or an edited one) is never used: no ValueError/TypeError/llvmlite assertion.
    args = inputs()
    fresh_call(args)
    (path,) = records(tmp_path)
    assert "opt_level" not in json.loads(object_cache.check_entry(path.stem, path.read_bytes(),
                                                             object_cache.TRANSFORM_MAGIC)[0])
    _rewrite(path, lambda r: r.update(opt_level=opt_level))
    before = sgcache.stats()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh_call(args)
    assert delta(before) == {"transform_hits": 1, "object_hits": 1}


def test_a_record_lists_only_the_fused_kernel(tmp_path):
    fresh_call(inputs())
    (path,) = records(tmp_path)
    record = json.loads(object_cache.check_entry(path.stem, path.read_bytes(), object_cache.TRANSFORM_MAGIC)[0])
    assert [f["name"] for f in record["functions"]] == [record["fused"]] == ["loss_fused"]


def test_a_corrupt_record_under_warnings_as_errors_is_still_removed(tmp_path):
    # The entry is removed before the CacheWarning is raised: with the warning an error, the first
    # call fails, but the next one rebuilds instead of failing again forever.
    args = inputs()
    fresh_call(args)
    (path,) = records(tmp_path)
    _rewrite(path, BAD_VALUES["single_not_bool"])
    sg.clear_cache(memory=True, disk=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sgcache.CacheWarning)
        with pytest.raises(sgcache.CacheWarning) as info:
            sg.value_and_grad(loss, argnums=(0, 1, 2))(*args)
        assert not path.exists()
        fresh_call(args)
    assert str(path) in str(info.value)


def test_the_warning_points_at_the_callers_code(tmp_path):
    args = inputs()
    fresh_call(args)
    (path,) = records(tmp_path)
    path.write_bytes(b"garbage")
    sg.clear_cache(memory=True, disk=False)
    with pytest.warns(sgcache.CacheWarning) as caught:
        sg.value_and_grad(loss, argnums=(0, 1, 2))(*args)
    assert [w.filename for w in caught if issubclass(w.category, sgcache.CacheWarning)] == [__file__]


def test_the_record_and_its_kernels_come_from_one_pipeline(tmp_path, monkeypatch):
    # The thread count changes between the record's key and the compile (set_num_threads in another
    # thread): both must still use one pipeline, or a sequential key would point at parallel code.
    import symgrad.differentiated as differentiated
    from symgrad.passes import graph_to_llvm as pipelines
    from symgrad.runtime import threads
    calls, original = [], differentiated.graph_to_llvm

    def flipping(threads_=None):
        calls.append(1)
        return pipelines.GRAPH_TO_LLVM_SEQUENTIAL if len(calls) == 1 else pipelines.GRAPH_TO_LLVM
    monkeypatch.setattr(differentiated, "graph_to_llvm", flipping)  # where sg.grad picks its pipeline
    x = np.linspace(-1, 1, 512 * 512, dtype=np.float32).reshape(512, 512)
    fn = lambda x: (sg.tanh(x) ** 2).sum()  # noqa: E731  big enough for parallel loops
    sg.clear_cache(memory=True, disk=False)
    sg.grad(fn)(x)
    monkeypatch.setattr(differentiated, "graph_to_llvm", original)
    (path,) = records(tmp_path)
    record = json.loads(object_cache.check_entry(path.stem, path.read_bytes(), object_cache.TRANSFORM_MAGIC)[0])
    parallel = threads.MARKER in sgcache.load_object(record["object"])
    assert not parallel  # compiled with the pipeline its key was made with: the first, sequential one
    # ... and the record is what the sequential pipeline finds: a hit, sequential code.
    monkeypatch.setattr(threads, "_override", 1)
    sg.clear_cache(memory=True, disk=False)
    before = sgcache.stats()
    g = sg.grad(fn)(x)
    assert delta(before) == {"transform_hits": 1, "object_hits": 1}
    np.testing.assert_allclose(g, 2 * np.tanh(x) * (1 - np.tanh(x) ** 2), rtol=1e-4, atol=1e-6)
