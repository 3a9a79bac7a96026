"""Data movement and constants: transpose, reshape, broadcast_to, sum_to_size, concat, slice,
pad, constant, cast."""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, linalg, tensor

from ..attrs import DTYPE, INT, INTS, TENSOR
from ..emit import G, Tensor, constant, emit
from ..lowering import ADD
from ..registry import OpDef, Sample, register
from ..shape_rules import can_broadcast, check_shape_attr, normalize_axes, require_float, same_dtype
from ..types import ShapeError, TensorType, element_type, numpy_dtype, parse_dtype, shape_str


def _t(*shape, dtype="f32"):
    return TensorType(tuple(shape), dtype)


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
    dtype = same_dtype(("lhs", "rhs"), (lhs, rhs))
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
    shape_rule="operands of one element type (any) agree outside `axis`; result dim `axis` is the sum of theirs",
    vjp=_concat_vjp, vjp_doc="the slice of g that each operand occupies", api_name="concatenate",
    api=_concat_api,
    samples=(Sample((_t(2, 3), _t(4, 3)), {"axis": 0}),
             Sample((_t(2, 3, dtype="f64"), _t(2, 1, dtype="f64")), {"axis": 1}),
             Sample((_t(2, 3, dtype="i64"), _t(2, 2, dtype="i64")), {"axis": 1})), lower=_lower_concat))


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
        value, None if dtype is None else parse_dtype(dtype)),
    samples=(Sample((), {"value": np.arange(6, dtype=np.float32).reshape(2, 3)}),
             Sample((), {"value": np.full((3,), 2.5)}),
             Sample((), {"value": np.array([[-3, 0, 7]], dtype=np.int32)}),
             Sample((), {"value": np.full((2,), -2 ** 40, dtype=np.int64)})), lower=_lower_constant))


# ---------------------------------------------------------------- cast -------
# Between every pair of f32, f64, i32, i64 and i1, with numpy's astype semantics: float -> integer
# truncates toward zero; -> i1 is x != 0 (NaN is true); i1 -> a number is 0 or 1; integers wrap
# when narrowed. A float that has no integer of the target type (NaN, +-inf, out of range) gives the
# smallest integer: what numpy gives on x86, where numpy calls it undefined; here it is defined
# so that compiled code (no LLVM poison) and the interpreter agree on every machine.
def _infer_cast(x, to):
    return x.with_dtype(to)


def _int_bounds(to: str) -> tuple[float, float]:
    """[lo, hi): the floats that truncate to an integer of type `to` (both exact in f32 and f64)."""
    bits = int(to[1:])
    return -2.0 ** (bits - 1), 2.0 ** (bits - 1)


def _cast_ref(x, to):
    dt = numpy_dtype(to)
    if x.dtype.kind == "f" and dt.kind == "i":
        lo, hi = _int_bounds(to)
        with np.errstate(invalid="ignore"):
            fits = (x >= lo) & (x < hi)
            return np.where(fits, np.where(fits, x, 0).astype(dt), np.iinfo(dt).min).astype(dt)
    return x.astype(dt)


def _cast_body(src: str, to: str):
    """The scalar body converting a `src` scalar (i1 as i1) to a `to` one."""
    target = element_type(to)
    src_t, to_t = TensorType((), src), TensorType((), to)
    if src_t.is_float and to_t.is_float:
        convert = arith.extf if to == "f64" else arith.truncf
        return lambda s, v: convert(target, v)
    if to == "i1":
        if src_t.is_float:
            return lambda s, v: arith.cmpf(arith.CmpFPredicate.UNE, v, s.const(0.0))
        return lambda s, v: arith.cmpi(arith.CmpIPredicate.ne, v, s.const(0))
    if src == "i1":
        return lambda s, v: (arith.uitofp if to_t.is_float else arith.extui)(target, v)
    if to_t.is_float:
        return lambda s, v: arith.sitofp(target, v)
    if src_t.is_int:
        return lambda s, v: (arith.extsi if int(to[1:]) > int(src[1:]) else arith.trunci)(target, v)

    def float_to_int(s, v):  # in range: fptosi (never on NaN or out of range: that is poison)
        lo, hi = _int_bounds(to)
        fits = arith.andi(arith.cmpf(arith.CmpFPredicate.OGE, v, s.const(lo)),
                          arith.cmpf(arith.CmpFPredicate.OLT, v, s.const(hi)))
        r = arith.fptosi(target, arith.select(fits, v, s.const(0.0)))
        return arith.select(fits, r, arith.constant(target, -2 ** (int(to[1:]) - 1)))
    return float_to_int


def _lower_cast(lw, x, to):
    src = lw.operand_types[0].dtype
    if src == to:
        return x
    return lw.elementwise(_cast_body(src, to), [x], dtype=to)


def _cast_vjp(g, y, x, to):
    return (G.cast(g, to=x.type.dtype) if x.type.is_float else None,)


_CASTS = [("f32", "f64"), ("f64", "f32"), ("f32", "i32"), ("f64", "i64"), ("i32", "f32"), ("i64", "f64"),
          ("i32", "i64"), ("i64", "i32"), ("f32", "i1"), ("i1", "f64"), ("i1", "i32"), ("i64", "i1")]
register(OpDef(
    name="cast", summary="Converts between f32, f64, i32, i64 and i1 as numpy's astype: float to integer "
                         "truncates toward zero (NaN, inf and out-of-range give the smallest integer), to i1 is "
                         "x != 0, i1 to a number is 0 or 1, floats round to nearest, integers wrap.",
    operands=("input",), attrs={"to": DTYPE}, infer=_infer_cast, ref=_cast_ref,
    shape_rule="operand shape, element type `to` (any of f32, f64, i32, i64, i1, from any)",
    vjp=_cast_vjp, vjp_doc="g cast back to the operand's type between floats; none from or to integers and "
                           "i1 (their values carry no gradient)",
    rematerializable=True, api_name="cast", api=lambda x, dtype: emit("cast", x, to=parse_dtype(dtype)),
    domain=(-3.0, 3.0),
    samples=tuple(Sample((_t(3, 4, dtype=a),), {"to": b}) for a, b in _CASTS), lower=_lower_cast))
