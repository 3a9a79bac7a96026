"""Per-signature specializations of a Python function, the machinery under sg.jit, sg.grad and sg.vjp.

A transform traces its function once per input signature (the arguments' shapes and dtypes),
builds what it needs for that signature (a kernel, a differentiated and compiled gradient) and
keeps it, so a later call with arrays of the same shapes and dtypes goes straight to native code.
At most `max_cache=` signatures are kept (default `$SYMGRAD_JIT_CACHE_SIZE`, else 64); a new one
evicts the least recently called, which is traced again if it comes back (its object code is
usually still in sg.compile's caches). `.lower(*args)` gives the staged IR, like
`jax.jit(f).lower(x).as_text()`.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from typing import Callable, Optional, Sequence, Union

import numpy as np

from symgrad.dialects.graph.types import NUMPY_DTYPE_NAMES, NUMPY_DTYPES, dtype_from_numpy
from symgrad.runtime import forksafe as _forksafe
from symgrad.runtime.abi import reserved_symbol

from .codegen import lower_stages
from .trace import TensorSpec, trace

Argnums = Union[int, Sequence[int]]
DEFAULT_MAX_CACHE = 64


def max_cache_size(value: Optional[int], who: str) -> int:
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


def signature_of(name: str, args) -> tuple:
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
        if a.dtype not in NUMPY_DTYPES:
            raise TypeError(f"{name}: argument {i} has dtype {a.dtype}; supported: {NUMPY_DTYPE_NAMES} "
                            f"(native byte order); convert with .astype(...)")
        key.append((a.shape, a.dtype))
    return tuple(key)


def _specs(signature):
    return [TensorSpec(shape, np.dtype(dt)) for shape, dt in signature]


def _fn_name(fn) -> str:
    name = getattr(fn, "__name__", "f")
    return name if name.isidentifier() else "f"


def _symbol_name(name: str) -> str:
    """The traced function's symbol: the Python name, but `sg_<name>` for a name compiled code
    reserves (`free`, `sinf`, `__resume`, ...), which sg.compile would reject. Messages keep the
    Python name (the transform's __name__)."""
    return "sg_" + name if reserved_symbol(name) else name


def normalize_argnums(argnums: Argnums, n: int, who: str) -> tuple[tuple[int, ...], bool]:
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


class Transform:
    """Common machinery: per-signature specializations built once, under a lock."""

    kind = "jit"

    def __init__(self, fn: Callable, max_cache: Optional[int] = None):
        if not callable(fn):
            raise TypeError(f"sg.{self.kind} expects a function, got {type(fn).__name__}")
        self.fn = fn
        self.__name__ = _fn_name(fn)
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn
        self.max_cache = max_cache_size(max_cache, f"sg.{self.kind}({self.__name__})")
        self._specializations: OrderedDict = OrderedDict()  # least recently used first
        self._lock = _forksafe.Lock()
        self.evictions = 0

    def _get(self, args):
        key = signature_of(f"sg.{self.kind}({self.__name__})", args)
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
        # A light context: the traced module is only read, verified, printed and copied (the
        # copies that are differentiated and lowered get every dialect).
        return trace(self.fn, *_specs(signature), requires_grad=requires_grad, name=_symbol_name(self.__name__),
                     light=True)

    def lower(self, *args) -> Lowered:
        """The staged IR for arguments of these shapes and dtypes."""
        entry = self._get(args)
        stages = {"graph": str(entry.traced)}
        if entry.module is not entry.traced:
            stages["differentiated"] = str(entry.module)
        rest = lower_stages(entry.module)
        rest.pop("graph")
        stages.update(rest)
        return Lowered(stages)

    def describe(self, signature) -> str:
        """How a compile log line names this specialization: `grad(loss) for f32[32,64], f32[64,64]`;
        a run of equal arguments once with its count (`f32[32,64], 128 x f32[64,64]`), so that a
        deep model's line stays readable."""
        types = [f"{dtype_from_numpy(dt)}[{','.join(map(str, shape))}]" for shape, dt in signature]
        runs = []
        for t in types:
            if runs and runs[-1][0] == t:
                runs[-1][1] += 1
            else:
                runs.append([t, 1])
        args = ", ".join(t if n == 1 else f"{n} x {t}" for t, n in runs)
        return f"{self.kind}({self.__name__}) for {args or 'no arguments'}"

    def cache_size(self) -> int:
        """How many signatures are compiled and kept (at most `max_cache`)."""
        return len(self._specializations)

    def __repr__(self) -> str:
        return f"<symgrad.{self.kind}({self.__name__}) specializations={len(self._specializations)}>"
