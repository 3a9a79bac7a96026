"""symgrad's passes of the multi-core path (see PARALLEL_LOOPS at the end for where they run).

- `partition-reductions` (on tensors, before bufferization): a big reduction whose first loop is a
  reduction (a full sum, a column sum) would stay one sequential loop nest; upstream transform ops
  (split_reduction for one reduction dimension, tile_reduction_using_forall for several) cut it
  into CHUNKS parts over blocks of rows, whose partial results are combined in order afterwards.
  CHUNKS is a compile-time constant, so results never depend on the number of threads; the
  sequential pipeline cuts them the same way, so 1 thread and N threads give the same bits.
- `keep-parallel-bodies-outlined`: see its docstring (code size).
- `serialize-small-parallel-loops`, below.

`serialize-small-parallel-loops`: keep small or nested `scf.parallel` loops sequential.

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

from symgrad.dialects.graph.attrs import WORK_ATTR

from .registry import register_pass
from .walk import ops_where

#: Default work threshold: 2^17 innermost iterations (~50-150 us on one core), so that each of
#: the up to 8 blocks per thread that async-parallel-for makes is well above a task's cost.
MIN_WORK = 1 << 17
#: How many parts partition-reductions cuts a big reduction into: a compile-time constant, so the
#: order of a sum (K partial sums added in order) is the same for any number of threads.
CHUNKS = 16


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
    n = _dims(op)
    total = 1
    for i in range(n):
        t = _trip_count(op.operands[i], op.operands[n + i], op.operands[2 * n + i])
        if t is None:
            return None
        total *= t
    return total


def _dims(op: ir.Operation) -> int:
    """Dimensions of an scf.parallel: its operands are lower bounds, upper bounds, steps (one each
    per dimension), then init values (read from its operand segment sizes, not guessed)."""
    lbs, ubs, steps, _inits = ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"])
    assert lbs == ubs == steps, "scf.parallel with unequal bounds and steps"
    return lbs


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
    if WORK_ATTR in op.attributes:  # set by a lowering whose body's work is not loops (a GEMM call)
        return ir.IntegerAttr(op.attributes[WORK_ATTR]).value
    trips = _loop_trips(op)
    inner = _inner_work(op.regions[0].blocks[0])
    return None if trips is None or inner is None else trips * inner


def _into_for_nest(op: ir.Operation, ip: ir.InsertionPoint, ivs: list) -> None:
    """Moves the body of scf.parallel `op` (no reductions) into a nest of scf.for over its
    dimensions len(ivs).. built at `ip`; the first len(ivs) dimensions take the values `ivs`.
    Then erases `op`."""
    n = _dims(op)
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


@register_pass("serialize-small-parallel-loops",
               "rewrite scf.parallel loops that are nested in another loop, or do less than `min-work` innermost "
               "iterations, as scf.for nests (before async-parallel-for: only big outermost loops use threads)",
               {"min-work": f"innermost iterations below which a loop stays sequential (default {MIN_WORK})"})
def serialize_small_parallel_loops(module_op: ir.Operation, **options) -> None:
    min_work = int(options.get("min-work", MIN_WORK))
    loops = ops_where(module_op, lambda op: op.name == "scf.parallel", ir.WalkOrder.POST_ORDER)  # inner loops first
    for op in loops:
        if len(op.results):  # a parallel reduction: never made by the linalg lowering; left alone
            continue
        parent = op.parent
        top = parent is not None and parent.name == "func.func"
        work = _work(op)
        if top and (work is None or work >= min_work):
            if _dims(op) > 1:
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
    n = _dims(op)
    with op.location:
        with ir.InsertionPoint(op):
            outer = scf.ParallelOp([], [op.operands[0]], [op.operands[n]], [op.operands[2 * n]], [])
        block = outer.regions[0].blocks.append(ir.IndexType.get())
        with ir.InsertionPoint(block):
            reduce_op = scf.ReduceOp([], 0)
    _into_for_nest(op, ir.InsertionPoint(reduce_op), [block.arguments[0]])


# ------------------------------------------------------------ outlined loop bodies --
def _outlined_bodies(module_op: ir.Operation) -> list:
    """The functions async-parallel-for outlined: those a func.call inside an async.execute calls
    (found by structure, not by upstream's names for them, parallel_compute_fn*)."""
    callees: set[str] = set()

    def visit(op):
        if op.name == "func.call":
            parent = op.parent
            while parent is not None and parent.name not in ("async.execute", "func.func"):
                parent = parent.parent
            if parent is not None and parent.name == "async.execute":
                callees.add(ir.FlatSymbolRefAttr(op.attributes["callee"]).value)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return [op for op in module_op.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and op.attributes["sym_name"].value in callees]


@register_pass("keep-parallel-bodies-outlined",
               "mark the loop bodies async-parallel-for outlines (the functions its async.execute regions "
               "call) noinline, so LLVM keeps one copy of each instead of inlining it into the caller, the "
               "dispatcher and the task coroutine")
def keep_parallel_bodies_outlined(module_op: ir.Operation) -> None:
    # Each body is called from three places (one block run inline, the dispatch function's own block,
    # the coroutine of a task); inlined, W3's forward grew from 5 to 31 KB of code and its LLVM
    # optimization and code generation took 7x longer. A call per block costs nothing measurable.
    for op in _outlined_bodies(module_op):
        op.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline")])


# ------------------------------------------------------------ partition-reductions --
def _static_bounds(op: ir.Operation):
    """Loop bounds of a linalg.generic from its operands' static shapes (None where unknown)."""
    maps = [ir.AffineMapAttr(m).value for m in op.attributes["indexing_maps"]]
    bounds = [None] * maps[0].n_dims
    for value, amap in zip(op.operands, maps):
        t = value.type
        if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
            continue
        for size, expr in zip(t.shape, amap.results):
            if isinstance(expr, ir.AffineDimExpr) and bounds[expr.position] is None:
                bounds[expr.position] = size
    return bounds


def _iterators(op: ir.Operation) -> list[str]:
    return [str(a).split("<")[-1].rstrip(">") for a in op.attributes["iterator_types"]]


_TRANSFORM = """module attributes {{transform.with_named_sequence}} {{
  transform.named_sequence @__transform_main(%root: !transform.any_op {{transform.readonly}}) {{
    %op = transform.structured.match attributes {{symgrad.partition}} in %root
      : (!transform.any_op) -> !transform.any_op
    {body}
    transform.yield
  }}
}}"""
_SPLIT = ("%f, %s, %c, %l = transform.structured.tile_reduction_using_forall %op by num_threads = [{counts}] "
          ": (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)")

_SPLIT_DIM = ("%i, %f, %s, %c = transform.structured.split_reduction %op "
              "{{split_factor = {chunks}, insert_split_dimension = 0}} "
              ": (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)")


def _apply(module_op: ir.Operation, op: ir.Operation, body: str) -> None:
    from mlir.dialects.transform import interpreter
    op.attributes["symgrad.partition"] = ir.UnitAttr.get()
    try:
        script = ir.Module.parse(_TRANSFORM.format(body=body))
        interpreter.apply_named_sequence(module_op, script.body.operations[0], script)
    finally:
        def clear(o):
            if "symgrad.partition" in o.attributes:
                del o.attributes["symgrad.partition"]
            return ir.WalkResult.ADVANCE
        module_op.walk(clear, ir.WalkOrder.PRE_ORDER)


@register_pass("partition-reductions",
               "split big linalg.generic ops whose first loop is a reduction into `chunks` parts over blocks of "
               "that loop (scf.forall; upstream tile_reduction_using_forall): per-part partial results, "
               "combined in order afterwards. Before bufferization",
               {"min-work": f"iterations below which an op is left alone (default {MIN_WORK})",
                "chunks": f"parts per op, fixed at compile time (default {CHUNKS})"})
def partition_reductions(module_op: ir.Operation, **options) -> None:
    min_work = int(options.get("min-work", MIN_WORK))
    chunks = int(options.get("chunks", CHUNKS))
    found = ops_where(module_op, lambda op: op.name == "linalg.generic" and op.parent is not None
                      and op.parent.name == "func.func")
    for op in found:
        iters = _iterators(op)
        bounds = _static_bounds(op)
        if not iters or iters[0] != "reduction" or None in bounds:
            continue
        work = 1
        for b in bounds:
            work *= b
        if work < min_work:
            continue
        # K partial results over blocks of the first (reduction) dimension, combined in order after:
        # each part reads whole rows (tiling a parallel dimension instead, e.g. blocks of columns of
        # a column sum, reads a strip of every row: a TLB miss per row and part; W3 +25%).
        if len(op.results) != 1 or bounds[0] < chunks:
            continue
        if iters.count("reduction") == 1 and bounds[0] % chunks == 0:
            # a column sum (or a 1-D sum): split_reduction puts the K parts first, so each part's
            # partial results are one contiguous row (tile_reduction_using_forall would interleave
            # them: a column of a [n, K] tensor per part, which does not vectorize)
            body = _SPLIT_DIM.format(chunks=chunks)
        elif all(i == "reduction" for i in iters):
            counts = [0] * len(iters)
            counts[0] = chunks
            body = _SPLIT.format(counts=", ".join(map(str, counts)))
        else:
            continue
        try:
            _apply(module_op, op, body)
        except ir.MLIRError:  # not tileable so (e.g. no recognizable combiner): stays one loop nest
            continue


#: Before bufferization: big reductions cut into a fixed number of parts (scf.forall).
PARTITION = "partition-reductions"
#: Stage 5 of graph-to-llvm on the multi-core path: linalg to loops, then big outermost parallel
#: loops split into tasks for the async runtime (upstream passes but for the filter above).
PARALLEL_LOOPS = ("scf-forall-to-parallel",
                  "convert-linalg-to-parallel-loops",
                  "serialize-small-parallel-loops",
                  "async-parallel-for{async-dispatch=false num-workers=-1 min-task-size=1}",
                  "keep-parallel-bodies-outlined",
                  "async-to-async-runtime",
                  "async-runtime-ref-counting",
                  "async-runtime-ref-counting-opt",
                  "convert-async-to-llvm",
                  "symbol-dce")
# The sequential pipeline's version of each step (a step not named here is dropped).
_SEQUENTIAL = {PARTITION: PARTITION,  # the same sums: the same bits as on N threads
               "scf-forall-to-parallel": "scf-forall-to-for",
               "convert-linalg-to-parallel-loops": "convert-linalg-to-loops"}


def sequential_stages(stages) -> tuple:
    """`stages` for one thread: sequential loops, no tasks, no runtime calls."""
    return tuple(_SEQUENTIAL.get(s, s) for s in stages if s in _SEQUENTIAL or s not in PARALLEL_LOOPS)
