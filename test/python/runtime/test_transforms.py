"""sg.jit / sg.vjp / sg.grad / sg.value_and_grad on composite functions, against float64 central
finite differences and numpy; the seed's Gradient protocol on native kernels; per-signature
caching and the staged IR of `.lower()`."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg


def numeric_grad(f, args, i, eps=1e-6):
    """d f(args) / d args[i] for a scalar-valued numpy function, by central differences."""
    g = np.zeros_like(args[i], dtype=np.float64)
    for k in range(args[i].size):
        plus = [a.copy() for a in args]
        minus = [a.copy() for a in args]
        plus[i].reshape(-1)[k] += eps
        minus[i].reshape(-1)[k] -= eps
        g.reshape(-1)[k] = (f(*plus) - f(*minus)) / (2 * eps)
    return g


# -- composite functions, written once for symgrad and once for numpy -------------------------
def mlp_loss(x, w1, b1, w2, b2, onehot, lib):
    h = lib.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    if lib is np:
        m = logits.max(axis=1, keepdims=True)
        lse = np.log(np.exp(logits - m).sum(axis=1, keepdims=True)) + m
    else:
        lse = sg.logsumexp(logits, axis=1, keepdims=True)
    return -((logits - lse) * onehot).sum() / float(x.shape[0])


def norm_gelu(x, gamma, beta, r, lib):
    mean = x.mean(axis=-1, keepdims=True)
    c = x - mean
    var = (c * c).mean(axis=-1, keepdims=True)
    y = c * ((var + 1e-5) ** -0.5) * gamma + beta
    inner = np.sqrt(2 / np.pi) * (y + 0.044715 * y * y * y)
    return (0.5 * y * (1.0 + lib.tanh(inner)) * r).sum()


def softmax_sq(x, lib):
    if lib is np:
        e = np.exp(x - x.max(axis=1, keepdims=True))
        s = e / e.sum(axis=1, keepdims=True)
    else:
        s = sg.softmax(x, axis=1)
    return (s * s).sum()


def fanout(a, b, lib):
    t = a * b
    return (t * a + lib.maximum(t, b) * 2.0 - lib.exp(-b * b)).sum() + (a @ b.T).sum()


CASES = {
    "mlp": (lambda *a: mlp_loss(*a, lib=sg), lambda *a: mlp_loss(*a, lib=np),
            lambda rng: [rng.standard_normal((4, 6)), rng.standard_normal((6, 5)) * 0.5, rng.standard_normal(5),
                         rng.standard_normal((5, 3)) * 0.5, rng.standard_normal(3),
                         np.eye(3)[rng.integers(0, 3, 4)]], (1, 2, 3, 4)),
    "norm_gelu": (lambda *a: norm_gelu(*a, lib=sg), lambda *a: norm_gelu(*a, lib=np),
                  lambda rng: [rng.standard_normal((3, 8)), 1 + 0.1 * rng.standard_normal(8),
                               0.1 * rng.standard_normal(8), rng.standard_normal((3, 8))], (0, 1, 2)),
    "softmax_sq": (lambda x: softmax_sq(x, lib=sg), lambda x: softmax_sq(x, lib=np),
                   lambda rng: [rng.standard_normal((3, 7))], (0,)),
    "fanout": (lambda a, b: fanout(a, b, lib=sg), lambda a, b: fanout(a, b, lib=np),
               lambda rng: [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))], (0, 1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_and_grad_matches_finite_differences(name, rng):
    sg_fn, np_fn, make, wrt = CASES[name]
    args = make(rng)
    value, grads = sg.value_and_grad(sg_fn, argnums=wrt)(*args)
    np.testing.assert_allclose(value, np_fn(*args), rtol=1e-12)
    for i, g in zip(wrt, grads):
        np.testing.assert_allclose(g, numeric_grad(np_fn, args, i), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_in_float32_is_close_to_float64(name, rng):
    sg_fn, _, make, wrt = CASES[name]
    args = make(rng)
    g64 = sg.grad(sg_fn, argnums=wrt)(*args)
    g32 = sg.grad(sg_fn, argnums=wrt)(*[a.astype(np.float32) for a in args])
    for a, b in zip(g32, g64):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-3, atol=2e-4)


def test_grad_argnums_int_and_tuple(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    f = lambda a, b: (a * b * a).sum()  # noqa: E731
    ga = sg.grad(f)(a, b)
    assert isinstance(ga, np.ndarray)
    np.testing.assert_allclose(ga, 2 * a * b)
    gb, ga2 = sg.grad(f, argnums=(1, 0))(a, b)
    np.testing.assert_allclose(gb, a * a)
    np.testing.assert_allclose(ga2, 2 * a * b)
    np.testing.assert_allclose(sg.grad(f, argnums=-1)(a, b), a * a)


def test_grad_of_an_unused_argument_is_zero(rng):
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    ga, gb = sg.grad(lambda a, b: (a * a).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, 2 * a)
    np.testing.assert_array_equal(gb, np.zeros(3))


def test_vjp_seed_example(rng):
    def f(x, m):
        t = sg.exp(x)
        return sg.tanh(t * x), m * m

    x, m = rng.standard_normal(5), rng.standard_normal(5)
    (y, n), vjp_fn = sg.vjp(f, x, m)
    t = np.exp(x)
    np.testing.assert_allclose(y, np.tanh(t * x))
    np.testing.assert_allclose(n, m * m)
    dy, dn = rng.standard_normal(5), rng.standard_normal(5)
    dx, dm = vjp_fn(dy, dn)
    np.testing.assert_allclose(dx, dy * (1 - np.tanh(t * x) ** 2) * (t * x + t))
    np.testing.assert_allclose(dm, dn * 2 * m)
    dx0, dm0 = vjp_fn(None, dn)  # an absent cotangent is zero
    np.testing.assert_array_equal(dx0, np.zeros(5))
    np.testing.assert_allclose(dm0, dn * 2 * m)
    zx, zm = vjp_fn(None, None)
    assert not zx.any() and not zm.any()
    with pytest.raises(TypeError, match="expected 2 cotangent"):
        vjp_fn(dy)
    with pytest.raises(ValueError, match="expected shape"):
        vjp_fn(dy[:3], dn)
    assert "differentiated" in vjp_fn.lower().stages


def test_vjp_single_output_returns_an_array(rng):
    x = rng.standard_normal((2, 3))
    y, vjp_fn = sg.vjp(lambda x: sg.sin(x) * 2.0, x)
    assert isinstance(y, np.ndarray)
    (dx,) = vjp_fn(np.ones((2, 3)))
    np.testing.assert_allclose(dx, 2 * np.cos(x))


def test_compiled_gradient_follows_the_seed_protocol(rng):
    def f(x, m):
        t = sg.exp(x)
        return sg.tanh(t * x), m * m

    x, m = rng.standard_normal(4).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    g = sg.differentiate(sg.trace(f, x, m, requires_grad=[0]))
    cg = sg.compile(g)
    assert (cg.f_real_outputs, cg.df_input_vjps, cg.df_input_captured_inputs, cg.df_input_captured_outputs,
            cg.df_output_vjps) == (2, (0, 2), (0,), (2, 0), (0,))
    outputs, saved = cg.forward(x, m)
    assert len(outputs) == 2 and len(saved.captures) == 3
    assert saved.captures[0] is x  # inputs are captured by reference
    assert saved.captures[2] is outputs[0]  # so are real outputs
    want_out, want_saved = g.forward(x, m)
    dy = rng.standard_normal(4).astype(np.float32)
    (dx,) = cg.backward(saved, dy)
    (want,) = g.backward(want_saved, dy)
    np.testing.assert_allclose(dx, want, rtol=1e-5, atol=1e-6)
    # the vjp of the temporary t may be given too (the full df_input_vjps form) or be None
    dt = rng.standard_normal(4).astype(np.float32)
    np.testing.assert_allclose(cg.backward(saved, dy, dt)[0], g.backward(want_saved, dy, dt)[0], rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(cg.backward(saved, None, dt)[0], g.backward(want_saved, None, dt)[0],
                               rtol=1e-5, atol=1e-6)
    assert not cg.backward(saved, None)[0].any()
    with pytest.raises(TypeError, match="takes 1 vjps"):
        cg.backward(saved, dy, dy, dy)


def test_jit_matches_numpy_and_caches_per_signature(rng):
    calls = []

    def f(x, w):
        calls.append(1)
        return sg.relu(x @ w), (x * x).sum(axis=0)

    jf = sg.jit(f)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    y, s = jf(x, w)
    np.testing.assert_allclose(y, np.maximum(x @ w, 0))
    np.testing.assert_allclose(s, (x * x).sum(axis=0))
    jf(x + 1, w)
    assert len(calls) == 1 and jf.cache_size() == 1  # traced once per signature
    jf(x.astype(np.float32), w.astype(np.float32))
    jf(rng.standard_normal((5, 4)), w)
    assert len(calls) == 3 and jf.cache_size() == 3
    single = sg.jit(lambda x: x * 2.0)(x)
    assert isinstance(single, np.ndarray)


def test_lower_shows_every_stage(rng):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    lowered = sg.jit(lambda x: sg.exp(x).sum()).lower(x)
    assert lowered.stages == ["graph", "linalg", "llvm", "llvm-ir"]
    assert '"graph.exp"' in lowered.as_text()
    assert "linalg.generic" in lowered.as_text("linalg")
    assert "llvm.func @_mlir_ciface_f" in lowered.as_text("llvm")
    assert "define void @_mlir_ciface_f" in lowered.as_text("llvm-ir")
    g = sg.grad(lambda x: sg.exp(x).sum()).lower(x)
    assert g.stages == ["graph", "differentiated", "linalg", "llvm", "llvm-ir"]
    assert "graph.adjoint" in g["differentiated"]
    assert "// ----- llvm-ir -----" in str(g)


def test_transform_errors(rng):
    x = rng.standard_normal((2, 3))
    with pytest.raises(TypeError, match="one float scalar"):
        sg.grad(lambda x: x * 2.0)(x)
    with pytest.raises(ValueError, match="out of range"):
        sg.grad(lambda x: x.sum(), argnums=1)(x)
    with pytest.raises(TypeError, match="must be a numpy array"):
        sg.jit(lambda x: x * 2.0)([1.0, 2.0])
    with pytest.raises(TypeError, match="only float arguments"):
        sg.grad(lambda c, x: sg.where(c, x, 0.0).sum())(x > 0, x)
    with pytest.raises(TypeError, match="expects a function"):
        sg.jit(3)


def test_jitted_function_inlines_when_traced_by_another_transform(rng):
    inner = sg.jit(lambda x, w: sg.tanh(x @ w))
    x = rng.standard_normal((3, 4)).astype(np.float64)
    w = rng.standard_normal((4, 2)).astype(np.float64)
    out, vjp_fn = sg.vjp(inner, x, w)
    np.testing.assert_allclose(out, np.tanh(x @ w), rtol=1e-12)
    dx, dw = vjp_fn(np.ones_like(out))
    dz = 1.0 - np.tanh(x @ w) ** 2
    np.testing.assert_allclose(dx, dz @ w.T, rtol=1e-12)
    np.testing.assert_allclose(dw, x.T @ dz, rtol=1e-12)
    g = sg.grad(lambda x, w: inner(x, w).sum(), argnums=1)(x, w)
    np.testing.assert_allclose(g, x.T @ dz, rtol=1e-12)
