"""The `graph` dialect: tensor ops defined once in a registry, loaded through IRDL."""
from . import ops  # noqa: F401  (registers every op)
from .emit import G, Tensor, emit
from .irdl import dialect_text, load
from .registry import OPS, OpDef, lookup
from .types import DTypeError, ShapeError, TensorType

__all__ = ["G", "Tensor", "emit", "load", "dialect_text", "OPS", "OpDef", "lookup", "TensorType",
           "ShapeError", "DTypeError"]
