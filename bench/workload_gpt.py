"""W5 (issue 14): one minGPT-style block, forward and backward, on integer tokens.

Token and position embeddings, a pre-norm block (layer norm, causal self-attention with 4 heads,
a GELU MLP of width 4D, residuals), a final layer norm, the vocabulary head and the mean
cross-entropy of int32 next-token targets; gradients w.r.t. every weight. Batch 8, sequence 128,
width 256, vocabulary 512 (`gpt(quick=True)`: batch 2, sequence 32, width 64, vocabulary 128).
Written once per framework with its own gather and loss (no one-hot by hand); there is no numpy
peer, the issue asks for none.
"""
from __future__ import annotations

import math

import numpy as np

import symgrad as sg

HEADS = 4
PARAMS = ("wte", "wpe", "wq", "wk", "wv", "wo", "w1", "w2", "head")


def _shapes(T, D, V):
    return {"wte": (V, D), "wpe": (T, D), "wq": (D, D), "wk": (D, D), "wv": (D, D), "wo": (D, D),
            "w1": (D, 4 * D), "w2": (4 * D, D), "head": (D, V)}


def _block(ops, ids, targets, mask, wte, wpe, wq, wk, wv, wo, w1, w2, head):
    """The model once, on a namespace of framework ops (embed, layer_norm, softmax, gelu, where,
    reshape, transpose, cross_entropy)."""
    B, T = ids.shape
    D = wq.shape[0]
    hd = D // HEADS

    def heads(t):  # [B, T, D] -> [B, H, T, hd]
        return ops.transpose(ops.reshape(t, (B, T, HEADS, hd)), (0, 2, 1, 3))

    x = ops.embed(wte, ids) + wpe
    a = ops.layer_norm(x)
    q, k, v = heads(a @ wq), heads(a @ wk), heads(a @ wv)
    s = (q @ ops.transpose(k, (0, 1, 3, 2))) * (1.0 / math.sqrt(hd))
    p = ops.softmax(ops.where(mask, s, -1e9))
    x = x + ops.reshape(ops.transpose(p @ v, (0, 2, 1, 3)), (B, T, D)) @ wo
    x = x + ops.gelu(ops.layer_norm(x) @ w1) @ w2
    logits = ops.layer_norm(x) @ head
    return ops.cross_entropy(ops.reshape(logits, (B * T, head.shape[1])), ops.reshape(targets, (B * T,)))


class _SymgradOps:
    embed = staticmethod(sg.embedding)
    layer_norm = staticmethod(sg.layer_norm)
    softmax = staticmethod(sg.softmax)
    gelu = staticmethod(sg.gelu)
    where = staticmethod(sg.where)
    reshape = staticmethod(sg.reshape)
    transpose = staticmethod(sg.transpose)
    cross_entropy = staticmethod(sg.nn.cross_entropy)


def gpt_sg(ids, targets, mask, *weights):
    return _block(_SymgradOps, ids, targets, mask, *weights)


def gpt_torch(torch):
    F = torch.nn.functional

    class Ops:
        embed = staticmethod(lambda w, ids: F.embedding(ids, w))
        layer_norm = staticmethod(lambda x: F.layer_norm(x, x.shape[-1:]))
        softmax = staticmethod(lambda x: torch.softmax(x, -1))
        gelu = staticmethod(lambda x: F.gelu(x, approximate="tanh"))
        where = staticmethod(torch.where)
        reshape = staticmethod(torch.reshape)
        transpose = staticmethod(lambda x, perm: x.permute(*perm))
        cross_entropy = staticmethod(lambda logits, t: F.cross_entropy(logits, t.long()))

    return lambda *args: _block(Ops, *args)


def gpt_jax(jnp, jax):
    def ln(x, eps=1e-5):
        m = x.mean(axis=-1, keepdims=True)
        v = ((x - m) ** 2).mean(axis=-1, keepdims=True)
        return (x - m) / jnp.sqrt(v + eps)

    def ce(logits, t):
        logp = jax.nn.log_softmax(logits, axis=-1)
        return -jnp.take_along_axis(logp, t[:, None], axis=-1).mean()

    class Ops:
        embed = staticmethod(lambda w, ids: jnp.take(w, ids, axis=0))
        layer_norm = staticmethod(ln)
        softmax = staticmethod(lambda x: jax.nn.softmax(x, axis=-1))
        gelu = staticmethod(lambda x: jax.nn.gelu(x, approximate=True))
        where = staticmethod(jnp.where)
        reshape = staticmethod(jnp.reshape)
        transpose = staticmethod(jnp.transpose)
        cross_entropy = staticmethod(ce)

    return lambda *args: _block(Ops, *args)


def gpt(workload_cls, quick: bool = False):
    B, T, D, V = (2, 32, 64, 128) if quick else (8, 128, 256, 512)

    def inputs(rng):
        ids = rng.integers(0, V, (B, T)).astype(np.int32)
        targets = np.roll(ids, -1, axis=1)
        mask = np.tril(np.ones((T, T), bool))  # causal, broadcast over batch and heads
        weights = [(rng.standard_normal(s) / math.sqrt(s[0] if n not in ("wte", "wpe") else 50.0)).astype(np.float32)
                   for n, s in _shapes(T, D, V).items()]
        return [ids, targets, mask, *weights]

    return workload_cls(f"W5 gpt block{' quick' if quick else ''}",
                        f"B{B} T{T} D{D} {HEADS} heads V{V}: embeddings, causal attention, GELU MLP, CE on int32",
                        inputs, tuple(range(3, 3 + len(PARAMS))), gpt_sg, None, gpt_torch, gpt_jax)
