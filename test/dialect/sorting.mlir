// Round trip of the sorting ops (dialects/graph/ops/sorting.py), ops with two results printed as
// `%r:2 = "graph.<op>"(...) : (...) -> (values, indices)` and read as %r#0, %r#1: parse, print,
// parse again, print. Each op's samples from the registry. The last chunk is invalid: its
// diagnostic is located at the op (line and column of this file).
// RUN: %symgrad-opt %s --split-input-file --verify-diagnostics | %symgrad-opt --split-input-file | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s --split-input-file --verify-diagnostics | %symgrad-opt --split-input-file --graph-verify | %FileCheck %s
// RUN: not %symgrad-opt %s --split-input-file 2>&1 | %FileCheck %s --check-prefix=ERR

// CHECK-LABEL: func.func @sort_with_indices(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.sort_with_indices"(%arg0) {axis = 1 : i64, descending = false} : (tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<3x4xf32>, tensor<3x4xi64>
func.func @sort_with_indices(%arg0: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi64>) {
  %0:2 = "graph.sort_with_indices"(%arg0) {axis = 1 : i64, descending = false} : (tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi64>)
  return %0#0, %0#1 : tensor<3x4xf32>, tensor<3x4xi64>
}

// CHECK-LABEL: func.func @sort_with_indices_1(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.sort_with_indices"(%arg0) {axis = 0 : i64, descending = true} : (tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<2x3x4xf64>, tensor<2x3x4xi64>
func.func @sort_with_indices_1(%arg0: tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xi64>) {
  %0:2 = "graph.sort_with_indices"(%arg0) {axis = 0 : i64, descending = true} : (tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xi64>)
  return %0#0, %0#1 : tensor<2x3x4xf64>, tensor<2x3x4xi64>
}

// CHECK-LABEL: func.func @sort_with_indices_2(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.sort_with_indices"(%arg0) {axis = 1 : i64, descending = false} : (tensor<2x5x3xf32>) -> (tensor<2x5x3xf32>, tensor<2x5x3xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<2x5x3xf32>, tensor<2x5x3xi64>
func.func @sort_with_indices_2(%arg0: tensor<2x5x3xf32>) -> (tensor<2x5x3xf32>, tensor<2x5x3xi64>) {
  %0:2 = "graph.sort_with_indices"(%arg0) {axis = 1 : i64, descending = false} : (tensor<2x5x3xf32>) -> (tensor<2x5x3xf32>, tensor<2x5x3xi64>)
  return %0#0, %0#1 : tensor<2x5x3xf32>, tensor<2x5x3xi64>
}

// CHECK-LABEL: func.func @sort_with_indices_3(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.sort_with_indices"(%arg0) {axis = 0 : i64, descending = false} : (tensor<7xi32>) -> (tensor<7xi32>, tensor<7xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<7xi32>, tensor<7xi64>
func.func @sort_with_indices_3(%arg0: tensor<7xi32>) -> (tensor<7xi32>, tensor<7xi64>) {
  %0:2 = "graph.sort_with_indices"(%arg0) {axis = 0 : i64, descending = false} : (tensor<7xi32>) -> (tensor<7xi32>, tensor<7xi64>)
  return %0#0, %0#1 : tensor<7xi32>, tensor<7xi64>
}

// CHECK-LABEL: func.func @sort_with_indices_4(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.sort_with_indices"(%arg0) {axis = 0 : i64, descending = true} : (tensor<4x3xi64>) -> (tensor<4x3xi64>, tensor<4x3xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<4x3xi64>, tensor<4x3xi64>
func.func @sort_with_indices_4(%arg0: tensor<4x3xi64>) -> (tensor<4x3xi64>, tensor<4x3xi64>) {
  %0:2 = "graph.sort_with_indices"(%arg0) {axis = 0 : i64, descending = true} : (tensor<4x3xi64>) -> (tensor<4x3xi64>, tensor<4x3xi64>)
  return %0#0, %0#1 : tensor<4x3xi64>, tensor<4x3xi64>
}

// CHECK-LABEL: func.func @topk(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 2 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<3x2xf32>, tensor<3x2xi64>
func.func @topk(%arg0: tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 2 : i64} : (tensor<3x5xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

// CHECK-LABEL: func.func @topk_1(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 3 : i64} : (tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<2x3x4xf64>, tensor<2x3x4xi64>
func.func @topk_1(%arg0: tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xi64>) {
  %0:2 = "graph.topk"(%arg0) {axis = 1 : i64, k = 3 : i64} : (tensor<2x3x4xf64>) -> (tensor<2x3x4xf64>, tensor<2x3x4xi64>)
  return %0#0, %0#1 : tensor<2x3x4xf64>, tensor<2x3x4xi64>
}

// CHECK-LABEL: func.func @topk_2(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.topk"(%arg0) {axis = 0 : i64, k = 6 : i64} : (tensor<6xf32>) -> (tensor<6xf32>, tensor<6xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<6xf32>, tensor<6xi64>
func.func @topk_2(%arg0: tensor<6xf32>) -> (tensor<6xf32>, tensor<6xi64>) {
  %0:2 = "graph.topk"(%arg0) {axis = 0 : i64, k = 6 : i64} : (tensor<6xf32>) -> (tensor<6xf32>, tensor<6xi64>)
  return %0#0, %0#1 : tensor<6xf32>, tensor<6xi64>
}

// CHECK-LABEL: func.func @topk_3(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.topk"(%arg0) {axis = 0 : i64, k = 1 : i64} : (tensor<4x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<1x3xf32>, tensor<1x3xi64>
func.func @topk_3(%arg0: tensor<4x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xi64>) {
  %0:2 = "graph.topk"(%arg0) {axis = 0 : i64, k = 1 : i64} : (tensor<4x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xi64>)
  return %0#0, %0#1 : tensor<1x3xf32>, tensor<1x3xi64>
}

// CHECK-LABEL: func.func @topk_4(
// CHECK-NEXT:    %[[R:.*]]:2 = "graph.topk"(%arg0) {axis = 0 : i64, k = 3 : i64} : (tensor<5x2xi32>) -> (tensor<3x2xi32>, tensor<3x2xi64>)
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1 : tensor<3x2xi32>, tensor<3x2xi64>
func.func @topk_4(%arg0: tensor<5x2xi32>) -> (tensor<3x2xi32>, tensor<3x2xi64>) {
  %0:2 = "graph.topk"(%arg0) {axis = 0 : i64, k = 3 : i64} : (tensor<5x2xi32>) -> (tensor<3x2xi32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xi32>, tensor<3x2xi64>
}

// -----

// A topk whose indices are declared i32: the verifier names the result.
func.func @topk_bad_indices(%a: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi32>) {
  // ERR: sorting.mlir:[[@LINE+2]]:10: error: 'graph.topk' op result #1 ('indices') type tensor<3x2xi32> does not match the type tensor<3x2xi64> inferred from tensor<3x4xf32>
  // expected-error@+1 {{'graph.topk' op result #1 ('indices') type tensor<3x2xi32> does not match}}
  %0:2 = "graph.topk"(%a) {axis = 1 : i64, k = 2 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi32>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi32>
}
