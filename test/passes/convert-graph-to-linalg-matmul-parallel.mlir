// A big graph.matmul (>= 2^22 multiply-adds) is split by rows into at most 4 blocks of whole
// multiples of 16 rows, a number fixed at compile time: an scf.parallel over the blocks, one
// single-threaded GEMM call each, marked with its work in multiply-adds (symgrad.work), which
// serialize-small-parallel-loops uses instead of counting loops (the body has none), so the loop
// reaches async-parallel-for. A small product stays one call (unmarked loops are counted:
// serialize-small-parallel-loops.mlir).
// RUN: %symgrad-opt %s --convert-graph-to-linalg | %FileCheck %s
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s --check-prefix=LLVM

// op(lhs) is the stored [256, 784] matrix transposed: 784 rows in 4 blocks of 208 (the last has
// 160: its own branch); block i starts at element 208*i of the stored matrix (lda unchanged) and
// at row 208*i of the result.
// CHECK-LABEL: func.func private @symgrad_matmul_f32_256x784t_256x512_784x512(
// CHECK: scf.parallel (%[[I:.*]]) = (%c0) to (%c4) step (%c1) {
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: %[[ROW0:.*]] = arith.muli %[[I64]], %{{.*}} : i64
// CHECK: arith.minsi
// CHECK: llvm.call @symgrad_cblas_sgemm_batch_strided(
// CHECK: } {symgrad.work = 102760448 : i64}
// CHECK-LABEL: func.func private @symgrad_matmul_f32_8x5_5x3_8x3(
// CHECK-NOT: scf.parallel
// CHECK: llvm.call @symgrad_cblas_sgemm(
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @big(%a: tensor<256x784xf32>, %b: tensor<256x512xf32>) -> tensor<784x512xf32> {
  %t = "graph.transpose"(%a) {perm = array<i64: 1, 0>} : (tensor<256x784xf32>) -> tensor<784x256xf32>
  %0 = "graph.matmul"(%t, %b) : (tensor<784x256xf32>, tensor<256x512xf32>) -> tensor<784x512xf32>
  return %0 : tensor<784x512xf32>
}

func.func @small(%a: tensor<8x5xf32>, %b: tensor<5x3xf32>) -> tensor<8x3xf32> {
  %0 = "graph.matmul"(%a, %b) : (tensor<8x5xf32>, tensor<5x3xf32>) -> tensor<8x3xf32>
  return %0 : tensor<8x3xf32>
}

// Through the whole multi-core pipeline the blocks become tasks of the async runtime.
// LLVM: llvm.call @mlirAsyncRuntime
// LLVM: llvm.call @symgrad_cblas_sgemm_batch_strided(
