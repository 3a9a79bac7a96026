"""symgrad's MLIR passes. Importing this package registers all of them in `PASSES`."""
from . import graph_differentiate, graph_fuse_gradient, graph_verify  # noqa: F401
from . import convert_graph_to_linalg, pipelines  # noqa: F401  (convert-graph-to-linalg, graph-to-llvm)
from .registry import PASSES, PassError, PassInfo, as_mlir_pass, parse_options, register_pass

__all__ = ["PASSES", "PassError", "PassInfo", "as_mlir_pass", "parse_options", "register_pass"]
