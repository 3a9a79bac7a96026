"""Bad arguments raise TypeError/ValueError naming the function, argument, expected and actual
type before native code runs; odd layouts are copied, never misread. The cases run in a
subprocess (badargs_script.py), so a crash cannot go unnoticed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

EXPECTED = {
    "too_few": ("TypeError", r"@f takes 2 arguments \(tensor<3x4xf32>, tensor<4xf32>\), got 1"),
    "too_many": ("TypeError", r"@f takes 2 arguments .* got 3"),
    "float64_for_float32": ("TypeError", r"@f argument 0: expected dtype float32 \(tensor<3x4xf32>\), got float64 \(float64\[3, 4\]\); no implicit casts"),
    "int_array": ("TypeError", r"@f argument 0: expected dtype float32 .* got int32"),
    "bool_for_float": ("TypeError", r"@f argument 0: expected dtype float32 .* got bool"),
    "list": ("TypeError", r"@f argument 0: expected a numpy array float32\[3, 4\] \(tensor<3x4xf32>\), got list"),
    "python_float_scalar": ("TypeError", r"@g argument 1: expected a numpy array float64\[\] \(tensor<f64>\), got float"),
    "none": ("TypeError", r"@f argument 0: .* got NoneType"),
    "wrong_shape": ("ValueError", r"@f argument 0: expected shape \(3, 4\) \(tensor<3x4xf32>\), got shape \(4, 3\)"),
    "wrong_rank": ("ValueError", r"@f argument 0: expected shape \(3, 4\) .* got shape \(12,\)"),
    "broadcastable_shape": ("ValueError", r"@f argument 0: expected shape \(3, 4\) .* got shape \(1, 4\)"),
    "big_endian": ("TypeError", r"@f argument 0: expected dtype float32 .* got >f4"),
    "float_for_bool": ("TypeError", r"@g argument 0: expected dtype bool \(tensor<3x4xi1>\), got float64"),
    "out_wrong_shape": ("ValueError", r"@f out\[0\]: expected shape \(3, 4\)"),
    "out_wrong_dtype": ("TypeError", r"@f out\[0\]: expected dtype float32"),
    "out_strided": ("ValueError", r"@f out\[0\]: must be a writeable, aligned, C-contiguous array"),
    "out_readonly": ("ValueError", r"@f out\[0\]: must be a writeable"),
    "out_aliases_input": ("ValueError", r"@f out\[0\]: overlaps argument 0"),
    "out_count": ("ValueError", r"@g out=: expected 2 output array\(s\), got 1"),
    "out_list_item": ("TypeError", r"@f out\[0\]: expected a numpy array"),
}
GOOD = ["fortran_order", "transposed_view", "negative_strides", "strided_slice", "misaligned", "readonly_input",
        "broadcast_view_input", "out_given", "numpy_scalar_for_rank0", "bool_bytes_not_01"]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
    proc = subprocess.run([sys.executable, os.path.join(HERE, "badargs_script.py")], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, f"the subprocess died (status {proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_argument_raises(outcomes, case):
    kind, pattern = EXPECTED[case]
    got = outcomes[case]
    assert got.startswith(kind + ": "), got
    assert re.search(pattern, got), got


@pytest.mark.parametrize("case", GOOD)
def test_odd_layout_is_handled(outcomes, case):
    assert outcomes[case] == "ok"


def test_every_case_is_checked(outcomes):
    assert set(outcomes) == set(EXPECTED) | set(GOOD)
