// One gradient rule per op of the reduction family: the adjoint each rule builds.
// Numerics of every rule are checked in test/python/passes/test_vjp_rules.py.
// RUN: %symgrad-opt --graph-differentiate %s | %FileCheck %s

// CHECK-LABEL: func.func @sum_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: return
func.func @sum(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3xf32> {
  %0 = "graph.sum"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @mean_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.constant"
// CHECK: = "graph.mul"
// CHECK: return
func.func @mean(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3xf32> {
  %0 = "graph.mean"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @max_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.eq"
// CHECK: = "graph.constant"
// CHECK: = "graph.constant"
// CHECK: = "graph.select"
// CHECK: = "graph.sum"
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.mul"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.div"
// CHECK: return
func.func @max(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3xf32> {
  %0 = "graph.max"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @min_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.eq"
// CHECK: = "graph.constant"
// CHECK: = "graph.constant"
// CHECK: = "graph.select"
// CHECK: = "graph.sum"
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.mul"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.div"
// CHECK: return
func.func @min(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3xf32> {
  %0 = "graph.min"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @logsumexp_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.reshape"
// CHECK: = "graph.broadcast_to"
// CHECK: = "graph.sub"
// CHECK: = "graph.exp"
// CHECK: = "graph.mul"
// CHECK: return
func.func @logsumexp(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3xf32> {
  %0 = "graph.logsumexp"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
