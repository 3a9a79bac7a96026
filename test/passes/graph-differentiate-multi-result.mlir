// graph-differentiate on an op with two results (graph.topk: values, i64 indices): the adjoint
// seeds one cotangent per result, the integer indices never get one, and the rule scatters the
// values' cotangent back through a one_hot of the captured indices. The Gradient contract counts
// results, not ops: each result is its own output offset.
// RUN: %symgrad-opt --graph-differentiate %s | %FileCheck %s

// Both results returned: one vjp (the values'), the indices captured by their output offset.
// CHECK-LABEL: func.func @topk(
// CHECK-SAME: graph.adjoint = @topk_adjoint
// CHECK-SAME: graph.df_input_captured_inputs = array<i64>
// CHECK-SAME: graph.df_input_captured_outputs = array<i64: 1>
// CHECK-SAME: graph.df_input_vjps = array<i64: 0>
// CHECK-SAME: graph.f_real_outputs = 2 : i64
// CHECK-NEXT:   %[[P:.*]]:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 2 : i64}
// CHECK-NEXT:   return %[[P]]#0, %[[P]]#1 : tensor<3x2xf32>, tensor<3x2xi64>
// CHECK-LABEL: func.func @topk_adjoint(
// CHECK-SAME: %[[G:.*]]: tensor<3x2xf32>, %[[I:.*]]: tensor<3x2xi64>) -> tensor<3x5xf32>
// CHECK-NEXT:   %[[H:.*]] = "graph.one_hot"(%[[I]]) {depth = 5 : i64, dtype = i1} : (tensor<3x2xi64>) -> tensor<3x2x5xi1>
// CHECK-NEXT:   %[[C:.*]] = "graph.reshape"(%[[G]]) {shape = array<i64: 3, 2, 1>}
// CHECK-NEXT:   %[[Z:.*]] = "graph.constant"() {value = dense<0.000000e+00> : tensor<f32>}
// CHECK-NEXT:   %[[S:.*]] = "graph.select"(%[[H]], %[[C]], %[[Z]]) : (tensor<3x2x5xi1>, tensor<3x2x1xf32>, tensor<f32>) -> tensor<3x2x5xf32>
// CHECK-NEXT:   %[[D:.*]] = "graph.sum"(%[[S]]) {axes = array<i64: 1>, keepdims = false} : (tensor<3x2x5xf32>) -> tensor<3x5xf32>
// CHECK-NEXT:   return %[[D]] : tensor<3x5xf32>
func.func @topk(%arg0: tensor<3x5xf32> {graph.requires_grad}) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 2 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

// Only the values used (along axis 0): the indices, a temporary, are appended to f's outputs
// (offset 1) and captured without a vjp; the exp's result is captured too (offset 0), in primal
// order; the scatter runs on the axis moved last.
// CHECK-LABEL: func.func @topk_values(
// CHECK-SAME: -> (tensor<2x3xf64>, tensor<2x3xi64>)
// CHECK-SAME: graph.df_input_captured_outputs = array<i64: 1, 0>
// CHECK-SAME: graph.df_input_vjps = array<i64: 0>
// CHECK-SAME: graph.f_real_outputs = 1 : i64
// CHECK:        %[[P:.*]]:2 = "graph.topk"
// CHECK-NEXT:   %[[E:.*]] = "graph.exp"(%[[P]]#0)
// CHECK-NEXT:   return %[[E]], %[[P]]#1 : tensor<2x3xf64>, tensor<2x3xi64>
// CHECK-LABEL: func.func @topk_values_adjoint(
// CHECK-SAME: %[[G:.*]]: tensor<2x3xf64>, %[[I:.*]]: tensor<2x3xi64>, %[[Y:.*]]: tensor<2x3xf64>) -> tensor<5x3xf64>
// CHECK-NEXT:   %[[M:.*]] = "graph.mul"(%[[G]], %[[Y]])
// CHECK-NEXT:   %[[GT:.*]] = "graph.transpose"(%[[M]]) {perm = array<i64: 1, 0>}
// CHECK-NEXT:   %[[IT:.*]] = "graph.transpose"(%[[I]]) {perm = array<i64: 1, 0>}
// CHECK-NEXT:   "graph.one_hot"(%[[IT]]) {depth = 5 : i64, dtype = i1}
// CHECK:        "graph.select"
// CHECK-NEXT:   %[[D:.*]] = "graph.sum"
// CHECK-NEXT:   %[[DX:.*]] = "graph.transpose"(%[[D]]) {perm = array<i64: 1, 0>} : (tensor<3x5xf64>) -> tensor<5x3xf64>
// CHECK-NEXT:   return %[[DX]]
func.func @topk_values(%arg0: tensor<5x3xf64> {graph.requires_grad}) -> tensor<2x3xf64> {
  %0:2 = "graph.topk"(%arg0) {axis = 0 : i64, k = 2 : i64} : (tensor<5x3xf64>) -> (tensor<2x3xf64>, tensor<2x3xi64>)
  %1 = "graph.exp"(%0#0) : (tensor<2x3xf64>) -> tensor<2x3xf64>
  return %1 : tensor<2x3xf64>
}

// Only the indices returned: no cotangent reaches the values, so the topk's rule is not applied
// and nothing of it is in the adjoint.
// CHECK-LABEL: func.func @topk_indices_adjoint(
// CHECK-NOT:    graph.one_hot
// CHECK:        "graph.mul"
// CHECK-NEXT:   return
func.func @topk_indices(%arg0: tensor<3x5xf32> {graph.requires_grad}) -> (tensor<3x5xf32>, tensor<3x2xi64>) {
  %0:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 2 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  %1 = "graph.exp"(%arg0) : (tensor<3x5xf32>) -> tensor<3x5xf32>
  return %1, %0#1 : tensor<3x5xf32>, tensor<3x2xi64>
}
