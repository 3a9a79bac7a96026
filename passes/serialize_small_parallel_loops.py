"""`serialize-small-parallel-loops`: small or nested `scf.parallel` loops go back to plain `scf.for`.

Upstream async-parallel-for splits every `scf.parallel` into tasks and sizes them at run time by
iterations, not work, and splits loops nested in other loops too (a task dispatch per row). So
before it runs, this pass serializes each loop that is nested or does less than `min-work`
innermost iterations (static trip counts): only big outermost loops use threads, and small
kernels compile to the code of the single-threaded pipeline (the reasoning:
docs/design/passes-parallel-loops.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import scf

from symgrad.dialects.graph.attrs import WORK_ATTR

from .loops import loop_trips, parallel_dims
from .parallelism import MIN_WORK
from .module_pass import ModulePass, option
from .walk import ops_where


def _inner_work(block: ir.Block):
    """Innermost iterations of one execution of `block`: the largest static loop nest in it."""
    best = 1
    for op in block.operations:
        if op.name in ("scf.for", "scf.parallel"):
            trips = loop_trips(op)
            if trips is None:
                return None
            inner = _inner_work(op.regions[0].blocks[0])
            if inner is None:
                return None
            best = max(best, trips * inner)
    return best


def _work(op: ir.Operation):
    if WORK_ATTR in op.attributes:  # set by a lowering whose body's work is not loops (a GEMM call)
        return ir.IntegerAttr(op.attributes[WORK_ATTR]).value
    trips = loop_trips(op)
    inner = _inner_work(op.regions[0].blocks[0])
    return None if trips is None or inner is None else trips * inner


def _into_for_nest(op: ir.Operation, ip: ir.InsertionPoint, ivs: list) -> None:
    """Moves the body of scf.parallel `op` (no reductions) into a nest of scf.for over its
    dimensions len(ivs).. built at `ip`; the first len(ivs) dimensions take the values `ivs`.
    Then erases `op`."""
    n = parallel_dims(op)
    body = op.regions[0].blocks[0]
    ivs = list(ivs)
    with op.location:
        for i in range(len(ivs), n):
            with ip:
                loop = scf.ForOp(op.operands[i], op.operands[n + i], op.operands[2 * n + i])
            with ir.InsertionPoint(loop.body):
                anchor = scf.YieldOp([])
            ip = ir.InsertionPoint(anchor)
            ivs.append(loop.induction_variable)
    for op_in_body in list(body.operations)[:-1]:  # all but the scf.reduce terminator
        op_in_body.move_before(anchor)
    for arg, iv in zip(body.arguments, ivs):
        arg.replace_all_uses_with(iv)
    op.erase()


def _serialize(op: ir.Operation) -> None:
    """Replaces an scf.parallel without reductions by a nest of scf.for, same body."""
    _into_for_nest(op, ir.InsertionPoint(op), [])


@dataclass(frozen=True)
class SerializeSmallParallelLoops(ModulePass):
    name = "serialize-small-parallel-loops"
    summary = ("rewrite scf.parallel loops that are nested in another loop, or do less than `min-work` innermost "
               "iterations, as scf.for nests (before async-parallel-for: only big outermost loops use threads)")
    min_work: int = option(MIN_WORK, "innermost iterations below which a loop stays sequential")

    def apply(self, module_op: ir.Operation) -> None:
        loops = ops_where(module_op, lambda op: op.name == "scf.parallel", ir.WalkOrder.POST_ORDER)  # inner loops first
        for op in loops:
            if len(op.results):  # a parallel reduction: never made by the linalg lowering; left alone
                continue
            parent = op.parent
            top = parent is not None and parent.name == "func.func"
            work = _work(op)
            if top and (work is None or work >= self.min_work):
                if parallel_dims(op) > 1:
                    _outer_only(op)
                continue
            _serialize(op)


def _outer_only(op: ir.Operation) -> None:
    """Replaces a multi-dimensional scf.parallel (no reductions) by a 1-D scf.parallel over its
    first dimension around an scf.for nest over the others, same body.

    Why: upstream async-parallel-for (LLVM 22) has a "block aligned" path for loops whose inner
    dimensions do at most 512 iterations: it rounds the block size up to whole inner rows but keeps
    the block count computed from the unrounded size, so the last blocks start past the end, and
    delinearizing their start (remsi) wraps them onto rows that other blocks do too: those rows
    run twice (an in-place loop applies its update twice; others race on the same rows). The path
    is taken only for inner dimensions of the parallel op itself, never for a 1-D loop, so here
    every block is whole rows of the first dimension. See test_parallel_rows.py."""
    n = parallel_dims(op)
    with op.location:
        with ir.InsertionPoint(op):
            outer = scf.ParallelOp([], [op.operands[0]], [op.operands[n]], [op.operands[2 * n]], [])
        block = outer.regions[0].blocks.append(ir.IndexType.get())
        with ir.InsertionPoint(block):
            reduce_op = scf.ReduceOp([], 0)
    _into_for_nest(op, ir.InsertionPoint(reduce_op), [block.arguments[0]])
