"""The float ops of issue 14 where the registry-driven suites cannot reach: parameter values,
the conventions at kinks and bounds, rounding ties, scans from either end, ddof, norm at 0, and
the front-end's errors. Values are checked interpreted and compiled (native) alike."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg

from sgtest import assert_close


def _both(fn, *args):
    """fn's result interpreted and compiled, which must agree; returns the interpreted one."""
    m = sg.trace(fn, *args, name="f")  # not `round`: libm's name
    (want,) = sg.interpret(m, None, *args)
    got = sg.compile(m).f(*args)
    np.testing.assert_allclose(got, want, rtol=1e-6 if want.dtype == np.float32 else 1e-13, atol=0,
                               equal_nan=True)
    return want


def _grad(fn, x):
    """sg.grad of sum(fn(x)) natively, checked against the interpreter's adjoint."""
    native = sg.grad(lambda v: fn(v).sum())(x)
    g = sg.differentiate(sg.trace(lambda v: fn(v).sum(), x, requires_grad=[0]))
    _, saved = g.forward(x)
    (interpreted,) = g.backward(saved, np.ones((), x.dtype))
    np.testing.assert_allclose(native, interpreted, rtol=1e-12, atol=0)
    return native


# ------------------------------------------------------------------ rounding
def test_round_takes_halves_to_even_like_numpy():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4999999, 1e20, -0.0], np.float32)
    got = _both(sg.round, x)
    np.testing.assert_array_equal(got, np.array([-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 4.0, 2.0, 1e20, -0.0], np.float32))
    assert np.signbit(got[2]) and np.signbit(got[-1])  # -0.5 rounds to -0.0, as numpy


def test_sign_floor_ceil_special_values_and_zero_gradient():
    x = np.array([-2.5, -0.0, 0.0, 0.7, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(_both(sg.sign, x), np.sign(x))
    np.testing.assert_array_equal(_both(sg.floor, x), np.floor(x))
    np.testing.assert_array_equal(_both(sg.ceil, x), np.ceil(x))
    y = np.array([-1.3, 0.2, 2.7])
    for fn in (sg.floor, sg.ceil, sg.round, sg.sign):
        np.testing.assert_array_equal(_grad(lambda v: fn(v) * v, y), fn_value(fn, y))


def fn_value(fn, y):
    """d/dv (fn(v) v) = fn(v) where fn is piecewise constant."""
    return {sg.floor: np.floor, sg.ceil: np.ceil, sg.round: np.round, sg.sign: np.sign}[fn](y)


def test_log2_and_exp2_are_exact_at_powers_of_two():
    k = np.arange(-20, 21, dtype=np.float64)
    np.testing.assert_array_equal(_both(sg.log2, 2.0 ** k), k)
    np.testing.assert_array_equal(_both(sg.exp2, k), 2.0 ** k)


# ------------------------------------------------------------------ activations
def test_softplus_and_log_sigmoid_do_not_overflow():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], np.float32)
    sp = _both(sg.softplus, x)
    np.testing.assert_allclose(sp, [0.0, np.exp(-50.0), np.log(2.0), 50.0, 1000.0], rtol=1e-6)
    ls = _both(sg.log_sigmoid, x)
    np.testing.assert_allclose(ls, [-1000.0, -50.0, -np.log(2.0), -np.exp(-50.0), 0.0], rtol=1e-6)
    g = _grad(sg.softplus, x.astype(np.float64))
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(g, 1 / (1 + np.exp(-x.astype(np.float64))), rtol=1e-12)


@pytest.mark.parametrize("slope", [0.01, -0.5, 3.0])
def test_leaky_relu_slope_and_its_gradient(slope):
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    assert_close(_both(lambda v: sg.leaky_relu(v, slope), x), np.where(x > 0, x, slope * x))
    # at 0 the rule takes the left slope (as torch; relu's is 0 there too)
    np.testing.assert_array_equal(_grad(lambda v: sg.leaky_relu(v, negative_slope=slope), x),
                                  [slope, slope, slope, 1.0, 1.0])


def test_leaky_relu_default_slope_is_0_01():
    m = sg.trace(sg.leaky_relu, np.zeros(2, np.float32))
    assert "negative_slope = 1.000000e-02 : f64" in str(m)


def test_elu_alpha():
    x = np.array([-30.0, -1.0, -1e-8, 0.0, 2.0])
    got = _both(lambda v: sg.elu(v, alpha=0.5), x)
    assert_close(got, np.where(x > 0, x, 0.5 * np.expm1(x)))
    assert got[2] == pytest.approx(-0.5e-8, rel=1e-12)  # expm1: no cancellation near 0
    np.testing.assert_allclose(_grad(lambda v: sg.elu(v, alpha=0.5), x), np.where(x > 0, 1.0, 0.5 * np.exp(x)),
                               rtol=1e-12)


def test_hardtanh_defaults_bounds_and_zero_gradient_at_the_bounds():
    x = np.array([-3.0, -1.0, -0.25, 0.5, 1.0, 3.0])
    assert_close(_both(sg.hardtanh, x), np.clip(x, -1, 1))
    assert_close(_both(lambda v: sg.hardtanh(v, 0.0, 6.0), x), np.clip(x, 0, 6))
    np.testing.assert_array_equal(_grad(sg.hardtanh, x), [0, 0, 1, 1, 0, 0])  # 0 at the bounds (torch)


def test_clip_gradient_at_the_bounds_is_jaxs():
    """jnp.clip is minimum(maximum(x, lo), hi) and JAX splits ties in halves: 1/2 at a bound."""
    x = np.array([-2.0, -0.5, 0.0, 1.0, 3.0])
    assert_close(_both(lambda v: sg.clip(v, -0.5, 1.0), x), np.clip(x, -0.5, 1.0))
    np.testing.assert_array_equal(_grad(lambda v: sg.clip(v, -0.5, 1.0), x), [0, 0.5, 1, 0.5, 0])
    # min == max: both ties, a quarter (as jax)
    np.testing.assert_array_equal(_grad(lambda v: sg.clip(v, 1.0, 1.0), x), [0, 0, 0, 0.25, 0])


def test_clip_one_sided_and_nan():
    x = np.array([-np.inf, -2.0, 0.5, 2.0, np.nan])
    np.testing.assert_array_equal(_both(lambda v: sg.clip(v, max=1.0), x), np.clip(x, None, 1.0))
    np.testing.assert_array_equal(_both(lambda v: sg.clip(v, min=0.0), x), np.clip(x, 0.0, None))


# ------------------------------------------------------------------ scans
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum_on_each_axis_from_either_end(axis, reverse, rng):
    x = rng.standard_normal((3, 4, 5))
    got = _both(lambda v: sg.cumsum(v, axis=axis, reverse=reverse), x)
    want = np.flip(np.cumsum(np.flip(x, axis), axis), axis) if reverse else np.cumsum(x, axis)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    # the adjoint is the cumulative sum in the other direction
    w = rng.standard_normal(x.shape)
    g = _grad(lambda v: sg.cumsum(v, axis=axis, reverse=reverse) * w, x)
    wa = np.flip(np.cumsum(np.flip(w, axis), axis), axis) if not reverse else np.cumsum(w, axis)
    np.testing.assert_allclose(g, wa, rtol=1e-12)


def test_cumsum_without_axis_flattens_like_numpy():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(_both(sg.cumsum, x), np.cumsum(x))


def test_cumsum_float32_is_numpys_sequential_sum():
    x = np.random.default_rng(1).standard_normal((2, 1000)).astype(np.float32)
    np.testing.assert_array_equal(_both(lambda v: sg.cumsum(v, 1), x), np.cumsum(x, 1))


def test_reverse_is_numpy_flip(rng):
    x = rng.standard_normal((2, 3, 4))
    for axes in (None, 0, (1, 2), -1, ()):
        assert_close(_both(lambda v: sg.reverse(v, axes), x), np.flip(x, axes) if axes != () else x)
    w = rng.standard_normal(x.shape)
    np.testing.assert_array_equal(_grad(lambda v: sg.reverse(v, (0, 2)) * w, x), np.flip(w, (0, 2)))


# ------------------------------------------------------------------ statistics
@pytest.mark.parametrize("ddof", [0, 1, 3])
def test_var_and_std_ddof(ddof, rng):
    x = rng.standard_normal((4, 5)).astype(np.float32)
    assert_close(_both(lambda v: sg.var(v, axis=1, ddof=ddof), x), np.var(x, axis=1, ddof=ddof))
    assert_close(_both(lambda v: sg.std(v, axis=0, ddof=ddof, keepdims=True), x),
                 np.std(x, axis=0, ddof=ddof, keepdims=True))
    x64 = x.astype(np.float64)
    n = 5
    np.testing.assert_allclose(_grad(lambda v: sg.var(v, axis=1, ddof=ddof), x64),
                               2 * (x64 - x64.mean(1, keepdims=True)) / (n - ddof), rtol=1e-12)


def test_var_is_two_pass_accurate():
    """A large offset does not cancel the variance away (the mean is subtracted first)."""
    x = (1e4 + np.array([0.0, 1.0, 2.0, 3.0])).astype(np.float32)
    assert _both(sg.var, x) == pytest.approx(1.25, rel=1e-6)


def test_std_and_norm_at_zero_have_a_zero_gradient():
    """Both are norms, not differentiable at 0: the rules give 0 there (jax gives NaN)."""
    z = np.zeros((2, 3))
    np.testing.assert_array_equal(_grad(lambda v: sg.norm(v, axis=1), z), np.zeros((2, 3)))
    np.testing.assert_array_equal(_grad(lambda v: sg.std(v, axis=1), np.ones((2, 3))), np.zeros((2, 3)))
    x = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(_grad(lambda v: sg.norm(v, axis=1), x), [[0.6, 0.8, 0.0], [0, 0, 0]], rtol=1e-15)


def test_norm_orders_match_numpy(rng):
    x = rng.standard_normal((3, 4))
    assert_close(_both(sg.norm, x), np.linalg.norm(x))
    assert_close(_both(lambda v: sg.norm(v, "fro"), x), np.linalg.norm(x, "fro"))
    assert_close(_both(lambda v: sg.norm(v, 2, axis=1), x), np.linalg.norm(x, 2, axis=1))
    assert_close(_both(lambda v: sg.norm(v, axis=0, keepdims=True), x), np.linalg.norm(x, axis=0, keepdims=True))


# ------------------------------------------------------------------ bad input
X = sg.TensorSpec((3, 4), np.float32)


@pytest.mark.parametrize("fn, error, message", [
    (lambda x: sg.hardtanh(x, 1.0, -1.0), ValueError, "'min_val' = 1.0 is greater than 'max_val' = -1.0"),
    (lambda x: sg.clip(x, 2.0, 1.0), ValueError, "'min' = 2.0 is greater than 'max' = 1.0"),
    (lambda x: sg.clip(x), ValueError, "give min, max or both"),
    (lambda x: sg.clip(x, x, 1.0), TypeError, "bounds are scalars"),
    (lambda x: sg.clip(x, float("nan"), 1.0), ValueError, "min must be a number, got NaN"),
    (lambda x: sg.leaky_relu(x, float("inf")), ValueError, "'negative_slope' must be finite"),
    (lambda x: sg.leaky_relu(x, "0.1"), TypeError, "negative_slope must be a real number"),
    (lambda x: sg.elu(x, True), TypeError, "alpha must be a real number"),
    (lambda x: sg.var(x, axis=1, ddof=-1), ValueError, "ddof -1 must be >= 0"),
    (lambda x: sg.std(x, axis=1, ddof=4), ValueError, "ddof 4 must be less than 4"),
    (lambda x: sg.var(x, ddof=1.5), TypeError, "ddof must be an integer"),
    (lambda x: sg.var(x, axis=2), ValueError, "axis (2,) out of range"),
    (lambda x: sg.cumsum(x, axis=2), ValueError, "axis (2,) out of range"),
    (lambda x: sg.reverse(x, (0, 0)), ValueError, "repeats an axis"),
    (lambda x: sg.norm(x, ord=1), ValueError, "ord 1 is not supported"),
    (lambda x: sg.norm(x, ord=2), ValueError, "ord=2 is a vector norm over one axis, got 2 axes"),
    (lambda x: sg.norm(x, ord="fro", axis=0), ValueError, "ord='fro' is a matrix norm over two axes, got 1 axes"),
])
def test_bad_parameters_are_clear_errors_at_the_call(fn, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")) as e:
        sg.trace(fn, X)
    assert "test_ops_float_set.py" in str(e.value) or error is TypeError  # located at the user's line
