"""Argument checking before any native code runs.

Kernels are compiled for exact static types, so every argument must match its
declared dtype (no silent casts) and shape exactly; anything else raises
TypeError (count, kind, dtype) or ValueError (shape, outputs) naming the
function, the argument, what was expected and what was given. Layout is
handled, never misread: arrays that are not C-contiguous (strided views,
negative strides, Fortran order) or not aligned are copied to a contiguous
buffer first.

Types are `ArraySpec`s (runtime/memref.py); any object with `.shape`, `.np_dtype` and a text form
is taken the same way.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .memref import ArraySpec


def _describe(t: ArraySpec) -> str:
    return f"{t.np_dtype}{list(t.shape)} ({t})"


def _given(a) -> str:
    if type(a) is np.ndarray or isinstance(a, np.generic):
        return f"{a.dtype}{list(np.shape(a))}"
    if isinstance(a, np.ndarray):  # a subclass (matrix, masked array, ...): say which
        return f"{type(a).__name__} {a.dtype}{list(np.shape(a))}"
    return type(a).__name__


def as_input(fname: str, i: int, t: ArraySpec, a) -> np.ndarray:
    """Argument `i` of `fname` as a C-contiguous, aligned array of type `t`, or an error."""
    if type(a) is np.ndarray:
        arr = a
    elif isinstance(a, np.ma.MaskedArray):
        raise TypeError(f"@{fname} argument {i}: masked arrays are not supported (the mask would be ignored); "
                        f"pass a.filled(value) or a.data")
    elif isinstance(a, (np.ndarray, np.generic)):
        arr = np.asarray(a)
    else:
        raise TypeError(f"@{fname} argument {i}: expected a numpy array {_describe(t)}, got {_given(a)}")
    if arr.dtype != t.np_dtype:
        raise TypeError(f"@{fname} argument {i}: expected dtype {t.np_dtype} ({t}), got {arr.dtype} "
                        f"({_given(arr)}); no implicit casts: convert with .astype(np.{t.np_dtype})")
    if arr.shape != t.shape:
        raise ValueError(f"@{fname} argument {i}: expected shape {t.shape} ({t}), got shape {arr.shape} "
                         f"({_given(arr)})")
    flags = arr.flags
    if not (flags.c_contiguous and flags.aligned):
        arr = np.array(arr, dtype=t.np_dtype, order="C", copy=True)  # fresh, aligned, contiguous
    return arr


def check_inputs(fname: str, types: Sequence[ArraySpec], args: Sequence) -> list[np.ndarray]:
    if len(args) != len(types):
        expected = ", ".join(str(t) for t in types) or "none"
        raise TypeError(f"@{fname} takes {len(types)} argument{'s' if len(types) != 1 else ''} ({expected}), "
                        f"got {len(args)}")
    return [as_input(fname, i, t, a) for i, (t, a) in enumerate(zip(types, args))]


def outputs(fname: str, types: Sequence[ArraySpec], out, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Fresh output arrays, or the caller's `out=` arrays after checking them."""
    if out is None:
        return [np.empty(t.shape, t.np_dtype) for t in types]
    if not isinstance(out, (np.ndarray, tuple, list)):
        raise TypeError(f"@{fname} out=: expected an array or a tuple of {len(types)} arrays, got {_given(out)}")
    outs = [out] if isinstance(out, np.ndarray) else list(out)
    if len(outs) != len(types):
        raise ValueError(f"@{fname} out=: expected {len(types)} output array(s), got {len(outs)}")
    for i, (t, o) in enumerate(zip(types, outs)):
        where = f"@{fname} out[{i}]"
        if type(o) is not np.ndarray:
            raise TypeError(f"{where}: expected a numpy array {_describe(t)}, got {_given(o)}")
        if o.dtype != t.np_dtype:
            raise TypeError(f"{where}: expected dtype {t.np_dtype} ({t}), got {o.dtype} ({_given(o)})")
        if o.shape != t.shape:
            raise ValueError(f"{where}: expected shape {t.shape} ({t}), got shape {o.shape}")
        if not (o.flags.c_contiguous and o.flags.aligned and o.flags.writeable):
            raise ValueError(f"{where}: must be a writeable, aligned, C-contiguous array")
        for j, a in enumerate(inputs):
            if o.size and a.size and np.may_share_memory(o, a):
                raise ValueError(f"{where}: overlaps argument {j}; outputs must not alias inputs")
        for j, other in enumerate(outs[:i]):
            if o.size and other.size and np.may_share_memory(o, other):
                raise ValueError(f"{where}: overlaps out[{j}]")
    return outs


def single_or_tuple(values: Sequence[np.ndarray], single: bool):
    return values[0] if single else tuple(values)


def describe_signature(fname: str, inputs: Sequence[ArraySpec], results: Sequence[ArraySpec],
                       single: Optional[bool] = None) -> str:
    ins = ", ".join(str(t) for t in inputs)
    outs = ", ".join(str(t) for t in results)
    return f"@{fname}({ins}) -> {outs if (single or len(results) == 1) else '(' + outs + ')'}"
