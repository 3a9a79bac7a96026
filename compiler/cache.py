"""symgrad's compile cache: what keys it (the toolchain, symgrad's sources) and the compiled
modules kept in memory; the entries on disk are symgrad.runtime.object_cache's.

In memory, a `CompiledModule` is kept per (IR text, pipeline, options) in a bounded LRU
($SYMGRAD_MEMORY_CACHE_SIZE, default 256). On disk, object code is kept per `make_key`, and
what sg.grad/sg.value_and_grad build on a traced function per `make_transform_key` (a JSON
record: symgrad.transform_cache), so a new process loads instead of compiling. How the keys
are made and why: docs/design/compile-cache.md.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import sys
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Optional

import symgrad
from symgrad.runtime import blas
from symgrad.runtime import forksafe as _forksafe
from symgrad.runtime import object_cache as _disk
from symgrad.runtime.llvm import llvm_fingerprint
# symgrad.cache's public names (README: symgrad.cache.stats(), CacheWarning) and what sg.compile
# reads and writes on disk.
from symgrad.runtime.object_cache import (  # noqa: F401
    CacheWarning, cache_dir, count, load_object, save_failure, stats, store_object)

MEMORY_ENTRIES = 256

_lock = _forksafe.Lock()
_memory: "OrderedDict[tuple, object]" = OrderedDict()


def memory_entries() -> int:
    return int(_disk.env_number("SYMGRAD_MEMORY_CACHE_SIZE", MEMORY_ENTRIES))


# --------------------------------------------------------------- fingerprint --
_CODEGEN_MODULES = ("symgrad.dialects.graph.lowering", "symgrad.dialects.graph.ops", "symgrad.passes",
                    "symgrad.codegen", "symgrad.runtime.llvm", "symgrad.runtime.blas")


@lru_cache(maxsize=1)
def toolchain_fingerprint() -> str:
    """Everything besides the IR that decides the object code, as one string."""
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
             f"mlir={_dist_version('xtc-mlir-python-bindings')}", llvm_fingerprint(), f"blas={blas.fingerprint()}"]
    return ";".join(parts)


def _dist_version(dist: str) -> str:
    """The installed version of a distribution, from the name of its `.dist-info` folder on sys.path
    (the first one, as importlib.metadata finds it; importing that costs ~20 ms at a cached start)."""
    want = re.sub(r"[-_.]+", "_", dist).lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            if n.endswith(".dist-info"):
                name, _, ver = n[:-len(".dist-info")].partition("-")
                if ver and re.sub(r"[-_.]+", "_", name).lower() == want:
                    return ver
    # import here: importlib.metadata costs ~20 ms at a cached start; only another kind of
    # installation (.egg-info, ...) gets this far
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


_SOURCE_PACKAGES = ("symgrad", "symgrad.dialects", "symgrad.passes", "symgrad.runtime")


@lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """sha256 of every source file of symgrad's packages (but the tools): what decides how traced IR
    is differentiated, fused and compiled, and what the runtime builds around the kernels."""
    h = hashlib.sha256()
    for name in _SOURCE_PACKAGES:
        for d in importlib.import_module(name).__path__:
            for f in sorted(Path(d).rglob("*.py")):
                h.update(str(f.relative_to(d)).encode() + b"\0")
                try:
                    h.update(f.read_bytes())
                except OSError:
                    h.update(b"?")
    return h.hexdigest()


def make_key(ir_text: str, pipeline: str, options: tuple) -> str:
    return _disk.digest(toolchain_fingerprint(), pipeline, repr(options), ir_text)


def make_transform_key(ir_text: str, transform: str, options: tuple, pipeline: str) -> str:
    """The key of a transform record: the traced IR, the transform and its options, the toolchain,
    all of symgrad's source and the lowering pipeline (sequential or multi-core: the caller picks it
    once and compiles with the same text)."""
    return _disk.digest("transform", toolchain_fingerprint(), source_fingerprint(), pipeline, transform,
                        repr(options), ir_text)


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
        limit = memory_entries()
        while len(_memory) > limit:
            _memory.popitem(last=False)


# ------------------------------------------------------------ transform records --
def load_transform(key: str) -> Optional[dict]:
    """The transform record for `key` (a dict), or None: missing, another format version, or corrupt
    (reported with a CacheWarning and removed, like an object)."""
    payload = _disk.load(_disk.TRANSFORM, key)
    record = None
    if payload is not None:
        try:
            record = json.loads(payload.decode("utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as e:  # (UnicodeDecodeError is one) a sound checksum over a bad record
            _disk.discard(_disk.TRANSFORM.path(key), f"its record cannot be read ({e})")
            record = None
    return record  # counted by the caller, who may still find it unfit (transform_cache.load)


def discard_transform(key: str, problem: str) -> None:
    """Removes and reports a record that was sound on disk but does not fit what it is used for."""
    _disk.discard(_disk.TRANSFORM.path(key), problem)


def store_transform(key: str, record: dict) -> Optional[Path]:
    """Writes a transform record atomically (like store_object); None when the folder is not writable."""
    return _disk.store(_disk.TRANSFORM, key, json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def clear_cache(memory: bool = True, disk: bool = True) -> None:
    """Empties the in-memory cache and the on-disk cache folder (only symgrad's own files)."""
    if memory:
        with _lock:
            _memory.clear()
    if disk:
        _disk.clear()
