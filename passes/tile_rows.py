"""`tile-rows`: run a whole row-wise function block of rows by block of rows, while the block is in cache.

A fused primal+adjoint such as layer norm's is several loop nests over the same [N, D] data (row
statistics, elementwise work, column sums) that elementwise fusion cannot merge, each streaming the
inputs from memory again; but every dependency stays inside a row. This pass puts them in one loop
over blocks of rows (scf.forall over a fixed number of chunks, scf.for over blocks in each), so the
data is read once and intermediates stay in cache. What is tiled, and why the block sizes:
docs/design/passes-tile-rows.md; anything else leaves the function unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import mlir.ir as ir
from mlir.dialects import arith, linalg, scf, tensor

from .parallelism import CHUNKS
from .module_pass import ModulePass, option
from .row_wise import MATERIALIZED, RESHAPES, NotRowWise, RowPlan, as_op, defining_op, is_row_dim

#: Bytes of the widest row tensor's rows in one block: 16 KiB for matrices, 4 KiB for vectors
#: (measured: docs/design/passes-tile-rows.md).
BLOCK_BYTES = 16 * 1024
BLOCK_BYTES_RANK1 = 4 * 1024
#: Functions whose largest row tensor is smaller stay as they are (their data stays in cache anyway).
MIN_BYTES = 1 << 20

def _largest_divisor(n: int, at_most: int) -> int:
    for d in range(max(1, min(n, at_most)), 0, -1):
        if n % d == 0:
            return d
    return 1


def _index(v: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), v).result


def _rows_slice(source: ir.Value, row: ir.Value, rows: int) -> ir.Value:
    t = ir.RankedTensorType(source.type)
    shape = [rows, *t.shape[1:]]
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()
    return tensor.ExtractSliceOp(ir.RankedTensorType.get(shape, t.element_type), source, [row], [], [],
                                 [dyn] + [0] * (t.rank - 1), shape, [1] * t.rank).result


def _insert_rows(source: ir.Value, dest: ir.Value, row: ir.Value, parallel: bool = False):
    t = ir.RankedTensorType(source.type)
    d = ir.RankedTensorType(dest.type)
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()
    sizes = [1] * (d.rank - t.rank) + list(t.shape)  # a rank-reducing insert for the chunks' partials
    args = ([row], [], [], [dyn] + [0] * (d.rank - 1), sizes, [1] * d.rank)
    if parallel:
        return tensor.ParallelInsertSliceOp(source, dest, *args)
    return tensor.InsertSliceOp(source, dest, *args).result


def _fresh(value: ir.Value, rows: Optional[int]) -> ir.Value:
    """A new tensor.empty / linalg.fill like `value`'s producer, with `rows` rows (None: same shape)."""
    op = defining_op(value)
    t = ir.RankedTensorType(value.type)
    shape = list(t.shape) if rows is None else [rows, *t.shape[1:]]
    empty = tensor.EmptyOp(shape, t.element_type).result
    if op.name == "tensor.empty":
        return empty
    return linalg.fill(op.operands[0], outs=[empty])


def _tile(func: ir.Operation, plan: RowPlan, block_rows: int, chunks: int) -> None:
    n = plan.n
    ret = list(plan.block.operations)[-1]
    inside = set(plan.inside)
    escaping = [v for op in plan.inside for v in op.results
                if plan.kind[v] == "R" and any(as_op(u.owner) not in inside for u in v.uses)]
    partials = [v for op in plan.inside for v in op.results if plan.kind[v] == "P"]
    chunk_rows = n // chunks
    loc = func.location
    with ir.InsertionPoint(ret), loc:
        outs = [tensor.EmptyOp(list(v.type.shape), v.type.element_type).result for v in escaping]
        outs += [tensor.EmptyOp([chunks, *v.type.shape], v.type.element_type).result for v in partials]
        forall = scf.ForallOp([0], [chunks], [1], shared_outs=outs)
        with ir.InsertionPoint(forall.body):
            c = forall.induction_variables[0]
            shared = list(forall.inner_iter_args)
            chunk_row = arith.MulIOp(c, _index(chunk_rows)).result
            inits = [_rows_slice(s, chunk_row, chunk_rows) for s in shared[:len(escaping)]]
            inits += [_fresh(_init_of(v), None) for v in partials]
            loop = scf.ForOp(_index(0), _index(chunk_rows // block_rows), _index(1), inits)
            with ir.InsertionPoint(loop.body):
                local_row = arith.MulIOp(loop.induction_variable, _index(block_rows)).result
                row = arith.AddIOp(chunk_row, local_row).result
                acc = dict(zip(partials, list(loop.inner_iter_args)[len(escaping):]))
                mapped = _tile_body(plan, row, block_rows, acc)
                yields = [_insert_rows(mapped[v], it, local_row)
                          for v, it in zip(escaping, list(loop.inner_iter_args)[:len(escaping)])]
                yields += [mapped[v] for v in partials]
                scf.YieldOp(yields)
            term = forall.terminator()
            with ir.InsertionPoint(term.region.blocks[0]):
                results = list(loop.results)
                for k, s in enumerate(shared[:len(escaping)]):
                    _insert_rows(results[k], s, chunk_row, parallel=True)
                for k, s in enumerate(shared[len(escaping):]):
                    _insert_rows(results[len(escaping) + k], s, c, parallel=True)
        combined = [_combine(forall.results[len(escaping) + k], v, plan.combiners[v]) for k, v in enumerate(partials)]
    for k, v in enumerate(escaping):
        v.replace_all_uses_with(forall.results[k])
    for v, r in zip(partials, combined):
        v.replace_all_uses_with(r)
    for op in plan.after:
        op.move_before(ret)
    for op in reversed(plan.inside):
        op.erase()


def _init_of(partial: ir.Value) -> ir.Value:
    """The neutral linalg.fill a reduction over rows started from (checked by RowPlan)."""
    op = defining_op(partial)
    n_in = len(op.operands) - len(op.results)
    return op.operands[n_in + list(op.results).index(partial)]


def _tile_body(plan: RowPlan, row: ir.Value, rows: int, acc: dict) -> dict:
    """Clones the per-row ops for the block of `rows` rows at `row`; returns old value -> new.
    `acc`: reductions over rows -> their accumulator. (Results that leave the loop are inserted
    into the chunk's rows; eliminate-empty-tensors later makes them computed in place there.)"""
    mapped: dict = {}
    fresh: dict = {}
    for op in plan.inside:
        if op.name in RESHAPES:
            mapped[op.results[0]] = _reshape_rows(op, _block_of(op.operands[0], mapped, fresh, row, rows), rows)
            continue
        n_in = len(op.operands) - len(op.results)
        maps = [ir.AffineMapAttr(m).value for m in op.attributes["indexing_maps"]]
        operands = []
        for i, (v, m) in enumerate(zip(op.operands, maps)):
            results = list(m.results)
            sliced = bool(results) and is_row_dim(results[0])
            result = op.results[i - n_in] if i >= n_in else None
            if result is not None and result in acc:
                operands.append(acc[result])
            elif not sliced:
                operands.append(v)
            else:
                operands.append(_block_of(v, mapped, fresh, row, rows))
        types = []
        for r in op.results:
            t = ir.RankedTensorType(r.type)
            types.append(ir.RankedTensorType.get([rows, *t.shape[1:]], t.element_type)
                         if plan.kind[r] == "R" else t)
        attrs = {name: op.attributes[name] for name in op.attributes}
        new = ir.Operation.create(op.name, results=types, operands=operands, attributes=attrs, regions=1,
                                  loc=op.location)
        op.regions[0].blocks[0].append_to(new.regions[0])
        for r, nr in zip(op.results, new.results):
            mapped[r] = nr
    return mapped


def _block_of(v: ir.Value, mapped: dict, fresh: dict, row: ir.Value, rows: int) -> ir.Value:
    """The block's rows of row tensor `v`: computed in the block, made anew, or sliced from an argument."""
    if v in mapped:
        return mapped[v]
    if v not in fresh:
        producer = defining_op(v)
        fresh[v] = _fresh(v, rows) if producer is not None and producer.name in MATERIALIZED \
            else _rows_slice(v, row, rows)
    return fresh[v]


def _reshape_rows(op: ir.Operation, source: ir.Value, rows: int) -> ir.Value:
    """`op` (an expand/collapse_shape that keeps the rows) on a block of `rows` rows."""
    t = ir.RankedTensorType(op.results[0].type)
    result = ir.RankedTensorType.get([rows, *t.shape[1:]], t.element_type)
    attrs = {name: op.attributes[name] for name in op.attributes}
    if "static_output_shape" in attrs:
        attrs["static_output_shape"] = ir.DenseI64ArrayAttr.get([rows, *t.shape[1:]])
    return ir.Operation.create(op.name, results=[result], operands=[source], attributes=attrs,
                               loc=op.location).results[0]


def _combine(partials: ir.Value, original: ir.Value, combiner: ir.Operation) -> ir.Value:
    """Folds the chunks' partial results [C, ...] with `combiner`, in order, from the original init."""
    init = _init_of(original)
    t = ir.RankedTensorType(original.type)
    rank = t.rank
    dims = [ir.AffineDimExpr.get(i) for i in range(rank + 1)]
    maps = ir.ArrayAttr.get([ir.AffineMapAttr.get(ir.AffineMap.get(rank + 1, 0, dims)),
                             ir.AffineMapAttr.get(ir.AffineMap.get(rank + 1, 0, dims[1:]))])
    iters = ir.ArrayAttr.get([ir.Attribute.parse("#linalg.iterator_type<reduction>")] +
                             [ir.Attribute.parse("#linalg.iterator_type<parallel>")] * rank)
    op = linalg.GenericOp([t], [partials], [init], maps, iters)
    et = t.element_type
    body = op.regions[0].blocks.append(et, et)
    with ir.InsertionPoint(body):
        attrs = {name: combiner.attributes[name] for name in combiner.attributes}
        folded = ir.Operation.create(combiner.name, results=[et], operands=[body.arguments[1], body.arguments[0]],
                                     attributes=attrs)
        linalg.YieldOp([folded.results[0]])
    return op.results[0]


@dataclass(frozen=True)
class TileRows(ModulePass):
    name = "tile-rows"
    summary = ("run a row-wise function (row statistics, elementwise work, reductions over rows) block of rows "
               "by block of rows in one loop, so its data is read from memory once")
    min_bytes: int = option(MIN_BYTES, "leave functions whose largest row tensor has fewer bytes")
    block_bytes: int = option(0, f"bytes of the widest row tensor per block (0: {BLOCK_BYTES}, or "
                                 f"{BLOCK_BYTES_RANK1} when the row tensors are vectors)", at_least=0)
    chunks: int = option(CHUNKS, "at most this many chunks of rows, the parallel tasks", at_least=1)

    def apply(self, module_op: ir.Operation) -> None:
        funcs = [op.operation for op in module_op.regions[0].blocks[0].operations
                 if op.operation.name == "func.func" and len(op.regions[0].blocks) > 0]
        for func in funcs:
            try:
                plan = RowPlan(func)
            except NotRowWise:
                continue
            if len(plan.inside) < 2 or plan.largest_row_tensor_bytes() < self.min_bytes:
                continue
            # At least 2 rows (or elements of a vector) per block: linalg-fold-unit-extent-dims would
            # fold a block's unit dim, and a sum over blocks would no longer accumulate in place
            # (one-shot bufferization then rejects the loop: "Yield operand is not equivalent").
            least = 2
            target = self.block_bytes or (BLOCK_BYTES if plan.rank > 1 else BLOCK_BYTES_RANK1)
            block_rows = _largest_divisor(plan.n, max(least, target // max(1, plan.row_bytes())))
            blocks = plan.n // block_rows
            if block_rows < least or blocks < 2:
                continue
            _tile(func, plan, block_rows, _largest_divisor(blocks, self.chunks))
