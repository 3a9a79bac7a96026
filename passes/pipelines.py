"""`graph-to-llvm`: the one pipeline from `graph` IR to the LLVM dialect, and LLVM IR text.

    symgrad-opt --graph-to-llvm in.mlir           # LLVM-dialect module
    symgrad.passes.pipelines.to_llvm_ir(module)   # LLVM IR text (checked first)

The stages, in order (GRAPH_TO_LLVM is the exact text):

 0. graph-check-compilable: the module is graph functions and nothing else (the closed set
    sg.compile accepts, dialects/graph/compilable.py), so every later stage works on IR that
    symgrad built itself.
 1. convert-graph-to-linalg: every graph op to linalg/tensor/arith/math on
    tensors (lowerings live in the op registry); functions get
    `llvm.emit_c_interface` and read-only arguments; i1 tensors become i8.
 2. Row tiling, then elementwise fusion (plus canonicalize/cse) on tensors. First the unit dims
    that keepdims leaves (a [n, 1] row statistic) are folded out of the
    generics (linalg-fold-unit-extent-dims) and the reshape pairs around them
    cancel (canonicalize): otherwise fusion pushes the reshapes through the
    generics as unit dims, and a result that ends up a reshaped view is
    computed in a temporary and copied into its out-parameter (W4's softmax
    spent 3/4 of its time on such a 16 MiB temporary and its copy). Then
    tile-rows (passes/tile_rows.py) puts a big row-wise function (layer norm,
    softmax and their gradients: row statistics, elementwise work, column
    sums) in one loop over blocks of a few rows, so each block's data is read
    from memory once and its intermediates stay in cache (W3 16 -> 9 ms);
    fusion then works inside each block. Fusion's
    own reshape propagation still adds unit dims where a [n, 1] argument
    meets a broadcast, so they are folded out once more afterwards. Fusion
    only inlines a producer into its only user, so (outside tiled blocks,
    where a value is re-read from cache, not memory) duplicate-cheap-producers
    (passes/duplicate_cheap_producers.py) first gives every user of a cheap
    elementwise generic its own copy: in a fused primal+adjoint such values
    (x - mean, the normalized x, ...) feed several terms, and recomputing a few
    ops per element beats writing and re-reading a 16 MiB tensor (W3: 7
    materialized [4096, 1024] temporaries -> none, peak 128 -> 16 MB).
    Last, merge-sibling-generics (passes/merge_sibling_generics.py) gives generics
    that read the same inputs the same way one loop nest (W3's dgamma and
    dbeta column sums: one pass over x and R instead of two).
 3. partition-reductions (passes/parallel_loops.py): big reductions that start
    with a reduction dimension are cut into 16 parts (scf.forall) so they can
    run in parallel too; eliminate-empty-tensors lets a tiled block compute
    its results in place in the output's rows; then one-shot bufferization
    across function boundaries with identity layouts
    (plain contiguous memrefs at the ABI), then buffer-results-to-out-params
    with hoisted static allocations: every result becomes a caller-allocated
    out-parameter (destination-passing style), so kernels never return memory
    the runtime would have to free. Small rank-0/1 temporaries (up to 4 KiB,
    e.g. the f64 accumulators of float32 sums) live on the stack; the others
    are freed by the buffer-deallocation pipeline.
 4. convert-memref-copy-to-linalg: any `memref.copy` left by bufferization
    becomes a `linalg.copy`, i.e. plain loops. (Upstream lowers copies of
    strided memrefs to a call to `memrefCopy` from MLIR's runner-utils
    library, which is not installed.) record-temporaries (passes/record_temporaries.py)
    then writes each kernel's heap temporaries (sizes, counts) into a constant
    global, which the runtime reads to reserve them in the pool before a call.
 5. linalg to loops, then to the LLVM dialect. Loops use both cores
    (PARALLEL_LOOPS, passes/parallel_loops.py): linalg becomes scf.parallel,
    small and nested loops go back to scf.for, and upstream
    async-parallel-for / async-to-async-runtime / convert-async-to-llvm split
    the big outermost ones into tasks (coroutines) for the async runtime of
    symgrad.runtime.threads. With SYMGRAD_NUM_THREADS=1, `graph_to_llvm()`
    is GRAPH_TO_LLVM_SEQUENTIAL instead: plain convert-linalg-to-loops.
    The graph ops exp, expm1, log,
    log1p, tanh, sigmoid and erf never reach this stage as `math` ops: their
    lowerings are arithmetic (dialects/graph/mathfns.py), which LLVM's loop
    vectorizer can vectorize (a libm call in the loop body stops it). Other
    `math.log1p`/`expm1`/`erf` (hand-written IR) become libm calls
    (convert-math-to-libm-precise): upstream's LLVM lowering of log1p/expm1
    loses accuracy near 0 and erf has none. sin, cos and pow remain libm calls.
    Allocations lower with `use-generic-functions use-aligned-alloc`: a
    temporary comes from `_mlir_memref_to_llvm_aligned_alloc(align, size)` and
    goes back through `_mlir_memref_to_llvm_free`, i.e. symgrad's caching pool
    (runtime/pool.py, bound for the JIT next to BLAS), not malloc, which maps
    and unmaps large blocks on every call (W3 95 -> ~30 ms). The aligned form
    passes the exact size (plain alloc would add the alignment to it, which
    pushes a 16 MiB tensor into the next, 12.5% larger, size class).

`check_lowered` guards the translation to LLVM IR: the translator crashes the
process on any op that is not in the LLVM dialect, and MCJIT aborts on
unresolvable symbols, so both are turned into errors naming the culprit. The
pipeline ends with it (check-lowered-to-llvm), and `translate` runs it again.
A module that is all LLVM dialect before any of this (hand-written, or someone's
pipeline) is not symgrad's own: `to_llvm_ir` checks it and translates it in a
child process (passes/foreign_llvm.py).
"""
from __future__ import annotations

import ctypes
import ctypes.util
from typing import Optional
import mlir.ir as ir

from . import scope_loop_allocas as _scopes  # noqa: F401  (registers scope-loop-allocas)
from . import distinct_returned_buffers as _distinct  # noqa: F401  (registers distinct-returned-buffers)
from . import duplicate_cheap_producers as _duplicate  # noqa: F401  (registers duplicate-cheap-producers)
from . import graph_check_compilable as _compilable  # noqa: F401  (registers graph-check-compilable)
from . import merge_sibling_generics as _siblings  # noqa: F401  (registers merge-sibling-generics)
from . import tile_rows as _tile_rows  # noqa: F401  (registers tile-rows)
from . import convert_graph_to_linalg as _lower  # noqa: F401  (registers convert-graph-to-linalg)
from . import record_temporaries as _temporaries  # noqa: F401  (registers record-temporaries)
from . import foreign_llvm as _foreign
from .foreign_llvm import LoweringError
from .parallel_loops import PARALLEL_LOOPS, PARTITION, sequential_stages
from symgrad.runtime import abi as _abi
from .registry import PASSES, PassError, register_pass
from .walk import ops_where

BUFFERIZE = ("eliminate-empty-tensors",
             "one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map}",
             "distinct-returned-buffers",
             "buffer-results-to-out-params{hoist-static-allocs modify-public-functions}",
             "func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4096})",
             "buffer-deallocation-pipeline")

TENSOR_STAGES = (
    "graph-check-compilable",  # what sg.compile accepts, nothing else (dialects/graph/compilable.py)
    "convert-graph-to-linalg",
    "canonicalize",
    "linalg-fold-unit-extent-dims",
    "canonicalize",
    "tile-rows",
    "duplicate-cheap-producers",
    "func.func(linalg-fuse-elementwise-ops)",
    "linalg-fold-unit-extent-dims",
    "canonicalize",
    "cse",
    "merge-sibling-generics",
    "cse",
)
STAGES = (
    *TENSOR_STAGES,
    PARTITION,
    *BUFFERIZE,
    "convert-memref-copy-to-linalg",
    "record-temporaries",  # the heap temporaries of each kernel, for the runtime to reserve (passes/record_temporaries.py)
    *PARALLEL_LOOPS,
    "scope-loop-allocas",  # a stack temporary in a loop body is given back every iteration (passes/scope_loop_allocas.py)
    "expand-strided-metadata",  # before lower-affine: subviews of partition-reductions' blocks become affine.apply
    "lower-affine",
    "convert-scf-to-cf",
    "convert-math-to-libm-precise",
    "finalize-memref-to-llvm{use-aligned-alloc use-generic-functions}",
    "convert-math-to-llvm",
    "convert-arith-to-llvm",
    "convert-index-to-llvm",
    "convert-func-to-llvm",
    "convert-cf-to-llvm",
    "convert-ub-to-llvm",
    "reconcile-unrealized-casts",
    "check-lowered-to-llvm",
)

#: The same stages with every loop sequential (SYMGRAD_NUM_THREADS=1): no tasks, no runtime calls.
SEQUENTIAL_STAGES = sequential_stages(STAGES)

#: The graph-to-llvm pipeline, in MLIR's syntax (symgrad passes spliced in by passes.pipeline).
GRAPH_TO_LLVM = "builtin.module(" + ",".join(STAGES) + ")"
GRAPH_TO_LLVM_SEQUENTIAL = "builtin.module(" + ",".join(SEQUENTIAL_STAGES) + ")"
#: The same pipeline in two halves, for showing the staged IR: graph -> fused linalg on tensors,
#: then linalg on tensors -> LLVM dialect.
GRAPH_TO_LINALG = "builtin.module(" + ",".join(TENSOR_STAGES) + ")"
LINALG_TO_LLVM = "builtin.module(" + ",".join(STAGES[len(TENSOR_STAGES):]) + ")"
LINALG_TO_LLVM_SEQUENTIAL = "builtin.module(" + ",".join(SEQUENTIAL_STAGES[len(TENSOR_STAGES):]) + ")"


def _threads(threads: Optional[int]) -> int:
    """`threads`, checked (None: the setting of symgrad.runtime.threads, i.e. $SYMGRAD_NUM_THREADS)."""
    from symgrad.runtime.threads import check_threads, num_threads
    return num_threads() if threads is None else check_threads(threads, "threads")


def graph_to_llvm(threads: Optional[int] = None) -> str:
    """GRAPH_TO_LLVM for kernels that run on `threads` threads (default: the setting of
    symgrad.runtime.threads, i.e. $SYMGRAD_NUM_THREADS), GRAPH_TO_LLVM_SEQUENTIAL for one.
    Raises ValueError/TypeError for anything but an int in 1..MAX_THREADS (0 is not "default")."""
    return GRAPH_TO_LLVM if _threads(threads) > 1 else GRAPH_TO_LLVM_SEQUENTIAL


def linalg_to_llvm(threads: Optional[int] = None) -> str:
    """The second half of `graph_to_llvm(threads)` (fused linalg on tensors -> LLVM dialect)."""
    return LINALG_TO_LLVM if _threads(threads) > 1 else LINALG_TO_LLVM_SEQUENTIAL

LIBM = _abi.LIBM_CALLS


# ------------------------------------------------------------------ passes --
@register_pass("convert-memref-copy-to-linalg",
               "rewrite memref.copy as linalg.copy (plain loops), so strided copies need no runtime library")
def convert_memref_copy_to_linalg(module_op: ir.Operation) -> None:
    copies = ops_where(module_op, lambda op: op.name == "memref.copy")
    if not copies:
        return
    from mlir.dialects import linalg
    for op in copies:
        with ir.InsertionPoint(op), op.location:
            linalg.copy(op.operands[0], outs=[op.operands[1]])
        op.erase()


@register_pass("convert-math-to-libm-precise",
               "lower math.log1p/expm1/erf/erfc to libm calls (upstream's LLVM lowering of log1p/expm1 loses "
               "accuracy near 0; erf has none)")
def convert_math_to_libm_precise(module_op: ir.Operation) -> None:
    found = ops_where(module_op, lambda op: op.name in LIBM)
    if not found:
        return
    from mlir.dialects import func as func_d
    body = module_op.regions[0].blocks[0]
    table = ir.SymbolTable(module_op)
    declared: dict[str, ir.Operation] = {}
    for op in found:
        t = op.results[0].type
        if not isinstance(t, (ir.F32Type, ir.F64Type)):
            raise PassError([(op.location, f"'{op.name}' on {t}: only scalar f32/f64 can become libm calls")])
        sym = LIBM[op.name][0 if isinstance(t, ir.F32Type) else 1]
        if sym not in declared:
            if sym in table:
                declared[sym] = table[sym]
            else:
                with ir.InsertionPoint.at_block_begin(body), ir.Location.unknown():
                    decl = func_d.FuncOp(sym, ([t], [t]), visibility="private")
                declared[sym] = decl
        with ir.InsertionPoint(op), op.location:
            call = func_d.CallOp([t], ir.FlatSymbolRefAttr.get(sym), [op.operands[0]])
        op.results[0].replace_all_uses_with(call.result)
        op.erase()


@register_pass("check-lowered-to-llvm",
               "fail, naming each op and its location, unless the module is all LLVM dialect and its external "
               "functions resolve in this process (the guard before translation to LLVM IR)")
def check_lowered_to_llvm(module_op: ir.Operation) -> None:
    try:
        check_lowered(module_op)
    except LoweringError as e:
        raise PassError(e.diagnostics) from None


def _run_graph_to_llvm(module_op: ir.Operation) -> None:
    """Runs GRAPH_TO_LLVM on `module_op` (used when the pipeline runs as a single pass)."""
    run_pipeline(module_op, GRAPH_TO_LLVM)


register_pass("graph-to-llvm",
              "the whole lowering of graph IR to the LLVM dialect (a named pipeline: " + GRAPH_TO_LLVM + ")"
              )(_run_graph_to_llvm)
PASSES["graph-to-llvm"].pipeline = GRAPH_TO_LLVM  # passes.pipeline expands it in place


def run_pipeline(module_op: ir.Operation, pipeline: str = GRAPH_TO_LLVM, *, print_ir_after_all: bool = False,
                 verify_each: bool = True) -> None:
    """Runs a pipeline string (symgrad passes spliced in) on a module op; raises ir.MLIRError."""
    from .pipeline import build_pass_manager
    pm = build_pass_manager(pipeline, module_op.context, verify_each=verify_each)
    if print_ir_after_all:
        pm.enable_ir_printing()
    pm.run(module_op)


# ------------------------------------------------------- translation guard --
def _process_has_symbol(name: str) -> bool:
    try:
        return bool(getattr(ctypes.CDLL(None), name))
    except AttributeError:
        return False


_libm = None


def _resolvable(name: str) -> bool:
    global _libm
    if name in _abi.EXTERNALS or _process_has_symbol(name):
        return True
    if _libm is None:
        _libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    return hasattr(_libm, name)


def check_lowered(module_op: ir.Operation) -> None:
    """Raises LoweringError naming every op not in the LLVM dialect (with its location) and every
    external function the process cannot resolve. Call before `translate_module_to_llvmir`."""
    leftover: dict[str, ir.Location] = {}
    externals: dict[str, ir.Location] = {}

    def visit(op):
        name = op.name
        if name == "builtin.module":
            return ir.WalkResult.ADVANCE
        if not name.startswith("llvm."):
            leftover.setdefault(name, op.location)
            return ir.WalkResult.SKIP
        if name == "llvm.func" and len(op.regions[0].blocks) == 0:
            externals.setdefault(ir.StringAttr(op.attributes["sym_name"]).value, op.location)
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    diags = [(loc, f"'{name}' was not lowered to the LLVM dialect") for name, loc in leftover.items()]
    diags += [(loc, f"external function '{name}' cannot be resolved in this process (lowered code may call only "
                    f"libc/libm functions; MLIR's runtime libraries are not available)")
              for name, loc in externals.items() if not _resolvable(name)]
    if diags:
        raise LoweringError(diags)


def translate(module_op: ir.Operation) -> str:
    """LLVM IR text of an LLVM-dialect module that graph-to-llvm built, after `check_lowered`."""
    from mlir.dialects import llvm as mllvm
    check_lowered(module_op)
    _drop_graph_parameter_attributes(module_op)
    return str(mllvm.translate_module_to_llvmir(module_op))


def _drop_graph_parameter_attributes(module_op: ir.Operation) -> None:
    """{graph.requires_grad} and other graph.* argument/result attributes survive lowering
    (convert-func-to-llvm keeps them) and mean nothing to LLVM, whose translation warns about
    each ("Unhandled parameter attribute"): they are dropped from the llvm.func ops."""
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "llvm.func":
            continue
        for kind in ("arg_attrs", "res_attrs"):
            if kind not in op.attributes:
                continue
            dicts = [ir.DictAttr(d) for d in ir.ArrayAttr(op.attributes[kind])]
            if not any(a.name.startswith("graph.") for d in dicts for a in d):
                continue
            kept = [ir.DictAttr.get({a.name: a.attr for a in d if not a.name.startswith("graph.")}) for d in dicts]
            op.attributes[kind] = ir.ArrayAttr.get(kept)


def to_llvm_ir(module) -> str:
    """LLVM IR text for a module, lowered in place with GRAPH_TO_LLVM unless it is all LLVM dialect.

    `module` is an `ir.Module`, its `ir.Operation`, or an `sg.Module`. A graph module is what
    sg.compile takes (GRAPH_TO_LLVM starts with graph-check-compilable), so symgrad built every
    op that reaches the translator, which runs in process. A module that is all LLVM dialect
    already (hand-written, or the output of someone's pipeline) is checked and translated in a
    child process (passes/foreign_llvm.py). Raises LoweringError or ir.MLIRError, never crashes.
    """
    op = _module_op(module)
    with op.context:
        if _is_llvm_only(op):
            check_lowered(op)
            return _foreign.translate(op)
        run_pipeline(op, GRAPH_TO_LLVM)
        return translate(op)


def _module_op(module) -> ir.Operation:
    mlir_module = getattr(module, "mlir", module)  # sg.Module
    return getattr(mlir_module, "operation", mlir_module)


def _is_llvm_only(module_op: ir.Operation) -> bool:
    ok = [True]

    def visit(op):
        if op.name != "builtin.module" and not op.name.startswith("llvm."):
            ok[0] = False
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return ok[0]
