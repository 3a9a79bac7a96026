"""Caches of compiled kernels: in memory (per process) and on disk (object code).

In memory, a `CompiledModule` is kept per (IR text, options), so compiling the
same module again is a dictionary lookup. On disk, the object code is kept per
key = sha256 of (IR text, pipeline, options, symgrad version and the source of
the code generator, MLIR bindings and llvmlite versions, target triple, CPU
name and features, and which BLAS matmul kernels call). A second process
compiling the same IR loads the object and skips MLIR lowering and LLVM code
generation entirely.

The folder is `$SYMGRAD_CACHE_DIR`, else `$XDG_CACHE_HOME/symgrad`, else
`~/.cache/symgrad`. Writes are atomic (temporary file + rename), every entry
carries a checksum that is verified before the object is loaded, and any
I/O problem just means a cache miss. `clear_cache()` empties both caches
(only files this module created are removed).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Optional

MAGIC = b"SYMGRAD-OBJ-1\n"
OBJECT_SUFFIX = ".o"
MEMORY_ENTRIES = 256

_lock = threading.Lock()
_memory: "OrderedDict[tuple, object]" = OrderedDict()


def cache_dir() -> Path:
    env = os.environ.get("SYMGRAD_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "symgrad"


def _objects_dir() -> Path:
    return cache_dir() / "objects"


def failures_dir() -> Path:
    return cache_dir() / "failures"


# --------------------------------------------------------------- fingerprint --
_CODEGEN_MODULES = ("symgrad.dialects.graph.lowering", "symgrad.dialects.graph.ops", "symgrad.passes.lower_to_linalg",
                    "symgrad.passes.pipelines", "symgrad.jit", "symgrad.runtime.blas")


@lru_cache(maxsize=1)
def toolchain_fingerprint() -> str:
    """Everything besides the IR that decides the object code, as one string."""
    from importlib import metadata

    import llvmlite
    import llvmlite.binding as llvm

    import symgrad
    from symgrad.runtime import blas

    def version(dist):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "?"

    import importlib
    h = hashlib.sha256()
    for name in _CODEGEN_MODULES:
        mod = importlib.import_module(name)
        paths = getattr(mod, "__path__", None)
        files = sorted(f for d in paths for f in Path(d).rglob("*.py")) if paths else [Path(mod.__file__)]
        for f in files:
            try:
                h.update(f.read_bytes())
            except OSError:
                h.update(str(f).encode())
    parts = [f"symgrad={symgrad.__version__}", f"codegen={h.hexdigest()[:16]}",
             f"mlir={version('xtc-mlir-python-bindings')}", f"llvmlite={llvmlite.__version__}",
             f"triple={llvm.get_process_triple()}", f"cpu={llvm.get_host_cpu_name()}",
             f"features={llvm.get_host_cpu_features().flatten()}", f"blas={blas.fingerprint()}"]
    return ";".join(parts)


def make_key(ir_text: str, pipeline: str, options: tuple) -> str:
    h = hashlib.sha256()
    for part in (toolchain_fingerprint(), pipeline, repr(options), ir_text):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


# -------------------------------------------------------------------- memory --
def memory_get(key: tuple):
    with _lock:
        value = _memory.get(key)
        if value is not None:
            _memory.move_to_end(key)
        return value


def memory_put(key: tuple, value) -> None:
    with _lock:
        _memory[key] = value
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


# ---------------------------------------------------------------------- disk --
def _object_path(key: str) -> Path:
    return _objects_dir() / f"{key}{OBJECT_SUFFIX}"


def load_object(key: str) -> Optional[bytes]:
    """The cached object code for `key`, or None (missing, unreadable or corrupt)."""
    try:
        data = _object_path(key).read_bytes()
    except OSError:
        return None
    if not data.startswith(MAGIC):
        return None
    header_end = len(MAGIC) + 65
    digest, payload = data[len(MAGIC):header_end - 1], data[header_end:]
    if data[header_end - 1:header_end] != b"\n" or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    return payload


def store_object(key: str, payload: bytes) -> Optional[Path]:
    """Writes atomically; returns the path, or None when the cache folder is not writable."""
    path = _object_path(key)
    data = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    return _atomic_write(path, data)


def _atomic_write(path: Path, data: bytes) -> Optional[Path]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        return None
    return path


def save_failure(key: str, text: str) -> Optional[Path]:
    """Saves the IR of a failed compile (for the reproduction command)."""
    return _atomic_write(failures_dir() / f"{key[:16]}.mlir", text.encode())


def clear_cache(memory: bool = True, disk: bool = True) -> None:
    """Empties the in-memory cache and the on-disk cache folder (only symgrad's own files)."""
    if memory:
        with _lock:
            _memory.clear()
    if disk:
        for folder, suffix in ((_objects_dir(), OBJECT_SUFFIX), (failures_dir(), ".mlir")):
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            for p in entries:
                if p.name.endswith(suffix) or p.name.startswith(".tmp-"):
                    try:
                        p.unlink()
                    except OSError:
                        pass
