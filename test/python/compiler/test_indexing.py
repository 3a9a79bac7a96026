"""Indexing by integer tensors through the public API: sg.take / take_along_axis / scatter_add /
scatter_add_along_axis / embedding, `x[idx]`, `x.at[idx].add(v)`, and sg.nn.cross_entropy /
nll_loss on integer labels. Checked against numpy (and torch when it is installed), compiled
against interpreted bit for bit on out-of-range indices, and gradients against float64 finite
differences. The registry suites cover each op's samples; this file covers the front-end, the
run-time semantics, big shapes on several threads, and the losses."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg
from symgrad.passes.graph_to_llvm import graph_to_llvm

from sgtest import TOL, central_differences


def _both(fn, *args, threads=None, exact=True):
    """fn interpreted and compiled (on `threads` threads): the results must be identical (or, with
    exact=False, for functions with exp and log, within a few ulps)."""
    m = sg.trace(fn, *args, name="f")
    want = sg.interpret(m, None, *args)
    kernel = sg.compile(m, pipeline=None if threads is None else graph_to_llvm(threads))["f"]
    got = kernel(*args)
    got = got if isinstance(got, tuple) else (got,)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        if exact:
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, **TOL[w.dtype])
    return want if len(want) > 1 else want[0]




def _wrap_fill_take(x, idx, axis):
    """The documented semantics in plain numpy: wrap negatives once, 0 where still out of range."""
    n = x.shape[axis]
    i = np.where(idx < 0, idx.astype(np.int64) + n, idx)
    ok = (i >= 0) & (i < n)
    out = np.take(x, np.where(ok, i, 0), axis)
    shape = (1,) * axis + ok.shape + (1,) * (x.ndim - axis - 1)
    return np.where(ok.reshape(shape), out, 0).astype(x.dtype)


# ------------------------------------------------------------------ front-end semantics
def test_take_matches_numpy_for_axes_ranks_and_constant_indices(rng):
    x = rng.standard_normal((4, 5, 3)).astype(np.float32)
    i32 = np.array([[3, 0], [-1, 2]], dtype=np.int32)
    i64 = np.array([4, 4, 0, -5], dtype=np.int64)
    got = _both(lambda x, a, b: (sg.take(x, a, 0), sg.take(x, b, 1), sg.take(x, a, -1), sg.take(x, b)),
                x, i32 % 3, i64)
    np.testing.assert_array_equal(got[0], np.take(x, i32 % 3, 0))
    np.testing.assert_array_equal(got[1], np.take(x, i64, 1))
    np.testing.assert_array_equal(got[2], np.take(x, i32 % 3, -1))
    np.testing.assert_array_equal(got[3], np.take(x, i64 % x.size))  # axis None: the flattened tensor
    # numpy constants, lists and ints: checked and normalized at trace time, dtype kept.
    m, (a, b, c) = _run(lambda x: (sg.take(x, [0, -1], 1), sg.take(x, np.int64(-2), 0),
                                   sg.take(x, np.array([[1], [2]], dtype=np.int32), 2)), x)
    np.testing.assert_array_equal(a, np.take(x, [0, -1], 1))
    np.testing.assert_array_equal(b, np.take(x, -2, 0))
    np.testing.assert_array_equal(c, np.take(x, [[1], [2]], 2))
    assert "tensor<2x1xi32>" in str(m) and "dense<[0, 4]> : tensor<2xi64>" in str(m)


def _run(fn, *args):
    m = sg.trace(fn, *args)
    return m, sg.interpret(m, None, *args)


def test_take_along_axis_broadcasts_as_numpy(rng):
    x = rng.standard_normal((3, 1, 4))
    idx = rng.integers(0, 4, (1, 5, 2)).astype(np.int64)
    got = _both(lambda x, i: sg.take_along_axis(x, i, axis=2), x, idx)
    np.testing.assert_array_equal(got, np.take_along_axis(x, idx, axis=2))
    flat = rng.integers(0, 12, (7,)).astype(np.int32)
    got = _both(lambda x, i: sg.take_along_axis(x, i, axis=None), x, flat)
    np.testing.assert_array_equal(got, np.take_along_axis(x, flat, axis=None))


def test_scatter_add_accumulates_duplicates_and_broadcasts_updates(rng):
    x = rng.standard_normal((4, 3))
    idx = np.array([1, 1, 1, 3, 1], dtype=np.int32)
    u = rng.standard_normal((5, 3))
    got = _both(lambda x, i, u: (sg.scatter_add(x, i, u), sg.scatter_add(x, i, 2.0),
                                 sg.scatter_add(x, i[:3], u[:3, :1].T, axis=1)), x, idx, u)
    want0 = x.copy()
    np.add.at(want0, idx, u)
    want1 = x.copy()
    np.add.at(want1, idx, 2.0)
    want2 = x.copy()
    np.add.at(want2, (slice(None), idx[:3]), u[:3, :1].T)
    np.testing.assert_array_equal(got[0], want0)  # the same order of additions: the same bits
    np.testing.assert_array_equal(got[1], want1)
    np.testing.assert_allclose(got[2], want2, rtol=1e-15)
    # All updates into one row add up in index order.
    same = np.zeros(5, dtype=np.int64) + 2
    got = _both(lambda x, i, u: sg.scatter_add(x, i, u), x, same, u)
    row = x[2].copy()
    for k in range(5):
        row = row + u[k]
    np.testing.assert_array_equal(got[2], row)
    np.testing.assert_array_equal(np.delete(got, 2, 0), np.delete(x, 2, 0))


def test_scatter_add_along_axis_is_the_adjoint_layout_of_take_along_axis(rng):
    x = np.zeros((3, 4), dtype=np.float32)
    idx = np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]], dtype=np.int64)
    u = rng.standard_normal((3, 3)).astype(np.float32)
    got = _both(lambda x, i, u: sg.scatter_add_along_axis(x, i, u, axis=1), x, idx, u)
    want = x.copy()
    for r in range(3):
        for c in range(3):
            want[r, idx[r, c]] += u[r, c]
    np.testing.assert_array_equal(got, want)
    # indices broadcast along the other dims; a scalar update broadcasts to them
    got = _both(lambda x, i: sg.scatter_add_along_axis(x, i, 1.0, axis=0), x, idx[:1, :1])
    want = x.copy()
    want[idx[0, 0], :] += 1
    np.testing.assert_array_equal(got, want)


def test_tensor_indexing_with_integer_arrays(rng):
    x = rng.standard_normal((4, 5, 3))
    i = np.array([[0, 2], [1, 2]], dtype=np.int32)  # in range for every dim: numpy's results
    cases = [(lambda x, i: x[i], lambda x, i: x[i]), (lambda x, i: x[:, i], lambda x, i: x[:, i]),
             (lambda x, i: x[..., i], lambda x, i: x[..., i]),
             (lambda x, i: x[None, 1:4, i], lambda x, i: x[None, 1:4, i]),
             (lambda x, i: x[::2, i, None], lambda x, i: x[::2, i, None]),
             (lambda x, i: x[i, 1:], lambda x, i: x[i, 1:])]
    for ours, numpys in cases:
        np.testing.assert_array_equal(_both(ours, x, i), numpys(x, i))
    # constants: lists and numpy arrays, negative ones counting from the end
    _, (got,) = _run(lambda x: x[[0, -1, 2]] + x[:, np.array([4, 0])].sum(), x)
    np.testing.assert_allclose(got, x[[0, -1, 2]] + x[:, [4, 0]].sum(), **TOL[np.dtype(np.float64)])
    # basic indexing still emits graph.slice only
    m = sg.trace(lambda x: x[1:3, ::2, 0], x)
    assert "graph.slice" in str(m) and "graph.take" not in str(m)


def test_at_add_and_get(rng):
    x = rng.standard_normal((4, 5))
    i = np.array([[1, 1], [0, 4]], dtype=np.int64)
    got = _both(lambda x, i: (x.at[i].add(1.0), x.at[:, i].add(x[:, i] * 2.0), x.at[..., 3].add(5.0),
                              x.at[2].get(), x.at[:, i].get()), x, i % 4)
    want = x.copy()
    np.add.at(want, i % 4, 1.0)
    np.testing.assert_array_equal(got[0], want)
    want = x.copy()
    np.add.at(want, (slice(None), i % 4), x[:, i % 4] * 2.0)
    np.testing.assert_allclose(got[1], want, rtol=1e-15)
    want = x.copy()
    want[..., 3] += 5.0
    np.testing.assert_array_equal(got[2], want)
    np.testing.assert_array_equal(got[3], x[2])
    np.testing.assert_array_equal(got[4], x[:, i % 4])


def test_embedding_is_take_on_rows(rng):
    w = rng.standard_normal((10, 4)).astype(np.float32)
    ids = rng.integers(0, 10, (3, 5)).astype(np.int32)
    got = _both(lambda w, ids: sg.embedding(w, ids), w, ids)
    np.testing.assert_array_equal(got, w[ids])
    assert sg.nn.embedding is sg.embedding  # where torch users look for it


# ------------------------------------------------------------------ run-time out of range
EDGES = {np.int32: [np.iinfo(np.int32).min, -6, -5, -4, -1, 0, 3, 4, 5, np.iinfo(np.int32).max],
         np.int64: [np.iinfo(np.int64).min, -2 ** 40, -5, -4, -1, 0, 3, 4, 2 ** 40, np.iinfo(np.int64).max]}


@pytest.mark.parametrize("itype", [np.int32, np.int64], ids=["i32", "i64"])
@pytest.mark.parametrize("threads", [1, 2])
def test_out_of_range_indices_wrap_once_then_read_zero_or_drop(itype, threads, rng):
    """Symbolic indices at the edges of their type: negative ones from -n count from the end,
    anything else outside [0, n) gathers 0 and scatters nothing, identically compiled (on one or
    two threads) and interpreted; never a read or write out of bounds."""
    x = rng.standard_normal((4, 3)).astype(np.float32) + 10  # no zeros: a gathered 0 is visible
    idx = np.array(EDGES[itype], dtype=itype)
    u = rng.standard_normal((idx.size, 3)).astype(np.float32)
    along = idx[[[0, 3, 4], [4, 5, 6], [6, 7, 9], [2, 4, 5]]]  # (4, 3) positions into x's rows of 3
    got = _both(lambda x, i, u, a: (sg.take(x, i, 0), sg.scatter_add(x, i, u, 0),
                                    sg.take_along_axis(x.T, a.T, 0), sg.scatter_add_along_axis(x, a, u[:4], 1)),
                x, idx, u, along, threads=threads)
    np.testing.assert_array_equal(got[0], _wrap_fill_take(x, idx, 0))
    n = 4
    wrapped = np.where(idx < 0, idx.astype(np.int64) + n, idx)
    valid = (wrapped >= 0) & (wrapped < n)
    assert valid.tolist() == [False, False, False, True, True, True, True, False, False, False]
    want = x.copy()
    np.add.at(want, wrapped[valid], u[valid])
    np.testing.assert_array_equal(got[1], want)
    w3 = np.where(along < 0, along.astype(np.int64) + 3, along)
    gathered, want = np.zeros((4, 3), np.float32), x.copy()
    for r in range(4):
        for c in range(3):
            if 0 <= w3[r, c] < 3:
                gathered[r, c] = x[r, w3[r, c]]
                want[r, w3[r, c]] += u[r, c]
    assert 0 < np.count_nonzero(gathered) < gathered.size
    np.testing.assert_array_equal(got[2], gathered.T)
    np.testing.assert_array_equal(got[3], want)


@pytest.mark.parametrize("threads", [1, 2])
def test_big_scatter_is_sequential_and_exact_on_threads(threads, rng):
    """An embedding backward's shape (vocab 512, 1024 tokens, width 256) with many duplicates: the
    compiled scatter (its row updates could be split across threads, its loop over indices must
    not be) equals numpy's ordered accumulation bit for bit."""
    v, t, d = 512, 1024, 256
    w = rng.standard_normal((v, d)).astype(np.float32)
    ids = rng.integers(0, 40, (t,)).astype(np.int32)  # ~25 duplicates per row used
    ct = rng.standard_normal((t, d)).astype(np.float32)
    got = _both(lambda w, ids, ct: sg.scatter_add(w * 0.0, ids, ct), w, ids, ct, threads=threads)
    want = np.zeros_like(w)
    np.add.at(want, ids, ct)
    np.testing.assert_array_equal(got, want)
    # the gather side: a big parallel generic
    got = _both(lambda w, ids: sg.take(w, ids, 0) * 2.0, w, ids, threads=threads)
    np.testing.assert_array_equal(got, w[ids] * 2.0)


def test_row_wise_function_with_a_gather_is_correct():
    """A row-wise function big enough for tile-rows that gathers per row (cross-entropy's pick):
    the gather is not tiled (its body reads by position), the result is right."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2048, 256)).astype(np.float32)
    idx = rng.integers(0, 256, (2048, 1)).astype(np.int32)
    m = sg.trace(lambda x, i: sg.take_along_axis(sg.exp(x) * 2.0, i, 1) - 1.0, x, idx)
    got = sg.compile(m)["f"](x, idx)
    (lp,) = sg.interpret(sg.trace(lambda x: sg.exp(x) * 2.0, x), None, x)
    np.testing.assert_allclose(got, np.take_along_axis(lp, idx, 1) - 1.0, rtol=1e-6, atol=2e-7)


# ------------------------------------------------------------------ gradients
def test_gradients_against_finite_differences(rng):
    x = rng.standard_normal((4, 3))
    u = rng.standard_normal((5, 3))
    idx = np.array([1, -1, 1, 7, 0], dtype=np.int64)  # a duplicate, a negative, one dropped
    along = np.array([[0, 2], [1, 1], [2, -4], [0, 0]], dtype=np.int32)
    c0 = rng.standard_normal((5, 3))
    c1 = rng.standard_normal((4, 3))
    c2 = rng.standard_normal((4, 2))

    def f(x, u, i, a):
        return ((sg.take(x, i, 0) * c0).sum() + (sg.scatter_add(x * x, i, u * u) * c1).sum()
                + (sg.take_along_axis(sg.tanh(x), a, 1) * c2).sum() + (x[i] * c0).sum()
                + (x.at[:, a].add(1.0) ** 2).sum() * 0.1)

    value, (gx, gu) = sg.value_and_grad(f, argnums=(0, 1))(x, u, idx, along)
    m = sg.trace(f, x, u, idx, along)

    def at(x, u):
        return sg.interpret(m, None, x, u, idx, along)[0]
    np.testing.assert_allclose(value, at(x, u), rtol=1e-12)
    np.testing.assert_allclose(gx, central_differences(lambda x: at(x, u), x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gu, central_differences(lambda u: at(x, u), u), rtol=1e-6, atol=1e-8)
    assert np.all(gu[3] == 0)  # the dropped update gets no gradient


def test_indices_never_get_gradients(rng):
    x = rng.standard_normal((4, 3))
    idx = np.array([0, 2], dtype=np.int32)
    outputs, vjp = sg.vjp(lambda x, i: sg.take(x, i, 0), x, idx)
    gx, gi = vjp(np.ones((2, 3)))
    assert gi is None
    want = np.zeros_like(x)
    want[[0, 2]] = 1
    np.testing.assert_array_equal(gx, want)
    with pytest.raises(TypeError, match="never require grad"):
        sg.grad(lambda x, i: sg.take(x, i, 0).sum(), argnums=1)(x, idx)


# ------------------------------------------------------------------ losses
def _log_softmax(z, axis):
    z = z - z.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def _nll_reference(logp, labels, axis, reduction, ignore_index):
    """PyTorch's nll_loss in numpy: -logp[label], mean over the examples not ignored."""
    picked = np.take_along_axis(logp, np.expand_dims(np.where(labels == ignore_index, 0, labels), axis), axis)
    losses = -np.squeeze(picked, axis)
    kept = labels != ignore_index if ignore_index is not None else np.ones(labels.shape, bool)
    losses = np.where(kept, losses, 0.0)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / kept.sum()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index", [None, -100, 2])
def test_cross_entropy_matches_the_reference(reduction, ignore_index, rng):
    logits = rng.standard_normal((6, 5))
    labels = np.array([0, 4, 2, 3, 1, 2], dtype=np.int64)
    if ignore_index == -100:
        labels[3] = -100
    got = _both(lambda z, y: sg.nn.cross_entropy(z, y, reduction=reduction, ignore_index=ignore_index),
                logits, labels, exact=False)
    want = _nll_reference(_log_softmax(logits, -1), labels, -1, reduction, ignore_index)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    torch = _torch()
    if torch is not None:
        t = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels), reduction=reduction,
                                              ignore_index=-100 if ignore_index is None else ignore_index)
        np.testing.assert_allclose(got, t.numpy(), rtol=1e-12, atol=1e-14)


def _torch():
    try:
        import torch
    except ImportError:  # not installed in CI: the numpy reference above is the check
        return None
    return torch


def test_cross_entropy_class_axis_and_nll_loss(rng):
    """PyTorch's (N, C, d) layout with axis=1; nll_loss on given log-probabilities; i32 labels."""
    logits = rng.standard_normal((3, 4, 2)).astype(np.float32)
    labels = rng.integers(0, 4, (3, 2)).astype(np.int32)
    got = _both(lambda z, y: (sg.nn.cross_entropy(z, y, axis=1), sg.nn.nll_loss(z, y, reduction="none", axis=1)),
                logits, labels, exact=False)
    want = _nll_reference(_log_softmax(logits.astype(np.float64), 1), labels, 1, "mean", None)
    np.testing.assert_allclose(got[0], want, rtol=2e-6)
    np.testing.assert_array_equal(got[1], _nll_reference(logits, labels, 1, "none", None))
    torch = _torch()
    if torch is not None:
        t = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels).long())
        np.testing.assert_allclose(got[0], t.numpy(), rtol=2e-6)


def test_cross_entropy_gradient_against_finite_differences(rng):
    logits = rng.standard_normal((5, 4))
    labels = np.array([3, 0, -100, 1, 3], dtype=np.int32)
    fn = lambda z, y: sg.nn.cross_entropy(z * 1.5, y, ignore_index=-100)  # noqa: E731
    value, g = sg.value_and_grad(fn)(logits, labels)
    m = sg.trace(fn, logits, labels)
    num = central_differences(lambda z: sg.interpret(m, None, z, labels)[0], logits)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)
    assert np.all(g[2] == 0)  # the ignored example
    # the closed form: (softmax - one_hot) / count, scaled by the chain rule's 1.5
    p = np.exp(_log_softmax(logits * 1.5, -1))
    want = p.copy()
    want[[0, 1, 3, 4], labels[[0, 1, 3, 4]]] -= 1
    want[2] = 0
    np.testing.assert_allclose(g, want * 1.5 / 4, rtol=1e-12, atol=1e-14)


def test_embedding_classifier_trains_with_int32_labels():
    """An embedding + linear + cross-entropy classifier, int32 tokens and labels, a few SGD steps
    through sg.value_and_grad (compiled): the loss goes down; the gradients match float64 finite
    differences of the interpreted loss."""
    rng = np.random.default_rng(1)
    vocab, width, classes, tokens = 12, 6, 3, 32
    ids = rng.integers(0, vocab, (tokens,)).astype(np.int32)
    labels = (ids % classes).astype(np.int32)
    emb = rng.standard_normal((vocab, width)) * 0.1
    w = rng.standard_normal((width, classes)) * 0.1

    def loss(emb, w, ids, labels):
        return sg.nn.cross_entropy(sg.tanh(sg.embedding(emb, ids)) @ w, labels)

    step = sg.value_and_grad(loss, argnums=(0, 1))
    losses = []
    for _ in range(30):
        value, (ge, gw) = step(emb, w, ids, labels)
        losses.append(float(value))
        emb, w = emb - 2.0 * ge, w - 2.0 * gw
    assert losses[-1] < 0.5 * losses[0], losses
    m = sg.trace(loss, emb, w, ids, labels)
    value, (ge, gw) = step(emb, w, ids, labels)
    np.testing.assert_allclose(ge, central_differences(lambda e: sg.interpret(m, None, e, w, ids, labels)[0], emb),
                               rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(gw, central_differences(lambda v: sg.interpret(m, None, emb, v, ids, labels)[0], w),
                               rtol=1e-5, atol=1e-9)


# ------------------------------------------------------------------ errors
def _error(fn, *args):
    with pytest.raises(Exception) as info:
        sg.trace(fn, *args)
    return info


def test_index_errors_are_clear(rng):
    x = rng.standard_normal((4, 3)).astype(np.float32)
    f = np.array([0.0, 1.0], dtype=np.float32)
    i = np.array([0, 1], dtype=np.int32)
    cases = [
        (lambda x, f: sg.take(x, f, 0), (x, f), sg.DTypeError, "operand 'indices' must have an integer element type"),
        (lambda x: sg.take(x, np.array([0.5]), 0), (x,), sg.DTypeError, "operand 'indices' must have an integer"),
        (lambda x, f: x[f], (x, f), sg.DTypeError, "operand 'indices' must have an integer"),
        (lambda x, f: x[f > 0], (x, f), IndexError, "boolean mask indexing"),
        (lambda x: x[[0, 4]], (x,), IndexError, "index 4 is out of bounds for axis 0 with size 4"),
        (lambda x: sg.take(x, [-5], 0), (x,), IndexError, "index -5 is out of bounds for axis 0 with size 4"),
        (lambda x: x[:, [3]], (x,), IndexError, "index 3 is out of bounds for axis 1 with size 3"),
        (lambda x: x[np.array([True, False, True, True])], (x,), IndexError, "boolean mask indexing"),
        (lambda x, i: x[i, i], (x, i), IndexError, "only one integer array index"),
        (lambda x, i: x[0, i], (x, i), IndexError, "combining an integer array index with integer indices"),
        (lambda x, i: x.at[1:, i].add(1.0), (x, i), IndexError, r"x.at\[...\] takes one integer"),
        (lambda x, i: sg.take(x, i, 2), (x, i), ValueError, "axis 2 is out of range for a rank-2 tensor"),
        (lambda x, i: sg.take_along_axis(x, i, 1), (x, i), ValueError, "must have as many dimensions"),
        (lambda x, i: sg.take_along_axis(x, np.zeros((3, 1), np.int32), 1), (x, i), ValueError,
         "do not broadcast with x"),
        (lambda x, i: sg.scatter_add(x, i, np.ones((3, 3), np.float32)), (x, i), ValueError,
         "updates of shape 3x3 do not broadcast to the indexed shape 2x3"),
        (lambda x, i: sg.scatter_add(x, i, np.ones((2, 3))), (x, i), sg.DTypeError, "float64"),
        (lambda x, i: sg.take(np.ones(3), i, 0), (x, i), TypeError, "must be a symbolic tensor"),
        (lambda x, i: sg.scatter_add_along_axis(x[:1], np.zeros((4, 1), np.int32), 1.0, 1), (x, i), ValueError,
         "indices of shape 4x1 do not broadcast to x's shape 1x3 outside axis 1"),
    ]
    for fn, args, exc, msg in cases:
        info = _error(fn, *args)
        assert isinstance(info.value, exc), (msg, info.value)
        assert info.match(msg), (msg, str(info.value))
        assert "test_indexing.py" in str(info.value) or exc is TypeError, str(info.value)  # located


def test_loss_errors_are_clear(rng):
    z = rng.standard_normal((4, 3)).astype(np.float32)
    y = np.array([0, 1, 2, 0], dtype=np.int32)
    cases = [
        (lambda z, y: sg.nn.cross_entropy(z, y.astype(np.float32)), sg.DTypeError,
         "labels must be integer class indices"),
        (lambda z, y: sg.nn.cross_entropy(z, np.array([0.0, 1.0, 2.0, 0.0])), sg.DTypeError, "float64 values"),
        (lambda z, y: sg.nn.cross_entropy(z, y[:3]), sg.ShapeError,
         "labels of shape 3 must have the shape 4 of the scores 4x3 without the class axis 1"),
        (lambda z, y: sg.nn.nll_loss(z, y, reduction="avg"), ValueError, "reduction must be one of"),
        (lambda z, y: sg.nn.cross_entropy(z, np.array([0, 1, 3, 0])), IndexError,
         "label 3 is out of range for 3 classes"),
        (lambda z, y: sg.nn.cross_entropy(y, z), sg.DTypeError, "the scores must be floats"),
        (lambda z, y: sg.nn.cross_entropy(z, y, axis=2), ValueError, "axis 2 is not an axis"),
    ]
    for fn, exc, msg in cases:
        info = _error(fn, z, y)
        assert isinstance(info.value, exc), (msg, info.value)
        assert info.match(msg), (msg, str(info.value))
    # ignore_index entries may be outside the classes
    _, (v,) = _run(lambda z: sg.nn.cross_entropy(z, np.array([0, -100, 2, 0]), ignore_index=-100), z)
    assert np.isfinite(v)
