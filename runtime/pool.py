"""The caching allocator behind compiled kernels' temporaries (PyTorch-style, owned by symgrad).

Kernels allocate large temporaries on every call; glibc maps and unmaps blocks that large, so each
call would fault in fresh pages. Lowered code calls MLIR's generic allocation functions
(`_mlir_memref_to_llvm_*`), which this pool defines (runtime/native/pool.ll, bound for the JIT by
`register_with_jit`): freed blocks of SMALL_BYTES and more are kept, lock-free and up to a cap, for
the next call, without touching the process's malloc. Large kernel results come from it too
(`empty`), and every call first reserves its temporaries (`Reservation`), so running out of memory
is a MemoryError before native code runs. `SYMGRAD_POOL_BYTES` caps it (0: off); `set_limit()`,
`release()`, `stats()`. Design and measurements: docs/design/runtime-pool.md.
"""
from __future__ import annotations

import ctypes
import os
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import abi as _abi
from . import forksafe as _forksafe
from . import native_ir as _native_ir
from .support_library import SupportLibrary

ENV = "SYMGRAD_POOL_BYTES"
#: Blocks below this go straight to malloc/free.
SMALL_BYTES = 1 << 16
#: Kernel results from this size up are numpy arrays over pool blocks (`empty`).
OUTPUT_BYTES = SMALL_BYTES
#: Size classes cover [2^MIN_LOG, 2^MAX_LOG) bytes, 2^SUB_LOG classes per power of two.
MIN_LOG, MAX_LOG, SUB_LOG = 16, 40, 3
CLASSES = (MAX_LOG - MIN_LOG) << SUB_LOG
#: Cached blocks per class at most. Bufferization frees a kernel's temporaries at its end, so a
#: kernel holds all of them at once: a [512, 1024] layer norm + gelu gradient keeps nine 2 MiB
#: blocks and its results one more; with 8 slots it mallocs on every call.
SLOTS = 16
#: Header below each block: the pointer malloc returned, then the tag.
HEADER = 16
#: Alignment of pooled blocks (raw ones keep malloc's 16).
ALIGN = 64
RAW = -1

#: The names lowered code calls (upstream MLIR's generic allocation functions).
ALLOC, ALIGNED_ALLOC, FREE = _abi.POOL_ALLOC, _abi.POOL_ALIGNED_ALLOC, _abi.POOL_FREE
SYMBOLS = _abi.POOL_SYMBOLS

# Counters, in the order symgrad_pool_stats writes them after (limit, bytes cached, blocks cached).
_COUNTERS = ("hits", "misses", "cached", "over_limit", "slots_full", "released")
_LIMIT_MAX = 1 << 62
_SIZE_MAX = 1 << 62  # larger requests get NULL, as from malloc

#: What a kernel prints (to stderr, then abort()) when an allocation fails inside native code.
OOM_MESSAGE = "symgrad: out of memory allocating %lld bytes in a compiled kernel"
ALIGN_MESSAGE = "symgrad: alignment %lld (not a power of two) asked for %lld bytes in a compiled kernel"


def _c_string(text: str) -> str:
    """`text`, a newline and NUL, as the body of an LLVM IR c"..." constant."""
    return text.replace("\\", "\\5C").replace('"', "\\22") + "\\0A\\00"


def ir_text() -> str:
    """The pool's LLVM IR (runtime/native/pool.ll) for the constants above."""
    return _native_ir.load(
        "pool", ncounters=len(_COUNTERS), nslots=CLASSES * SLOTS, slots=SLOTS, classes=CLASSES, sub=SUB_LOG,
        min_log=MIN_LOG, min_log_minus_sub=MIN_LOG - SUB_LOG, per_octave=1 << SUB_LOG,
        per_octave_m1=(1 << SUB_LOG) - 1, size_max=_SIZE_MAX, small=SMALL_BYTES, align=ALIGN,
        pooled_extra=HEADER + ALIGN - 16, header=HEADER, header_plus_align_m1=HEADER + ALIGN - 1,
        align_mask=-ALIGN, raw=RAW, alloc=ALLOC, aligned_alloc=ALIGNED_ALLOC, free=FREE,
        oom_msg=_c_string(OOM_MESSAGE), oom_len=len(OOM_MESSAGE) + 2,
        align_msg=_c_string(ALIGN_MESSAGE), align_len=len(ALIGN_MESSAGE) + 2)


@dataclass(frozen=True)
class PoolStats:
    """A snapshot of the pool. `hits`/`misses` count pooled-size allocations served from the cache or
    by malloc; `cached` counts blocks kept on free, `over_limit`/`slots_full` blocks freed to malloc
    instead; `released` blocks freed by `release()` (or by a failed malloc, or taken back out when the
    limit fell while they went in); `reserve_fills` counts the kernel calls whose reservation was not
    already cached (0 more per call in the steady state)."""
    limit: int
    bytes_cached: int
    blocks_cached: int
    hits: int
    misses: int
    cached: int
    over_limit: int
    slots_full: int
    released: int
    reserve_fills: int = 0  # reservations that had to allocate (see `Reservation`)


def default_limit() -> int:
    """The smaller of 1 GiB and a quarter of physical memory."""
    try:
        ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        ram = 0
    return min(1 << 30, ram // 4) if ram > 0 else 1 << 30


_SUFFIXES = {"": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
             "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def parse_bytes(text: str) -> int:
    """'0', '1048576', '512M', '2GiB' -> bytes. Raises ValueError."""
    s = text.strip().lower()
    digits = s.rstrip("kmgib ")
    suffix = s[len(digits):].strip()
    if not digits.isdigit() or suffix not in _SUFFIXES:
        raise ValueError(f"not a byte count: {text!r} (an integer with an optional K/M/G suffix)")
    return min(int(digits) * _SUFFIXES[suffix], _LIMIT_MAX)


def limit_from_env() -> int:
    value = os.environ.get(ENV)
    if value is None or not value.strip():
        return default_limit()
    try:
        return parse_bytes(value)
    except ValueError as e:
        fallback = default_limit()
        warnings.warn(f"symgrad: ${ENV}: {e}; using {fallback}", RuntimeWarning, stacklevel=3)
        return fallback


# ---------------------------------------------------------------- the native pool --
_lock = _forksafe.Lock()  # unlocked again in a fork child
_native: Optional["_Native"] = None


class _Native:
    """The compiled pool (a SupportLibrary, kept for the life of the process) and its entry points."""

    def __init__(self):
        # opt=0: the IR is written tight already, and codegen takes 2.5x less. Compiled once per
        # machine: the object code is kept in the disk cache (runtime/support_library.py).
        self.library = lib = SupportLibrary(
            "pool", ir_text(), sorted(SYMBOLS), ("symgrad_pool_release", "symgrad_pool_set_limit", "symgrad_pool_stats",
                                          "symgrad_pool_alloc", "symgrad_pool_alloc_result",
                                          "symgrad_pool_class_of", "symgrad_pool_ready"),
            opt_level=0, host=False)
        self.addresses = lib.addresses
        i64, ptr = ctypes.c_int64, ctypes.c_void_p
        self.release = lib.function("symgrad_pool_release", i64)
        self.set_limit = lib.function("symgrad_pool_set_limit", None, i64)
        self.stats = lib.function("symgrad_pool_stats", None, ptr)
        # The Python-side allocation returns NULL when memory runs out (the kernels' entry points abort).
        self.alloc = lib.function("symgrad_pool_alloc", ptr, i64, i64)
        self.alloc_result = lib.function("symgrad_pool_alloc_result", ptr, i64, i64)
        self.free = lib.function(FREE, None, ptr)
        self.class_of = lib.function("symgrad_pool_class_of", i64, i64)
        self.ready = lib.function("symgrad_pool_ready", i64, ptr, i64)
        self.set_limit(limit_from_env())  # the one copy of the limit is the native one


def _get() -> "_Native":
    global _native
    if _native is None:
        with _lock:
            if _native is None:
                _native = _Native()
    return _native


def register_with_jit() -> None:
    """Compiles the pool (once per process) and binds the allocation functions lowered code calls
    (`SYMBOLS`) for llvmlite's JIT linker. Idempotent; call before loading object code."""
    native = _get()
    with _lock:
        native.library.bind()


def address(name: str) -> int:
    """The address of one of `SYMBOLS` (compiling the pool if needed)."""
    return _get().addresses[name]


def release() -> int:
    """Frees every cached block (blocks in use by running kernels are not touched); returns the bytes
    freed. A no-op before the pool exists."""
    native = _native
    return int(native.release()) if native is not None else 0


def set_limit(nbytes: int) -> None:
    """Caps the bytes cached (0: no caching, every block goes back to malloc); cached blocks beyond
    a lower cap are freed."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
        raise ValueError(f"pool limit must be a non-negative integer of bytes, got {nbytes!r}")
    native = _get()
    native.set_limit(min(nbytes, _LIMIT_MAX))
    if native_stats(native)[1] > nbytes:
        native.release()


def native_stats(native: "_Native") -> list[int]:
    out = (ctypes.c_int64 * (3 + len(_COUNTERS)))()
    native.stats(ctypes.addressof(out))
    return list(out)


def stats() -> PoolStats:
    """The current figures (all zero, and the limit from the environment, before the pool exists)."""
    native = _native
    if native is None:
        return PoolStats(limit_from_env(), 0, 0, *([0] * len(_COUNTERS)))
    return PoolStats(*native_stats(native), reserve_fills=Reservation.fills)


# ------------------------------------------------------------- kernel outputs --
class _Block:
    """A pool block lent to numpy: the base of the arrays viewing it, given back to the pool when the
    last of them dies (from whichever thread drops it: the pool's free is thread-safe)."""
    __slots__ = ("address", "free", "__array_interface__")

    def __init__(self, address: int, free, shape: tuple, typestr: str):
        self.address = address
        self.free = free
        self.__array_interface__ = {"data": (address, False), "shape": shape, "typestr": typestr, "version": 3}

    def __del__(self):
        self.free(self.address)


def empty(shape: tuple, dtype) -> "np.ndarray":
    """An uninitialized C-contiguous array for a kernel's result. From OUTPUT_BYTES up it comes from
    the pool (64-byte aligned; `base` is the block, given back when the last view dies), so a result of
    the size of the last one freed costs no page faults. Below that, while the pool does not exist yet,
    when it is off, or when malloc fails (numpy then raises its MemoryError), it is `np.empty`."""
    dtype = np.dtype(dtype)
    native = _native
    nbytes = dtype.itemsize
    for d in shape:
        nbytes *= d
    if native is None or nbytes < OUTPUT_BYTES:
        return np.empty(shape, dtype)
    address = native.alloc_result(ALIGN, nbytes)
    if not address:  # the pool is off, or malloc failed even after the cache was released (numpy's MemoryError)
        return np.empty(shape, dtype)
    return np.asarray(_Block(address, native.free, tuple(shape), dtype.str))


# ------------------------------------------------------ kernel temporaries --
class Reservation:
    """A kernel's heap temporaries, made sure of before each call: `reservation()` raises
    MemoryError, before any native code runs, when they cannot all be allocated at once.

    The sizes come from the kernel's object code (passes/record_temporaries.py). The steady state is
    one native call (~0.5 us): the pool already caches enough blocks of each class. Otherwise every
    block is allocated at once and freed again, so the pool caches them for the kernel. Blocks below
    SMALL_BYTES are not pooled and not reserved. Details: docs/design/runtime-pool.md."""
    fills = 0  # slow paths taken, all reservations (PoolStats.reserve_fills)
    __slots__ = ("what", "nbytes", "blocks", "_pairs", "_address", "_n", "_native")

    def __init__(self, what: str, sizes):
        """`sizes`: (bytes, count) pairs; `what` names the kernel in the MemoryError."""
        native = _get()
        per_class: Counter = Counter()
        self.blocks = []
        self.nbytes = 0
        unpooled = False
        for size, count in sizes:
            self.nbytes += size * count
            c = native.class_of(size)
            if c >= 0:
                per_class[c] += count
            elif size >= SMALL_BYTES:  # too large for a class: never cached, allocating it is the check
                unpooled = True
            if size >= SMALL_BYTES:
                self.blocks += [size] * count
        flat = [v for pair in sorted(per_class.items()) for v in pair]
        self._pairs = (ctypes.c_int64 * max(1, len(flat)))(*flat)
        self._address = ctypes.addressof(self._pairs)
        self._n = 0 if unpooled else len(per_class)  # 0: no fast path
        self._native = native
        self.what = what

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def __call__(self) -> None:
        native = self._native
        if self._n and native.ready(self._address, self._n):
            return
        self.fill()

    def fill(self) -> None:
        """Allocates every block at once (MemoryError when one fails), then gives them back."""
        native = self._native
        Reservation.fills += 1
        taken = []
        try:
            for size in self.blocks:
                p = native.alloc(ALIGN, size)
                if not p:
                    raise MemoryError(f"{self.what} needs {self.nbytes} bytes of temporaries (the largest "
                                      f"{max(self.blocks)} bytes), which cannot be allocated on this machine; "
                                      f"nothing was run") from None
                taken.append(p)
        finally:
            for p in reversed(taken):
                native.free(p)
