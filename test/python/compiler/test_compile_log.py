"""SYMGRAD_LOG_COMPILES=1 (compiler/compile_log.py): one line per compile naming what was compiled,
where the code came from and each stage's time; nothing when it is off or nothing compiles."""
import logging

import numpy as np
import pytest

import symgrad as sg
from symgrad import compile_log


@pytest.fixture
def lines(monkeypatch, caplog, tmp_path):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv(compile_log.ENV, "1")
    caplog.set_level(logging.WARNING, logger="symgrad.compiles")
    sg.clear_cache()
    return lambda: [r.getMessage() for r in caplog.records if r.name == "symgrad.compiles"]


def loss(x, w):
    return sg.tanh(x @ w).sum()


def test_a_cold_value_and_grad_logs_every_stage_once(lines):
    x, w = np.ones((4, 3), np.float32), np.ones((3, 2), np.float32)
    sg.value_and_grad(loss, argnums=1)(x, w)
    (line,) = lines()
    assert line.startswith("symgrad: compiled value_and_grad(loss) for f32[4,3], f32[3,2] (cold): trace ")
    stages = [part.rsplit(" ", 2)[0] for part in line.split(": ", 2)[2].split("; ")[0].split(", ")]
    assert stages == ["trace", "differentiate", "key", "mlir pipeline", "translate", "llvm split", "llvm parse",
                      "llvm optimize", "codegen", "llvm wall", "load", "total"]


def test_the_line_counts_the_region_objects(lines):
    def deep(x, *ws):
        h = x
        for w in ws:
            h = sg.tanh(h @ w)
        return (h * h).sum()
    x, ws = np.ones((4, 8), np.float32), [np.full((8, 8), 0.1, np.float32)] * 6
    sg.value_and_grad(deep, argnums=tuple(range(1, 7)))(x, *ws)
    sg.clear_cache(memory=True, disk=False)
    sg.value_and_grad(deep, argnums=tuple(range(1, 5)))(x, *ws[:4])  # the same layers, fewer
    first, second = lines()
    compiled = int(first.split("; regions ")[1].split(" ")[0])
    assert compiled > 0 and first.endswith(f"; regions {compiled} compiled, 0 from the cache")
    assert second.endswith(f"; regions 0 compiled, {compiled} from the cache")


def test_caches_say_where_the_code_came_from(lines):
    x, w = np.ones((4, 3), np.float32), np.ones((3, 2), np.float32)
    g = sg.value_and_grad(loss, argnums=1)
    g(x, w)
    g(x, w)  # the same specialization: nothing is traced or compiled
    assert len(lines()) == 1
    sg.clear_cache(memory=True, disk=False)
    sg.value_and_grad(loss, argnums=1)(x, w)  # traced again; the kernel from the transform record on disk
    assert lines()[1].startswith("symgrad: compiled value_and_grad(loss) for f32[4,3], f32[3,2] (transform "
                                 "cache): trace ")
    sg.jit(lambda x: x * 2.0)(x)
    sg.clear_cache(memory=True, disk=False)
    sg.jit(lambda x: x * 2.0)(x)
    assert lines()[2].startswith("symgrad: compiled jit(f) for f32[4,3] (cold)")  # a lambda is shown as f
    assert lines()[3].startswith("symgrad: compiled jit(f) for f32[4,3] (disk cache)")
    assert len(lines()) == 4


def test_sg_compile_names_the_functions(lines):
    sg.compile(sg.trace(lambda x: x + 1.0, np.ones(3), name="plus_one"))
    assert lines()[0].startswith("symgrad: compiled @plus_one (cold): key ")


def test_off_by_default(monkeypatch, caplog, tmp_path):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(compile_log.ENV, raising=False)
    caplog.set_level(logging.WARNING, logger="symgrad.compiles")
    sg.clear_cache()
    sg.jit(lambda x: x - 1.0)(np.ones(3))
    assert [r for r in caplog.records if r.name == "symgrad.compiles"] == []


def test_a_run_of_equal_arguments_is_named_once_with_its_count(lines):
    x, w, b = np.ones((4, 3), np.float32), np.ones((3, 3), np.float32), np.ones(3, np.float32)

    def deep(x, w1, w2, w3, b):
        return (sg.tanh(sg.tanh(sg.tanh(x @ w1) @ w2) @ w3) + b).sum()

    sg.value_and_grad(deep, argnums=(1, 2, 3))(x, w, w, w, b)
    (line,) = lines()
    assert line.startswith("symgrad: compiled value_and_grad(deep) for f32[4,3], 3 x f32[3,3], f32[3] (cold)"), line
