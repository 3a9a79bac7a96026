// Round trip of floor division and remainder (float and integer operands): parse, print, parse again, print.
// Each op's samples from the registry (dialects/graph/ops/elementwise.py); test/tools/test_lit_coverage.py
// checks that every registered op appears in one of these files.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @floor_divide(
// CHECK-NEXT:    %[[R:.*]] = "graph.floor_divide"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @floor_divide(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.floor_divide"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @floor_divide_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.floor_divide"(%arg0, %arg1) : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @floor_divide_1(%arg0: tensor<3x4xf64>, %arg1: tensor<4xf64>) -> tensor<3x4xf64> {
  %0 = "graph.floor_divide"(%arg0, %arg1) : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @floor_divide_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.floor_divide"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @floor_divide_2(%arg0: tensor<3x4xi32>, %arg1: tensor<4xi32>) -> tensor<3x4xi32> {
  %0 = "graph.floor_divide"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @floor_divide_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.floor_divide"(%arg0, %arg1) : (tensor<2x1x3xi64>, tensor<4x1xi64>) -> tensor<2x4x3xi64>
// CHECK-NEXT:    return %[[R]] : tensor<2x4x3xi64>
func.func @floor_divide_3(%arg0: tensor<2x1x3xi64>, %arg1: tensor<4x1xi64>) -> tensor<2x4x3xi64> {
  %0 = "graph.floor_divide"(%arg0, %arg1) : (tensor<2x1x3xi64>, tensor<4x1xi64>) -> tensor<2x4x3xi64>
  return %0 : tensor<2x4x3xi64>
}

// CHECK-LABEL: func.func @remainder(
// CHECK-NEXT:    %[[R:.*]] = "graph.remainder"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @remainder(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.remainder"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @remainder_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.remainder"(%arg0, %arg1) : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @remainder_1(%arg0: tensor<3x4xf64>, %arg1: tensor<4xf64>) -> tensor<3x4xf64> {
  %0 = "graph.remainder"(%arg0, %arg1) : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @remainder_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.remainder"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @remainder_2(%arg0: tensor<3x4xi32>, %arg1: tensor<4xi32>) -> tensor<3x4xi32> {
  %0 = "graph.remainder"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @remainder_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.remainder"(%arg0, %arg1) : (tensor<2x1x3xi64>, tensor<4x1xi64>) -> tensor<2x4x3xi64>
// CHECK-NEXT:    return %[[R]] : tensor<2x4x3xi64>
func.func @remainder_3(%arg0: tensor<2x1x3xi64>, %arg1: tensor<4x1xi64>) -> tensor<2x4x3xi64> {
  %0 = "graph.remainder"(%arg0, %arg1) : (tensor<2x1x3xi64>, tensor<4x1xi64>) -> tensor<2x4x3xi64>
  return %0 : tensor<2x4x3xi64>
}
