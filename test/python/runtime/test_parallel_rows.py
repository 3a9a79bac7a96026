"""Every row of a parallel loop runs exactly once, on any number of threads (passes/partition_reductions.py, serialize_small_parallel_loops.py).

Upstream async-parallel-for's "block aligned" path (inner dimensions of at most 512 iterations)
rounds its block size up to whole rows but keeps the block count of the unrounded size, so with 3
or more threads some blocks started past the end and wrapped onto rows other blocks did too:
softmax's in-place last loop divided those rows twice (row sums of 13.5, 8.4, ...), other loops
raced on them. serialize-small-parallel-loops now leaves every parallel loop 1-D over its first
dimension, so that path is never taken. The kernels here are compiled once for the parallel
pipeline and run at several thread counts (the count is read at run time; more threads than cores
still run), and must give the bits of the sequential pipeline."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg
from symgrad.passes import graph_to_llvm as pipelines
from symgrad.runtime import threads

# (shape, thread counts) that gave wrong results before, and a 3-D one (innermost 400 <= 512).
CASES = [((300, 512), (3, 4, 8)), ((257, 512), (4,)), ((265, 512), (3,)), ((513, 256), (4, 8)),
         ((1024, 512), (63, 64)), ((67, 5, 400), (3, 4, 7))]


@pytest.fixture
def num_threads():
    yield threads.set_num_threads
    threads.set_num_threads(None)


def _kernels(name):
    """softmax (a loop that updates its output in place), and an elementwise loop plus a row sum."""
    def softmax(x):
        return sg.softmax(x, axis=-1)

    def mixed(x):
        return sg.tanh(x) * 2.0 + x, sg.sum(sg.exp(x), axis=-1)
    softmax.__name__ = softmax.__qualname__ = f"softmax_{name}"
    mixed.__name__ = mixed.__qualname__ = f"mixed_{name}"
    return sg.jit(softmax), sg.jit(mixed)


@pytest.mark.parametrize("shape,counts", CASES, ids=lambda v: "x".join(map(str, v)))
def test_rows_run_once_on_any_thread_count(shape, counts, num_threads):
    x = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    num_threads(1)
    assert pipelines.graph_to_llvm() == pipelines.GRAPH_TO_LLVM_SEQUENTIAL
    seq = [f(x) for f in _kernels("seq")]
    num_threads(2)
    par = _kernels("par")
    tasks = threads.stats()["tasks"]
    for n in (2, *counts):
        num_threads(n)
        for f, want in zip(par, seq):
            got = f(x)
            for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
                bad = np.flatnonzero((g != w).reshape(shape[0], -1).any(axis=1))
                assert bad.size == 0, f"{shape} on {n} threads: {bad.size} rows differ, first {bad[:5]}"
    assert threads.stats()["tasks"] > tasks  # the parallel kernels did make tasks
    row_sums = seq[0].sum(axis=-1)
    np.testing.assert_allclose(row_sums, 1.0, rtol=1e-5)
