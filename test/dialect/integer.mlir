// Round trip of the ops on and to integers and booleans (dialects/graph/ops/integer.py, the logical
// ops of ops/elementwise.py) and integer operands of the ops that take them: parse, print, parse again,
// print. Each op's samples from the registry.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @argmax_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmax"(%arg0) {axis = 1 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xi64>
// CHECK-NEXT:    return %[[R]] : tensor<3xi64>
func.func @argmax_0(%arg0: tensor<3x4xf32>) -> tensor<3xi64> {
  %0 = "graph.argmax"(%arg0) {axis = 1 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @argmax_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmax"(%arg0) {axis = 0 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x4xi64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x4xi64>
func.func @argmax_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x4xi64> {
  %0 = "graph.argmax"(%arg0) {axis = 0 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x4xi64>
  return %0 : tensor<1x3x4xi64>
}

// CHECK-LABEL: func.func @argmax_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmax"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<5x3xi32>) -> tensor<3xi64>
// CHECK-NEXT:    return %[[R]] : tensor<3xi64>
func.func @argmax_2(%arg0: tensor<5x3xi32>) -> tensor<3xi64> {
  %0 = "graph.argmax"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<5x3xi32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @argmax_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmax"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<6xi64>) -> tensor<i64>
// CHECK-NEXT:    return %[[R]] : tensor<i64>
func.func @argmax_3(%arg0: tensor<6xi64>) -> tensor<i64> {
  %0 = "graph.argmax"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<6xi64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// CHECK-LABEL: func.func @argmin_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmin"(%arg0) {axis = 1 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xi64>
// CHECK-NEXT:    return %[[R]] : tensor<3xi64>
func.func @argmin_0(%arg0: tensor<3x4xf32>) -> tensor<3xi64> {
  %0 = "graph.argmin"(%arg0) {axis = 1 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @argmin_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmin"(%arg0) {axis = 0 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x4xi64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x4xi64>
func.func @argmin_1(%arg0: tensor<2x3x4xf64>) -> tensor<1x3x4xi64> {
  %0 = "graph.argmin"(%arg0) {axis = 0 : i64, keepdims = true} : (tensor<2x3x4xf64>) -> tensor<1x3x4xi64>
  return %0 : tensor<1x3x4xi64>
}

// CHECK-LABEL: func.func @argmin_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmin"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<5x3xi32>) -> tensor<3xi64>
// CHECK-NEXT:    return %[[R]] : tensor<3xi64>
func.func @argmin_2(%arg0: tensor<5x3xi32>) -> tensor<3xi64> {
  %0 = "graph.argmin"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<5x3xi32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// CHECK-LABEL: func.func @argmin_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.argmin"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<6xi64>) -> tensor<i64>
// CHECK-NEXT:    return %[[R]] : tensor<i64>
func.func @argmin_3(%arg0: tensor<6xi64>) -> tensor<i64> {
  %0 = "graph.argmin"(%arg0) {axis = 0 : i64, keepdims = false} : (tensor<6xi64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// CHECK-LABEL: func.func @one_hot_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.one_hot"(%arg0) {depth = 4 : i64, dtype = f32} : (tensor<3x2xi32>) -> tensor<3x2x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x2x4xf32>
func.func @one_hot_0(%arg0: tensor<3x2xi32>) -> tensor<3x2x4xf32> {
  %0 = "graph.one_hot"(%arg0) {depth = 4 : i64, dtype = f32} : (tensor<3x2xi32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// CHECK-LABEL: func.func @one_hot_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.one_hot"(%arg0) {depth = 5 : i64, dtype = f64} : (tensor<5xi64>) -> tensor<5x5xf64>
// CHECK-NEXT:    return %[[R]] : tensor<5x5xf64>
func.func @one_hot_1(%arg0: tensor<5xi64>) -> tensor<5x5xf64> {
  %0 = "graph.one_hot"(%arg0) {depth = 5 : i64, dtype = f64} : (tensor<5xi64>) -> tensor<5x5xf64>
  return %0 : tensor<5x5xf64>
}

// CHECK-LABEL: func.func @one_hot_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.one_hot"(%arg0) {depth = 3 : i64, dtype = i32} : (tensor<4xi64>) -> tensor<4x3xi32>
// CHECK-NEXT:    return %[[R]] : tensor<4x3xi32>
func.func @one_hot_2(%arg0: tensor<4xi64>) -> tensor<4x3xi32> {
  %0 = "graph.one_hot"(%arg0) {depth = 3 : i64, dtype = i32} : (tensor<4xi64>) -> tensor<4x3xi32>
  return %0 : tensor<4x3xi32>
}

// CHECK-LABEL: func.func @logical_and_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.logical_and"(%arg0, %arg1) : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @logical_and_0(%arg0: tensor<3x4xi1>, %arg1: tensor<3x4xi1>) -> tensor<3x4xi1> {
  %0 = "graph.logical_and"(%arg0, %arg1) : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @logical_and_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.logical_and"(%arg0, %arg1) : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xi1>
func.func @logical_and_1(%arg0: tensor<2x1xi1>, %arg1: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "graph.logical_and"(%arg0, %arg1) : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @logical_or_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.logical_or"(%arg0, %arg1) : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @logical_or_0(%arg0: tensor<3x4xi1>, %arg1: tensor<3x4xi1>) -> tensor<3x4xi1> {
  %0 = "graph.logical_or"(%arg0, %arg1) : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @logical_or_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.logical_or"(%arg0, %arg1) : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xi1>
func.func @logical_or_1(%arg0: tensor<2x1xi1>, %arg1: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "graph.logical_or"(%arg0, %arg1) : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @logical_xor_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.logical_xor"(%arg0, %arg1) : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @logical_xor_0(%arg0: tensor<3x4xi1>, %arg1: tensor<3x4xi1>) -> tensor<3x4xi1> {
  %0 = "graph.logical_xor"(%arg0, %arg1) : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @logical_xor_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.logical_xor"(%arg0, %arg1) : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<2x3xi1>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xi1>
func.func @logical_xor_1(%arg0: tensor<2x1xi1>, %arg1: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "graph.logical_xor"(%arg0, %arg1) : (tensor<2x1xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @logical_not_0(
// CHECK-NEXT:    %[[R:.*]] = "graph.logical_not"(%arg0) : (tensor<3x4xi1>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @logical_not_0(%arg0: tensor<3x4xi1>) -> tensor<3x4xi1> {
  %0 = "graph.logical_not"(%arg0) : (tensor<3x4xi1>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @cast_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = i32} : (tensor<3x4xf32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @cast_2(%arg0: tensor<3x4xf32>) -> tensor<3x4xi32> {
  %0 = "graph.cast"(%arg0) {to = i32} : (tensor<3x4xf32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @cast_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = i64} : (tensor<3x4xf64>) -> tensor<3x4xi64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi64>
func.func @cast_3(%arg0: tensor<3x4xf64>) -> tensor<3x4xi64> {
  %0 = "graph.cast"(%arg0) {to = i64} : (tensor<3x4xf64>) -> tensor<3x4xi64>
  return %0 : tensor<3x4xi64>
}

// CHECK-LABEL: func.func @cast_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = f32} : (tensor<3x4xi32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @cast_4(%arg0: tensor<3x4xi32>) -> tensor<3x4xf32> {
  %0 = "graph.cast"(%arg0) {to = f32} : (tensor<3x4xi32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @cast_5(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = f64} : (tensor<3x4xi64>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @cast_5(%arg0: tensor<3x4xi64>) -> tensor<3x4xf64> {
  %0 = "graph.cast"(%arg0) {to = f64} : (tensor<3x4xi64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @cast_6(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = i64} : (tensor<3x4xi32>) -> tensor<3x4xi64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi64>
func.func @cast_6(%arg0: tensor<3x4xi32>) -> tensor<3x4xi64> {
  %0 = "graph.cast"(%arg0) {to = i64} : (tensor<3x4xi32>) -> tensor<3x4xi64>
  return %0 : tensor<3x4xi64>
}

// CHECK-LABEL: func.func @cast_7(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = i32} : (tensor<3x4xi64>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @cast_7(%arg0: tensor<3x4xi64>) -> tensor<3x4xi32> {
  %0 = "graph.cast"(%arg0) {to = i32} : (tensor<3x4xi64>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @cast_8(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = i1} : (tensor<3x4xf32>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @cast_8(%arg0: tensor<3x4xf32>) -> tensor<3x4xi1> {
  %0 = "graph.cast"(%arg0) {to = i1} : (tensor<3x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @cast_9(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = f64} : (tensor<3x4xi1>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @cast_9(%arg0: tensor<3x4xi1>) -> tensor<3x4xf64> {
  %0 = "graph.cast"(%arg0) {to = f64} : (tensor<3x4xi1>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @cast_10(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = i32} : (tensor<3x4xi1>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @cast_10(%arg0: tensor<3x4xi1>) -> tensor<3x4xi32> {
  %0 = "graph.cast"(%arg0) {to = i32} : (tensor<3x4xi1>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @cast_11(
// CHECK-NEXT:    %[[R:.*]] = "graph.cast"(%arg0) {to = i1} : (tensor<3x4xi64>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @cast_11(%arg0: tensor<3x4xi64>) -> tensor<3x4xi1> {
  %0 = "graph.cast"(%arg0) {to = i1} : (tensor<3x4xi64>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @add_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.add"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @add_4(%arg0: tensor<3x4xi32>, %arg1: tensor<4xi32>) -> tensor<3x4xi32> {
  %0 = "graph.add"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @maximum_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.maximum"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @maximum_4(%arg0: tensor<3x4xi32>, %arg1: tensor<4xi32>) -> tensor<3x4xi32> {
  %0 = "graph.maximum"(%arg0, %arg1) : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @gt_5(
// CHECK-NEXT:    %[[R:.*]] = "graph.gt"(%arg0, %arg1) : (tensor<2x1x3xi64>, tensor<4x1xi64>) -> tensor<2x4x3xi1>
// CHECK-NEXT:    return %[[R]] : tensor<2x4x3xi1>
func.func @gt_5(%arg0: tensor<2x1x3xi64>, %arg1: tensor<4x1xi64>) -> tensor<2x4x3xi1> {
  %0 = "graph.gt"(%arg0, %arg1) : (tensor<2x1x3xi64>, tensor<4x1xi64>) -> tensor<2x4x3xi1>
  return %0 : tensor<2x4x3xi1>
}

// CHECK-LABEL: func.func @select_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.select"(%arg0, %arg1, %arg2) : (tensor<3x4xi1>, tensor<4xi64>, tensor<3x1xi64>) -> tensor<3x4xi64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi64>
func.func @select_2(%arg0: tensor<3x4xi1>, %arg1: tensor<4xi64>, %arg2: tensor<3x1xi64>) -> tensor<3x4xi64> {
  %0 = "graph.select"(%arg0, %arg1, %arg2) : (tensor<3x4xi1>, tensor<4xi64>, tensor<3x1xi64>) -> tensor<3x4xi64>
  return %0 : tensor<3x4xi64>
}

// CHECK-LABEL: func.func @select_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.select"(%arg0, %arg1, %arg2) : (tensor<2x3xi1>, tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xi1>
func.func @select_3(%arg0: tensor<2x3xi1>, %arg1: tensor<2x3xi1>, %arg2: tensor<i1>) -> tensor<2x3xi1> {
  %0 = "graph.select"(%arg0, %arg1, %arg2) : (tensor<2x3xi1>, tensor<2x3xi1>, tensor<i1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @sum_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.sum"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xi32>) -> tensor<3xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3xi32>
func.func @sum_4(%arg0: tensor<3x4xi32>) -> tensor<3xi32> {
  %0 = "graph.sum"(%arg0) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func.func @max_5(
// CHECK-NEXT:    %[[R:.*]] = "graph.max"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xi64>) -> tensor<1x3x1xi64>
// CHECK-NEXT:    return %[[R]] : tensor<1x3x1xi64>
func.func @max_5(%arg0: tensor<2x3x4xi64>) -> tensor<1x3x1xi64> {
  %0 = "graph.max"(%arg0) {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x3x4xi64>) -> tensor<1x3x1xi64>
  return %0 : tensor<1x3x1xi64>
}

// CHECK-LABEL: func.func @concat_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.concat"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2x2xi64>) -> tensor<2x5xi64>
// CHECK-NEXT:    return %[[R]] : tensor<2x5xi64>
func.func @concat_2(%arg0: tensor<2x3xi64>, %arg1: tensor<2x2xi64>) -> tensor<2x5xi64> {
  %0 = "graph.concat"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2x2xi64>) -> tensor<2x5xi64>
  return %0 : tensor<2x5xi64>
}

// CHECK-LABEL: func.func @constant_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.constant"() {value = dense<{{\[\[}}-3, 0, 7{{\]\]}}> : tensor<1x3xi32>} : () -> tensor<1x3xi32>
// CHECK-NEXT:    return %[[R]] : tensor<1x3xi32>
func.func @constant_2() -> tensor<1x3xi32> {
  %0 = "graph.constant"() {value = dense<[[-3, 0, 7]]> : tensor<1x3xi32>} : () -> tensor<1x3xi32>
  return %0 : tensor<1x3xi32>
}

// CHECK-LABEL: func.func @constant_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.constant"() {value = dense<-1099511627776> : tensor<2xi64>} : () -> tensor<2xi64>
// CHECK-NEXT:    return %[[R]] : tensor<2xi64>
func.func @constant_3() -> tensor<2xi64> {
  %0 = "graph.constant"() {value = dense<-1099511627776> : tensor<2xi64>} : () -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// CHECK-LABEL: func.func @neg_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.neg"(%arg0) : (tensor<3x4xi32>) -> tensor<3x4xi32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi32>
func.func @neg_3(%arg0: tensor<3x4xi32>) -> tensor<3x4xi32> {
  %0 = "graph.neg"(%arg0) : (tensor<3x4xi32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @abs_4(
// CHECK-NEXT:    %[[R:.*]] = "graph.abs"(%arg0) : (tensor<5xi64>) -> tensor<5xi64>
// CHECK-NEXT:    return %[[R]] : tensor<5xi64>
func.func @abs_4(%arg0: tensor<5xi64>) -> tensor<5xi64> {
  %0 = "graph.abs"(%arg0) : (tensor<5xi64>) -> tensor<5xi64>
  return %0 : tensor<5xi64>
}

