"""Numerical gradient checks shared by the differentiation tests (float64 central differences)."""
from __future__ import annotations

import numpy as np

import symgrad as sg


def random_inputs(types, domain, rng):
    """One array per TensorType: floats from `domain`, random booleans for i1, integers over the
    domain for i32/i64 (never differentiated: finite differences perturb only float arguments)."""
    lo, hi = domain
    out = []
    for t in types:
        if t.dtype == "i1":
            out.append(rng.random(t.shape) < 0.5)
        elif t.is_int:
            out.append(rng.integers(int(np.floor(lo)), int(np.ceil(hi)) + 1, t.shape).astype(t.np_dtype))
        else:
            out.append(rng.uniform(lo, hi, size=t.shape).astype(t.np_dtype))
    return out


def numeric_vjp(fn, args, wrt, cotangents, eps=1e-6):
    """d<cotangents, fn(args)>/d args[i] for i in wrt, by central differences."""
    def scalar(a):
        return sum(float(np.sum(c * o)) for c, o in zip(cotangents, fn(*a)))
    grads = []
    for i in wrt:
        g = np.zeros_like(args[i], dtype=np.float64)
        flat = g.reshape(-1)
        for k in range(args[i].size):
            plus = [a.copy() for a in args]
            minus = [a.copy() for a in args]
            plus[i].reshape(-1)[k] += eps
            minus[i].reshape(-1)[k] -= eps
            flat[k] = (scalar(plus) - scalar(minus)) / (2 * eps)
        grads.append(g)
    return grads


def numeric_jvp(fn, args, wrt, tangents, eps=1e-6):
    """J u by a central difference along the direction u (one tangent per wrt argument)."""
    plus = [a.copy() for a in args]
    minus = [a.copy() for a in args]
    for i, u in zip(wrt, tangents):
        plus[i] = plus[i] + eps * u
        minus[i] = minus[i] - eps * u
    return [(p.astype(np.float64) - m.astype(np.float64)) / (2 * eps) for p, m in zip(fn(*plus), fn(*minus))]


def check_gradient(module, func_name, args, wrt, rng, rtol=1e-5, atol=1e-7, recompute="none"):
    """Checks sg.differentiate against finite differences and by the dot-product test."""
    grad = sg.differentiate(module, func_name, requires_grad=list(wrt), recompute=recompute)
    assert grad.df_output_vjps == tuple(wrt)
    fn = lambda *a: sg.interpret(module, func_name, *a)  # noqa: E731
    outputs = fn(*args)
    float_out = [i for i, o in enumerate(outputs) if o.dtype.kind == "f"]
    cts = [rng.standard_normal(o.shape) if i in float_out else np.zeros(o.shape) for i, o in enumerate(outputs)]
    real_outputs, saved = grad.forward(*args)
    for a, b in zip(real_outputs, outputs):
        np.testing.assert_array_equal(a, b)
    vjps = [cts[i] for i in grad.df_input_vjps if i < grad.f_real_outputs]
    symbolic = grad.backward(saved, *vjps)
    numeric = numeric_vjp(fn, args, wrt, cts)
    for i, s, n in zip(wrt, symbolic, numeric):
        np.testing.assert_allclose(s, n, rtol=rtol, atol=atol, err_msg=f"gradient of argument {i}")
    # Dot-product test: <J u, w> == <u, J^T w>
    tangents = [rng.standard_normal(args[i].shape) for i in wrt]
    jvp = numeric_jvp(fn, args, wrt, tangents)
    lhs = sum(float(np.sum(j * c)) for j, c in zip(jvp, cts))
    rhs = sum(float(np.sum(u * s)) for u, s in zip(tangents, symbolic))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-6, atol=1e-8)
    return grad
