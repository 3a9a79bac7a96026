// Round trip of every shape op of the graph dialect: parse, print, parse again, print.
// Each op's samples from the registry (dialects/graph/ops/*.py); test/tools/test_lit_coverage.py
// checks that every registered op appears in one of these files.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @transpose(
// CHECK-NEXT:    %[[R:.*]] = "graph.transpose"(%arg0) {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<4x3xf32>
func.func @transpose(%arg0: tensor<3x4xf32>) -> tensor<4x3xf32> {
  %0 = "graph.transpose"(%arg0) {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @transpose_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.transpose"(%arg0) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf64>) -> tensor<4x2x3xf64>
// CHECK-NEXT:    return %[[R]] : tensor<4x2x3xf64>
func.func @transpose_1(%arg0: tensor<2x3x4xf64>) -> tensor<4x2x3xf64> {
  %0 = "graph.transpose"(%arg0) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf64>) -> tensor<4x2x3xf64>
  return %0 : tensor<4x2x3xf64>
}

// CHECK-LABEL: func.func @reshape(
// CHECK-NEXT:    %[[R:.*]] = "graph.reshape"(%arg0) {shape = array<i64: 2, 6>} : (tensor<3x4xf32>) -> tensor<2x6xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x6xf32>
func.func @reshape(%arg0: tensor<3x4xf32>) -> tensor<2x6xf32> {
  %0 = "graph.reshape"(%arg0) {shape = array<i64: 2, 6>} : (tensor<3x4xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// CHECK-LABEL: func.func @reshape_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.reshape"(%arg0) {shape = array<i64: 24>} : (tensor<2x3x4xf64>) -> tensor<24xf64>
// CHECK-NEXT:    return %[[R]] : tensor<24xf64>
func.func @reshape_1(%arg0: tensor<2x3x4xf64>) -> tensor<24xf64> {
  %0 = "graph.reshape"(%arg0) {shape = array<i64: 24>} : (tensor<2x3x4xf64>) -> tensor<24xf64>
  return %0 : tensor<24xf64>
}

// CHECK-LABEL: func.func @broadcast_to(
// CHECK-NEXT:    %[[R:.*]] = "graph.broadcast_to"(%arg0) {shape = array<i64: 3, 4>} : (tensor<4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @broadcast_to(%arg0: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.broadcast_to"(%arg0) {shape = array<i64: 3, 4>} : (tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @broadcast_to_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.broadcast_to"(%arg0) {shape = array<i64: 3, 2, 5>} : (tensor<2x1xf64>) -> tensor<3x2x5xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x2x5xf64>
func.func @broadcast_to_1(%arg0: tensor<2x1xf64>) -> tensor<3x2x5xf64> {
  %0 = "graph.broadcast_to"(%arg0) {shape = array<i64: 3, 2, 5>} : (tensor<2x1xf64>) -> tensor<3x2x5xf64>
  return %0 : tensor<3x2x5xf64>
}

// CHECK-LABEL: func.func @sum_to_size(
// CHECK-NEXT:    %[[R:.*]] = "graph.sum_to_size"(%arg0) {shape = array<i64: 4>} : (tensor<3x4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<4xf32>
func.func @sum_to_size(%arg0: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = "graph.sum_to_size"(%arg0) {shape = array<i64: 4>} : (tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @sum_to_size_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.sum_to_size"(%arg0) {shape = array<i64: 2, 1>} : (tensor<3x2x5xf64>) -> tensor<2x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x1xf64>
func.func @sum_to_size_1(%arg0: tensor<3x2x5xf64>) -> tensor<2x1xf64> {
  %0 = "graph.sum_to_size"(%arg0) {shape = array<i64: 2, 1>} : (tensor<3x2x5xf64>) -> tensor<2x1xf64>
  return %0 : tensor<2x1xf64>
}

// CHECK-LABEL: func.func @concat(
// CHECK-NEXT:    %[[R:.*]] = "graph.concat"(%arg0, %arg1) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<6x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<6x3xf32>
func.func @concat(%arg0: tensor<2x3xf32>, %arg1: tensor<4x3xf32>) -> tensor<6x3xf32> {
  %0 = "graph.concat"(%arg0, %arg1) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// CHECK-LABEL: func.func @concat_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.concat"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x3xf64>, tensor<2x1xf64>) -> tensor<2x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x4xf64>
func.func @concat_1(%arg0: tensor<2x3xf64>, %arg1: tensor<2x1xf64>) -> tensor<2x4xf64> {
  %0 = "graph.concat"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x3xf64>, tensor<2x1xf64>) -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// CHECK-LABEL: func.func @slice(
// CHECK-NEXT:    %[[R:.*]] = "graph.slice"(%arg0) {start = array<i64: 1, 0>, step = array<i64: 1, 2>, stop = array<i64: 4, 6>} : (tensor<5x6xf32>) -> tensor<3x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x3xf32>
func.func @slice(%arg0: tensor<5x6xf32>) -> tensor<3x3xf32> {
  %0 = "graph.slice"(%arg0) {start = array<i64: 1, 0>, step = array<i64: 1, 2>, stop = array<i64: 4, 6>} : (tensor<5x6xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @slice_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.slice"(%arg0) {start = array<i64: 0, 2>, step = array<i64: 3, 1>, stop = array<i64: 4, 3>} : (tensor<4x3xf64>) -> tensor<2x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x1xf64>
func.func @slice_1(%arg0: tensor<4x3xf64>) -> tensor<2x1xf64> {
  %0 = "graph.slice"(%arg0) {start = array<i64: 0, 2>, step = array<i64: 3, 1>, stop = array<i64: 4, 3>} : (tensor<4x3xf64>) -> tensor<2x1xf64>
  return %0 : tensor<2x1xf64>
}

// CHECK-LABEL: func.func @pad(
// CHECK-NEXT:    %[[R:.*]] = "graph.pad"(%arg0) {shape = array<i64: 5, 7>, start = array<i64: 1, 0>, step = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<5x7xf32>
// CHECK-NEXT:    return %[[R]] : tensor<5x7xf32>
func.func @pad(%arg0: tensor<2x3xf32>) -> tensor<5x7xf32> {
  %0 = "graph.pad"(%arg0) {shape = array<i64: 5, 7>, start = array<i64: 1, 0>, step = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<5x7xf32>
  return %0 : tensor<5x7xf32>
}

// CHECK-LABEL: func.func @pad_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.pad"(%arg0) {shape = array<i64: 4>, start = array<i64: 1>, step = array<i64: 1>} : (tensor<3xf64>) -> tensor<4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<4xf64>
func.func @pad_1(%arg0: tensor<3xf64>) -> tensor<4xf64> {
  %0 = "graph.pad"(%arg0) {shape = array<i64: 4>, start = array<i64: 1>, step = array<i64: 1>} : (tensor<3xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func @constant(
// CHECK-NEXT:    %[[R:.*]] = "graph.constant"() {value = dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00, 5.000000e+00{{\]\]}}> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xf32>
func.func @constant() -> tensor<2x3xf32> {
  %0 = "graph.constant"() {value = dense<[[0.000000e+00, 1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00, 5.000000e+00]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @constant_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.constant"() {value = dense<2.500000e+00> : tensor<3xf64>} : () -> tensor<3xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3xf64>
func.func @constant_1() -> tensor<3xf64> {
  %0 = "graph.constant"() {value = dense<2.500000e+00> : tensor<3xf64>} : () -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// CHECK-LABEL: func.func @cast(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = f64} : (tensor<3x4xf32>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @cast(%arg0: tensor<3x4xf32>) -> tensor<3x4xf64> {
  %0 = "graph.cast"(%arg0) {to = f64} : (tensor<3x4xf32>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @cast_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = f32} : (tensor<2xf64>) -> tensor<2xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2xf32>
func.func @cast_1(%arg0: tensor<2xf64>) -> tensor<2xf32> {
  %0 = "graph.cast"(%arg0) {to = f32} : (tensor<2xf64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
