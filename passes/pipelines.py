"""Transitional (issue 12): runtime/transforms.py and runtime/gradient.py still import `graph_to_llvm`
from here (and test_transform_cache.py / test_tile_rows.py patch it here); when they move to compiler/
they import symgrad.passes.graph_to_llvm instead. Delete this file then."""
from .graph_to_llvm import GRAPH_TO_LLVM, GRAPH_TO_LLVM_SEQUENTIAL, graph_to_llvm  # noqa: F401
