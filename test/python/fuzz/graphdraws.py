"""What the random-graph generator draws besides ops: shapes, and attributes for an op by its
attribute signature (a joint drawer in `JOINT` when one exists, else one attribute at a time by
its kind). A drawer returns candidates; the op's `infer` keeps the valid ones."""
from __future__ import annotations

from typing import Callable

import numpy as np
from hypothesis import strategies as st

from symgrad.dialects.graph.attrs import BOOL, DTYPE, FLOAT, INT, INTS, TENSOR

MAX_RANK = 3
MAX_DIM = 4


# ------------------------------------------------------------------ shapes
def _prime_factors(n: int) -> list:
    out, p = [], 2
    while n > 1:
        while n % p == 0:
            out.append(p)
            n //= p
        p += 1
    return out


@st.composite
def shapes(draw, min_rank=0, max_rank=MAX_RANK):
    # Hypothesis draws the first choice far more often than the others (it is also where
    # shrinking goes): rank 2 first, so that matrices are the common case, not scalars.
    ranks = sorted(range(min_rank, max_rank + 1), key=lambda r: (r != 2, r == 0, r))
    rank = draw(st.sampled_from(ranks))
    # Dims from a two-size alphabet: equal dims (square matrices, matching contraction and
    # concat dims) are common enough for matmul and friends to find operands.
    alphabet = (draw(st.sampled_from(range(1, MAX_DIM + 1))), draw(st.sampled_from(range(2, MAX_DIM + 1))))
    return tuple(draw(st.sampled_from(alphabet)) for _ in range(rank))


@st.composite
def related_shape(draw, base):
    """A shape that broadcasts with `base` (a suffix of it, some dims set to 1), or sometimes
    an unrelated one: argument and constant shapes meet in binary ops often, but not always."""
    if draw(st.integers(0, 5)) == 5:
        return draw(shapes())
    drop = min(len(base), draw(st.sampled_from((0, 0, 0, 0, 0, 1, 1, 2))))
    shape = tuple(1 if draw(st.integers(0, 3)) == 3 else d for d in base[drop:])
    if len(shape) >= 2 and draw(st.integers(0, 2)) == 2:  # a transposed sibling: (M, K) meets (K, M)
        shape = shape[:-2] + (shape[-1], shape[-2])
    return shape


# ------------------------------------------------------------------ attributes
# A drawer returns candidate attribute dicts for an op whose first operand has type `x`
# (None for ops without operands); `infer` keeps the valid ones.
Drawer = Callable[..., list]


def _axes_keepdims(draw, x, base):
    rank = x.rank if x else 0
    axes = sorted(draw(st.lists(st.integers(0, max(rank - 1, 0)), unique=True, max_size=rank)))
    return [{"axes": tuple(axes), "keepdims": draw(st.booleans())}]


def _axes_keepdims_ddof(draw, x, base):
    return [{**a, "ddof": draw(st.sampled_from((0, 0, 1)))} for a in _axes_keepdims(draw, x, base)]


def _axes(draw, x, base):
    rank = x.rank if x else 0
    return [{"axes": tuple(sorted(draw(st.lists(st.integers(0, max(rank - 1, 0)), unique=True, max_size=rank))))}]


def _axis_reverse(draw, x, base):
    return [{**a, "reverse": draw(st.booleans())} for a in _axis(draw, x, base)]


def _perm(draw, x, base):
    return [{"perm": tuple(draw(st.permutations(list(range(x.rank if x else 0)))))}]


def _reshaped(draw, x):
    """A random shape with as many elements as `x` (prime factors spread over <= 3 dims, 1s added)."""
    rank = draw(st.integers(0 if x.size == 1 else 1, MAX_RANK))
    if rank == 0:
        return ()
    dims = [1] * rank
    for p in _prime_factors(x.size):
        dims[draw(st.integers(0, rank - 1))] *= p
    return tuple(dims)


def _broadcast_up(draw, x):
    lead = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(0, MAX_RANK - x.rank))))
    return lead + tuple(draw(st.integers(1, 3)) if d == 1 else d for d in x.shape)


def _sum_down(draw, x):
    drop = draw(st.integers(0, x.rank))
    return tuple(1 if draw(st.booleans()) else d for d in x.shape[drop:])


def _shape(draw, x, base):
    """One candidate per way a `shape` attribute relates to the operand (reshape,
    broadcast_to, sum_to_size); the op's infer keeps those that fit it."""
    return [{"shape": _reshaped(draw, x)}, {"shape": _broadcast_up(draw, x)}, {"shape": _sum_down(draw, x)}]


def _slice(draw, x, base):
    start, stop, step = [], [], []
    for n in x.shape:
        if n == 0:  # an empty axis (topk with k = 0, a take of no indices) has only the empty slice
            start.append(0), stop.append(0), step.append(draw(st.integers(1, 3)))
            continue
        a = draw(st.integers(0, n - 1))
        length = draw(st.integers(1, n - a))
        start.append(a), stop.append(a + length), step.append(draw(st.integers(1, 3)))
    return [{"start": tuple(start), "stop": tuple(stop), "step": tuple(step)}]


def _pad(draw, x, base):
    start = tuple(draw(st.integers(0, 2)) for _ in x.shape)
    step = tuple(draw(st.integers(1, 2)) for _ in x.shape)
    shape = tuple(a + (n - 1) * s + 1 + draw(st.integers(0, 2)) for a, s, n in zip(start, step, x.shape))
    return [{"shape": shape, "start": start, "step": step}]


def _axis(draw, x, base):
    return [{"axis": draw(st.integers(0, max((x.rank if x else 1) - 1, 0)))}]


def _k_axis(draw, x, base):
    """topk's k and axis: k up to the axis' length, 0 (an empty result) now and then."""
    axis = _axis(draw, x, base)[0]["axis"]
    n = x.shape[axis] if x is not None and x.rank else 0
    return [{"k": draw(st.integers(0, n)), "axis": axis}]


def _dtype(draw, x, base):
    # Mostly float64 (the precision of the numerical checks); float32 now and then.
    if x is not None and x.dtype == "f32":
        return [{"to": draw(st.sampled_from(("f64", "f32")))}]
    return [{"to": draw(st.sampled_from(("f64", "f64", "f64", "f32")))}]


def _array(draw, base) -> np.ndarray:
    shape = draw(related_shape(base))
    kind = draw(st.integers(0, 5))
    if kind == 5:  # a boolean constant: a select condition without a comparison
        return np.random.default_rng(draw(st.integers(0, 2**16))).random(shape) < 0.5
    if kind >= 3:  # a splat
        return np.full(shape, draw(st.sampled_from((0.5, 1.0, 2.0, -1.0, 0.0, 3.0))))
    return np.round(np.random.default_rng(draw(st.integers(0, 2**16))).uniform(-2, 2, shape), 3)


def _value(draw, x, base):
    return [{"value": _array(draw, base)}]


JOINT: dict = {
    frozenset({"axes", "keepdims"}): _axes_keepdims,
    frozenset({"axes", "keepdims", "ddof"}): _axes_keepdims_ddof,
    frozenset({"axes"}): _axes,
    frozenset({"axis", "reverse"}): _axis_reverse,
    frozenset({"perm"}): _perm,
    frozenset({"shape"}): _shape,
    frozenset({"start", "stop", "step"}): _slice,
    frozenset({"shape", "start", "step"}): _pad,
    frozenset({"axis"}): _axis,
    frozenset({"k", "axis"}): _k_axis,
    frozenset({"to"}): _dtype,
    frozenset({"value"}): _value,
}


def _by_kind(draw, kind, x, base):
    """Fallback for attribute signatures without a joint drawer."""
    rank = x.rank if x else 0
    if kind is INTS:
        return tuple(draw(st.integers(0, MAX_DIM)) for _ in range(rank))
    if kind is INT:
        return draw(st.integers(0, max(rank - 1, 0)))
    if kind is BOOL:
        return draw(st.booleans())
    if kind is DTYPE:
        return "f64"
    if kind is FLOAT:  # slopes and bounds; the op's infer drops unordered bounds
        return draw(st.sampled_from((-1.0, -0.5, 0.0, 0.01, 0.5, 1.0, 2.0)))
    if kind is TENSOR:
        return _array(draw, base)
    raise NotImplementedError(f"graphgen has no drawer for attribute kind {kind.name}")


def draw_attrs(draw, opdef, x, base) -> list:
    joint = JOINT.get(frozenset(opdef.attrs))
    if joint is not None:
        return joint(draw, x, base)
    return [{name: _by_kind(draw, kind, x, base) for name, kind in opdef.attrs.items()}]
