"""`sg.differentiate` and `sg.Gradient`, the seed's Gradient struct for `graph` functions, and its
one runner.

A `Gradient` holds the module with the rewritten primal `f` and its adjoint `df`, plus the
integer fields that connect them. Its `forward`/`backward` are the seed's "how to use gradient"
protocol, written once on top of a function runner: the reference interpreter by default, native
kernels in `CompiledGradient` (what `sg.compile(gradient)` returns).

Absent vjps: `backward` accepts None for any vjp and means zero by it. Rather than feeding the
adjoint zeros, `adjoint_for(present)` builds (once) a variant of it without the absent seeds, so
no work is spent on zeros; with no vjp at all the gradients are zeros and nothing runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from symgrad.runtime import forksafe as _forksafe

from symgrad.dialects.graph.attrs import recompute_policy
from symgrad.dialects.graph.registry import lookup
from symgrad.dialects.graph.types import TensorType
from symgrad.passes.graph_differentiate import (GradientInfo, build_adjoint_variant,
                                          differentiate_function,
                                          non_differentiable_reason, propagate_requires_grad, read_gradient_info,
                                          requires_grad_mask)
from symgrad.passes import PassError

from symgrad.runtime.args import as_input

from .interpret import interpret
from .codegen import compile_module
from .module import IRError, Module, format_location
from .trace import requires_grad_flags, set_requires_grad

Runner = Callable[..., tuple]  # runner(func_name, *arrays) -> tuple of arrays


@dataclass
class Saved:
    """What `forward` keeps for `backward`: captures by reference, in adjoint order."""
    captures: tuple


class Gradient:
    """The primal `f`, the adjoint `df` and the offsets that connect them (see the seed)."""

    def __init__(self, module: Module, func_name: str):
        self.module = module
        self.f = module.function(func_name)
        info: GradientInfo = read_gradient_info(self.f)
        self.df = module.function(info.adjoint)
        self.f_real_outputs = info.f_real_outputs
        self.df_input_vjps = info.df_input_vjps
        self.df_input_captured_inputs = info.df_input_captured_inputs
        self.df_input_captured_outputs = info.df_input_captured_outputs
        self.df_output_vjps = info.df_output_vjps
        self.recompute = info.recompute
        self._variants: dict = {}
        self._lock = _forksafe.Lock()  # adjoint variants are built one at a time

    @property
    def f_name(self) -> str:
        return self.f.sym_name.value

    @property
    def df_name(self) -> str:
        return self.df.sym_name.value

    def __repr__(self) -> str:
        return (f"Gradient(f=@{self.f_name}, df=@{self.df_name}, f_real_outputs={self.f_real_outputs}, "
                f"df_input_vjps={list(self.df_input_vjps)}, "
                f"df_input_captured_inputs={list(self.df_input_captured_inputs)}, "
                f"df_input_captured_outputs={list(self.df_input_captured_outputs)}, "
                f"df_output_vjps={list(self.df_output_vjps)})")

    # -- the run-time protocol ------------------------------------------------
    def _runner(self, runner: Optional[Runner]) -> Runner:
        return runner or (lambda name, *arrays: interpret(self.module, name, *arrays))

    def forward(self, *inputs, runner: Optional[Runner] = None):
        """Runs f; returns (the real outputs, what backward needs)."""
        outputs = tuple(self._runner(runner)(self.f_name, *inputs))
        captures = tuple(inputs[i] for i in self.df_input_captured_inputs) + \
            tuple(outputs[i] for i in self.df_input_captured_outputs)
        return tuple(outputs[:self.f_real_outputs]), Saved(captures)

    def vjp_types(self) -> list[TensorType]:
        return [TensorType.from_mlir(self.f.type.results[i]) for i in self.df_input_vjps]

    def backward(self, saved: Saved, *vjps, runner: Optional[Runner] = None,
                 check: Optional[Callable] = None) -> tuple:
        """One gradient per entry of df_output_vjps. Give one vjp per df_input_vjps entry, or
        only the vjps of the real outputs (temporaries' vjps are then absent). None means zero;
        with none given the gradients are zeros and nothing runs. `check(k, type, vjp)` may
        validate (and convert) each given vjp before anything runs."""
        if not isinstance(getattr(saved, "captures", None), tuple):
            raise TypeError(f"@{self.df_name}: backward takes the Saved value that forward returned first, got "
                            f"{type(saved).__name__}")
        types = self.vjp_types()
        real = [k for k, i in enumerate(self.df_input_vjps) if i < self.f_real_outputs]
        if not vjps:
            vjps = (None,) * len(types)
        elif len(vjps) == len(real) != len(types):
            full: list = [None] * len(types)
            for k, v in zip(real, vjps):
                full[k] = v
            vjps = tuple(full)
        if len(vjps) != len(types):
            raise TypeError(f"@{self.df_name} takes {len(real)} vjps (one per real output that requires grad"
                            f"{'' if len(real) == len(types) else f', or {len(types)} including captured temporaries'}"
                            f"), got {len(vjps)}")
        given = [v if check is None else check(k, types[k], v) for k, v in enumerate(vjps) if v is not None]
        present = tuple(v is not None for v in vjps)
        if not any(present):
            return self.zero_gradients()
        with self._lock:
            name = self.adjoint_for(present)
        return tuple(self._runner(runner)(name, *given, *saved.captures))

    def zero_gradients(self) -> tuple:
        """The gradients when every vjp is zero."""
        ins = [TensorType.from_mlir(self.f.type.inputs[i]) for i in self.df_output_vjps]
        return tuple(np.zeros(t.shape, t.np_dtype) for t in ins)

    def adjoint_for(self, present: tuple) -> str:
        """The adjoint to call when only the `present` vjps are given: @df itself when all are,
        else a variant built without the absent (zero) seeds, made once and kept in the module."""
        if all(present):
            return self.df_name
        if present not in self._variants:
            with self.module.context:
                self._variants[present] = build_adjoint_variant(self.f, present, self.recompute)
        return self._variants[present]

    def captured_bytes(self) -> dict:
        """Bytes saved between forward and backward, split by where they come from."""
        res = self.f.type.results
        ins = self.f.type.inputs
        size = lambda t: TensorType.from_mlir(t).size * TensorType.from_mlir(t).np_dtype.itemsize  # noqa: E731
        temps = [i for i in self.df_input_captured_outputs if i >= self.f_real_outputs]
        real = [i for i in self.df_input_captured_outputs if i < self.f_real_outputs]
        return {"inputs": sum(size(ins[i]) for i in self.df_input_captured_inputs),
                "outputs": sum(size(res[i]) for i in real),
                "temporaries": sum(size(res[i]) for i in temps)}


def differentiate(module: Module, func_name: Optional[str] = None, requires_grad=None,
                  recompute: str = "none") -> Gradient:
    """Differentiates `func_name` in a copy of `module` and returns its Gradient.

    `requires_grad` (argument indices or one bool per argument) overrides the
    `{graph.requires_grad}` marks. `recompute` is the rematerialization policy:
    'none' (capture everything, TorchScript's default), 'elementwise' or 'all'.
    """
    recompute_policy(recompute)  # before the copy; the pass checks it with the same function
    copy = module.clone()
    copy.meta = dict(module.meta)
    fop = copy.function(func_name)
    name = fop.sym_name.value
    with copy.context:
        if requires_grad is not None:
            set_requires_grad(fop, requires_grad_flags(requires_grad, len(fop.type.inputs)))
        if not any(requires_grad_mask(fop)):
            raise ValueError(f"@{name}: no argument requires grad; mark some with requires_grad=[...] "
                             f"or {{graph.requires_grad}}")
        try:
            differentiate_function(fop, recompute=recompute)
        except PassError as e:
            raise IRError(f"cannot differentiate @{name}",
                          [(format_location(loc), msg) for loc, msg in e.diagnostics]) from None
    copy.verify()
    return Gradient(copy, name)


def is_differentiable(target, requires_grad=None) -> bool:
    """For an op (or op name): whether it has a gradient rule. For a function (a FuncOp, or a
    Module with one function): whether every op on its requires-grad path has one."""
    if isinstance(target, str):
        opdef = lookup(target if "." in target else f"graph.{target}")
        return opdef is not None and opdef.differentiable
    if isinstance(target, Module):
        with target.context:
            return is_differentiable(target.function(), requires_grad)
    op = target.operation if hasattr(target, "operation") else target
    if op.name != "func.func":
        return non_differentiable_reason(op) is None
    fop = op.opview
    mask = requires_grad_mask(fop) if requires_grad is None else requires_grad_flags(requires_grad, len(fop.type.inputs))
    if not any(mask):
        mask = [True] * len(fop.type.inputs)
    try:
        propagate_requires_grad(fop, mask)
    except PassError:
        return False
    return True


class CompiledGradient:
    """A `sg.Gradient` whose f and df run as native kernels: the same forward/backward (the seed's
    protocol, Gradient's), with a runner that calls kernels. Every adjoint variant lives in one
    CompiledModule; a variant not yet in it (a new pattern of absent vjps) recompiles the module
    once. The common pattern (every real output's vjp, none for temporaries) is built before the
    first compile."""

    def __init__(self, gradient: Gradient, *, opt_level: int, cache: bool, pipeline: str):
        self.gradient = gradient
        # The pipeline is fixed at construction: recompiles (new adjoint variants) use the same one.
        self._opt = dict(opt_level=opt_level, cache=cache, pipeline=pipeline)
        self._lock = _forksafe.Lock()
        default = tuple(i < gradient.f_real_outputs for i in gradient.df_input_vjps)
        if not all(default):
            gradient.adjoint_for(default)  # in the module before the first compile
        self._compiled = compile_module(gradient.module, **self._opt)

    def __getattr__(self, name):
        if name in ("f_real_outputs", "df_input_vjps", "df_input_captured_inputs", "df_input_captured_outputs",
                    "df_output_vjps", "f_name", "df_name", "f", "df", "module"):
            return getattr(self.__dict__["gradient"], name)
        raise AttributeError(name)

    @property
    def compiled(self):
        """The CompiledModule holding f, df and its variants."""
        return self._compiled

    def __repr__(self) -> str:
        return f"<symgrad.CompiledGradient of {self.gradient!r}>"

    def _run(self, name: str, *arrays) -> tuple:
        with self._lock:
            if name not in self._compiled:  # a new adjoint variant was added to the module
                self._compiled = compile_module(self.gradient.module, **self._opt)
            kernel = self._compiled[name]
        result = kernel(*arrays)  # checks every argument first
        return result if isinstance(result, tuple) else (result,)

    def _check_vjp(self, k: int, t: TensorType, v):
        return as_input(self.gradient.df_name, k, t, v)

    def forward(self, *inputs):
        """Runs f: returns (the real outputs as a tuple, the Saved captures for backward)."""
        return self.gradient.forward(*inputs, runner=self._run)

    def backward(self, saved: Saved, *vjps) -> tuple:
        """One gradient per df_output_vjps entry. vjps: one per real output in df_input_vjps (or
        one per df_input_vjps entry); None means zero."""
        return self.gradient.backward(saved, *vjps, runner=self._run, check=self._check_vjp)

    def __call__(self, *inputs):
        """The real outputs only (no captures kept)."""
        return self.forward(*inputs)[0]
