// partition-reductions on tensors: big reductions whose first loop is a reduction, cut into parts.
// RUN: %symgrad-opt %s -p 'builtin.module(convert-graph-to-linalg,canonicalize,partition-reductions)' | %FileCheck %s --check-prefix=PART
// RUN: %symgrad-opt %s -p 'builtin.module(convert-graph-to-linalg,canonicalize,partition-reductions{chunks=8})' | %FileCheck %s --check-prefix=EIGHT

// partition-reductions (before bufferization, in the sequential pipeline too) cuts a big op whose
// first loop is a reduction into 16 parts over blocks of rows, a number fixed at compile time, so the
// order of every sum is the same on any number of threads. A column sum: upstream split_reduction,
// the parts first (a contiguous row of partial sums each), then a sum of the 16 rows in order. A full
// sum over two dimensions: upstream tile_reduction_using_forall, 16 partial sums then added in order.
// PART-LABEL: func.func @column_sum(
// PART: tensor.expand_shape %arg0 {{\[\[}}0, 1], [2]] output_shape [16, 32, 512]
// PART: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} {{.*}} outs(%{{.*}} : tensor<16x512xf64>)
// PART: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<16x512xf64>)
// PART-LABEL: func.func @full_sum(
// PART: scf.forall (%{{.*}}) in (16) shared_outs(%{{.*}}) -> (tensor<16xf64>)
// PART: tensor.extract_slice %arg0[%{{.*}}, 0] [32, 512] [1, 1]
// PART: linalg.reduce
// PART-LABEL: func.func @small(
// PART-NOT: scf.forall

// The number of parts is an option (default parallelism.CHUNKS = 16).
// EIGHT-LABEL: func.func @column_sum(
// EIGHT: tensor.expand_shape %arg0 {{\[\[}}0, 1], [2]] output_shape [8, 64, 512]
// EIGHT-LABEL: func.func @full_sum(
// EIGHT: scf.forall (%{{.*}}) in (8) shared_outs(%{{.*}}) -> (tensor<8xf64>)

func.func @column_sum(%x: tensor<512x512xf32>) -> tensor<512xf32> {
  %0 = "graph.sum"(%x) {axes = array<i64: 0>, keepdims = false} : (tensor<512x512xf32>) -> tensor<512xf32>
  return %0 : tensor<512xf32>
}

func.func @full_sum(%x: tensor<512x512xf32>) -> tensor<f32> {
  %0 = "graph.sum"(%x) {axes = array<i64: 0, 1>, keepdims = false} : (tensor<512x512xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @small(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = "graph.tanh"(%x) : (tensor<8x16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}
