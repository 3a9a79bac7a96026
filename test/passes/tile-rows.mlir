// tile-rows: a row-wise function (row statistics, elementwise work, reductions over rows) runs in one
// loop over blocks of rows: scf.forall over chunks of rows, scf.for over blocks of a chunk. Results
// with a row dimension are written into the chunk's rows; reductions over rows (column sums, full
// sums) accumulate per chunk and the chunks' partials are combined after the loop.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %symgrad-opt -p 'builtin.module(canonicalize,linalg-fold-unit-extent-dims,canonicalize,tile-rows{min-bytes=0 block-bytes=64},canonicalize)' | %FileCheck %s

// 64 rows, 8 floats per row: 2 rows (64 bytes) per block, 32 blocks, 16 chunks of 2 blocks.
// CHECK-LABEL: func.func @layer_norm_like(
// CHECK:       %[[R:.*]]:3 = scf.forall (%[[C:.*]]) in (16) shared_outs(%[[Y:.*]] = %{{.*}}, %[[P0:.*]] = %{{.*}}, %[[P1:.*]] = %{{.*}}) -> (tensor<64x8xf32>, tensor<16x8xf64>, tensor<16xf64>)
// CHECK:         %[[CHUNK:.*]] = tensor.extract_slice %[[Y]][%{{.*}}, 0] [4, 8] [1, 1]
// CHECK:         scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %[[CHUNK]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<4x8xf32>, tensor<8xf64>, tensor<f64>)
// CHECK:           tensor.extract_slice %arg0[%{{.*}}, 0] [2, 8] [1, 1] : tensor<64x8xf32> to tensor<2x8xf32>
// CHECK:           linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<2x8xf32>) outs(%{{.*}} : tensor<2xf64>)
// CHECK:           tensor.insert_slice %{{.*}} [2, 8] [1, 1] : tensor<2x8xf32> into tensor<4x8xf32>
// CHECK:           scf.yield
// CHECK:         scf.forall.in_parallel
// CHECK-NEXT:      tensor.parallel_insert_slice %{{.*}} into %[[Y]][%{{.*}}, 0] [4, 8] [1, 1] : tensor<4x8xf32> into tensor<64x8xf32>
// CHECK-NEXT:      tensor.parallel_insert_slice %{{.*}} into %[[P0]][%[[C]], 0] [1, 8] [1, 1] : tensor<8xf64> into tensor<16x8xf64>
// CHECK-NEXT:      tensor.parallel_insert_slice %{{.*}} into %[[P1]][%[[C]]] [1] [1] : tensor<f64> into tensor<16xf64>
// The 16 chunks' column sums and full sums, added in order from the original zeros.
// CHECK:       linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[R]]#1 : tensor<16x8xf64>) outs(%{{.*}} : tensor<8xf64>)
// CHECK:         arith.addf
// CHECK:       linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[R]]#2 : tensor<16xf64>) outs(%{{.*}} : tensor<f64>)
// CHECK:       return
func.func @layer_norm_like(%x: tensor<64x8xf32>, %g: tensor<8xf32>) -> (tensor<64x8xf32>, tensor<8xf32>, tensor<f32>) {
  %m = "graph.mean"(%x) {axes = array<i64: 1>, keepdims = true} : (tensor<64x8xf32>) -> tensor<64x1xf32>
  %c = "graph.sub"(%x, %m) : (tensor<64x8xf32>, tensor<64x1xf32>) -> tensor<64x8xf32>
  %y = "graph.mul"(%c, %g) : (tensor<64x8xf32>, tensor<8xf32>) -> tensor<64x8xf32>
  %colsum = "graph.sum"(%y) {axes = array<i64: 0>, keepdims = false} : (tensor<64x8xf32>) -> tensor<8xf32>
  %total = "graph.sum"(%c) {axes = array<i64: 0, 1>, keepdims = false} : (tensor<64x8xf32>) -> tensor<f32>
  return %y, %colsum, %total : tensor<64x8xf32>, tensor<8xf32>, tensor<f32>
}

// A maximum over rows starts from -inf and its chunks are combined with maximumf.
// CHECK-LABEL: func.func @column_max(
// CHECK:       scf.forall
// CHECK:       linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<16x8xf32>)
// CHECK:         arith.maximumf
func.func @column_max(%x: tensor<64x8xf32>) -> (tensor<8xf32>, tensor<64x8xf32>) {
  %e = "graph.exp"(%x) : (tensor<64x8xf32>) -> tensor<64x8xf32>
  %mx = "graph.max"(%e) {axes = array<i64: 0>, keepdims = false} : (tensor<64x8xf32>) -> tensor<8xf32>
  return %mx, %e : tensor<8xf32>, tensor<64x8xf32>
}

// A statistic over rows used again on every row (batch norm) needs all rows first: left alone.
// CHECK-LABEL: func.func @batch_norm_like(
// CHECK-NOT:   scf.forall
// CHECK:       return
func.func @batch_norm_like(%x: tensor<64x8xf32>) -> tensor<64x8xf32> {
  %m = "graph.mean"(%x) {axes = array<i64: 0>, keepdims = true} : (tensor<64x8xf32>) -> tensor<1x8xf32>
  %c = "graph.sub"(%x, %m) : (tensor<64x8xf32>, tensor<1x8xf32>) -> tensor<64x8xf32>
  %e = "graph.exp"(%c) : (tensor<64x8xf32>) -> tensor<64x8xf32>
  return %e : tensor<64x8xf32>
}

// Reading a row tensor along another dimension (a transpose) is not row-wise: left alone.
// CHECK-LABEL: func.func @transposed(
// CHECK-NOT:   scf.forall
// CHECK:       return
func.func @transposed(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<8x8xf32>) -> tensor<8x8xf32>
  %s = "graph.add"(%x, %t) : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %e = "graph.exp"(%s) : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %e : tensor<8x8xf32>
}

// A matmul is not an op tile-rows knows: left alone.
// CHECK-LABEL: func.func @with_matmul(
// CHECK-NOT:   scf.forall
// CHECK:       return
func.func @with_matmul(%x: tensor<64x8xf32>, %w: tensor<8x8xf32>) -> tensor<64x8xf32> {
  %y = "graph.matmul"(%x, %w) : (tensor<64x8xf32>, tensor<8x8xf32>) -> tensor<64x8xf32>
  %e = "graph.tanh"(%y) : (tensor<64x8xf32>) -> tensor<64x8xf32>
  return %e : tensor<64x8xf32>
}

// A generic that reads by position (a gather: linalg.index and tensor.extract of a whole row
// tensor in its body) would see block-local rows once cloned per block: left alone.
// CHECK-LABEL: func.func @with_gather(
// CHECK-NOT:   scf.forall
// CHECK:       return
func.func @with_gather(%x: tensor<64x8xf32>, %i: tensor<64x1xi32>) -> tensor<64x1xf32> {
  %e = "graph.exp"(%x) : (tensor<64x8xf32>) -> tensor<64x8xf32>
  %g = "graph.take_along_axis"(%e, %i) {axis = 1 : i64} : (tensor<64x8xf32>, tensor<64x1xi32>) -> tensor<64x1xf32>
  %t = "graph.tanh"(%g) : (tensor<64x1xf32>) -> tensor<64x1xf32>
  return %t : tensor<64x1xf32>
}

// Rank 1 (W1's elementwise loss): 256 elements in blocks of 16 (64 bytes), 16 chunks of one block.
// CHECK-LABEL: func.func @elementwise_1d(
// CHECK:       scf.forall (%{{.*}}) in (16) shared_outs(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<256xf32>, tensor<16xf64>)
// CHECK:         tensor.extract_slice %arg0[%{{.*}}] [16] [1] : tensor<256xf32> to tensor<16xf32>
func.func @elementwise_1d(%x: tensor<256xf32>, %w: tensor<256xf32>) -> (tensor<f32>, tensor<256xf32>) {
  %y = "graph.mul"(%x, %w) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
  %t = "graph.tanh"(%y) : (tensor<256xf32>) -> tensor<256xf32>
  %s = "graph.sum"(%t) {axes = array<i64: 0>, keepdims = false} : (tensor<256xf32>) -> tensor<f32>
  return %s, %t : tensor<f32>, tensor<256xf32>
}

// Small functions stay as they are by default (min-bytes).
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %symgrad-opt -p 'builtin.module(canonicalize,linalg-fold-unit-extent-dims,canonicalize,tile-rows,canonicalize)' | %FileCheck %s --check-prefix=SMALL
// SMALL-NOT: scf.forall

// A keepdims row statistic returned as [N, 1] (a capture of the Gradient contract's primal): the
// reshape that adds the unit dim runs per block too.
// CHECK-LABEL: func.func @returns_row_statistic(
// CHECK:       scf.forall (%{{.*}}) in (16) shared_outs({{.*}}) -> (tensor<64x1xf32>, tensor<64x8xf32>)
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
func.func @returns_row_statistic(%x: tensor<64x8xf32>) -> (tensor<64x1xf32>, tensor<64x8xf32>) {
  %m = "graph.mean"(%x) {axes = array<i64: 1>, keepdims = true} : (tensor<64x8xf32>) -> tensor<64x1xf32>
  %c = "graph.sub"(%x, %m) : (tensor<64x8xf32>, tensor<64x1xf32>) -> tensor<64x8xf32>
  %e = "graph.exp"(%c) : (tensor<64x8xf32>) -> tensor<64x8xf32>
  return %m, %e : tensor<64x1xf32>, tensor<64x8xf32>
}

// Reshapes to and from rank 0 (a scalar kept as [1, 1]) do not touch the rows.
// CHECK-LABEL: func.func @rank0_reshapes(
// CHECK:       scf.forall
func.func @rank0_reshapes(%x: tensor<64x8xf32>, %s: tensor<1x1xf32>) -> tensor<64x8xf32> {
  %r = "graph.reshape"(%s) {shape = array<i64>} : (tensor<1x1xf32>) -> tensor<f32>
  %t = "graph.mul"(%x, %r) : (tensor<64x8xf32>, tensor<f32>) -> tensor<64x8xf32>
  %e = "graph.exp"(%t) : (tensor<64x8xf32>) -> tensor<64x8xf32>
  return %e : tensor<64x8xf32>
}
