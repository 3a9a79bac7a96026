"""Modules with several functions: calls between them (and to private helpers) compile; only
public functions become kernels; kernels describe their signature."""
from __future__ import annotations

import numpy as np

import symgrad as sg

SRC = """
func.func private @helper(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<f32>) {
  %0 = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %1 = "graph.sum"(%0) {axes = array<i64: 0>, keepdims = false} : (tensor<3xf32>) -> tensor<f32>
  return %0, %1 : tensor<3xf32>, tensor<f32>
}
func.func @g(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "graph.neg"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func @f(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi1>) {
  %0:2 = func.call @helper(%x) : (tensor<3xf32>) -> (tensor<3xf32>, tensor<f32>)
  %1 = func.call @g(%0#0) : (tensor<3xf32>) -> tensor<3xf32>
  %2 = "graph.div"(%1, %0#1) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %3 = "graph.lt"(%2, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  return %2, %3 : tensor<3xf32>, tensor<3xi1>
}
"""


def test_calls_between_functions_and_private_helpers():
    m = sg.parse(SRC)
    cm = sg.compile(m)
    assert sorted(cm.functions) == ["f", "g"]  # the private helper is not a kernel
    x = np.array([0.1, -0.2, 0.3], np.float32)
    got = cm.f(x)
    want = sg.interpret(m, "f", x)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(cm["g"](x), -x)
    assert repr(cm.f) == "<symgrad.Kernel @f(tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi1>)>"
    assert "f" in cm and "helper" not in cm
