"""The value types of the `graph` dialect, as plain Python data.

Shape and dtype rules are easier to write, test and read on tuples and short
strings than on MLIR type objects, so every rule in the registry works on
`TensorType` and only the edges (verifier, builder) convert to and from MLIR.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import mlir.ir as ir

FLOAT_DTYPES = ("f32", "f64")
#: Signed integers (two's complement, wrapping arithmetic as numpy's), signless in MLIR.
INT_DTYPES = ("i32", "i64")
#: Everything that has arithmetic: what reductions, add, maximum, comparisons ... accept.
NUMERIC_DTYPES = FLOAT_DTYPES + INT_DTYPES
DTYPES = FLOAT_DTYPES + ("i1",) + INT_DTYPES

_NUMPY = {"f32": np.dtype(np.float32), "f64": np.dtype(np.float64), "i1": np.dtype(np.bool_),
          "i32": np.dtype(np.int32), "i64": np.dtype(np.int64)}
_FROM_NUMPY = {v: k for k, v in _NUMPY.items()}
_NAMES = "f32, f64, i1, i32 or i64"
#: The numpy dtypes of DTYPES by name, for messages.
NUMPY_DTYPE_NAMES = "float32, float64, bool, int32 or int64"
#: The numpy dtypes of DTYPES, in the same order: what arrays passed to compiled code may have.
NUMPY_DTYPES = tuple(_NUMPY[d] for d in DTYPES)


class ShapeError(ValueError):
    """A shape or dtype rule rejected its operands; the message names what is wrong."""


class DTypeError(ShapeError, TypeError):
    """A dtype rule was violated; both a ValueError and a TypeError, as numpy users expect."""


@dataclass(frozen=True)
class TensorType:
    shape: tuple[int, ...]
    dtype: str

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def is_float(self) -> bool:
        return self.dtype in FLOAT_DTYPES

    @property
    def is_int(self) -> bool:
        """A signed integer (i32, i64); i1 is a boolean, not an integer, here."""
        return self.dtype in INT_DTYPES

    @property
    def is_numeric(self) -> bool:
        return self.dtype in NUMERIC_DTYPES

    @property
    def np_dtype(self) -> np.dtype:
        return _NUMPY[self.dtype]

    def with_shape(self, shape) -> "TensorType":
        return TensorType(tuple(int(d) for d in shape), self.dtype)

    def with_dtype(self, dtype: str) -> "TensorType":
        return TensorType(self.shape, dtype)

    def __str__(self) -> str:
        dims = "".join(f"{d}x" for d in self.shape)
        return f"tensor<{dims}{self.dtype}>"

    # -- conversions at the MLIR boundary ------------------------------------
    def to_mlir(self) -> ir.RankedTensorType:
        return ir.RankedTensorType.get(list(self.shape), element_type(self.dtype))

    @staticmethod
    def from_mlir(t: ir.Type) -> "TensorType":
        """Converts an MLIR type, raising ShapeError for anything the dialect does not accept."""
        if not isinstance(t, ir.RankedTensorType):
            raise ShapeError(f"expected a ranked tensor type, got {t}")
        if not t.has_static_shape:
            raise ShapeError(f"expected a statically shaped tensor, got {t}")
        if t.encoding is not None:
            raise ShapeError(f"tensor encodings are not supported, got {t}")
        return TensorType(tuple(t.shape), dtype_of(t.element_type))

    @staticmethod
    def of_array(a: np.ndarray) -> "TensorType":
        return TensorType(tuple(a.shape), dtype_from_numpy(a.dtype))


def element_type(dtype: str) -> ir.Type:
    if dtype == "f32":
        return ir.F32Type.get()
    if dtype == "f64":
        return ir.F64Type.get()
    if dtype == "i1":
        return ir.IntegerType.get_signless(1)
    if dtype in INT_DTYPES:
        return ir.IntegerType.get_signless(int(dtype[1:]))
    raise ShapeError(f"unknown dtype {dtype!r}; expected one of {', '.join(DTYPES)}")


def dtype_of(t: ir.Type) -> str:
    if isinstance(t, ir.F32Type):
        return "f32"
    if isinstance(t, ir.F64Type):
        return "f64"
    if isinstance(t, ir.IntegerType) and t.is_signless and t.width in (1, 32, 64):
        return f"i{t.width}"
    raise ShapeError(f"element type {t} is not supported (expected {_NAMES})")


def dtype_from_numpy(dt) -> str:
    dt = np.dtype(dt)
    if dt not in _FROM_NUMPY:
        raise TypeError(f"numpy dtype {dt} is not supported (expected {NUMPY_DTYPE_NAMES})")
    return _FROM_NUMPY[dt]


def numpy_dtype(dtype: str) -> np.dtype:
    return _NUMPY[dtype]


def shape_str(shape) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


def parse_dtype(dtype) -> str:
    """A dtype as users spell it (np.int32, "int32", "i32", bool, float, a numpy dtype) as a DTYPES
    name; TypeError for anything else. Python's int and float are numpy's: int64 and float64."""
    if isinstance(dtype, str) and dtype in DTYPES:
        return dtype
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype (expected one of {NUMPY_DTYPE_NAMES}, or {_NAMES})") from None
    return dtype_from_numpy(dt)
