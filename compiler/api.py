"""JAX-style transforms of Python functions, compiled to native kernels, and `sg.compile`.

    f = sg.jit(fn)                       # f(*arrays) -> like fn: one array or a tuple
    outputs, vjp_fn = sg.vjp(fn, *args)  # vjp_fn(*cotangents) -> one gradient per argument
    g = sg.grad(fn, argnums=0)           # scalar fn; g(*args) -> gradient (tuple for a tuple argnums)
    vg = sg.value_and_grad(fn)           # vg(*args) -> (value, gradient(s))
    cm = sg.compile(module_or_gradient)  # a CompiledModule, or a CompiledGradient

Each transform traces `fn` on the arguments' shapes and dtypes, differentiates it where needed,
compiles, and keeps the result per input signature (compiler/specialize.py). Every returned
callable has `.lower(*args)`, the staged IR for those arguments: 'graph' (traced),
'differentiated' (for gradients), 'linalg', 'llvm' (dialect) and 'llvm-ir'.
"""
from __future__ import annotations

import time
import weakref
from typing import Callable, Optional, Union

import numpy as np

from symgrad.dialects.graph.attrs import recompute_policy
from symgrad.dialects.graph.emit import Tensor
from symgrad.passes.graph_to_llvm import graph_to_llvm
from symgrad.runtime import forksafe as _forksafe
from symgrad.runtime.args import as_input

from .differentiated import GradEntry, differentiated
from .gradient import CompiledGradient, Gradient
from .codegen import OPT_LEVEL, CompiledModule, compile_module
from .module import Module
from .specialize import Argnums, Transform, normalize_argnums


def compile(target: Union[Module, str, Gradient], *, opt_level: int = OPT_LEVEL, cache: bool = True,  # noqa: A001
            pipeline: Optional[str] = None) -> Union[CompiledModule, CompiledGradient]:
    """Compiles every public function of a graph module (or its IR text) to a native kernel.

    Returns a CompiledModule; given a `sg.Gradient`, a `CompiledGradient` (the seed's
    forward/backward protocol on native kernels). Raises CompileError (stage, located
    diagnostics, saved IR, reproduction command). With `cache=False` nothing is read
    from or written to either cache. `pipeline`: the lowering pipeline's text, by default
    `graph_to_llvm()` at the time of the call (sequential or multi-core, by the thread count).
    """
    if isinstance(target, Gradient):
        return CompiledGradient(target, opt_level=opt_level, cache=cache, pipeline=pipeline or graph_to_llvm())
    return compile_module(target, opt_level=opt_level, cache=cache, pipeline=pipeline)


class _JitEntry:
    def __init__(self, traced, kernel):
        self.traced = self.module = traced
        self.kernel = kernel


class Jitted(Transform):
    """`sg.jit(fn)`: fn compiled per input signature; returns what fn returns (array or tuple)."""

    kind = "jit"

    def _build(self, signature):
        t0 = time.perf_counter()
        traced = self._trace(signature)
        kernel = compile_module(traced, what=self.describe(signature), before={"trace": time.perf_counter() - t0})
        return _JitEntry(traced, kernel[traced.function_names()[0]])

    def __call__(self, *args):
        if _is_tracing(args):  # inside another transform's trace: inline fn, as jax.jit does
            return self.fn(*args)
        return self._get(args).kernel(*args)


def _is_tracing(args) -> bool:
    return any(isinstance(a, Tensor) for a in args)


def jit(fn: Callable, *, max_cache: Optional[int] = None) -> Jitted:
    """Compiles `fn` (numpy arrays in, numpy arrays out) once per input signature, keeping the
    `max_cache` most recently used signatures (see the module docstring)."""
    return Jitted(fn, max_cache)


class _Vjp(Transform):
    kind = "vjp"

    def __init__(self, fn: Callable, recompute: str, state=None):
        super().__init__(fn)
        self.recompute = recompute
        if state is not None:  # the specializations kept for fn across sg.vjp calls
            self._specializations, self._lock = state

    def _build(self, signature):
        return differentiated(self, signature, tuple(range(len(signature))), self.recompute)


def _check_cotangent(entry: GradEntry, i: int, ct, name: str):
    if ct is None:
        return None
    return as_input(f"{name} (vjp cotangent)", i, entry.out_types[i], ct)


# fn -> {recompute: (specializations, lock)} for sg.vjp, which has no transform object to keep them in. The
# values must not refer to fn (a _Vjp does), or no entry would ever die: a loop calling sg.vjp
# on a new lambda each time would keep every lambda and its compiled kernels forever.
_vjp_states: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_vjp_lock = _forksafe.Lock()


def _vjp_transform(fn, recompute: str = "none") -> _Vjp:
    try:
        with _vjp_lock:
            states = _vjp_states.setdefault(fn, {})
            state = states.get(recompute)
            if state is None:
                t = _Vjp(fn, recompute)
                states[recompute] = (t._specializations, t._lock)
                return t
    except TypeError:  # not weak-referenceable: no reuse across calls (sg.compile still caches)
        return _Vjp(fn, recompute)
    return _Vjp(fn, recompute, state)


def vjp(fn: Callable, *primals, recompute: str = "none"):
    """(outputs, vjp_fn): outputs as fn returns them; vjp_fn(*cotangents) returns one gradient per
    argument of fn (a tuple). A cotangent may be None (zero); outputs that cannot carry a gradient
    (e.g. comparisons) ignore theirs. `recompute` is the rematerialization policy of the adjoint
    ('none': keep every intermediate the adjoint needs; 'elementwise': recompute cheap elementwise
    ones in the adjoint; 'all': recompute everything but the inputs and outputs), as in
    sg.differentiate."""
    transform = _vjp_transform(fn, recompute_policy(recompute))
    entry = transform._get(primals)
    outputs, saved = entry.cg.forward(*primals)
    name = transform.__name__

    def vjp_fn(*cotangents):
        if len(cotangents) != len(entry.out_types):
            raise TypeError(f"vjp of {name}: expected {len(entry.out_types)} cotangent(s), one per output, "
                            f"got {len(cotangents)}")
        cts = [_check_cotangent(entry, i, c, name) for i, c in enumerate(cotangents)]
        vjps = [cts[i] for i in entry.vjp_outputs]
        return tuple(entry.gradients(entry.cg.backward(saved, *vjps)))

    vjp_fn.lower = lambda: transform.lower(*primals)
    return (outputs[0] if entry.single_output else tuple(outputs)), vjp_fn


class Grad(Transform):
    """`sg.grad(fn, argnums)`: the gradient of a scalar-valued fn."""

    kind = "grad"

    def __init__(self, fn: Callable, argnums: Argnums = 0, with_value: bool = False,
                 max_cache: Optional[int] = None, recompute: str = "none"):
        super().__init__(fn, max_cache)
        self.recompute = recompute_policy(recompute)
        self.argnums = argnums
        self.with_value = with_value
        if with_value:
            self.kind = "value_and_grad"

    def _build(self, signature):
        wrt, _ = normalize_argnums(self.argnums, len(signature), f"sg.{self.kind}({self.__name__})")
        entry = differentiated(self, signature, wrt, self.recompute, fused=True)
        out = entry.out_types
        if len(out) != 1 or out[0].rank != 0 or not out[0].is_float:
            got = ", ".join(str(t) for t in out)
            raise TypeError(f"sg.{self.kind}({self.__name__}): the function must return one float scalar "
                            f"(rank 0), got {got}; reduce it (e.g. .sum()) or use sg.vjp")
        entry.one = np.ones((), out[0].np_dtype)
        return entry

    def __call__(self, *args):
        entry = self._get(args)
        _, single = normalize_argnums(self.argnums, len(args), f"sg.{self.kind}({self.__name__})")
        # One kernel: the loss and the gradients, the vjp of the loss being 1.
        outputs = entry.fused(*args, *([entry.one] if entry.vjp_outputs else []))
        value, grads = outputs[0], entry.gradients(tuple(outputs[1:]))
        result = grads[0] if single else tuple(grads)
        return (value, result) if self.with_value else result


def grad(fn: Callable, argnums: Argnums = 0, *, recompute: str = "none", max_cache: Optional[int] = None) -> Grad:
    """The gradient of scalar-valued `fn` with respect to argument(s) `argnums`. `recompute`: the
    rematerialization policy ('none', 'elementwise' or 'all'; see sg.vjp); the result is the same,
    the memory kept between the primal and the adjoint and the work differ."""
    return Grad(fn, argnums, max_cache=max_cache, recompute=recompute)


def value_and_grad(fn: Callable, argnums: Argnums = 0, *, recompute: str = "none",
                   max_cache: Optional[int] = None) -> Grad:
    """Like grad, returning (fn's value, gradient(s))."""
    return Grad(fn, argnums, with_value=True, max_cache=max_cache, recompute=recompute)


__all__ = ["compile", "jit", "vjp", "grad", "value_and_grad", "Jitted", "Grad"]
