"""Shape and dtype rules shared by several op families.

Each helper raises `ShapeError` (or `DTypeError`) with a message that names the
offending operand and the shapes involved; the verifier prefixes the op name
and attaches the op's location.
"""
from __future__ import annotations

from .types import DTYPES, INT_DTYPES, NUMERIC_DTYPES, DTypeError, ShapeError, TensorType, shape_str

_KINDS = {NUMERIC_DTYPES: "a numeric", INT_DTYPES: "an integer", ("i1",): "a boolean"}
_CAST_HINT = "convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)"


def require_float(name: str, t: TensorType) -> None:
    if not t.is_float:
        raise DTypeError(f"operand '{name}' must have a float element type (f32 or f64), got {t}; "
                         f"{_CAST_HINT}")


def _one_of(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def require_dtype(name: str, t: TensorType, allowed=NUMERIC_DTYPES) -> None:
    """`t`'s element type is one of `allowed` (by default the numeric ones: floats and integers)."""
    if t.dtype not in allowed:
        raise DTypeError(f"operand '{name}' must have {_KINDS.get(tuple(allowed), 'an')} element type "
                         f"({_one_of(allowed)}), got {t}; {_CAST_HINT}")


def same_dtype(names, types, allowed=DTYPES) -> str:
    """All operands have one element type, from `allowed`. No implicit promotion: mixing
    integers and floats, or two precisions, is an error asking for an explicit cast (as JAX's
    strict promotion mode; docs/ops.md)."""
    for n, t in zip(names, types):
        require_dtype(n, t, allowed)
    first = types[0]
    for n, t in zip(names[1:], types[1:]):
        if t.dtype != first.dtype:
            raise DTypeError(f"operand '{n}' has element type {t.dtype} but operand '{names[0]}' has "
                             f"{first.dtype} ({t} vs {first}); symgrad does not promote types implicitly: "
                             f"insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them")
    return first.dtype


def same_float_dtype(names, types) -> str:
    for n, t in zip(names, types):
        require_float(n, t)
    return same_dtype(names, types)


def broadcast_shapes(names, types) -> tuple[int, ...]:
    """numpy broadcasting of all operand shapes, naming the first pair that clashes."""
    rank = max(t.rank for t in types)
    out = [1] * rank
    owner = [None] * rank
    for n, t in zip(names, types):
        for i, d in enumerate(t.shape):
            j = rank - t.rank + i
            if d == out[j] or d == 1:
                continue
            if out[j] == 1:
                out[j], owner[j] = d, (n, t)
                continue
            other_name, other = owner[j]
            raise ShapeError(f"operand '{n}' of shape {shape_str(t.shape)} is not broadcast-compatible with "
                             f"operand '{other_name}' of shape {shape_str(other.shape)}")
    return tuple(out)


def normalize_axes(axes, rank: int, what: str = "axes") -> tuple[int, ...]:
    """Axes in [-rank, rank) to sorted non-negative axes, rejecting repeats."""
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ShapeError(f"{what} {tuple(axes)} out of range for a rank-{rank} operand")
        out.append(a % rank)
    if len(set(out)) != len(out):
        raise ShapeError(f"{what} {tuple(axes)} repeats an axis")
    return tuple(sorted(out))


def check_axis(name: str, t: TensorType, axis: int) -> None:
    """`axis` (already non-negative: the front-end normalizes) names a dimension of operand `name`."""
    if not 0 <= axis < t.rank:
        raise ShapeError(f"axis {axis} out of range for operand '{name}' of shape {shape_str(t.shape)} "
                         f"(use 0..{t.rank - 1})")


def reduced_shape(shape, axes, keepdims: bool) -> tuple[int, ...]:
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def check_shape_attr(shape, what: str = "shape") -> tuple[int, ...]:
    shape = tuple(shape)
    if any(d < 0 for d in shape):
        raise ShapeError(f"{what} {shape} has a negative dimension")
    return shape


def can_broadcast(src, dst) -> bool:
    """True when numpy broadcasting takes shape `src` to exactly `dst`."""
    if len(src) > len(dst):
        return False
    return all(s == d or s == 1 for s, d in zip(src, dst[len(dst) - len(src):]))
