// Round trip of every reduction op of the graph dialect: parse, print, parse again, print.
// Each op's samples from the registry (dialects/graph/ops/*.py); test/tools/test_lit_coverage.py
// checks that every registered op appears in one of these files.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @sum(
// CHECK-NEXT:    %[[R:.*]] = "graph.sum"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @sum(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.sum"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @sum_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.sum"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @sum_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.sum"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @mean(
// CHECK-NEXT:    %[[R:.*]] = "graph.mean"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @mean(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.mean"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @mean_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.mean"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @mean_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.mean"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @max(
// CHECK-NEXT:    %[[R:.*]] = "graph.max"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @max(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.max"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @max_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.max"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @max_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.max"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @min(
// CHECK-NEXT:    %[[R:.*]] = "graph.min"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @min(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.min"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @min_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.min"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @min_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.min"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @logsumexp(
// CHECK-NEXT:    %[[R:.*]] = "graph.logsumexp"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @logsumexp(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.logsumexp"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @logsumexp_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.logsumexp"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @logsumexp_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.logsumexp"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @var(
// CHECK-NEXT:    %[[R:.*]] = "graph.var"(%arg0) {axes = array<i64: 1>, ddof = 0 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @var(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.var"(%arg0) {axes = array<i64: 1>, ddof = 0 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @var_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.var"(%arg0) {axes = array<i64: 0, 2>, ddof = 1 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @var_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.var"(%arg0) {axes = array<i64: 0, 2>, ddof = 1 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @var_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.var"(%arg0) {axes = array<i64: 0>, ddof = 1 : i64, keepdims = false} : (tensor<5xf64>) -> tensor<f64>
// CHECK-NEXT:    return %[[R]] : tensor<f64>
func.func @var_2(%arg0: tensor<5xf64>) -> tensor<f64> {
  %0 = "graph.var"(%arg0) {axes = array<i64: 0>, ddof = 1 : i64, keepdims = false} : (tensor<5xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// CHECK-LABEL: func.func @var_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.var"(%arg0) {axes = array<i64>, ddof = 0 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xf32>
func.func @var_3(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.var"(%arg0) {axes = array<i64>, ddof = 0 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @std(
// CHECK-NEXT:    %[[R:.*]] = "graph.std"(%arg0) {axes = array<i64: 1>, ddof = 0 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @std(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.std"(%arg0) {axes = array<i64: 1>, ddof = 0 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @std_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.std"(%arg0) {axes = array<i64: 0, 2>, ddof = 1 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @std_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.std"(%arg0) {axes = array<i64: 0, 2>, ddof = 1 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @std_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.std"(%arg0) {axes = array<i64: 0>, ddof = 1 : i64, keepdims = false} : (tensor<5xf64>) -> tensor<f64>
// CHECK-NEXT:    return %[[R]] : tensor<f64>
func.func @std_2(%arg0: tensor<5xf64>) -> tensor<f64> {
  %0 = "graph.std"(%arg0) {axes = array<i64: 0>, ddof = 1 : i64, keepdims = false} : (tensor<5xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// CHECK-LABEL: func.func @std_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.std"(%arg0) {axes = array<i64>, ddof = 0 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xf32>
func.func @std_3(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.std"(%arg0) {axes = array<i64>, ddof = 0 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @norm(
// CHECK-NEXT:    %[[R:.*]] = "graph.norm"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3xf32>
func.func @norm(%arg0: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.norm"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @norm_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.norm"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xf64>
func.func @norm_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x1xf64> {
  %0 = "graph.norm"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x1xf64>
  return %0 : tensor<1x3x1xf64>
}

// CHECK-LABEL: func.func @norm_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.norm"(%arg0) {axes = array<i64: 0>, keepdims = false} : (tensor<5xf64>) -> tensor<f64>
// CHECK-NEXT:    return %[[R]] : tensor<f64>
func.func @norm_2(%arg0: tensor<5xf64>) -> tensor<f64> {
  %0 = "graph.norm"(%arg0) {axes = array<i64: 0>, keepdims = false} : (tensor<5xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// CHECK-LABEL: func.func @norm_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.norm"(%arg0) {axes = array<i64>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xf32>
func.func @norm_3(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.norm"(%arg0) {axes = array<i64>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
