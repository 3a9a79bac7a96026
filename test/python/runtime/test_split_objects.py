"""A long module is compiled as two objects (runtime/llvm.py: the kernels' entry points at -O0,
the rest at -O3), which the loader links in one engine: the same results as one object, bit for
bit, from memory and from the disk cache. (That is the path of a module that is not cut into
region objects, runtime/llvm_parts.py, which is turned off here.)"""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg
from symgrad.runtime import llvm as rt_llvm
from symgrad.runtime import llvm_parts

PACK = rt_llvm.pack_objects


def mlp(x, *ws):
    h = x
    for w in ws:
        h = sg.tanh(h @ w)
    return (h * h).sum()


@pytest.fixture
def args():
    rng = np.random.default_rng(0)
    return [rng.standard_normal((16, 32))] + [rng.standard_normal((32, 32)) * 0.2 for _ in range(6)]


def _value_and_grad(args, split: bool, monkeypatch, tmp_path):
    monkeypatch.setenv(llvm_parts.ENV, "0")
    monkeypatch.setattr(rt_llvm, "SPLIT_MIN_CHARS", 0 if split else 1 << 62)
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path / ("split" if split else "whole")))
    sg.clear_cache(memory=True, disk=False)
    emitted = []
    monkeypatch.setattr(rt_llvm, "pack_objects", lambda objs: emitted.append(len(objs)) or PACK(objs))
    out = sg.value_and_grad(mlp, argnums=tuple(range(1, len(args))))(*args)
    return out, emitted


def test_two_objects_compute_what_one_does(args, monkeypatch, tmp_path):
    (v1, g1), parts1 = _value_and_grad(args, True, monkeypatch, tmp_path)
    (v2, g2), parts2 = _value_and_grad(args, False, monkeypatch, tmp_path)
    assert parts1 == [2] and parts2 == [1]
    np.testing.assert_array_equal(v1, v2)
    for a, b in zip(g1, g2):
        np.testing.assert_array_equal(a, b)


def test_two_objects_load_from_the_disk_cache(args, monkeypatch, tmp_path):
    (v1, g1), parts = _value_and_grad(args, True, monkeypatch, tmp_path)
    assert parts == [2]
    sg.clear_cache(memory=True, disk=False)  # the next call finds the packed objects on disk
    v2, g2 = sg.value_and_grad(mlp, argnums=tuple(range(1, len(args))))(*args)
    np.testing.assert_array_equal(v1, v2)
    for a, b in zip(g1, g2):
        np.testing.assert_array_equal(a, b)


def test_packing_round_trips_and_rejects_a_truncated_value():
    parts = [b"\x7fELF one", b"\x7fELF two, longer"]
    packed = rt_llvm.pack_objects(parts)
    assert rt_llvm.unpack_objects(packed) == parts
    assert rt_llvm.pack_objects(parts[:1]) == parts[0] and rt_llvm.unpack_objects(parts[0]) == parts[:1]
    with pytest.raises(RuntimeError, match="do not add up"):
        rt_llvm.unpack_objects(packed[:-3])
