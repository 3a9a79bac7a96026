"""symgrad.random and graph.random_bits (issue 14): the Threefry-2x32 block function against
Random123's known answers, the same bits interpreted, compiled and from numpy keys on any thread
count, statistics of the distributions, independent split streams, keys as runtime arguments
(no recompilation) and dropout."""
from __future__ import annotations

import math

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph import threefry
from symgrad.runtime import threads

# Known-answer vectors of threefry2x32 with 20 rounds, from Random123's kat_vectors file
# (Random123 1.x, D. E. Shaw Research: "threefry2x32 20 <ctr0> <ctr1> <key0> <key1> <out0> <out1>").
KAT = [
    # counter                   key                        expected output
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6b200159, 0x99ba4efe)),
    ((0xffffffff, 0xffffffff), (0xffffffff, 0xffffffff), (0x1cb996fc, 0xbb002be7)),
    ((0x243f6a88, 0x85a308d3), (0x13198a2e, 0x03707344), (0xc4923a9c, 0x483df7a0)),
]


def _u32(words):
    return np.array(words, np.uint64).astype(np.uint32)


@pytest.mark.parametrize("counter, key, expected", KAT)
def test_block_function_matches_random123_known_answers(counter, key, expected):
    out = threefry.threefry2x32(_u32(key), _u32(counter).reshape(2, 1))
    assert [int(v) for v in out.ravel()] == list(expected)


def _scalar_threefry(key, counter):
    """The block function on Python ints, one round at a time (an independent transcription)."""
    m = threefry.MASK32
    k = [key[0], key[1], key[0] ^ key[1] ^ 0x1BD11BDA]
    x = [(counter[0] + k[0]) & m, (counter[1] + k[1]) & m]
    for r in range(20):
        x[0] = (x[0] + x[1]) & m
        s = (13, 15, 26, 6, 17, 29, 16, 24)[r % 8]
        x[1] = (((x[1] << s) | (x[1] >> (32 - s))) & m) ^ x[0]
        if r % 4 == 3:
            i = (r + 1) // 4
            x[0] = (x[0] + k[i % 3]) & m
            x[1] = (x[1] + k[(i + 1) % 3] + i) & m
    return x


@pytest.mark.parametrize("counter, key, expected", KAT)
def test_compiled_block_function_matches_known_answers(counter, key, expected):
    """The lowering's rounds on i32, through graph.random_bits: element 2j + w of the bits is
    word w of the block at counter j, so a key and a counter (0, j) give the known answer."""
    assert _scalar_threefry(key, counter) == list(expected)
    if counter[0] == 0:  # bits reach counters (0, j): check the compiled kernel at j = counter[1]
        j = counter[1]
        k = _u32(key).view(np.int32)
        f = sg.jit(lambda k: sg.random.bits(k, (2 * (j + 1),)))
        got = f(k).view(np.uint32)[2 * j:2 * j + 2]
        assert [int(v) for v in got] == list(expected)


def test_bits_are_the_block_function_of_each_counter():
    key = sg.random.key(2 ** 40 + 17)
    assert key.dtype == np.int32 and [int(v) for v in key.view(np.uint32)] == [256, 17]
    got = sg.random.bits(key, (3, 5)).view(np.uint32).ravel()
    for i, v in enumerate(got):
        assert int(v) == _scalar_threefry((256, 17), (0, i // 2))[i % 2]


SHAPES = [(), (1,), (7,), (3, 4), (2, 1, 3), (0, 4), (1000,), (129, 33)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_interpreted_compiled_and_numpy_bits_agree(shape):
    key = sg.random.key(7)
    m = sg.trace(lambda k: (sg.random.bits(k, shape), sg.random.uniform(k, shape), sg.random.uniform(k, shape, np.float64)),
                 key, name="f")
    want = sg.interpret(m, None, key)
    got = sg.compile(m).f(key)
    numpy_side = (sg.random.bits(key, shape), sg.random.uniform(key, shape), sg.random.uniform(key, shape, np.float64))
    for g, w, n in zip(got, want, numpy_side):
        assert g.dtype == w.dtype == n.dtype and g.shape == w.shape == n.shape == shape
        np.testing.assert_array_equal(g, w)  # exact: integers, and exact integer-to-float conversions
        np.testing.assert_array_equal(n, w)


@pytest.mark.parametrize("n_threads", [1, 2, 4])
def test_bits_do_not_depend_on_the_thread_count(n_threads):
    """A shape big enough for the loops to be split into tasks; every element from its counter."""
    key = sg.random.key(99)
    shape = (512, 1024)
    want = sg.random.bits(key, shape)
    threads.set_num_threads(n_threads)
    try:
        m = sg.trace(lambda k: (sg.random.bits(k, shape), sg.random.normal(k, (300, 700))), key, name="f")
        bits, z = sg.compile(m).f(key)
    finally:
        threads.set_num_threads(None)
    np.testing.assert_array_equal(bits, want)
    np.testing.assert_allclose(z, sg.random.normal(key, (300, 700)), rtol=2e-5, atol=2e-6)


def test_two_draws_of_different_shapes_from_one_key_compile():
    """Two random_bits kernels read the same (broadcast) key words: merge-sibling-generics once
    merged them across shapes and produced invalid IR."""
    key = sg.random.key(3)
    f = sg.jit(lambda k: (sg.random.bits(k, (1000,)), sg.random.bits(k, (5,))))
    a, b = f(key)
    np.testing.assert_array_equal(a, sg.random.bits(key, (1000,)))
    np.testing.assert_array_equal(b, a[:5])  # same key, same counters: a prefix


# ------------------------------------------------------------------ statistics
N = 1 << 20


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_uniform_moments_and_range(dtype):
    u = sg.jit(lambda k: sg.random.uniform(k, (N,), dtype))(sg.random.key(11))
    assert u.dtype == dtype and u.min() >= 0.0 and u.max() < 1.0
    # mean 1/2 (sd 1/sqrt(12 N)), variance 1/12 (sd ~ 0.0745/sqrt(N)): 6 standard deviations
    assert abs(u.mean() - 0.5) < 6 / math.sqrt(12 * N)
    assert abs(u.var() - 1 / 12) < 6 * 0.0745 / math.sqrt(N)
    counts = np.bincount((u * 16).astype(np.int64), minlength=16)  # chi-square, 15 dof: < 50 by far
    assert ((counts - N / 16) ** 2 / (N / 16)).sum() < 50
    # f32 uses 23 bits, f64 52: every value is a multiple of 2^-23 / 2^-52
    bits = 23 if dtype == np.float32 else 52
    assert np.all(np.ldexp(u.astype(np.float64), bits) % 1 == 0)
    if dtype == np.float64:
        assert np.any(np.ldexp(u, 23) % 1 != 0)  # ... and f64 really has more than 23


def test_uniform_bounds():
    key = sg.random.key(5)
    u = sg.jit(lambda k: sg.random.uniform(k, (10000,), np.float32, -3.0, 2.0))(key)
    assert u.min() >= -3.0 and u.max() < 2.0 and abs(u.mean() + 0.5) < 0.06
    np.testing.assert_array_equal(u, sg.random.uniform(key, (10000,), np.float32, -3.0, 2.0))
    # rounding never reaches maxval, even where minval + (maxval - minval) * u would
    tight = sg.random.uniform(key, (1000,), np.float32, 1.0, float(np.nextafter(np.float32(1), np.float32(2))))
    assert np.all(tight == np.float32(1.0))
    for bad in [dict(minval=1.0, maxval=1.0), dict(minval=2.0, maxval=1.0), dict(maxval=math.inf)]:
        with pytest.raises(ValueError, match="symgrad.random.uniform"):
            sg.random.uniform(key, (3,), **bad)
    with pytest.raises(TypeError, match="float32 or float64"):
        sg.random.uniform(key, (3,), np.int32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normal_moments(dtype):
    z = sg.jit(lambda k: sg.random.normal(k, (N,), dtype))(sg.random.key(12)).astype(np.float64)
    assert np.all(np.isfinite(z))
    se = 1 / math.sqrt(N)
    assert abs(z.mean()) < 6 * se
    assert abs(z.var() - 1) < 6 * math.sqrt(2) * se
    assert abs(np.mean(z ** 3)) < 6 * math.sqrt(15) * se  # skewness 0
    assert abs(np.mean(z ** 4) - 3) < 6 * math.sqrt(96) * se  # kurtosis 3
    assert abs(np.mean(z < -1.0) - 0.15865525393145707) < 6 * 0.37 * se  # the tail mass


def test_bernoulli_frequency():
    key = sg.random.key(13)
    for p in (0.0, 0.3, 1.0):
        b = sg.jit(lambda k: sg.random.bernoulli(k, p, (N,)))(key)
        assert b.dtype == np.bool_
        assert abs(b.mean() - p) < 6 * math.sqrt(p * (1 - p) / N) + 1e-12
        np.testing.assert_array_equal(b, sg.random.bernoulli(key, p, (N,)))
    with pytest.raises(ValueError, match="probability"):
        sg.random.bernoulli(key, 1.5, (3,))


# ------------------------------------------------------------------ keys
def test_split_gives_independent_streams():
    key = sg.random.key(0)
    keys = sg.random.split(key, 4)
    assert keys.shape == (4, 2) and keys.dtype == np.int32
    assert len({tuple(k) for k in keys}) == 4 and not any((k == key).all() for k in keys)
    # split inside a traced function equals split outside
    np.testing.assert_array_equal(sg.jit(lambda k: sg.random.split(k, 4))(key), keys)
    streams = np.stack([sg.random.uniform(k, (N // 4,), np.float64) for k in keys])
    corr = np.corrcoef(streams)
    off = corr[~np.eye(4, dtype=bool)]
    assert np.all(np.abs(off) < 6 / math.sqrt(N // 4)), corr
    # the bits of different keys agree in about half their bits: no stream is a shift of another
    a, b = (sg.random.bits(k, (N // 4,)).view(np.uint32) for k in keys[:2])
    same = np.unpackbits((~(a ^ b)).view(np.uint8)).mean()
    assert abs(same - 0.5) < 6 * 0.5 / math.sqrt(32 * N // 4)
    # a chain of splits never repeats a key
    seen, k = set(), key
    for _ in range(200):
        k, sub = sg.random.split(k)
        seen.update({tuple(k), tuple(sub)})
    assert len(seen) == 400


def test_fold_in_is_a_new_key_per_value():
    key = sg.random.key(1)
    folded = [tuple(sg.random.fold_in(key, i)) for i in range(100)]
    assert len(set(folded)) == 100 and tuple(key) not in folded
    assert tuple(sg.random.fold_in(key, 5)) == folded[5]
    assert not set(folded) & {tuple(k) for k in sg.random.split(key, 100)}
    with pytest.raises(ValueError, match="data"):
        sg.random.fold_in(key, -1)
    with pytest.raises(TypeError, match="numpy keys"):
        sg.trace(lambda k: sg.random.fold_in(k, 3), key)


def test_key_as_runtime_argument_does_not_recompile():
    traces = []

    def step(x, k):
        traces.append(1)
        return sg.nn.dropout(x, 0.5, k)

    f = sg.jit(step)
    x = np.ones((64, 64), np.float32)
    key = sg.random.key(0)
    masks = []
    for _ in range(5):
        key, sub = sg.random.split(key)
        masks.append(f(x, sub) != 0)
    assert len(traces) == 1 and f.cache_size() == 1  # one trace, one kernel, five keys
    assert len({m.tobytes() for m in masks}) == 5  # ... and a different mask each step


def test_keys_in_other_integer_forms():
    """uint32 keys (jax's raw keys) are their int32 bits; int64 words their low 32 bits."""
    key = sg.random.key(2 ** 32 - 1)
    as_u32, as_i64 = key.view(np.uint32), key.view(np.uint32).astype(np.int64)
    np.testing.assert_array_equal(sg.random.bits(as_u32, (9,)), sg.random.bits(key, (9,)))
    np.testing.assert_array_equal(sg.random.bits(as_i64, (9,)), sg.random.bits(key, (9,)))
    np.testing.assert_array_equal(sg.jit(lambda k: sg.random.bits(k, (9,)))(as_i64), sg.random.bits(key, (9,)))


def test_bad_keys_and_shapes_are_clear_errors():
    key = sg.random.key(0)
    with pytest.raises(TypeError, match="seed must be an integer"):
        sg.random.key(1.5)
    with pytest.raises(ValueError, match="64 bits"):
        sg.random.key(2 ** 64)
    with pytest.raises(ValueError, match=r"\(2,\) array"):
        sg.random.bits(np.zeros(3, np.int32), (2,))
    with pytest.raises(ValueError, match=r"\(2,\) array"):
        sg.random.bits(np.zeros(2, np.float32), (2,))
    with pytest.raises(TypeError, match="key must be"):
        sg.random.bits([0, 0], (2,))
    with pytest.raises(ValueError, match="non-negative integers"):
        sg.random.bits(key, (-1, 2))
    with pytest.raises(ValueError, match=r"key must be a \(2,\) int32 tensor"):
        sg.trace(lambda k: sg.random.uniform(k, (3,)), np.zeros(3, np.int32))
    with pytest.raises(sg.ShapeError, match="operand 'key' must have shape 2"):
        sg.trace(lambda k: sg.random_bits(k, (3,)), np.zeros((2, 1), np.int32))
    with pytest.raises(sg.DTypeError, match="operand 'key'"):
        sg.trace(lambda k: sg.random_bits(k, (3,)), np.zeros(2, np.float32))


def test_random_values_carry_no_gradient():
    """Noise added to a parameter: the gradient is the parameter's alone (bits are integers)."""
    key = sg.random.key(4)
    w = np.linspace(-1, 1, 6)
    g = sg.grad(lambda w, k: ((w + sg.random.normal(k, (6,), np.float64)) * w).sum())(w, key)
    np.testing.assert_allclose(g, 2 * w + sg.random.normal(key, (6,), np.float64), rtol=1e-12)


# ------------------------------------------------------------------ dropout
def test_dropout_mask_scale_and_reproducibility():
    key = sg.random.key(21)
    x = np.arange(1, 1 + 200 * 50, dtype=np.float32).reshape(200, 50)
    m = sg.trace(lambda x, k: sg.nn.dropout(x, 0.25, k), x, key, name="f")
    (want,) = sg.interpret(m, None, x, key)
    got = sg.compile(m).f(x, key)
    np.testing.assert_array_equal(got, want)
    kept = want != 0
    np.testing.assert_array_equal(kept, sg.random.bernoulli(key, 0.75, x.shape))
    np.testing.assert_array_equal(want[kept], x[kept] * np.float32(1 / 0.75))
    assert abs(kept.mean() - 0.75) < 6 * math.sqrt(0.75 * 0.25 / x.size)
    np.testing.assert_array_equal(sg.compile(m).f(x, key), got)  # same key, same mask
    other = sg.compile(m).f(x, sg.random.split(key)[0])
    assert (other != got).any()


def test_dropout_identity_cases_and_errors():
    x = np.ones((3, 4), np.float32)
    key = sg.random.key(0)
    for kwargs in (dict(rate=0.0), dict(rate=0.7, training=False)):
        m = sg.trace(lambda x, k: sg.nn.dropout(x, key=k, **kwargs), x, key)
        assert "random_bits" not in str(m)
    for rate in (1.0, -0.1, 1.5, float("nan"), True):
        with pytest.raises(ValueError, match="rate"):
            sg.trace(lambda x, k: sg.nn.dropout(x, rate, k), x, key)
    with pytest.raises(TypeError, match="float32 or float64"):
        sg.trace(lambda x, k: sg.nn.dropout(x, 0.5, k), np.ones(3, np.int32), key)


def test_dropout_gradient_is_mask_times_scale():
    """Finite differences in float64 at a fixed key; the mask is a constant of the key."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 7))
    c = rng.standard_normal((5, 7))
    key = sg.random.key(8)

    def loss(x, k):
        return (sg.tanh(sg.nn.dropout(x, 0.4, k)) * c).sum()

    value, g = sg.value_and_grad(loss)(x, key)
    mask = sg.random.bernoulli(key, 0.6, x.shape)
    y = np.where(mask, x / 0.6, 0.0)
    assert value == pytest.approx(float((np.tanh(y) * c).sum()), rel=1e-12)
    np.testing.assert_allclose(g, c * (1 - np.tanh(y) ** 2) * mask / 0.6, rtol=1e-12, atol=1e-15)
    f = sg.jit(loss)
    eps = 1e-6
    fd = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        fd[i] = (f(plus, key) - f(minus, key)) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
