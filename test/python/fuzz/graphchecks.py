"""The properties every random graph must have, checked against a pluggable runner.

1. the verifier accepts the IR and the text round-trips (with and without locations);
2. the runner gives every output with the type the IR declares, equal to the
   registry references run directly on numpy arrays;
3. `sg.differentiate` (all float arguments requiring grad) gives gradients that
   match float64 central finite differences and pass the dot-product test
   <J u, w> = <u, J^T w>; the three recompute policies agree; absent (None)
   vjps mean zero, vjps for captured temporaries (the seed's `dt`) add their
   term, differentiating w.r.t. a subset of the arguments gives the same
   entries; the Gradient fields are consistent with the signatures;
4. on graphs with `hvp` set: the adjoint built with recompute='all' is
   differentiated again and its Hessian-vector product matches finite
   differences of the gradient.

The finite-difference oracle runs the registry references in plain numpy (the
graph's numpy program), so it is independent of the runner. Every difference is
taken with two step sizes: where they disagree the function has a kink, a
discontinuity or a singularity within a step of the point, and where the two
one-sided differences disagree it has a kink at the point itself; such an element
is left out of the comparison; a graph with too many such elements raises
`Unchecked` (the test then discards it and counts it).

Runner hook: `Runner.run(module, func_name, *arrays)` runs one function (the
primal, the adjoints and their variants all go through it). The suite uses the
reference interpreter, which must match the references bit for bit. `COMPILED`
runs `sg.compile`d native kernels instead (to a few ulps): opt in with
SYMGRAD_FUZZ_RUNNERS=interpret,compiled (e.g. for scripts/fuzz.sh). It is not in
the default run because compiling every primal and adjoint costs about a second
per graph; its regressions (runner: compiled) are replayed on every run.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import symgrad as sg
from symgrad.dialects.graph import OPS
from symgrad.dialects.graph.types import TensorType

from graphgen import RandomGraph

POLICIES = ("none", "elementwise", "all")


@dataclass(frozen=True)
class Runner:
    name: str
    run: Callable[..., tuple]  # run(module, func_name, *arrays) -> tuple of arrays
    exact: bool  # results are bit-identical to the numpy references

    def for_gradient(self, module):
        """The `runner=` argument of Gradient.forward/backward."""
        return lambda name, *arrays: self.run(module, name, *arrays)

    def assert_same(self, got, want, what: str, loose: bool = False):
        """`got` from this runner vs `want` from the references (or from this runner, when
        `loose` compares two computations of one quantity: policies, absent vjps)."""
        got, want = np.asarray(got), np.asarray(want)
        if self.exact and not loose:
            np.testing.assert_array_equal(got, want, err_msg=what)
            return
        assert got.dtype == want.dtype and got.shape == want.shape, f"{what}: {got.dtype}{list(got.shape)} vs " \
                                                                      f"{want.dtype}{list(want.shape)}"
        if got.dtype.kind != "f":
            np.testing.assert_array_equal(got, want, err_msg=what)
        else:  # a few ulps of the dtype, scaled like the values
            tol = 1e-12 if self.exact else (1e-9 if got.dtype == np.float64 else 2e-5)
            scale = 1.0 + float(np.max(np.abs(want), initial=0.0))
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale, err_msg=what)


INTERPRETER = Runner("interpret", lambda module, name, *arrays: sg.interpret(module, name, *arrays), exact=True)


class _Compiled:
    """`sg.compile` as a runner; the kernels of the last few modules are kept (the fuzzer
    compiles thousands of distinct modules, so symgrad's own caches are bypassed)."""

    def __init__(self, keep: int = 4, pipeline=None):
        self.kept: dict = {}
        self.keep = keep
        self.pipeline = pipeline

    def __call__(self, module, name, *arrays):
        with module.context:
            key = str(module.mlir)
        if key not in self.kept:
            if len(self.kept) >= self.keep:
                self.kept.pop(next(iter(self.kept)))
            self.kept[key] = sg.compile(module, cache=False, pipeline=self.pipeline() if self.pipeline else None)
        out = self.kept[key][name](*arrays)
        return tuple(out) if isinstance(out, (tuple, list)) else (out,)


COMPILED = Runner("compiled", _Compiled(), exact=False)


def _tiled_pipeline():
    """graph-to-llvm with tile-rows on every graph it can tile, in blocks of as few rows as it takes."""
    from symgrad.passes.graph_to_llvm import graph_to_llvm
    return graph_to_llvm().replace("tile-rows,", "tile-rows{min-bytes=0 block-bytes=1},")


# Native code with every row-wise function tiled by tile-rows (passes/tile_rows.py), whatever its size.
TILED = Runner("tiled", _Compiled(pipeline=_tiled_pipeline), exact=False)
# The runners the fuzz tests parametrize over: SYMGRAD_FUZZ_RUNNERS=interpret,compiled,tiled adds native code.
BY_NAME = {r.name: r for r in (INTERPRETER, COMPILED, TILED)}
RUNNERS = [BY_NAME[name] for name in os.environ.get("SYMGRAD_FUZZ_RUNNERS", "interpret").split(",")]


class Unchecked(Exception):
    """The graph is numerically unfit for finite differences at its inputs (reason in args[0])."""


@dataclass(frozen=True)
class Tolerance:
    h: float  # the larger step; the smaller is h / 2
    ill: float  # relative disagreement of the two steps that marks an element as unfit
    rtol: float
    atol: float  # times the gradient's scale 1 + max |g|


F64 = Tolerance(h=1e-5, ill=1e-6, rtol=1e-5, atol=1e-6)
F32 = Tolerance(h=1e-2, ill=1e-2, rtol=3e-3, atol=3e-3)  # graphs that round through float32
MAX_UNFIT = 0.5  # fraction of gradient elements that may be left out before a graph is discarded


@dataclass
class Report:
    """What was actually checked for one graph."""
    elements: int = 0
    unfit: int = 0
    dot: bool = False
    hvp: bool = False
    hvp_unfit: int = 0
    temporaries: bool = False  # vjps for captured temporaries were checked
    subset: bool = False  # a requires_grad subset was checked
    notes: list = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.unfit > 0


# ------------------------------------------------------------------ finite differences
def _phi(fn, cotangents):
    """x -> sum_i <cotangent_i, fn(x)_i> in float64, over float outputs."""
    def phi(*arrays):
        return sum(float(np.sum(c * np.asarray(o, dtype=np.float64)))
                   for c, o in zip(cotangents, fn(*arrays)) if c is not None)
    return phi


def fd_gradient(phi, args, wrt, h, gaps=None):
    """Central differences of phi w.r.t. each argument in `wrt`. With a list `gaps`, also appends
    per argument the gap between the one-sided differences, |phi(x+h) - 2 phi(x) + phi(x-h)| / h:
    about h |phi''| where phi is smooth, the jump of the slope where phi has a kink at x itself."""
    center = phi(*args) if gaps is not None else None
    out = []
    for i in wrt:
        g = np.zeros(args[i].shape)
        gap = np.zeros(args[i].shape)
        for k in range(args[i].size):
            plus, minus = list(args), list(args)
            plus[i], minus[i] = args[i].copy(), args[i].copy()
            plus[i].reshape(-1)[k] += h
            minus[i].reshape(-1)[k] -= h
            up, down = phi(*plus), phi(*minus)
            g.reshape(-1)[k] = (up - down) / (2 * h)
            if gaps is not None:
                gap.reshape(-1)[k] = abs(up - 2 * center + down) / h
        out.append(g)
        if gaps is not None:
            gaps.append(gap)
    return out


def fd_gradient_checked(phi, args, wrt, tol: "Tolerance"):
    """`two_step` central differences of phi, with the elements where phi has a kink at the point
    itself also marked unfit. Centred on a kink, both step sizes give the mean of the two slopes,
    so they agree and `two_step` cannot see it; the one-sided differences can: their gap halves
    with h where phi is smooth and stays where the slope jumps. (A stop_gradient makes such kinks:
    `select(gt(stop_gradient(x), x), x, ...)` ties at the point and flips either side of it.)"""
    gaps: dict = {}

    def estimate(h):
        gaps[h] = []
        return fd_gradient(phi, args, wrt, h, gaps[h])
    values, unfit = two_step(estimate, tol)
    scale = 1.0 + max([float(np.max(np.abs(v))) for v in values if v.size] or [0.0])
    kinks = [(fine > tol.atol * scale) & (fine > 0.75 * coarse) for coarse, fine in zip(gaps[tol.h], gaps[tol.h / 2])]
    return values, [u | k for u, k in zip(unfit, kinks)]


def two_step(estimate, tol: Tolerance):
    """Runs `estimate(h)` at h and h/2: returns (Richardson value, unfit mask) per array."""
    coarse, fine = estimate(tol.h), estimate(tol.h / 2)
    finite = [np.isfinite(c) & np.isfinite(f) for c, f in zip(coarse, fine)]
    scale = 1.0 + max([float(np.max(np.abs(f[m]))) for f, m in zip(fine, finite) if m.any()] or [0.0])
    values, unfit = [], []
    with np.errstate(all="ignore"):
        for c, f, m in zip(coarse, fine, finite):
            values.append(np.where(m, f + (f - c) / 3.0, 0.0))
            unfit.append(~m | (np.abs(f - c) > tol.ill * scale))
    return values, unfit


def assert_close_masked(got, want, unfit, tol: Tolerance, what: str):
    scale = 1.0 + max([float(np.max(np.abs(w[~u]))) for w, u in zip(want, unfit) if (~u).any()] or [0.0])
    for k, (g, w, u) in enumerate(zip(got, want, unfit)):
        bad = ~u & ~(np.abs(g - w) <= tol.atol * scale + tol.rtol * np.abs(w))
        if bad.any():
            idx = tuple(np.argwhere(bad)[0])
            raise AssertionError(f"{what} {k}: {int(bad.sum())} of {bad.size} elements differ from finite "
                                 f"differences; first at {idx}: symbolic {g[idx]!r} vs numeric {w[idx]!r}\n"
                                 f"symbolic:\n{g}\nnumeric:\n{w}")


# ------------------------------------------------------------------ the properties
def check_ir(g: RandomGraph) -> sg.Module:
    """Property 1: verifier, declared types, textual round trip."""
    m = g.build()
    m.verify()
    text, with_locations = str(m), m.mlir_with_debuginfo()
    reparsed = sg.parse(with_locations)
    assert str(reparsed) == text, "printing the parsed IR changed it"
    assert reparsed.mlir_with_debuginfo() == with_locations, "the round trip changed the locations"
    independent = g.text()
    assert str(sg.parse(independent)) == text, f"the IR written from the steps parses to different IR:\n{independent}"
    with m.context:
        fop = m.function("f")
        declared = [TensorType.from_mlir(t) for t in fop.type.results]
        ops = [op.operation for op in fop.entry_block.operations][:-1]
        results = [TensorType.from_mlir(r.type) for op in ops for r in op.results]
    assert declared == g.output_types, f"declared results {declared} vs generated {g.output_types}"
    assert results == g.types[len(g.arg_types):], "op result types differ from the registry's infer"
    return m


def check_forward(g: RandomGraph, m: sg.Module, runner: Runner) -> tuple:
    """Property 2: outputs have the declared types and equal the numpy references."""
    outs = runner.run(m, "f", *g.inputs)
    assert len(outs) == len(g.outputs)
    for k, (o, t, i) in enumerate(zip(outs, g.output_types, g.outputs)):
        o = np.asarray(o)
        assert o.dtype == t.np_dtype and o.shape == t.shape, f"output {k}: got {o.dtype}{list(o.shape)}, IR says {t}"
        runner.assert_same(o, g.values[i], f"output {k} vs the registry reference")
    return outs


def _check_fields(grad: sg.Gradient, g: RandomGraph, wrt):
    n_out = len(g.outputs)
    assert grad.df_output_vjps == tuple(wrt)
    assert grad.f_real_outputs == n_out
    f_results = [TensorType.from_mlir(t) for t in grad.f.type.results]
    assert f_results[:n_out] == g.output_types, "the primal changed the real outputs' types"
    assert all(0 <= i < len(f_results) for i in grad.df_input_vjps + grad.df_input_captured_outputs)
    assert list(grad.df_input_captured_inputs) == sorted(set(grad.df_input_captured_inputs))
    df_inputs = [TensorType.from_mlir(t) for t in grad.df.type.inputs]
    expect = [f_results[i] for i in grad.df_input_vjps] + [g.arg_types[i] for i in grad.df_input_captured_inputs] \
        + [f_results[i] for i in grad.df_input_captured_outputs]
    assert df_inputs == expect, f"adjoint signature {df_inputs} vs the contract's {expect}"
    assert [TensorType.from_mlir(t) for t in grad.df.type.results] == [g.arg_types[i] for i in wrt]
    assert all(i >= n_out or g.output_types[i].is_float for i in grad.df_input_vjps), "vjp for a non-float output"


def check_gradients(g: RandomGraph, m: sg.Module, runner: Runner, report: Report) -> dict:
    """Property 3. Returns {policy: Gradient} for the second-order check."""
    rng = np.random.default_rng(g.seed + 1)
    tol = F32 if g.has_f32 else F64
    wrt = [i for i, t in enumerate(g.arg_types) if t.is_float]
    cts = [rng.standard_normal(t.shape).astype(t.np_dtype) if t.is_float else None for t in g.output_types]
    phi = _phi(g.evaluate, cts)
    numeric, unfit = fd_gradient_checked(phi, g.inputs, wrt, tol)
    report.elements = sum(a.size for a in numeric)
    report.unfit = int(sum(u.sum() for u in unfit))
    if report.elements and report.unfit > MAX_UNFIT * report.elements:
        raise Unchecked(f"finite differences disagree across step sizes on {report.unfit} of "
                        f"{report.elements} gradient elements")

    grads, by_policy = {}, {}
    for policy in POLICIES:
        grad = sg.differentiate(m, "f", requires_grad=wrt, recompute=policy)
        _check_fields(grad, g, wrt)
        if policy == "none":
            text = str(grad.module)
            assert str(sg.parse(text)) == text, "the differentiated module does not round-trip"
        if policy == "all":
            assert grad.df_input_captured_outputs == (), "recompute='all' still captures outputs"
        run = runner.for_gradient(grad.module)
        outs, saved = grad.forward(*g.inputs, runner=run)
        for k, (o, i) in enumerate(zip(outs, g.outputs)):
            runner.assert_same(o, g.values[i], f"primal output {k} under recompute={policy}")
        vjps = [cts[i] for i in grad.df_input_vjps if i < grad.f_real_outputs]
        result = grad.backward(saved, *vjps, runner=run)
        assert len(result) == len(wrt)
        for r, i in zip(result, wrt):
            assert r.dtype == g.arg_types[i].np_dtype and r.shape == g.arg_types[i].shape, \
                f"gradient of argument {i} is {r.dtype}{list(r.shape)}"
        grads[policy], by_policy[policy] = list(result), grad
        if policy == "none":
            _check_absent_vjps(grad, saved, vjps, runner, run, rng)

    assert_close_masked(grads["none"], numeric, unfit, tol, "gradient of argument")
    report.temporaries = _check_temporary_vjps(g, by_policy["none"], runner, cts, phi, wrt, tol, rng)
    report.subset = _check_requires_grad_subset(g, m, runner, cts, wrt, grads["none"], rng)
    for policy in POLICIES[1:]:
        for k, (a, b) in enumerate(zip(grads["none"], grads[policy])):
            runner.assert_same(b, a, f"argument {k}: recompute={policy} vs recompute=none", loose=True)

    # Dot-product test <J u, w> = <u, J^T w>, with u off the unfit elements.
    us = [np.where(u, 0.0, rng.standard_normal(a.shape)) for u, a in zip(unfit, numeric)]

    def directional(h):
        plus = list(g.inputs)
        minus = list(g.inputs)
        for i, u in zip(wrt, us):
            plus[i], minus[i] = g.inputs[i] + h * u, g.inputs[i] - h * u
        return [np.array((phi(*plus) - phi(*minus)) / (2 * h))]
    (jvp,), (jvp_unfit,) = two_step(directional, tol)
    if not jvp_unfit:
        lhs = float(jvp)
        rhs = sum(float(np.sum(u * s)) for u, s in zip(us, grads["none"]))
        size = sum(float(np.sum(np.abs(u * s))) for u, s in zip(us, grads["none"]))
        assert abs(lhs - rhs) <= tol.atol * (1 + size) + tol.rtol * abs(lhs), \
            f"dot-product test: <J u, w> = {lhs!r} but <u, J^T w> = {rhs!r}"
        report.dot = True
    return by_policy


def _primal_values(grad: sg.Gradient, g: RandomGraph) -> list:
    """The graph value index of each result of the rewritten primal."""
    block = grad.f.entry_block
    ops = [op.operation for op in block.operations]
    assert len(ops) - 1 == len(g.steps), "differentiation changed the primal's body"
    index = {a: i for i, a in enumerate(block.arguments)}
    index.update({r: first + n for op, first in zip(ops[:-1], g.first_values()) for n, r in enumerate(op.results)})
    return [index[v] for v in ops[-1].operands]


def _check_temporary_vjps(g, grad, runner, cts, phi, wrt, tol, rng) -> bool:
    """Vjps given for the captured temporaries (the seed's `dt`) add their own term:
    the gradient is that of <w, f(x)> + sum_t <dt, t(x)>."""
    temps = [j for j in grad.df_input_vjps if j >= grad.f_real_outputs]
    if not temps:
        return False
    value_of = _primal_values(grad, g)
    dts = {j: rng.standard_normal(g.types[value_of[j]].shape).astype(g.types[value_of[j]].np_dtype)
           for j in temps}

    def phi_t(*arrays):
        values = g.evaluate_all(arrays)
        return phi(*arrays) + sum(float(np.sum(dt * values[value_of[j]].astype(np.float64))) for j, dt in dts.items())
    numeric, unfit = fd_gradient_checked(phi_t, g.inputs, wrt, tol)
    if sum(u.sum() for u in unfit) > MAX_UNFIT * sum(u.size for u in unfit):
        return False
    run = runner.for_gradient(grad.module)
    _, saved = grad.forward(*g.inputs, runner=run)
    result = grad.backward(saved, *[cts[j] if j < grad.f_real_outputs else dts[j] for j in grad.df_input_vjps],
                           runner=run)
    assert_close_masked(list(result), numeric, unfit, tol, "gradient with vjps for the temporaries, argument")
    return True


def _check_requires_grad_subset(g, m, runner, cts, wrt, full, rng) -> bool:
    """Differentiating w.r.t. some arguments only gives those entries of the full gradient."""
    if len(wrt) < 2:
        return False
    subset = sorted(rng.choice(wrt, size=int(rng.integers(1, len(wrt))), replace=False).tolist())
    grad = sg.differentiate(m, "f", requires_grad=subset)
    _check_fields(grad, g, subset)
    run = runner.for_gradient(grad.module)
    _, saved = grad.forward(*g.inputs, runner=run)
    result = grad.backward(saved, *[cts[i] for i in grad.df_input_vjps if i < grad.f_real_outputs], runner=run)
    for i, r in zip(subset, result):
        runner.assert_same(r, full[wrt.index(i)], f"argument {i} with requires_grad={subset} vs all arguments",
                           loose=True)
    return True


def _check_absent_vjps(grad, saved, vjps, runner, run, rng):
    """A vjp given as None means zero: same gradients as passing explicit zeros."""
    if not vjps:
        return
    present = rng.random(len(vjps)) < 0.5
    partial = [v if p else None for v, p in zip(vjps, present)]
    zeros = [v if p else np.zeros_like(v) for v, p in zip(vjps, present)]
    for a, b in zip(grad.backward(saved, *partial, runner=run), grad.backward(saved, *zeros, runner=run)):
        runner.assert_same(a, b, f"absent vjps {present.tolist()}", loose=True)
    for z in grad.backward(saved, *[None] * len(vjps), runner=run):
        np.testing.assert_array_equal(z, np.zeros_like(z), err_msg="all vjps absent")


def check_hvp(g: RandomGraph, grad: sg.Gradient, runner: Runner, report: Report):
    """Property 4: differentiate the recompute='all' adjoint again; compare H v with
    finite differences of the gradient along v (the Hessian of <w, f> is symmetric)."""
    if any(OPS[s.op].stops_gradient for s in g.steps):
        # The oracle differences the gradient, in which a stop_gradient value moves with the inputs;
        # the second derivative holds it constant (as jax.hessian does), so they legitimately differ.
        report.notes.append("hvp: the graph has stop_gradient, whose Hessian is not a difference of gradients")
        return
    rng = np.random.default_rng(g.seed + 2)
    tol = F32 if g.has_f32 else F64
    wrt = list(grad.df_output_vjps)
    cts = [rng.standard_normal(t.shape).astype(t.np_dtype) if t.is_float else None for t in g.output_types]
    vjps = [cts[i] for i in grad.df_input_vjps]
    vs = [rng.standard_normal(g.arg_types[i].shape).astype(g.arg_types[i].np_dtype) for i in wrt]
    run = runner.for_gradient(grad.module)

    def gradient_at(arrays):
        arrays = [np.asarray(a).astype(x.dtype) for a, x in zip(arrays, g.inputs)]
        _, saved = grad.forward(*arrays, runner=run)
        return grad.backward(saved, *vjps, runner=run)

    def along(h):
        plus, minus = list(g.inputs), list(g.inputs)
        for i, v in zip(wrt, vs):
            plus[i], minus[i] = g.inputs[i] + h * v, g.inputs[i] - h * v
        return [(a - b) / (2 * h) for a, b in zip(gradient_at(plus), gradient_at(minus))]
    numeric, unfit = two_step(along, tol)
    report.hvp_unfit = int(sum(u.sum() for u in unfit))
    if report.hvp_unfit > MAX_UNFIT * sum(u.size for u in unfit):
        report.notes.append("hvp: finite differences unfit")
        return

    captured = list(grad.df_input_captured_inputs)  # may include boolean arguments (select masks)
    symbolic = [np.zeros(g.arg_types[i].shape) for i in wrt]
    positions = [len(vjps) + k for k, i in enumerate(captured) if i in wrt]
    if positions:  # else the gradient does not depend on the float inputs and H = 0
        h = sg.differentiate(grad.module, grad.df_name, requires_grad=positions, recompute="none")
        hrun = runner.for_gradient(h.module)
        df_args = vjps + [g.inputs[i] for i in captured]
        _, saved = h.forward(*df_args, runner=hrun)
        hv = h.backward(saved, *[vs[j] for j in h.df_input_vjps if j < h.f_real_outputs], runner=hrun)
        for position, value in zip(positions, hv):
            symbolic[wrt.index(captured[position - len(vjps)])] = value
    assert_close_masked(symbolic, numeric, unfit, tol, "Hessian-vector product, argument")
    report.hvp = True


def check_graph(g: RandomGraph, runner: Runner = INTERPRETER) -> Report:
    """Every property; raises AssertionError on a failure, Unchecked when the numerics are unfit."""
    report = Report()
    m = check_ir(g)
    check_forward(g, m, runner)
    grads = check_gradients(g, m, runner, report)
    if g.hvp:
        check_hvp(g, grads["all"], runner, report)
    return report
