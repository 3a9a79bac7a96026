"""Floor division and remainder (`//`, `%`; issue 14) and integer cumsum: compiled == interpreted ==
numpy for every pair of edge integers (zero divisors, INT_MIN // -1) and of special floats (bit
for bit), the operators with scalars on either side, gradients, and integer prefix sums that wrap."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg

INTS = [np.int32, np.int64]
FLOATS = [np.float32, np.float64]


def _edge_ints(dt):
    info = np.iinfo(dt)
    return np.array([info.min, info.min + 1, info.max, info.max - 1, -1, 0, 1, 2, -2, 3, -3, 7, -7, 2 ** 16,
                     -(2 ** 16)], dt)


def _numpy(f, a, b):
    with np.errstate(all="ignore"):
        return f(a, b)


def _both(fn, *args):
    m = sg.trace(fn, *args, name="f")
    want = sg.interpret(m, None, *args)
    got = sg.compile(m).f(*args)
    got = got if isinstance(got, tuple) else (got,)
    return got, want


@pytest.mark.parametrize("dt", INTS, ids=lambda d: np.dtype(d).name)
def test_integer_division_of_every_edge_pair(dt):
    v = _edge_ints(dt)
    a, b = v[:, None], v[None, :]
    got, want = _both(lambda a, b: (a // b, a % b, sg.floor_divide(a, b), sg.remainder(a, b)), a, b)
    q, r = _numpy(np.floor_divide, a, b), _numpy(np.remainder, a, b)
    for g, w, n in zip(got, want, (q, r, q, r)):
        assert g.dtype == w.dtype == dt
        np.testing.assert_array_equal(w, n)
        np.testing.assert_array_equal(g, w)
    # the decisions, spelled out: x // 0 == x % 0 == 0, INT_MIN // -1 wraps, x % -1 == 0
    zero = list(v).index(0)
    assert not got[0][:, zero].any() and not got[1][:, zero].any()
    info = np.iinfo(dt)
    assert got[0][0, list(v).index(-1)] == info.min and not got[1][:, list(v).index(-1)].any()
    # numpy's identity a == (a // b) * b + a % b where b != 0 (with wrapping)
    with np.errstate(all="ignore"):
        a2, b2 = np.broadcast_arrays(a, b)
        np.testing.assert_array_equal(np.where(b2 != 0, got[0] * b2 + got[1], a2), a2)


@pytest.mark.parametrize("dt", INTS, ids=lambda d: np.dtype(d).name)
def test_operators_with_scalars_on_either_side(dt):
    x = _edge_ints(dt)
    got, want = _both(lambda x: (x // 3, x % 3, 7 // x, -7 % x, x // -1, x % 0), x)
    expected = [_numpy(np.floor_divide, x, dt(3)), _numpy(np.remainder, x, dt(3)), _numpy(np.floor_divide, dt(7), x),
                _numpy(np.remainder, dt(-7), x), _numpy(np.floor_divide, x, dt(-1)), np.zeros_like(x)]
    for g, w, e in zip(got, want, expected):
        np.testing.assert_array_equal(w, e)
        np.testing.assert_array_equal(g, w)
    assert (_numpy(np.remainder, x, dt(3)) >= 0).all()  # the divisor's sign


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-30, 3.0, -3.0, 0.5, -0.5, 7.0, -7.0, 2.5,
                    1e-310, 5e-324, 123456.789])


@pytest.mark.parametrize("dt", FLOATS, ids=lambda d: np.dtype(d).name)
def test_float_division_is_numpys_bit_for_bit(dt):
    v = SPECIAL.astype(dt)
    a, b = v[:, None], v[None, :]
    got, want = _both(lambda a, b: (a // b, a % b), a, b)
    u = np.uint32 if dt == np.float32 else np.uint64
    for g, w, n in zip(got, want, (_numpy(np.floor_divide, a, b), _numpy(np.remainder, a, b))):
        for x in (g, w):
            same = (x.view(u) == n.view(u)) | (np.isnan(x) & np.isnan(n))
            assert same.all(), np.argwhere(~same)[:5]


def test_float_gradients():
    """remainder: (g, -g floor(a / b)); floor_divide: zero. Away from the jumps, against float64
    central differences."""
    rng = np.random.default_rng(1)
    a = rng.uniform(-5, 5, (4, 5))
    b = rng.uniform(0.5, 2, (5,)) * np.array([1, -1, 1, -1, 1])
    da, db = sg.grad(lambda a, b: (a % b * a).sum(), argnums=(0, 1))(a, b)
    r, q = np.remainder(a, b), np.floor_divide(a, b)
    np.testing.assert_allclose(da, r + a, rtol=1e-12)
    np.testing.assert_allclose(db, (-q * a).sum(axis=0), rtol=1e-12)
    f = sg.jit(lambda a, b: (a % b * a).sum())
    eps = 1e-7
    fd = np.zeros_like(b)
    for i in range(b.size):
        plus, minus = b.copy(), b.copy()
        plus[i] += eps
        minus[i] -= eps
        fd[i] = (f(a, plus) - f(a, minus)) / (2 * eps)
    np.testing.assert_allclose(db, fd, rtol=1e-6, atol=1e-6)
    dq = sg.grad(lambda a, b: (a // b * a).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(dq[0], q, rtol=1e-12)  # only the outer factor's a
    np.testing.assert_array_equal(dq[1], np.zeros_like(b))


def test_mixed_and_float_scalar_operands_are_errors():
    with pytest.raises(sg.DTypeError, match="float"):
        sg.trace(lambda x: x // 2.0, np.arange(3, dtype=np.int32))
    with pytest.raises(sg.DTypeError):
        sg.trace(lambda x, y: x % y, np.arange(3, dtype=np.int32), np.arange(3, dtype=np.int64))


@pytest.mark.parametrize("dt", INTS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("reverse", [False, True])
def test_integer_cumsum_wraps_as_numpy(dt, reverse):
    info = np.iinfo(dt)
    x = np.array([[info.max, 1, 5, -3, info.min, -1], [7, 7, 7, 7, 7, 7]], dt)
    got, want = _both(lambda x: sg.cumsum(x, axis=1, reverse=reverse), x)
    with np.errstate(all="ignore"):
        flipped = x[:, ::-1] if reverse else x
        expected = np.cumsum(flipped, axis=1, dtype=dt)
        expected = expected[:, ::-1] if reverse else expected
    np.testing.assert_array_equal(want[0], expected)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[0].dtype == dt
    # a long axis, flattened (axis=None)
    y = np.arange(-500, 500, dtype=dt).reshape(10, 100)
    got, want = _both(lambda y: sg.cumsum(y), y)
    np.testing.assert_array_equal(got[0], np.cumsum(y, dtype=dt))
