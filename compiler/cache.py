"""Caches of compiled kernels: in memory (per process) and on disk (object code).

In memory, a `CompiledModule` is kept per (IR text, options), so compiling the
same module again is a dictionary lookup. On disk, the object code is kept per
key = sha256 of (IR text, pipeline, options, symgrad version and the source of
the code generator, MLIR bindings and llvmlite versions, target triple, CPU
name and features, and which BLAS matmul kernels call). A second process
compiling the same IR loads the object and skips MLIR lowering and LLVM code
generation entirely.

A second level keys what a transform builds on the function it traced: for
`sg.grad`/`sg.value_and_grad`, key = sha256 of (the traced IR text, the
transform and its options, the toolchain fingerprint above and the source of
all of symgrad, which decides how IR is differentiated) -> a small record: the
first-level key of the object code plus what the runtime needs to rebuild the
kernels without MLIR (signatures, gradient slots). A process that finds both
traces the function and loads the object; it skips differentiation, the fused-
gradient pass and everything in sg.compile before `load`. Records live in
`transforms/` next to `objects/`, with the same header, checksum, atomic
writes, bound and warnings; a record whose object is gone is a plain miss.
The object code of symgrad's own support code (symgrad.support) is kept the
same way in `support/`.

The folder is `$SYMGRAD_CACHE_DIR`, else `$XDG_CACHE_HOME/symgrad`, else
`~/.cache/symgrad`. Writes are atomic (temporary file + rename: processes
filling the cache at the same time never see half an entry). Every entry
carries its key and a checksum of the object, both verified before the object
is loaded: a truncated, corrupted or misplaced entry is never loaded; it is
reported with a `CacheWarning` naming the file, removed and recompiled. A
missing or unreadable entry or folder is a plain miss.

Both caches are bounded, least recently used entries going first: in memory
`$SYMGRAD_MEMORY_CACHE_SIZE` compiled modules (default 256), on disk
`$SYMGRAD_DISK_CACHE_MB` megabytes of objects (default 1024; 0: no bound).
Loading an entry refreshes its modification time, which is what the disk
bound evicts by. `clear_cache()` empties both caches (only files this module
created are removed).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import forksafe as _forksafe

MAGIC = b"SYMGRAD-OBJ-2\n"  # then the key, the sha256 of the object (hex, one line each), the object
OBJECT_SUFFIX = ".o"
# A transform record: the same layout, the payload being JSON (see the module docstring).
TRANSFORM_MAGIC = b"SYMGRAD-TRF-1\n"
TRANSFORM_SUFFIX = ".t"
_VERSIONED = 12  # the magic's first bytes, the same in every version of its format
MEMORY_ENTRIES = 256
DISK_MB = 1024


class CacheWarning(RuntimeWarning):
    """A cache entry was corrupt (and was recompiled), or the cache could not be maintained."""


def _env_number(name: str, default: float) -> float:
    try:
        return max(float(os.environ.get(name, default)), 0.0)
    except ValueError:
        warnings.warn(f"symgrad: ${name}={os.environ[name]!r} is not a number; using {default}", CacheWarning,
                      stacklevel=3)
        return default


def memory_entries() -> int:
    return int(_env_number("SYMGRAD_MEMORY_CACHE_SIZE", MEMORY_ENTRIES))


def disk_bytes() -> int:
    return int(_env_number("SYMGRAD_DISK_CACHE_MB", DISK_MB) * (1 << 20))


_lock = _forksafe.Lock()
_memory: "OrderedDict[tuple, object]" = OrderedDict()


def cache_dir() -> Path:
    env = os.environ.get("SYMGRAD_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "symgrad"


@dataclass(frozen=True)
class EntryKind:
    """One kind of disk-cache entry: its folder, file suffix, header magic and stats counters."""
    folder: str
    suffix: str
    magic: bytes
    hits: Optional[str] = None  # counted here on every load (None: the caller counts, see load_transform)
    misses: Optional[str] = None

    def dir(self) -> Path:
        return cache_dir() / self.folder

    def path(self, key: str) -> Path:
        return self.dir() / f"{key}{self.suffix}"


OBJECT = EntryKind("objects", OBJECT_SUFFIX, MAGIC, "object_hits", "object_misses")
TRANSFORM = EntryKind("transforms", TRANSFORM_SUFFIX, TRANSFORM_MAGIC)
SUPPORT = EntryKind("support", OBJECT_SUFFIX, MAGIC, "support_hits", "support_misses")
#: Every kind of entry, which `prune` bounds and `clear_cache` removes.
KINDS = (OBJECT, TRANSFORM, SUPPORT)


def failures_dir() -> Path:
    return cache_dir() / "failures"


# --------------------------------------------------------------------- stats --
_stats = {"object_hits": 0, "object_misses": 0, "transform_hits": 0, "transform_misses": 0, "support_hits": 0,
          "support_misses": 0, "corrupt": 0}


def _count(name: str) -> None:
    with _lock:
        _stats[name] += 1


count = _count  # for symgrad.transform_cache


def stats() -> dict:
    """This process's disk-cache lookups: hits and misses per level (`object_*`: sg.compile's object
    code, `transform_*`: the records of sg.grad/sg.value_and_grad, `support_*`: symgrad.support's
    object code) and corrupt entries found."""
    with _lock:
        return dict(_stats)


# --------------------------------------------------------------- fingerprint --
_CODEGEN_MODULES = ("symgrad.dialects.graph.lowering", "symgrad.dialects.graph.ops", "symgrad.passes",
                    "symgrad.jit", "symgrad.runtime.blas")


@lru_cache(maxsize=1)
def toolchain_fingerprint() -> str:
    """Everything besides the IR that decides the object code, as one string."""
    import importlib

    import symgrad
    from symgrad.runtime import blas

    version = _dist_version
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
             f"mlir={version('xtc-mlir-python-bindings')}", llvm_fingerprint(), f"blas={blas.fingerprint()}"]
    return ";".join(parts)


@lru_cache(maxsize=2)
def llvm_fingerprint(host: bool = True) -> str:
    """What decides the object code LLVM makes of given LLVM IR: llvmlite (and so LLVM) and the
    target (the triple; with `host`, this CPU's name and features)."""
    import llvmlite
    import llvmlite.binding as llvm
    parts = [f"llvmlite={llvmlite.__version__}", f"triple={llvm.get_process_triple()}"]
    if host:
        parts += [f"cpu={llvm.get_host_cpu_name()}", f"features={llvm.get_host_cpu_features().flatten()}"]
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
    from importlib import metadata  # another kind of installation (.egg-info, ...)
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


_SOURCE_PACKAGES = ("symgrad", "symgrad.dialects", "symgrad.passes", "symgrad.runtime")


@lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """sha256 of every source file of symgrad's packages (but the tools): what decides how traced IR
    is differentiated, fused and compiled, and what the runtime builds around the kernels."""
    import importlib
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


def _digest(*parts: str) -> str:
    """sha256 of the parts, each followed by a NUL (so no two part lists share a key)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def make_key(ir_text: str, pipeline: str, options: tuple) -> str:
    return _digest(toolchain_fingerprint(), pipeline, repr(options), ir_text)


def make_support_key(llvm_ir: str, name: str, options: tuple, host: bool) -> str:
    """The key of symgrad.support's object code: the LLVM IR text, what it is, the options and LLVM
    and the target (`llvm_fingerprint`) only. Support code is written in LLVM IR, so unlike kernels
    it does not depend on the lowering rules or MLIR: editing those does not recompile it."""
    return _digest("support", name, llvm_fingerprint(host), repr(options), llvm_ir)


def make_transform_key(ir_text: str, transform: str, options: tuple, pipeline: str) -> str:
    """The key of a transform record: the traced IR, the transform and its options, the toolchain,
    all of symgrad's source and the lowering pipeline (sequential or multi-core: the caller picks it
    once and compiles with the same text)."""
    return _digest("transform", toolchain_fingerprint(), source_fingerprint(), pipeline, transform,
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


# ---------------------------------------------------------------------- disk --
def _object_path(key: str) -> Path:
    return OBJECT.path(key)


def _header(key: str, payload: bytes, magic: bytes = MAGIC) -> bytes:
    return magic + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n"


def check_entry(key: str, data: bytes, magic: bytes = MAGIC) -> tuple[Optional[bytes], Optional[str]]:
    """(payload, None) when `data` is a sound entry for `key`, else (None, what is wrong)."""
    if not data.startswith(magic):
        return None, "it does not start with the symgrad cache header" if data else "it is empty"
    rest = data[len(magic):]
    parts = rest.split(b"\n", 2)
    if len(parts) < 3 or len(parts[1]) != 64:
        return None, "its header is truncated"
    stored_key, digest, payload = parts
    if stored_key != key.encode():
        return None, "it holds the entry of another key"
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return None, "its checksum does not match (truncated or corrupted)"
    return payload, None


def load(kind: EntryKind, key: str) -> Optional[bytes]:
    """The payload of the `kind` entry for `key`, or None: missing or unreadable, or of another
    format version (silently: rewritten after compiling), or corrupt, which is removed and reported
    with a CacheWarning naming the file, never returned. Counts a hit or miss when `kind` has counters."""
    path = kind.path(key)
    payload = None
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is not None:
        payload, problem = check_entry(key, data, kind.magic)
        if problem is not None and not (data.startswith(kind.magic[:_VERSIONED]) and not data.startswith(kind.magic)):
            _discard(path, problem)
        elif payload is not None:
            try:
                os.utime(path)  # recently used: the disk bound evicts the least recently used entries
            except OSError:
                pass
    if kind.hits is not None:
        _count(kind.misses if payload is None else kind.hits)
    return payload


def store(kind: EntryKind, key: str, payload: bytes) -> Optional[Path]:
    """Writes the `kind` entry for `key` atomically, then keeps the folders within their bound;
    returns the path, or None when the cache folder is not writable."""
    path = _atomic_write(kind.path(key), _header(key, payload, kind.magic) + payload)
    if path is not None:
        prune(disk_bytes(), keep=path)
    return path


_INTERNAL_PACKAGES = ("symgrad", "symgrad.dialects", "symgrad.passes", "symgrad.runtime", "symgrad.tools")


def _internal(filename: str) -> bool:
    if filename.startswith("<frozen importlib"):
        return True
    for name in _INTERNAL_PACKAGES:
        mod = sys.modules.get(name)
        for d in getattr(mod, "__path__", ()):
            if filename.startswith(os.path.join(d, "")):
                return True
    return filename.startswith(os.path.join(os.path.dirname(os.path.abspath(__file__)), ""))


def user_stacklevel() -> int:
    """The `stacklevel` that makes a warning issued by the caller of this function point at the
    first frame outside symgrad (user code calling sg.compile, sg.grad, ..., or the import that
    first built support code), rather than into symgrad's own files."""
    frame, level = sys._getframe(2), 2  # the caller's caller: warnings.warn(stacklevel=2) from the caller
    while frame is not None and _internal(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    return level if frame is not None else level - 1


def _discard(path: Path, problem: str) -> None:
    """Removes a damaged entry, then reports it (removed first: a warning turned into an error,
    e.g. `-W error::RuntimeWarning`, must not leave it to fail every later process)."""
    _count("corrupt")
    try:
        path.unlink()
    except OSError:
        pass
    warnings.warn(f"symgrad: ignoring the corrupt cache entry {path}: {problem}; recompiling", CacheWarning,
                  stacklevel=user_stacklevel())


def load_object(key: str) -> Optional[bytes]:
    """The cached object code for `key`, or None (see `load`)."""
    return load(OBJECT, key)


def store_object(key: str, payload: bytes) -> Optional[Path]:
    return store(OBJECT, key, payload)


def load_support(key: str) -> Optional[bytes]:
    """Like load_object, for the object code of symgrad.support (its own folder and counters)."""
    return load(SUPPORT, key)


def store_support(key: str, payload: bytes) -> Optional[Path]:
    return store(SUPPORT, key, payload)


def load_transform(key: str) -> Optional[dict]:
    """The transform record for `key` (a dict), or None: missing, another format version, or corrupt
    (reported with a CacheWarning and removed, like an object)."""
    payload = load(TRANSFORM, key)
    record = None
    if payload is not None:
        try:
            record = json.loads(payload.decode("utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as e:  # (UnicodeDecodeError is one) a sound checksum over a bad record
            _discard(TRANSFORM.path(key), f"its record cannot be read ({e})")
            record = None
    return record  # counted by the caller, who may still find it unfit (transform_cache.load)


def discard_transform(key: str, problem: str) -> None:
    """Removes and reports a record that was sound on disk but does not fit what it is used for."""
    _discard(TRANSFORM.path(key), problem)


def store_transform(key: str, record: dict) -> Optional[Path]:
    """Writes a transform record atomically (like store_object); None when the folder is not writable."""
    return store(TRANSFORM, key, json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def prune(limit: int, keep: Optional[Path] = None) -> int:
    """Removes the least recently used entries (of every kind) until they take at most `limit` bytes
    (0: no bound); `keep` is never removed. Returns how many were removed. Other processes may
    prune or write at the same time: whatever disappears under us is skipped."""
    if limit <= 0:
        return 0
    entries = []
    for kind in KINDS:
        try:
            with os.scandir(kind.dir()) as it:
                for e in it:
                    if not e.name.endswith(kind.suffix):
                        if e.name.startswith(".tmp-"):  # left by a process killed mid-write, an hour ago or more
                            try:
                                if e.stat().st_mtime < time.time() - 3600:
                                    os.unlink(e.path)
                            except OSError:
                                pass
                        continue
                    try:
                        st = e.stat()
                    except OSError:
                        continue
                    entries.append((st.st_mtime, st.st_size, e.path))
        except OSError:
            continue
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, p in sorted(entries):
        if total <= limit:
            break
        if keep is not None and p == str(keep):
            continue
        try:
            os.unlink(p)
            removed += 1
        except OSError:
            pass
        total -= size
    return removed


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


FAILURES_KEPT = 64


def save_failure(key: str, text: str) -> Optional[Path]:
    """Saves the IR of a failed compile (for the reproduction command); the FAILURES_KEPT most
    recent are kept."""
    path = _atomic_write(failures_dir() / f"{key[:16]}.mlir", text.encode("utf-8", "surrogateescape"))
    if path is not None:
        try:
            saved = sorted((p.stat().st_mtime, p) for p in failures_dir().glob("*.mlir"))
            for _, p in saved[:-FAILURES_KEPT]:
                if p != path:
                    p.unlink()
        except OSError:
            pass
    return path


def clear_cache(memory: bool = True, disk: bool = True) -> None:
    """Empties the in-memory cache and the on-disk cache folder (only symgrad's own files)."""
    if memory:
        with _lock:
            _memory.clear()
    if disk:
        for folder, suffix in [(kind.dir(), kind.suffix) for kind in KINDS] + [(failures_dir(), ".mlir")]:
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
