"""Linear algebra, data movement and constants: matmul, transpose, reshape,
broadcast_to, sum_to_size, concat, slice, pad, constant, cast."""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, tensor

from ..attrs import DTYPE, INT, INTS, TENSOR, WORK_ATTR
from ..emit import G, Tensor, coerce, constant, emit, unbroadcast
from ..lowering import ADD
from ..registry import OpDef, Sample, register
from ..shape_rules import broadcast_shapes, can_broadcast, check_shape_attr, normalize_axes, require_float, \
    same_float_dtype
from ..types import DTypeError, ShapeError, TensorType, dtype_from_numpy, element_type, shape_str


def _t(*shape, dtype="f32"):
    return TensorType(tuple(shape), dtype)


# ---------------------------------------------------------------- matmul -----
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


def _matmul_api(a, b):
    if not isinstance(a, Tensor):
        a = coerce(a, b)
    return emit("matmul", a, coerce(b, a))


def _lower_matmul(lw, a, b):
    """A call into the BLAS numpy ships (runtime/blas.py) when it is found, else generated loops.
    GEMM is what numpy, PyTorch and JAX all hand to a tuned BLAS; the loops are ~10x slower."""
    from symgrad.runtime import blas
    if lw.result.size == 0:
        return lw.empty(lw.result)
    if lw.operand_types[0].shape[-1] == 0:  # K == 0: a sum of nothing
        return lw.full(lw.result, 0.0)
    if blas.library() is None:
        return _lower_matmul_loops(lw, a, b)
    return _lower_matmul_blas(lw, a, b, blas)


def _lower_matmul_loops(lw, a, b):
    """A linalg.generic contraction over loops (batch..., m, k, n): n innermost, so the inner loop
    walks rows of rhs and out contiguously and LLVM vectorizes it (the i-j-k order of
    linalg.matmul's loops strides down rhs columns, ~5x slower). Batch maps broadcast (size-1
    batch dims collapsed away), so nothing is materialized."""
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
#: How many row blocks a split product has (at most): fixed at compile time, so the blocks, and
#: hence the bits, are the same on any number of threads. Each block repacks the whole rhs, so
#: fewer is cheaper, more balances better when a core is busy: 4 measured best on W2's products
#: (bench/gemm.py minima, two runs each: x @ W1 1.31 ms vs 1.41 with 8, x^T @ dz 1.33-1.37 vs
#: 1.48; numpy 1.20-1.25; 2 blocks were as fast alone but twice as slow when a thread stalled).
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


def _lower_matmul_blas(lw, a, b, blas):
    """out[batch] = lhs[batch] @ rhs[batch] as cblas ?gemm calls (row-major), in a private
    function per shape (`Lowering.call_private`) whose arguments bufferization makes plain
    contiguous buffers. An operand that is a transpose of the last two dims is passed untransposed
    with the BLAS transpose flag. Batch dims loop (scf.for) with stride 0 where an operand
    broadcasts; when rhs has no batch of its own, lhs's batch folds into M: one call."""
    from mlir.dialects import bufferization, llvm, memref, scf
    from symgrad.dialects.graph.lowering import storage_type

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
    # Single-threaded GEMMs only (see runtime/blas.py): the strided-batch interface with one matrix
    # above OpenBLAS's small-matrix size, plain ?gemm up to its threading threshold, and pieces of
    # at most that size in between.
    def uses_batch(m):  # the interface for an m-row call
        return lib.has("gemm_batch_strided") and m * N * K > blas.SMALL_MNK

    piece = max(1, blas.THREAD_MNK // max(1, N * K))  # rows per plain call that OpenBLAS keeps on one thread
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

        def gemm(offsets, flags, m):  # an m-row call; i64 element offsets into lhs, rhs, out (None: 0)
            if uses_batch(m) or m <= piece:
                interface(offsets, flags, uses_batch(m))
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

        def call(offsets):
            part = _row_part(rows, N, K) if not loops else None
            if part is None:
                gemm(offsets, flags, rows)
                return
            # Big product: blocks of `part` rows, one single-threaded GEMM each, in an scf.parallel
            # that the multi-core pipeline spreads over symgrad's threads (marked with its work,
            # which serialize-small-parallel-loops reads: its body has no loops to count).
            idx = ir.IndexType.get()
            parts = -(-rows // part)
            loop = scf.ParallelOp([], [arith.constant(idx, 0)], [arith.constant(idx, parts)],
                                  [arith.constant(idx, 1)], [])
            loop.operation.attributes[WORK_ATTR] = ir.IntegerAttr.get(i64, rows * N * K)
            block = loop.regions[0].blocks.append(idx)
            with ir.InsertionPoint(block):
                reduce_op = scf.ReduceOp([], 0)
            with ir.InsertionPoint(reduce_op):
                row0 = arith.muli(arith.index_cast(i64, block.arguments[0]), int_(part, i64))
                n_rows = arith.minsi(int_(part, i64), arith.subi(int_(rows, i64), row0))
                if ity != i64:
                    n_rows = arith.trunci(ity, n_rows)
                part_offsets = shifted(offsets, row0)
                part_flags = flags[:3] + [n_rows] + flags[4:]
                last = rows - (parts - 1) * part
                if last == part:
                    gemm(part_offsets, part_flags, part)
                else:  # the last block is smaller: it may take another interface or pieces
                    is_last = arith.cmpi(arith.CmpIPredicate.eq, block.arguments[0],
                                         arith.constant(idx, parts - 1))
                    branch = scf.IfOp(is_last, [], has_else=True)
                    for region, m in ((branch.then_block, last), (branch.else_block, part)):
                        with ir.InsertionPoint(region):
                            gemm(part_offsets, part_flags, m)
                            scf.YieldOp([])

        def nest(level, offsets):
            if level == len(loops):
                call(offsets)
                return
            d = loops[level]
            idx = ir.IndexType.get()
            loop = scf.ForOp(arith.constant(idx, 0), arith.constant(idx, out.shape[d]), arith.constant(idx, 1))
            with ir.InsertionPoint(loop.body):
                iv = arith.index_cast(i64, loop.induction_variable)
                step = [arith.muli(iv, int_(st, i64)) if st else None for st in (bsa[d], bsb[d], bsc[d])]
                nest(level + 1, [o if st is None else st if o is None else arith.addi(o, st)
                                 for o, st in zip(offsets, step)])
                scf.YieldOp([])

        nest(0, [None, None, None])
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
    vjp=lambda g, y, a, b: (unbroadcast(G.matmul(g, _swap_last(b)), a.shape),
                            unbroadcast(G.matmul(_swap_last(a), g), b.shape)),
    vjp_doc="(g @ b^T, a^T @ g), batch dims summed back to each operand's shape",
    api_name="matmul", api=_matmul_api,
    samples=(Sample((_t(3, 4), _t(4, 5))), Sample((_t(2, 3, 4, dtype="f64"), _t(4, 2, dtype="f64"))),
             Sample((_t(2, 1, 3, 4), _t(5, 4, 2)))), lower=_lower_matmul))


# ---------------------------------------------------------------- transpose --
def _infer_transpose(x, perm):
    if sorted(perm) != list(range(x.rank)):
        raise ShapeError(f"perm {tuple(perm)} is not a permutation of the {x.rank} dims of shape "
                         f"{shape_str(x.shape)}")
    return x.with_shape(tuple(x.shape[p] for p in perm))


def _transpose_api(x, axes=None):
    perm = tuple(reversed(range(x.ndim))) if axes is None else tuple(a % x.ndim if -x.ndim <= a < x.ndim else a
                                                                    for a in axes)
    return emit("transpose", x, perm=perm)


def _lower_transpose(lw, x, perm):
    from mlir.dialects import linalg
    if list(perm) == sorted(perm):  # identity (incl. rank 0, where linalg.transpose asserts)
        return x
    return linalg.transpose(x, outs=[lw.empty(lw.result)], permutation=list(perm))


register(OpDef(
    name="transpose", summary="Permutes dimensions: result dim i is operand dim perm[i].",
    operands=("input",), attrs={"perm": INTS}, infer=_infer_transpose,
    ref=lambda x, perm: np.transpose(x, perm), shape_rule="result shape[i] = operand shape[perm[i]]",
    vjp=lambda g, y, x, perm: (G.transpose(g, perm=tuple(np.argsort(perm).tolist())),),
    vjp_doc="g transposed by the inverse permutation", api_name="transpose", api=_transpose_api,
    samples=(Sample((_t(3, 4),), {"perm": (1, 0)}), Sample((_t(2, 3, 4, dtype="f64"),), {"perm": (2, 0, 1)})), lower=_lower_transpose))


# ---------------------------------------------------------------- reshape ----
def _infer_reshape(x, shape):
    shape = check_shape_attr(shape)
    if int(np.prod(shape, dtype=np.int64)) != x.size:
        raise ShapeError(f"cannot reshape operand 'input' of shape {shape_str(x.shape)} ({x.size} elements) "
                         f"to {shape_str(shape)} ({int(np.prod(shape, dtype=np.int64))} elements)")
    return x.with_shape(shape)


def _reshape_api(x, shape):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if shape.count(-1) > 1:
        raise ValueError("symgrad.reshape: only one dimension can be -1")
    if -1 in shape:
        known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
        if known == 0 or x.size % known:
            raise ValueError(f"symgrad.reshape: cannot reshape shape {shape_str(x.shape)} to {shape}")
        shape = tuple(x.size // known if d == -1 else d for d in shape)
    return emit("reshape", x, shape=shape)


def _lower_reshape(lw, x, shape):
    return lw.reshape(x, shape)  # tensor.collapse_shape/expand_shape: views, no copy


register(OpDef(
    name="reshape", summary="Same elements in row-major order, new shape.", operands=("input",),
    attrs={"shape": INTS}, infer=_infer_reshape, ref=lambda x, shape: np.reshape(x, shape),
    shape_rule="`shape`, which must have as many elements as the operand",
    vjp=lambda g, y, x, shape: (G.reshape(g, shape=x.shape),), vjp_doc="g reshaped to the operand's shape",
    rematerializable=True, api_name="reshape", api=_reshape_api,
    samples=(Sample((_t(3, 4),), {"shape": (2, 6)}), Sample((_t(2, 3, 4, dtype="f64"),), {"shape": (24,)}),
             Sample((_t(6),), {"shape": (1, 6, 1)})), lower=_lower_reshape))


# ---------------------------------------------------------------- broadcast --
def _infer_broadcast_to(x, shape):
    shape = check_shape_attr(shape)
    if not can_broadcast(x.shape, shape):
        raise ShapeError(f"operand 'input' of shape {shape_str(x.shape)} cannot be broadcast to "
                         f"{shape_str(shape)}")
    return x.with_shape(shape)


def _infer_sum_to_size(x, shape):
    require_float("input", x)
    shape = check_shape_attr(shape)
    if not can_broadcast(shape, x.shape):
        raise ShapeError(f"shape {shape_str(shape)} does not broadcast to the shape {shape_str(x.shape)} of "
                         f"operand 'input', so the operand cannot be summed to it")
    return x.with_shape(shape)


def sum_to_size_ref(x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and x.shape[lead + i] != 1)
    return np.sum(x, axis=axes, keepdims=True).reshape(shape) if axes else x.reshape(shape)


def _lower_broadcast_to(lw, x, shape):
    return lw.elementwise(lambda s, v: v, [x], shape=shape)  # a broadcasting generic; fuses into consumers


register(OpDef(
    name="broadcast_to", summary="numpy.broadcast_to: repeats size-1 and missing leading dims.",
    operands=("input",), attrs={"shape": INTS}, infer=_infer_broadcast_to,
    ref=lambda x, shape: np.broadcast_to(x, shape).copy(),
    shape_rule="`shape`, to which the operand must broadcast",
    vjp=lambda g, y, x, shape: (G.sum_to_size(g, shape=x.shape),), vjp_doc="sum_to_size(g, operand shape)",
    rematerializable=True, api_name="broadcast_to", api=lambda x, shape: emit("broadcast_to", x, shape=tuple(shape)),
    samples=(Sample((_t(4),), {"shape": (3, 4)}), Sample((_t(2, 1, dtype="f64"),), {"shape": (3, 2, 5)})), lower=_lower_broadcast_to))

def _lower_sum_to_size(lw, x, shape):
    t = lw.operand_types[0]
    lead = t.rank - len(shape)
    axes = list(range(lead)) + [lead + i for i, d in enumerate(shape) if d == 1 and t.shape[lead + i] != 1]
    return lw.reshape(lw.reduce(x, axes, ADD, 0.0), shape)


register(OpDef(
    name="sum_to_size", summary="Sums a broadcast result back to `shape` (the adjoint of broadcast_to).",
    operands=("input",), attrs={"shape": INTS}, infer=_infer_sum_to_size, ref=sum_to_size_ref,
    shape_rule="`shape`, which must broadcast to the operand's shape",
    vjp=lambda g, y, x, shape: (G.broadcast_to(g, shape=x.shape),), vjp_doc="broadcast_to(g, operand shape)",
    api_name="sum_to_size", api=lambda x, shape: emit("sum_to_size", x, shape=tuple(shape)),
    samples=(Sample((_t(3, 4),), {"shape": (4,)}), Sample((_t(3, 2, 5, dtype="f64"),), {"shape": (2, 1)}),
             Sample((_t(2, 3),), {"shape": (2, 3)})), lower=_lower_sum_to_size))


# ---------------------------------------------------------------- concat -----
def _infer_concat(lhs, rhs, axis):
    dtype = same_float_dtype(("lhs", "rhs"), (lhs, rhs))
    if not 0 <= axis < lhs.rank:
        raise ShapeError(f"axis {axis} out of range for rank-{lhs.rank} operands (use 0..{lhs.rank - 1})")
    if rhs.rank != lhs.rank or any(a != b for d, (a, b) in enumerate(zip(rhs.shape, lhs.shape)) if d != axis):
        raise ShapeError(f"operand 'rhs' of shape {shape_str(rhs.shape)} does not match operand 'lhs' of shape "
                         f"{shape_str(lhs.shape)} outside axis {axis}")
    shape = list(lhs.shape)
    shape[axis] += rhs.shape[axis]
    return TensorType(tuple(shape), dtype)


def _concat_vjp(g, y, lhs, rhs, axis):
    def part(begin, end):
        start, stop = [0] * g.ndim, list(g.shape)
        start[axis], stop[axis] = begin, end
        return G.slice(g, start=start, stop=stop, step=[1] * g.ndim)
    n = lhs.shape[axis]
    return part(0, n), part(n, g.shape[axis])


def _concat_api(xs, axis=0):
    """numpy.concatenate of any number of tensors, as a chain of binary graph.concat ops."""
    xs = list(xs)
    if not xs or not all(isinstance(x, Tensor) for x in xs):
        raise TypeError("symgrad.concatenate: expected a non-empty sequence of symbolic tensors")
    if xs[0].ndim == 0:
        raise ValueError("symgrad.concatenate: zero-dimensional tensors cannot be concatenated")
    axis = normalize_axes((axis,), xs[0].ndim, "axis")[0]
    out = xs[0]
    for x in xs[1:]:
        out = emit("concat", out, x, axis=axis)
    return out


def _lower_concat(lw, a, b, axis):
    return tensor.concat(lw.mlir_type(lw.result), axis, [a, b])


register(OpDef(
    name="concat", summary="Joins two tensors along `axis` (numpy.concatenate; the front-end chains more).",
    operands=("lhs", "rhs"), attrs={"axis": INT}, infer=_infer_concat,
    ref=lambda a, b, axis: np.concatenate((a, b), axis),
    shape_rule="operands agree outside `axis`; result dim `axis` is the sum of theirs",
    vjp=_concat_vjp, vjp_doc="the slice of g that each operand occupies", api_name="concatenate",
    api=_concat_api,
    samples=(Sample((_t(2, 3), _t(4, 3)), {"axis": 0}),
             Sample((_t(2, 3, dtype="f64"), _t(2, 1, dtype="f64")), {"axis": 1})), lower=_lower_concat))


# ---------------------------------------------------------------- slice / pad -
def _check_lengths(x, **lists):
    for name, v in lists.items():
        if len(v) != x.rank:
            raise ShapeError(f"`{name}` has {len(v)} entries but operand 'input' of shape {shape_str(x.shape)} "
                             f"has rank {x.rank}")


def _infer_slice(x, start, stop, step):
    _check_lengths(x, start=start, stop=stop, step=step)
    shape = []
    for d, (a, b, s, n) in enumerate(zip(start, stop, step, x.shape)):
        if s < 1:
            raise ShapeError(f"step {s} in dim {d} must be >= 1")
        if not 0 <= a <= b <= n:
            raise ShapeError(f"bounds {a}:{b} in dim {d} are outside 0 <= start <= stop <= {n} for operand "
                             f"'input' of shape {shape_str(x.shape)}")
        shape.append(-(-(b - a) // s))
    return x.with_shape(shape)


def _infer_pad(x, shape, start, step):
    _check_lengths(x, shape=shape, start=start, step=step)
    for d, (n, a, s, m) in enumerate(zip(x.shape, start, step, shape)):
        if s < 1 or a < 0:
            raise ShapeError(f"start {a} and step {s} in dim {d} must be >= 0 and >= 1")
        if n and a + (n - 1) * s >= m:
            raise ShapeError(f"operand 'input' of shape {shape_str(x.shape)} placed at start {a} with step {s} "
                             f"overruns dim {d} of size {m} in result shape {shape_str(shape)}")
    return x.with_shape(check_shape_attr(shape))


def _pad_ref(x, shape, start, step):
    out = np.zeros(shape, x.dtype)
    out[tuple(slice(a, a + (n - 1) * s + 1 if n else a, s) for a, s, n in zip(start, step, x.shape))] = x
    return out


def _slice_api(x, index):
    """numpy basic indexing: ints, slices with step >= 1, Ellipsis and None."""
    index = index if isinstance(index, tuple) else (index,)
    if sum(i is Ellipsis for i in index) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(1 for i in index if i is not None and i is not Ellipsis)
    if used > x.ndim:
        raise IndexError(f"too many indices for a tensor of rank {x.ndim}")
    if any(i is Ellipsis for i in index):  # `is`: `in` would call Tensor.__eq__ on tensor indices
        at = [i is Ellipsis for i in index].index(True)
        index = index[:at] + (slice(None),) * (x.ndim - used) + index[at + 1:]
    else:  # the ellipsis already stands for the missing dims
        index = index + (slice(None),) * (x.ndim - used)
    start, stop, step, out_shape, d = [], [], [], [], 0
    for i in index:
        if i is None:
            out_shape.append(1)
            continue
        n = x.shape[d]
        if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis {d} with size {n}")
            i = int(i) % n
            start.append(i), stop.append(i + 1), step.append(1)
        elif isinstance(i, slice):
            a, b, s = i.indices(n)
            if s < 1:
                raise IndexError("negative slice steps are not supported by graph.slice")
            b = max(a, b)
            start.append(a), stop.append(b), step.append(s)
            out_shape.append(-(-(b - a) // s))
        else:
            raise IndexError(f"unsupported index {i!r}: use ints, slices, ... or None")
        d += 1
    y = emit("slice", x, start=start, stop=stop, step=step)
    return y if tuple(out_shape) == y.shape else emit("reshape", y, shape=tuple(out_shape))


def _lower_slice(lw, x, start, stop, step):
    if lw.result.size == 0:  # extract_slice rejects offsets into empty dims
        return lw.empty(lw.result)
    return tensor.extract_slice(lw.mlir_type(lw.result), x, [], [], [], list(start), list(lw.result.shape),
                                list(step))


register(OpDef(
    name="slice", summary="Strided window x[start:stop:step] in every dim (steps >= 1).", operands=("input",),
    attrs={"start": INTS, "stop": INTS, "step": INTS}, infer=_infer_slice,
    ref=lambda x, start, stop, step: x[tuple(slice(a, b, s) for a, b, s in zip(start, stop, step))].copy(),
    shape_rule="dim d has ceil((stop[d] - start[d]) / step[d]) elements; 0 <= start <= stop <= size",
    vjp=lambda g, y, x, start, stop, step: (G.pad(g, shape=x.shape, start=start, step=step),),
    vjp_doc="graph.pad of g into zeros of the operand's shape", api_name="slice", api=_slice_api,
    samples=(Sample((_t(5, 6),), {"start": (1, 0), "stop": (4, 6), "step": (1, 2)}),
             Sample((_t(4, 3, dtype="f64"),), {"start": (0, 2), "stop": (4, 3), "step": (3, 1)})), lower=_lower_slice))

def _lower_pad(lw, x, shape, start, step):
    zeros = lw.full(lw.result, 0.0)
    if lw.operand_types[0].size == 0:  # nothing to place (and insert_slice rejects offsets into empty dims)
        return zeros
    return tensor.insert_slice(x, zeros, [], [], [], list(start), list(lw.operand_types[0].shape), list(step))


register(OpDef(
    name="pad", summary="Places the operand into zeros of `shape` at start + i * step (the adjoint of slice).",
    operands=("input",), attrs={"shape": INTS, "start": INTS, "step": INTS}, infer=_infer_pad, ref=_pad_ref,
    shape_rule="`shape`; the operand's elements must land inside it",
    vjp=lambda g, y, x, shape, start, step: (
        G.slice(g, start=start, stop=[a + (n - 1) * s + 1 if n else a for a, s, n in zip(start, step, x.shape)],
                step=step),),
    vjp_doc="the slice of g the operand was placed at", api_name="unslice",
    api=lambda x, shape, start, step: emit("pad", x, shape=tuple(shape), start=tuple(start), step=tuple(step)),
    samples=(Sample((_t(2, 3),), {"shape": (5, 7), "start": (1, 0), "step": (2, 3)}),
             Sample((_t(3, dtype="f64"),), {"shape": (4,), "start": (1,), "step": (1,)})), lower=_lower_pad))


# ---------------------------------------------------------------- constant ---
def _infer_constant(value):
    return TensorType.of_array(value)


def _lower_constant(lw, value):
    if lw.result.dtype == "i1":  # booleans are stored as bytes once lowered
        return arith.constant(lw.mlir_type(lw.result), ir.DenseElementsAttr.get(
            np.ascontiguousarray(value, dtype=np.int8), type=lw.mlir_type(lw.result)))
    return arith.constant(lw.result.to_mlir(), lw.op.attributes["value"])


register(OpDef(
    name="constant", summary="A dense constant (splat or explicit elements).", operands=(),
    attrs={"value": TENSOR}, infer=_infer_constant, ref=lambda value: value.copy(),
    shape_rule="the type of `value`", vjp=lambda g, y: (), vjp_doc="no operands, nothing to propagate",
    rematerializable=True, api_name="constant", api=lambda value, dtype=None: constant(
        value, None if dtype is None else dtype_from_numpy(dtype)),
    samples=(Sample((), {"value": np.arange(6, dtype=np.float32).reshape(2, 3)}),
             Sample((), {"value": np.full((3,), 2.5)})), lower=_lower_constant))


# ---------------------------------------------------------------- cast -------
def _infer_cast(x, to):
    require_float("input", x)
    if to not in ("f32", "f64"):
        raise DTypeError(f"can only cast to f32 or f64, not {to}")
    return x.with_dtype(to)


def _lower_cast(lw, x, to):
    if lw.operand_types[0].dtype == to:
        return x
    convert = arith.extf if to == "f64" else arith.truncf
    return lw.elementwise(lambda s, v: convert(element_type(to), v), [x], dtype=to)


register(OpDef(
    name="cast", summary="Converts between f32 and f64 (round to nearest).", operands=("input",),
    attrs={"to": DTYPE}, infer=_infer_cast, ref=lambda x, to: x.astype(TensorType((), to).np_dtype),
    shape_rule="operand shape, element type `to`",
    vjp=lambda g, y, x, to: (G.cast(g, to=x.type.dtype),), vjp_doc="g cast back to the operand's type",
    rematerializable=True, api_name="cast", api=lambda x, dtype: emit("cast", x, to=dtype_from_numpy(dtype)),
    samples=(Sample((_t(3, 4),), {"to": "f64"}), Sample((_t(2, dtype="f64"),), {"to": "f32"})), lower=_lower_cast))
