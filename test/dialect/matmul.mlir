// Round trip of graph.matmul (dialects/graph/ops/matmul.py): parse, print, parse again, print.
// test/tools/test_lit_coverage.py checks that every registered op appears in a round-trip file.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @matmul(
// CHECK-NEXT:    %[[R:.*]] = "graph.matmul"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x5xf32>
func.func @matmul(%arg0: tensor<3x4xf32>, %arg1: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = "graph.matmul"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @matmul_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.matmul"(%arg0, %arg1) : (tensor<2x3x4xf64>, tensor<4x2xf64>) -> tensor<2x3x2xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x3x2xf64>
func.func @matmul_1(%arg0: tensor<2x3x4xf64>, %arg1: tensor<4x2xf64>) -> tensor<2x3x2xf64> {
  %0 = "graph.matmul"(%arg0, %arg1) : (tensor<2x3x4xf64>, tensor<4x2xf64>) -> tensor<2x3x2xf64>
  return %0 : tensor<2x3x2xf64>
}
