"""Adversarial arguments (issue 6), beyond test/python/runtime/test_args.py: every kind of wrong
call gives the documented result or a clean TypeError / ValueError (MemoryError for arrays no
machine can hold) before native code runs; NaN and inf propagate as numpy's. The cases and their
documented outcomes are group "adversarial" of ../argcases.py (shared with runtime/test_args.py);
they run in a subprocess, so a crash cannot go unnoticed."""
from __future__ import annotations

import numpy as np
import pytest

import argcases
import symgrad as sg

GROUP = "adversarial"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return argcases.outcomes(GROUP, tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize("case", argcases.names(GROUP))
def test_call_gives_the_documented_outcome(outcomes, case):
    argcases.check(case, outcomes[case])


def test_every_case_ran(outcomes):
    assert list(outcomes) == argcases.names(GROUP)
    assert len(outcomes) >= 54


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
