"""The multi-core passes on real kernels (keep-parallel-bodies-outlined, serialize-small-parallel-loops): what upstream async-parallel-for outlines is found by
structure (not by its names) and kept noinline; the pipeline's thread count is validated."""
from __future__ import annotations

import numpy as np
import pytest

import mlir.ir as ir
import symgrad as sg
from symgrad.module import parse
from symgrad.passes import graph_to_llvm as pipeline
from symgrad.passes.keep_parallel_bodies_outlined import outlined_bodies
from symgrad.passes.loops import parallel_dims
from symgrad.passes.pipeline_text import run_pipeline
from symgrad.runtime import threads


def _lowered_to(stage: str):
    x = np.ones((512, 512), np.float32)
    m = sg.trace(lambda x: sg.softmax(sg.tanh(x), axis=-1), x)
    stages = pipeline.STAGES
    pipe = "builtin.module(" + ",".join(stages[:stages.index(stage) + 1]) + ")"
    copy = parse(m.mlir_with_debuginfo(), name="x", verify=False)
    with copy.context:
        run_pipeline(copy.mlir.operation, pipe)
    return copy


def test_outlined_bodies_are_found_and_kept_noinline():
    """Fails loudly if upstream async-parallel-for stops outlining loop bodies into functions that its
    async.execute regions call (then keep-parallel-bodies-outlined would silently do nothing, and W3's
    forward would grow ~6x in code and compile time)."""
    copy = _lowered_to("keep-parallel-bodies-outlined")
    with copy.context:
        op = copy.mlir.operation
        bodies = outlined_bodies(op)
        text = str(op)
    assert text.count("async.execute") >= 1, "async-parallel-for made no tasks for a 512x512 softmax"
    assert len(bodies) >= 1, "no function called from async.execute: did upstream stop outlining loop bodies?"
    for body in bodies:
        assert "noinline" in str(body.attributes["passthrough"]), body.attributes["sym_name"]
    # the kernel itself is not one of them
    assert all(b.attributes["sym_name"].value != "f" for b in bodies)


def test_parallel_loops_are_one_dimensional():
    copy = _lowered_to("serialize-small-parallel-loops")
    with copy.context:
        loops = []

        def visit(o):
            if o.name == "scf.parallel":
                loops.append(o)
            return ir.WalkResult.ADVANCE
        copy.mlir.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
        assert loops and all(parallel_dims(o) == 1 for o in loops)


@pytest.mark.parametrize("bad,err", [(0, ValueError), (-1, ValueError), (threads.MAX_THREADS + 1, ValueError),
                                     (2.0, TypeError), (True, TypeError), ("2", TypeError)])
def test_pipeline_thread_count_is_validated(bad, err):
    for fn in (pipeline.graph_to_llvm, pipeline.linalg_to_llvm):
        with pytest.raises(err, match="threads"):
            fn(bad)


def test_pipeline_thread_counts():
    assert pipeline.graph_to_llvm(1) == pipeline.GRAPH_TO_LLVM_SEQUENTIAL
    assert pipeline.graph_to_llvm(2) == pipeline.GRAPH_TO_LLVM
    assert pipeline.linalg_to_llvm(1) == pipeline.LINALG_TO_LLVM_SEQUENTIAL
    assert pipeline.graph_to_llvm(None) == pipeline.graph_to_llvm(threads.num_threads())
