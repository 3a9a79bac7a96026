"""Random well-typed `graph` functions for differential testing, driven by the op registry.

A `RandomGraph` is plain data (argument types, input arrays, a list of
`Step`s, the output indices), so hypothesis can shrink it and a failure can be
printed, saved as a `.mlir` regression file and rebuilt from one.

The strategy `random_graphs()` knows no op by name. At each step it draws an
op from `OPS` and then operands and attributes for it:
- operands come from the values built so far (arguments and earlier results;
  a value can be used many times, which gives fan-out);
- attributes are drawn by the op's attribute signature (the set of attribute
  names, e.g. {axes, keepdims} or {start, stop, step}) when a joint drawer for
  it exists, else one attribute at a time by its kind (`AttrKind`);
- the op's own `infer` rule decides: only candidates it accepts are emitted;
- the op's numpy `ref` is run on the example inputs while the graph grows; a
  step whose result is not finite (log of a negative...) or whose op sits on a
  singular point (`well_conditioned`) is not taken, so finished graphs have
  finite values and are fit for finite differences at their inputs;
- steps that would hit a reported, still open bug (`KNOWN_BUGS`) are avoided.
A new op is therefore fuzzed with no new code;
`test_generator_reaches_every_op_and_feature` fails if some registered op is
never generated (e.g. an attribute signature the generic drawers cannot
satisfy), which is the cue to add a joint drawer to `JOINT`.
"""
from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from hypothesis import strategies as st

import symgrad as sg
from symgrad.dialects.graph import OPS, emit
from symgrad.dialects.graph.attrs import BOOL, DTYPE, INT, INTS, TENSOR
from symgrad.dialects.graph.registry import lookup
from symgrad.dialects.graph.types import ShapeError, TensorType
from symgrad.dialects.graph.verifier import op_attributes

MAX_OPS = 8
MAX_ARGS = 3
MAX_RANK = 3
MAX_DIM = 4
# A step whose result has a larger magnitude is not taken: such values make
# finite differences meaningless long before they overflow.
MAX_MAGNITUDE = 1e6

# Float arguments are float64 (the precision of the numerical checks) but for one graph in
# five, float32; after the first, one argument in six is a boolean mask instead.
FLOAT_DTYPES = ("f64",) * 4 + ("f32",)
ARG_KINDS = (True,) * 5 + (False,)  # True: a float argument
# Ops in registry order; hypothesis shrinks a drawn op towards the first ones.
OP_NAMES = tuple(OPS)
# Where argument values are drawn: every op's test domain, the default one first.
DOMAINS = tuple(sorted({op.domain for op in OPS.values()}, key=lambda d: (d != (-2.0, 2.0), d)))


@dataclass
class Step:
    """One op of a random graph: `graph.<op>` on earlier values, with IR-level attributes."""
    op: str
    operands: tuple
    attrs: dict = field(default_factory=dict)


@dataclass
class RandomGraph:
    arg_types: list  # TensorType per argument (f64 or f32, or i1 for a mask)
    inputs: list  # one numpy array per argument
    steps: list  # Step per op, in order; value k >= len(args) is the result of steps[k - len(args)]
    outputs: list  # value indices returned by the function
    seed: int = 0  # seeds the checks' random cotangents and directions
    hvp: bool = False  # whether the second-derivative check runs on this graph
    types: list = field(default_factory=list)  # TensorType of every value
    values: list = field(default_factory=list)  # numpy value of every value at `inputs`

    def __post_init__(self):
        if not self.types:
            self.types = list(self.arg_types)
            for s in self.steps:
                self.types.append(OPS[s.op].infer(*[self.types[i] for i in s.operands], **s.attrs))
        if not self.values:
            self.values = self.evaluate_all(self.inputs)

    # -- the numpy program: each step's registry reference, in order -----------
    def evaluate_all(self, arrays) -> list:
        """Every value at `arrays`, as differentiation sees the program: a stop_gradient result is a
        constant, so once the values at `inputs` are known it keeps its value there (the finite-
        difference oracles perturb the inputs and must not see it move)."""
        vals = list(arrays)
        with np.errstate(all="ignore"):
            for s in self.steps:
                if OPS[s.op].stops_gradient and self.values:
                    vals.append(self.values[len(vals)])
                    continue
                vals.append(np.asarray(OPS[s.op].ref(*[vals[i] for i in s.operands], **s.attrs)))
        return vals

    def evaluate(self, *arrays) -> tuple:
        vals = self.evaluate_all(arrays)
        return tuple(vals[i] for i in self.outputs)

    @property
    def output_types(self) -> list:
        return [self.types[i] for i in self.outputs]

    @property
    def has_f32(self) -> bool:
        return any(t.dtype == "f32" for t in self.types)

    # -- IR ---------------------------------------------------------------------
    def build(self, name: str = "f") -> sg.Module:
        """The graph as a verified `graph` function `@name`, built with `emit`."""
        steps, outputs = self.steps, self.outputs

        def fn(*args):
            vals = list(args)
            for s in steps:
                vals.append(emit(s.op, *[vals[i] for i in s.operands], **s.attrs))
            return tuple(vals[i] for i in outputs)

        specs = [sg.TensorSpec(t.shape, t.np_dtype) for t in self.arg_types]
        return sg.trace(fn, *specs, name=name)

    def mlir(self) -> str:
        """The IR as `sg` builds and prints it; the independent text when building fails."""
        try:
            return str(self.build())
        except Exception:  # a builder bug: the failure is reported elsewhere, keep the graph printable
            return self.text()

    def text(self, name: str = "f") -> str:
        """The IR written directly from the steps in MLIR's generic syntax, without `emit`:
        an independent spelling that the property checks compare with the built IR."""
        def ref(i):
            return f"%arg{i}" if i < len(self.arg_types) else f"%{i - len(self.arg_types)}"
        args = ", ".join(f"%arg{i}: {t}" for i, t in enumerate(self.arg_types))
        results = ", ".join(str(self.types[i]) for i in self.outputs)
        lines = [f"func.func @{name}({args}) -> ({results}) {{"]
        for k, s in enumerate(self.steps):
            opdef = OPS[s.op]
            attrs = ", ".join(f"{n} = {attr_text(opdef.attrs[n], v)}" for n, v in s.attrs.items())
            types = ", ".join(str(self.types[i]) for i in s.operands)
            lines.append(f'  %{k} = "graph.{s.op}"({", ".join(ref(i) for i in s.operands)})'
                         f'{" {" + attrs + "}" if attrs else ""} : ({types}) -> {self.types[len(self.arg_types) + k]}')
        lines.append(f"  return {', '.join(ref(i) for i in self.outputs)} : {results}")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        return "RandomGraph:\n" + to_regression_text(self)

    @staticmethod
    def from_module(module: sg.Module, inputs, seed: int = 0, hvp: bool = False,
                    func_name: Optional[str] = None) -> "RandomGraph":
        """Reads a single-block function of `graph` ops back into steps."""
        with module.context:
            fop = module.function(func_name)
            block = fop.entry_block
            index = {a: i for i, a in enumerate(block.arguments)}
            arg_types = [TensorType.from_mlir(t) for t in fop.type.inputs]
            steps, outputs = [], None
            for op in block.operations:
                op = op.operation
                if op.name == "func.return":
                    outputs = [index[v] for v in op.operands]
                    break
                opdef = lookup(op.name)
                if opdef is None:
                    raise ValueError(f"{op.name} is not a graph op")
                steps.append(Step(opdef.name, tuple(index[v] for v in op.operands), op_attributes(op, opdef)))
                index[op.results[0]] = len(index)
        inputs = [np.asarray(a, dtype=t.np_dtype).reshape(t.shape) for a, t in zip(inputs, arg_types)]
        return RandomGraph(arg_types, inputs, steps, outputs, seed=seed, hvp=hvp)


def _elements_text(a: np.ndarray) -> str:
    if a.ndim == 0:
        v = a.item()
        return ("true" if v else "false") if a.dtype == np.bool_ else f"{float(v):.17e}"
    return "[" + ", ".join(_elements_text(x) for x in a) + "]"


def attr_text(kind, value) -> str:
    """An attribute value in MLIR syntax, written independently of `AttrKind.to_mlir`."""
    if kind is INTS:
        return f"array<i64{': ' + ', '.join(str(int(v)) for v in value) if len(value) else ''}>"
    if kind is INT:
        return f"{int(value)} : i64"
    if kind is BOOL:
        return "true" if value else "false"
    if kind is DTYPE:
        return value
    if kind is TENSOR:
        a = np.asarray(value)
        return f"dense<{_elements_text(a)}> : {TensorType.of_array(a)}"
    raise NotImplementedError(f"graphgen cannot spell attribute kind {kind.name}")


# ------------------------------------------------------------------ regression files
HEADER = "// symgrad-fuzz"


def to_regression_text(g: RandomGraph, failure: str = "", xfail: str = "", runner: str = "interpret") -> str:
    """The graph as a `.mlir` file: its IR after `// ` header lines that carry what the
    checks need besides the IR (seed, inputs, runner); `sg.parse` skips the comments."""
    lines = [f"{HEADER} regression: replayed by test/python/fuzz/test_regressions.py",
             f"// seed: {g.seed}", f"// hvp: {str(g.hvp).lower()}", f"// runner: {runner}"]
    if xfail:
        lines.append(f"// xfail: {xfail}")
    for line in failure.strip().splitlines()[:12]:
        lines.append(f"// failure: {line}")
    for i, a in enumerate(g.inputs):
        lines.append(f"// input {i}: {json.dumps(np.asarray(a, dtype=np.float64).tolist())}")
    return "\n".join(lines) + "\n" + g.mlir()


@dataclass
class RegressionFile:
    text: str
    seed: int
    hvp: bool
    xfail: str
    inputs: list
    runner: str = "interpret"

    def graph(self) -> RandomGraph:
        return RandomGraph.from_module(sg.parse(self.text), self.inputs, seed=self.seed, hvp=self.hvp)


def read_regression(text: str) -> RegressionFile:
    header = dict(re.findall(r"^// (seed|hvp|xfail|runner): (.*)$", text, re.M))
    inputs = {int(i): json.loads(v) for i, v in re.findall(r"^// input (\d+): (.*)$", text, re.M)}
    return RegressionFile(text=text, seed=int(header.get("seed", 0)), hvp=header.get("hvp", "false") == "true",
                          xfail=header.get("xfail", ""), inputs=[inputs[i] for i in sorted(inputs)],
                          runner=header.get("runner", "interpret"))


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
    frozenset({"perm"}): _perm,
    frozenset({"shape"}): _shape,
    frozenset({"start", "stop", "step"}): _slice,
    frozenset({"shape", "start", "step"}): _pad,
    frozenset({"axis"}): _axis,
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
    if kind is TENSOR:
        return _array(draw, base)
    raise NotImplementedError(f"graphgen has no drawer for attribute kind {kind.name}")


def draw_attrs(draw, opdef, x, base) -> list:
    joint = JOINT.get(frozenset(opdef.attrs))
    if joint is not None:
        return joint(draw, x, base)
    return [{name: _by_kind(draw, kind, x, base) for name, kind in opdef.attrs.items()}]


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
    if not floats or value.dtype.kind != "f":
        return True
    rng = np.random.default_rng(len(args) + value.size)
    direction = {k: rng.standard_normal(args[k].shape) for k in floats}

    def at(t):
        moved = [a + t * direction[k] if k in direction else a for k, a in enumerate(args)]
        with np.errstate(all="ignore"):
            return np.asarray(opdef.ref(*[m.astype(a.dtype) for m, a in zip(moved, args)], **attrs),
                              dtype=np.float64)
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
            value = np.asarray(opdef.ref(*args, **attrs))
        if not _finite(value) or not well_conditioned(opdef, args, attrs, value):
            STATS["steps rejected: numerics"] += 1
            return False
        STATS["steps taken"] += 1
        self.types.append(opdef.infer(*[self.types[i] for i in operands], **attrs))
        self.values.append(value)
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
    after the first, now and then a boolean mask, which never requires grad), up to
    `max_ops` ops from `op_names`, 1-2 outputs."""
    base = draw(shapes())
    dtype = draw(st.sampled_from(FLOAT_DTYPES))
    arg_types = [TensorType(draw(related_shape(base)), dtype if k == 0 or draw(st.sampled_from(ARG_KINDS)) else "i1")
                 for k in range(draw(st.integers(1, MAX_ARGS)))]
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    inputs = []
    for t in arg_types:
        if t.dtype == "i1":
            inputs.append(rng.random(t.shape) < 0.5)
            continue
        lo, hi = draw(st.sampled_from(DOMAINS))
        inputs.append(rng.uniform(lo, hi, t.shape).astype(t.np_dtype))
    builder = _Builder(arg_types, inputs, base, known_bugs(runner))
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
