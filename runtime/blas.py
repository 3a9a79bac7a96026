"""The BLAS that numpy ships, for `graph.matmul` kernels to call.

numpy's wheel bundles OpenBLAS; its GEMM is numpy's own matmul, so the matmul lowering calls it when
it is found. Generated code calls symgrad's names (runtime/abi.py), which `register_with_jit()`
binds to the library's functions before object code is loaded; `fingerprint()` is what of the
choice decides object code (the compile cache key holds it). GEMMs run single-threaded in the
calling thread (OpenBLAS's own threads fight symgrad's for the cores). `SYMGRAD_BLAS=off` or a
library path; without a usable library matmul lowers to loops (`unavailable_reason()`).
Design and measurements: docs/design/runtime-blas.md.
"""
from __future__ import annotations

import ctypes
import glob
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy

from . import abi as _abi
from . import forksafe as _forksafe
from . import llvm as _llvm

ENV = "SYMGRAD_BLAS"
#: cblas enum values.
ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112
#: The names generated code calls (runtime/abi.py); `register_with_jit` binds them.
SYMBOLS = _abi.BLAS_SYMBOLS
ALL_SYMBOLS = _abi.BLAS_ALL
#: OpenBLAS's small-matrix path (M*N*K <= 100^3). gemm_batch_strided crashes there in DYNAMIC_ARCH
#: builds such as numpy's 0.3.31 (fixed upstream in OpenBLAS PR 5980), so the lowering calls it
#: only above this size.
SMALL_MNK = 100 ** 3
#: cblas_?gemm runs on OpenBLAS's own threads above this size (65536 x GEMM_MULTITHREAD_THRESHOLD 4;
#: measured: cpu/wall 1.0 at 64x64x64, 2.0 at 64x64x128). Between it and SMALL_MNK neither interface
#: is single-threaded, so the lowering cuts such a product into row pieces at most this size.
THREAD_MNK = 65536 * 4

# Exported (f32, f64) names, in order of preference. cblas_?gemm decides the integer width (a
# 64_ suffix is ILP64, else the library's config string says); the batch interface has the same.
_GEMM = (("scipy_cblas_sgemm64_", "scipy_cblas_dgemm64_", 64),  # scipy-openblas64 (numpy >= 2)
         ("cblas_sgemm64_", "cblas_dgemm64_", 64),
         ("scipy_cblas_sgemm", "scipy_cblas_dgemm", None),  # scipy-openblas32
         ("cblas_sgemm", "cblas_dgemm", None))
_BATCH = (("scipy_cblas_sgemm_batch_strided64_", "scipy_cblas_dgemm_batch_strided64_"),
          ("cblas_sgemm_batch_strided64_", "cblas_dgemm_batch_strided64_"),
          ("scipy_cblas_sgemm_batch_strided", "scipy_cblas_dgemm_batch_strided"),
          ("cblas_sgemm_batch_strided", "cblas_dgemm_batch_strided"))  # numpy 2.4's: left unprefixed
_CONFIG = ("scipy_openblas_get_config64_", "scipy_openblas_get_config", "openblas_get_config64_",
           "openblas_get_config")


@dataclass(frozen=True)
class Blas:
    path: str
    int_bits: int  # width of BLAS integers (64: ILP64)
    exports: dict  # interface (a key of SYMBOLS) -> the library's (f32, f64) function names

    def has(self, interface: str) -> bool:
        return interface in self.exports

    def symbol(self, interface: str, dtype: str) -> str:
        """The name generated code calls for `interface` and `dtype` ('f32' or 'f64')."""
        return SYMBOLS[interface][dtype]

    def address(self, interface: str, dtype: str) -> int:
        lib = ctypes.CDLL(self.path)  # already loaded by numpy: just a handle
        name = self.exports[interface][0 if dtype == "f32" else 1]
        return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value

    def identity(self) -> str:
        found = ",".join(f"{k}={s}/{d}" for k, (s, d) in sorted(self.exports.items()))
        return f"{os.path.basename(self.path)}:i{self.int_bits}:{found}"


def _loaded_openblas() -> list[str]:
    """OpenBLAS files mapped into this process (numpy's, once numpy is imported)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split(None, 5)[5].strip() for line in f if line.count(" ") >= 5 and "blas" in line}
    except OSError:
        return []
    return sorted(p for p in paths if "openblas" in os.path.basename(p).lower() and os.path.isfile(p))


def _bundled_openblas() -> list[str]:
    """OpenBLAS files shipped inside numpy's wheel (Linux: numpy.libs/, macOS: numpy/.dylibs/)."""
    root = os.path.dirname(os.path.abspath(numpy.__file__))
    found = []
    for folder in (os.path.join(os.path.dirname(root), "numpy.libs"), os.path.join(root, ".dylibs"), root):
        found += sorted(glob.glob(os.path.join(folder, "*openblas*")))
    return [p for p in found if os.path.isfile(p)]


def _int_bits(lib) -> Optional[int]:
    for name in _CONFIG:
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = ctypes.c_char_p
            config = (fn() or b"").decode(errors="replace")
            return 64 if "USE64BITINT" in config else 32
    return None


def _probe(path: str) -> tuple[Optional[Blas], str]:
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        return None, f"cannot load {path}: {e}"
    for s, d, bits in _GEMM:
        if hasattr(lib, s) and hasattr(lib, d):
            bits = bits or _int_bits(lib)
            if bits is None:
                return None, f"{path} exports {s} but its integer width is unknown (no openblas_get_config)"
            exports = {"gemm": (s, d)}
            batch = next(((bs, bd) for bs, bd in _BATCH if hasattr(lib, bs) and hasattr(lib, bd)), None)
            if batch:
                exports["gemm_batch_strided"] = batch
            return Blas(path, bits, exports), ""
    return None, f"{path} exports none of {', '.join(c[0] for c in _GEMM)}"


@lru_cache(maxsize=1)
def _find() -> tuple[Optional[Blas], str]:
    choice = os.environ.get(ENV, "").strip()
    if choice.lower() in ("0", "off", "no", "false", "none"):
        return None, f"disabled by {ENV}={choice}"
    if choice and choice.lower() not in ("1", "on", "yes", "true", "auto"):
        return _probe(choice) if os.path.isfile(choice) else (None, f"{ENV}={choice}: no such file")
    reasons = []  # (numpy, imported above, has loaded its OpenBLAS)
    for path in dict.fromkeys(_loaded_openblas() + _bundled_openblas()):
        blas, why = _probe(path)
        if blas is not None:
            return blas, ""
        reasons.append(why)
    return None, "; ".join(reasons) or "numpy's wheel ships no OpenBLAS library (numpy.libs/ or numpy/.dylibs/)"


def library() -> Optional[Blas]:
    """The BLAS matmul kernels call, or None (see `unavailable_reason`)."""
    return _find()[0]


def unavailable_reason() -> Optional[str]:
    """Why matmul lowers to generated loops instead of BLAS calls (None when BLAS is used)."""
    blas, why = _find()
    return None if blas is not None else why


def fingerprint() -> str:
    """What of the BLAS choice decides generated code, for the compile cache key."""
    blas = library()
    return blas.identity() if blas is not None else "none"


_registered = False
_register_lock = _forksafe.Lock()


def register_with_jit() -> None:
    """Binds the names generated code calls (`SYMBOLS`) to the library's functions for llvmlite's
    JIT linker. Idempotent; a no-op without a library. Call before loading object code."""
    global _registered
    if _registered:
        return
    blas = library()
    if blas is None:
        return
    llvm = _llvm.binding()
    with _register_lock:
        if not _registered:
            for interface in blas.exports:
                for dtype in ("f32", "f64"):
                    llvm.add_symbol(blas.symbol(interface, dtype), blas.address(interface, dtype))
            _registered = True
