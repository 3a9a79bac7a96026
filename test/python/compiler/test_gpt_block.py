"""A minGPT-style block on integer tokens, from the README's API (issue 14): token embeddings by
`sg.embedding`, position embeddings, causal attention, a GELU MLP and `sg.nn.cross_entropy` on
int64 targets, with no one-hot by hand. Its compiled gradients are checked against float64
directional finite differences (each weight alone, then all at once) and against the
interpreted Gradient."""
from __future__ import annotations

import math

import numpy as np
import pytest

import symgrad as sg

B, T, D, V, H = 2, 8, 16, 24, 2
SHAPES = {"wte": (V, D), "wpe": (T, D), "wq": (D, D), "wk": (D, D), "wv": (D, D), "wo": (D, D),
          "w1": (D, 4 * D), "w2": (4 * D, D), "head": (D, V)}
WRT = tuple(range(3, 3 + len(SHAPES)))


def block(ids, targets, mask, wte, wpe, wq, wk, wv, wo, w1, w2, head):
    hd = D // H

    def heads(t):
        return sg.transpose(sg.reshape(t, (B, T, H, hd)), (0, 2, 1, 3))

    x = sg.embedding(wte, ids) + wpe
    a = sg.layer_norm(x)
    q, k, v = heads(a @ wq), heads(a @ wk), heads(a @ wv)
    s = (q @ sg.transpose(k, (0, 1, 3, 2))) * (1.0 / math.sqrt(hd))
    p = sg.softmax(sg.where(mask, s, -1e9))
    x = x + sg.reshape(sg.transpose(p @ v, (0, 2, 1, 3)), (B, T, D)) @ wo
    x = x + sg.gelu(sg.layer_norm(x) @ w1) @ w2
    logits = sg.layer_norm(x) @ head
    return sg.nn.cross_entropy(sg.reshape(logits, (B * T, V)), sg.reshape(targets, (B * T,)))


def inputs(rng, ids_dtype=np.int64):
    ids = rng.integers(0, V, (B, T)).astype(ids_dtype)
    targets = np.roll(ids, -1, axis=1).astype(np.int64)
    mask = np.tril(np.ones((T, T), bool))
    weights = [rng.standard_normal(s) / math.sqrt(s[0]) for s in SHAPES.values()]
    return [ids, targets, mask, *weights]


@pytest.fixture(scope="module")
def compiled():
    return sg.value_and_grad(block, argnums=WRT), sg.jit(block)


@pytest.mark.parametrize("ids_dtype", [np.int64, np.int32])
def test_gradients_match_directional_finite_differences(compiled, ids_dtype):
    vg, f = compiled
    rng = np.random.default_rng(0)
    args = inputs(rng, ids_dtype)
    loss, grads = vg(*args)
    assert grads[0].shape == SHAPES["wte"] and np.isfinite(loss)
    # Rows of the embedding no token uses get no gradient; the others do.
    unused = np.setdiff1d(np.arange(V), args[0])
    np.testing.assert_array_equal(grads[0][unused], 0.0)
    assert np.all(np.abs(grads[0][np.unique(args[0])]).sum(axis=1) > 0)
    eps = 1e-5
    directions = [[rng.standard_normal(s) if j == i else np.zeros(s) for j, s in enumerate(SHAPES.values())]
                  for i in range(len(SHAPES))]
    directions.append([rng.standard_normal(s) for s in SHAPES.values()])
    for us in directions:
        plus = args[:3] + [w + eps * u for w, u in zip(args[3:], us)]
        minus = args[:3] + [w - eps * u for w, u in zip(args[3:], us)]
        numeric = (float(f(*plus)) - float(f(*minus))) / (2 * eps)
        symbolic = sum(float(np.sum(g * u)) for g, u in zip(grads, us))
        np.testing.assert_allclose(symbolic, numeric, rtol=1e-6, atol=1e-9)


def test_compiled_gradients_match_the_interpreted_gradient(compiled):
    vg, _ = compiled
    args = inputs(np.random.default_rng(1))
    loss, grads = vg(*args)
    module = sg.trace(block, *args)
    gradient = sg.differentiate(module, requires_grad=list(WRT))
    outputs, saved = gradient.forward(*args)
    np.testing.assert_allclose(outputs[0], loss, rtol=1e-12)
    interpreted = gradient.backward(saved, np.ones(()))
    for name, g, want in zip(SHAPES, grads, interpreted):
        np.testing.assert_allclose(g, want, rtol=1e-9, atol=1e-12, err_msg=name)


def test_the_loss_is_the_mean_negative_log_likelihood_of_the_targets(compiled):
    _, f = compiled
    args = inputs(np.random.default_rng(2))
    ids, targets, mask, wte, wpe, wq, wk, wv, wo, w1, w2, head = args

    def ln(x):
        c = x - x.mean(-1, keepdims=True)
        return c / np.sqrt((c * c).mean(-1, keepdims=True) + 1e-5)

    def split(t):
        return t.reshape(B, T, H, D // H).transpose(0, 2, 1, 3)

    x = wte[ids] + wpe
    a = ln(x)
    s = split(a @ wq) @ split(a @ wk).transpose(0, 1, 3, 2) / math.sqrt(D // H)
    s = np.where(mask, s, -1e9)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    x = x + (p @ split(a @ wv)).transpose(0, 2, 1, 3).reshape(B, T, D) @ wo
    u = ln(x) @ w1
    x = x + (0.5 * u * (1 + np.tanh(math.sqrt(2 / math.pi) * (u + 0.044715 * u ** 3)))) @ w2
    logits = (ln(x) @ head).reshape(B * T, V)
    logp = logits - logits.max(-1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(-1, keepdims=True))
    want = -logp[np.arange(B * T), targets.reshape(-1)].mean()
    np.testing.assert_allclose(float(f(*args)), want, rtol=1e-10)
