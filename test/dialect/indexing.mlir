// Round trip of the indexing ops (dialects/graph/ops/indexing.py): gathers (take, take_along_axis)
// and scatters (scatter_add, scatter_add_along_axis) with i32 and i64 indices: parse, print, parse
// again, print. Each op's samples from the registry.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @take_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.take"(%arg0, %arg1) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<5xi32>) -> tensor<5x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<5x3xf32>
func.func @take_0(%arg0: tensor<4x3xf32>, %arg1: tensor<5xi32>) -> tensor<5x3xf32> {
  %0 = "graph.take"(%arg0, %arg1) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<5xi32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// CHECK-LABEL: func.func @take_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.take"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x4x3xf64>, tensor<2x3xi64>) -> tensor<2x2x3x3xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x2x3x3xf64>
func.func @take_1(%arg0: tensor<2x4x3xf64>, %arg1: tensor<2x3xi64>) -> tensor<2x2x3x3xf64> {
  %0 = "graph.take"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x4x3xf64>, tensor<2x3xi64>) -> tensor<2x2x3x3xf64>
  return %0 : tensor<2x2x3x3xf64>
}

// CHECK-LABEL: func.func @take_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.take"(%arg0, %arg1) {axis = 0 : i64} : (tensor<3xf32>, tensor<i64>) -> tensor<f32>
// CHECK-NEXT:    return %[[R]] : tensor<f32>
func.func @take_2(%arg0: tensor<3xf32>, %arg1: tensor<i64>) -> tensor<f32> {
  %0 = "graph.take"(%arg0, %arg1) {axis = 0 : i64} : (tensor<3xf32>, tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @take_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.take"(%arg0, %arg1) {axis = 1 : i64} : (tensor<3x4xi32>, tensor<6xi64>) -> tensor<3x6xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x6xi32>
func.func @take_3(%arg0: tensor<3x4xi32>, %arg1: tensor<6xi64>) -> tensor<3x6xi32> {
  %0 = "graph.take"(%arg0, %arg1) {axis = 1 : i64} : (tensor<3x4xi32>, tensor<6xi64>) -> tensor<3x6xi32>
  return %0 : tensor<3x6xi32>
}

// CHECK-LABEL: func.func @take_along_axis_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.take_along_axis"(%arg0, %arg1) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x2xf32>
func.func @take_along_axis_0(%arg0: tensor<3x4xf32>, %arg1: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %0 = "graph.take_along_axis"(%arg0, %arg1) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @take_along_axis_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.take_along_axis"(%arg0, %arg1) {axis = 0 : i64} : (tensor<4x2x3xf64>, tensor<5x2x3xi32>) -> tensor<5x2x3xf64>
// CHECK-NEXT:    return %[[R]] : tensor<5x2x3xf64>
func.func @take_along_axis_1(%arg0: tensor<4x2x3xf64>, %arg1: tensor<5x2x3xi32>) -> tensor<5x2x3xf64> {
  %0 = "graph.take_along_axis"(%arg0, %arg1) {axis = 0 : i64} : (tensor<4x2x3xf64>, tensor<5x2x3xi32>) -> tensor<5x2x3xf64>
  return %0 : tensor<5x2x3xf64>
}

// CHECK-LABEL: func.func @take_along_axis_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.take_along_axis"(%arg0, %arg1) {axis = 0 : i64} : (tensor<4xf32>, tensor<7xi32>) -> tensor<7xf32>
// CHECK-NEXT:    return %[[R]] : tensor<7xf32>
func.func @take_along_axis_2(%arg0: tensor<4xf32>, %arg1: tensor<7xi32>) -> tensor<7xf32> {
  %0 = "graph.take_along_axis"(%arg0, %arg1) {axis = 0 : i64} : (tensor<4xf32>, tensor<7xi32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// CHECK-LABEL: func.func @take_along_axis_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.take_along_axis"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2x1xi64>) -> tensor<2x1xi64>
// CHECK-NEXT:    return %[[R]] : tensor<2x1xi64>
func.func @take_along_axis_3(%arg0: tensor<2x3xi64>, %arg1: tensor<2x1xi64>) -> tensor<2x1xi64> {
  %0 = "graph.take_along_axis"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2x1xi64>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// CHECK-LABEL: func.func @scatter_add_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<7xi64>, tensor<7x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<4x3xf32>
func.func @scatter_add_0(%arg0: tensor<4x3xf32>, %arg1: tensor<7xi64>, %arg2: tensor<7x3xf32>) -> tensor<4x3xf32> {
  %0 = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<7xi64>, tensor<7x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @scatter_add_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<2x4x3xf64>, tensor<2x3xi32>, tensor<2x2x3x3xf64>) -> tensor<2x4x3xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x4x3xf64>
func.func @scatter_add_1(%arg0: tensor<2x4x3xf64>, %arg1: tensor<2x3xi32>, %arg2: tensor<2x2x3x3xf64>) -> tensor<2x4x3xf64> {
  %0 = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<2x4x3xf64>, tensor<2x3xi32>, tensor<2x2x3x3xf64>) -> tensor<2x4x3xf64>
  return %0 : tensor<2x4x3xf64>
}

// CHECK-LABEL: func.func @scatter_add_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4xf32>, tensor<i32>, tensor<f32>) -> tensor<4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<4xf32>
func.func @scatter_add_2(%arg0: tensor<4xf32>, %arg1: tensor<i32>, %arg2: tensor<f32>) -> tensor<4xf32> {
  %0 = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4xf32>, tensor<i32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @scatter_add_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<3x4xi32>, tensor<6xi64>, tensor<3x6xi32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @scatter_add_3(%arg0: tensor<3x4xi32>, %arg1: tensor<6xi64>, %arg2: tensor<3x6xi32>) -> tensor<3x4xi32> {
  %0 = "graph.scatter_add"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<3x4xi32>, tensor<6xi64>, tensor<3x6xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @scatter_add_along_axis_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x6xi64>, tensor<3x6xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @scatter_add_along_axis_0(%arg0: tensor<3x4xf32>, %arg1: tensor<3x6xi64>, %arg2: tensor<3x6xf32>) -> tensor<3x4xf32> {
  %0 = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x6xi64>, tensor<3x6xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @scatter_add_along_axis_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4x2x3xf64>, tensor<6x2x3xi32>, tensor<6x2x3xf64>) -> tensor<4x2x3xf64>
// CHECK-NEXT:    return %[[R]] : tensor<4x2x3xf64>
func.func @scatter_add_along_axis_1(%arg0: tensor<4x2x3xf64>, %arg1: tensor<6x2x3xi32>, %arg2: tensor<6x2x3xf64>) -> tensor<4x2x3xf64> {
  %0 = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4x2x3xf64>, tensor<6x2x3xi32>, tensor<6x2x3xf64>) -> tensor<4x2x3xf64>
  return %0 : tensor<4x2x3xf64>
}

// CHECK-LABEL: func.func @scatter_add_along_axis_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4xf32>, tensor<6xi32>, tensor<6xf32>) -> tensor<4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<4xf32>
func.func @scatter_add_along_axis_2(%arg0: tensor<4xf32>, %arg1: tensor<6xi32>, %arg2: tensor<6xf32>) -> tensor<4xf32> {
  %0 = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 0 : i64} : (tensor<4xf32>, tensor<6xi32>, tensor<6xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @scatter_add_along_axis_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2x5xi64>, tensor<2x5xi32>) -> tensor<2x3xi32>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xi32>
func.func @scatter_add_along_axis_3(%arg0: tensor<2x3xi32>, %arg1: tensor<2x5xi64>, %arg2: tensor<2x5xi32>) -> tensor<2x3xi32> {
  %0 = "graph.scatter_add_along_axis"(%arg0, %arg1, %arg2) {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2x5xi64>, tensor<2x5xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

