"""Ops with several results through every engine, at the registry level: infer/ref/vjp plumbing,
IRDL, emit's tuples, the verifier's messages, the interpreter's checks, the textual round trip,
graph-differentiate's one-cotangent-per-result sweep and Gradient contract, recompute, and the
lowering's replay of several results. graph.topk and graph.sort_with_indices are the examples."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import mlir.ir as ir
from mlir.dialects import func as func_d

import symgrad as sg
from symgrad.dialects.graph import OPS, Tensor, dialect_text, emit
from symgrad.dialects.graph.registry import OpDef, ResultCountError, register
from symgrad.dialects.graph.types import TensorType
from symgrad.dialects.graph.verifier import verify_op
from symgrad.interpret import InterpreterError
from symgrad.module import new_context
from symgrad.passes import PASSES

X = np.array([[0.5, -1.0, 2.0, 0.25], [3.0, 1.0, -2.0, 1.5]])
TOPK = ('func.func @f(%arg0: tensor<2x4xf64>) -> (tensor<2x2xf64>, tensor<2x2xi64>) {\n'
        '  %0:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 2 : i64} : (tensor<2x4xf64>) -> '
        '(tensor<2x2xf64>, tensor<2x2xi64>)\n'
        '  return %0#0, %0#1 : tensor<2x2xf64>, tensor<2x2xi64>\n}\n')


# ------------------------------------------------------------------ the registry entry
def test_result_types_and_references_are_tuples_one_per_result():
    topk = OPS["topk"]
    assert topk.results == ("values", "indices") and topk.multi_result
    t = TensorType((2, 4), "f64")
    assert topk.result_types(t, k=2, axis=1) == (TensorType((2, 2), "f64"), TensorType((2, 2), "i64"))
    values, indices = topk.run_ref(X, k=2, axis=1)
    np.testing.assert_array_equal(values, [[2.0, 0.5], [3.0, 1.5]])
    np.testing.assert_array_equal(indices, [[2, 0], [0, 3]])
    exp = OPS["exp"]  # one result: the same helpers, as 1-tuples
    assert not exp.multi_result and exp.results == ("output",)
    assert exp.result_types(t) == (t,) and len(exp.run_ref(X)) == 1


def test_a_reference_with_the_wrong_number_of_results_is_named():
    broken = dataclasses.replace(OPS["topk"], ref=lambda x, k, axis: x)
    with pytest.raises(ResultCountError, match=r"graph.topk returned 1 results, expected 2 \(values, indices\)"):
        broken.run_ref(X, k=2, axis=1)


@pytest.mark.parametrize("results", [(), ("values", "values")])
def test_result_names_must_be_distinct_and_present(results):
    op = dataclasses.replace(OPS["topk"], name="topk_like_new_op", results=results)
    with pytest.raises(ValueError, match="results must be distinct names"):
        register(op)
    assert "topk_like_new_op" not in OPS


def test_irdl_declares_every_result_with_its_own_variable():
    text = dialect_text()
    block = text[text.index("irdl.operation @topk"):]
    block = block[:block.index("}")]
    assert "irdl.results(values: %out0, indices: %out1)" in block
    assert '%out0 = irdl.base "!builtin.tensor"' in block and '%out1 = irdl.base "!builtin.tensor"' in block
    assert "irdl.results(output: %out0)" in text[text.index("irdl.operation @exp"):]


# ------------------------------------------------------------------ emit and the verifier
def _function(build, *types):
    """A module with @f(types) returning what `build(*tensors)` returns (a tuple of Tensors)."""
    ctx = new_context()
    with ctx, ir.Location.unknown():
        m = ir.Module.create()
        with ir.InsertionPoint(m.body):
            f = func_d.FuncOp("f", ([t.to_mlir() for t in types], []))
        block = f.add_entry_block()
        with ir.InsertionPoint(block):
            outs = build(*[Tensor(a) for a in block.arguments])
            func_d.ReturnOp([o.value for o in outs])
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get([t.to_mlir() for t in types], [o.value.type for o in outs]))
    return sg.Module(m, ctx)


def test_emit_returns_one_tensor_per_result():
    seen = []

    def build(x):
        made = emit("topk", x, k=3, axis=1)
        seen.append(made)
        return made
    m = _function(build, TensorType((2, 4), "f32"))
    (made,) = seen
    assert isinstance(made, tuple) and len(made) == 2 and all(isinstance(t, Tensor) for t in made)
    assert [str(t.type) for t in made] == ["tensor<2x3xf32>", "tensor<2x3xi64>"]
    assert made[0].value.owner == made[1].value.owner  # one op, two results
    m.verify()


def _bad_op(result_types):
    """@f with a graph.topk built with the given result types (bypassing emit's inference)."""
    ctx = new_context()
    with ctx, ir.Location.unknown():
        m = ir.Module.create()
        with ir.InsertionPoint(m.body):
            f = func_d.FuncOp("f", ([ir.RankedTensorType.get([2, 4], ir.F32Type.get())], []))
        with ir.InsertionPoint(f.add_entry_block()):
            op = ir.Operation.create("graph.topk", results=[ir.Type.parse(t) for t in result_types],
                                     operands=[f.entry_block.arguments[0]],
                                     attributes={"k": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 2),
                                                 "axis": ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 1)})
            func_d.ReturnOp([])
        return verify_op(op)


def test_the_verifier_counts_and_names_results():
    assert _bad_op(["tensor<2x2xf32>", "tensor<2x2xi64>"]) is None
    assert _bad_op(["tensor<2x2xf32>"]) == "'graph.topk' op expects exactly 2 results (values, indices), has 1"
    assert _bad_op(["tensor<2x2xf32>", "tensor<2x2xf32>"]) == (
        "'graph.topk' op result #1 ('indices') type tensor<2x2xf32> does not match the type tensor<2x2xi64> "
        "inferred from tensor<2x4xf32>")
    assert "result #0 ('values') type tensor<2x3xf32>" in _bad_op(["tensor<2x3xf32>", "tensor<2x2xi64>"])


def test_a_parsed_op_with_the_wrong_result_type_is_a_located_error():
    text = TOPK.replace("(tensor<2x2xf64>, tensor<2x2xi64>)\n", "(tensor<2x2xf64>, tensor<2x2xi32>)\n")
    text = text.replace("-> (tensor<2x2xf64>, tensor<2x2xi64>) {", "-> (tensor<2x2xf64>, tensor<2x2xi32>) {")
    text = text.replace(": tensor<2x2xf64>, tensor<2x2xi64>\n", ": tensor<2x2xf64>, tensor<2x2xi32>\n")
    with pytest.raises(sg.IRError, match=r"2:\d+: .*result #1 \('indices'\) type tensor<2x2xi32>"):
        sg.parse(text).verify()


# ------------------------------------------------------------------ text
def test_generic_form_round_trip():
    m = sg.parse(TOPK)
    assert str(m).count('%0:2 = "graph.topk"') == 1 and "return %0#0, %0#1" in str(m)
    assert str(sg.parse(str(m))) == str(m)
    with m.context:
        generic = m.mlir.operation.get_asm(print_generic_op_form=True)
    assert str(sg.parse(generic)) == str(m)


# ------------------------------------------------------------------ the interpreter
def test_the_interpreter_runs_and_checks_every_result(monkeypatch):
    m = sg.parse(TOPK)
    values, indices = sg.interpret(m, None, X)
    assert values.dtype == np.float64 and indices.dtype == np.int64
    np.testing.assert_array_equal(indices, [[2, 0], [0, 3]])
    monkeypatch.setattr(OPS["topk"], "ref", lambda x, k, axis: np.zeros((2, 2)))
    with pytest.raises(InterpreterError, match=r"graph.topk returned 1 results, expected 2"):
        sg.interpret(m, None, X)
    monkeypatch.setattr(OPS["topk"], "ref", lambda x, k, axis: (np.zeros((2, 2)), np.zeros((2, 2), np.int32)))
    with pytest.raises(InterpreterError, match=r"returned int32\[2, 2\] but the op's type is tensor<2x2xi64>"):
        sg.interpret(m, None, X)


# ------------------------------------------------------------------ graph-differentiate
def _recording_vjp(monkeypatch, name):
    calls = []
    rule = OPS[name].vjp

    def vjp(cts, outs, *operands, **attrs):  # types as text: the scratch IR is gone afterwards
        calls.append((tuple(None if c is None else str(c.type) for c in cts), tuple(str(o.type) for o in outs)))
        return rule(cts, outs, *operands, **attrs)
    monkeypatch.setattr(OPS[name], "vjp", vjp)
    return calls


def test_the_vjp_gets_one_cotangent_per_result_none_for_the_indices(monkeypatch):
    calls = _recording_vjp(monkeypatch, "topk")
    m = sg.trace(lambda x: sg.topk(x, 2)[0] * 3.0, X)
    g = sg.differentiate(m, requires_grad=[0])
    assert calls  # once per sweep (the pass builds the adjoint, then rebuilds it with the captures known)
    for cts, outs in calls:
        assert cts == ("tensor<2x2xf64>", None)
        assert outs == ("tensor<2x2xf64>", "tensor<2x2xi64>")
    # the indices are read by the rule: captured as a temporary output of f, without a vjp (an integer)
    assert g.f_real_outputs == 1 and g.df_input_vjps == (0,)
    assert g.df_input_captured_outputs == (1,) and g.df_input_captured_inputs == ()
    assert [str(t) for t in g.f.type.results] == ["tensor<2x2xf64>", "tensor<2x2xi64>"]
    (outputs,), saved = g.forward(X)
    (dx,) = g.backward(saved, np.ones((2, 2)))
    np.testing.assert_array_equal(dx, [[3, 0, 3, 0], [3, 0, 0, 3]])


def test_a_result_no_cotangent_reaches_is_a_symbolic_zero(monkeypatch):
    """Only the indices reach the output: the values' cotangent is absent, the rule never runs,
    and the gradient of x comes from the other path alone."""
    calls = _recording_vjp(monkeypatch, "sort_with_indices")
    m = sg.trace(lambda x: x * sg.argsort(x, axis=1).astype(np.float64), X)
    g = sg.differentiate(m, requires_grad=[0])
    assert calls == []
    _, saved = g.forward(X)
    (dx,) = g.backward(saved, np.ones_like(X))
    np.testing.assert_array_equal(dx, np.argsort(X, axis=1, kind="stable"))


def test_both_results_returned_and_a_vjp_for_the_values_only():
    m = sg.trace(lambda x: sg.sort_with_indices(x, axis=0, descending=True), X)
    g = sg.differentiate(m, requires_grad=[0])
    assert g.f_real_outputs == 2 and g.df_input_vjps == (0,)  # the i64 output never requires grad
    assert g.df_input_captured_outputs == (1,)  # the indices, a real output, captured by offset
    w = np.arange(8.0).reshape(2, 4)
    (values, indices), saved = g.forward(X)
    (dx,) = g.backward(saved, w)
    want = np.zeros_like(X)
    np.put_along_axis(want, indices, w, axis=0)
    np.testing.assert_array_equal(dx, want)


def test_recompute_all_re_emits_a_multi_result_op_once():
    m = sg.trace(lambda x: sg.sort(sg.exp(x), axis=1) * sg.topk(x, 2)[0].sum(), X)
    g = sg.differentiate(m, requires_grad=[0], recompute="all")
    body = str(g.df)
    assert body.count('"graph.sort_with_indices"') == 1 and body.count('"graph.topk"') == 1
    assert g.df_input_captured_outputs == ()  # everything recomputed from the argument
    ref = sg.differentiate(m, requires_grad=[0])
    w = np.random.default_rng(0).standard_normal((2, 4))
    a = sg.interpret(g, X, vjps=[w])[1]
    b = sg.interpret(ref, X, vjps=[w])[1]
    np.testing.assert_allclose(a[0], b[0], rtol=1e-14)


# ------------------------------------------------------------------ the lowering
def test_convert_graph_to_linalg_replaces_every_result_and_replays_identical_ops():
    m = sg.parse(
        'func.func @f(%a: tensor<3x5xf32>, %b: tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>, '
        'tensor<3x2xf32>, tensor<3x2xi64>) {\n'
        '  %0:2 = "graph.topk"(%a) {axis = 1 : i64, k = 2 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)\n'
        '  %1:2 = "graph.topk"(%b) {axis = 1 : i64, k = 2 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)\n'
        '  return %0#0, %0#1, %1#0, %1#1 : tensor<3x2xf32>, tensor<3x2xi64>, tensor<3x2xf32>, tensor<3x2xi64>\n}\n')
    lowered = m.clone()
    with lowered.context:
        PASSES["convert-graph-to-linalg"]().apply(lowered.mlir.operation)
    text = str(lowered)
    assert "graph." not in text.replace("graph.requires_grad", "")
    assert text.count("linalg.generic") == 4  # rank and placement, for each op (the second a clone)
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((3, 5)).astype(np.float32), rng.standard_normal((3, 5)).astype(np.float32)
    got = sg.compile(m).f(a, b)
    for x, v, i in ((a, got[0], got[1]), (b, got[2], got[3])):
        order = np.argsort(-x, axis=1, kind="stable")[:, :2]
        np.testing.assert_array_equal(i, order)
        np.testing.assert_array_equal(v, np.take_along_axis(x, order, 1))


def test_a_lowering_returning_too_few_values_is_a_located_error(monkeypatch):
    monkeypatch.setattr(OPS["topk"], "lower", lambda lw, x, k, axis: x)
    m = sg.parse(TOPK)
    with m.context, pytest.raises(Exception, match=r"the lowering of 'graph.topk' produced 1 values for its 2 results"):
        PASSES["convert-graph-to-linalg"]().apply(m.mlir.operation)
