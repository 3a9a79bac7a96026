// convert-graph-to-linalg on the shape ops: linalg named ops where they fit, tensor ops for data movement
// (views where possible: reshape is collapse/expand_shape, slice is extract_slice). matmul: convert-graph-to-linalg-matmul.mlir.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s

// CHECK-DAG: #[[$MID:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[$ID3:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-NOT: graph.

// CHECK-LABEL: func.func @transpose(
// CHECK: linalg.transpose ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = "graph.transpose"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// CHECK-LABEL: func.func @reshape(
// CHECK: %[[F:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<3x4xf32> into tensor<12xf32>
// CHECK-NEXT: tensor.expand_shape %[[F]] {{\[\[}}0, 1]] output_shape [2, 6] : tensor<12xf32> into tensor<2x6xf32>
func.func @reshape(%x: tensor<3x4xf32>) -> tensor<2x6xf32> {
  %0 = "graph.reshape"(%x) {shape = array<i64: 2, 6>} : (tensor<3x4xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// CHECK-LABEL: func.func @reshape_scalar(
// CHECK: tensor.expand_shape %arg0 [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reshape_scalar(%x: tensor<f32>) -> tensor<1x1xf32> {
  %0 = "graph.reshape"(%x) {shape = array<i64: 1, 1>} : (tensor<f32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// CHECK-LABEL: func.func @broadcast_to(
// CHECK: %[[C:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<2x1xf32> into tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$MID]], #[[$ID3]]], {{.*}} ins(%[[C]] : tensor<2xf32>) outs(%{{.*}} : tensor<3x2x5xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
func.func @broadcast_to(%x: tensor<2x1xf32>) -> tensor<3x2x5xf32> {
  %0 = "graph.broadcast_to"(%x) {shape = array<i64: 3, 2, 5>} : (tensor<2x1xf32>) -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// CHECK-LABEL: func.func @sum_to_size(
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$MID]]], iterator_types = ["reduction", "parallel", "reduction"]} {{.*}} outs(%{{.*}} : tensor<2xf64>)
// CHECK: arith.addf {{.*}} fastmath<reassoc> : f64
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<2xf64>)
// CHECK: arith.truncf
// CHECK: tensor.expand_shape %[[T]] {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
func.func @sum_to_size(%x: tensor<3x2x5xf32>) -> tensor<2x1xf32> {
  %0 = "graph.sum_to_size"(%x) {shape = array<i64: 2, 1>} : (tensor<3x2x5xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func.func @concat(
// CHECK: tensor.concat dim(1) %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = "graph.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @slice(
// CHECK: tensor.extract_slice %arg0[1, 0] [3, 3] [1, 2] : tensor<5x6xf32> to tensor<3x3xf32>
func.func @slice(%x: tensor<5x6xf32>) -> tensor<3x3xf32> {
  %0 = "graph.slice"(%x) {start = array<i64: 1, 0>, stop = array<i64: 4, 6>, step = array<i64: 1, 2>} : (tensor<5x6xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @pad(
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<5x7xf32>)
// CHECK: tensor.insert_slice %arg0 into %[[Z]][1, 0] [2, 3] [2, 3] : tensor<2x3xf32> into tensor<5x7xf32>
func.func @pad(%x: tensor<2x3xf32>) -> tensor<5x7xf32> {
  %0 = "graph.pad"(%x) {shape = array<i64: 5, 7>, start = array<i64: 1, 0>, step = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<5x7xf32>
  return %0 : tensor<5x7xf32>
}

// Constants become arith.constant; booleans are stored as bytes.
// CHECK-LABEL: func.func @constant() -> (tensor<2xf32>, tensor<f64>, tensor<3xi8>)
// CHECK-DAG: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<5.000000e-01> : tensor<f64>
// CHECK-DAG: arith.constant dense<1> : tensor<3xi8>
func.func @constant() -> (tensor<2xf32>, tensor<f64>, tensor<3xi1>) {
  %0 = "graph.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %1 = "graph.constant"() {value = dense<0.5> : tensor<f64>} : () -> tensor<f64>
  %2 = "graph.constant"() {value = dense<true> : tensor<3xi1>} : () -> tensor<3xi1>
  return %0, %1, %2 : tensor<2xf32>, tensor<f64>, tensor<3xi1>
}

// CHECK-LABEL: func.func @cast(
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @cast(%x: tensor<3xf32>, %y: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf32>) {
  %0 = "graph.cast"(%x) {to = f64} : (tensor<3xf32>) -> tensor<3xf64>
  %1 = "graph.cast"(%y) {to = f32} : (tensor<3xf64>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf64>, tensor<3xf32>
}
