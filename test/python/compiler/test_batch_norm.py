"""sg.nn.batch_norm (issue 14): PyTorch's formula written out in numpy, training and evaluation,
a batch-norm MLP's gradients against float64 finite differences, compiled against interpreted,
and the argument errors. torch itself, when installed, as a cross-check."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg


def reference(x, weight, bias, running_mean, running_var, training, momentum=0.1, eps=1e-5, axis=1):
    """torch.nn.functional.batch_norm's documented semantics, in numpy (float64)."""
    axes = tuple(d for d in range(x.ndim) if d != axis)
    shape = tuple(x.shape[axis] if d == axis else 1 for d in range(x.ndim))
    if training:
        mean = x.mean(axis=axes)
        biased = x.var(axis=axes)
        n = x.size // x.shape[axis]
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * biased * n / (n - 1)
    else:
        mean, biased, new_mean, new_var = running_mean, running_var, running_mean, running_var
    y = (x - mean.reshape(shape)) / np.sqrt(biased.reshape(shape) + eps)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y, new_mean, new_var


def _params(rng, c, dtype=np.float64):
    return [a.astype(dtype) for a in (rng.standard_normal(c), rng.standard_normal(c), rng.standard_normal(c),
                                      rng.random(c) + 0.5)]


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape, axis", [((8, 3), 1), ((4, 3, 5), 1), ((2, 3, 4, 5), 1), ((6, 2, 4), -1)])
def test_matches_the_numpy_reference(rng, shape, axis, training):
    x = rng.standard_normal(shape) * 3 + 1
    c = shape[axis]
    w, b, rm, rv = _params(rng, c)

    def f(x, w, b, rm, rv):
        return sg.nn.batch_norm(x, w, b, rm, rv, training=training, momentum=0.2, eps=1e-3, axis=axis)

    want = reference(x, w, b, rm, rv, training, momentum=0.2, eps=1e-3, axis=axis % len(shape))
    m = sg.trace(f, x, w, b, rm, rv, name="f")
    interpreted = sg.interpret(m, None, x, w, b, rm, rv)
    compiled = sg.compile(m).f(x, w, b, rm, rv)
    for got_i, got_c, ref in zip(interpreted, compiled, want):
        np.testing.assert_allclose(got_i, ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(got_c, got_i, rtol=1e-12, atol=1e-12)


def test_float32_and_optional_parameters(rng):
    x = rng.standard_normal((16, 4)).astype(np.float32)
    w, b, rm, rv = _params(rng, 4, np.float32)
    f = sg.jit(lambda x, rm, rv: sg.nn.batch_norm(x, None, None, rm, rv))
    y, m, v = f(x, rm, rv)
    ry, rmean, rvar = reference(x.astype(np.float64), None, None, rm.astype(np.float64), rv.astype(np.float64), True)
    assert y.dtype == m.dtype == v.dtype == np.float32
    np.testing.assert_allclose(y, ry, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(m, rmean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v, rvar, rtol=1e-5, atol=1e-6)
    # no running statistics in training: normalized by the batch alone, None returned for them
    m2 = sg.trace(lambda x: sg.nn.batch_norm(x, training=True)[0], x)
    (y2,) = sg.interpret(m2, None, x)
    np.testing.assert_allclose(y2, ry, rtol=1e-5, atol=1e-5)
    # numpy arrays as parameters and statistics: constants of the graph
    y3, m3, v3 = sg.jit(lambda x: sg.nn.batch_norm(x, w, b, rm, rv))(x)
    r3 = reference(x.astype(np.float64), w, b, rm, rv, True)
    for got, ref in zip((y3, m3, v3), r3):
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)


def _mlp(x, w1, gamma, beta, w2, rm, rv):
    h = x @ w1
    h, new_mean, new_var = sg.nn.batch_norm(h, gamma, beta, rm, rv, training=True)
    return (sg.tanh(h) @ w2).sum(), new_mean, new_var


def _central_differences(fn, args, k, eps=1e-6):
    x = args[k]
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        plus, minus = [a.copy() for a in args], [a.copy() for a in args]
        plus[k][i] += eps
        minus[k][i] -= eps
        g[i] = (fn(*plus) - fn(*minus)) / (2 * eps)
    return g


def test_batch_norm_mlp_gradients_match_finite_differences(rng):
    """Training mode: the gradient flows through the batch mean and variance (the loss is not
    invariant to them), for the input, the weights and the affine parameters."""
    x, w1, w2 = rng.standard_normal((8, 5)), rng.standard_normal((5, 6)), rng.standard_normal((6, 2))
    gamma, beta, rm, rv = _params(rng, 6)
    args = [x, w1, gamma, beta, w2, rm, rv]

    def loss(*a):
        return _mlp(*a)[0]

    value, grads = sg.value_and_grad(loss, argnums=(0, 1, 2, 3, 4))(*args)
    forward = sg.jit(loss)
    assert value == pytest.approx(forward(*args), rel=1e-12)
    for k, g in enumerate(grads):
        np.testing.assert_allclose(g, _central_differences(forward, args, k), rtol=1e-6, atol=1e-8)
    # the centering matters: a gradient that held the batch statistics constant differs
    def frozen(x, w1, gamma, beta, w2, rm, rv):
        h = x @ w1
        mean = sg.stop_gradient(h.mean(axis=0, keepdims=True))
        c = h - mean
        var = sg.stop_gradient((c * c).mean(axis=0, keepdims=True))
        return (sg.tanh(c * sg.rsqrt(var + 1e-5) * gamma + beta) @ w2).sum()
    g_frozen = sg.grad(frozen)(*args)
    assert not np.allclose(g_frozen, grads[0], rtol=1e-3)


def test_batch_norm_mlp_running_statistics_and_compiled_vs_interpreted(rng):
    x, w1, w2 = rng.standard_normal((8, 5)), rng.standard_normal((5, 6)), rng.standard_normal((6, 2))
    gamma, beta, rm, rv = _params(rng, 6)
    args = [x, w1, gamma, beta, w2, rm, rv]
    m = sg.trace(_mlp, *args, name="f")
    interpreted = sg.interpret(m, None, *args)
    compiled = sg.compile(m).f(*args)
    for a, b in zip(interpreted, compiled):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
    _, want_mean, want_var = reference(x @ w1, gamma, beta, rm, rv, True)
    np.testing.assert_allclose(interpreted[1], want_mean, rtol=1e-12)
    np.testing.assert_allclose(interpreted[2], want_var, rtol=1e-12)
    # a few steps, the statistics fed back: they converge towards the batch's
    f = sg.jit(_mlp)
    for _ in range(60):
        _, rm, rv = f(x, w1, gamma, beta, w2, rm, rv)
    h = x @ w1
    np.testing.assert_allclose(rm, h.mean(axis=0), rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(rv, h.var(axis=0, ddof=1), rtol=1e-2, atol=1e-2)


def test_running_statistics_carry_no_gradient(rng):
    """torch updates its buffers outside autograd: the new running mean is a constant to
    differentiation, even of a loss that reads it."""
    x = rng.standard_normal((6, 3))
    _, _, rm, rv = _params(rng, 3)
    g = sg.grad(lambda x, rm, rv: sg.nn.batch_norm(x, None, None, rm, rv)[1].sum())(x, rm, rv)
    np.testing.assert_array_equal(g, np.zeros_like(x))


def test_errors_name_the_argument(rng):
    x = rng.standard_normal((4, 3))
    w, b, rm, rv = _params(rng, 3)
    cases = [
        (lambda x: sg.nn.batch_norm(x, w[:2]), ValueError, r"weight must have shape \(3,\)"),
        (lambda x: sg.nn.batch_norm(x, None, b.astype(np.float32)), TypeError, "bias has dtype float32"),
        (lambda x: sg.nn.batch_norm(x, running_mean=rm), ValueError, "both running_mean and running_var"),
        (lambda x: sg.nn.batch_norm(x, training=False), ValueError, "give running_mean and running_var"),
        (lambda x: sg.nn.batch_norm(x, momentum=1.5), ValueError, "momentum"),
        (lambda x: sg.nn.batch_norm(x, eps=-1.0), ValueError, "eps"),
        (lambda x: sg.nn.batch_norm(x, axis=2), ValueError, "axis 2"),
        (lambda x: sg.nn.batch_norm(x[0]), ValueError, "rank >= 2"),
        (lambda x: sg.nn.batch_norm(x[:1]), ValueError, "more than one value per channel"),
        (lambda x: sg.nn.batch_norm(x, [1.0, 2.0, 3.0]), TypeError, "weight must be a tensor"),
    ]
    for fn, exc, match in cases:
        with pytest.raises(exc, match=match):
            sg.trace(fn, x)
    with pytest.raises(TypeError, match="x must be a symbolic tensor"):
        sg.nn.batch_norm(x)


def test_against_torch(rng):
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((5, 4, 3))
    w, b, rm, rv = _params(rng, 4)
    for training in (True, False):
        trm, trv = torch.tensor(rm), torch.tensor(rv)
        ty = torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, torch.tensor(w), torch.tensor(b),
                                            training=training, momentum=0.1, eps=1e-5)
        y, m, v = sg.jit(lambda x, w, b, rm, rv: sg.nn.batch_norm(x, w, b, rm, rv, training=training))(x, w, b, rm, rv)
        np.testing.assert_allclose(y, ty.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(m, trm.numpy(), rtol=1e-12)
        np.testing.assert_allclose(v, trv.numpy(), rtol=1e-12)
