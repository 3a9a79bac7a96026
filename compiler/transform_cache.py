"""The cache's second level: kernels of a transform, found by the function it traced.

For sg.grad/sg.value_and_grad the traced IR (with the transform and its options) keys a record:
the first-level key of the object code and what `CompiledModule` needs to load it without MLIR,
plus the transform's own facts. `load` rebuilds the CompiledModule from a record (skipping
differentiation and lowering), `store` writes one after the full path ran. A record that does not
fit is reported, removed and rebuilt. Design: docs/design/compile-cache.md.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from symgrad.dialects.graph.types import TensorType
from symgrad.runtime import object_cache as _object_cache

from . import cache as _cache
from .codegen import OPT_LEVEL, CompiledModule, CompileError, FunctionSignature

_HEX64 = re.compile(r"[0-9a-f]{64}")


def key_for(traced_text: str, transform: str, options: tuple, pipeline: str) -> str:
    """`pipeline`: the lowering pipeline the kernels are compiled with (pass the same text to
    sg.compile: it depends on the thread count, which may change in between)."""
    return _cache.make_transform_key(traced_text, transform, options, pipeline)


def _types_record(types) -> list:
    return [[list(t.shape), t.dtype] for t in types]


def _types(value) -> tuple:
    if not isinstance(value, list):
        raise ValueError(f"bad types {value!r}")
    out = []
    for item in value:
        shape, dtype = item
        if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape) \
                or not isinstance(dtype, str):
            raise ValueError(f"bad type {item!r}")
        t = TensorType(tuple(shape), dtype)
        t.np_dtype  # noqa: B018  (raises KeyError for a dtype symgrad does not know)
        out.append(t)
    return tuple(out)


def signature_record(s: FunctionSignature) -> dict:
    return {"name": s.name, "inputs": _types_record(s.inputs), "results": _types_record(s.results),
            "single": s.single}


def signature_from_record(d: dict) -> FunctionSignature:
    name = d["name"]
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"bad function name {name!r}")
    single = d["single"]
    if type(single) is not bool:
        raise ValueError(f"bad single {single!r}")
    return FunctionSignature(name, _types(d["inputs"]), _types(d["results"]), single)


def load(key: str, check: Callable[[dict, dict], None], opt_level: int = OPT_LEVEL) \
        -> Optional[tuple[dict, CompiledModule]]:
    """(record, CompiledModule) for a transform key, or None (a miss: take the full path).
    `check(record, signatures by name)` raises ValueError when the record does not fit; `opt_level`
    is the one in the key's options. Counts a transform hit or miss in cache.stats() (memory hits
    are not counted)."""
    hit = _cache.memory_get(("transform", key))
    if hit is not None:
        return hit
    found = _load(key, check, opt_level)
    _object_cache.count("transform_misses" if found is None else "transform_hits")
    return found


def _load(key: str, check, opt_level: int) -> Optional[tuple[dict, CompiledModule]]:
    record = _cache.load_transform(key)
    if record is None:
        return None
    try:
        if not isinstance(record["functions"], list):
            raise ValueError("bad functions")
        sigs = [signature_from_record(f) for f in record["functions"]]
        by_name = {s.name: s for s in sigs}
        object_key = record["object"]
        if not isinstance(object_key, str) or not _HEX64.fullmatch(object_key):
            raise ValueError(f"bad object key {object_key!r}")
        if len(by_name) != len(sigs) or not sigs:
            raise ValueError("no functions, or one twice")
        check(record, by_name)
    except (KeyError, TypeError, ValueError) as e:
        _cache.discard_transform(key, f"its record does not fit the traced function ({type(e).__name__}: {e})")
        return None
    obj = _object_cache.load_object(object_key)
    if obj is None:  # evicted, or corrupt (reported by load_object): the full path rebuilds both
        return None
    try:
        cm = CompiledModule(sigs, obj, object_key, None, {}, "disk", opt_level)
    except Exception as e:  # e.g. an entry point the object does not have: whatever it is, never twice
        why = e.message if isinstance(e, CompileError) else f"{type(e).__name__}: {e}"
        _cache.discard_transform(key, f"its object cannot be loaded as recorded ({why})")
        return None
    _cache.memory_put(("transform", key), (record, cm))
    return record, cm


def store(key: str, record: dict, cm: CompiledModule, functions: Optional[list] = None) -> None:
    """Keeps `record` (the transform's facts, JSON-able) with what loads `cm` again, in memory and
    on disk (when the folder is writable). `functions`: the kernels the record is for (default:
    all of cm's); only those are recorded and loaded again, each checked against the traced
    function by the caller's `check`."""
    names = list(cm.signatures) if functions is None else list(functions)
    record = dict(record, object=cm.key, functions=[signature_record(cm.signatures[n]) for n in names])
    _cache.store_transform(key, record)
    _cache.memory_put(("transform", key), (record, cm))
