// The example of the seed (TorchScript's autodiff.h), made concrete:
//   y, n = f(x, m) with only x requiring grad; t = exp(x); y = tanh(t * x); n = m * m.
// The adjoint needs x, t and y, so f returns (y, n, t) and df is (dy, dt, x, t, y) -> dx.
// RUN: %symgrad-opt --graph-differentiate %s | %FileCheck %s

// CHECK-LABEL: func.func @f(
// CHECK-SAME: %[[X:.*]]: tensor<3xf32> {graph.requires_grad}, %[[M:.*]]: tensor<3xf32>)
// CHECK-SAME: -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK-SAME: graph.adjoint = @f_adjoint
// CHECK-SAME: graph.df_input_captured_inputs = array<i64: 0>
// CHECK-SAME: graph.df_input_captured_outputs = array<i64: 2, 0>
// CHECK-SAME: graph.df_input_vjps = array<i64: 0, 2>
// CHECK-SAME: graph.df_output_vjps = array<i64: 0>
// CHECK-SAME: graph.f_real_outputs = 2 : i64
// CHECK: %[[T:.*]] = "graph.exp"(%[[X]])
// CHECK: %[[P:.*]] = "graph.mul"(%[[T]], %[[X]])
// CHECK: %[[Y:.*]] = "graph.tanh"(%[[P]])
// CHECK: %[[N:.*]] = "graph.mul"(%[[M]], %[[M]])
// CHECK: return %[[Y]], %[[N]], %[[T]]

// The adjoint: (dy, dt, x, t, y) -> dx
// CHECK-LABEL: func.func @f_adjoint(
// CHECK-SAME: %[[DY:[a-z0-9]+]]: tensor<3xf32>, %[[DT:[a-z0-9]+]]: tensor<3xf32>, %[[AX:[a-z0-9]+]]: tensor<3xf32>, %[[AT:[a-z0-9]+]]: tensor<3xf32>, %[[AY:[a-z0-9]+]]: tensor<3xf32>)
// CHECK-SAME: -> tensor<3xf32> attributes {graph.primal = @f}
// tanh: dp = dy * (1 - y * y)
// CHECK: %[[YY:.*]] = "graph.mul"(%[[AY]], %[[AY]])
// CHECK: %[[ONE:.*]] = "graph.constant"() {value = dense<1.000000e+00> : tensor<f32>}
// CHECK: %[[OMY:.*]] = "graph.sub"(%[[ONE]], %[[YY]])
// CHECK: %[[DP:.*]] = "graph.mul"(%[[DY]], %[[OMY]])
// mul: dt_total = dp * x + dt, dx = dp * t + dt_total * t (exp's rule, g * y)
// CHECK-DAG: %[[DPX:.*]] = "graph.mul"(%[[DP]], %[[AX]])
// CHECK-DAG: %[[DPT:.*]] = "graph.mul"(%[[DP]], %[[AT]])
// CHECK: %[[DTT:.*]] = "graph.add"(%[[DPX]], %[[DT]])
// CHECK: %[[DXE:.*]] = "graph.mul"(%[[DTT]], %[[AT]])
// CHECK: %[[DX:.*]] = "graph.add"(%[[DPT]], %[[DXE]])
// CHECK: return %[[DX]] : tensor<3xf32>
func.func @f(%x: tensor<3xf32> {graph.requires_grad}, %m: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %t = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %p = "graph.mul"(%t, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %y = "graph.tanh"(%p) : (tensor<3xf32>) -> tensor<3xf32>
  %n = "graph.mul"(%m, %m) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y, %n : tensor<3xf32>, tensor<3xf32>
}
