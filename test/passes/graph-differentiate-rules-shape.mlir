// One gradient rule per op of the shape family: the adjoint each rule builds.
// Numerics of every rule are checked in test/python/passes/test_vjp_rules.py.
// RUN: %symgrad-opt --graph-differentiate %s | %FileCheck %s

// CHECK-LABEL: func.func @matmul_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<4x5xf32>)
// CHECK: = "graph.transpose"
// CHECK: = "graph.matmul"
// CHECK: = "graph.transpose"
// CHECK: = "graph.matmul"
// CHECK: return
func.func @matmul(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<4x5xf32> {graph.requires_grad}) -> tensor<3x5xf32> {
  %0 = "graph.matmul"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @transpose_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.transpose"
// CHECK: return
func.func @transpose(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<4x3xf32> {
  %0 = "graph.transpose"(%arg0) {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @reshape_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.reshape"
// CHECK: return
func.func @reshape(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<2x6xf32> {
  %0 = "graph.reshape"(%arg0) {shape = array<i64: 2, 6>} : (tensor<3x4xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// CHECK-LABEL: func.func @broadcast_to_adjoint(
// CHECK-SAME: -> tensor<4xf32>
// CHECK: = "graph.sum_to_size"
// CHECK: return
func.func @broadcast_to(%arg0: tensor<4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.broadcast_to"(%arg0) {shape = array<i64: 3, 4>} : (tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sum_to_size_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.broadcast_to"
// CHECK: return
func.func @sum_to_size(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<4xf32> {
  %0 = "graph.sum_to_size"(%arg0) {shape = array<i64: 4>} : (tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @concat_adjoint(
// CHECK-SAME: -> (tensor<2x3xf32>, tensor<4x3xf32>)
// CHECK: = "graph.slice"
// CHECK: = "graph.slice"
// CHECK: return
func.func @concat(%arg0: tensor<2x3xf32> {graph.requires_grad}, %arg1: tensor<4x3xf32> {graph.requires_grad}) -> tensor<6x3xf32> {
  %0 = "graph.concat"(%arg0, %arg1) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// CHECK-LABEL: func.func @slice_adjoint(
// CHECK-SAME: -> tensor<5x6xf32>
// CHECK: = "graph.pad"
// CHECK: return
func.func @slice(%arg0: tensor<5x6xf32> {graph.requires_grad}) -> tensor<3x3xf32> {
  %0 = "graph.slice"(%arg0) {start = array<i64: 1, 0>, step = array<i64: 1, 2>, stop = array<i64: 4, 6>} : (tensor<5x6xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @pad_adjoint(
// CHECK-SAME: -> tensor<2x3xf32>
// CHECK: = "graph.slice"
// CHECK: return
func.func @pad(%arg0: tensor<2x3xf32> {graph.requires_grad}) -> tensor<5x7xf32> {
  %0 = "graph.pad"(%arg0) {shape = array<i64: 5, 7>, start = array<i64: 1, 0>, step = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<5x7xf32>
  return %0 : tensor<5x7xf32>
}

// CHECK-LABEL: func.func @cast_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.cast"
// CHECK: return
func.func @cast(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf64> {
  %0 = "graph.cast"(%arg0) {to = f64} : (tensor<3x4xf32>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}
