// Two cases from TorchScript's differentiate tests, written in graph IR.
// RUN: %symgrad-opt -p 'builtin.module(graph-differentiate)' %s | %FileCheck %s

// a*b*a + b with a and b requiring grad: a*b is appended as output 1 and captured.
// CHECK-LABEL: func.func @fan_out(
// CHECK-SAME: -> (tensor<2xf32>, tensor<2xf32>)
// CHECK-SAME: graph.df_input_captured_inputs = array<i64: 0, 1>
// CHECK-SAME: graph.df_input_captured_outputs = array<i64: 1>
// CHECK-SAME: graph.df_input_vjps = array<i64: 0, 1>
// CHECK-SAME: graph.df_output_vjps = array<i64: 0, 1>
// CHECK-SAME: graph.f_real_outputs = 1 : i64
// CHECK: %[[AB:.*]] = "graph.mul"(%arg0, %arg1)
// CHECK: return %{{.*}}, %[[AB]] :
// CHECK-LABEL: func.func @fan_out_adjoint(
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<2xf32>, %{{[a-z0-9]+}}: tensor<2xf32>, %{{[a-z0-9]+}}: tensor<2xf32>, %{{[a-z0-9]+}}: tensor<2xf32>, %{{[a-z0-9]+}}: tensor<2xf32>)
// CHECK-SAME: -> (tensor<2xf32>, tensor<2xf32>)
func.func @fan_out(%a: tensor<2xf32> {graph.requires_grad}, %b: tensor<2xf32> {graph.requires_grad}) -> tensor<2xf32> {
  %0 = "graph.mul"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = "graph.mul"(%0, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = "graph.add"(%1, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %2 : tensor<2xf32>
}

// Only %0 requires grad: output %7 and the temporary %5 get vjps; %3 and %4 get no gradient work.
// CHECK-LABEL: func.func @partial(
// CHECK-SAME: -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK-SAME: graph.df_input_captured_inputs = array<i64: 0>
// CHECK-SAME: graph.df_input_captured_outputs = array<i64: 2>
// CHECK-SAME: graph.df_input_vjps = array<i64: 1, 2>
// CHECK-SAME: graph.df_output_vjps = array<i64: 0>
// CHECK-SAME: graph.f_real_outputs = 2 : i64
// CHECK: %[[T5:.*]] = "graph.add"(%{{.*}}, %arg0)
// CHECK: return %{{.*}}, %{{.*}}, %[[T5]] :
// (d7, d5, x0, t5) -> dx0
// CHECK-LABEL: func.func @partial_adjoint(
// CHECK-SAME: %[[D7:[a-z0-9]+]]: tensor<2xf32>, %[[D5:[a-z0-9]+]]: tensor<2xf32>, %[[X0:[a-z0-9]+]]: tensor<2xf32>, %[[C5:[a-z0-9]+]]: tensor<2xf32>) -> tensor<2xf32>
// CHECK-NEXT: %[[A:.*]] = "graph.mul"(%[[D7]], %[[X0]])
// CHECK-NEXT: %[[B:.*]] = "graph.mul"(%[[D7]], %[[C5]])
// CHECK-NEXT: %[[G5:.*]] = "graph.add"(%[[A]], %[[D5]])
// CHECK-NEXT: %[[G0:.*]] = "graph.add"(%[[B]], %[[G5]])
// CHECK-NEXT: return %[[G0]]
func.func @partial(%a0: tensor<2xf32> {graph.requires_grad}, %a1: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %3 = "graph.mul"(%a1, %a1) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %4 = "graph.add"(%3, %a1) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %5 = "graph.add"(%4, %a0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %6 = "graph.mul"(%5, %a0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %7 = "graph.add"(%6, %a1) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %4, %7 : tensor<2xf32>, tensor<2xf32>
}

// Functions without marked arguments are left alone.
// CHECK-LABEL: func.func @untouched(
// CHECK-NOT: graph.adjoint
// CHECK-NOT: func.func @untouched_adjoint
func.func @untouched(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.exp"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
