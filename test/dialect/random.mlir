// Round trip of graph.random_bits, the random op of the graph dialect: parse, print, parse again, print.
// Each op's samples from the registry (dialects/graph/ops/random.py); test/tools/test_lit_coverage.py
// checks that every registered op appears in one of these files.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @random_bits(
// CHECK-NEXT:    %[[R:.*]] = "graph.random_bits"(%arg0) {shape = array<i64: 3, 4>} : (tensor<2xi32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @random_bits(%arg0: tensor<2xi32>) -> tensor<3x4xi32> {
  %0 = "graph.random_bits"(%arg0) {shape = array<i64: 3, 4>} : (tensor<2xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @random_bits_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.random_bits"(%arg0) {shape = array<i64: 5>} : (tensor<2xi64>) -> tensor<5xi32>
// CHECK-NEXT:    return %[[R]] : tensor<5xi32>
func.func @random_bits_1(%arg0: tensor<2xi64>) -> tensor<5xi32> {
  %0 = "graph.random_bits"(%arg0) {shape = array<i64: 5>} : (tensor<2xi64>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// CHECK-LABEL: func.func @random_bits_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.random_bits"(%arg0) {shape = array<i64>} : (tensor<2xi32>) -> tensor<i32>
// CHECK-NEXT:    return %[[R]] : tensor<i32>
func.func @random_bits_2(%arg0: tensor<2xi32>) -> tensor<i32> {
  %0 = "graph.random_bits"(%arg0) {shape = array<i64>} : (tensor<2xi32>) -> tensor<i32>
  return %0 : tensor<i32>
}

// CHECK-LABEL: func.func @random_bits_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.random_bits"(%arg0) {shape = array<i64: 2, 1, 3>} : (tensor<2xi32>) -> tensor<2x1x3xi32>
// CHECK-NEXT:    return %[[R]] : tensor<2x1x3xi32>
func.func @random_bits_3(%arg0: tensor<2xi32>) -> tensor<2x1x3xi32> {
  %0 = "graph.random_bits"(%arg0) {shape = array<i64: 2, 1, 3>} : (tensor<2xi32>) -> tensor<2x1x3xi32>
  return %0 : tensor<2x1x3xi32>
}
