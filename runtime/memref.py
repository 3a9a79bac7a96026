"""numpy <-> MLIR memref descriptors for the kernels' C interface.

A ranked memref descriptor is `{T* allocated, T* aligned, i64 offset,
i64 sizes[N], i64 strides[N]}` (strides in elements): 3 + 2N machine words.
Shapes are static in symgrad, so all the descriptors of one call are a fixed
int64 template in which only the pointers change: `DescriptorBlock` keeps that
template and fills in the data pointers of the (C-contiguous) arrays.

Data pointers are read straight from the ndarray object (`PyArrayObject.data`,
the word after the object header, part of numpy's stable C ABI) when a
self-check at import confirms the layout; otherwise from `a.ctypes.data`
(about 10x slower, same value).
"""
from __future__ import annotations

import ctypes
import sys
import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np

@dataclass(frozen=True)
class ArraySpec:
    """What the runtime knows of a kernel's array argument or result: its shape and numpy dtype,
    and how the compiler names its type (`text`, e.g. "tensor<3x4xf32>", quoted in errors)."""
    shape: tuple[int, ...]
    np_dtype: np.dtype
    text: str = ""

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(int(d) for d in self.shape))
        object.__setattr__(self, "np_dtype", np.dtype(self.np_dtype))

    @property
    def size(self) -> int:
        """The number of elements."""
        return int(np.prod(self.shape, dtype=np.int64))

    def __str__(self) -> str:
        return self.text or f"{self.np_dtype}{list(self.shape)}"


_WORD = ctypes.sizeof(ctypes.c_void_p)
_DATA_OFFSET = 2 * _WORD  # PyObject_HEAD (refcount, type), then `char *data`


def _slow_data_pointer(a: np.ndarray) -> int:
    return a.ctypes.data


def _fast_data_pointer(a: np.ndarray) -> int:
    return ctypes.c_void_p.from_address(id(a) + _DATA_OFFSET).value or 0


def _layout_confirmed() -> bool:
    if sys.implementation.name != "cpython" or _WORD != 8:
        return False
    probes = [np.arange(7, dtype=np.float32), np.zeros((3, 4)), np.ones((), np.float64),
              np.empty((0, 5), np.bool_), np.arange(12.0).reshape(3, 4)[1:]]
    return all(_fast_data_pointer(p) == p.ctypes.data for p in probes)


data_pointer = _fast_data_pointer if _layout_confirmed() else _slow_data_pointer


def contiguous_strides(shape: Sequence[int]) -> list[int]:
    """Row-major strides in elements (what an identity-layout memref expects)."""
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= max(int(d), 1)
    return strides[::-1]


class DescriptorBlock:
    """All memref descriptors of one kernel call, packed into one int64 buffer.

    Sizes and strides are static, so each thread keeps one buffer per kernel with
    them filled in, and a call only writes the data pointers. (A kernel keeps no
    pointer after it returns, and a thread cannot re-enter a call, so reuse is safe.)
    """

    def __init__(self, types: Sequence[ArraySpec]):
        words, offsets = [], []
        for t in types:
            offsets.append(len(words))
            words += [0, 0, 0, *t.shape, *contiguous_strides(t.shape)]
        self.table = len(words)  # then one word per descriptor: its address (the packed entry's table)
        self.template = words + [0] * len(types)
        self.offsets = offsets
        self.count = len(types)
        self._local = threading.local()

    def _buffer(self):
        buf = (ctypes.c_int64 * max(len(self.template), 1))(*self.template)
        base = ctypes.addressof(buf)
        addresses = [base + 8 * o for o in self.offsets]
        buf[self.table:self.table + self.count] = addresses
        self._local.state = state = (buf, addresses, base + 8 * self.table)
        return state

    def _write(self, arrays: Sequence[np.ndarray]):
        """This thread's buffer with the arrays' data pointers written: (buf, addresses, table)."""
        state = getattr(self._local, "state", None)
        state = state if state is not None else self._buffer()
        buf = state[0]
        for o, a in zip(self.offsets, arrays):
            buf[o] = buf[o + 1] = data_pointer(a)
        return state

    def pack(self, arrays: Sequence[np.ndarray]) -> list[int]:
        """Writes the arrays' data pointers; returns the address of each descriptor."""
        return self._write(arrays)[1]

    def pack_table(self, arrays: Sequence[np.ndarray]) -> int:
        """Writes the arrays' data pointers; returns the address of the table of descriptor addresses
        (the one argument of a kernel's packed entry point, symgrad_packed_<name>)."""
        return self._write(arrays)[2]
