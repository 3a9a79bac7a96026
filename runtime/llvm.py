"""llvmlite for the runtime: initialized once per process, target machines for this CPU, MCJIT
engines that object code is loaded into, and LLVM IR text optimized and emitted as object code.

Everything that turns LLVM IR into running code goes through here: the compiler's kernels
(symgrad.codegen) and symgrad's own support code (runtime/support_library.py).
"""
from __future__ import annotations

import time
from functools import lru_cache

import llvmlite

from . import forksafe as _forksafe
from .abi import PACKED_PREFIX

_lock = _forksafe.Lock()
_binding = None  # llvmlite.binding once initialized


class LLVMIRError(RuntimeError):
    """llvmlite rejected LLVM IR text (it does not parse or does not verify)."""


def binding():
    """`llvmlite.binding`, with the native target initialized (once per process)."""
    global _binding
    with _lock:
        if _binding is None:
            # import here: llvmlite.binding loads LLVM (~70 ms), which `import symgrad` does not need
            import llvmlite.binding as llvm
            llvm.initialize_native_target()
            llvm.initialize_native_asmprinter()
            # The loop vectorizer sizes vectors by a loop's widest type by default: the f64
            # accumulator of a float32 sum then halves the width of the float32 work fused into
            # it (exp at 4 lanes, not 8). Sizing by the narrowest type: row sum(exp) 4.4 -> 2.8 ms.
            llvm.set_option("", "-vectorizer-maximize-bandwidth")
            # Kernels open with one long basic block (memref descriptors, BLAS calls), where the
            # DAG combiner's store merging and token-factor inlining are superlinear: instruction
            # selection was ~80% of code generation. Without them a 32-layer MLP gradient's code
            # generation takes 1.6 s instead of 4.9 s and its object code is byte-identical.
            llvm.set_option("", "-combiner-store-merging=false")
            llvm.set_option("", "-combiner-tokenfactor-inline-limit=16")
            # Code generated as at -O0 (a deep kernel's entry points: optimize_and_emit, _split) goes
            # through SelectionDAG rather than FastISel, which fell back to it instruction by
            # instruction on that one long block: a 512-layer MLP's entries 1.13 -> 0.67 s, their
            # object code a third smaller. Code at -O1 and above never uses FastISel.
            llvm.set_option("", "-fast-isel=false")
            _binding = llvm
    return _binding


def host_target_machine(opt_level: int):
    """A target machine for this CPU (name and features). jit=True selects the large code
    model on x86-64, so the loaded object may live anywhere relative to libm."""
    llvm = binding()
    target = llvm.Target.from_triple(llvm.get_process_triple())
    return target.create_target_machine(cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
                                        opt=opt_level, jit=True)


def generic_target_machine(opt_level: int):
    """A target machine for this process's triple and its generic CPU (no host features)."""
    llvm = binding()
    return llvm.Target.from_triple(llvm.get_process_triple()).create_target_machine(opt=opt_level, jit=True)


def empty_engine(tm):
    """An MCJIT engine for target machine `tm` with no code yet (object code is added to it)."""
    llvm = binding()
    stub = llvm.parse_assembly("")
    stub.triple = tm.triple
    stub.data_layout = str(tm.target_data)
    return llvm.create_mcjit_compiler(stub, tm)


#: Object code made of several objects (optimize_and_emit) starts with this, then the count and the
#: size of each (8 bytes each, little-endian), then the objects.
_OBJECTS_MAGIC = b"\0symgrad-objects"


def pack_objects(objects: list) -> bytes:
    """One bytes value for the disk cache and the loader; a single object is itself."""
    if len(objects) == 1:
        return objects[0]
    sizes = b"".join(len(o).to_bytes(8, "little") for o in objects)
    return _OBJECTS_MAGIC + len(objects).to_bytes(8, "little") + sizes + b"".join(objects)


def unpack_objects(object_code: bytes) -> list:
    if not object_code.startswith(_OBJECTS_MAGIC):
        return [object_code]
    at = len(_OBJECTS_MAGIC)
    count = int.from_bytes(object_code[at:at + 8], "little")
    sizes = [int.from_bytes(object_code[at + 8 + 8 * i:at + 16 + 8 * i], "little") for i in range(count)]
    at += 8 + 8 * count
    out = []
    for n in sizes:
        out.append(object_code[at:at + n])
        at += n
    if at != len(object_code):
        raise RuntimeError("malformed object code: its parts do not add up to its size")
    return out


def load_object(tm, object_code: bytes):
    """A new engine for `tm` with `object_code` (one object, or several from pack_objects, which
    call each other) loaded and finalized (its symbols must be bound for the JIT linker first).
    Raises RuntimeError when MCJIT cannot load it."""
    engine = empty_engine(tm)
    for part in unpack_objects(object_code):
        engine.add_object_file(binding().ObjectFileRef.from_data(part))
    engine.finalize_object()
    return engine


def parse(llvm_ir: str, tm):
    """`llvm_ir` parsed and verified for target machine `tm`; raises LLVMIRError."""
    llvm = binding()
    try:
        mod = llvm.parse_assembly(llvm_ir)
        mod.triple = tm.triple
        mod.data_layout = str(tm.target_data)
        mod.verify()
    except RuntimeError as e:
        raise LLVMIRError(str(e)) from None
    return mod


def optimize(mod, tm, opt_level: int, run=None, **tuning) -> None:
    """Runs LLVM's module pipeline at `opt_level` on `mod`; `tuning` sets pipeline tuning options
    (loop_vectorization=, slp_vectorization=, loop_unrolling=, ...). `run(pass_manager, mod,
    pass_builder)` runs each pass manager (default: llvmlite's, under its lock)."""
    llvm = binding()
    run = run or (lambda pm, m, pb: pm.run(m, pb))
    pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
    for name, value in tuning.items():
        setattr(pto, name, value)
    pb = llvm.create_pass_builder(tm, pto)
    # The packed entry's kernel is an always-inline function of one argument per descriptor field
    # (passes/add_packed_entry_points.py). Inlined before the pipeline: CalledValuePropagation,
    # which runs ahead of the inliner, took 0.4 s on that call at 128 MLP layers (total 0.73 -> 0.31 s).
    early = llvm.create_new_module_pass_manager()
    early.add_always_inliner_pass()
    run(early, mod, pb)
    run(pb.getModulePassManager(), mod, pb)


#: A function of one basic block with at least this many instructions (after optimization) is
#: compiled by the code generator as at -O0 (`optnone`).
STRAIGHT_LINE_MIN = 256


def mark_straight_line(mod) -> list[str]:
    """Marks `optnone` (with `noinline`) every defined function of `mod` that is one basic block of
    at least STRAIGHT_LINE_MIN instructions; returns their names. Run after the optimizer: it only
    changes what the code generator does. Such a function has no loop, so its code runs once per
    call: a kernel whose loop nests were outlined (passes/outline_loop_nests.py) is a long run of
    allocations and calls. The post-RA scheduler was superlinear on it, a third of a 128-layer MLP
    gradient's code generation (0.82 -> 0.52 s), for nothing at run time."""
    marked = []
    for f in mod.functions:
        if f.is_declaration:
            continue
        blocks = list(f.blocks)
        if len(blocks) == 1 and sum(1 for _ in blocks[0].instructions) >= STRAIGHT_LINE_MIN:
            f.add_function_attribute("noinline")
            f.add_function_attribute("optnone")
            marked.append(f.name)
    return marked


#: LLVM IR at least this long (a deep model's kernel) is compiled as two objects (`_split`).
SPLIT_MIN_CHARS = 512 * 1024
#: The optimization level of a split module's entry points: one straight line of calls each, for
#: which -O1's simplifications are all that pays (128 MLP layers: optimize 128 -> 56 ms, the same
#: 3,224 instructions as at -O3).
ENTRY_OPT_LEVEL = 1
#: The names of the functions a kernel is entered by (passes/add_packed_entry_points.py, MLIR's C
#: interface): one long straight line of calls each, in a deep model.
_ENTRY_PREFIXES = (PACKED_PREFIX, "_mlir_ciface_")


def _external(v) -> bool:
    return v.linkage == binding().Linkage.external


def _split(mod):
    """(entries, rest): two copies of `mod` that together define each of its external symbols once.
    `entries` keeps the kernels' entry points and the module's external globals (the records the
    runtime reads); `rest` keeps every other function (the loop nests, BLAS calls, parallel bodies).
    What a copy does not keep becomes available_externally, which the optimizer turns into a
    declaration: the two objects are loaded into one engine, which links them.

    Why. After outline-tensor-regions and outline-loop-nests a deep kernel's entry is one block of
    allocations and calls, whose descriptor fields all live from its start to their last call. The
    greedy register allocator was superlinear on it (72% of code generation at 512 MLP layers:
    2.1 s for an entry of 10,768 instructions, 0.22 s at 2,704); code generation at -O0 allocates
    registers locally, in linear time, and the entry runs once per step."""
    llvm = binding()
    rest = mod
    entries = mod.clone()
    keep = {f.name for f in mod.functions
            if not f.is_declaration and _external(f) and f.name.startswith(_ENTRY_PREFIXES)}
    for f in rest.functions:
        if f.name in keep:
            f.linkage = llvm.Linkage.available_externally
    for g in rest.global_variables:
        if not g.is_declaration and _external(g):
            g.linkage = llvm.Linkage.available_externally
    for f in entries.functions:
        if not f.is_declaration and _external(f) and f.name not in keep:
            f.linkage = llvm.Linkage.available_externally
    # Nothing calls the entries in `rest`: dropped now (and the internal kernel functions inlined
    # into them), so that its optimizer does not inline and simplify the long entries a second time.
    pb = llvm.create_pass_builder(host_target_machine(0), llvm.create_pipeline_tuning_options(speed_level=0))
    dce = llvm.create_new_module_pass_manager()
    dce.add_global_dead_code_eliminate_pass()
    dce.run(rest, pb)
    return entries, rest


def optimize_and_emit(llvm_ir: str, opt_level: int, *, loop_unrolling: bool) -> tuple[bytes, dict]:
    """LLVM IR text -> optimized object code for this CPU (vectorized from O2 on), and the seconds
    each step took (llvm_parse, llvm_opt, codegen). A long module becomes two objects (`_split`):
    its entry points optimized at ENTRY_OPT_LEVEL and generated as at -O0, everything else at
    `opt_level`. Raises LLVMIRError when llvmlite rejects the IR."""
    t0 = time.perf_counter()
    tm = host_target_machine(opt_level)
    mod = parse(llvm_ir, tm)
    t1 = time.perf_counter()
    parts = [(mod, tm, opt_level)]
    if len(llvm_ir) >= SPLIT_MIN_CHARS and opt_level > 0:
        entries, rest = _split(mod)
        parts = [(rest, tm, opt_level), (entries, host_target_machine(0), min(opt_level, ENTRY_OPT_LEVEL))]
    for m, _, level in parts:
        optimize(m, tm, level, loop_vectorization=level >= 2, slp_vectorization=level >= 2,
                 loop_unrolling=loop_unrolling)
        mark_straight_line(m)
    t2 = time.perf_counter()
    obj = pack_objects([machine.emit_object(m) for m, machine, _ in parts])
    t3 = time.perf_counter()
    return obj, {"llvm_parse": t1 - t0, "llvm_opt": t2 - t1, "codegen": t3 - t2}


@lru_cache(maxsize=2)
def llvm_fingerprint(host: bool = True) -> str:
    """What decides the object code LLVM makes of given LLVM IR: llvmlite (and so LLVM) and the
    target (the triple; with `host`, this CPU's name and features)."""
    llvm = binding()
    parts = [f"llvmlite={llvmlite.__version__}", f"triple={llvm.get_process_triple()}"]
    if host:
        parts += [f"cpu={llvm.get_host_cpu_name()}", f"features={llvm.get_host_cpu_features().flatten()}"]
    return ";".join(parts)

