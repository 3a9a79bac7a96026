"""Indexing by integer tensors: take and take_along_axis (gathers), scatter_add and
scatter_add_along_axis (their adjoints), as numpy.take / numpy.take_along_axis / JAX's
`x.at[idx].add(v)`. Indices are i32 or i64 and never carry a gradient.

Out-of-range indices. Indices known at trace time (numpy constants) are checked by the front-end:
out of range is an IndexError, negative ones count from the end, as in numpy. Indices computed at
run time cannot raise, so the ops define every value: an index i of an axis of size n is first
wrapped once as numpy does (i < 0 becomes i + n), and if it is then outside [0, n) a gather reads 0
and a scatter drops the update (JAX's scatter mode). Gathering zeros is the transpose of dropping,
so each op's gradient is exactly the other op (a clamping gather would need a clamping scatter).
Native code never reads or writes outside a tensor: it reads at a position set to 0 when invalid
and selects 0 (or keeps the old value) instead. The lowerings and their measurements:
docs/design/dialects-indexing.md.
"""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, linalg, scf, tensor

from ..attrs import INT
from ..emit import INDEXING, G, Tensor, _user_errors, api_call, coerce, constant, emit
from ..registry import OpDef, Sample, register
from ..shape_rules import broadcast_shapes, check_axis, require_dtype, same_dtype
from ..types import DTYPES, INT_DTYPES, NUMERIC_DTYPES, ShapeError, TensorType, shape_str

_SEMANTICS = ("an index i < 0 counts from the end (i + n); one still outside [0, n) at run time {what} "
              "(indices known at trace time must be in range)")


def _t(*shape, dtype="f32"):
    return TensorType(tuple(shape), dtype)


# ---------------------------------------------------------------- shape rules
def _check_axis(x: TensorType, axis: int) -> None:
    if x.rank == 0:
        raise ShapeError("operand 'input' has rank 0: there is no axis to index (the front-end flattens "
                         "for axis=None)")
    check_axis("input", x, axis)


def _check_indices(x: TensorType, indices: TensorType, axis: int, count: int) -> None:
    require_dtype("indices", indices, INT_DTYPES)
    _check_axis(x, axis)
    if x.shape[axis] == 0 and count:
        raise ShapeError(f"cannot index the empty axis {axis} of operand 'input' of shape {shape_str(x.shape)} "
                         f"with {count} indices")


def _taken_shape(x: TensorType, indices: TensorType, axis: int) -> tuple[int, ...]:
    return x.shape[:axis] + indices.shape + x.shape[axis + 1:]


def _infer_take(x, indices, axis):
    require_dtype("input", x, DTYPES)
    _check_indices(x, indices, axis, indices.size)
    return x.with_shape(_taken_shape(x, indices, axis))


def _check_along(x, indices, axis, result_name):
    if indices.rank != x.rank:
        raise ShapeError(f"operand 'indices' of shape {shape_str(indices.shape)} must have the rank of operand "
                         f"'input' of shape {shape_str(x.shape)}")
    for d, (a, b) in enumerate(zip(x.shape, indices.shape)):
        if d != axis and a != b:
            raise ShapeError(f"operand 'indices' of shape {shape_str(indices.shape)} must match operand 'input' "
                             f"of shape {shape_str(x.shape)} outside axis {axis} ({result_name}; the front-end "
                             f"broadcasts)")


def _infer_take_along_axis(x, indices, axis):
    require_dtype("input", x, DTYPES)
    _check_indices(x, indices, axis, indices.shape[axis] if 0 <= axis < indices.rank else indices.size)
    _check_along(x, indices, axis, "dim d of the result is theirs")
    return x.with_shape(indices.shape)


def _infer_scatter_add(x, indices, updates, axis):
    same_dtype(("input", "updates"), (x, updates), NUMERIC_DTYPES)
    _check_indices(x, indices, axis, indices.size)
    want = _taken_shape(x, indices, axis)
    if updates.shape != want:
        raise ShapeError(f"operand 'updates' of shape {shape_str(updates.shape)} must have the shape "
                         f"{shape_str(want)} of take(input, indices, axis={axis}) (the front-end broadcasts)")
    return x


def _infer_scatter_add_along_axis(x, indices, updates, axis):
    same_dtype(("input", "updates"), (x, updates), NUMERIC_DTYPES)
    _check_indices(x, indices, axis, indices.shape[axis] if 0 <= axis < indices.rank else indices.size)
    _check_along(x, indices, axis, "the updates land in input's rows")
    if updates.shape != indices.shape:
        raise ShapeError(f"operand 'updates' of shape {shape_str(updates.shape)} must have the shape "
                         f"{shape_str(indices.shape)} of operand 'indices' (the front-end broadcasts)")
    return x


# ---------------------------------------------------------------- numpy references
def positions(indices: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(position, valid): indices wrapped once from the end, and whether they land in [0, n);
    invalid positions are 0, so they can be read safely and masked."""
    i = np.asarray(indices).astype(np.int64)
    i = np.where(i < 0, i + n, i)
    valid = (i >= 0) & (i < n)
    return np.where(valid, i, 0), valid


def _take_ref(x, indices, axis):
    n = x.shape[axis]
    shape = x.shape[:axis] + indices.shape + x.shape[axis + 1:]
    if n == 0:  # then there are no indices (the shape rule)
        return np.zeros(shape, x.dtype)
    pos, valid = positions(indices, n)
    mask = valid.reshape((1,) * axis + valid.shape + (1,) * (x.ndim - axis - 1))
    return np.where(mask, np.take(x, pos, axis), np.zeros((), x.dtype)).astype(x.dtype)


def _take_along_axis_ref(x, indices, axis):
    if x.shape[axis] == 0:
        return np.zeros(indices.shape, x.dtype)
    pos, valid = positions(indices, x.shape[axis])
    return np.where(valid, np.take_along_axis(x, pos, axis), np.zeros((), x.dtype)).astype(x.dtype)


def _scatter_add_ref(x, indices, updates, axis):
    """np.add.at over the valid positions: duplicates accumulate in the order of the indices
    (row-major), which is also the order of the compiled loop, so sums have the same bits."""
    out = x.copy()
    if not indices.size or not x.size:
        return out
    pos, valid = positions(indices.reshape(-1), x.shape[axis])
    rows = np.moveaxis(updates.reshape(x.shape[:axis] + (indices.size,) + x.shape[axis + 1:]), axis, 0)
    np.add.at(np.moveaxis(out, axis, 0), pos[valid], rows[valid])
    return out


def _scatter_add_along_axis_ref(x, indices, updates, axis):
    out = x.copy()
    if not indices.size:
        return out
    pos, valid = positions(indices, x.shape[axis])
    where = list(np.indices(indices.shape))
    where[axis] = pos
    np.add.at(out, tuple(w[valid] for w in where), updates[valid])
    return out


# ---------------------------------------------------------------- gradients
def _zeros_like(x: Tensor) -> Tensor:
    return constant(np.broadcast_to(np.zeros((), x.dtype), x.shape))


def _take_vjp(g, y, x, indices, axis):
    return (G.scatter_add(_zeros_like(x), indices, g, axis=axis) if x.type.is_float else None), None


def _take_along_axis_vjp(g, y, x, indices, axis):
    return (G.scatter_add_along_axis(_zeros_like(x), indices, g, axis=axis) if x.type.is_float else None), None


def _scatter_add_vjp(g, y, x, indices, updates, axis):
    return g, None, G.take(g, indices, axis=axis)


def _scatter_add_along_axis_vjp(g, y, x, indices, updates, axis):
    return g, None, G.take_along_axis(g, indices, axis=axis)


# ---------------------------------------------------------------- lowerings
def _position(i: ir.Value, n: int) -> tuple[ir.Value, ir.Value]:
    """An index scalar as (index-typed position, valid flag): wrapped once from the end, then
    0 when it is not in [0, n), so a read or write at it is always in bounds. In i64, where
    i + n cannot overflow for i < 0."""
    i64 = ir.IntegerType.get_signless(64)
    if ir.IntegerType(i.type).width != 64:
        i = arith.extsi(i64, i)
    zero, size = arith.constant(i64, 0), arith.constant(i64, n)
    i = arith.select(arith.cmpi(arith.CmpIPredicate.slt, i, zero), arith.addi(i, size), i)
    valid = arith.andi(arith.cmpi(arith.CmpIPredicate.sge, i, zero), arith.cmpi(arith.CmpIPredicate.slt, i, size))
    return arith.index_cast(ir.IndexType.get(), arith.select(valid, i, zero)), valid


def _zero(et: ir.Type) -> ir.Value:
    return arith.constant(et, 0 if isinstance(et, ir.IntegerType) else 0.0)


def _add(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.addi(a, b) if isinstance(a.type, ir.IntegerType) else arith.addf(a, b)


def _dims(n: int, ds) -> ir.AffineMap:
    return ir.AffineMap.get(n, 0, [ir.AffineDimExpr.get(d) for d in ds])


def _gather(lw, x, indices, axis, idx_map, coords):
    """One parallel linalg.generic over the result: each element reads `indices` through
    `idx_map` and x at coords(position, loop indices) with tensor.extract (0 where invalid)."""
    r = lw.result.rank
    n = lw.operand_types[0].shape[axis]
    if lw.result.size == 0:
        return lw.empty(lw.result)
    et = ir.RankedTensorType(x.type).element_type

    def body(i, out):
        pos, valid = _position(i, n)
        loops = [linalg.IndexOp(d).result for d in range(r)]
        return arith.select(valid, tensor.extract(x, coords(pos, loops)), _zero(et))

    return lw.generic([indices], [idx_map], lw.empty(lw.result), _dims(r, range(r)), ["parallel"] * r, body)


def _lower_take(lw, x, indices, axis):
    k = lw.operand_types[1].rank
    r = lw.result.rank
    return _gather(lw, x, indices, axis, _dims(r, range(axis, axis + k)),
                   lambda pos, loops: loops[:axis] + [pos] + loops[axis + k:])


def _lower_take_along_axis(lw, x, indices, axis):
    r = lw.result.rank
    return _gather(lw, x, indices, axis, _dims(r, range(r)), lambda pos, loops: loops[:axis] + [pos] + loops[axis + 1:])


def _index(v: int) -> ir.Value:
    return arith.constant(ir.IndexType.get(), v)


def _lower_scatter_add(lw, x, indices, updates, axis):
    """A sequential scf.for over the K indices carrying the result (on tensors, so it bufferizes
    in place): step k adds slice k of the updates (all of input's dims but `axis`) to the slice
    of the result at index k, a parallel linalg.generic keeping the old values where the index is
    invalid. Duplicates accumulate in index order, as the reference: the same bits on any number
    of threads, and O(updates) work (an embedding's backward, not a one-hot matmul)."""
    xt, it = lw.operand_types[0], lw.operand_types[1]
    k_total, n = it.size, xt.shape[axis]
    if k_total == 0 or xt.size == 0:
        return x
    rank = xt.rank
    rows = lw.reshape(updates, xt.shape[:axis] + (k_total,) + xt.shape[axis + 1:])
    flat = lw.reshape(indices, (k_total,))
    part = xt.with_shape(tuple(1 if d == axis else s for d, s in enumerate(xt.shape)))
    part_type = lw.mlir_type(part)
    dynamic = ir.ShapedType.get_dynamic_stride_or_offset()
    static = [dynamic if d == axis else 0 for d in range(rank)]

    def take(src, at):
        return tensor.extract_slice(part_type, src, [at], [], [], static, list(part.shape), [1] * rank)

    loop = scf.ForOp(_index(0), _index(k_total), _index(1), [x])
    with ir.InsertionPoint(loop.body):
        k = loop.induction_variable
        (out,) = loop.inner_iter_args
        pos, valid = _position(tensor.extract(flat, [k]), n)
        ident = ir.AffineMap.get_identity(rank)
        step = lw.generic([take(out, pos), take(rows, k)], [ident, ident], lw.empty(part), ident,
                          ["parallel"] * rank, lambda o, u, _: arith.select(valid, _add(o, u), o))
        scf.YieldOp([tensor.insert_slice(step, out, [pos], [], [], static, list(part.shape), [1] * rank)])
    return loop.results[0]


def _lower_scatter_add_along_axis(lw, x, indices, updates, axis):
    """Nested sequential scf.for loops over the indices (row-major, the reference's order), each
    step a scalar read-add-write of the result at the index's position (tensor.extract/insert)."""
    it = lw.operand_types[1]
    n = lw.operand_types[0].shape[axis]
    if it.size == 0:
        return x

    def nest(out, ivs):
        d = len(ivs)
        if d == it.rank:
            pos, valid = _position(tensor.extract(indices, ivs), n)
            at = ivs[:axis] + [pos] + ivs[axis + 1:]
            old = tensor.extract(out, at)
            new = arith.select(valid, _add(old, tensor.extract(updates, ivs)), old)
            return tensor.insert(new, out, at)
        loop = scf.ForOp(_index(0), _index(it.shape[d]), _index(1), [out])
        with ir.InsertionPoint(loop.body):
            scf.YieldOp([nest(loop.inner_iter_args[0], ivs + [loop.induction_variable])])
        return loop.results[0]

    return nest(x, [])


# ---------------------------------------------------------------- front-end
def _tensor_arg(fname: str, x, what: str = "x") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"symgrad.{fname}: {what} must be a symbolic tensor, got {type(x).__name__}")
    return x


def _axis_arg(fname: str, axis, rank: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"symgrad.{fname}: axis must be an integer, got {type(axis).__name__}")
    if rank == 0:
        raise ValueError(f"symgrad.{fname}: a rank-0 tensor has no axis to index")
    if not -rank <= axis < rank:
        raise ValueError(f"symgrad.{fname}: axis {axis} is out of range for a rank-{rank} tensor")
    return int(axis) % rank


def index_tensor(fname: str, indices, n: int, axis: int = 0) -> Tensor:
    """`indices` as a tensor. A symbolic one is used as it is (the op's shape rule asks for i32 or
    i64; its values follow the ops' run-time semantics); numpy arrays, lists and ints are constants,
    checked now: out of range is an IndexError (as numpy's), negative ones are made to count from
    the end, and their dtype is kept (int32 or int64; Python ints become int64). Non-integer
    constants stay as they are, for the shape rule's DTypeError naming operand 'indices'."""
    if isinstance(indices, Tensor):
        return indices
    arr = np.asarray(indices)
    if arr.dtype.kind not in "iu" and arr.size:
        return constant(arr) if arr.dtype.kind in "fb" else constant(arr.astype(np.float64))
    if arr.dtype not in (np.int32, np.int64):
        arr = arr.astype(np.int64)
    if arr.size:
        bad = arr[(arr < -n) | (arr >= n)]
        if bad.size:
            raise IndexError(f"symgrad.{fname}: index {int(bad.flat[0])} is out of bounds for axis {axis} with "
                             f"size {n}")
        arr = np.where(arr < 0, arr + n, arr).astype(arr.dtype)
    return constant(arr)


def take(x, indices, axis=None):
    """numpy.take / jax.numpy.take along `axis` (None: of the flattened tensor)."""
    x = _tensor_arg("take", x)
    if axis is None:
        x, axis = (x if x.ndim == 1 else G.reshape(x, shape=(x.size,))), 0
    axis = _axis_arg("take", axis, x.ndim)
    return emit("take", x, index_tensor("take", indices, x.shape[axis], axis), axis=axis)


def _along_shapes(fname, x, idx, axis):
    """numpy's take_along_axis broadcasting: outside `axis`, x and indices broadcast to each other."""
    if idx.ndim != x.ndim:
        raise ValueError(f"symgrad.{fname}: indices of shape {shape_str(idx.shape)} must have as many "
                         f"dimensions as x of shape {shape_str(x.shape)}")
    out = []
    for d, (a, b) in enumerate(zip(x.shape, idx.shape)):
        if d == axis:
            out.append(None)
        elif a == b or a == 1 or b == 1:
            out.append(max(a, b) if min(a, b) else 0)
        else:
            raise ValueError(f"symgrad.{fname}: indices of shape {shape_str(idx.shape)} do not broadcast with x "
                             f"of shape {shape_str(x.shape)} outside axis {axis}")
    return out


def _broadcast(t: Tensor, shape) -> Tensor:
    shape = tuple(shape)
    return t if t.shape == shape else emit("broadcast_to", t, shape=shape)


def take_along_axis(x, indices, axis):
    """numpy.take_along_axis: indices as many dims as x, broadcast with it outside `axis`
    (axis None: both flattened, indices 1-D)."""
    x = _tensor_arg("take_along_axis", x)
    if axis is None:
        x, axis = (x if x.ndim == 1 else G.reshape(x, shape=(x.size,))), 0
    axis = _axis_arg("take_along_axis", axis, x.ndim)
    idx = index_tensor("take_along_axis", indices, x.shape[axis], axis)
    out = _along_shapes("take_along_axis", x, idx, axis)
    x = _broadcast(x, [x.shape[axis] if d is None else d for d in out])
    idx = _broadcast(idx, [idx.shape[axis] if d is None else d for d in out])
    return emit("take_along_axis", x, idx, axis=axis)


def _updates(fname, x, updates, shape):
    """`updates` (a tensor, number or numpy array, in x's dtype) broadcast to `shape`."""
    u = coerce(updates, x)
    try:
        target = broadcast_shapes(("updates", "indexed"), (u.type, TensorType(tuple(shape), u.type.dtype)))
    except ShapeError as e:
        raise ValueError(f"symgrad.{fname}: updates of shape {shape_str(u.shape)} do not broadcast to the "
                         f"indexed shape {shape_str(tuple(shape))} ({e})") from None
    if target != tuple(shape):
        raise ValueError(f"symgrad.{fname}: updates of shape {shape_str(u.shape)} do not broadcast to the "
                         f"indexed shape {shape_str(tuple(shape))}")
    return _broadcast(u, shape)


def scatter_add(x, indices, updates, axis=0):
    """x with `updates` added at `indices` along `axis` (x.at[(slice(None),) * axis + (indices,)].add
    in JAX); duplicates accumulate. `updates` broadcasts to take(x, indices, axis)'s shape."""
    x = _tensor_arg("scatter_add", x)
    axis = _axis_arg("scatter_add", axis, x.ndim)
    idx = index_tensor("scatter_add", indices, x.shape[axis], axis)
    u = _updates("scatter_add", x, updates, x.shape[:axis] + idx.shape + x.shape[axis + 1:])
    return emit("scatter_add", x, idx, u, axis=axis)


def scatter_add_along_axis(x, indices, updates, axis):
    """x with updates[p] added at position p with p[axis] replaced by indices[p] (the adjoint
    of take_along_axis; numpy.put_along_axis, but adding); indices and updates broadcast to x's
    shape outside `axis`."""
    x = _tensor_arg("scatter_add_along_axis", x)
    axis = _axis_arg("scatter_add_along_axis", axis, x.ndim)
    idx = index_tensor("scatter_add_along_axis", indices, x.shape[axis], axis)
    out = _along_shapes("scatter_add_along_axis", x, idx, axis)
    if any(d is not None and d != a for d, a in zip(out, x.shape)):
        raise ValueError(f"symgrad.scatter_add_along_axis: indices of shape {shape_str(idx.shape)} do not "
                         f"broadcast to x's shape {shape_str(x.shape)} outside axis {axis}")
    idx = _broadcast(idx, [idx.shape[axis] if d is None else d for d in out])
    return emit("scatter_add_along_axis", x, idx, _updates("scatter_add_along_axis", x, updates, idx.shape),
                axis=axis)


def embedding(weight, ids):
    """Rows of `weight` (vocabulary x features) for integer `ids` of any shape: take on axis 0.
    The gradient scatters into the rows used, not a one-hot matmul."""
    weight = _tensor_arg("embedding", weight, "weight")
    if weight.ndim < 1:
        raise ValueError("symgrad.embedding: weight must have at least one dimension (the vocabulary)")
    return take(weight, ids, 0)


# ---------------------------------------------------------------- Tensor indexing
def _is_array(i) -> bool:
    """An integer-array index (numpy's advanced indexing): a tensor, a numpy array or a list."""
    return isinstance(i, (Tensor, np.ndarray, list))


def _is_int(i) -> bool:
    return isinstance(i, (int, np.integer)) and not isinstance(i, bool)


def _array_axis(x: Tensor, index: tuple, k: int) -> int:
    """The dim of x that entry k of `index` indexes (after an Ellipsis, counted from its expansion)."""
    used = sum(1 for i in index if i is not None and i is not Ellipsis)
    dim = 0
    for i in index[:k]:
        if i is Ellipsis:
            dim += x.ndim - used
        elif i is not None:
            dim += 1
    return dim


def getitem(x: Tensor, index):
    """`x[index]`: numpy basic indexing (graph.slice), or with one integer array among slices,
    Ellipsis and None, numpy's advanced indexing by that array: the basic part first, then a take
    on the array's dim (the result's dims of the array replace that dim, as numpy places a single
    advanced index). Several arrays, or an array with integers (numpy then moves dims), are errors."""
    raw = index if isinstance(index, tuple) else (index,)
    arrays = [k for k, i in enumerate(raw) if _is_array(i)]
    if not arrays:
        return api_call("slice", x, index)
    with _user_errors("x[...]"):
        if any(raw[k].type.dtype == "i1" if isinstance(raw[k], Tensor) else np.asarray(raw[k]).dtype == np.bool_
               for k in arrays):
            raise IndexError("boolean mask indexing is not supported: it selects a data-dependent number of "
                             "elements, which static shapes cannot express (use symgrad.where)")
        if len(arrays) > 1:
            raise IndexError("only one integer array index is supported (numpy's broadcasting of several "
                             "is not); index in steps, e.g. x[i][:, j]")
        if any(_is_int(i) for i in raw):
            raise IndexError("combining an integer array index with integer indices is not supported (numpy "
                             "moves the array's dims then); slice first, e.g. x[0][:, idx]")
        k = arrays[0]
        if sum(1 for i in raw if i is not None and i is not Ellipsis) > x.ndim:
            raise IndexError(f"too many indices for a tensor of rank {x.ndim}")
        rest = raw[:k] + (slice(None),) + raw[k + 1:]
        plain = all(isinstance(i, slice) and i == slice(None) for i in rest)
        y = x if plain else api_call("slice", x, rest)
        offset = sum(1 for i in raw[:k] if i is None)  # new unit dims before the array's
        return take(y, raw[k], _array_axis(x, raw, k) + offset)


class At:
    """`x.at[index]`, JAX's functional indexed update: `.add(v)` is x with v added at the indexed
    positions (scatter_add; duplicates accumulate), `.get()` reads them (take). The index is one
    integer, integer array or integer tensor among full slices (:) and Ellipsis."""

    def __init__(self, x: Tensor):
        self.x = x

    def __getitem__(self, index):
        return _AtIndex(self.x, index)


class _AtIndex:
    def __init__(self, x: Tensor, index):
        with _user_errors("x.at[...]"):
            raw = index if isinstance(index, tuple) else (index,)
            picks = [k for k, i in enumerate(raw) if _is_array(i) or _is_int(i)]
            others = [i for k, i in enumerate(raw) if k not in picks]
            if len(picks) != 1 or not all(i is Ellipsis or (isinstance(i, slice) and i == slice(None))
                                          for i in others):
                raise IndexError("x.at[...] takes one integer, integer array or integer tensor index among full "
                                 "slices (:) and ..., e.g. x.at[idx] or x.at[:, idx]")
            if sum(i is Ellipsis for i in raw) > 1:
                raise IndexError("an index can only have a single ellipsis ('...')")
            if len(raw) - sum(i is Ellipsis for i in raw) > x.ndim:
                raise IndexError(f"too many indices for a tensor of rank {x.ndim}")
            self.x, self.indices, self.axis = x, raw[picks[0]], _array_axis(x, raw, picks[0])

    def add(self, updates) -> Tensor:
        with _user_errors("x.at[...].add"):
            return scatter_add(self.x, self.indices, updates, self.axis)

    def get(self) -> Tensor:
        with _user_errors("x.at[...].get"):
            return take(self.x, self.indices, self.axis)


INDEXING.update(getitem=getitem, at=At)


# ---------------------------------------------------------------- registry
register(OpDef(
    name="take", summary="Gathers along `axis` (numpy.take): result[a, i, b] = input[a, indices[i], b]; "
                         + _SEMANTICS.format(what="reads 0"),
    operands=("input", "indices"), attrs={"axis": INT}, infer=_infer_take, ref=_take_ref,
    shape_rule="input.shape[:axis] + indices.shape + input.shape[axis+1:], input's element type (any); "
               "indices i32 or i64; 0 <= axis < rank; a non-empty take needs a non-empty axis",
    vjp=_take_vjp, vjp_doc="scatter_add of g into zeros of the input's shape at the same indices (none for "
                           "indices)",
    api_name="take", api=take, domain=(-5.0, 5.0), lower=_lower_take,
    samples=(Sample((_t(4, 3), _t(5, dtype="i32")), {"axis": 0}),
             Sample((_t(2, 4, 3, dtype="f64"), _t(2, 3, dtype="i64")), {"axis": 1}),
             Sample((_t(3), _t(dtype="i64")), {"axis": 0}),
             Sample((_t(3, 4, dtype="i32"), _t(6, dtype="i64")), {"axis": 1}))))

register(OpDef(
    name="take_along_axis", summary="Gathers along `axis` at per-position indices (numpy.take_along_axis): "
                                    "result[a, i, b] = input[a, indices[a, i, b], b]; "
                                    + _SEMANTICS.format(what="reads 0"),
    operands=("input", "indices"), attrs={"axis": INT}, infer=_infer_take_along_axis, ref=_take_along_axis_ref,
    shape_rule="indices' shape (i32 or i64, input's rank, input's shape outside `axis`), input's element type",
    vjp=_take_along_axis_vjp, vjp_doc="scatter_add_along_axis of g into zeros of the input's shape (none for "
                                      "indices)",
    api_name="take_along_axis", api=take_along_axis, domain=(-5.0, 5.0), lower=_lower_take_along_axis,
    samples=(Sample((_t(3, 4), _t(3, 2, dtype="i64")), {"axis": 1}),
             Sample((_t(4, 2, 3, dtype="f64"), _t(5, 2, 3, dtype="i32")), {"axis": 0}),
             Sample((_t(4), _t(7, dtype="i32")), {"axis": 0}),
             Sample((_t(2, 3, dtype="i64"), _t(2, 1, dtype="i64")), {"axis": 1}))))

register(OpDef(
    name="scatter_add", summary="Adds `updates` into `input` at `indices` along `axis` (the adjoint of take; "
                                "JAX's x.at[idx].add): duplicates accumulate in index order; "
                                + _SEMANTICS.format(what="is dropped"),
    operands=("input", "indices", "updates"), attrs={"axis": INT}, infer=_infer_scatter_add,
    ref=_scatter_add_ref,
    shape_rule="input's type (f32, f64, i32 or i64); updates of input's element type and the shape of "
               "take(input, indices, axis); indices i32 or i64",
    vjp=_scatter_add_vjp, vjp_doc="g for input, take(g, indices, axis) for updates (0 where an index was "
                                  "dropped), none for indices",
    api_name="scatter_add", api=scatter_add, domain=(-5.0, 5.0), lower=_lower_scatter_add,
    samples=(Sample((_t(4, 3), _t(7, dtype="i64"), _t(7, 3)), {"axis": 0}),
             Sample((_t(2, 4, 3, dtype="f64"), _t(2, 3, dtype="i32"), _t(2, 2, 3, 3, dtype="f64")), {"axis": 1}),
             Sample((_t(4), _t(dtype="i32"), _t()), {"axis": 0}),
             Sample((_t(3, 4, dtype="i32"), _t(6, dtype="i64"), _t(3, 6, dtype="i32")), {"axis": 1}))))

register(OpDef(
    name="scatter_add_along_axis", summary="Adds updates[a, i, b] into input[a, indices[a, i, b], b] (the "
                                           "adjoint of take_along_axis): duplicates accumulate in row-major "
                                           "order; " + _SEMANTICS.format(what="is dropped"),
    operands=("input", "indices", "updates"), attrs={"axis": INT}, infer=_infer_scatter_add_along_axis,
    ref=_scatter_add_along_axis_ref,
    shape_rule="input's type (f32, f64, i32 or i64); indices (i32 or i64) of input's rank and shape outside "
               "`axis`; updates of indices' shape and input's element type",
    vjp=_scatter_add_along_axis_vjp, vjp_doc="g for input, take_along_axis(g, indices, axis) for updates, none "
                                             "for indices",
    api_name="scatter_add_along_axis", api=scatter_add_along_axis, domain=(-5.0, 5.0),
    lower=_lower_scatter_add_along_axis,
    samples=(Sample((_t(3, 4), _t(3, 6, dtype="i64"), _t(3, 6)), {"axis": 1}),
             Sample((_t(4, 2, 3, dtype="f64"), _t(6, 2, 3, dtype="i32"), _t(6, 2, 3, dtype="f64")), {"axis": 0}),
             Sample((_t(4), _t(6, dtype="i32"), _t(6)), {"axis": 0}),
             Sample((_t(2, 3, dtype="i32"), _t(2, 5, dtype="i64"), _t(2, 5, dtype="i32")), {"axis": 1}))))
