"""Transitional (issue 12): runtime/transforms.py and runtime/gradient.py still import
`graph_to_llvm` from here; they move to compiler/ and import symgrad.passes.graph_to_llvm. Delete then."""
from .graph_to_llvm import graph_to_llvm  # noqa: F401
