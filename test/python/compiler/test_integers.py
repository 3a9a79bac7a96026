"""Integer (i32, i64) and boolean (i1) tensors through the public API: jit round trips, argument
checks before native code, gradients of functions with integer arguments (against float64 finite
differences), argmax/argmin ties and NaN, one_hot out of range, every cast against numpy, and the
errors: requires_grad on integers, mixed integer/float operands, float ops on integers."""
from __future__ import annotations

import itertools
import re
import warnings

import numpy as np
import pytest

import symgrad as sg

from sgtest import central_differences
from symgrad.dialects.graph.types import TensorType




DTYPES = [np.float32, np.float64, np.int32, np.int64, np.bool_]


def _both(fn, *args, name="f"):
    """fn interpreted and compiled: both results, which must be identical (integers are exact)."""
    m = sg.trace(fn, *args, name=name)
    want = sg.interpret(m, None, *args)
    got = sg.compile(m)[name](*args)
    got = got if isinstance(got, tuple) else (got,)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_array_equal(g, w)
    return want if len(want) > 1 else want[0]


# ------------------------------------------------------------------ round trips and checks
def test_int_and_bool_arrays_round_trip_through_jit():
    i32 = np.array([[-3, 0, 2 ** 31 - 1], [-2 ** 31, 5, 7]], np.int32)
    i64 = np.array([-2 ** 62, 3, 2 ** 40], np.int64)
    b = np.array([True, False, True])
    f = sg.jit(lambda a, c, m: (a, c, m, a + 1, c * 2, ~m, a.sum(axis=1), c.max(), a.T))
    out = f(i32, i64, b)
    want = (i32, i64, b, i32 + np.int32(1), i64 * 2, ~b, i32.sum(axis=1, dtype=np.int32), i64.max(), i32.T)
    assert len(out) == len(want)
    for got, w in zip(out, want):
        assert got.dtype == w.dtype and got.shape == w.shape, (got.dtype, w.dtype)
        np.testing.assert_array_equal(got, w)
    # integers wrap on overflow, as numpy's do
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(out[3], i32 + np.int32(1))
    assert out[3][0, 2] == -2 ** 31


def test_wrong_dtype_raises_before_native_code():
    f = sg.jit(lambda a, m: sg.where(m, a, 0))
    a, m = np.arange(4, dtype=np.int64), np.ones(4, bool)
    np.testing.assert_array_equal(f(a, m), a)
    cm = sg.compile(sg.trace(lambda a, m: sg.where(m, a, 0), a, m, name="f"))
    for args, given in [((a.astype(np.int32), m), "int32"), ((a.astype(np.float64), m), "float64"),
                        ((a, m.astype(np.int64)), "int64"), ((a, m.astype(np.uint8)), "uint8")]:
        with pytest.raises(TypeError, match=rf"expected dtype .* got {given}"):
            cm.f(*args)
    with pytest.raises(TypeError, match="argument 0 has dtype uint16"):
        f(a.astype(np.uint16), m)
    with pytest.raises(TypeError, match=r"out\[0\]: expected dtype int64"):
        cm.f(a, m, out=np.empty(4, np.int32))
    out = np.empty(4, np.int64)
    cm.f(a, m, out=out)
    np.testing.assert_array_equal(out, a)


def test_integer_constants_and_python_scalars_keep_the_integer_dtype():
    k = np.array([1, -2, 3], np.int32)
    got = _both(lambda k: (k + 1, 2 * k, k - np.array([1, 1, 1], np.int32), sg.constant(np.array([7, 8, 9], np.int64)),
                           sg.maximum(k, 0), -k, abs(k), k > 0), k)
    assert [g.dtype for g in got] == [np.int32] * 3 + [np.int64] + [np.int32] * 3 + [np.bool_]
    np.testing.assert_array_equal(got[0], [2, -1, 4])
    np.testing.assert_array_equal(got[3], [7, 8, 9])
    np.testing.assert_array_equal(got[4], [1, 0, 3])
    np.testing.assert_array_equal(got[6], [1, 2, 3])
    b = np.array([True, False])
    got = _both(lambda b: (b & True, b | False, b ^ True, sg.logical_not(b)), b)
    np.testing.assert_array_equal(np.stack(got), [[True, False], [True, False], [False, True], [False, True]])


# ------------------------------------------------------------------ errors
def test_mixed_integer_and_float_operands_ask_for_a_cast():
    x, k = np.ones(3, np.float32), np.ones(3, np.int32)
    with pytest.raises(sg.DTypeError, match=r"graph.add: operand 'rhs' has element type i32 but operand 'lhs' has "
                                             r"f32 .*does not promote types implicitly.*symgrad.cast"):
        sg.trace(lambda x, k: x + k, x, k)
    with pytest.raises(sg.DTypeError, match=r"has element type i64 but operand 'lhs' has i32"):
        sg.trace(lambda k, j: k * j, k, np.ones(3, np.int64))
    with pytest.raises(sg.DTypeError, match=r"the float 0.5 cannot be used with the i32 tensor .*cast the tensor first"):
        sg.trace(lambda k: k + 0.5, k)
    with pytest.raises(TypeError, match="cannot be used with a boolean tensor"):
        sg.trace(lambda m: m & 1, np.ones(3, bool))
    with pytest.raises(OverflowError, match="does not fit i32"):
        sg.trace(lambda k: k + 2 ** 40, k)
    # the cast fixes it, and is what the message asks for
    np.testing.assert_array_equal(_both(lambda x, k: x + k.astype(np.float32), x, k), np.full(3, 2, np.float32))


def test_float_only_op_on_an_integer_is_a_located_dtype_error():
    k = np.ones(3, np.int64)
    with pytest.raises(sg.DTypeError) as e:
        sg.trace(lambda k: sg.exp(k), k)  # the line the error names
    msg = str(e.value)
    assert "graph.exp: operand 'input' must have a float element type (f32 or f64), got tensor<3xi64>" in msg
    assert re.search(r"test_integers\.py:\d+\)$", msg), msg
    for fn in (lambda k: k @ k.reshape(3, 1), lambda k: k.mean(), lambda k: k / k, lambda k: sg.tanh(k)):
        with pytest.raises(sg.DTypeError, match="must have a float element type"):
            sg.trace(fn, k)


def test_an_integer_argument_never_requires_grad():
    x, k = np.ones(3), np.arange(3, dtype=np.int32)
    f = lambda x, k: (x * k.astype(np.float64)).sum()  # noqa: E731
    with pytest.raises(TypeError, match=r"sg.grad\(\w+\): argument 1 has dtype int32.*never require grad.*"
                                        r"remove 1 from argnums"):
        sg.grad(f, argnums=1)(x, k)
    with pytest.raises(TypeError, match=r"argument 1 has dtype bool"):
        sg.grad(lambda x, m: sg.where(m, x, 0.0).sum(), argnums=(0, 1))(x, k > 0)
    with pytest.raises(sg.IRError, match=r"argument #1 of type tensor<3xi32> is marked \{graph.requires_grad\}, "
                                         r"but it is an integer tensor"):
        sg.trace(f, x, k, requires_grad=[1])
    with pytest.raises(sg.IRError, match=r"@f: argument #1 of type tensor<3xi32> is marked"):
        sg.differentiate(sg.trace(f, x, k, name="f"), requires_grad=True)


# ------------------------------------------------------------------ gradients with integer arguments
def _f(x, k, m):
    """Uses the integer argument through a cast and a mask, and the float one through both."""
    w = k.astype(np.float64)
    y = sg.where(m, sg.tanh(x) * w, x * x)
    z = sg.one_hot(sg.argmax(x * w, axis=1), 4, dtype=np.float64) * x  # integer intermediates
    return y.sum() + (z * (k > 0).astype(np.float64)).sum() + (x * w).sum()


def test_grad_with_integer_arguments_matches_finite_differences(rng):
    x = rng.uniform(-1.5, 1.5, (3, 4))
    k = rng.integers(-3, 4, (3, 4)).astype(np.int32)
    m = rng.random((3, 4)) < 0.5
    g = sg.grad(_f)(x, k, m)
    m_ = sg.trace(_f, x, k, m)
    numeric = central_differences(lambda v: sg.interpret(m_, None, v, k, m)[0], x)
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)
    value, g2 = sg.value_and_grad(_f)(x, k, m)
    np.testing.assert_allclose(g2, g, rtol=1e-12)
    np.testing.assert_allclose(value, sg.interpret(m_, None, x, k, m)[0], rtol=1e-12)
    # the Gradient contract: only the float argument has a gradient; the adjoint takes no integer vjp
    grad = sg.differentiate(m_, requires_grad=[0])
    assert grad.df_output_vjps == (0,)
    outs, saved = sg.compile(grad).forward(x, k, m)
    (dx,) = sg.compile(grad).backward(saved, np.ones(()))
    np.testing.assert_allclose(dx, g, rtol=1e-12)
    # sg.vjp: one gradient per argument, None for the integer and boolean ones
    out, vjp_fn = sg.vjp(lambda x, k, m: sg.where(m, x * k.astype(np.float64), x), x, k, m)
    dx, dk, dm = vjp_fn(np.ones_like(out))
    assert dk is None and dm is None
    np.testing.assert_array_equal(dx, np.where(m, k, 1.0))


# ------------------------------------------------------------------ argmax / argmin / one_hot
def test_argmax_and_argmin_take_the_first_of_ties_and_nan_counts_as_the_extremum():
    x = np.array([[1.0, 3.0, 3.0, 0.0], [np.nan, 2.0, np.nan, 9.0], [-np.inf, -np.inf, -np.inf, -np.inf],
                  [2.0, np.nan, 5.0, -1.0], [0.0, -0.0, 0.0, -0.0]])
    for dt in (np.float32, np.float64):
        xs = x.astype(dt)
        got = _both(lambda v: (sg.argmax(v, axis=1), sg.argmin(v, axis=1), sg.argmax(v, axis=0), sg.argmax(v),
                               v.argmin(axis=0, keepdims=True)), xs)
        want = (np.argmax(xs, 1), np.argmin(xs, 1), np.argmax(xs, 0), np.argmax(xs), np.argmin(xs, 0, keepdims=True))
        for g, w in zip(got, want):
            assert g.dtype == np.int64 and g.shape == np.shape(w)
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(np.argmax(x, 1), [1, 0, 0, 1, 0])  # the semantics itself, spelled out
    k = np.array([[4, -1, 4], [-7, -7, 2]], np.int32)
    got = _both(lambda k: (sg.argmax(k, 1), sg.argmin(k, 1), sg.argmax(k, 0)), k)
    np.testing.assert_array_equal(got[0], [0, 2])
    np.testing.assert_array_equal(got[1], [1, 0])
    np.testing.assert_array_equal(got[2], [0, 0, 0])
    with pytest.raises(ValueError, match="empty axis"):
        sg.trace(lambda v: sg.argmax(v, axis=1), np.zeros((2, 0)))


def test_one_hot_out_of_range_labels_give_zero_rows():
    labels = np.array([[0, 3], [-1, 4], [2, 100]], np.int64)
    got = _both(lambda l: (sg.one_hot(l, 4), sg.one_hot(l, 4, dtype=np.int32), sg.one_hot(l.astype(np.int32), 4,
                                                                                         dtype=bool)), labels)
    want = np.zeros((3, 2, 4), np.float32)
    for (i, j), v in np.ndenumerate(labels):
        if 0 <= v < 4:
            want[i, j, v] = 1
    np.testing.assert_array_equal(got[0], want)
    assert got[0].dtype == np.float32 and got[1].dtype == np.int32 and got[2].dtype == np.bool_
    np.testing.assert_array_equal(got[1], want.astype(np.int32))
    np.testing.assert_array_equal(got[2], want.astype(bool))
    with pytest.raises(sg.DTypeError, match="labels' must have an integer element type"):
        sg.trace(lambda v: sg.one_hot(v, 3), np.zeros(2, np.float32))


# ------------------------------------------------------------------ casts
CAST_VALUES = np.array([-3.7, -2.5, -1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0, 1.9999, 2.5, 7.0, 100.25, -100.25,
                        3e9, -3e9, 1e19, -1e19])


def _values_of(dt):
    if np.dtype(dt).kind == "f":
        return CAST_VALUES.astype(dt)
    if np.dtype(dt) == np.bool_:
        return np.array([True, False, True])
    info = np.iinfo(dt)
    return np.array([info.min, info.min + 1, -7, -1, 0, 1, 2, 7, info.max - 1, info.max, 2 ** 24 + 1], dt)


@pytest.mark.parametrize("src,dst", list(itertools.product(DTYPES, DTYPES)),
                         ids=[f"{np.dtype(a).name}-{np.dtype(b).name}" for a, b in itertools.product(DTYPES, DTYPES)])
def test_cast_matches_numpy_astype(src, dst):
    """All 25 pairs, interpreted and compiled, against numpy's astype where numpy defines it (a float
    that has no integer of the target type is left out: numpy calls that undefined)."""
    v = _values_of(src)
    got = _both(lambda a: (a.astype(dst), sg.cast(a, dst)), v)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = v.astype(dst)
    for g in got:
        assert g.dtype == np.dtype(dst) and g.shape == v.shape
        defined = np.ones(v.shape, bool)
        if np.dtype(src).kind == "f" and np.dtype(dst).kind == "i":
            info = np.iinfo(dst)
            defined = (v >= info.min) & (v < -float(info.min))
        np.testing.assert_array_equal(g[defined], want[defined])
        if not defined.all():  # documented: the smallest integer (what numpy gives on x86)
            assert (g[~defined] == np.iinfo(dst).min).all()


@pytest.mark.parametrize("src", [np.float32, np.float64])
@pytest.mark.parametrize("dst", [np.int32, np.int64, np.bool_])
def test_cast_of_nan_and_inf_is_defined_and_never_crashes(src, dst):
    v = np.array([np.nan, np.inf, -np.inf, -np.nan, 1.5], src)
    got = _both(lambda a: a.astype(dst), v)
    if np.dtype(dst) == np.bool_:
        np.testing.assert_array_equal(got, [True, True, True, True, True])  # numpy: x != 0
    else:
        np.testing.assert_array_equal(got, [np.iinfo(dst).min] * 4 + [1])


def test_cast_gradient_between_floats_and_none_through_integers(rng):
    x = rng.uniform(-3, 3, 5)
    g = sg.grad(lambda v: (v.astype(np.float32).astype(np.float64) * v).sum())(x)
    np.testing.assert_allclose(g, 2 * x.astype(np.float32).astype(np.float64), rtol=1e-6)
    # through an integer the value is piecewise constant: zero gradient, as jax gives
    g = sg.grad(lambda v: (v.astype(np.int32).astype(np.float64) * v).sum())(x)
    np.testing.assert_array_equal(g, np.trunc(x))


def test_dtype_spellings():
    k = np.ones(2, np.int64)
    for spelling, want in [(np.int32, "i32"), ("int32", "i32"), ("i32", "i32"), (int, "i64"), (float, "f64"),
                           (bool, "i1"), (np.dtype("float32"), "f32"), ("bool", "i1")]:
        m = sg.trace(lambda a: sg.cast(a, spelling), k)
        with m.context:
            assert TensorType.from_mlir(m.function().type.results[0]).dtype == want, spelling
    with pytest.raises(TypeError, match="is not a dtype|not supported"):
        sg.trace(lambda a: a.astype("int8"), k)
    with pytest.raises(TypeError):
        sg.trace(lambda a: a.astype("nonsense"), k)
