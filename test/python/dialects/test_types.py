"""The dialect's one list of element types, and its numpy spelling."""
from __future__ import annotations

import numpy as np

from symgrad.dialects.graph.types import DTYPES, NUMPY_DTYPES, dtype_from_numpy, numpy_dtype


def test_numpy_dtypes_are_the_dtypes_in_order():
    assert NUMPY_DTYPES == (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.bool_), np.dtype(np.int32),
                            np.dtype(np.int64))
    assert NUMPY_DTYPES == tuple(numpy_dtype(d) for d in DTYPES)
    assert tuple(dtype_from_numpy(d) for d in NUMPY_DTYPES) == DTYPES
