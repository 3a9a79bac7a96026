"""One function traced, differentiated and compiled for one input signature (what sg.grad,
sg.value_and_grad and sg.vjp keep per signature).

sg.vjp needs the primal and the adjoint apart (a CompiledGradient). sg.grad and
sg.value_and_grad know the vjp upfront (1 for the loss), so they compile only @<f>_fused
(passes/graph_fuse_gradient.py: the primal and the adjoint in one kernel), and find it by the
traced function in the transform cache's second level (compiler/transform_cache.py), which skips
differentiating and compiling in a new process.
"""
from __future__ import annotations

import time

import numpy as np

from symgrad.dialects.graph.types import TensorType
from symgrad.passes import PassError
from symgrad.passes.graph_fuse_gradient import build_fused, fuse_undifferentiated
from symgrad.passes.graph_to_llvm import graph_to_llvm
from symgrad.runtime import forksafe as _forksafe

from . import compile_log, transform_cache
from .gradient import CompiledGradient, differentiate
from .codegen import OPT_LEVEL, compile_module
from .module import IRError, format_location
from .specialize import Transform


class GradEntry:
    """A traced, differentiated and compiled function for one signature.

    Built by the full path (`cg`, the CompiledGradient, given) or from the cache's transform record
    (`fused` only: the record says which result is which gradient). Then `cg` and `module` are built
    on first use (for `.lower()`), from the traced function and through sg.compile's caches."""

    def __init__(self, traced, wrt: tuple[int, ...], df_output_vjps, vjp_outputs, compiled_gradient=None,
                 recompute: str = "none"):
        self.traced = traced
        self.wrt = wrt
        self.recompute = recompute
        self._cg = compiled_gradient
        self._cg_lock = _forksafe.Lock()
        with traced.context:
            f = traced.function()
            self.arg_types = [TensorType.from_mlir(t) for t in f.type.inputs]
            self.out_types = [TensorType.from_mlir(t) for t in f.type.results]
        self.single_output = bool(traced.meta.get("single_output", len(self.out_types) == 1))
        self.df_output_vjps = list(df_output_vjps)
        self.grad_slot = {arg: k for k, arg in enumerate(df_output_vjps)}  # argument -> df result
        self.vjp_outputs = list(vjp_outputs)  # outputs that take a vjp
        self.fused = None

    @classmethod
    def of(cls, traced, gradient, wrt: tuple[int, ...], compiled_gradient=None) -> "GradEntry":
        g = gradient
        return cls(traced, wrt, g.df_output_vjps, [i for i in g.df_input_vjps if i < g.f_real_outputs],
                   compiled_gradient, g.recompute)

    @property
    def cg(self):
        with self._cg_lock:
            if self._cg is None:
                self._cg = _compile_gradient(self.traced, self.wrt, self.recompute, fused=True)
            return self._cg

    @property
    def module(self):
        return self.cg.module

    def zeros(self, arg: int) -> np.ndarray:
        t = self.arg_types[arg]
        return np.zeros(t.shape, t.np_dtype)

    def gradients(self, grads: tuple) -> list:
        """One gradient per `wrt` argument: zeros where no path reaches it, None for an integer or
        boolean argument (sg.vjp's; they carry no gradient)."""
        return [grads[self.grad_slot[a]] if a in self.grad_slot else
                self.zeros(a) if self.arg_types[a].is_float else None for a in self.wrt]


def _differentiate(traced, wrt, recompute: str, fused: bool):
    """(Gradient of `traced` w.r.t. `wrt`, name of the @<f>_fused added to its module or None)."""
    gradient = differentiate(traced, requires_grad=list(wrt), recompute=recompute)
    fused_name = None
    if fused:
        with gradient.module.context:
            fused_name = build_fused(gradient.f)
    return gradient, fused_name


def _compile_gradient(traced, wrt, recompute: str, fused: bool) -> CompiledGradient:
    """The CompiledGradient of `traced` (its module also holds @<f>_fused when `fused`, for .lower())."""
    return CompiledGradient(_differentiate(traced, wrt, recompute, fused)[0], opt_level=OPT_LEVEL, cache=True,
                            pipeline=graph_to_llvm())


def _compile_fused(traced, wrt, recompute: str, pipeline: str, what: str, before: dict):
    """(df_output_vjps, vjp_outputs, CompiledModule of @<f>_fused alone, its name). sg.grad and
    sg.value_and_grad call only the fused kernel, so it is built straight from the traced function
    (passes/graph_fuse_gradient.py: fuse_undifferentiated, one reverse sweep) and neither the
    Gradient's primal and adjoint nor its variants are built or compiled: LLVM's time grows with the
    code, and they would be most of it. (`.lower()` builds and compiles the whole Gradient when
    asked, see GradEntry.cg.)"""
    t0 = time.perf_counter()
    module = traced.clone()
    with module.context:
        fop = module.function()
        n = len(fop.type.inputs)
        try:
            fused_name, df_output_vjps, vjp_outputs = fuse_undifferentiated(fop, [i in wrt for i in range(n)],
                                                                            recompute)
        except PassError as e:
            raise IRError(f"cannot differentiate @{fop.sym_name.value}",
                          [(format_location(loc), msg) for loc, msg in e.diagnostics]) from None
    before = dict(before, differentiate=time.perf_counter() - t0)
    alone = module.subset([fused_name])
    cm = compile_module(alone, pipeline=pipeline, what=what, before=before)
    return df_output_vjps, vjp_outputs, cm, fused_name


def differentiated(transform: Transform, signature, wrt, recompute: str, fused: bool = False) -> GradEntry:
    """Traces, differentiates and compiles. With `fused`, the module also gets @<f>_fused (primal
    and adjoint in one kernel, see passes/graph_fuse_gradient.py) for callers that know the vjp upfront;
    that kernel is also found by the traced function in the cache's second level (see
    symgrad.transform_cache), which skips differentiating and compiling in a new process."""
    t0 = time.perf_counter()
    traced = transform._trace(signature)
    before = {"trace": time.perf_counter() - t0}
    what = transform.describe(signature)
    floats = tuple(i for i in wrt if np.dtype(signature[i][1]).kind == "f")
    if transform.kind == "vjp":  # every argument: its integer and boolean ones get None
        if not floats:
            raise TypeError(f"sg.vjp({transform.__name__}): no argument is a float array, so there is nothing to "
                            f"differentiate (integer and boolean arguments never require grad)")
    else:
        for i in wrt:
            if i not in floats:
                raise TypeError(f"sg.{transform.kind}({transform.__name__}): argument {i} has dtype "
                                f"{np.dtype(signature[i][1])}, and integer and boolean arguments never require "
                                f"grad (only float arguments can be differentiated); remove {i} from argnums")
    if not fused:
        cg = _compile_gradient(traced, floats, recompute, fused=False)
        return GradEntry.of(traced, cg.gradient, wrt, cg)
    # Chosen once (it depends on the thread count, which another thread may change): the record's
    # key and the kernels it points at must come from the same pipeline.
    pipeline = graph_to_llvm()
    key = transform_cache.key_for(str(traced), "grad-fused", _fused_options(traced, wrt, recompute), pipeline)
    hit = transform_cache.load(key, _fused_check(traced))
    if hit is not None:
        record, cm = hit
        entry = GradEntry(traced, wrt, record["df_output_vjps"], record["vjp_outputs"], recompute=recompute)
        entry.fused = cm[record["fused"]]
        compile_log.log(what, "transform cache", dict(before, total=time.perf_counter() - t0))
        return entry
    df_output_vjps, vjp_outputs, cm, fused_name = _compile_fused(traced, floats, recompute, pipeline, what, before)
    entry = GradEntry(traced, wrt, df_output_vjps, vjp_outputs, recompute=recompute)
    entry.fused = cm[fused_name]
    transform_cache.store(key, {"fused": fused_name, "df_output_vjps": entry.df_output_vjps,
                                "vjp_outputs": entry.vjp_outputs}, cm, functions=[fused_name])
    return entry


def _fused_options(traced, wrt, recompute: str) -> tuple:
    """Everything besides the traced IR (and symgrad's source) that decides the fused kernel."""
    return (tuple(wrt), f"recompute={recompute}", OPT_LEVEL, bool(traced.meta.get("single_output", True)))


def _fused_check(traced):
    """Checks that a record's fused kernel takes and returns what the traced function implies
    (arguments and vjps in; real outputs and one gradient per df_output_vjps entry out)."""
    with traced.context:
        f = traced.function()
        args = tuple(TensorType.from_mlir(t) for t in f.type.inputs)
        outs = tuple(TensorType.from_mlir(t) for t in f.type.results)

    def check(record: dict, sigs: dict) -> None:
        df_output_vjps, vjp_outputs = record["df_output_vjps"], record["vjp_outputs"]
        if not isinstance(record["fused"], str):
            raise ValueError(f"bad fused {record['fused']!r}")
        for name, values, n in (("df_output_vjps", df_output_vjps, len(args)), ("vjp_outputs", vjp_outputs, len(outs))):
            if not isinstance(values, list) or not all(type(i) is int and 0 <= i < n for i in values) \
                    or len(set(values)) != len(values):
                raise ValueError(f"bad {name} {values!r}")
        s = sigs[record["fused"]]
        want_in = args + tuple(outs[i] for i in vjp_outputs)
        want_out = outs + tuple(args[i] for i in df_output_vjps)
        if s.inputs != want_in or s.results != want_out:
            raise ValueError(f"@{s.name} has the wrong signature")
    return check
