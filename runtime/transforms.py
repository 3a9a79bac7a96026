"""JAX-style transforms of Python functions, compiled to native kernels.

    f = sg.jit(fn)                       # f(*arrays) -> like fn: one array or a tuple
    outputs, vjp_fn = sg.vjp(fn, *args)  # vjp_fn(*cotangents) -> one gradient per argument
    g = sg.grad(fn, argnums=0)           # scalar fn; g(*args) -> gradient (tuple for a tuple argnums)
    vg = sg.value_and_grad(fn)           # vg(*args) -> (value, gradient(s))

Each traces `fn` on the arguments' shapes and dtypes, differentiates it where
needed, compiles, and keeps the result per input signature, so a second call
with arrays of the same shapes and dtypes goes straight to native code (and
the compiled objects are shared through sg.compile's caches). Every returned
callable has `.lower(*args)`, the staged IR for those arguments: 'graph'
(traced), 'differentiated' (for gradients), 'linalg', 'llvm' (dialect) and
'llvm-ir', like `jax.jit(f).lower(x).as_text()`.

The specializations of one transform are bounded: `max_cache=` (default
`$SYMGRAD_JIT_CACHE_SIZE`, else 64) signatures are kept, and a new one evicts
the least recently called. An evicted signature is traced again when it comes
back; its object code is usually still in sg.compile's memory or disk cache.
"""
from __future__ import annotations

import os
import weakref
from collections import OrderedDict
from typing import Callable, Optional, Sequence, Union

import numpy as np

from symgrad import forksafe as _forksafe

Argnums = Union[int, Sequence[int]]
DEFAULT_MAX_CACHE = 64


def _max_cache(value: Optional[int], who: str) -> int:
    source = "max_cache"
    if value is None:
        value = os.environ.get("SYMGRAD_JIT_CACHE_SIZE", DEFAULT_MAX_CACHE)
        source = "$SYMGRAD_JIT_CACHE_SIZE"
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if n < 1 or isinstance(value, bool) or (isinstance(value, float) and value != n):
        raise ValueError(f"{who}: {source} must be a positive integer, got {value!r}")
    return n


# ----------------------------------------------------------------- helpers --
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.bool_))


def _signature(name: str, args) -> tuple:
    key = []
    for i, a in enumerate(args):
        if type(a) is not np.ndarray:
            if not isinstance(a, (np.ndarray, np.generic)):
                raise TypeError(f"{name}: argument {i} must be a numpy array (shapes and dtypes select the "
                                f"compiled kernel), got {type(a).__name__}")
            if isinstance(a, np.ma.MaskedArray):
                raise TypeError(f"{name}: argument {i} is a masked array, which is not supported (the mask would "
                                f"be ignored); pass a.filled(value) or a.data")
            a = np.asarray(a)
        if a.dtype not in _DTYPES:
            raise TypeError(f"{name}: argument {i} has dtype {a.dtype}; supported: float32, float64 and bool "
                            f"(native byte order); convert with .astype(...)")
        key.append((a.shape, a.dtype))
    return tuple(key)


def _specs(signature):
    from symgrad.trace import TensorSpec
    return [TensorSpec(shape, np.dtype(dt)) for shape, dt in signature]


def _fn_name(fn) -> str:
    name = getattr(fn, "__name__", "f")
    return name if name.isidentifier() else "f"


def _symbol_name(name: str) -> str:
    """The traced function's symbol: the Python name, but `sg_<name>` for a name compiled code
    reserves (`free`, `sinf`, `__resume`, ...), which sg.compile would reject. Messages keep the
    Python name (the transform's __name__)."""
    from symgrad.runtime.abi import reserved_symbol
    return "sg_" + name if reserved_symbol(name) else name


def _normalize_argnums(argnums: Argnums, n: int, who: str) -> tuple[tuple[int, ...], bool]:
    def is_int(a):
        return isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))

    single = is_int(argnums)
    if not single and not (isinstance(argnums, (tuple, list)) and all(is_int(a) for a in argnums)):
        raise TypeError(f"{who}: argnums must be an int or a tuple of ints, got {argnums!r}")
    nums = (int(argnums),) if single else tuple(int(a) for a in argnums)
    if not nums:
        raise ValueError(f"{who}: argnums is empty")
    out = []
    for a in nums:
        if not -n <= a < n:
            raise ValueError(f"{who}: argnums {argnums!r} out of range for a function of {n} arguments")
        out.append(a % n)
    if len(set(out)) != len(out):
        raise ValueError(f"{who}: argnums {argnums!r} repeats an argument")
    return tuple(out), single


class Lowered:
    """The staged IR of one specialization: `lowered.as_text(stage)`; `str(lowered)` shows all."""

    def __init__(self, stages: dict):
        self._stages = dict(stages)

    @property
    def stages(self) -> list[str]:
        return list(self._stages)

    def as_text(self, stage: Optional[str] = None) -> str:
        stage = stage or self.stages[0]
        if stage not in self._stages:
            raise KeyError(f"no stage {stage!r}; stages: {self.stages}")
        return self._stages[stage]

    def __getitem__(self, stage: str) -> str:
        return self.as_text(stage)

    def __str__(self) -> str:
        return "\n".join(f"// ----- {name} -----\n{text}" for name, text in self._stages.items())

    def __repr__(self) -> str:
        return f"<symgrad.Lowered stages={self.stages}>"


class _Transform:
    """Common machinery: per-signature specializations built once, under a lock."""

    kind = "jit"

    def __init__(self, fn: Callable, max_cache: Optional[int] = None):
        if not callable(fn):
            raise TypeError(f"sg.{self.kind} expects a function, got {type(fn).__name__}")
        self.fn = fn
        self.__name__ = _fn_name(fn)
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn
        self.max_cache = _max_cache(max_cache, f"sg.{self.kind}({self.__name__})")
        self._specializations: OrderedDict = OrderedDict()  # least recently used first
        self._lock = _forksafe.Lock()
        self.evictions = 0

    def _get(self, args):
        key = _signature(f"sg.{self.kind}({self.__name__})", args)
        specs = self._specializations
        entry = specs.get(key)
        if entry is not None:
            try:
                specs.move_to_end(key)  # one C call: atomic under the GIL; the lock is for misses only
            except KeyError:  # evicted by another thread just now; the entry we hold still works
                pass
            return entry
        with self._lock:
            entry = specs.get(key)
            if entry is None:
                entry = self._build(key)
                specs[key] = entry
                while len(specs) > self.max_cache:
                    specs.popitem(last=False)
                    self.evictions += 1
        return entry

    def _trace(self, signature, requires_grad=None):
        from symgrad.trace import trace
        # A light context: the traced module is only read, verified, printed and copied (the
        # copies that are differentiated and lowered get every dialect).
        return trace(self.fn, *_specs(signature), requires_grad=requires_grad, name=_symbol_name(self.__name__),
                     light=True)

    def lower(self, *args) -> Lowered:
        """The staged IR for arguments of these shapes and dtypes."""
        from symgrad.jit import lower_stages
        entry = self._get(args)
        stages = {"graph": str(entry.traced)}
        if entry.module is not entry.traced:
            stages["differentiated"] = str(entry.module)
        rest = lower_stages(entry.module)
        rest.pop("graph")
        stages.update(rest)
        return Lowered(stages)

    def cache_size(self) -> int:
        """How many signatures are compiled and kept (at most `max_cache`)."""
        return len(self._specializations)

    def __repr__(self) -> str:
        return f"<symgrad.{self.kind}({self.__name__}) specializations={len(self._specializations)}>"


class _JitEntry:
    def __init__(self, traced, kernel):
        self.traced = self.module = traced
        self.kernel = kernel


class Jitted(_Transform):
    """`sg.jit(fn)`: fn compiled per input signature; returns what fn returns (array or tuple)."""

    kind = "jit"

    def _build(self, signature):
        from symgrad.jit import compile as sg_compile
        traced = self._trace(signature)
        return _JitEntry(traced, sg_compile(traced)[traced.function_names()[0]])

    def __call__(self, *args):
        if _is_tracing(args):  # inside another transform's trace: inline fn, as jax.jit does
            return self.fn(*args)
        return self._get(args).kernel(*args)


def _is_tracing(args) -> bool:
    from symgrad.dialects.graph.emit import Tensor
    return any(isinstance(a, Tensor) for a in args)


def jit(fn: Callable, *, max_cache: Optional[int] = None) -> Jitted:
    """Compiles `fn` (numpy arrays in, numpy arrays out) once per input signature, keeping the
    `max_cache` most recently used signatures (see the module docstring)."""
    return Jitted(fn, max_cache)


# ---------------------------------------------------------------- gradients --
class _GradEntry:
    """A traced, differentiated and compiled function for one signature.

    Built by the full path (`cg`, the CompiledGradient, given) or from the cache's transform record
    (`fused` only: the record says which result is which gradient). Then `cg` and `module` are built
    on first use (for `.lower()`), from the traced function and through sg.compile's caches."""

    def __init__(self, traced, wrt: tuple[int, ...], df_output_vjps, vjp_outputs, compiled_gradient=None):
        from symgrad.dialects.graph.types import TensorType
        self.traced = traced
        self.wrt = wrt
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
    def of(cls, traced, gradient, wrt: tuple[int, ...], compiled_gradient=None) -> "_GradEntry":
        g = gradient
        return cls(traced, wrt, g.df_output_vjps, [i for i in g.df_input_vjps if i < g.f_real_outputs],
                   compiled_gradient)

    @property
    def cg(self):
        with self._cg_lock:
            if self._cg is None:
                self._cg = _compile_gradient(self.traced, self.wrt, fused=True)
            return self._cg

    @property
    def module(self):
        return self.cg.module

    def zeros(self, arg: int) -> np.ndarray:
        t = self.arg_types[arg]
        return np.zeros(t.shape, t.np_dtype)

    def gradients(self, grads: tuple) -> list:
        return [grads[self.grad_slot[a]] if a in self.grad_slot else self.zeros(a) for a in self.wrt]


def _differentiate(traced, wrt, fused: bool):
    """(Gradient of `traced` w.r.t. `wrt`, name of the @<f>_fused added to its module or None)."""
    from symgrad.gradient import differentiate
    from symgrad.passes.graph_fuse_gradient import build_fused
    gradient = differentiate(traced, requires_grad=list(wrt))
    fused_name = None
    if fused:
        with gradient.module.context:
            fused_name = build_fused(gradient.f)
    return gradient, fused_name


def _compile_gradient(traced, wrt, fused: bool):
    """The CompiledGradient of `traced` (its module also holds @<f>_fused when `fused`, for .lower())."""
    from symgrad.jit import compile as sg_compile
    return sg_compile(_differentiate(traced, wrt, fused)[0])


def _compile_fused(traced, wrt, pipeline: str):
    """(Gradient, CompiledModule of @<f>_fused alone, its name). sg.grad and sg.value_and_grad call
    only the fused kernel, so the primal, the adjoint and its variants are not compiled: LLVM's
    time grows with the code, and they would be most of it. (`.lower()` compiles the whole
    Gradient when asked, see _GradEntry.cg.)"""
    from symgrad.jit import compile as sg_compile
    gradient, fused_name = _differentiate(traced, wrt, fused=True)
    alone = gradient.module.clone()
    with alone.context:
        for f in alone.functions():
            if f.sym_name.value != fused_name:
                f.operation.erase()
            elif "graph.primal" in f.attributes:
                del f.attributes["graph.primal"]  # the primal is not in this module
    return gradient, sg_compile(alone, pipeline=pipeline), fused_name


def _differentiated(transform: _Transform, signature, wrt, fused: bool = False) -> _GradEntry:
    """Traces, differentiates and compiles. With `fused`, the module also gets @<f>_fused (primal
    and adjoint in one kernel, see passes/graph_fuse_gradient.py) for callers that know the vjp upfront;
    that kernel is also found by the traced function in the cache's second level (see
    symgrad.transform_cache), which skips differentiating and compiling in a new process."""
    traced = transform._trace(signature)
    for i in wrt:
        if np.dtype(signature[i][1]).kind != "f":
            raise TypeError(f"sg.{transform.kind}({transform.__name__}): argument {i} has dtype "
                            f"{np.dtype(signature[i][1])}; only float arguments can be differentiated")
    if not fused:
        cg = _compile_gradient(traced, wrt, fused=False)
        return _GradEntry.of(traced, cg.gradient, wrt, cg)
    from symgrad import transform_cache
    from symgrad.passes.pipelines import graph_to_llvm
    # Chosen once (it depends on the thread count, which another thread may change): the record's
    # key and the kernels it points at must come from the same pipeline.
    pipeline = graph_to_llvm()
    key = transform_cache.key_for(str(traced), "grad-fused", _fused_options(traced, wrt), pipeline)
    hit = transform_cache.load(key, _fused_check(traced))
    if hit is not None:
        record, cm = hit
        entry = _GradEntry(traced, wrt, record["df_output_vjps"], record["vjp_outputs"])
        entry.fused = cm[record["fused"]]
        return entry
    gradient, cm, fused_name = _compile_fused(traced, wrt, pipeline)
    entry = _GradEntry.of(traced, gradient, wrt)
    entry.fused = cm[fused_name]
    transform_cache.store(key, {"fused": fused_name, "df_output_vjps": entry.df_output_vjps,
                                "vjp_outputs": entry.vjp_outputs}, cm, functions=[fused_name])
    return entry


def _fused_options(traced, wrt) -> tuple:
    """Everything besides the traced IR (and symgrad's source) that decides the fused kernel."""
    from symgrad.jit import OPT_LEVEL
    return (tuple(wrt), "recompute=none", OPT_LEVEL, bool(traced.meta.get("single_output", True)))


def _fused_check(traced):
    """Checks that a record's fused kernel takes and returns what the traced function implies
    (arguments and vjps in; real outputs and one gradient per df_output_vjps entry out)."""
    from symgrad.dialects.graph.types import TensorType
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


class _Vjp(_Transform):
    kind = "vjp"

    def __init__(self, fn: Callable, state=None):
        super().__init__(fn)
        if state is not None:  # the specializations kept for fn across sg.vjp calls
            self._specializations, self._lock = state

    def _build(self, signature):
        return _differentiated(self, signature, tuple(range(len(signature))))


def _check_cotangent(entry: _GradEntry, i: int, ct, name: str):
    from symgrad.runtime.args import as_input
    if ct is None:
        return None
    return as_input(f"{name} (vjp cotangent)", i, entry.out_types[i], ct)


# fn -> (specializations, lock) for sg.vjp, which has no transform object to keep them in. The
# values must not refer to fn (a _Vjp does), or no entry would ever die: a loop calling sg.vjp
# on a new lambda each time would keep every lambda and its compiled kernels forever.
_vjp_states: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_vjp_lock = _forksafe.Lock()


def _vjp_transform(fn) -> _Vjp:
    try:
        with _vjp_lock:
            state = _vjp_states.get(fn)
            if state is None:
                t = _Vjp(fn)
                _vjp_states[fn] = (t._specializations, t._lock)
                return t
    except TypeError:  # not weak-referenceable: no reuse across calls (sg.compile still caches)
        return _Vjp(fn)
    return _Vjp(fn, state)


def vjp(fn: Callable, *primals):
    """(outputs, vjp_fn): outputs as fn returns them; vjp_fn(*cotangents) returns one gradient per
    argument of fn (a tuple). A cotangent may be None (zero); outputs that cannot carry a gradient
    (e.g. comparisons) ignore theirs."""
    transform = _vjp_transform(fn)
    entry = transform._get(primals)
    outputs, saved = entry.cg.forward(*primals)
    name = transform.__name__

    def vjp_fn(*cotangents):
        if len(cotangents) != len(entry.out_types):
            raise TypeError(f"vjp of {name}: expected {len(entry.out_types)} cotangent(s), one per output, "
                            f"got {len(cotangents)}")
        cts = [_check_cotangent(entry, i, c, name) for i, c in enumerate(cotangents)]
        vjps = [cts[i] for i in entry.vjp_outputs]
        grads = entry.cg.backward(saved, *vjps) if any(v is not None for v in vjps) else ()
        return tuple(entry.gradients(grads) if grads else [entry.zeros(a) for a in entry.wrt])

    vjp_fn.lower = lambda: transform.lower(*primals)
    return (outputs[0] if entry.single_output else tuple(outputs)), vjp_fn


class Grad(_Transform):
    """`sg.grad(fn, argnums)`: the gradient of a scalar-valued fn."""

    kind = "grad"

    def __init__(self, fn: Callable, argnums: Argnums = 0, with_value: bool = False,
                 max_cache: Optional[int] = None):
        super().__init__(fn, max_cache)
        self.argnums = argnums
        self.with_value = with_value
        if with_value:
            self.kind = "value_and_grad"

    def _build(self, signature):
        wrt, _ = _normalize_argnums(self.argnums, len(signature), f"sg.{self.kind}({self.__name__})")
        entry = _differentiated(self, signature, wrt, fused=True)
        out = entry.out_types
        if len(out) != 1 or out[0].rank != 0 or not out[0].is_float:
            got = ", ".join(str(t) for t in out)
            raise TypeError(f"sg.{self.kind}({self.__name__}): the function must return one float scalar "
                            f"(rank 0), got {got}; reduce it (e.g. .sum()) or use sg.vjp")
        entry.one = np.ones((), out[0].np_dtype)
        return entry

    def __call__(self, *args):
        entry = self._get(args)
        _, single = _normalize_argnums(self.argnums, len(args), f"sg.{self.kind}({self.__name__})")
        # One kernel: the loss and the gradients, the vjp of the loss being 1.
        outputs = entry.fused(*args, *([entry.one] if entry.vjp_outputs else []))
        value, grads = outputs[0], tuple(outputs[1:])
        grads = entry.gradients(grads) if grads else [entry.zeros(a) for a in entry.wrt]
        result = grads[0] if single else tuple(grads)
        return (value, result) if self.with_value else result


def grad(fn: Callable, argnums: Argnums = 0, *, max_cache: Optional[int] = None) -> Grad:
    """The gradient of scalar-valued `fn` with respect to argument(s) `argnums`."""
    return Grad(fn, argnums, max_cache=max_cache)


def value_and_grad(fn: Callable, argnums: Argnums = 0, *, max_cache: Optional[int] = None) -> Grad:
    """Like grad, returning (fn's value, gradient(s))."""
    return Grad(fn, argnums, with_value=True, max_cache=max_cache)


__all__ = ["jit", "vjp", "grad", "value_and_grad", "Jitted", "Grad", "Lowered"]
