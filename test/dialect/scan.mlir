// Round trip of every scan and reversal op of the graph dialect: parse, print, parse again, print.
// Each op's samples from the registry (dialects/graph/ops/scan.py); test/tools/test_lit_coverage.py
// checks that every registered op appears in one of these files.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @cumsum(
// CHECK-NEXT:    %[[R:.*]] = "graph.cumsum"(%arg0) {axis = 1 : i64, reverse = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @cumsum(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.cumsum"(%arg0) {axis = 1 : i64, reverse = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @cumsum_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.cumsum"(%arg0) {axis = 0 : i64, reverse = true} : (tensor<3x4xf64>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @cumsum_1(%arg0: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %0 = "graph.cumsum"(%arg0) {axis = 0 : i64, reverse = true} : (tensor<3x4xf64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @cumsum_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.cumsum"(%arg0) {axis = 1 : i64, reverse = true} : (tensor<2x5x3xf32>) -> tensor<2x5x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x5x3xf32>
func.func @cumsum_2(%arg0: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  %0 = "graph.cumsum"(%arg0) {axis = 1 : i64, reverse = true} : (tensor<2x5x3xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// CHECK-LABEL: func.func @cumsum_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.cumsum"(%arg0) {axis = 0 : i64, reverse = false} : (tensor<6xf64>) -> tensor<6xf64>
// CHECK-NEXT:    return %[[R]] : tensor<6xf64>
func.func @cumsum_3(%arg0: tensor<6xf64>) -> tensor<6xf64> {
  %0 = "graph.cumsum"(%arg0) {axis = 0 : i64, reverse = false} : (tensor<6xf64>) -> tensor<6xf64>
  return %0 : tensor<6xf64>
}

// CHECK-LABEL: func.func @reverse(
// CHECK-NEXT:    %[[R:.*]] = "graph.reverse"(%arg0) {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @reverse(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.reverse"(%arg0) {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @reverse_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.reverse"(%arg0) {axes = array<i64: 0, 2>} : (tensor<2x3x4xf64>) -> tensor<2x3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x3x4xf64>
func.func @reverse_1(%arg0: tensor<2x3x4xf64>) -> tensor<2x3x4xf64> {
  %0 = "graph.reverse"(%arg0) {axes = array<i64: 0, 2>} : (tensor<2x3x4xf64>) -> tensor<2x3x4xf64>
  return %0 : tensor<2x3x4xf64>
}

// CHECK-LABEL: func.func @reverse_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.reverse"(%arg0) {axes = array<i64: 0>} : (tensor<5xf32>) -> tensor<5xf32>
// CHECK-NEXT:    return %[[R]] : tensor<5xf32>
func.func @reverse_2(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "graph.reverse"(%arg0) {axes = array<i64: 0>} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @reverse_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.reverse"(%arg0) {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xf32>
func.func @reverse_3(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.reverse"(%arg0) {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
