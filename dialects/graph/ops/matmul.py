"""`graph.matmul`: numpy.matmul for rank >= 2, with its shape rule, gradient and lowering.

The lowering calls the GEMM of the BLAS numpy ships (runtime/blas.py) and falls back to generated
loops without one; why it is shaped the way it is, with the measurements behind its constants, is
in docs/design/dialects-matmul.md.
"""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, bufferization, llvm, memref, scf

from symgrad.runtime import blas

from ..attrs import WORK_ATTR
from ..emit import G, Tensor, coerce, emit, unbroadcast
from ..lowering import storage_type
from ..registry import OpDef, Sample, register
from ..shape_rules import broadcast_shapes, same_float_dtype
from ..types import ShapeError, TensorType, element_type, shape_str


def _t(*shape, dtype="f32"):
    return TensorType(tuple(shape), dtype)


def _infer_matmul(a, b):
    dtype = same_float_dtype(("lhs", "rhs"), (a, b))
    for n, t in (("lhs", a), ("rhs", b)):
        if t.rank < 2:
            raise ShapeError(f"operand '{n}' of shape {shape_str(t.shape)} must have rank >= 2 "
                             f"(reshape a vector to a 1xN or Nx1 matrix)")
    if a.shape[-1] != b.shape[-2]:
        raise ShapeError(f"contraction dimensions differ: operand 'lhs' of shape {shape_str(a.shape)} has "
                         f"{a.shape[-1]} columns but operand 'rhs' of shape {shape_str(b.shape)} has "
                         f"{b.shape[-2]} rows")
    batch = broadcast_shapes(("lhs batch dims", "rhs batch dims"),
                             (a.with_shape(a.shape[:-2]), b.with_shape(b.shape[:-2])))
    return TensorType(batch + (a.shape[-2], b.shape[-1]), dtype)


def _swap_last(x: Tensor) -> Tensor:
    perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return G.transpose(x, perm=perm)


def _matmul_vjp(g, y, a, b):
    """(g @ b^T, a^T @ g), each summed back over the batch dims its operand was broadcast along.
    When rhs is one matrix for all of lhs's batch (x @ W with x [..., M, K], W [K, N]: every linear
    layer), its gradient sum_i a[i]^T @ g[i] is one product over the folded batch,
    (a as [batch*M, K])^T @ (g as [batch*M, N]): a single GEMM with a long contraction that the
    lowering splits across threads, instead of a batch of short products (one thread) and a sum."""
    da = unbroadcast(G.matmul(g, _swap_last(b)), a.shape)
    K, N = b.shape[-2:]
    if a.ndim > 2 and b.ndim <= a.ndim and all(d == 1 for d in b.shape[:-2]) and a.size and K and N:
        db = G.matmul(_swap_last(G.reshape(a, shape=(a.size // K, K))), G.reshape(g, shape=(g.size // N, N)))
        return da, (db if b.ndim == 2 else G.reshape(db, shape=b.shape))
    return da, unbroadcast(G.matmul(_swap_last(a), g), b.shape)


def _matmul_api(a, b):
    if not isinstance(a, Tensor):
        a = coerce(a, b)
    return emit("matmul", a, coerce(b, a))


def _lower_matmul(lw, a, b):
    """A call into the BLAS numpy ships (runtime/blas.py) when it is found, else generated loops."""
    if lw.result.size == 0:
        return lw.empty(lw.result)
    if lw.operand_types[0].shape[-1] == 0:  # K == 0: a sum of nothing
        return lw.full(lw.result, 0.0)
    if blas.library() is None:
        return _lower_matmul_loops(lw, a, b)
    return _lower_matmul_blas(lw, a, b)


def _lower_matmul_loops(lw, a, b):
    """A linalg.generic contraction over loops (batch..., m, k, n), n innermost so that the inner
    loop is contiguous and vectorizes; broadcast batch dims are collapsed away, not materialized."""
    ta, tb = lw.operand_types
    out = lw.result
    nb = out.rank - 2
    d = ir.AffineDimExpr.get
    m, k, n = nb, nb + 1, nb + 2
    maps, ins = [], []
    for v, t, tail in ((a, ta, (m, k)), (b, tb, (k, n))):
        r = t.rank - 2
        drop = [i for i in range(r) if t.shape[i] == 1 and out.shape[nb - r + i] != 1]
        exprs = [d(nb - r + i) for i in range(r) if i not in drop] + [d(j) for j in tail]
        ins.append(lw.drop_dims(v, drop))
        maps.append(ir.AffineMap.get(nb + 3, 0, exprs))
    out_map = ir.AffineMap.get(nb + 3, 0, [d(i) for i in range(nb)] + [d(m), d(n)])
    return lw.generic(ins, maps, lw.full(out, 0.0), out_map, ["parallel"] * (nb + 1) + ["reduction", "parallel"],
                      lambda x, y, acc: arith.addf(acc, arith.mulf(x, y)))


def _transposed_source(v):
    """`(x, True)` when `v` is `x` with its last two dims swapped by a linalg.transpose (what
    the adjoint's `a^T @ g` lowers to), so BLAS can read `x` transposed instead of a copy."""
    op = getattr(v.owner, "operation", v.owner)
    if isinstance(op, ir.Operation) and op.name == "linalg.transpose":
        perm = list(ir.DenseI64ArrayAttr(op.attributes["permutation"]))
        r = len(perm)
        if r >= 2 and perm == list(range(r - 2)) + [r - 1, r - 2]:
            return op.operands[0], True
    return v, False


def _contiguous_strides(shape):
    strides, acc = [], 1
    for dim in reversed(shape):
        strides.append(acc)
        acc *= dim
    return strides[::-1]


#: Products of at least this many multiply-adds are split by rows (see `_row_part`).
SPLIT_MNK = 1 << 22
#: How many row blocks a split product has (at most), fixed at compile time so that the bits do
#: not depend on the number of threads (docs/design/dialects-matmul.md: why 4).
ROW_PARTS = 4


def _row_part(rows, n, k):
    """Rows per block when a `rows` x `n` x `k` product is split into blocks for threads, None
    when it stays one call. Blocks are whole multiples of 16 rows (OpenBLAS's register blocking
    of M divides 16, so each row is computed by the same kernel path as in the whole product)."""
    if rows * n * k < SPLIT_MNK:
        return None
    part = -(-rows // ROW_PARTS)
    part = -(-part // 16) * 16
    return None if part >= rows else part


def _column_part(rows, n, k):
    """Columns per block when a big `rows` x `n` x `k` product with fewer rows than columns is
    split by columns instead of rows, else None. Each block packs (copies into OpenBLAS's layout)
    its whole lhs and its own columns of rhs, so the blocks together pack lhs ROW_PARTS times and
    rhs once: less than row blocks do (rhs ROW_PARTS times) when lhs is the smaller, rows < n, as
    in a weight gradient x^T @ g (docs/design/dialects-matmul.md). Whole multiples of 64 columns
    (OpenBLAS's register blocking of our N, its M after the row-major swap, divides 64)."""
    if rows >= n or rows * n * k < SPLIT_MNK:
        return None
    part = -(-n // ROW_PARTS)
    part = -(-part // 64) * 64
    return None if part >= n else part


def _lower_matmul_blas(lw, a, b):
    """out[batch] = lhs[batch] @ rhs[batch] as single-threaded cblas GEMM calls (row-major) in a
    private function per shape; transposed operands become BLAS flags, batch dims loops (the
    plan: docs/design/dialects-matmul.md)."""
    lib = blas.library()
    out = lw.result
    dtype = out.dtype
    nb = out.rank - 2
    M, N = out.shape[-2:]
    K = lw.operand_types[0].shape[-1]
    (sa, trans_a), (sb, trans_b) = _transposed_source(a), _transposed_source(b)
    ta, tb = TensorType(tuple(sa.type.shape), dtype), TensorType(tuple(sb.type.shape), dtype)

    def batch_strides(t):  # per out batch dim, in elements (0 where broadcast)
        r = t.rank - 2
        st = _contiguous_strides(t.shape)
        return [st[j - (nb - r)] if j >= nb - r and t.shape[j - (nb - r)] != 1 else 0 for j in range(nb)]

    bsa, bsb, bsc = batch_strides(ta), batch_strides(tb), _contiguous_strides(out.shape)[:nb]
    loops = [d for d in range(nb) if out.shape[d] != 1]
    rows = M
    if not trans_a and all(s == 0 for s in bsb) and all(bsa[d] for d in loops):
        rows, loops = M * int(np.prod(out.shape[:nb], dtype=np.int64)), []  # lhs batch folds into M

    ftype = element_type(dtype)
    ity = ir.IntegerType.get_signless(lib.int_bits)
    i32, i64 = ir.IntegerType.get_signless(32), ir.IntegerType.get_signless(64)
    ptr = ir.Type.parse("!llvm.ptr")
    # Single-threaded GEMMs only (runtime/blas.py): which interface an m-row call uses.
    def uses_batch(m, n):
        return lib.has("gemm_batch_strided") and m * n * K > blas.SMALL_MNK
    esize = 4 if dtype == "f32" else 8

    def body(x, y, out_address):
        def int_(v, t=ity):
            return arith.constant(t, int(v))

        xm = bufferization.to_buffer(ir.MemRefType.get(list(ta.shape), ftype), x, read_only=True)
        ym = bufferization.to_buffer(ir.MemRefType.get(list(tb.shape), ftype), y, read_only=True)
        bases = [arith.index_cast(i64, memref.extract_aligned_pointer_as_index(m)) for m in (xm, ym)]
        bases.append(arith.index_cast(i64, out_address))
        flags = [int_(blas.ROW_MAJOR, i32), int_(blas.TRANS if trans_a else blas.NO_TRANS, i32),
                 int_(blas.TRANS if trans_b else blas.NO_TRANS, i32), int_(rows), int_(N), int_(K),
                 arith.constant(ftype, 1.0)]
        lds = [int_(max(1, ta.shape[-1])), int_(max(1, tb.shape[-1])), int_(max(1, N))]
        zero, esize_c = int_(0), int_(esize, i64)

        def shifted(offsets, row0):  # offsets of the call that starts at op(lhs)/out row `row0` (i64)
            # op(lhs) row r starts at element r of the stored [K, M] matrix when transposed, else at
            # r*lda; out row r at r*N; rhs is whole for every part.
            a_off = row0 if trans_a else arith.muli(row0, int_(max(1, ta.shape[-1]), i64))
            add = [a_off, None, arith.muli(row0, int_(N, i64))]
            return [d if o is None else o if d is None else arith.addi(o, d) for o, d in zip(offsets, add)]

        def gemm(offsets, flags, m, n=N):  # an m x n call; i64 element offsets into lhs, rhs, out (None: 0)
            piece = max(1, blas.THREAD_MNK // max(1, n * K))  # rows per plain call that OpenBLAS keeps on one thread
            if uses_batch(m, n) or m <= piece:
                interface(offsets, flags, uses_batch(m, n))
                return
            idx = ir.IndexType.get()
            loop = scf.ForOp(arith.constant(idx, 0), arith.constant(idx, -(-m // piece)), arith.constant(idx, 1))
            with ir.InsertionPoint(loop.body):
                row0 = arith.muli(arith.index_cast(i64, loop.induction_variable), int_(piece, i64))
                n_rows = arith.minsi(int_(piece, i64), arith.subi(int_(m, i64), row0))
                if ity != i64:
                    n_rows = arith.trunci(ity, n_rows)
                interface(shifted(offsets, row0), flags[:3] + [n_rows] + flags[4:], False)
                scf.YieldOp([])

        def interface(offsets, flags, batch):
            p = [llvm.inttoptr(ptr, base if off is None else arith.addi(base, arith.muli(off, esize_c)))
                 for base, off in zip(bases, offsets)]
            symbol = lib.symbol("gemm_batch_strided" if batch else "gemm", dtype)
            if batch:  # one matrix: strides 0, count 1
                args = [p[0], lds[0], zero, p[1], lds[1], zero, arith.constant(ftype, 0.0), p[2], lds[2], zero,
                        int_(1)]
            else:
                args = [p[0], lds[0], p[1], lds[1], arith.constant(ftype, 0.0), p[2], lds[2]]
            lw.call_external(symbol, flags + args)

        idx = ir.IndexType.get()

        def index(v):
            return arith.constant(idx, int(v))

        def block_of(block_index, part, parts, offsets, by_columns):
            """The GEMM of row (or column) block `block_index` (an index value) of `part` rows (or
            columns); the last of the `parts` blocks may be smaller: it gets its own branch, since
            its size may call for the other interface or for pieces."""
            start = arith.muli(arith.index_cast(i64, block_index), int_(part, i64))
            size = arith.minsi(int_(part, i64), arith.subi(int_(N if by_columns else rows, i64), start))
            if ity != i64:
                size = arith.trunci(ity, size)
            if by_columns:  # op(rhs) column c starts at row c of the stored [N, K] matrix when transposed
                b_off = arith.muli(start, int_(max(1, tb.shape[-1]), i64)) if trans_b else start
                add = [None, b_off, start]
                part_offsets = [d if o is None else o if d is None else arith.addi(o, d)
                                for o, d in zip(offsets, add)]
                part_flags = flags[:4] + [size] + flags[5:]
            else:
                part_offsets = shifted(offsets, start)
                part_flags = flags[:3] + [size] + flags[4:]
            last = (N if by_columns else rows) - (parts - 1) * part

            def call(extent):
                gemm(part_offsets, part_flags, *((rows, extent) if by_columns else (extent, N)))
            if last == part:
                call(part)
                return
            is_last = arith.cmpi(arith.CmpIPredicate.eq, block_index, index(parts - 1))
            branch = scf.IfOp(is_last, [], has_else=True)
            for region, extent in ((branch.then_block, last), (branch.else_block, part)):
                with ir.InsertionPoint(region):
                    call(extent)
                    scf.YieldOp([])

        def at_batch(flat, offsets):
            """`offsets` moved to the matrices of batch iteration `flat` (an index value over the
            batch loops, row-major)."""
            for level in reversed(range(len(loops))):
                d = loops[level]
                i = flat if level == 0 else arith.remui(flat, index(out.shape[d]))
                if level:
                    flat = arith.divui(flat, index(out.shape[d]))
                iv = arith.index_cast(i64, i)
                step = [arith.muli(iv, int_(st, i64)) if st else None for st in (bsa[d], bsb[d], bsc[d])]
                offsets = [o if st is None else st if o is None else arith.addi(o, st)
                           for o, st in zip(offsets, step)]
            return offsets

        def nest(level, offsets):  # small products: the batch loops in order, one thread
            if level == len(loops):
                gemm(offsets, flags, rows)
                return
            d = loops[level]
            loop = scf.ForOp(index(0), index(out.shape[d]), index(1))
            with ir.InsertionPoint(loop.body):
                iv = arith.index_cast(i64, loop.induction_variable)
                step = [arith.muli(iv, int_(st, i64)) if st else None for st in (bsa[d], bsb[d], bsc[d])]
                nest(level + 1, [o if st is None else st if o is None else arith.addi(o, st)
                                 for o, st in zip(offsets, step)])
                scf.YieldOp([])

        # Big products use symgrad's threads: one scf.parallel over every (batch matrix, row block)
        # pair, each one single-threaded GEMM, that the multi-core pipeline spreads over its
        # threads (marked with its work, which serialize-small-parallel-loops reads: its body has no
        # loops to count). Rows (or columns, `_column_part`) are split only when there are fewer
        # batch matrices than ROW_PARTS; the plan is fixed here, so the bits do not depend on the
        # thread count.
        count = int(np.prod([out.shape[d] for d in loops], dtype=np.int64))
        col_part = _column_part(rows, N, K) if count < ROW_PARTS else None
        part = col_part or (_row_part(rows, N, K) if count < ROW_PARTS else None)
        parts = 1 if part is None else -(-(N if col_part else rows) // part)
        if count * parts == 1 or count * rows * N * K < SPLIT_MNK:
            nest(0, [None, None, None])
            return []
        loop = scf.ParallelOp([], [index(0)], [index(count * parts)], [index(1)], [])
        loop.operation.attributes[WORK_ATTR] = ir.IntegerAttr.get(i64, count * rows * N * K)
        block = loop.regions[0].blocks.append(idx)
        with ir.InsertionPoint(block):
            reduce_op = scf.ReduceOp([], 0)
        with ir.InsertionPoint(reduce_op):
            i = block.arguments[0]
            offsets = [None, None, None]
            if count > 1:
                offsets = at_batch(i if parts == 1 else arith.divui(i, index(parts)), offsets)
            if parts == 1:
                gemm(offsets, flags, rows)
            else:
                block_of(i if count == 1 else arith.remui(i, index(parts)), part, parts, offsets, col_part is not None)
        return []

    # The result buffer is allocated here, not in the callee: a returned result that is an
    # allocation becomes the caller's out-parameter in place (buffer-results-to-out-params).
    name = (f"symgrad_matmul_{dtype}_{'x'.join(map(str, ta.shape))}{'t' if trans_a else ''}"
            f"_{'x'.join(map(str, tb.shape))}{'t' if trans_b else ''}_{'x'.join(map(str, out.shape))}")
    result = memref.alloc(ir.MemRefType.get(list(out.shape), ftype), [], [], alignment=64)
    lw.call_private(name, [sa, sb, memref.extract_aligned_pointer_as_index(result)], [], body)
    return bufferization.to_tensor(storage_type(out), result, restrict=True, writable=True)


register(OpDef(
    name="matmul", summary="Matrix product with numpy.matmul semantics for rank >= 2 (batch dims broadcast).",
    operands=("lhs", "rhs"), infer=_infer_matmul, ref=np.matmul,
    shape_rule="[..., M, K] x [..., K, N] -> [broadcast(...), M, N]",
    vjp=_matmul_vjp,
    vjp_doc="(g @ b^T, a^T @ g), batch dims summed back to each operand's shape (a matrix rhs's over lhs's "
            "folded batch: one product)",
    api_name="matmul", api=_matmul_api,
    samples=(Sample((_t(3, 4), _t(4, 5))), Sample((_t(2, 3, 4, dtype="f64"), _t(4, 2, dtype="f64"))),
             Sample((_t(2, 1, 3, 4), _t(5, 4, 2))),
             Sample((_t(2, 3, 4), _t(4, 5))), Sample((_t(2, 2, 3, 4, dtype="f64"), _t(1, 4, 2, dtype="f64")))), lower=_lower_matmul, lowering_reads_producers=True))
