// Round trip of every elementwise op of the graph dialect: parse, print, parse again, print.
// Each op's samples from the registry (dialects/graph/ops/*.py); test/tools/test_lit_coverage.py
// checks that every registered op appears in one of these files.
// RUN: %symgrad-opt %s | %symgrad-opt | %FileCheck %s
// RUN: %symgrad-opt --mlir-print-op-generic %s | %symgrad-opt --graph-verify | %FileCheck %s

// CHECK-LABEL: func.func @neg(
// CHECK-NEXT:    %[[R:.*]] = "graph.neg"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @neg(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.neg"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @exp(
// CHECK-NEXT:    %[[R:.*]] = "graph.exp"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @exp(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.exp"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @log(
// CHECK-NEXT:    %[[R:.*]] = "graph.log"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @log(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.log"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @tanh(
// CHECK-NEXT:    %[[R:.*]] = "graph.tanh"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @tanh(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.tanh"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sigmoid(
// CHECK-NEXT:    %[[R:.*]] = "graph.sigmoid"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @sigmoid(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sigmoid"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @relu(
// CHECK-NEXT:    %[[R:.*]] = "graph.relu"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @relu(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.relu"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sqrt(
// CHECK-NEXT:    %[[R:.*]] = "graph.sqrt"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @sqrt(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sqrt"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @rsqrt(
// CHECK-NEXT:    %[[R:.*]] = "graph.rsqrt"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @rsqrt(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.rsqrt"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @abs(
// CHECK-NEXT:    %[[R:.*]] = "graph.abs"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @abs(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.abs"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sin(
// CHECK-NEXT:    %[[R:.*]] = "graph.sin"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @sin(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sin"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @cos(
// CHECK-NEXT:    %[[R:.*]] = "graph.cos"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @cos(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.cos"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @erf(
// CHECK-NEXT:    %[[R:.*]] = "graph.erf"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @erf(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.erf"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @log1p(
// CHECK-NEXT:    %[[R:.*]] = "graph.log1p"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @log1p(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.log1p"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @expm1(
// CHECK-NEXT:    %[[R:.*]] = "graph.expm1"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @expm1(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.expm1"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @reciprocal(
// CHECK-NEXT:    %[[R:.*]] = "graph.reciprocal"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @reciprocal(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.reciprocal"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @stop_gradient(
// CHECK-NEXT:    %[[R:.*]] = "graph.stop_gradient"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @stop_gradient(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.stop_gradient"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @add(
// CHECK-NEXT:    %[[R:.*]] = "graph.add"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @add(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.add"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @add_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.add"(%arg0, %arg1) : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @add_1(%arg0: tensor<3x4xf64>, %arg1: tensor<4xf64>) -> tensor<3x4xf64> {
  %0 = "graph.add"(%arg0, %arg1) : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @add_2(
// CHECK-NEXT:    %[[R:.*]] = "graph.add"(%arg0, %arg1) : (tensor<2x1x3xf64>, tensor<4x1xf64>) -> tensor<2x4x3xf64>
// CHECK-NEXT:    return %[[R]] : tensor<2x4x3xf64>
func.func @add_2(%arg0: tensor<2x1x3xf64>, %arg1: tensor<4x1xf64>) -> tensor<2x4x3xf64> {
  %0 = "graph.add"(%arg0, %arg1) : (tensor<2x1x3xf64>, tensor<4x1xf64>) -> tensor<2x4x3xf64>
  return %0 : tensor<2x4x3xf64>
}

// CHECK-LABEL: func.func @add_3(
// CHECK-NEXT:    %[[R:.*]] = "graph.add"(%arg0, %arg1) : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[R]] : tensor<2x3xf32>
func.func @add_3(%arg0: tensor<f32>, %arg1: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.add"(%arg0, %arg1) : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sub(
// CHECK-NEXT:    %[[R:.*]] = "graph.sub"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @sub(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sub"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @mul(
// CHECK-NEXT:    %[[R:.*]] = "graph.mul"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @mul(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.mul"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @div(
// CHECK-NEXT:    %[[R:.*]] = "graph.div"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @div(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.div"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @pow(
// CHECK-NEXT:    %[[R:.*]] = "graph.pow"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @pow(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.pow"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @maximum(
// CHECK-NEXT:    %[[R:.*]] = "graph.maximum"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @maximum(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.maximum"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @minimum(
// CHECK-NEXT:    %[[R:.*]] = "graph.minimum"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @minimum(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.minimum"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @gt(
// CHECK-NEXT:    %[[R:.*]] = "graph.gt"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @gt(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xi1> {
  %0 = "graph.gt"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @ge(
// CHECK-NEXT:    %[[R:.*]] = "graph.ge"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @ge(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xi1> {
  %0 = "graph.ge"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @lt(
// CHECK-NEXT:    %[[R:.*]] = "graph.lt"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @lt(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xi1> {
  %0 = "graph.lt"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @le(
// CHECK-NEXT:    %[[R:.*]] = "graph.le"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @le(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xi1> {
  %0 = "graph.le"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @eq(
// CHECK-NEXT:    %[[R:.*]] = "graph.eq"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @eq(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xi1> {
  %0 = "graph.eq"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @ne(
// CHECK-NEXT:    %[[R:.*]] = "graph.ne"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xi1>
func.func @ne(%arg0: tensor<3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<3x4xi1> {
  %0 = "graph.ne"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @select(
// CHECK-NEXT:    %[[R:.*]] = "graph.select"(%arg0, %arg1, %arg2) : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @select(%arg0: tensor<3x4xi1>, %arg1: tensor<3x4xf32>, %arg2: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.select"(%arg0, %arg1, %arg2) : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @select_1(
// CHECK-NEXT:    %[[R:.*]] = "graph.select"(%arg0, %arg1, %arg2) : (tensor<3x1xi1>, tensor<4xf64>, tensor<f64>) -> tensor<3x4xf64>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf64>
func.func @select_1(%arg0: tensor<3x1xi1>, %arg1: tensor<4xf64>, %arg2: tensor<f64>) -> tensor<3x4xf64> {
  %0 = "graph.select"(%arg0, %arg1, %arg2) : (tensor<3x1xi1>, tensor<4xf64>, tensor<f64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// CHECK-LABEL: func.func @tan(
// CHECK-NEXT:    %[[R:.*]] = "graph.tan"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @tan(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.tan"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @atan(
// CHECK-NEXT:    %[[R:.*]] = "graph.atan"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @atan(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.atan"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @asin(
// CHECK-NEXT:    %[[R:.*]] = "graph.asin"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @asin(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.asin"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @acos(
// CHECK-NEXT:    %[[R:.*]] = "graph.acos"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @acos(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.acos"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sinh(
// CHECK-NEXT:    %[[R:.*]] = "graph.sinh"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @sinh(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sinh"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @cosh(
// CHECK-NEXT:    %[[R:.*]] = "graph.cosh"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @cosh(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.cosh"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @log2(
// CHECK-NEXT:    %[[R:.*]] = "graph.log2"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @log2(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.log2"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @log10(
// CHECK-NEXT:    %[[R:.*]] = "graph.log10"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @log10(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.log10"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @exp2(
// CHECK-NEXT:    %[[R:.*]] = "graph.exp2"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @exp2(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.exp2"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @floor(
// CHECK-NEXT:    %[[R:.*]] = "graph.floor"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @floor(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.floor"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @ceil(
// CHECK-NEXT:    %[[R:.*]] = "graph.ceil"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @ceil(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.ceil"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @round(
// CHECK-NEXT:    %[[R:.*]] = "graph.round"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @round(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.round"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sign(
// CHECK-NEXT:    %[[R:.*]] = "graph.sign"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return %[[R]] : tensor<3x4xf32>
func.func @sign(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sign"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
