"""The seed's Gradient protocol with native kernels.

    cg = sg.compile(sg.differentiate(module))   # a CompiledGradient
    outputs, saved = cg.forward(*inputs)        # runs f; keeps the captures
    grads = cg.backward(saved, *vjps)           # runs df; one gradient per df_output_vjps entry

forward runs the primal `f`, returns `outputs[:f_real_outputs]` and keeps the
captures: inputs and real outputs by reference, appended temporaries held
here (in `Saved`) until backward. backward takes one vjp per real output in
`df_input_vjps` (or one per `df_input_vjps` entry); any vjp may be None,
meaning zero, and the temporaries' vjps are absent. For each pattern of
present vjps the Gradient provides an adjoint variant without the absent
seeds (`Gradient.adjoint_for`); the common pattern (every real output's vjp,
no temporaries') is built before the first compile, any other pattern builds
its variant and recompiles the module once (then it is cached).
"""
from __future__ import annotations

import numpy as np

from symgrad import forksafe as _forksafe

from .args import as_input


def _tuple(result) -> tuple:
    return result if isinstance(result, tuple) else (result,)


class CompiledGradient:
    """A `sg.Gradient` whose f and df run as native kernels (see the module docstring)."""

    def __init__(self, gradient, *, opt_level: int = 3, cache: bool = True, pipeline=None):
        from symgrad.passes.pipelines import graph_to_llvm
        self.gradient = gradient
        # The pipeline is fixed at construction: recompiles (new adjoint variants) use the same one.
        self._opt = dict(opt_level=opt_level, cache=cache, pipeline=pipeline or graph_to_llvm())
        self._lock = _forksafe.Lock()
        types = gradient.vjp_types()
        self._real = [k for k, i in enumerate(gradient.df_input_vjps) if i < gradient.f_real_outputs]
        self._vjp_types = types
        default = tuple(i < gradient.f_real_outputs for i in gradient.df_input_vjps)
        if not all(default):
            gradient.adjoint_for(default)  # in the module before the first compile
        self._compiled = self._compile()

    def _compile(self):
        from symgrad.jit import compile as sg_compile
        return sg_compile(self.gradient.module, **self._opt)

    # -- the seed's fields ----------------------------------------------------
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

    def _kernel(self, name: str):
        with self._lock:
            if name not in self._compiled:
                self._compiled = self._compile()  # a new adjoint variant was added to the module
            return self._compiled[name]

    # -- the protocol ---------------------------------------------------------
    def forward(self, *inputs):
        """Runs f: returns (the real outputs as a tuple, the Saved captures for backward)."""
        from symgrad.gradient import Saved
        g = self.gradient
        outputs = _tuple(self._kernel(g.f_name)(*inputs))  # checks every input first
        captures = tuple(inputs[i] for i in g.df_input_captured_inputs) + \
            tuple(outputs[i] for i in g.df_input_captured_outputs)
        return tuple(outputs[:g.f_real_outputs]), Saved(captures)

    def backward(self, saved, *vjps) -> tuple:
        """One gradient per df_output_vjps entry. vjps: one per real output in df_input_vjps (or
        one per df_input_vjps entry); None means zero."""
        g = self.gradient
        if not isinstance(getattr(saved, "captures", None), tuple):
            raise TypeError(f"@{g.df_name}: backward takes the Saved value that forward returned first, got "
                            f"{type(saved).__name__}")
        n_all, n_real = len(self._vjp_types), len(self._real)
        if not vjps:
            vjps = (None,) * n_real
        if len(vjps) == n_real and n_real != n_all:
            full: list = [None] * n_all
            for k, v in zip(self._real, vjps):
                full[k] = v
            vjps = tuple(full)
        if len(vjps) != n_all:
            raise TypeError(f"@{g.df_name} takes {n_real} vjps (one per real output that requires grad"
                            f"{'' if n_real == n_all else f', or {n_all} including captured temporaries'}), "
                            f"got {len(vjps)}")
        given = []
        for k, (v, t) in enumerate(zip(vjps, self._vjp_types)):
            if v is not None:
                given.append(as_input(g.df_name, k, t, v))
        present = tuple(v is not None for v in vjps)
        if not any(present):
            return self._zero_gradients()
        with self._lock:
            name = g.adjoint_for(present)
        return _tuple(self._kernel(name)(*given, *saved.captures))

    def _zero_gradients(self) -> tuple:
        from symgrad.dialects.graph.types import TensorType
        ins = self.gradient.f.type.inputs
        return tuple(np.zeros(TensorType.from_mlir(ins[i]).shape, TensorType.from_mlir(ins[i]).np_dtype)
                     for i in self.gradient.df_output_vjps)

    def __call__(self, *inputs):
        """The real outputs only (no captures kept)."""
        return self.forward(*inputs)[0]


__all__ = ["CompiledGradient"]
