"""`serialize-small-parallel-loops`: keep small or nested `scf.parallel` loops sequential.

The multi-core path lowers linalg to `scf.parallel` (upstream
convert-linalg-to-parallel-loops) and hands those loops to upstream
`async-parallel-for`, which splits each one into tasks for the async runtime
(symgrad.runtime.threads). That pass treats every `scf.parallel` alike and
decides the block size only at run time, from its `min-task-size` option,
which counts iterations of the parallel dimensions, not work: a row loop of
4096 iterations each summing 1024 elements and an elementwise loop of 4096
elements look the same to it. And it also splits loops nested in other loops
(a column sum is a sequential loop over rows around a parallel loop over
columns), which would dispatch tasks once per row.

So before it runs, this pass rewrites back into plain `scf.for` nests every
`scf.parallel` that
  - is not directly in a function body (nested in a loop), or
  - does less than `min-work` innermost iterations in all (static trip counts:
    the parallel dimensions times the loops inside them),
so only big, outermost loops reach `async-parallel-for` (its `min-task-size`
is then 1: the static filter here already guarantees each of its blocks is
worth a task). Small kernels thus compile to exactly the sequential code of
the single-threaded pipeline, with no runtime calls at all.
"""
from __future__ import annotations

import mlir.ir as ir
from mlir.dialects import scf

from .registry import register_pass

#: Default work threshold: 2^17 innermost iterations (~50-150 us on one core), so that each of
#: the up to 8 blocks per thread that async-parallel-for makes is well above a task's cost.
MIN_WORK = 1 << 17


def _const_index(value: ir.Value):
    owner = value.owner
    if isinstance(owner, ir.Block):  # a block argument
        return None
    op = owner.operation if hasattr(owner, "operation") else owner
    if op.name != "arith.constant":
        return None
    attr = op.attributes["value"]
    return attr.value if isinstance(attr, ir.IntegerAttr) else None


def _trip_count(lb: ir.Value, ub: ir.Value, step: ir.Value):
    lo, hi, st = _const_index(lb), _const_index(ub), _const_index(step)
    if lo is None or hi is None or st is None or st <= 0:
        return None
    return max(0, -(-(hi - lo) // st))


def _loop_trips(op: ir.Operation):
    """Static trip count of an scf.for/scf.parallel (all its dimensions), None if unknown."""
    if op.name == "scf.for":
        return _trip_count(op.operands[0], op.operands[1], op.operands[2])
    n = (len(op.operands) - _num_inits(op)) // 3
    total = 1
    for i in range(n):
        t = _trip_count(op.operands[i], op.operands[n + i], op.operands[2 * n + i])
        if t is None:
            return None
        total *= t
    return total


def _num_inits(op: ir.Operation) -> int:
    return len(op.results)


def _inner_work(block: ir.Block):
    """Innermost iterations of one execution of `block`: the largest static loop nest in it."""
    best = 1
    for op in block.operations:
        if op.name in ("scf.for", "scf.parallel"):
            trips = _loop_trips(op)
            if trips is None:
                return None
            inner = _inner_work(op.regions[0].blocks[0])
            if inner is None:
                return None
            best = max(best, trips * inner)
    return best


def _work(op: ir.Operation):
    trips = _loop_trips(op)
    inner = _inner_work(op.regions[0].blocks[0])
    return None if trips is None or inner is None else trips * inner


def _serialize(op: ir.Operation) -> None:
    """Replaces an scf.parallel without reductions by a nest of scf.for, same body."""
    n = len(op.operands) // 3
    body = op.regions[0].blocks[0]
    ivs = []
    ip = ir.InsertionPoint(op)
    with op.location:
        for i in range(n):
            with ip:
                loop = scf.ForOp(op.operands[i], op.operands[n + i], op.operands[2 * n + i])
            with ir.InsertionPoint(loop.body):
                yield_op = scf.YieldOp([])
            ip = ir.InsertionPoint(yield_op)
            ivs.append(loop.induction_variable)
    for op_in_body in list(body.operations)[:-1]:  # all but the scf.reduce terminator
        op_in_body.move_before(yield_op)
    for arg, iv in zip(body.arguments, ivs):
        arg.replace_all_uses_with(iv)
    op.erase()


@register_pass("serialize-small-parallel-loops",
               "rewrite scf.parallel loops that are nested in another loop, or do less than `min-work` innermost "
               "iterations, as scf.for nests (before async-parallel-for: only big outermost loops use threads)",
               {"min-work": f"innermost iterations below which a loop stays sequential (default {MIN_WORK})"})
def serialize_small_parallel_loops(module_op: ir.Operation, **options) -> None:
    min_work = int(options.get("min-work", MIN_WORK))
    loops = []

    def visit(op):
        if op.name == "scf.parallel":
            loops.append(op)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.POST_ORDER)  # inner loops first
    for op in loops:
        if len(op.results):  # a parallel reduction: never made by the linalg lowering; left alone
            continue
        parent = op.parent
        top = parent is not None and parent.name == "func.func"
        work = _work(op)
        if top and (work is None or work >= min_work):
            continue
        _serialize(op)


#: Stage 5 of graph-to-llvm on the multi-core path: linalg to loops, then big outermost parallel
#: loops split into tasks for the async runtime (upstream passes but for the filter above).
PARALLEL_LOOPS = ("convert-linalg-to-parallel-loops",
                  "serialize-small-parallel-loops",
                  "async-parallel-for{async-dispatch=true num-workers=-1 min-task-size=1}",
                  "async-to-async-runtime",
                  "async-runtime-ref-counting",
                  "async-runtime-ref-counting-opt",
                  "convert-async-to-llvm",
                  "symbol-dce")


def sequential_stages(stages) -> tuple:
    """`stages` with PARALLEL_LOOPS replaced by plain convert-linalg-to-loops."""
    out = []
    for s in stages:
        if s == PARALLEL_LOOPS[0]:
            out.append("convert-linalg-to-loops")
        elif s not in PARALLEL_LOOPS:
            out.append(s)
    return tuple(out)
