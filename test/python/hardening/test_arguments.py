"""Adversarial arguments (issue 6), beyond test/python/runtime/test_args.py: every kind of wrong
call gives the documented result or a clean TypeError / ValueError (MemoryError for arrays no
machine can hold) before native code runs; NaN and inf propagate as numpy's. The calls run in a
subprocess (argcases_script.py), so a crash cannot go unnoticed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import symgrad as sg

HERE = os.path.dirname(os.path.abspath(__file__))

RAISES = {
    "tuple_arg": ("TypeError", r"@f argument 0: expected a numpy array float32\[3, 4\] .*got tuple"),
    "memoryview_arg": ("TypeError", r"@f argument 0: .*got memoryview"),
    "bytes_arg": ("TypeError", r"@f argument 0: .*got bytes"),
    "array_like_object": ("TypeError", r"@f argument 0: .*got ArrayLike"),
    "masked_array": ("TypeError", r"@f argument 0: masked arrays are not supported \(the mask would be ignored\)"),
    "python_int_rank0": ("TypeError", r"@g argument 1: expected a numpy array float64\[\] \(tensor<f64>\), got int"),
    "np_float32_for_f64_scalar": ("TypeError", r"@g argument 1: expected dtype float64 .* got float32"),
    "float16": ("TypeError", r"@f argument 0: expected dtype float32 .* got float16"),
    "complex64": ("TypeError", r"got complex64"),
    "object_dtype": ("TypeError", r"got object"),
    "structured_dtype": ("TypeError", r"got \[\('a', '<f4'\)\]"),
    "uint8_for_bool": ("TypeError", r"@g argument 0: expected dtype bool .* got uint8"),
    "int64": ("TypeError", r"got int64"),
    "zero_d_for_rank1": ("ValueError", r"@f argument 1: expected shape \(4,\) .* got shape \(\)"),
    "extra_leading_dim": ("ValueError", r"@f argument 0: expected shape \(3, 4\) .* got shape \(1, 3, 4\)"),
    "out_overlaps_out": ("ValueError", r"@g out\[1\]: overlaps out\[0\]"),
    "out_partial_overlap_input": ("ValueError", r"@f out\[0\]: overlaps argument 0; outputs must not alias inputs"),
    "out_negative_strides": ("ValueError", r"@f out\[0\]: must be a writeable, aligned, C-contiguous array"),
    "out_matrix": ("TypeError", r"@f out\[0\]: expected a numpy array .* got matrix float32\[3, 4\]"),
    "out_scalar": ("TypeError", r"@f out=: expected an array or a tuple of 1 arrays, got int"),
    "out_masked": ("TypeError", r"@f out\[0\]: .* got MaskedArray float32\[3, 4\]"),
    "zero_size_wrong": ("ValueError", r"@z argument 0: expected shape \(0, 4\) .* got shape \(0, 5\)"),
    "huge_output": ("MemoryError", r"Unable to allocate 16.0 TiB"),
    "huge_temporary": ("MemoryError", r"@tmp computes a tensor of 8796093022208 bytes, which cannot be allocated"),
    "jit_huge_broadcast_view": ("MemoryError", r"Unable to allocate 16.0 TiB"),
    "jit_masked": ("TypeError", r"sg.jit\(f\): argument 0 is a masked array"),
    "jit_float16": ("TypeError", r"sg.jit\(f\): argument 0 has dtype float16; supported: float32, float64 and bool"),
    "jit_big_endian": ("TypeError", r"sg.jit\(f\): argument 0 has dtype >f4"),
    "jit_array_like": ("TypeError", r"sg.jit\(f\): argument 0 must be a numpy array .* got ArrayLike"),
    "jit_keyword_argument": ("TypeError", r"unexpected keyword argument 'x'"),
    "grad_argnums_float": ("TypeError", r"sg.grad\(f\): argnums must be an int or a tuple of ints, got 0.5"),
    "grad_argnums_bool": ("TypeError", r"argnums must be an int or a tuple of ints, got True"),
    "vjp_cotangent_list": ("TypeError", r"\(vjp cotangent\) argument 0: expected a numpy array .* got list"),
    "vjp_cotangent_dtype": ("TypeError", r"\(vjp cotangent\) argument 0: expected dtype float32 .* got float64"),
    "vjp_cotangent_masked": ("TypeError", r"\(vjp cotangent\) argument 0: masked arrays are not supported"),
    "vjp_cotangent_count": ("TypeError", r"expected 1 cotangent\(s\), one per output, got 0"),
    "backward_without_saved": ("TypeError", r"@f_adjoint: backward takes the Saved value that forward returned"),
    "backward_vjp_shape": ("ValueError", r"@f_adjoint argument 0: expected shape \(\) .* got shape \(3,\)"),
}
WORKS = ["matrix_subclass", "overlapping_rows_input", "same_array_twice", "bool_strided", "misaligned_f64",
         "input_view_of_out_buffer_copy", "out_list", "zero_size", "zero_size_shape", "zero_size_out",
         "jit_zero_size", "grad_zero_size", "small_after_huge", "nan_inf_forward", "nan_inf_grad",
         "grad_readonly_strided"]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
    proc = subprocess.run([sys.executable, os.path.join(HERE, "argcases_script.py")], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"the subprocess died (status {proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", sorted(RAISES))
def test_wrong_call_raises_cleanly(outcomes, case):
    kind, pattern = RAISES[case]
    got = outcomes[case]
    assert got.startswith(kind + ": "), got
    assert re.search(pattern, got), got


@pytest.mark.parametrize("case", WORKS)
def test_unusual_call_gives_the_documented_result(outcomes, case):
    assert outcomes[case] == "ok"


def test_every_case_is_checked(outcomes):
    assert set(outcomes) == set(RAISES) | set(WORKS)


# -- NaN and inf through gradients: native kernels against the interpreter (numpy) -----------------
SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e300, -1e300, 1e-300, 2.0, -2.0, 0.5, 709.0])
FUNCTIONS = {
    "tanh_mul": lambda x, y: (sg.tanh(x) * y).sum(),
    "exp_log": lambda x, y: (sg.exp(x) + sg.log(y * y + 1.0)).sum(),
    "div_sqrt": lambda x, y: (x / (sg.sqrt(y * y) + 1.0)).sum(),
    "maximum_where": lambda x, y: (sg.maximum(x, y) + sg.where(x > y, x * y, y)).sum(),
    "softmax": lambda x, y: (sg.softmax(x.reshape(3, 4), axis=1) * y.reshape(3, 4)).sum(),
    "logsumexp": lambda x, y: sg.logsumexp(x * y),
    "max_mean": lambda x, y: sg.max(x) + (x * y).mean(),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_nan_and_inf_gradients_match_numpy(name):
    fn = FUNCTIONS[name]
    x = SPECIAL.copy()
    y = np.roll(SPECIAL, 5)
    grad = sg.differentiate(sg.trace(fn, x, y, requires_grad=[0, 1]))
    with np.errstate(all="ignore"):
        (want_value,), want_saved = grad.forward(x, y)
        want = grad.backward(want_saved, np.ones(()))
    cg = sg.compile(grad)
    (value,), saved = cg.forward(x, y)
    got = cg.backward(saved, np.ones(()))
    np.testing.assert_allclose(value, want_value, rtol=1e-12, equal_nan=True)
    for g, w in zip(got, want):
        assert np.array_equal(np.isnan(g), np.isnan(w)), (g, w)
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=0, equal_nan=True)
