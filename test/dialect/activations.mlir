// Round trip of every activation op of the graph dialect: parse, print, parse again, print.
// Each op's samples from the registry (dialects/graph/ops/activations.py); test/tools/test_lit_coverage.py
// checks that every registered op appears in one of these files.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @softplus(
// CHECK-NEXT:    %[[R:.*]] = "graph.softplus"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @softplus(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.softplus"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @log_sigmoid(
// CHECK-NEXT:    %[[R:.*]] = "graph.log_sigmoid"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @log_sigmoid(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.log_sigmoid"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @silu(
// CHECK-NEXT:    %[[R:.*]] = "graph.silu"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @silu(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.silu"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @leaky_relu(
// CHECK-NEXT:    %[[R:.*]] = "graph.leaky_relu"(%arg0) {negative_slope = 1.000000e-02 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @leaky_relu(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.leaky_relu"(%arg0) {negative_slope = 1.000000e-02 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @leaky_relu_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.leaky_relu"(%arg0) {negative_slope = 1.000000e-02 : f64} : (tensor<f64>) -> tensor<f64>
// CHECK-NEXT:    return %[[R]] : tensor<f64>
func.func @leaky_relu_1(%arg0: tensor<f64>) -> tensor<f64> {
  %0 = "graph.leaky_relu"(%arg0) {negative_slope = 1.000000e-02 : f64} : (tensor<f64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// CHECK-LABEL: func.func @leaky_relu_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.leaky_relu"(%arg0) {negative_slope = 1.000000e-02 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x5xf64>
func.func @leaky_relu_2(%arg0: tensor<1x5xf64>) -> tensor<1x5xf64> {
  %0 = "graph.leaky_relu"(%arg0) {negative_slope = 1.000000e-02 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
  return %0 : tensor<1x5xf64>
}

// CHECK-LABEL: func.func @leaky_relu_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.leaky_relu"(%arg0) {negative_slope = -5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @leaky_relu_3(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.leaky_relu"(%arg0) {negative_slope = -5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @leaky_relu_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.leaky_relu"(%arg0) {negative_slope = 2.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @leaky_relu_4(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.leaky_relu"(%arg0) {negative_slope = 2.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @elu(
// CHECK-NEXT:    %[[R:.*]] = "graph.elu"(%arg0) {alpha = 1.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @elu(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.elu"(%arg0) {alpha = 1.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @elu_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.elu"(%arg0) {alpha = 1.000000e+00 : f64} : (tensor<f64>) -> tensor<f64>
// CHECK-NEXT:    return %[[R]] : tensor<f64>
func.func @elu_1(%arg0: tensor<f64>) -> tensor<f64> {
  %0 = "graph.elu"(%arg0) {alpha = 1.000000e+00 : f64} : (tensor<f64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// CHECK-LABEL: func.func @elu_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.elu"(%arg0) {alpha = 1.000000e+00 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x5xf64>
func.func @elu_2(%arg0: tensor<1x5xf64>) -> tensor<1x5xf64> {
  %0 = "graph.elu"(%arg0) {alpha = 1.000000e+00 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
  return %0 : tensor<1x5xf64>
}

// CHECK-LABEL: func.func @elu_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.elu"(%arg0) {alpha = 5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @elu_3(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.elu"(%arg0) {alpha = 5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @hardtanh(
// CHECK-NEXT:    %[[R:.*]] = "graph.hardtanh"(%arg0) {max_val = 1.000000e+00 : f64, min_val = -1.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @hardtanh(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.hardtanh"(%arg0) {max_val = 1.000000e+00 : f64, min_val = -1.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @hardtanh_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.hardtanh"(%arg0) {max_val = 1.000000e+00 : f64, min_val = -1.000000e+00 : f64} : (tensor<f64>) -> tensor<f64>
// CHECK-NEXT:    return %[[R]] : tensor<f64>
func.func @hardtanh_1(%arg0: tensor<f64>) -> tensor<f64> {
  %0 = "graph.hardtanh"(%arg0) {max_val = 1.000000e+00 : f64, min_val = -1.000000e+00 : f64} : (tensor<f64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// CHECK-LABEL: func.func @hardtanh_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.hardtanh"(%arg0) {max_val = 1.000000e+00 : f64, min_val = -1.000000e+00 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x5xf64>
func.func @hardtanh_2(%arg0: tensor<1x5xf64>) -> tensor<1x5xf64> {
  %0 = "graph.hardtanh"(%arg0) {max_val = 1.000000e+00 : f64, min_val = -1.000000e+00 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
  return %0 : tensor<1x5xf64>
}

// CHECK-LABEL: func.func @hardtanh_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.hardtanh"(%arg0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @hardtanh_3(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.hardtanh"(%arg0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @hardtanh_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.hardtanh"(%arg0) {max_val = -5.000000e-01 : f64, min_val = -5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @hardtanh_4(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.hardtanh"(%arg0) {max_val = -5.000000e-01 : f64, min_val = -5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @clip(
// CHECK-NEXT:    %[[R:.*]] = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = -5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @clip(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = -5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @clip_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = -5.000000e-01 : f64} : (tensor<f64>) -> tensor<f64>
// CHECK-NEXT:    return %[[R]] : tensor<f64>
func.func @clip_1(%arg0: tensor<f64>) -> tensor<f64> {
  %0 = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = -5.000000e-01 : f64} : (tensor<f64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// CHECK-LABEL: func.func @clip_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = -5.000000e-01 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
// CHECK-NEXT:    return %[[R]] : tensor<1x5xf64>
func.func @clip_2(%arg0: tensor<1x5xf64>) -> tensor<1x5xf64> {
  %0 = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = -5.000000e-01 : f64} : (tensor<1x5xf64>) -> tensor<1x5xf64>
  return %0 : tensor<1x5xf64>
}

// CHECK-LABEL: func.func @clip_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.clip"(%arg0) {max = 0.000000e+00 : f64, min = 0xFFF0000000000000 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @clip_3(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.clip"(%arg0) {max = 0.000000e+00 : f64, min = 0xFFF0000000000000 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @clip_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = 1.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @clip_4(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.clip"(%arg0) {max = 1.000000e+00 : f64, min = 1.000000e+00 : f64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
