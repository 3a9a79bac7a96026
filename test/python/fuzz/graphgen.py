"""Random well-typed `graph` functions for differential testing, driven by the op registry.

The strategy `random_graphs()` knows no op by name: each step draws an op from `OPS`, operands
from the values built so far (fan-out included) and attributes (graphdraws.py); the op's `infer`
keeps the valid candidates, and its numpy `ref`, run on the example inputs as the graph grows,
rejects a step whose result is not finite or whose op sits on a singular point
(`well_conditioned`), so graphs are fit for finite differences. Steps that would hit a reported,
still open bug (`KNOWN_BUGS`) are avoided. A new op is fuzzed with no new code;
`test_generator_reaches_every_op_and_feature` fails if one is never generated. The graphs are
`RandomGraph`s (randomgraph.py, re-exported here with its regression-file functions).
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from hypothesis import strategies as st

from symgrad.dialects.graph import OPS
from symgrad.dialects.graph.types import ShapeError, TensorType

from graphdraws import draw_attrs, related_shape, shapes
from randomgraph import RandomGraph, Step, read_regression, to_regression_text

__all__ = ["KNOWN_BUGS", "OP_NAMES", "STATS", "KnownBug", "RandomGraph", "Step", "known_bug", "known_bugs",
           "random_graphs", "read_regression", "to_regression_text", "well_conditioned"]

MAX_OPS = 8
MAX_ARGS = 3
# A step whose result has a larger magnitude is not taken: such values make
# finite differences meaningless long before they overflow.
MAX_MAGNITUDE = 1e6

# Float arguments are float64 (the precision of the numerical checks) but for one graph in
# five, float32; after the first, one argument in seven is a boolean mask and one an int64
# tensor (small values, some out of one_hot's or an index's range) instead.
FLOAT_DTYPES = ("f64",) * 4 + ("f32",)
ARG_KINDS = ("float",) * 5 + ("i1", "i64")
INT_RANGE = (-1, 5)  # int64 arguments are drawn from [-1, 5)
# Ops in registry order; hypothesis shrinks a drawn op towards the first ones.
OP_NAMES = tuple(OPS)
# Ops with an integer operand in their samples (indices, labels, a random key): random integer
# arguments rarely have the shape such an operand needs, so now and then a graph starts with one
# of these ops on the operand types of one of its samples (no op-specific code).
SEEDED_OPS = tuple(name for name in OP_NAMES if any(t.is_int for smp in OPS[name].samples for t in smp.operands))


def _seeded_op(draw, op_names):
    """(OpDef, Sample) to start the graph with, one draw in eight (shrinking to none)."""
    names = [n for n in SEEDED_OPS if n in op_names]
    if not names or draw(st.integers(0, 7)) != 7:
        return None
    opdef = OPS[draw(st.sampled_from(names))]
    return opdef, draw(st.sampled_from(opdef.samples))
# Where argument values are drawn: every op's test domain, the default one first.
DOMAINS = tuple(sorted({op.domain for op in OPS.values()}, key=lambda d: (d != (-2.0, 2.0), d)))


# ------------------------------------------------------------------ known bugs
@dataclass(frozen=True)
class KnownBug:
    """An open bug the fuzzer found and reported: its minimal graph is saved as
    `regressions/<regression>` (replayed as a strict xfail) and the generator stops
    emitting the steps it matches, so the fuzz run stays meaningful meanwhile. When the
    bug is fixed its regression XPASSes, which fails the suite: then delete the entry
    here and the `// xfail:` line of the file."""
    regression: str
    summary: str
    applies: Callable[[str, list, dict], bool]  # (op name, operand types, attrs) -> matches
    runners: tuple = ()  # the runners that show the bug (graphchecks.RUNNERS names); () for all


KNOWN_BUGS: list = [
]


def known_bugs(runner: str = "interpret") -> tuple:
    """The known bugs a run with `runner` must avoid."""
    return tuple(b for b in KNOWN_BUGS if not b.runners or runner in b.runners)


def known_bug(op: str, types, attrs, bugs=None) -> Optional[KnownBug]:
    bugs = known_bugs() if bugs is None else bugs
    return next((b for b in bugs if b.applies(op, list(types), attrs)), None)


# ------------------------------------------------------------------ numerics
STATS: Counter = Counter()  # steps taken / rejected over the process, for the fuzz summary


def _finite(value: np.ndarray) -> bool:
    if value.dtype.kind != "f" or not value.size:
        return True
    return bool(np.all(np.isfinite(value)) and np.max(np.abs(value)) <= MAX_MAGNITUDE)


def well_conditioned(opdef, args, attrs, value, h: float = 1e-4) -> bool:
    """Whether the op is smooth enough at `args` for finite differences and second
    derivatives: along a random direction of its float operands, its reference stays
    finite within +-h and central differences with steps h and h/2 agree.

    This keeps ops off their singular points, which random composition reaches by
    exact cancellation (`x - x` is exactly 0): pow(0, b), sqrt(0) or log(0) have
    infinite derivatives there, and the chain rule turns `inf * 0` into NaN where the
    composed function is perfectly smooth; no finite difference of the graph sees it.
    """
    floats = [k for k, a in enumerate(args) if a.dtype.kind == "f"]
    values = value if isinstance(value, tuple) else (value,)  # one per result
    if not floats or not any(v.dtype.kind == "f" for v in values):
        return True
    value = next(v for v in values if v.dtype.kind == "f")
    rng = np.random.default_rng(len(args) + value.size)
    direction = {k: rng.standard_normal(args[k].shape) for k in floats}

    def at(t):  # every float result, flattened into one vector
        moved = [a + t * direction[k] if k in direction else a for k, a in enumerate(args)]
        with np.errstate(all="ignore"):
            out = opdef.run_ref(*[m.astype(a.dtype) for m, a in zip(moved, args)], **attrs)
        return np.concatenate([np.asarray(r, dtype=np.float64).reshape(-1) for r in out
                               if np.asarray(r).dtype.kind == "f"])
    coarse_ends, fine_ends = (at(h), at(-h)), (at(h / 2), at(-h / 2))
    if not all(_finite(v) for v in coarse_ends + fine_ends):
        return False
    if any(args[k].dtype != np.float64 for k in floats) or value.dtype != np.float64:
        return True  # float32 rounding swamps a difference this small; finiteness is all we ask
    coarse = (coarse_ends[0] - coarse_ends[1]) / (2 * h)
    fine = (fine_ends[0] - fine_ends[1]) / h
    scale = 1.0 + float(np.max(np.abs(fine), initial=0.0))
    return bool(np.all(np.abs(coarse - fine) <= 1e-3 * scale) and scale <= MAX_MAGNITUDE)


# ------------------------------------------------------------------ the strategy
def _infers(opdef, types, attrs, bugs) -> bool:
    try:
        opdef.infer(*types, **attrs)
    except ShapeError:
        return False
    return known_bug(opdef.name, types, attrs, bugs) is None


class _Builder:
    def __init__(self, arg_types, inputs, base, bugs):
        self.types, self.values, self.base, self.bugs = list(arg_types), list(inputs), base, bugs
        self.steps = []

    def _accept(self, opdef, operands, attrs) -> bool:
        """Takes the step if its result is finite and the op is well conditioned at the example inputs."""
        args = [self.values[i] for i in operands]
        with np.errstate(all="ignore"):
            values = tuple(np.asarray(r) for r in opdef.run_ref(*args, **attrs))
        if not all(_finite(v) for v in values) or \
                not well_conditioned(opdef, args, attrs, values if opdef.multi_result else values[0]):
            STATS["steps rejected: numerics"] += 1
            return False
        STATS["steps taken"] += 1
        self.types.extend(opdef.result_types(*[self.types[i] for i in operands], **attrs))
        self.values.extend(values)
        self.steps.append(Step(opdef.name, tuple(operands), attrs))
        return True

    def try_op(self, draw, opdef) -> bool:
        n = len(opdef.operands)
        if n == 0:
            cands = [a for a in draw_attrs(draw, opdef, None, self.base) if _infers(opdef, (), a, self.bugs)]
            return bool(cands) and self._accept(opdef, (), draw(st.sampled_from(cands)))
        if not opdef.attrs:
            combos = [c for c in itertools.product(range(len(self.types)), repeat=n)
                      if _infers(opdef, [self.types[i] for i in c], {}, self.bugs)]
            return bool(combos) and self._accept(opdef, draw(st.sampled_from(combos)), {})
        # Attributes depend on the first operand; the other operands must fit both.
        for _attempt in range(3):
            first = draw(st.integers(0, len(self.types) - 1))
            cands = draw_attrs(draw, opdef, self.types[first], self.base)
            valid = [(c, a) for a in cands for c in itertools.product([first], *[range(len(self.types))] * (n - 1))
                     if _infers(opdef, [self.types[i] for i in c], a, self.bugs)]
            if valid:
                operands, attrs = draw(st.sampled_from(valid))
                return self._accept(opdef, operands, attrs)
        return False


@st.composite
def random_graphs(draw, max_ops: int = MAX_OPS, op_names=OP_NAMES, hvp_every: int = 3, runner: str = "interpret"):
    """A `RandomGraph`: 1-3 arguments (float64, or float32 for the whole graph now and then;
    after the first, now and then a boolean mask or an int64 tensor, which never require grad; or,
    one graph in eight, a float one and the operands of a sample of an op that takes integers, that op
    first), up to `max_ops` ops from `op_names`, 1-2 outputs."""
    base = draw(shapes())
    dtype = draw(st.sampled_from(FLOAT_DTYPES))
    kinds = ["float"] + [draw(st.sampled_from(ARG_KINDS)) for _ in range(draw(st.integers(1, MAX_ARGS)) - 1)]
    arg_types = [TensorType(draw(related_shape(base)), dtype if kind == "float" else kind) for kind in kinds]
    seeded = _seeded_op(draw, op_names)
    if seeded is not None:  # the arguments of one of its samples, after a float one
        opdef, sample = seeded
        arg_types = arg_types[:1] + [TensorType(t.shape, dtype if t.is_float else "i1" if t.dtype == "i1" else "i64")
                                     for t in sample.operands]
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    inputs = []
    for t in arg_types:
        if t.dtype == "i1":
            inputs.append(rng.random(t.shape) < 0.5)
            continue
        if t.dtype == "i64":
            inputs.append(rng.integers(*INT_RANGE, t.shape).astype(np.int64))
            continue
        lo, hi = draw(st.sampled_from(DOMAINS))
        inputs.append(rng.uniform(lo, hi, t.shape).astype(t.np_dtype))
    builder = _Builder(arg_types, inputs, base, known_bugs(runner))
    if seeded is not None:
        builder.try_op(draw, seeded[0])
    for _ in range(draw(st.sampled_from(range(1, max_ops + 1)))):
        for _attempt in range(4):  # an op the current values cannot feed: draw another
            if builder.try_op(draw, OPS[draw(st.sampled_from(op_names))]):
                break
    last = len(builder.types) - 1
    outputs = [last]
    if draw(st.booleans()):
        other = draw(st.integers(0, last))
        if other != last:
            outputs.append(other)
    hvp = draw(st.integers(0, hvp_every - 1)) == hvp_every - 1  # shrinks to False: kept only if needed
    return RandomGraph(arg_types, inputs, builder.steps, outputs, seed=seed, hvp=hvp,
                       types=builder.types, values=builder.values)
