"""symgrad's MLIR passes: `ALL_PASSES` is the one list of them, `PASSES` the same by name.

Each pass is a frozen dataclass in the file named after it (`tile-rows`: passes/tile_rows.py);
see passes/module_pass.py for how a pass and its options are declared. Pipelines:
passes/pipeline_text.py (parse, build, run), passes/graph_to_llvm.py (the lowering),
passes/translate.py (LLVM IR text).
"""
from .add_packed_entry_points import AddPackedEntryPoints
from .bare_pointer_calls import BarePointerCalls
from .check_lowered_to_llvm import CheckLoweredToLLVM
from .convert_graph_to_linalg import ConvertGraphToLinalg
from .convert_math_to_libm_precise import ConvertMathToLibmPrecise
from .convert_memref_copy_to_linalg import ConvertMemrefCopyToLinalg
from .distinct_returned_buffers import DistinctReturnedBuffers
from .duplicate_cheap_producers import DuplicateCheapProducers
from .graph_check_compilable import GraphCheckCompilable
from .graph_differentiate import GraphDifferentiate
from .graph_fuse_gradient import GraphFuseGradient
from .graph_to_llvm import GraphToLLVM
from .graph_verify import GraphVerify
from .keep_parallel_bodies_outlined import KeepParallelBodiesOutlined
from .merge_sibling_generics import MergeSiblingGenerics
from .outline_loop_nests import OutlineLoopNests
from .outline_tensor_regions import OutlineTensorRegions
from .partition_reductions import PartitionReductions
from .record_temporaries import RecordTemporaries
from .module_pass import ModulePass, NamedPipeline, OptionError, OptionInfo, PassError, as_mlir_pass, option
from .scope_loop_allocas import ScopeLoopAllocas
from .serialize_small_parallel_loops import SerializeSmallParallelLoops
from .split_distinct_deallocs import SplitDistinctDeallocs
from .tile_rows import TileRows
from .untie_empty_tensors import UntieEmptyTensors

ALL_PASSES: tuple[type[ModulePass], ...] = (
    GraphVerify, GraphCheckCompilable, GraphDifferentiate, GraphFuseGradient,
    ConvertGraphToLinalg, TileRows, DuplicateCheapProducers, MergeSiblingGenerics,
    PartitionReductions, OutlineTensorRegions, UntieEmptyTensors, DistinctReturnedBuffers, SplitDistinctDeallocs, ConvertMemrefCopyToLinalg, RecordTemporaries,
    SerializeSmallParallelLoops, OutlineLoopNests, KeepParallelBodiesOutlined, ScopeLoopAllocas,
    ConvertMathToLibmPrecise, BarePointerCalls, AddPackedEntryPoints, CheckLoweredToLLVM,
    GraphToLLVM,
)
#: name -> pass class, for pipelines and symgrad-opt.
PASSES: dict[str, type[ModulePass]] = {p.name: p for p in ALL_PASSES}

__all__ = ["ALL_PASSES", "PASSES", "ModulePass", "NamedPipeline", "OptionError", "OptionInfo", "PassError",
           "as_mlir_pass", "option"]
