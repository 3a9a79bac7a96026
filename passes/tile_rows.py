"""`tile-rows`: run a whole row-wise function block of rows by block of rows, while the block is in cache.

Even after elementwise fusion a fused primal+adjoint such as layer norm's or softmax's is a
handful of loop nests over the same [N, D] data: a row statistic, the next row statistic that
needs it, the loss, the adjoint's row sums, dx, the column sums of dgamma/dbeta. Each nest streams
every input from memory again (W3: ~20 passes over 16 MiB arrays), and fusion cannot merge them:
a row sum must be complete before its row can be normalized. But each of those dependencies stays
inside one row. So this pass wraps the function's loop nests in one loop over blocks of rows:

    scf.forall %c in (C) {                 # C chunks of rows, one task each on the thread pool
      scf.for %j in (rows per chunk / B) { # blocks of B rows (a few tens of KiB): they stay in cache
        every row-wise linalg.generic on the block's rows (extract_slice of the inputs)
        results that leave the function: insert_slice into the chunk's rows
        reductions over rows (column sums, the loss): accumulated per chunk
      }
    }
    partial results of the C chunks combined in order (fixed C: the same bits on any thread count)

so the data is read from memory once and the results written once. The pass runs before
elementwise fusion, which then fuses inside each block; a value with several users stays in a
block-sized temporary, in cache (duplicate-cheap-producers, which recomputes such values to spare a
round trip to memory, leaves blocks alone). Upstream's tile-and-fuse
(transform.structured.fuse_into_containing_op) fuses the producers of one root op; a fused
gradient has several roots (dx, the loss, column sums), consumers of the same producers, which it
would each recompute in their own loop; this pass tiles them together.

What is tiled: a function whose body is only arith.constant, tensor.empty, linalg.fill,
linalg.generic, tensor.expand_shape/collapse_shape and func.return on static shapes, where every
generic that touches a "row" tensor (dim 0 of size N, N the first dim of the largest argument)
iterates rows with its first loop d0, reads every row tensor as (d0, ...) and everything else
without d0, and every reshape of a row tensor only adds or drops unit dims next to the rows
([N] <-> [N, 1]). A generic whose d0 is a reduction (a column sum, a full sum) must start from a
linalg.fill with the neutral value of its combining op (0 for addf, -inf for maximumf, ...), and
its result may be used only after the loop. Anything else leaves the function unchanged, as do
functions whose largest row tensor is small (`min-bytes`) or that have a single loop nest.
"""
from __future__ import annotations

import math
import re
from typing import Optional

import mlir.ir as ir
from mlir.dialects import arith, linalg, scf, tensor

from .registry import register_pass

#: Bytes of the widest row tensor's rows in one block. Matrix rows: 16 KiB, so a block of every live
#: row tensor stays in L2 (measured best for W3/W4 against 8 and 32 KiB). Rank 1: 4 KiB, so each
#: block temporary is small enough for promote-buffers-to-stack (no malloc per block; W1 2^20
#: 2.3 -> 2.0 ms, 2^24 34 -> 28 ms).
BLOCK_BYTES = 16 * 1024
BLOCK_BYTES_RANK1 = 4 * 1024
#: Chunks of rows (one task each): a compile-time constant, so sums never depend on thread count.
CHUNKS = 16
#: Functions whose largest row tensor is smaller stay as they are (their data stays in cache anyway).
MIN_BYTES = 1 << 20

_ROW_DIM = re.compile(r"\bd0\b")
_RESHAPES = {"tensor.expand_shape", "tensor.collapse_shape"}
_ALLOWED = {"arith.constant", "tensor.empty", "linalg.fill", "linalg.generic", "func.return", *_RESHAPES}
_MATERIALIZED = {"tensor.empty", "linalg.fill"}  # cheap to re-create per block


class _Skip(Exception):
    """The function is not row-wise in the sense above; it stays as it is."""


def _neutral(op_name: str, t: ir.Type):
    """The neutral value of a combining op on element type `t` (None: not a known reduction)."""
    if isinstance(t, ir.FloatType):
        return {"arith.addf": 0.0, "arith.mulf": 1.0, "arith.maximumf": -math.inf, "arith.maxnumf": -math.inf,
                "arith.minimumf": math.inf, "arith.minnumf": math.inf}.get(op_name)
    if isinstance(t, ir.IntegerType):
        w = t.width
        return {"arith.addi": 0, "arith.muli": 1, "arith.ori": 0, "arith.xori": 0, "arith.andi": -1,
                "arith.maxsi": -(1 << (w - 1)), "arith.minsi": (1 << (w - 1)) - 1, "arith.maxui": 0,
                "arith.minui": -1}.get(op_name)
    return None


def _as_op(x) -> ir.Operation:
    return x.operation if hasattr(x, "operation") else x


def _op(value: ir.Value) -> Optional[ir.Operation]:
    """The op that defines `value`; None for a block argument."""
    owner = value.owner
    return None if isinstance(owner, ir.Block) else _as_op(owner)


def _is_row_dim(expr) -> bool:
    return isinstance(expr, ir.AffineDimExpr) and expr.position == 0


def _constant(value: ir.Value):
    op = _op(value)
    if op is None or op.name != "arith.constant":
        return None
    attr = op.attributes["value"]
    return attr.value if isinstance(attr, (ir.FloatAttr, ir.IntegerAttr)) else None


def _combiner(generic: ir.Operation, k: int) -> ir.Operation:
    """The op that folds values into output `k` of a reduction generic: yield(op(out_k, x))."""
    body = generic.regions[0].blocks[0]
    n_in = len(generic.operands) - len(generic.results)
    out_arg = body.arguments[n_in + k]
    yielded = list(body.operations)[-1].operands[k]
    op = _op(yielded)
    if op is None or len(op.operands) != 2 or out_arg not in list(op.operands):
        raise _Skip
    uses = [u.owner for u in out_arg.uses]
    if len(uses) != 1:  # the accumulator is read elsewhere in the body: not a plain fold
        raise _Skip
    return op


def _is_neutral_fill(value: ir.Value, combiner: ir.Operation) -> bool:
    op = _op(value)
    if op is None or op.name != "linalg.fill":
        return False
    want = _neutral(combiner.name, ir.ShapedType(value.type).element_type)
    got = _constant(op.operands[0])
    return want is not None and got is not None and got == want


class _Plan:
    """Which values are per-row ('R'), whole ('W'), reduced over rows ('P') or computed after ('A')."""

    def __init__(self, func: ir.Operation):
        if len(func.regions[0].blocks) != 1 or not all(_plain(a.type) for a in func.regions[0].blocks[0].arguments):
            raise _Skip
        self.block = func.regions[0].blocks[0]
        self.n = self._row_count(func)
        self.kind: dict = {}
        self.inside: list = []  # generics run per block, in order
        self.after: list = []  # ops that need a reduction over rows: run after the loop
        self.combiners: dict = {}  # P value -> its combining op
        for op in self.block.operations:
            self._classify(op)

    @staticmethod
    def _row_count(func) -> int:
        args = [a for a in func.regions[0].blocks[0].arguments
                if isinstance(a.type, ir.RankedTensorType) and a.type.rank >= 1 and a.type.has_static_shape]
        if not args:
            raise _Skip
        biggest = max(args, key=lambda a: math.prod(a.type.shape))
        return biggest.type.shape[0]

    def _set(self, value, kind):
        old = self.kind.get(value)
        if old is not None and old != kind:
            raise _Skip
        self.kind[value] = kind

    def _kind(self, value):
        op = _op(value)
        if op is not None and op.name in _MATERIALIZED:
            return "M"
        return self.kind.get(value)  # None: a function argument not seen yet

    def _classify(self, op: ir.Operation):
        op = op.operation
        name = op.name
        if name not in _ALLOWED or not all(_plain(v.type) for v in [*op.operands, *op.results]):
            raise _Skip
        if name == "arith.constant":
            self._set(op.results[0], "W")
        elif name in _MATERIALIZED or name == "func.return":
            for v in op.operands:
                if self._kind(v) is None:
                    self._set(v, "W")
        elif name in _RESHAPES:
            self._classify_reshape(op)
        else:
            self._classify_generic(op)

    def _classify_reshape(self, op: ir.Operation):
        """A reshape that only adds or drops unit dims next to the rows ([N] <-> [N, 1], a keepdims
        row statistic) is row-wise; one of a value without rows stays outside."""
        source, result = op.operands[0], op.results[0]
        kind = self._kind(source)
        if kind in ("P", "A"):
            self.after.append(op)
            self._set(result, "A")
        elif kind == "R" or (kind is None and _keeps_rows(op, self.n)):
            if not _keeps_rows(op, self.n):
                raise _Skip
            self._set(source, "R")
            self._set(result, "R")
            self.inside.append(op)
        else:
            if kind is None:
                self._set(source, "W")
            self._set(result, "W")

    def _classify_generic(self, op: ir.Operation):
        kinds = [self._kind(v) for v in op.operands]
        if any(k in ("P", "A") for k in kinds):  # needs a finished reduction over rows
            if "R" in kinds:
                raise _Skip
            for v, k in zip(op.operands, kinds):
                if k is None:
                    self._set(v, "W")
            self.after.append(op)
            for r in op.results:
                self._set(r, "A")
            return
        maps = [ir.AffineMapAttr(m).value for m in op.attributes["indexing_maps"]]
        iters = [str(a) for a in op.attributes["iterator_types"]]
        roles = []
        rows = None
        for v, m in zip(op.operands, maps):
            results = list(m.results)
            first = results[0] if results else None
            if _is_row_dim(first) and not any(_ROW_DIM.search(str(e)) for e in results[1:]):
                roles.append("sliced")
                rows = ir.RankedTensorType(v.type).shape[0]
            elif not any(_ROW_DIM.search(str(e)) for e in results):
                roles.append("whole")
            else:
                raise _Skip
        n_in = len(op.operands) - len(op.results)
        if rows != self.n or not iters:  # not a loop over the rows: must not touch row tensors
            if "R" in kinds:
                raise _Skip
            for v, k in zip(op.operands, kinds):
                if k is None:
                    self._set(v, "W")
            for r in op.results:
                self._set(r, "W")
            return
        for v, k, role in zip(op.operands, kinds, roles):
            want = "R" if role == "sliced" else "W"
            if k == "M":
                continue
            if k is None:
                self._set(v, want)
            elif k != want:
                raise _Skip
        parallel = "parallel" in iters[0]
        outs_roles = roles[n_in:]
        if parallel:
            if any(r != "sliced" for r in outs_roles):
                raise _Skip
            for r in op.results:
                self._set(r, "R")
        else:
            if any(r != "whole" for r in outs_roles):
                raise _Skip
            for k, (init, r) in enumerate(zip(op.operands[n_in:], op.results)):
                comb = _combiner(op, k)
                if not _is_neutral_fill(init, comb):
                    raise _Skip
                self._set(r, "P")
                self.combiners[r] = comb
        self.inside.append(op)

    @property
    def rank(self) -> int:
        """The largest rank of the row tensors."""
        return max(ir.RankedTensorType(v.type).rank for v, k in self.kind.items() if k == "R")

    def row_bytes(self) -> int:
        widest = 0
        for v, k in self.kind.items():
            if k == "R":
                t = ir.RankedTensorType(v.type)
                widest = max(widest, math.prod(t.shape[1:]) * _bytes(t.element_type))
        return widest

    def largest_row_tensor_bytes(self) -> int:
        return max(math.prod(ir.RankedTensorType(v.type).shape) * _bytes(ir.RankedTensorType(v.type).element_type)
                   for v, k in self.kind.items() if k == "R")


def _keeps_rows(reshape: ir.Operation, n: int) -> bool:
    """Dim 0 is the rows (size n) on both sides, grouped only with unit dims."""
    source = ir.RankedTensorType(reshape.operands[0].type)
    result = ir.RankedTensorType(reshape.results[0].type)
    if source.rank == 0 or result.rank == 0 or source.shape[0] != n or result.shape[0] != n:
        return False
    expanded = result if reshape.name == "tensor.expand_shape" else source
    first = [ir.IntegerAttr(d).value for d in ir.ArrayAttr(reshape.attributes["reassociation"])[0]]
    return first[0] == 0 and all(expanded.shape[d] == 1 for d in first[1:])


def _plain(t: ir.Type) -> bool:
    """A scalar, or a statically shaped tensor of integers or floats (all this pass reasons about)."""
    if isinstance(t, ir.RankedTensorType):
        return t.has_static_shape and isinstance(t.element_type, (ir.IntegerType, ir.FloatType))
    return isinstance(t, (ir.IntegerType, ir.FloatType, ir.IndexType))


def _bytes(t: ir.Type) -> int:
    return max(1, t.width // 8)


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
    op = _op(value)
    t = ir.RankedTensorType(value.type)
    shape = list(t.shape) if rows is None else [rows, *t.shape[1:]]
    empty = tensor.EmptyOp(shape, t.element_type).result
    if op.name == "tensor.empty":
        return empty
    return linalg.fill(op.operands[0], outs=[empty])


def _tile(func: ir.Operation, plan: _Plan, block_rows: int, chunks: int) -> None:
    n = plan.n
    ret = list(plan.block.operations)[-1]
    inside = set(plan.inside)
    escaping = [v for op in plan.inside for v in op.results
                if plan.kind[v] == "R" and any(_as_op(u.owner) not in inside for u in v.uses)]
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
    """The neutral linalg.fill a reduction over rows started from (checked by _Plan)."""
    op = _op(partial)
    n_in = len(op.operands) - len(op.results)
    return op.operands[n_in + list(op.results).index(partial)]


def _tile_body(plan: _Plan, row: ir.Value, rows: int, acc: dict) -> dict:
    """Clones the per-row ops for the block of `rows` rows at `row`; returns old value -> new.
    `acc`: reductions over rows -> their accumulator. (Results that leave the loop are inserted
    into the chunk's rows; eliminate-empty-tensors later makes them computed in place there.)"""
    mapped: dict = {}
    fresh: dict = {}
    for op in plan.inside:
        if op.name in _RESHAPES:
            mapped[op.results[0]] = _reshape_rows(op, _block_of(op.operands[0], mapped, fresh, row, rows), rows)
            continue
        n_in = len(op.operands) - len(op.results)
        maps = [ir.AffineMapAttr(m).value for m in op.attributes["indexing_maps"]]
        operands = []
        for i, (v, m) in enumerate(zip(op.operands, maps)):
            results = list(m.results)
            sliced = bool(results) and _is_row_dim(results[0])
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
        producer = _op(v)
        fresh[v] = _fresh(v, rows) if producer is not None and producer.name in _MATERIALIZED \
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


@register_pass("tile-rows",
               "run a row-wise function (row statistics, elementwise work, reductions over rows) block of rows "
               "by block of rows in one loop, so its data is read from memory once",
               {"min-bytes": f"leave functions whose largest row tensor has fewer bytes (default {MIN_BYTES})",
                "block-bytes": f"bytes of the widest row tensor per block (default {BLOCK_BYTES}; "
                               f"{BLOCK_BYTES_RANK1} when the row tensors are vectors)",
                "chunks": f"at most this many chunks of rows, the parallel tasks (default {CHUNKS})"})
def tile_rows(module_op: ir.Operation, **options) -> None:
    min_bytes = int(options.get("min-bytes", MIN_BYTES))
    block_bytes = options.get("block-bytes")
    funcs = [op.operation for op in module_op.regions[0].blocks[0].operations
             if op.operation.name == "func.func" and len(op.regions[0].blocks) > 0]
    for func in funcs:
        try:
            plan = _Plan(func)
        except _Skip:
            continue
        if len(plan.inside) < 2 or plan.largest_row_tensor_bytes() < min_bytes:
            continue
        # At least 2 rows of a matrix per block: linalg-fold-unit-extent-dims would fold a single
        # row's unit dim, and a column sum would no longer accumulate in place.
        least = 2 if plan.rank > 1 else 1
        target = int(block_bytes) if block_bytes is not None else BLOCK_BYTES if plan.rank > 1 else BLOCK_BYTES_RANK1
        block_rows = _largest_divisor(plan.n, max(least, target // max(1, plan.row_bytes())))
        blocks = plan.n // block_rows
        if block_rows < least or blocks < 2:
            continue
        chunks = _largest_divisor(blocks, int(options.get("chunks", CHUNKS)))
        _tile(func, plan, block_rows, chunks)
