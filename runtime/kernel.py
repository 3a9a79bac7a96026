"""`Kernel`: one compiled function, called with numpy arrays.

Destination-passing: the kernel's C interface is `void _mlir_ciface_<name>(MemRef *inputs...,
MemRef *outputs...)`; the runtime allocates every output (numpy, or pool blocks for large ones) and
passes it in, so a kernel never returns memory that Python must free. It calls the packed entry
`symgrad_packed_<name>(MemRef **table)` (passes/add_packed_entry_points.py), so any number of
arrays goes through one argument, through a ctypes CFUNCTYPE, which releases the GIL while native
code runs. Before it, the kernel's heap temporaries are reserved in the pool (MemoryError before
native code when they do not fit; docs/design/runtime-pool.md).
"""
from __future__ import annotations

import ctypes
from typing import Optional, Sequence

import numpy as np

from . import pool as _pool
from .abi import PACKED_PREFIX
from .args import check_inputs, describe_signature, outputs
from .memref import ArraySpec, DescriptorBlock


def read_temporaries(engine, symbol: str) -> Optional[list[tuple[int, int]]]:
    """The (bytes, count) pairs of the heap temporaries a kernel allocates, from the record named
    `symbol` in the object code loaded into `engine` (i64s: flags, n, then n pairs); None for object
    code without one (compiled by another pipeline)."""
    address = engine.get_global_value_address(symbol)
    if not address:
        return None
    n = (ctypes.c_int64 * 2).from_address(address)[1]
    values = list((ctypes.c_int64 * (2 + 2 * n)).from_address(address))[2:]
    return list(zip(values[0::2], values[1::2]))


#: The most arguments a ctypes foreign function takes.
MAX_CTYPES_ARGS = 1024


class Kernel:
    """A native function: `kernel(*arrays, out=None)` returns one array or a tuple."""

    def __init__(self, owner, name: str, inputs: Sequence[ArraySpec], results: Sequence[ArraySpec],
                 address: int, single: bool = True, temporaries=None, packed: int = 0):
        if not address:
            raise RuntimeError(f"@{name}: the JIT has no entry point _mlir_ciface_{name}")
        self.owner = owner  # keeps the engine (and so the code) alive as long as the kernel
        self.name = name
        self.inputs = tuple(inputs)
        self.results = tuple(results)
        self.single = single and len(self.results) == 1
        self.address = address
        n = len(self.inputs) + len(self.results)
        # The packed entry (one argument: a table of descriptor addresses) when the object code has
        # one; ctypes cannot call a function of more than 1024 arguments.
        self.packed = packed
        if packed:
            self._cfunc = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(packed)
        elif n > MAX_CTYPES_ARGS:
            raise RuntimeError(f"@{name}: {n} arrays, more than the {MAX_CTYPES_ARGS} arguments ctypes can pass, "
                               f"and the object code has no packed entry point {PACKED_PREFIX}{name}")
        else:
            self._cfunc = ctypes.CFUNCTYPE(None, *([ctypes.c_void_p] * n))(address)
        self._block = DescriptorBlock(self.inputs + self.results)
        self._input_specs = [(t.shape, t.np_dtype) for t in self.inputs]
        # Large results are arrays over blocks of the caching pool (no page faults on every call).
        self._result_makers = [(_pool.empty if t.np_dtype.itemsize * t.size >= _pool.OUTPUT_BYTES
                                else np.empty, t.shape, t.np_dtype) for t in self.results]
        # (bytes, count) of the heap temporaries (None: unknown, object code without the record).
        self.temporaries = None if temporaries is None else tuple(temporaries)
        reservation = _pool.Reservation(f"@{name}", self.temporaries) if self.temporaries else None
        self._reserve = reservation if reservation else None  # nothing pooled to reserve: no check

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
        if self._reserve is not None:
            self._reserve()  # MemoryError here, before native code, when the temporaries do not fit
        if self.packed:
            self._cfunc(self._block.pack_table(arrays + outs))  # GIL released here
        else:
            self._cfunc(*self._block.pack(arrays + outs))
        return outs[0] if self.single else tuple(outs)

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
