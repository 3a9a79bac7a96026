"""`graph-to-llvm`: the one pipeline from `graph` IR to the LLVM dialect, as MLIR pipeline text.

    symgrad-opt --graph-to-llvm in.mlir                 # the named pipeline, expanded in place
    symgrad.passes.graph_to_llvm.graph_to_llvm(threads) # its text for 1 or N threads

The stages in order: graph-check-compilable (only what sg.compile accepts), convert-graph-to-linalg,
row tiling and elementwise fusion on tensors, partition-reductions, bufferization to caller-owned
out-parameters, linalg to (parallel) loops, then to the LLVM dialect, ending with the guard
check-lowered-to-llvm. Why each stage is there and what it gained: docs/design/graph-to-llvm.md.
Translating the result to LLVM IR: passes/translate.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from symgrad.runtime.threads import check_threads, num_threads

from .module_pass import NamedPipeline

BUFFERIZE = ("untie-empty-tensors",
             "eliminate-empty-tensors",
             "one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map}",
             "distinct-returned-buffers",
             "buffer-results-to-out-params{hoist-static-allocs modify-public-functions}",
             "func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4096})",
             # Upstream's buffer-deallocation-pipeline, spelled out to put split-distinct-deallocs
             # before the simplification (quadratic on the one dealloc that ends a deep kernel).
             "expand-realloc{emit-deallocs=false}",
             "canonicalize",
             "ownership-based-buffer-deallocation",
             "canonicalize",
             "split-distinct-deallocs",
             "buffer-deallocation-simplification",
             "bufferization-lower-deallocations",
             "cse",
             "canonicalize")

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
#: Before bufferization: big reductions cut into a fixed number of parts (scf.forall).
PARTITION = "partition-reductions"
#: Linalg to loops on the multi-core path, then big outermost parallel loops split into tasks for
#: the async runtime (upstream passes but for serialize-small-parallel-loops).
PARALLEL_LOOPS = ("scf-forall-to-parallel",
                  "convert-linalg-to-parallel-loops",
                  "serialize-small-parallel-loops",
                  "outline-loop-nests",
                  "async-parallel-for{async-dispatch=false num-workers=-1 min-task-size=1}",
                  "keep-parallel-bodies-outlined",
                  "async-to-async-runtime",
                  "async-runtime-ref-counting",
                  "async-runtime-ref-counting-opt",
                  "convert-async-to-llvm",
                  "symbol-dce")
STAGES = (
    *TENSOR_STAGES,
    PARTITION,
    "outline-tensor-regions",  # each distinct loop nest lowered once from here on
    *BUFFERIZE,
    "convert-memref-copy-to-linalg",
    "record-temporaries",  # the heap temporaries of each kernel, for the runtime to reserve
    *PARALLEL_LOOPS,
    "scope-loop-allocas",  # a stack temporary in a loop body is given back every iteration
    "expand-strided-metadata",  # before lower-affine: subviews of partition-reductions' blocks become affine.apply
    "lower-affine",
    "convert-scf-to-cf",
    "convert-math-to-libm-precise",
    "finalize-memref-to-llvm{use-aligned-alloc use-generic-functions}",
    "convert-math-to-llvm",
    "convert-arith-to-llvm",
    "convert-index-to-llvm",
    "bare-pointer-calls",  # private functions of static identity-layout memrefs take one pointer per memref
    "convert-func-to-llvm",
    "add-packed-entry-points",  # symgrad_packed_<f>(table): every kernel callable with one argument
    "convert-cf-to-llvm",
    "convert-ub-to-llvm",
    "reconcile-unrealized-casts",
    "check-lowered-to-llvm",
)

# The sequential pipeline's version of each step (a step of PARALLEL_LOOPS not named here is dropped).
_SEQUENTIAL = {PARTITION: PARTITION,  # the same sums: the same bits as on N threads
               "scf-forall-to-parallel": "scf-forall-to-for",
               "convert-linalg-to-parallel-loops": "convert-linalg-to-loops",
               "outline-loop-nests": "outline-loop-nests"}


def sequential_stages(stages) -> tuple:
    """`stages` for one thread: sequential loops, no tasks, no runtime calls."""
    return tuple(_SEQUENTIAL.get(s, s) for s in stages if s in _SEQUENTIAL or s not in PARALLEL_LOOPS)


#: The same stages with every loop sequential (SYMGRAD_NUM_THREADS=1): no tasks, no runtime calls.
SEQUENTIAL_STAGES = sequential_stages(STAGES)

#: The graph-to-llvm pipeline, in MLIR's syntax (symgrad passes spliced in by passes.pipeline_text).
GRAPH_TO_LLVM = "builtin.module(" + ",".join(STAGES) + ")"
GRAPH_TO_LLVM_SEQUENTIAL = "builtin.module(" + ",".join(SEQUENTIAL_STAGES) + ")"
#: The same pipeline in two halves, for showing the staged IR: graph -> fused linalg on tensors,
#: then linalg on tensors -> LLVM dialect.
GRAPH_TO_LINALG = "builtin.module(" + ",".join(TENSOR_STAGES) + ")"
LINALG_TO_LLVM = "builtin.module(" + ",".join(STAGES[len(TENSOR_STAGES):]) + ")"
LINALG_TO_LLVM_SEQUENTIAL = "builtin.module(" + ",".join(SEQUENTIAL_STAGES[len(TENSOR_STAGES):]) + ")"


def _threads(threads: Optional[int]) -> int:
    """`threads`, checked (None: the setting of symgrad.runtime.threads, i.e. $SYMGRAD_NUM_THREADS)."""
    return num_threads() if threads is None else check_threads(threads, "threads")


def graph_to_llvm(threads: Optional[int] = None) -> str:
    """GRAPH_TO_LLVM for kernels that run on `threads` threads (default: the setting of
    symgrad.runtime.threads, i.e. $SYMGRAD_NUM_THREADS), GRAPH_TO_LLVM_SEQUENTIAL for one.
    Raises ValueError/TypeError for anything but an int in 1..MAX_THREADS (0 is not "default")."""
    return GRAPH_TO_LLVM if _threads(threads) > 1 else GRAPH_TO_LLVM_SEQUENTIAL


def linalg_to_llvm(threads: Optional[int] = None) -> str:
    """The second half of `graph_to_llvm(threads)` (fused linalg on tensors -> LLVM dialect)."""
    return LINALG_TO_LLVM if _threads(threads) > 1 else LINALG_TO_LLVM_SEQUENTIAL


@dataclass(frozen=True)
class GraphToLLVM(NamedPipeline):
    name = "graph-to-llvm"
    summary = "the whole lowering of graph IR to the LLVM dialect (a named pipeline: " + GRAPH_TO_LLVM + ")"
    pipeline = GRAPH_TO_LLVM
