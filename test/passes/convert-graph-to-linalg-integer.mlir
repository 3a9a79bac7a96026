// convert-graph-to-linalg on integers and booleans: graph.cast between every kind of element type
// (arith.extf/truncf/sitofp/fptosi/extsi/trunci/extui/uitofp/cmpf/cmpi), argmax, one_hot and
// integer arithmetic. Nothing builds an arith op on mismatched types, and fptosi never sees a
// value it would turn into poison.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s
// CHECK-NOT: graph.

// A float fits i32 when -2^31 <= x < 2^31 (false for NaN): fptosi only then (it is poison
// otherwise), the smallest integer else.
// CHECK-LABEL: func.func @f32_to_i32(
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: i32):
// CHECK: %[[LO:.*]] = arith.cmpf oge, %[[X]], %{{.*}} : f32
// CHECK: %[[HI:.*]] = arith.cmpf olt, %[[X]], %{{.*}} : f32
// CHECK: %[[FITS:.*]] = arith.andi %[[LO]], %[[HI]] : i1
// CHECK: %[[SAFE:.*]] = arith.select %[[FITS]], %[[X]], %{{.*}} : f32
// CHECK: %[[I:.*]] = arith.fptosi %[[SAFE]] : f32 to i32
// CHECK: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK: arith.select %[[FITS]], %[[I]], %[[MIN]] : i32
func.func @f32_to_i32(%a: tensor<4xf32>) -> tensor<4xi32> {
  %0 = "graph.cast"(%a) {to = i32} : (tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// CHECK-LABEL: func.func @i64_to_f64(
// CHECK: arith.sitofp %{{.*}} : i64 to f64
func.func @i64_to_f64(%a: tensor<4xi64>) -> tensor<4xf64> {
  %0 = "graph.cast"(%a) {to = f64} : (tensor<4xi64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func @i32_to_i64(
// CHECK: arith.extsi %{{.*}} : i32 to i64
func.func @i32_to_i64(%a: tensor<4xi32>) -> tensor<4xi64> {
  %0 = "graph.cast"(%a) {to = i64} : (tensor<4xi32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// CHECK-LABEL: func.func @i64_to_i32(
// CHECK: arith.trunci %{{.*}} : i64 to i32
func.func @i64_to_i32(%a: tensor<4xi64>) -> tensor<4xi32> {
  %0 = "graph.cast"(%a) {to = i32} : (tensor<4xi64>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// To bool: x != 0, unordered so that NaN is true (numpy); stored as a byte.
// CHECK-LABEL: func.func @f64_to_i1(
// CHECK-SAME: -> tensor<4xi8>
// CHECK: %[[B:.*]] = arith.cmpf une, %{{.*}}, %{{.*}} : f64
// CHECK: arith.extui %[[B]] : i1 to i8
func.func @f64_to_i1(%a: tensor<4xf64>) -> tensor<4xi1> {
  %0 = "graph.cast"(%a) {to = i1} : (tensor<4xf64>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// From bool: any nonzero byte is true, then 0 or 1.
// CHECK-LABEL: func.func @i1_to_f32(
// CHECK: %[[B:.*]] = arith.cmpi ne, %{{.*}}, %{{.*}} : i8
// CHECK: arith.uitofp %[[B]] : i1 to f32
func.func @i1_to_f32(%a: tensor<4xi1>) -> tensor<4xf32> {
  %0 = "graph.cast"(%a) {to = f32} : (tensor<4xi1>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @i1_to_i64(
// CHECK: %[[B:.*]] = arith.cmpi ne, %{{.*}}, %{{.*}} : i8
// CHECK: arith.extui %[[B]] : i1 to i64
func.func @i1_to_i64(%a: tensor<4xi1>) -> tensor<4xi64> {
  %0 = "graph.cast"(%a) {to = i64} : (tensor<4xi1>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// CHECK-LABEL: func.func @i32_to_i1(
// CHECK: %[[B:.*]] = arith.cmpi ne, %{{.*}}, %{{.*}} : i32
// CHECK: arith.extui %[[B]] : i1 to i8
func.func @i32_to_i1(%a: tensor<4xi32>) -> tensor<4xi1> {
  %0 = "graph.cast"(%a) {to = i1} : (tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// A cast to the operand's own type is the operand.
// CHECK-LABEL: func.func @i32_to_i32(
// CHECK-NEXT: return %arg0 : tensor<4xi32>
func.func @i32_to_i32(%a: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "graph.cast"(%a) {to = i32} : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// argmax: the maximum (NaN-propagating), then the smallest index that hits it (order-independent).
// CHECK-LABEL: func.func @argmax(
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}}outs(%{{.*}} : tensor<3xi64>)
// CHECK: %[[HIT:.*]] = arith.ori
// CHECK: %[[K:.*]] = linalg.index 1 : index
// CHECK: %[[K64:.*]] = arith.index_cast %[[K]] : index to i64
// CHECK: %[[C:.*]] = arith.select %[[HIT]], %[[K64]], %{{.*}} : i64
// CHECK: arith.minsi %{{.*}}, %[[C]] : i64
func.func @argmax(%a: tensor<3x4xf32>) -> tensor<3xi64> {
  %0 = "graph.argmax"(%a) {axis = 1 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// one_hot: label == column index; any other label (negative, >= depth) leaves its row zero.
// CHECK-LABEL: func.func @one_hot(
// CHECK: %[[K:.*]] = linalg.index 1 : index
// CHECK: %[[K32:.*]] = arith.index_cast %[[K]] : index to i32
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %{{.*}}, %[[K32]] : i32
// CHECK: arith.select %[[EQ]], %{{.*}}, %{{.*}} : f32
func.func @one_hot(%a: tensor<3xi32>) -> tensor<3x5xf32> {
  %0 = "graph.one_hot"(%a) {depth = 5 : i64, dtype = f32} : (tensor<3xi32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// Integer arithmetic is arith's i-form.
// CHECK-LABEL: func.func @add_i32(
// CHECK: arith.addi %{{.*}}, %{{.*}} : i32
func.func @add_i32(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "graph.add"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
