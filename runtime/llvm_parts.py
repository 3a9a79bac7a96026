"""A kernel module's LLVM IR compiled in parts: on both cores at once, each region's object cached.

After outlining (passes/outline_tensor_regions.py, outline_loop_nests.py) a kernel module is its
entry points (the kernel functions, their packed and C-interface entries) and the functions they
call: outlined regions and loop nests, GEMM wrappers, and the parallel bodies and coroutines
those call. `plan` cuts the module's text into parts:

- the *entries part*: the entry points and every function they reach but through a root;
- one *region part* per *root* (an external function the entries part calls) holding the root
  and every non-root function it reaches, copied as internal functions (a helper two regions
  share is compiled in each: no symbol is defined twice in the engine).

A region part is made independent of the module it came from: its functions, globals and
attribute groups are renamed and inlined canonically, the root named after the part's content
(`symgrad_region_<digest>`). Its object code is then cached on disk under that content
(object_cache.REGION), so a model sharing regions with one compiled before (a layer edited,
another depth, another batch of the same layers) generates code only for the regions that
changed. Parts are optimized and emitted on up to `threads()` threads, each part in an LLVM
context of its own (llvmlite serializes every call under one lock; the long ones, parse,
optimize and emit, are made here on the library's functions directly, which is safe for
distinct contexts, modules and target machines). The objects are packed into one
(llvm.pack_objects) and linked by the engine that loads them.

SYMGRAD_REGION_OBJECTS=0 compiles a module as one piece (llvm.optimize_and_emit): the same
results bit for bit (tested).
"""
from __future__ import annotations

import ctypes
import os
import re
import time
import warnings
from dataclasses import dataclass, field
from typing import Optional

from . import llvm as _llvm
from . import object_cache as _disk
from .abi import PACKED_PREFIX

ENV = "SYMGRAD_REGION_OBJECTS"
#: The entry points' name prefixes (add-packed-entry-points, MLIR's C interface).
ENTRY_PREFIXES = (PACKED_PREFIX, "_mlir_ciface_")
ROOT_PREFIX = "symgrad_region_"
#: The counts optimize_and_emit reports besides seconds.
COUNTS = ("regions_compiled", "regions_cached")
#: At most this many threads generate code (the machines this is measured on have 2 cores).
MAX_THREADS = 2
#: A region part shorter than this (a GEMM wrapper: one call) stays in the entries part: a part
#: costs ~3 ms of its own (a context, parse, pass pipeline and code generator), more than compiling
#: such a function in another part (8 MLP layers: 8 parts took 85 ms on one thread, one piece 55).
MIN_REGION_CHARS = 2048

_NAME = r'[-\w.$]+'
_REF = re.compile(r'@(' + _NAME + r')')
_GROUP_REF = re.compile(r' #(\d+)(?= \{$|$)', re.M)
_GROUP_DEF = re.compile(r'^attributes #(\d+) = \{ (.*) \}$', re.M)
_GLOBAL_DEF = re.compile(r'^@(' + _NAME + r') = ([^\n]*)$', re.M)
_DECLARE = re.compile(r'^declare [^\n]*?@(' + _NAME + r')\([^\n]*$', re.M)  # a whole line
_DEFINE_HEAD = re.compile(r'define ([^@\n]*)@(' + _NAME + r')\(')  # (linkage and result type, name)
_LOCAL_LINKAGE = ("internal ", "private ")


def enabled() -> bool:
    return os.environ.get(ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def threads() -> int:
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


@dataclass
class _Function:
    name: str
    text: str  # from `define` to its closing brace
    local: bool  # internal or private linkage
    refs: set = field(default_factory=set)  # the defined functions it names


@dataclass
class Part:
    """LLVM IR text compiled on its own. `key` (region parts) keys its object on disk."""
    text: str
    key: Optional[str] = None
    root: Optional[str] = None


@dataclass
class Plan:
    entries: Part
    regions: list  # of Part, one per distinct root content


def _functions(text: str) -> tuple[dict, str]:
    """The defined functions of the module text by name, and the rest of the text (header,
    globals, declarations, attribute groups, metadata)."""
    funcs, rest, at = {}, [], 0
    while True:
        start = text.find("\ndefine ", at)
        if start < 0:
            rest.append(text[at:])
            break
        end = text.find("\n}\n", start)
        if end < 0:
            raise ValueError("unterminated function")
        rest.append(text[at:start + 1])
        body = text[start + 1:end + 2]
        head = _DEFINE_HEAD.match(body)
        if head is None:
            raise ValueError("unrecognized function header: " + body[:120])
        funcs[head.group(2)] = _Function(head.group(2), body, head.group(1).startswith(_LOCAL_LINKAGE))
        at = end + 3
    return funcs, "".join(rest)


def _reachable(start: str, funcs: dict, stop: set) -> list:
    """`start` and the defined functions it reaches, not through a function of `stop`."""
    seen, order, todo = {start}, [start], [start]
    while todo:
        for r in sorted(funcs[todo.pop()].refs):
            if r not in seen and r not in stop:
                seen.add(r)
                order.append(r)
                todo.append(r)
    return order


def plan(text: str, key_prefix: str = "") -> Optional[Plan]:
    """The parts of a module's LLVM IR text (laid out as MLIR's translation prints it), or None
    when it has no entry point or a form this does not read (quoted names). A root that cannot be
    cut off (it reaches a global that is not a private constant, an attribute group this does not
    inline, roots calling each other in a cycle) or whose part would be small stays in the
    entries part; with no region left, the entries part is the whole module."""
    if '@"' in text:
        return None
    try:
        funcs, rest = _functions(text)
    except ValueError:
        return None
    names = set(funcs)
    for f in funcs.values():
        f.refs = {r for r in _REF.findall(f.text) if r in names and r != f.name}
    entries = [n for n in funcs if n.startswith(ENTRY_PREFIXES)]
    if not entries:
        return None
    # The entries part: the entries and the local functions they reach (the kernel functions);
    # the external functions it names are the roots.
    in_entries, roots, todo = set(entries), set(), list(entries)
    while todo:
        for r in funcs[todo.pop()].refs:
            if r in in_entries:
                continue
            if funcs[r].local:
                in_entries.add(r)
                todo.append(r)
            else:
                roots.add(r)
    globals_ = {m.group(1): m.group(2) for m in _GLOBAL_DEF.finditer(rest)}
    groups = {m.group(1): m.group(2) for m in _GROUP_DEF.finditer(rest)}
    declare_lines = {m.group(1): m.group(0) for m in _DECLARE.finditer(rest)}
    header = "".join(line + "\n" for line in rest.splitlines() if line.startswith(("target ", "source_filename")))
    regions, renamed, members_of = {}, {}, {}

    def cut(root, visiting=()):
        """Cuts `root` off after the roots it calls (their new names are part of its content)."""
        if root in renamed or root in members_of:
            return
        members = _reachable(root, funcs, roots)
        members_of[root] = None  # kept unless cut below
        called = sorted({r for m in members for r in funcs[m].refs if r in roots and r != root})
        if any(r in visiting for r in called):
            return  # roots calling each other in a cycle stay in the entries part
        for r in called:
            cut(r, visiting + (root,))
        part = _region(root, members, funcs, set(roots), renamed, globals_, groups, declare_lines, header,
                       key_prefix)
        if part is not None:
            renamed[root] = part.root
            members_of[root] = members
            regions.setdefault(part.key, part)

    for root in sorted(roots):
        cut(root)
    # The entries part: everything but what the cut regions took (but what it still reaches
    # itself, through a root that was not cut), declaring the cut roots by their new names.
    claimed = {m for ms in members_of.values() if ms for m in ms}
    needed = set(in_entries)
    for r in roots - set(renamed):
        needed.update(_reachable(r, funcs, set(renamed)))
    body = [f.text for n, f in funcs.items() if n not in claimed or (n in needed and n not in renamed)]
    decls = sorted({_declaration(funcs[r].text, renamed[r]) for r in renamed})  # equal regions: one name
    entries_text = rest.rstrip("\n") + "\n\n" + "\n".join(decls) + "\n\n" + "\n".join(body)
    entries_text = _rename(entries_text, renamed)
    return Plan(Part(entries_text), list(regions.values()))


def _rename(text: str, names: dict) -> str:
    """`text` with the symbols named in `names` renamed (whole names only)."""
    if not names:
        return text
    pattern = re.compile("@(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![-\w.$])")
    return pattern.sub(lambda m: "@" + names[m.group(1)], text)


def _declaration(define_text: str, name: str) -> str:
    """`declare` for a function from its definition: its header up to the parameter list's end."""
    head = define_text[:define_text.find("\n")]
    m = _DEFINE_HEAD.match(head)
    params = _params(head, m.end() - 1)
    return f"declare {m.group(1)}@{name}{params}"


def _params(line: str, open_at: int) -> str:
    depth = 0
    for i in range(open_at, len(line)):
        depth += {"(": 1, ")": -1}.get(line[i], 0)
        if depth == 0:
            return line[open_at:i + 1]
    raise ValueError("unbalanced parameter list")


def _region(root, members, funcs, roots, renamed, globals_, groups, declare_lines, header, key_prefix) -> Optional[Part]:
    """The region part of `root` (its `members`: itself first, then what it reaches), made
    independent of the module's names and numbering; None when it cannot be cut off. The roots
    it calls are declared by their new names (`renamed`) when they were cut off, else by their own."""
    names = {root: "__root"}
    for k, n in enumerate(members[1:]):
        names[n] = f"__f{k}"
    texts = []
    for n in members:
        t = funcs[n].text
        if n != root and not funcs[n].local:  # a copy: internal, so no symbol is defined twice
            t = t.replace("define ", "define internal ", 1)
        texts.append(t)
    body = "\n".join(texts)
    refs = set(_REF.findall(body))
    used_globals = sorted(r for r in refs if r in globals_)
    for g in used_globals:
        spec = globals_[g]
        if not spec.startswith(_LOCAL_LINKAGE) or " constant " not in f" {spec} " or "@" in spec:
            return None  # state, or a global another object must define once: not cut off
    for k, g in enumerate(used_globals):
        names[g] = f"__g{k}"
    for r in refs:
        if r in roots and r not in names:
            names[r] = renamed.get(r, r)
    lines = [f"@{g} = {globals_[g]}" for g in used_globals]
    lines += [declare_lines[d] for d in sorted(refs) if d in declare_lines]
    lines += sorted({_declaration(funcs[r].text, names[r]) for r in refs if r in roots and r != root})
    text = "\n".join(lines) + "\n\n" + body + "\n"
    text = _GROUP_REF.sub(lambda m: " " + groups.get(m.group(1), ""), text)
    if re.search(r" #\d+\b", text):
        return None  # an attribute group used where this does not inline it
    canonical = _rename(text, names)
    if len(canonical) < MIN_REGION_CHARS:
        return None
    key = _disk.digest("region", key_prefix, header, canonical)
    name = f"{ROOT_PREFIX}{key[:24]}"
    return Part(header + _rename(canonical, {"__root": name}), key, name)


# ----------------------------------------------------------------- compiling --
def _unlocked(name: str):
    """The library's function `name` itself, without llvmlite's process-wide lock."""
    from llvmlite.binding import ffi
    return getattr(ffi.lib, name)._cfn


def _parse(text: str, tm):
    """`text` parsed in an LLVM context of its own (so threads never share one)."""
    from llvmlite.binding import ffi
    from llvmlite.binding.module import ModuleRef
    llvm = _llvm.binding()
    ctx = llvm.create_context()
    buf = ctypes.c_char_p(text.encode())
    with ffi.OutputString() as err:
        mod = ModuleRef(_unlocked("LLVMPY_ParseAssembly")(ctx, buf, err), ctx)
        if err:
            problem = str(err)
            mod.close()
            raise _llvm.LLVMIRError(problem)
    mod.triple = tm.triple
    mod.data_layout = str(tm.target_data)
    try:
        mod.verify()
    except RuntimeError as e:
        raise _llvm.LLVMIRError(str(e)) from None
    return mod


def _emit(mod, tm) -> bytes:
    from llvmlite.binding import ffi
    with ffi.OutputString() as err:
        buf = _unlocked("LLVMPY_TargetMachineEmitToMemory")(tm, mod, 1, err)
        if not buf:
            raise RuntimeError(str(err))
    try:
        return ctypes.string_at(ffi.lib.LLVMPY_GetBufferStart(buf), ffi.lib.LLVMPY_GetBufferSize(buf))
    finally:
        ffi.lib.LLVMPY_DisposeMemoryBuffer(buf)


def _compile(text: str, opt_level: int, loop_unrolling: bool, straight: bool) -> tuple[bytes, dict]:
    """One part's object code, and the seconds its parse, optimize and emit took. `straight`: the
    entries of a deep kernel (llvm.ENTRY_OPT_LEVEL, generated as at -O0: llvm._split says why)."""
    t0 = time.perf_counter()
    tm = _llvm.host_target_machine(opt_level)
    mod = _parse(text, tm)
    t1 = time.perf_counter()
    level = min(opt_level, _llvm.ENTRY_OPT_LEVEL) if straight else opt_level
    _llvm.optimize(mod, tm, level, run=_unlocked("LLVMPY_RunNewModulePassManager"),
                   loop_vectorization=level >= 2, slp_vectorization=level >= 2, loop_unrolling=loop_unrolling)
    _llvm.mark_straight_line(mod)
    t2 = time.perf_counter()
    obj = _emit(mod, _llvm.host_target_machine(0) if straight else tm)
    mod.close()
    return obj, {"llvm_parse": t1 - t0, "llvm_opt": t2 - t1, "codegen": time.perf_counter() - t2}


def _run(jobs: list, opt_level: int, loop_unrolling: bool) -> tuple[list, dict]:
    """The object code of each (text, straight) job, on up to `threads()` threads, longest first,
    and the seconds of each step summed over the jobs."""
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][0]))
    objects = [None] * len(jobs)

    def run(i):
        objects[i], t = _compile(jobs[i][0], opt_level, loop_unrolling, jobs[i][1])
        return t

    n = min(threads(), len(jobs))
    if n > 1:
        from concurrent.futures import ThreadPoolExecutor  # here: importing it costs ~5 ms at `import symgrad`
        with ThreadPoolExecutor(n, thread_name_prefix="symgrad-llvm") as pool:
            results = list(pool.map(run, order))
    else:
        results = [run(i) for i in order]
    return objects, {k: sum(t[k] for t in results) for k in ("llvm_parse", "llvm_opt", "codegen")}


def optimize_and_emit(llvm_ir: str, opt_level: int, *, loop_unrolling: bool, cache: bool = True,
                      key_prefix: str = "") -> tuple[bytes, dict]:
    """LLVM IR text -> the object code of its parts (pack_objects), and what it cost: seconds
    (llvm_split; llvm: the wall time of parse + optimize + emit over every part; llvm_parse,
    llvm_opt, codegen: each step summed over the parts) and, when it was cut, counts
    (regions_compiled, regions_cached). `key_prefix` (what besides the IR decides object code: the
    toolchain) and `cache` govern the region objects on disk. A part LLVM rejects (a bug here:
    the module itself is sound) is reported with a RuntimeWarning and the module compiled as one
    piece. Raises LLVMIRError when that fails too."""
    t0 = time.perf_counter()
    parts = plan(llvm_ir, key_prefix) if enabled() and opt_level > 0 else None
    t1 = time.perf_counter()
    info = {"llvm_split": t1 - t0}
    if parts is not None:
        cached = {}
        if cache:
            for p in parts.regions:
                obj = _disk.load(_disk.REGION, p.key)
                if obj is not None:
                    cached[p.key] = obj
        fresh = [p for p in parts.regions if p.key not in cached]
        straight = len(llvm_ir) >= _llvm.SPLIT_MIN_CHARS
        try:
            objects, times = _run([(parts.entries.text, straight)] + [(p.text, False) for p in fresh], opt_level,
                                  loop_unrolling)
        except _llvm.LLVMIRError as e:
            warnings.warn(f"symgrad: a region part of the kernel's LLVM IR was rejected ({str(e)[:300]}); "
                          "compiling the module as one piece", RuntimeWarning, stacklevel=_disk.user_stacklevel())
        else:
            made = dict(zip((p.key for p in fresh), objects[1:]))
            if cache:
                for key, obj in made.items():
                    _disk.store(_disk.REGION, key, obj)
            info.update(times, llvm=time.perf_counter() - t1, regions_compiled=len(fresh),
                        regions_cached=len(cached))
            regions = [cached.get(p.key) or made[p.key] for p in parts.regions]
            return _llvm.pack_objects([objects[0], *regions]), info
    obj, times = _llvm.optimize_and_emit(llvm_ir, opt_level, loop_unrolling=loop_unrolling)
    info.update(times, llvm=time.perf_counter() - t1)
    return obj, info
