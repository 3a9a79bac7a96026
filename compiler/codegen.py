"""Code generation: `graph` IR to native kernels, through MLIR and llvmlite (`sg.compile` of a module).

    cm = sg.compile(module)          # sg.Module (or IR text); compile_module here
    y = cm["f"](x, w)                # or cm.f(x, w): numpy in, numpy out

What it accepts: graph functions and nothing else (symgrad.dialects.graph.compilable): func.func
definitions with bare-identifier names and graph tensor signatures, whose bodies are registered
graph ops, func.call to functions of the module (no cycles) and func.return, i.e. what
sg.interpret runs. IR of other dialects is refused, located, before anything is lowered: native
code runs in this process, and everything past that check is built by symgrad and upstream
passes, so nothing unchecked reaches LLVM. (`pipeline=` is trusted like code.)

Stages, each named in a `CompileError` when it fails:

  verify     the graph verifier (shapes, dtypes) and the accepted-IR check, on a private copy
  lower      the graph-to-llvm pipeline (symgrad.passes.graph_to_llvm.GRAPH_TO_LLVM)
  translate  the guard (nothing but LLVM-dialect ops, resolvable externals), then
             mlir.dialects.llvm.translate_module_to_llvmir
  llvm       llvmlite: parse + verify, O3 for the host CPU (its name and
             features, so AVX2/AVX-512 are used where present), object code
  load       MCJIT loads the object; every kernel's entry point is looked up

Object code is cached in memory and on disk (see cache.py), so a module that
was compiled before, in this process or another, skips all of the above but
`load`. A `CompiledModule` owns its llvmlite target machine and engine (and so
the code) for as long as it or any of its kernels is alive.
"""
from __future__ import annotations

import shlex
import time
import traceback
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Union

import mlir.ir as ir

from symgrad.dialects.graph.compilable import check as check_compilable
from symgrad.dialects.graph.types import ShapeError, TensorType
from symgrad.passes.graph_to_llvm import GRAPH_TO_LINALG, GRAPH_TO_LLVM, graph_to_llvm, linalg_to_llvm
from symgrad.passes.pipeline_text import run_pipeline, split_entries, strip_anchor
from symgrad.passes.record_temporaries import PREFIX as TEMPORARIES_PREFIX
from symgrad.passes.translate import LoweringError, translate
from symgrad.runtime.abi import PACKED_PREFIX
from symgrad.runtime import forksafe as _forksafe
from symgrad.runtime import llvm as _llvm
from symgrad.runtime import llvm_parts as _llvm_parts
from symgrad.runtime import pool as _pool
from symgrad.runtime.binding import bind_support_symbols
from symgrad.runtime.kernel import Kernel, read_temporaries
from symgrad.runtime.memref import ArraySpec

from . import cache as _cache
from . import compile_log
from .module import IRError, Module, format_location, parse, reparse

__all__ = ["compile_module", "CompiledModule", "CompileError", "clear_cache", "FunctionSignature"]

OPT_LEVEL = 3
# LLVM's loop unrolling grows the static-trip-count loops MLIR emits ~7x and costs 4x the compile
# time (1.9 s -> 0.5 s for an MLP forward+backward) for no measured speed-up, so it is off.
LOOP_UNROLLING = False


class CompileError(RuntimeError):
    """Compilation failed. `stage` names the step, `diagnostics` are (location, message)
    pairs, `mlir_path` is the saved input IR and `command` the symgrad-opt command that
    reproduces the failure."""

    def __init__(self, stage: str, message: str, diagnostics=(), mlir_path: Optional[str] = None,
                 command: Optional[str] = None):
        self.stage = stage
        self.message = message
        self.diagnostics = list(diagnostics)
        self.mlir_path = mlir_path
        self.command = command
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [f"compilation failed in stage '{self.stage}': {self.message}"]
        lines += [f"  {loc}: error: {msg}" for loc, msg in self.diagnostics]
        if self.mlir_path:
            lines.append(f"  input IR saved to {self.mlir_path}")
        if self.command:
            lines.append(f"  reproduce with: {self.command}")
        return "\n".join(lines)


@dataclass(frozen=True)
class FunctionSignature:
    name: str
    inputs: tuple[TensorType, ...]
    results: tuple[TensorType, ...]
    single: bool  # return one array rather than a 1-tuple


def signatures(module: Module) -> list[FunctionSignature]:
    """The public functions of a graph module, which become kernels."""
    out = []
    funcs = module.functions()
    single_meta = module.meta.get("single_output")
    with module.context:
        for f in funcs:
            if f.is_external:
                continue
            vis = f.attributes["sym_visibility"].value if "sym_visibility" in f.attributes else "public"
            if vis != "public":
                continue
            name = f.sym_name.value
            try:
                ins = tuple(TensorType.from_mlir(t) for t in f.type.inputs)
                res = tuple(TensorType.from_mlir(t) for t in f.type.results)
            except ShapeError as e:
                raise CompileError("verify", f"@{name} cannot be compiled",
                                   [(format_location(f.location), f"@{name} cannot be compiled: {e}")]) from None
            single = len(res) == 1 if (single_meta is None or len(funcs) != 1) else bool(single_meta) and len(res) == 1
            out.append(FunctionSignature(name, ins, res, single))
    return out


# ------------------------------------------------------------------- llvmlite --
def optimize_and_emit(llvm_ir: str, opt_level: int = OPT_LEVEL, cache: bool = True) -> tuple[bytes, dict]:
    """LLVM IR text -> optimized object code for the host, in parts (symgrad.runtime.llvm_parts:
    region objects cached on disk unless `cache` is False), and the seconds each step took.
    Raises CompileError('llvm')."""
    try:
        return _llvm_parts.optimize_and_emit(llvm_ir, opt_level, loop_unrolling=LOOP_UNROLLING, cache=cache,
                                             key_prefix=f"{_cache.toolchain_fingerprint()};{opt_level};{LOOP_UNROLLING}")
    except _llvm.LLVMIRError as e:
        raise CompileError("llvm", f"llvmlite rejected the LLVM IR: {e}") from None


# ------------------------------------------------------------ CompiledModule --
class CompiledModule:
    """Native kernels of a module: `cm["f"]` or `cm.f`; `cm.functions` lists them.

    `timings` has the seconds each stage took; `cache` says where the code came
    from: None (compiled now), "disk" or "memory" (set on the returned object for
    a memory hit it is the same object as before)."""

    def __init__(self, sigs: list[FunctionSignature], object_code: bytes, key: str, source: str,
                 timings: dict, cache: Optional[str], opt_level: int = OPT_LEVEL):
        t0 = time.perf_counter()
        self.key = key
        self.source = source  # the graph IR this was compiled from
        self.signatures = {s.name: s for s in sigs}
        self.cache = cache
        self.regions: dict = {}  # region objects compiled and from the cache (compile_module sets it)
        self.object_code = object_code
        self._target_machine = _llvm.host_target_machine(opt_level)
        # numpy's BLAS (symgrad_cblas_*), the caching pool (_mlir_memref_to_llvm_*), the async runtime
        bind_support_symbols(object_code, self)
        try:
            self._engine = _llvm.load_object(self._target_machine, object_code)
        except RuntimeError as e:
            raise CompileError("load", f"the JIT could not load the object code: {e}") from None
        self.kernels: dict[str, Kernel] = {}
        for s in sigs:
            address = self._engine.get_function_address(f"_mlir_ciface_{s.name}")
            if not address:
                raise CompileError("load", f"no entry point _mlir_ciface_{s.name} in the object code")
            # the heap temporaries, from the record record-temporaries (passes/record_temporaries.py) left
            temporaries = read_temporaries(self._engine, TEMPORARIES_PREFIX + s.name)
            packed = self._engine.get_function_address(PACKED_PREFIX + s.name)
            self.kernels[s.name] = Kernel(self, s.name, _array_specs(s.inputs), _array_specs(s.results), address,
                                          s.single, temporaries=temporaries, packed=packed)
        self.timings = dict(timings, load=time.perf_counter() - t0)

    @property
    def functions(self) -> list[str]:
        return list(self.kernels)

    def __getitem__(self, name: str) -> Kernel:
        try:
            return self.kernels[name]
        except KeyError:
            raise KeyError(f"no compiled function @{name} (have {self.functions})") from None

    def __getattr__(self, name: str) -> Kernel:
        kernels = self.__dict__.get("kernels")
        if kernels is not None and name in kernels:
            return kernels[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or compiled function {name!r}")

    def __contains__(self, name: str) -> bool:
        return name in self.kernels

    def __repr__(self) -> str:
        return f"<symgrad.CompiledModule {', '.join(k.signature for k in self.kernels.values())}>"


def _array_specs(types) -> list[ArraySpec]:
    """The runtime's description of graph tensor types (shape, numpy dtype, the type's text for errors)."""
    return [ArraySpec(t.shape, t.np_dtype, str(t)) for t in types]


# ----------------------------------------------------------------- compile --
_compile_lock = _forksafe.RLock()


def _as_module(module) -> Module:
    if isinstance(module, Module):
        return module
    if isinstance(module, str):
        try:
            return parse(module, name="<compile input>")
        except IRError as e:
            raise CompileError("verify", e.summary, e.diagnostics) from None
    raise TypeError(f"sg.compile expects a symgrad.Module or IR text, got {type(module).__name__}")


def _reproduce(stage: str, key: str, text: str, pipeline: str) -> tuple[Optional[str], Optional[str]]:
    path = _cache.save_failure(key, text)
    if path is None:
        return None, None
    how = "--graph-to-llvm" if pipeline == GRAPH_TO_LLVM else f"-p {shlex.quote(pipeline)}"
    if stage != "lower":
        how += " --emit=llvm-ir"
    return str(path), f"symgrad-opt {shlex.quote(str(path))} {how}"


def _mlir_diagnostics(e: ir.MLIRError) -> list[tuple[str, str]]:
    out = []
    for d in e.error_diagnostics:
        out.append((format_location(d.location), d.message))
        out += [(format_location(n.location), f"note: {n.message}") for n in d.notes]
    return out or [("<unknown>", str(e))]


def compilable_diagnostics(module: Module) -> list:
    """What keeps `module` from being compiled: MLIR's verifier, the graph rules and what the
    lowering cannot take, then the accepted-IR policy (symgrad.dialects.graph.compilable)."""
    diags = module.diagnostics(lowering=True)
    if not diags:
        with module.context:
            diags = check_compilable(module.mlir.operation)
    return diags


@lru_cache(maxsize=16)
def _ends_checked(pipeline: str) -> bool:
    """The pipeline's last step is check-lowered-to-llvm (graph-to-llvm's guard)."""
    entries = split_entries(strip_anchor(pipeline))
    return bool(entries) and entries[-1].strip() == "check-lowered-to-llvm"


def lower_to_llvm_ir(module: Module, key: str = "adhoc", pipeline: Optional[str] = None) -> tuple[str, dict]:
    """Runs the graph-to-llvm pipeline on a private copy of `module` and translates it.
    Returns (LLVM IR text, stage timings); raises CompileError."""

    pipeline = pipeline or GRAPH_TO_LLVM
    text = module.mlir_with_debuginfo()
    times = {}
    t0 = time.perf_counter()
    diags = compilable_diagnostics(module)
    if diags:
        path, cmd = _reproduce("lower", key, text, pipeline)
        raise CompileError("verify", "the module is not graph IR that can be compiled",
                           [(format_location(d.location), d.message) for d in diags], path, cmd)
    copy = reparse(text)  # a private copy in a context of its own: the pipeline edits it
    with copy.context:
        try:
            # Verified after each symgrad pass (and so at the end: check-lowered-to-llvm is last),
            # not after each upstream one (pipeline_text.VERIFY_MODES).
            run_pipeline(copy.mlir.operation, pipeline, verify="symgrad")
        except ir.MLIRError as e:
            path, cmd = _reproduce("lower", key, text, pipeline)
            raise CompileError("lower", "the graph-to-llvm pipeline failed", _mlir_diagnostics(e), path, cmd) \
                from None
        except Exception as e:  # a bug in a lowering rule or a pass: still a located, reproducible error
            path, cmd = _reproduce("lower", key, text, pipeline)
            tb = traceback.format_exception_only(type(e), e)[-1].strip()
            raise CompileError("lower", f"internal error in the graph-to-llvm pipeline: {tb}", [], path, cmd) \
                from e
        t1 = time.perf_counter()
        try:
            llvm_ir = translate(copy.mlir.operation, checked=_ends_checked(pipeline))
        except LoweringError as e:
            path, cmd = _reproduce("translate", key, text, pipeline)
            raise CompileError("translate", "the module did not lower completely to the LLVM dialect",
                               [(format_location(loc), msg) for loc, msg in e.diagnostics], path, cmd) from None
    times.update(lower=t1 - t0, translate=time.perf_counter() - t1)
    return llvm_ir, times


def compile_module(module: Union[Module, str], *, opt_level: int = OPT_LEVEL, cache: bool = True,
                   pipeline: Optional[str] = None, what: Optional[str] = None,
                   before: Optional[dict] = None) -> "CompiledModule":
    """Compiles every public function of a graph module to a native kernel (`sg.compile` of a
    module). Raises CompileError (stage, located diagnostics, saved IR, reproduction command).
    With `cache=False` nothing is read from or written to either cache. `pipeline`: the lowering
    pipeline's text, by default `graph_to_llvm()` at the time of the call (sequential or
    multi-core, by the thread count); a caller that keys something on the pipeline picks it once
    and passes it here. `what` and `before` (stage seconds spent before this call, e.g. trace and
    differentiate) only shape the SYMGRAD_LOG_COMPILES line (compiler/compile_log.py).
    """

    module = _as_module(module)
    with module.context:
        source = str(module.mlir)
    options = (int(opt_level),)
    # Sequential or multi-core ($SYMGRAD_NUM_THREADS), chosen once: both keys below hold it.
    pipeline = pipeline or graph_to_llvm()
    # How results come back (one array or a 1-tuple) is not in the IR: part of the memory key only.
    mem_key = (source, pipeline, options, module.meta.get("single_output"))
    if cache:
        hit = _cache.memory_get(mem_key)
        if hit is not None:
            return hit
    with _compile_lock:
        if cache:
            hit = _cache.memory_get(mem_key)
            if hit is not None:
                return hit
        t0 = time.perf_counter()
        sigs = signatures(module)
        if not sigs:
            with module.context:  # located at the first (private or external) function, else the module
                funcs = module.functions()
                where = format_location((funcs[0] if funcs else module.mlir.operation).location)
            raise CompileError("verify", "the module has no public function to compile",
                               [(where.replace(":0:0", ":1:1") if where.endswith(":0:0") else where,
                                 "no public function to compile (private and external functions are not)")])
        key = _cache.make_key(source, pipeline, options)
        obj = _cache.load_object(key) if cache else None
        timings = {"key": time.perf_counter() - t0}
        origin = "disk" if obj is not None else None
        regions = {}  # regions compiled and taken from the cache (runtime/llvm_parts.py)
        if obj is None:
            llvm_ir, t = lower_to_llvm_ir(module, key, pipeline)
            timings.update(t)
            obj, t = optimize_and_emit(llvm_ir, opt_level, cache)
            regions = {k: t.pop(k) for k in _llvm_parts.COUNTS if k in t}
            timings.update(t)
            if cache:
                _cache.store_object(key, obj)
        cm = CompiledModule(sigs, obj, key, source, timings, origin, opt_level)
        cm.regions = regions
        cm.timings["total"] = time.perf_counter() - t0
        if cache:
            _cache.memory_put(mem_key, cm)
        if compile_log.enabled():
            stages = dict(before or {}, **cm.timings)
            stages["total"] = cm.timings["total"] + sum((before or {}).values())
            stages.update(cm.regions)
            compile_log.log(what or ", ".join(f"@{s.name}" for s in sigs), "disk cache" if origin else "cold", stages)
        return cm


def lower_stages(module: Module) -> dict:
    """The module at each stage of graph-to-llvm, as text: 'graph', 'linalg' (fused linalg on
    tensors), 'llvm' (LLVM dialect) and 'llvm-ir'. Raises CompileError like `compile`."""

    out = {"graph": str(module)}
    diags = compilable_diagnostics(module)
    if diags:
        raise CompileError("verify", "the module is not graph IR that can be compiled",
                           [(format_location(d.location), d.message) for d in diags])
    copy = parse(module.mlir_with_debuginfo(), name="<stages>", verify=False)
    with copy.context:
        for stage, pipeline in (("linalg", GRAPH_TO_LINALG), ("llvm", linalg_to_llvm())):
            try:
                run_pipeline(copy.mlir.operation, pipeline)
            except ir.MLIRError as e:
                raise CompileError("lower", f"the pipeline to the {stage} stage failed", _mlir_diagnostics(e)) \
                    from None
            out[stage] = str(copy.mlir)
        try:
            out["llvm-ir"] = translate(copy.mlir.operation)
        except LoweringError as e:
            raise CompileError("translate", "the module did not lower completely to the LLVM dialect",
                               [(format_location(loc), msg) for loc, msg in e.diagnostics]) from None
    return out


def clear_cache(memory: bool = True, disk: bool = True) -> None:
    """Empties symgrad's compiled-kernel caches (in memory and in the on-disk folder); `memory`
    also frees the blocks the kernels' allocation pool caches (symgrad.runtime.pool.release)."""
    _cache.clear_cache(memory=memory, disk=disk)
    if memory:
        _pool.release()
