"""runtime.memref.ArraySpec, the runtime's own description of an array argument: the checks name it
by the compiler's text for the type, and read the same with or without one."""
from __future__ import annotations

import numpy as np
import pytest

from symgrad.runtime.args import as_input, describe_signature
from symgrad.runtime.memref import ArraySpec, DescriptorBlock


def test_fields_are_normalized():
    spec = ArraySpec([np.int64(2), 3], "float32", "tensor<2x3xf32>")
    assert spec.shape == (2, 3) and spec.np_dtype == np.dtype(np.float32) and spec.size == 6
    assert str(spec) == "tensor<2x3xf32>" and str(ArraySpec((2, 3), np.float64)) == "float64[2, 3]"


def test_errors_quote_the_type_text():
    spec = ArraySpec((3,), np.float32, "tensor<3xf32>")
    with pytest.raises(TypeError, match=r"@f argument 0: expected dtype float32 \(tensor<3xf32>\), got float64"):
        as_input("f", 0, spec, np.zeros(3))
    with pytest.raises(ValueError, match=r"expected shape \(3,\) \(tensor<3xf32>\), got shape \(4,\)"):
        as_input("f", 0, spec, np.zeros(4, np.float32))
    assert describe_signature("f", [spec], [spec]) == "@f(tensor<3xf32>) -> tensor<3xf32>"


def test_descriptors_hold_the_static_sizes_and_strides():
    block = DescriptorBlock([ArraySpec((2, 3), np.float32), ArraySpec((), np.float64)])
    # Two descriptors, then the table of their addresses (filled per thread) for the packed entry.
    assert block.template == [0, 0, 0, 2, 3, 3, 1, 0, 0, 0, 0, 0] and block.offsets == [0, 7]
    assert block.table == 10
