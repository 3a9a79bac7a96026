"""sg.Module, sg.parse, sg.parse_file and sg.verify."""
from __future__ import annotations

import mlir.ir as ir
import numpy as np
import pytest

import symgrad as sg

X = np.ones((3, 4), np.float32)
W = np.ones((4, 2), np.float32)


def model(x, w):
    return sg.relu(x @ w + 1.0).sum(axis=1)


@pytest.fixture
def m():
    return sg.trace(model, X, W, requires_grad=[1])


def test_str_is_mlir_text(m):
    text = str(m)
    assert text.startswith("module {")
    assert "func.func @model(%arg0: tensor<3x4xf32>, %arg1: tensor<4x2xf32> {graph.requires_grad}) -> tensor<3xf32>" \
        in text
    assert '"graph.matmul"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>' in text
    assert '"graph.sum"(%' in text and "{axes = array<i64: 1>, keepdims = false}" in text
    assert "loc(" not in text  # locations only with debug info
    assert "loc(" in m.mlir_with_debuginfo()


def test_underlying_mlir_module_and_context(m):
    assert isinstance(m.mlir, ir.Module)
    assert isinstance(m.context, ir.Context)
    assert m.mlir.context is m.context
    assert m.function_names() == ["model"]
    assert "model" in repr(m)
    with m.context:
        assert m.context.is_registered_operation("graph.add")


def test_parse_round_trips(m):
    text = str(m)
    again = sg.parse(text)
    assert isinstance(again, sg.Module)
    assert str(again) == text
    assert sg.parse(str(again)).mlir_with_debuginfo() == again.mlir_with_debuginfo()
    with_locs = sg.parse(m.mlir_with_debuginfo())
    assert with_locs.mlir_with_debuginfo() == m.mlir_with_debuginfo()
    np.testing.assert_array_equal(sg.interpret(again, None, X, W)[0], sg.interpret(m, None, X, W)[0])


def test_parse_file(m, tmp_path):
    path = tmp_path / "model.mlir"
    path.write_text(str(m))
    assert str(sg.parse_file(path)) == str(m)
    assert str(sg.parse_file(str(path))) == str(m)


def test_modules_are_independent(m):
    other = sg.parse(str(m))
    assert other.context is not m.context
    del m
    assert "graph.matmul" in str(other)


def test_clone(m):
    c = m.clone()
    assert str(c) == str(m) and c.context is not m.context


CALLS = """func.func @a(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @b(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @b(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @c(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @c(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @unrelated(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
"""


def test_subset_keeps_the_functions_named_and_their_callees():
    m = sg.parse(CALLS)
    part = m.subset(["a"])
    assert part.function_names() == ["a", "b", "c"] and part.context is m.context
    assert m.function_names() == ["a", "b", "c", "unrelated"]  # the original is untouched
    sg.parse(str(part))  # a valid module by itself
    x = np.arange(4, dtype=np.float32)
    np.testing.assert_allclose(sg.compile(part).a(x), np.exp(x), rtol=1e-6)
    assert m.subset(["unrelated"]).function_names() == ["unrelated"]


ILL_TYPED = """func.func @f(%a: tensor<3x4xf32>, %b: tensor<5xf32>) -> tensor<3x4xf32> {
  %0 = "graph.add"(%a, %b) : (tensor<3x4xf32>, tensor<5xf32>) -> tensor<3x4xf32> loc("model.py":12:5)
  %1 = "graph.exp"(%0) : (tensor<3x4xf32>) -> tensor<4x3xf32> loc("model.py":13:9)
  %2 = "graph.sum"(%a) {axes = array<i64: 2>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32> loc("model.py":14:1)
  return %0 : tensor<3x4xf32>
}
"""


def test_verify_reports_every_located_diagnostic():
    m = sg.parse(ILL_TYPED, verify=False)  # IRDL accepts it: every value is a tensor
    for verify in (m.verify, lambda: sg.verify(m)):
        with pytest.raises(sg.IRError) as info:
            verify()
        e = info.value
        assert isinstance(e, ValueError)
        assert [loc for loc, _ in e.diagnostics] == ["model.py:12:5", "model.py:13:9", "model.py:14:1"]
        add, exp, total = (msg for _, msg in e.diagnostics)
        assert add == "'graph.add' op operand 'rhs' of shape 5 is not broadcast-compatible with operand 'lhs' " \
                      "of shape 3x4"
        assert exp.startswith("'graph.exp' op result type tensor<4x3xf32> does not match the type "
                              "tensor<3x4xf32>")
        assert "'graph.sum' op" in total and "out of range" in total
        assert str(e).splitlines()[0] == f"model.py:12:5: error: {add}"
    assert len(m.diagnostics()) == 3


def test_parse_verifies_by_default():
    with pytest.raises(sg.IRError, match=r"model.py:12:5: error: 'graph.add' op operand 'rhs'"):
        sg.parse(ILL_TYPED)


def test_parse_file_reports_file_locations(tmp_path):
    path = tmp_path / "bad.mlir"
    path.write_text(ILL_TYPED.replace(' loc("model.py":12:5)', ""))
    with pytest.raises(sg.IRError) as info:
        sg.parse_file(path)
    assert info.value.diagnostics[0][0] == f"{path}:2:8"


def test_verify_returns_the_module(m):
    assert m.verify() is m and sg.verify(m) is m


@pytest.mark.parametrize("text, where, fragment", [
    ("func.func @f( {", "model.mlir:1:", "expected"),
    ("func.func @f(%a: tensor<3xf32>) -> tensor<3xf32> {\n  %0 = \"graph.nope\"(%a) : (tensor<3xf32>) -> tensor<3xf32>\n"
     "  return %0 : tensor<3xf32>\n}", "model.mlir:2:", "unregistered operation 'graph.nope'"),
    ("func.func @f(%a: tensor<3xf32>) -> tensor<3xf32> {\n  %0 = \"graph.exp\"(%a, %a) : (tensor<3xf32>, "
     "tensor<3xf32>) -> tensor<3xf32>\n  return %0 : tensor<3xf32>\n}", "model.mlir:2:",
     "expects exactly 1 operands"),
    ("func.func @f(%a: tensor<3xf32>) -> tensor<3xf32> {\n  %0 = \"graph.sum\"(%a) {keepdims = false} : "
     "(tensor<3xf32>) -> tensor<f32>\n  return %0 : tensor<f32>\n}", "model.mlir:2:", "axes"),
    ("func.func @f(%a: tensor<3xf32>) -> tensor<3xf32> {\n  return %b : tensor<3xf32>\n}", "model.mlir:2:",
     "undeclared SSA value"),
], ids=["syntax", "unknown-op", "operand-count", "missing-attribute", "undeclared-value"])
def test_parse_errors_raise_located_ir_errors(text, where, fragment):
    with pytest.raises(sg.IRError) as info:
        sg.parse(text, name="model.mlir")  # the name stands for the text in locations
    e = info.value
    assert e.diagnostics, str(e)
    loc, msg = e.diagnostics[0]
    assert loc.startswith(where), e.diagnostics
    assert fragment in str(e), str(e)
    assert str(e).startswith(f"{loc}: error: ")


def test_parse_names_text_sources_in_locations():
    with pytest.raises(sg.IRError) as info:
        sg.parse("func.func @f( {")
    assert info.value.diagnostics[0][0] == "<string>:1:14"
    m = sg.parse("func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = \"graph.exp\"(%a) : (tensor<2xf32>) -> "
                 "tensor<2xf32>\n  return %0 : tensor<2xf32>\n}", name="net.mlir")
    assert 'loc("net.mlir":2:8)' in m.mlir_with_debuginfo()


def test_parse_file_errors(tmp_path):
    path = tmp_path / "broken.mlir"
    path.write_text("module {\n  func.func @f(\n")
    with pytest.raises(sg.IRError) as info:
        sg.parse_file(path)
    assert info.value.diagnostics[0][0].startswith(f"{path}:")
    with pytest.raises(sg.IRError):
        sg.parse_file(tmp_path / "missing.mlir")


def test_module_function_lookup():
    text = """
    func.func @a(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }
    func.func @b(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }
    """
    m = sg.parse(text)
    assert m.function_names() == ["a", "b"]
    assert m.function("b").sym_name.value == "b"
    with pytest.raises(ValueError, match="has 2 functions"):
        m.function()
    with pytest.raises(KeyError, match="no function @c"):
        m.function("c")


def test_other_dialects_parse_alongside_graph():
    text = """func.func @f(%a: tensor<3xf32>) -> tensor<3xf32> {
      %0 = arith.addf %a, %a : tensor<3xf32>
      %1 = "graph.exp"(%0) : (tensor<3xf32>) -> tensor<3xf32>
      return %1 : tensor<3xf32>
    }"""
    m = sg.parse(text)
    assert "arith.addf" in str(m) and "graph.exp" in str(m)
