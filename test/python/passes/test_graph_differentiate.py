"""graph-differentiate on whole graphs: the seed's contract, fan-out, broadcasting, remat, second order."""
from __future__ import annotations

import numpy as np
import pytest

import symgrad as sg

from gradcheck import check_gradient

RNG = np.random.default_rng(7)


def f64(*shape):
    return RNG.standard_normal(shape)


SEED = """
func.func @f(%x: tensor<3xf64> {graph.requires_grad}, %m: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %t = "graph.exp"(%x) : (tensor<3xf64>) -> tensor<3xf64>
  %p = "graph.mul"(%t, %x) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %y = "graph.tanh"(%p) : (tensor<3xf64>) -> tensor<3xf64>
  %n = "graph.mul"(%m, %m) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  return %y, %n : tensor<3xf64>, tensor<3xf64>
}
"""


def fields(g):
    return (g.f_real_outputs, g.df_input_vjps, g.df_input_captured_inputs, g.df_input_captured_outputs,
            g.df_output_vjps)


def test_seed_example_fields_and_signature():
    g = sg.differentiate(sg.parse(SEED))
    assert fields(g) == (2, (0, 2), (0,), (2, 0), (0,))
    assert len(g.f.type.results) == 3  # y, n, t
    assert len(g.df.type.inputs) == 5  # dy, dt, x, t, y
    assert len(g.df.type.results) == 1  # dx
    assert g.df.attributes["graph.primal"].value == "f"


def test_seed_example_numbers_and_absent_vjps():
    g = sg.differentiate(sg.parse(SEED))
    x, m = f64(3), f64(3)
    (y, n), saved = g.forward(x, m)
    np.testing.assert_allclose(y, np.tanh(np.exp(x) * x))
    dy = f64(3)
    (dx,) = g.backward(saved, dy)  # dt is absent: zero
    t = np.exp(x)
    np.testing.assert_allclose(dx, dy * (1 - y ** 2) * (t * x + t))
    (dx_full,) = g.backward(saved, dy, np.zeros(3))
    np.testing.assert_allclose(dx_full, dx)
    dt = f64(3)
    (dx_dt,) = g.backward(saved, dy, dt)  # a vjp for the temporary adds t's contribution
    np.testing.assert_allclose(dx_dt, dx + dt * t)
    (zero,) = g.backward(saved, None)
    np.testing.assert_array_equal(zero, np.zeros(3))


def test_absent_vjps_use_adjoint_variants_that_skip_their_work():
    g = sg.differentiate(sg.parse(SEED))
    x, m = f64(3), f64(3)
    _, saved = g.forward(x, m)
    only_dy = g.adjoint_for((True, False))
    variant = g.module.function(only_dy)
    assert len(variant.type.inputs) == 4  # dy, then the same captures x, t, y
    ops = [op.operation.name for op in variant.entry_block.operations]
    assert ops.count("graph.add") == 1  # no "+ dt" any more, only dx's two contributions
    assert g.adjoint_for((True, False)) == only_dy  # built once
    nothing = g.module.function(g.adjoint_for((False, False)))
    assert [op.operation.name for op in nothing.entry_block.operations] == ["graph.constant", "func.return"]
    dy = f64(3)
    np.testing.assert_allclose(g.backward(saved, dy, None)[0], g.backward(saved, dy, np.zeros(3))[0])
    g.module.verify()


def test_product_fan_out_case():
    """a*b*a + b with a, b requiring grad (a TorchScript test case)."""
    def f(a, b):
        return a * b * a + b
    a, b = f64(4), f64(4)
    g = sg.differentiate(sg.trace(f, a, b), requires_grad=[0, 1])
    assert fields(g) == (1, (0, 1), (0, 1), (1,), (0, 1))
    check_gradient(sg.trace(f, a, b), "f", [a, b], [0, 1], RNG)


def test_partial_requires_grad_case():
    """Only %0 requires grad; %3 and %4 get no gradient work."""
    text = """
    func.func @g(%a0: tensor<2xf64>, %a1: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {
      %3 = "graph.mul"(%a1, %a1) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %4 = "graph.add"(%3, %a1) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %5 = "graph.add"(%4, %a0) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %6 = "graph.mul"(%5, %a0) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %7 = "graph.add"(%6, %a1) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      return %4, %7 : tensor<2xf64>, tensor<2xf64>
    }"""
    g = sg.differentiate(sg.parse(text), requires_grad=[0])
    assert fields(g) == (2, (1, 2), (0,), (2,), (0,))
    adjoint_ops = [op.operation.name for op in g.df.entry_block.operations]
    # d7 -> d6 (identity), d5 = d6 * a0 (+ dt5), da0 = d6 * t5 + d5: two muls and one add, no more.
    assert adjoint_ops.count("graph.mul") == 2 and adjoint_ops.count("graph.add") == 2, adjoint_ops
    check_gradient(sg.parse(text), "g", [f64(2), f64(2)], [0], RNG)


@pytest.mark.parametrize("recompute", ["none", "elementwise", "all"])
def test_mlp_loss_gradients(recompute):
    def loss(x, w1, b1, w2, b2, labels):
        h = sg.tanh(x @ w1 + b1)
        logits = h @ w2 + b2
        return -(labels * sg.log_softmax(logits, axis=-1)).sum(axis=-1).mean()
    args = [f64(5, 4), f64(4, 6), f64(6), f64(6, 3), f64(3), np.eye(3)[[0, 2, 1, 1, 0]]]
    m = sg.trace(loss, *args)
    check_gradient(m, "loss", args, [1, 2, 3, 4], RNG, recompute=recompute)


def test_remat_saves_captured_bytes():
    def loss(x, w, b):
        h = x @ w
        return (sg.tanh(h * 2.0 + b) * sg.sigmoid(h)).sum()
    args = [f64(8, 16), f64(16, 32), f64(32)]
    m = sg.trace(loss, *args)
    saved = {p: sg.differentiate(m, requires_grad=[0, 1, 2], recompute=p).captured_bytes()
             for p in ("none", "elementwise", "all")}
    # none keeps tanh(...) and sigmoid(h); elementwise keeps only h and recomputes both from it
    assert saved["none"]["temporaries"] == 2 * 8 * 32 * 8
    assert saved["elementwise"]["temporaries"] == 8 * 32 * 8
    assert saved["all"]["temporaries"] == 0
    for p in saved:
        check_gradient(m, "loss", args, [0, 1, 2], RNG, recompute=p)


def test_broadcast_fan_out_reductions_matmul():
    def f(x, w, b):
        y = x @ w
        z = sg.maximum(y, 0.1 * y) + b            # broadcast b over rows, y used twice
        s = sg.softmax(z, axis=0) * sg.exp(-(z * z)).mean(axis=1, keepdims=True)
        return s.max(axis=1).sum() + sg.logsumexp(z) + (x[:, ::2] ** 2.0).sum()
    args = [f64(3, 4), f64(4, 5), f64(1, 5)]
    check_gradient(sg.trace(f, *args), "f", args, [0, 1, 2], RNG)


def test_stop_gradient_is_a_constant_to_differentiation():
    def f(x, y):
        return (x * sg.stop_gradient(x * y)).sum() + sg.stop_gradient(y).sum()
    x, y = f64(3, 4), f64(3, 4)
    m = sg.trace(f, x, y)
    g = sg.differentiate(m, requires_grad=[0, 1])
    _, saved = g.forward(x, y)
    dx, dy = g.backward(saved, np.float64(1.0))
    np.testing.assert_array_equal(dx, x * y)  # d/dx of x * c with c = x * y held constant
    np.testing.assert_array_equal(dy, np.zeros_like(y))  # exact zero: no path carries a gradient
    assert sg.is_differentiable("stop_gradient")


@pytest.mark.parametrize("composite", ["softmax", "log_softmax"])
def test_softmax_adjoint_does_no_work_for_the_row_max(composite):
    """The max shift cancels; stop_gradient keeps its (zero) gradient out of the adjoint."""
    fn = getattr(sg, composite)
    args = [f64(4, 6)]
    m = sg.trace(lambda x: (fn(x, axis=-1) ** 2.0).sum(), *args)
    g = sg.differentiate(m, requires_grad=[0])
    adjoint_ops = {op.operation.name for op in g.df.entry_block.operations}
    assert not adjoint_ops & {"graph.max", "graph.eq", "graph.select"}, adjoint_ops
    check_gradient(m, m.function().sym_name.value, args, [0], RNG)


def test_composites_gelu_layer_norm_concat_slices():
    def f(x, y):
        z = sg.concatenate([sg.gelu(x), sg.layer_norm(y)], axis=1)
        return (z[1:, 1::2] * z[:-1, :4]).sum(), z.T.reshape(-1)[3:7]
    args = [f64(3, 4), f64(3, 5)]
    check_gradient(sg.trace(f, *args), "f", args, [0, 1], RNG)


def test_output_that_is_an_argument_and_repeated_outputs():
    def f(x, y):
        z = x * y
        return z, z, x
    args = [f64(3), f64(3)]
    g = sg.differentiate(sg.trace(f, *args), requires_grad=[0])
    assert g.df_input_vjps == (0, 1, 2)
    check_gradient(sg.trace(f, *args), "f", args, [0], RNG)


def test_argument_without_a_path_to_outputs_gets_a_zero_gradient():
    def f(x, y):
        return x * 2.0
    args = [f64(3), f64(2, 2)]
    g = sg.differentiate(sg.trace(f, *args), requires_grad=[0, 1])
    outputs, saved = g.forward(*args)
    dx, dy = g.backward(saved, np.ones(3))
    np.testing.assert_array_equal(dx, np.full(3, 2.0))
    np.testing.assert_array_equal(dy, np.zeros((2, 2)))


def test_comparisons_and_select_conditions_do_not_require_grad():
    def f(x, y):
        return sg.where(x > y, x * y, y), (x > 0.0)
    args = [f64(4), f64(4)]
    g = sg.differentiate(sg.trace(f, *args), requires_grad=[0, 1])
    assert g.df_input_vjps == (0,)  # the i1 output gets no vjp
    check_gradient(sg.trace(f, *args), "f", args, [0, 1], RNG)


def test_hessian_vector_product_by_differentiating_the_adjoint():
    """Second order: the adjoint (recompute=all) is differentiated again w.r.t. x."""
    def f(x, w):
        return (sg.tanh(x @ w) ** 2.0).sum() + (sg.sin(x) * x).sum()
    x, w = f64(2, 3), f64(3, 2)
    g = sg.differentiate(sg.trace(f, x, w), requires_grad=[0], recompute="all")
    assert g.df_input_captured_outputs == ()  # the adjoint depends on dy and inputs only
    df_args = ([np.array(1.0)] + [[x, w][i] for i in g.df_input_captured_inputs])
    x_pos = 1 + list(g.df_input_captured_inputs).index(0)
    h = sg.differentiate(g.module, g.df_name, requires_grad=[x_pos])
    v = f64(2, 3)
    outputs, saved = h.forward(*df_args)
    (hv,) = h.backward(saved, v)
    # Finite differences of the gradient along v
    eps = 1e-6
    grad_at = lambda xx: sg.interpret(g, xx, w, vjps=[np.array(1.0)])[1][0]  # noqa: E731
    hv_fd = (grad_at(x + eps * v) - grad_at(x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv, hv_fd, rtol=1e-5, atol=1e-7)


def test_non_differentiable_op_on_the_gradient_path_is_a_located_error():
    text = """
    func.func @h(%x: tensor<2xf64> {graph.requires_grad}) -> tensor<2xf64> {
      %0 = arith.addf %x, %x : tensor<2xf64>
      return %0 : tensor<2xf64>
    }"""
    with pytest.raises(sg.IRError) as e:
        sg.differentiate(sg.parse(text))
    assert "'arith.addf' op is not differentiable" in str(e.value)
    assert ":3:" in str(e.value)
    assert not sg.is_differentiable(sg.parse(text))


def test_ops_off_the_gradient_path_are_fine():
    text = """
    func.func @h(%x: tensor<2xf64> {graph.requires_grad}, %y: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {
      %0 = arith.addf %y, %y : tensor<2xf64>
      %1 = "graph.exp"(%x) : (tensor<2xf64>) -> tensor<2xf64>
      return %0, %1 : tensor<2xf64>, tensor<2xf64>
    }"""
    assert sg.is_differentiable(sg.parse(text))
    g = sg.differentiate(sg.parse(text))
    assert g.df_input_vjps == (1,)


def test_is_differentiable_for_ops():
    assert sg.is_differentiable("graph.tanh") and sg.is_differentiable("matmul")
    assert not sg.is_differentiable("graph.lt") and not sg.is_differentiable("arith.addf")


def test_bad_requests_raise_clear_errors():
    m = sg.parse(SEED)
    with pytest.raises(ValueError, match="recompute"):
        sg.differentiate(m, recompute="sometimes")
    with pytest.raises(ValueError, match="no argument requires grad"):
        sg.differentiate(m, requires_grad=[])
    with pytest.raises(ValueError, match="not an argument index"):
        sg.differentiate(m, requires_grad=[5])


def test_original_module_is_left_untouched():
    m = sg.parse(SEED)
    before = str(m)
    sg.differentiate(m)
    assert str(m) == before


SEED_SHAPED = """
func.func @f(%x: tensor<3xf64> {graph.requires_grad}, %m: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %t = "graph.U1"(%x) : (tensor<3xf64>) -> tensor<3xf64>
  %p = "graph.mul"(%t, %x) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %y = "graph.U2"(%p) : (tensor<3xf64>) -> tensor<3xf64>
  %n = "graph.B"(%m, %m) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  return %y, %n : tensor<3xf64>, tensor<3xf64>
}
"""


@pytest.mark.parametrize("u1,u2,b", [("sin", "sigmoid", "add"), ("log1p", "exp", "sub"), ("cos", "expm1", "maximum"),
                                     ("erf", "reciprocal", "div"), ("abs", "sqrt", "pow"), ("neg", "rsqrt", "minimum")])
def test_seed_shaped_graphs_built_from_other_ops_give_the_same_fields(u1, u2, b):
    """Any u1 and any u2 whose rule reads only its result keep the seed's captures (x, t, y)."""
    m = sg.parse(SEED_SHAPED.replace("U1", u1).replace("U2", u2).replace('"graph.B"', f'"graph.{b}"'))
    g = sg.differentiate(m)
    assert fields(g) == (2, (0, 2), (0,), (2, 0), (0,))
    x = RNG.uniform(0.5, 1.0, 3)  # inside every op's domain here
    check_gradient(m, "f", [x, RNG.uniform(0.5, 1.0, 3)], [0], RNG)


@pytest.mark.parametrize("inner,outer", [("mul", "sub"), ("mul", "add")])
def test_fan_out_shaped_graphs_built_from_other_ops(inner, outer):
    """(a*b)*a +/- b: the product a*b is the only appended capture, as in TorchScript's case."""
    text = f"""
    func.func @g(%a: tensor<2xf64> {{graph.requires_grad}}, %b: tensor<2xf64> {{graph.requires_grad}}) -> tensor<2xf64> {{
      %0 = "graph.{inner}"(%a, %b) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %1 = "graph.{inner}"(%0, %a) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %2 = "graph.{outer}"(%1, %b) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      return %2 : tensor<2xf64>
    }}"""
    g = sg.differentiate(sg.parse(text))
    assert fields(g) == (1, (0, 1), (0, 1), (1,), (0, 1))
    check_gradient(sg.parse(text), "g", [f64(2), f64(2)], [0, 1], RNG)


@pytest.mark.parametrize("ops", [("mul", "add", "add", "mul", "add"), ("mul", "sub", "sub", "mul", "sub"),
                                 ("add", "add", "add", "mul", "add"), ("mul", "add", "sub", "mul", "add")])
def test_partial_requires_grad_shaped_graphs_built_from_other_ops(ops):
    o3, o4, o5, o6, o7 = ops
    text = f"""
    func.func @g(%a0: tensor<2xf64>, %a1: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {{
      %3 = "graph.{o3}"(%a1, %a1) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %4 = "graph.{o4}"(%3, %a1) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %5 = "graph.{o5}"(%4, %a0) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %6 = "graph.{o6}"(%5, %a0) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      %7 = "graph.{o7}"(%6, %a1) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
      return %4, %7 : tensor<2xf64>, tensor<2xf64>
    }}"""
    g = sg.differentiate(sg.parse(text), requires_grad=[0])
    assert fields(g) == (2, (1, 2), (0,), (2,), (0,))
    check_gradient(sg.parse(text), "g", [f64(2), f64(2)], [0], RNG)
