"""Support code that symgrad writes in LLVM IR (the caching pool, the async runtime), compiled
once per machine rather than once per process.

Compiling such a module costs 15-150 ms (the async runtime runs LLVM's O2 pipeline), which
a process that finds its kernels in the disk cache would otherwise pay on every start. The
object code goes to the same cache as kernels (checksummed, written atomically, corruption
reported and recompiled), in its own folder (`support/`), and is loaded into an MCJIT engine of
its own. Its key is the IR text, what it is, the options, llvmlite and the target only: not
symgrad's lowering rules or MLIR, so editing those does not recompile the support code.
"""
from __future__ import annotations

from . import cache as _cache


def load(name: str, llvm_ir: str, opt_level: int = 0, optimize: bool = False, host: bool = True):
    """(engine, target machine) with `llvm_ir` compiled and loaded; keep both alive as long as the
    code runs. `optimize` runs LLVM's pipeline at `opt_level` before code generation; `host`
    targets this CPU's name and features (else the triple's generic CPU). Raises RuntimeError
    when llvmlite rejects the IR or cannot load the code."""
    from .jit import _llvm, empty_engine, host_target_machine
    llvm = _llvm()
    if host:
        tm = host_target_machine(opt_level)
    else:
        tm = llvm.Target.from_triple(llvm.get_process_triple()).create_target_machine(opt=opt_level, jit=True)
    key = _cache.make_support_key(llvm_ir, name, (int(opt_level), bool(optimize)), bool(host))
    obj = _cache.load_support(key)
    if obj is None:
        mod = llvm.parse_assembly(llvm_ir)
        mod.triple = tm.triple
        mod.data_layout = str(tm.target_data)
        mod.verify()
        if optimize:
            pb = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=opt_level))
            pb.getModulePassManager().run(mod, pb)
        obj = tm.emit_object(mod)
        _cache.store_support(key, obj)
    engine = empty_engine(tm)
    engine.add_object_file(llvm.ObjectFileRef.from_data(obj))
    engine.finalize_object()
    return engine, tm
