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


def load_object(tm, object_code: bytes):
    """A new engine for `tm` with `object_code` loaded and finalized (its symbols must be bound
    for the JIT linker first). Raises RuntimeError when MCJIT cannot load it."""
    engine = empty_engine(tm)
    engine.add_object_file(binding().ObjectFileRef.from_data(object_code))
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


def optimize(mod, tm, opt_level: int, **tuning) -> None:
    """Runs LLVM's module pipeline at `opt_level` on `mod`; `tuning` sets pipeline tuning options
    (loop_vectorization=, slp_vectorization=, loop_unrolling=, ...)."""
    llvm = binding()
    pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
    for name, value in tuning.items():
        setattr(pto, name, value)
    pb = llvm.create_pass_builder(tm, pto)
    # The packed entry's kernel is an always-inline function of one argument per descriptor field
    # (passes/add_packed_entry_points.py). Inlined before the pipeline: CalledValuePropagation,
    # which runs ahead of the inliner, took 0.4 s on that call at 128 MLP layers (total 0.73 -> 0.31 s).
    early = llvm.create_new_module_pass_manager()
    early.add_always_inliner_pass()
    early.run(mod, pb)
    pb.getModulePassManager().run(mod, pb)


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


def optimize_and_emit(llvm_ir: str, opt_level: int, *, loop_unrolling: bool) -> tuple[bytes, dict]:
    """LLVM IR text -> optimized object code for this CPU (vectorized from O2 on), and the seconds
    each step took (llvm_parse, llvm_opt, codegen). Raises LLVMIRError when llvmlite rejects the IR."""
    t0 = time.perf_counter()
    tm = host_target_machine(opt_level)
    mod = parse(llvm_ir, tm)
    t1 = time.perf_counter()
    optimize(mod, tm, opt_level, loop_vectorization=opt_level >= 2, slp_vectorization=opt_level >= 2,
             loop_unrolling=loop_unrolling)
    mark_straight_line(mod)
    t2 = time.perf_counter()
    obj = tm.emit_object(mod)
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

