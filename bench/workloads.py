"""The benchmark workloads of issue 5, written once per framework.

Each workload is a float32 loss with the gradients the issue asks for. The
symgrad version is a plain function of symbolic tensors; the numpy version is
the hand-written forward and backward (the always-available peer); torch and
jax versions are built only when those packages are importable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

import symgrad as sg

C = math.sqrt(2.0 / math.pi)


@dataclass
class Workload:
    name: str
    description: str
    make_inputs: Callable[[np.random.Generator], list]
    argnums: tuple
    symgrad_fn: Callable
    numpy_step: Optional[Callable]  # (*inputs) -> (loss, grads tuple); None: no numpy peer
    torch_fn: Optional[Callable] = None  # (*tensors) -> loss, written with torch ops
    jax_fn: Optional[Callable] = None  # (*arrays) -> loss, written with jax.numpy


# ------------------------------------------------------------------ W1 -------
def w1_sg(x, w, b):
    return (sg.tanh(x * w + b) * sg.sigmoid(x)).sum()


def w1_np(x, w, b):
    t = np.tanh(x * w + b)
    s = 1.0 / (1.0 + np.exp(-x))
    loss = np.sum(t * s, dtype=np.float32)
    dz = s * (1.0 - t * t)
    return loss, (dz * w + t * s * (1.0 - s), dz * x, dz)


def w1_torch(torch):
    return lambda x, w, b: (torch.tanh(x * w + b) * torch.sigmoid(x)).sum()


def w1_jax(jnp, jax):
    return lambda x, w, b: jnp.sum(jnp.tanh(x * w + b) * jax.nn.sigmoid(x))


def w1(n):
    def inputs(rng):
        return [rng.standard_normal(n, dtype=np.float32) for _ in range(3)]
    return Workload(f"W1 n=2^{int(math.log2(n))}", "sum(tanh(x*w+b)*sigmoid(x))", inputs, (0, 1, 2),
                    w1_sg, w1_np, w1_torch, w1_jax)


# ------------------------------------------------------------------ W2 -------
# The demo's MLP, bigger, with int32 class labels: cross-entropy picks each row's label entry
# (take_along_axis), no one-hot matrix.
def w2_sg(x, w1, b1, w2, b2, labels):
    h = sg.tanh(x @ w1 + b1)
    return sg.nn.cross_entropy(h @ w2 + b2, labels)


def w2_np(x, w1, b1, w2, b2, labels):
    n = x.shape[0]
    rows = np.arange(n)
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = -(z[rows, labels] - np.log(s[:, 0])).sum() / n
    dlogits = e / s
    dlogits[rows, labels] -= 1
    dlogits /= n
    dz = (dlogits @ w2.T) * (1.0 - h * h)
    return np.asarray(loss, x.dtype), (x.T @ dz, dz.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0))


def w2_torch(torch):
    def f(x, w1, b1, w2, b2, labels):
        h = torch.tanh(x @ w1 + b1)
        return torch.nn.functional.cross_entropy(h @ w2 + b2, labels.long())
    return f


def w2_jax(jnp, jax):
    def f(x, w1, b1, w2, b2, labels):
        h = jnp.tanh(x @ w1 + b1)
        logp = jax.nn.log_softmax(h @ w2 + b2, axis=-1)
        return -jnp.take_along_axis(logp, labels[:, None], axis=-1).mean()
    return f


def w2():
    def inputs(rng):
        x = rng.standard_normal((256, 784), dtype=np.float32)
        w1 = (rng.standard_normal((784, 512), dtype=np.float32) / np.float32(28.0))
        b1 = np.zeros(512, np.float32)
        w2 = (rng.standard_normal((512, 10), dtype=np.float32) / np.float32(22.6))
        b2 = np.zeros(10, np.float32)
        labels = rng.integers(0, 10, 256).astype(np.int32)
        return [x, w1, b1, w2, b2, labels]
    return Workload("W2 mlp", "256x784 @ 784x512, tanh, @ 512x10, softmax CE on int32 labels", inputs,
                    (1, 2, 3, 4), w2_sg, w2_np, w2_torch, w2_jax)


# ------------------------------------------------------------------ W3 -------
def w3_sg(x, gamma, beta, r):
    y = sg.layer_norm(x, axis=-1, eps=1e-5) * gamma + beta
    return (sg.gelu(y) * r).sum()


def w3_np(x, gamma, beta, r):
    d = x.shape[-1]
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt(var + np.float32(1e-5))
    xhat = xc * inv
    y = xhat * gamma + beta
    u = np.float32(C) * (y + np.float32(0.044715) * y * y * y)
    t = np.tanh(u)
    out = 0.5 * y * (1.0 + t)
    loss = np.sum(out * r, dtype=np.float32)
    dy = r * (0.5 * (1.0 + t) + 0.5 * y * (1.0 - t * t) * np.float32(C) * (1.0 + np.float32(3 * 0.044715) * y * y))
    dgamma = (dy * xhat).sum(axis=0)
    dbeta = dy.sum(axis=0)
    dxhat = dy * gamma
    dx = inv * (dxhat - dxhat.mean(axis=-1, keepdims=True) - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    del d
    return loss, (dx, dgamma, dbeta)


def _gelu_tanh(mod, y):
    return 0.5 * y * (1.0 + mod.tanh(C * (y + 0.044715 * y * y * y)))


def w3_torch(torch):
    def f(x, gamma, beta, r):
        y = torch.nn.functional.layer_norm(x, (x.shape[-1],), gamma, beta, eps=1e-5)
        return (torch.nn.functional.gelu(y, approximate="tanh") * r).sum()
    return f


def w3_jax(jnp, jax):
    def f(x, gamma, beta, r):
        mu = x.mean(axis=-1, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
        y = (x - mu) * jax.lax.rsqrt(var + 1e-5) * gamma + beta
        return (jax.nn.gelu(y, approximate=True) * r).sum()
    return f


def w3():
    def inputs(rng):
        return [rng.standard_normal((4096, 1024), dtype=np.float32),
                (1.0 + 0.1 * rng.standard_normal(1024)).astype(np.float32),
                (0.1 * rng.standard_normal(1024)).astype(np.float32),
                rng.standard_normal((4096, 1024), dtype=np.float32)]
    return Workload("W3 layernorm+gelu", "[4096,1024], loss=sum(gelu(ln(x)*g+b)*R)", inputs, (0, 1, 2),
                    w3_sg, w3_np, w3_torch, w3_jax)


# ------------------------------------------------------------------ W4 -------
def w4_sg(x):
    s = sg.softmax(x, axis=-1)
    return (s * s).sum()


def w4_np(x):
    m = x.max(axis=-1, keepdims=True)
    e = np.exp(x - m)
    s = e / e.sum(axis=-1, keepdims=True)
    loss = np.sum(s * s, dtype=np.float32)
    ds = 2.0 * s
    return loss, (s * (ds - (ds * s).sum(axis=-1, keepdims=True)),)


def w4_torch(torch):
    return lambda x: (torch.softmax(x, dim=-1) ** 2).sum()


def w4_jax(jnp, jax):
    return lambda x: (jax.nn.softmax(x, axis=-1) ** 2).sum()


def w4():
    return Workload("W4 softmax", "rows of [4096,1024], loss=sum(softmax(x)**2)",
                    lambda rng: [rng.standard_normal((4096, 1024), dtype=np.float32)], (0,),
                    w4_sg, w4_np, w4_torch, w4_jax)


def all_workloads(quick: bool = False) -> list[Workload]:
    from workload_gpt import gpt  # W5 (issue 14), in a file of its own
    if quick:
        return [w1(1 << 16), w2(), w4(), gpt(Workload, quick=True)]
    return [w1(1 << 20), w1(1 << 24), w2(), w3(), w4(), gpt(Workload)]
