"""The on-disk cache of compiled code: checksummed blobs, written atomically, bounded.

Kernels' object code (`objects/`), the compiler's transform records (`transforms/`) and symgrad's
support code (`support/`) are kept here, each entry under its key (a sha256 the caller makes),
so a new process loads what an earlier one compiled. An entry carries its key and a checksum,
verified before it is returned: a damaged one is never loaded; it is reported (CacheWarning),
removed and rebuilt. The design (folder, bound, format versions): docs/design/compile-cache.md.
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import forksafe as _forksafe

MAGIC = b"SYMGRAD-OBJ-2\n"  # then the key, the sha256 of the object (hex, one line each), the object
OBJECT_SUFFIX = ".o"
# A transform record: the same layout, the payload being JSON (symgrad.cache reads and writes it).
TRANSFORM_MAGIC = b"SYMGRAD-TRF-1\n"
TRANSFORM_SUFFIX = ".t"
_VERSIONED = 12  # the magic's first bytes, the same in every version of its format
DISK_MB = 1024
FAILURES_KEPT = 64


class CacheWarning(RuntimeWarning):
    """A cache entry was corrupt (and was recompiled), or the cache could not be maintained."""


def env_number(name: str, default: float) -> float:
    """The non-negative number in $`name`, else `default` (with a CacheWarning when it is not one)."""
    try:
        return max(float(os.environ.get(name, default)), 0.0)
    except ValueError:
        warnings.warn(f"symgrad: ${name}={os.environ[name]!r} is not a number; using {default}", CacheWarning,
                      stacklevel=3)
        return default


def disk_bytes() -> int:
    return int(env_number("SYMGRAD_DISK_CACHE_MB", DISK_MB) * (1 << 20))


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
#: The object code of one region of a kernel module, keyed by its content (runtime/llvm_parts.py).
REGION = EntryKind("regions", OBJECT_SUFFIX, MAGIC, "region_hits", "region_misses")
#: Every kind of entry, which `prune` bounds and `clear` removes.
KINDS = (OBJECT, TRANSFORM, SUPPORT, REGION)


def failures_dir() -> Path:
    return cache_dir() / "failures"


# --------------------------------------------------------------------- stats --
_lock = _forksafe.Lock()
_stats = {"object_hits": 0, "object_misses": 0, "transform_hits": 0, "transform_misses": 0, "support_hits": 0,
          "support_misses": 0, "region_hits": 0, "region_misses": 0, "corrupt": 0}


def count(name: str) -> None:
    """Counts one `name` event in `stats()` (the transform lookups are counted by their caller)."""
    with _lock:
        _stats[name] += 1


def stats() -> dict:
    """This process's disk-cache lookups: hits and misses per level (`object_*`: sg.compile's object
    code, `transform_*`: the records of sg.grad/sg.value_and_grad, `support_*`: the object code of
    symgrad's support code, `region_*`: the object code of a kernel module's regions, looked up
    when the module itself was not cached) and corrupt entries found."""
    with _lock:
        return dict(_stats)


def digest(*parts: str) -> str:
    """sha256 of the parts, each followed by a NUL (so no two part lists share a key)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------------- disk --
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
    stored_key, digest_, payload = parts
    if stored_key != key.encode():
        return None, "it holds the entry of another key"
    if hashlib.sha256(payload).hexdigest().encode() != digest_:
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
            discard(path, problem)
        elif payload is not None:
            try:
                os.utime(path)  # recently used: the disk bound evicts the least recently used entries
            except OSError:
                pass
    if kind.hits is not None:
        count(kind.misses if payload is None else kind.hits)
    return payload


def store(kind: EntryKind, key: str, payload: bytes) -> Optional[Path]:
    """Writes the `kind` entry for `key` atomically, then keeps the folders within their bound;
    returns the path, or None when the cache folder is not writable."""
    path = _atomic_write(kind.path(key), _header(key, payload, kind.magic) + payload)
    if path is not None:
        prune(disk_bytes(), keep=path)
    return path


def load_object(key: str) -> Optional[bytes]:
    """The cached object code of a kernel module for `key`, or None (see `load`)."""
    return load(OBJECT, key)


def store_object(key: str, payload: bytes) -> Optional[Path]:
    return store(OBJECT, key, payload)


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


def discard(path: Path, problem: str) -> None:
    """Removes a damaged entry, then reports it (removed first: a warning turned into an error,
    e.g. `-W error::RuntimeWarning`, must not leave it to fail every later process)."""
    count("corrupt")
    try:
        path.unlink()
    except OSError:
        pass
    warnings.warn(f"symgrad: ignoring the corrupt cache entry {path}: {problem}; recompiling", CacheWarning,
                  stacklevel=user_stacklevel())


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


def clear() -> None:
    """Empties the cache folder: every entry and saved failure (only symgrad's own files)."""
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
