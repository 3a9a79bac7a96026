"""`recompute=` on sg.grad, sg.value_and_grad and sg.vjp: the user picks the rematerialization
policy of the adjoint (as sg.differentiate takes it); results are the same under every policy,
what is kept between primal and adjoint differs, and a bad policy is a ValueError at once."""
import numpy as np
import pytest

import symgrad as sg

POLICIES = ("none", "elementwise", "all")


def loss(x, w):
    h = sg.tanh(x @ w)
    return (sg.exp(h) * h).sum()


def args():
    rng = np.random.default_rng(3)
    return rng.standard_normal((6, 5)), rng.standard_normal((5, 4)) * 0.5


def reference(x, w):
    h = np.tanh(x @ w)
    dh = np.exp(h) * (1 + h)
    dz = dh * (1 - h * h)
    return x.T @ dz


@pytest.mark.parametrize("policy", POLICIES)
def test_grad_and_value_and_grad_take_the_policy(policy):
    x, w = args()
    g = sg.grad(loss, argnums=1, recompute=policy)(x, w)
    np.testing.assert_allclose(g, reference(x, w), rtol=1e-12)
    value, g2 = sg.value_and_grad(loss, argnums=1, recompute=policy)(x, w)
    np.testing.assert_allclose(g2, g, rtol=1e-12)
    assert np.isclose(value, (np.exp(np.tanh(x @ w)) * np.tanh(x @ w)).sum())


@pytest.mark.parametrize("policy", POLICIES)
def test_the_differentiated_stage_records_the_policy(policy):
    x, w = args()
    text = sg.grad(loss, argnums=1, recompute=policy).lower(x, w).as_text("differentiated")
    if policy == "none":
        assert "graph.recompute" not in text
    else:
        assert f'graph.recompute = "{policy}"' in text


@pytest.mark.parametrize("policy", POLICIES)
def test_vjp_takes_the_policy_and_keeps_one_specialization_per_policy(policy):
    x, w = args()
    out, vjp_fn = sg.vjp(loss, x, w, recompute=policy)
    gx, gw = vjp_fn(np.ones(()))
    np.testing.assert_allclose(gw, reference(x, w), rtol=1e-12)
    assert np.isclose(out, (np.exp(np.tanh(x @ w)) * np.tanh(x @ w)).sum())
    text = vjp_fn.lower().as_text("differentiated")
    assert (f'graph.recompute = "{policy}"' in text) == (policy != "none")


def test_policies_change_what_the_gradient_captures():
    """'all' keeps only inputs and outputs; 'none' keeps intermediates too (more bytes)."""
    x, w = args()
    m = sg.trace(loss, x, w, requires_grad=[1])
    kept = {p: sg.differentiate(m, recompute=p).captured_bytes()["temporaries"] for p in POLICIES}
    assert kept["all"] == 0 < kept["none"]


@pytest.mark.parametrize("make", [
    lambda f: sg.grad(f, recompute="sometimes"),
    lambda f: sg.value_and_grad(f, recompute=None),
    lambda f: sg.vjp(f, *args(), recompute="ALL"),
])
def test_an_unknown_policy_is_a_value_error_naming_the_choices(make):
    with pytest.raises(ValueError, match=r"recompute must be one of 'none', 'elementwise', 'all', got"):
        make(loss)


def test_sg_differentiate_rejects_the_same_way():
    x, w = args()
    with pytest.raises(ValueError, match=r"recompute must be one of 'none', 'elementwise', 'all', got 'some'"):
        sg.differentiate(sg.trace(loss, x, w, requires_grad=[1]), recompute="some")
