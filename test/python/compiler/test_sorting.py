"""sg.sort, sg.argsort, sg.sort_with_indices and sg.topk: compiled and interpreted against each
other (exactly, indices included) and against expectations written with numpy: NaN placement,
stable ties, signed zeros, integers at their extremes, every axis, k, empty axes; gradients
against float64 finite differences, with only the indices used, only the values, or both; and
the front-end's errors."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg



def _both(fn, *args):
    """fn's results interpreted and compiled, which must agree bit for bit; returns them."""
    m = sg.trace(fn, *args, name="f")
    want = sg.interpret(m, None, *args)
    got = sg.compile(m).f(*args)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.view(f"u{a.dtype.itemsize}"), b.view(f"u{b.dtype.itemsize}"))
    return want if len(want) > 1 else want[0]


def _descending(x, axis):
    """Largest first, ties by lower index, NaN first, written with numpy: a stable argsort of
    the negated values, NaNs moved to the front in index order."""
    x = np.moveaxis(x, axis, -1)
    out = np.empty(x.shape, np.int64)
    for pos in np.ndindex(*x.shape[:-1]):
        row = x[pos]
        nan = np.flatnonzero(np.isnan(row)) if row.dtype.kind == "f" else np.array([], np.int64)
        rest = np.flatnonzero(~np.isnan(row)) if row.dtype.kind == "f" else np.arange(row.size)
        keys = -row[rest].astype(np.float64)
        out[pos] = np.concatenate([nan, rest[np.argsort(keys, kind="stable")]])
    return np.moveaxis(out, -1, axis)


# ------------------------------------------------------------------ values and indices
@pytest.mark.parametrize("shape,axis", [((7,), 0), ((3, 5), 1), ((3, 5), 0), ((2, 3, 4), 1), ((2, 3, 4), -1),
                                        ((4, 1, 3), 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sort_and_argsort_match_numpys_stable_sort(shape, axis, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    v, i = _both(lambda a: (sg.sort(a, axis), sg.argsort(a, axis)), x)
    np.testing.assert_array_equal(v, np.sort(x, axis, kind="stable"))
    np.testing.assert_array_equal(i, np.argsort(x, axis, kind="stable"))
    v, i = _both(lambda a: sg.sort_with_indices(a, axis, descending=True), x)
    np.testing.assert_array_equal(i, _descending(x, axis))
    np.testing.assert_array_equal(v, np.take_along_axis(x, i, axis))


def test_ties_keep_index_order_both_ways(rng):
    x = rng.integers(0, 3, (4, 9)).astype(np.float32)  # many equal values per row
    v, i = _both(lambda a: sg.sort_with_indices(a, axis=1), x)
    np.testing.assert_array_equal(i, np.argsort(x, 1, kind="stable"))
    v, i = _both(lambda a: sg.sort_with_indices(a, axis=1, descending=True), x)
    np.testing.assert_array_equal(i, _descending(x, 1))
    assert all((np.diff(row[v_row == val]) > 0).all() for row, v_row in zip(i, v) for val in np.unique(v_row))


def test_nan_inf_and_signed_zeros():
    x = np.array([np.nan, 1.0, -np.inf, -0.0, np.nan, 0.0, np.inf, -1.0, 0.0, -0.0])
    v, i = _both(lambda a: sg.sort_with_indices(a, axis=0), x)
    np.testing.assert_array_equal(i, np.argsort(x, kind="stable"))  # NaNs last, in index order
    np.testing.assert_array_equal(i, [2, 7, 3, 5, 8, 9, 1, 6, 0, 4])
    np.testing.assert_array_equal(np.signbit(v), np.signbit(x[i]))  # -0.0 and 0.0 keep their order
    v, i = _both(lambda a: sg.sort_with_indices(a, axis=0, descending=True), x)
    np.testing.assert_array_equal(i, [0, 4, 6, 1, 3, 5, 8, 9, 7, 2])  # NaNs first, then largest first
    v, i = _both(lambda a: sg.topk(a, 3), x)
    np.testing.assert_array_equal(i, [0, 4, 6])
    assert np.isnan(v[:2]).all() and v[2] == np.inf


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integers_at_their_extremes(dtype, rng):
    info = np.iinfo(dtype)
    x = np.array([3, info.min, info.max, -1, 0, info.min, 7, info.max, 3], dtype)
    v, i = _both(lambda a: sg.sort_with_indices(a, 0), x)
    np.testing.assert_array_equal(i, np.argsort(x, kind="stable"))
    np.testing.assert_array_equal(v, np.sort(x))
    v, i = _both(lambda a: sg.topk(a, 4), x)  # descending without negating (-min overflows)
    np.testing.assert_array_equal(i, [2, 7, 6, 0])
    y = rng.integers(-5, 5, (3, 6)).astype(dtype)
    v, i = _both(lambda a: sg.sort_with_indices(a, 0, descending=True), y)
    np.testing.assert_array_equal(i, _descending(y, 0))
    assert v.dtype == dtype and i.dtype == np.int64


@pytest.mark.parametrize("shape,k,axis", [((5,), 2, 0), ((3, 6), 6, 1), ((3, 6), 1, 0), ((2, 4, 3), 3, 1),
                                          ((2, 4, 3), 0, 2)])
def test_topk_is_the_head_of_a_descending_sort(shape, k, axis, rng):
    x = rng.standard_normal(shape).astype(np.float32)
    v, i = _both(lambda a: sg.topk(a, k, axis), x)
    want = np.take(_descending(x, axis), np.arange(k), axis=axis)
    np.testing.assert_array_equal(i, want)
    np.testing.assert_array_equal(v, np.take_along_axis(x, want, axis))
    assert v.shape == i.shape == tuple(k if d == axis % len(shape) else s for d, s in enumerate(shape))


def test_axis_none_flattens_like_numpy(rng):
    x = rng.standard_normal((3, 4))
    np.testing.assert_array_equal(_both(lambda a: sg.sort(a, axis=None), x), np.sort(x, axis=None))
    np.testing.assert_array_equal(_both(lambda a: sg.argsort(a, axis=None), x), np.argsort(x, axis=None, kind="stable"))


def test_empty_axes_and_a_long_row(rng):
    e = np.zeros((3, 0), np.float32)
    v, i = _both(lambda a: sg.sort_with_indices(a, 1), e)
    assert v.shape == i.shape == (3, 0)
    v, i = _both(lambda a: sg.topk(a, 0), rng.standard_normal((2, 3)))
    assert v.shape == i.shape == (2, 0)
    x = rng.standard_normal(1500).astype(np.float32)
    x[::7] = x[3]  # ties in a long row
    np.testing.assert_array_equal(_both(lambda a: sg.argsort(a), x), np.argsort(x, kind="stable"))


# ------------------------------------------------------------------ gradients
def _numeric_vjp(fn, x, cts, eps=1e-6):
    """d<cts, fn(x)>/dx by float64 central differences, one element at a time."""
    g = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e.reshape(-1)[k] = eps
        plus, minus = fn(x + e), fn(x - e)
        g.reshape(-1)[k] = sum(float(np.sum(c * (p - q))) for c, p, q in zip(cts, plus, minus)) / (2 * eps)
    return g


def _check_grad(fn, x, rng):
    """sg.vjp of fn natively and interpreted vs float64 central differences, cotangents random."""
    m = sg.trace(fn, x)
    outs = sg.interpret(m, None, x)
    cts = [rng.standard_normal(o.shape) if o.dtype.kind == "f" else np.zeros(o.shape) for o in outs]
    numeric = _numeric_vjp(lambda a: sg.interpret(m, None, a), x, cts)
    g = sg.differentiate(m, requires_grad=[0])
    vjps = [cts[i] for i in g.df_input_vjps if i < g.f_real_outputs]
    _, (interpreted,) = sg.interpret(g, x, vjps=vjps)
    _, saved = sg.compile(g).forward(x)
    (native,) = sg.compile(g).backward(saved, *vjps)
    np.testing.assert_allclose(interpreted, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(native, interpreted, rtol=1e-13, atol=0)
    return interpreted


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_sorted_values_feed_the_loss(axis, rng):
    x = rng.standard_normal((2, 3, 4))
    _check_grad(lambda a: sg.sort(a, axis) * sg.sort(a, axis, descending=True), x, rng)


def test_topk_values_feed_the_loss(rng):
    x = rng.standard_normal((3, 5))
    g = _check_grad(lambda a: sg.tanh(sg.topk(a, 2, axis=1)[0]), x, rng)
    assert (np.count_nonzero(g, axis=1) == 2).all()  # only the top two of each row get a gradient


def test_only_the_indices_are_used(rng):
    """No cotangent reaches the values: the gradient is what the other path gives (here x's
    weight, the float index), and the indices result carries none."""
    x = rng.standard_normal((3, 4))
    _check_grad(lambda a: a * sg.argsort(a, axis=1).astype(np.float64), x, rng)
    g = sg.grad(lambda a: (a * sg.argsort(a, axis=1).astype(np.float64)).sum())(x)
    np.testing.assert_array_equal(g, np.argsort(x, axis=1, kind="stable"))
    # a loss of the indices alone is piecewise constant: a zero gradient, natively too
    np.testing.assert_array_equal(sg.grad(lambda a: sg.topk(a, 2)[1].astype(np.float64).sum())(x), np.zeros_like(x))


def test_values_and_indices_both_feed_the_loss(rng):
    x = rng.standard_normal((4, 6))
    _check_grad(lambda a: (lambda v, i: (v * i.astype(np.float64), v, i))(*sg.topk(a, 3, axis=1)), x, rng)
    _check_grad(lambda a: sg.sort_with_indices(a, axis=0, descending=True), x, rng)


def test_sg_grad_of_a_sorted_loss(rng):
    x = rng.standard_normal(6)
    w = np.arange(6.0)
    g = sg.grad(lambda a: (sg.sort(a) * w).sum())(x)
    want = np.zeros(6)
    want[np.argsort(x, kind="stable")] = w  # each weight goes to the element sorted into its slot
    np.testing.assert_array_equal(g, want)


# ------------------------------------------------------------------ bad input
X = sg.TensorSpec((3, 4), np.float32)


@pytest.mark.parametrize("fn, error, message", [
    (lambda x: sg.topk(x, 5), ValueError, r"k = 5 must be in \[0, 4\]"),
    (lambda x: sg.topk(x, -1, axis=0), ValueError, r"k = -1 must be in \[0, 3\]"),
    (lambda x: sg.topk(x, 2.0), TypeError, "k must be an integer"),
    (lambda x: sg.sort(x, axis=2), ValueError, r"axis \(2,\) out of range"),
    (lambda x: sg.argsort(x, axis=1.5), TypeError, "axis must be an integer or None"),
    (lambda x: sg.sort(x, descending="yes"), TypeError, "descending must be True or False"),
    (lambda x: sg.sort(x > 0), ValueError, "must have a numeric element type"),
    (lambda x: sg.topk(np.ones(3), 1), TypeError, "expected a symbolic tensor"),
])
def test_bad_arguments_are_clear_errors_at_the_call(fn, error, message):
    with pytest.raises(error, match=message) as e:
        sg.trace(fn, X)
    assert "test_sorting.py" in str(e.value) or error is TypeError  # located at the user's line
