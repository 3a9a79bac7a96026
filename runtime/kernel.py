"""`Kernel`: one compiled function, called with numpy arrays.

Calling convention (destination-passing): the kernel's C interface is
`void _mlir_ciface_<name>(MemRef *inputs..., MemRef *outputs...)`; the runtime
allocates every output with numpy and passes it in, so a kernel never returns
memory that Python must free. The call goes through a ctypes CFUNCTYPE, which
releases the GIL while native code runs: other Python threads keep running and
several threads may call kernels at once.

Memory: lowered code takes its temporaries from symgrad's caching pool
(runtime/pool.py, over malloc) and cannot report a failure (a NULL result would
be written through: a segfault). So a kernel whose module computes a tensor
larger than PROBE_BYTES first allocates (and frees) that many bytes with numpy,
which raises a clean MemoryError where malloc would fail. When that fails, the
blocks the pool caches are given back to malloc and the probe runs once more
(the pool does the same itself when malloc fails inside a kernel).
"""
from __future__ import annotations

import ctypes
import math
from typing import Sequence

import numpy as np

from symgrad.dialects.graph.types import TensorType

from .args import check_inputs, describe_signature, outputs
from . import pool as _pool
from .memref import DescriptorBlock


#: Kernels whose module computes a tensor at least this large check, before each call, that
#: an allocation of its size succeeds (about 10 us; smaller ones are not worth checking).
PROBE_BYTES = 1 << 30


class Kernel:
    """A native function: `kernel(*arrays, out=None)` returns one array or a tuple."""

    def __init__(self, owner, name: str, inputs: Sequence[TensorType], results: Sequence[TensorType],
                 address: int, single: bool = True):
        if not address:
            raise RuntimeError(f"@{name}: the JIT has no entry point _mlir_ciface_{name}")
        self.owner = owner  # keeps the engine (and so the code) alive as long as the kernel
        self.name = name
        self.inputs = tuple(inputs)
        self.results = tuple(results)
        self.single = single and len(self.results) == 1
        self.address = address
        n = len(self.inputs) + len(self.results)
        self._cfunc = ctypes.CFUNCTYPE(None, *([ctypes.c_void_p] * n))(address)
        self._block = DescriptorBlock(self.inputs + self.results)
        self._input_specs = [(t.shape, t.np_dtype) for t in self.inputs]
        self._result_specs = [(t.shape, t.np_dtype) for t in self.results]
        # Large results are arrays over blocks of the caching pool (no page faults on every call).
        self._result_makers = [(_pool.empty if t.np_dtype.itemsize * math.prod(t.shape) >= _pool.OUTPUT_BYTES
                                else np.empty, t.shape, t.np_dtype) for t in self.results]
        sig = getattr(owner, "signatures", {}).get(name)
        self.largest_value = getattr(sig, "largest_value", 0)
        self._probe = self.largest_value >= PROBE_BYTES

    @property
    def signature(self) -> str:
        return describe_signature(self.name, self.inputs, self.results, self.single)

    def __repr__(self) -> str:
        return f"<symgrad.Kernel {self.signature}>"

    def __call__(self, *args, out=None):
        """Runs the kernel on `args`; `out=` (array or tuple) receives the results in place."""
        arrays = self._fast_inputs(args)
        if arrays is None:
            arrays = check_inputs(self.name, self.inputs, args)
        if out is None:
            outs = [make(shape, dtype) for make, shape, dtype in self._result_makers]
        else:
            outs = outputs(self.name, self.results, out, arrays)
        if self._probe:
            self._check_memory()
        self._cfunc(*self._block.pack(arrays + outs))  # GIL released here
        return outs[0] if self.single else tuple(outs)

    def _check_memory(self) -> None:
        try:
            try:
                probe = np.empty(self.largest_value, np.uint8)  # untouched pages: nothing is committed
            except MemoryError:
                if not _pool.release():
                    raise
                probe = np.empty(self.largest_value, np.uint8)
        except (MemoryError, ValueError):
            raise MemoryError(f"@{self.name} computes a tensor of {self.largest_value} bytes, which cannot be "
                              f"allocated on this machine; nothing was run") from None
        del probe

    def _fast_inputs(self, args):
        """The arguments unchanged when all are exactly right (the common case), else None."""
        if len(args) != len(self._input_specs):
            return None
        for a, (shape, dtype) in zip(args, self._input_specs):
            if type(a) is not np.ndarray or a.dtype != dtype or a.shape != shape:
                return None
            flags = a.flags
            if not (flags.c_contiguous and flags.aligned):
                return None
        return list(args)
