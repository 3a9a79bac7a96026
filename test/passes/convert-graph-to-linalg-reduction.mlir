// convert-graph-to-linalg on reductions: a linalg.generic with reduction iterators over the
// `axes`, accumulating into a linalg.fill of the identity (so elementwise producers fuse into it);
// keepdims is an expand_shape (a view). logsumexp is max-shifted exactly like its reference.
// Sums of f32 accumulate in f64 (exact to f32 rounding over millions of elements) with a
// reassociable addition (LLVM keeps several partial sums and vectorizes), then round once.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s

// CHECK-DAG: #[[$ID3:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$MID:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[$ID:map[0-9]*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROWS:map[0-9]*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$ALL:map[0-9]*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[$COLS:map[0-9]*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-NOT: graph.

// CHECK-LABEL: func.func @sum(
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f64) outs(%{{.*}} : tensor<3xf64>)
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$MID]]], iterator_types = ["reduction", "parallel", "reduction"]} ins(%arg0 : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %[[ACC:.*]]: f64):
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[IN]] : f32 to f64
// CHECK-NEXT: arith.addf %[[ACC]], %[[W]] fastmath<reassoc> : f64
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<3xf64>) outs(%{{.*}} : tensor<3xf32>)
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @sum(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.sum"(%x) {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @mean(
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROWS]]], iterator_types = ["parallel", "reduction"]}
// CHECK: %[[K:.*]] = tensor.expand_shape %[[S]] {{\[\[}}0, 1]] output_shape [3, 1] : tensor<3xf64> into tensor<3x1xf64>
// CHECK: linalg.generic {{.*}} ins(%[[K]] : tensor<3x1xf64>)
// CHECK: %[[N:.*]] = arith.constant 4.000000e+00 : f64
// CHECK-NEXT: arith.divf %{{.*}}, %[[N]] : f64
func.func @mean(%x: tensor<3x4xf64>) -> tensor<3x1xf64> {
  %0 = "graph.mean"(%x) {axes = array<i64: 1>, keepdims = true} : (tensor<3x4xf64>) -> tensor<3x1xf64>
  return %0 : tensor<3x1xf64>
}

// CHECK-LABEL: func.func @max(
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ALL]]], iterator_types = ["reduction", "reduction"]}
// CHECK: arith.maximumf
func.func @max(%x: tensor<3x4xf32>) -> tensor<f32> {
  %0 = "graph.max"(%x) {axes = array<i64: 0, 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @min(
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$COLS]]], iterator_types = ["reduction", "parallel"]}
// CHECK: arith.minimumf
func.func @min(%x: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = "graph.min"(%x) {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// m = max(x) (0 where not finite); log(sum(exp(x - m))) + m
// CHECK-LABEL: func.func @logsumexp(
// CHECK: arith.maximumf
// CHECK: math.absf
// CHECK: arith.cmpf one
// CHECK: arith.select
// CHECK: arith.subf
// CHECK: math.fma
// CHECK: iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf {{.*}} fastmath<reassoc> : f64
// CHECK: arith.truncf
// CHECK: arith.shrsi
// CHECK: arith.addf
func.func @logsumexp(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = "graph.logsumexp"(%x) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Reducing over no axes is the identity.
// CHECK-LABEL: func.func @no_axes(
// CHECK-NEXT: return %arg0 : tensor<3x4xf32>
func.func @no_axes(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = "graph.sum"(%x) {axes = array<i64>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
