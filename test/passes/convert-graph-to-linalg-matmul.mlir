// convert-graph-to-linalg on graph.matmul. With numpy's BLAS (the default): a call to a private
// function per shape that takes the operands as tensors (bufferization makes them contiguous
// buffers) and the address of the result buffer, allocated by the caller so that a returned result is
// the kernel's out-parameter; the function calls cblas ?gemm, single-threaded. Without BLAS
// (SYMGRAD_BLAS=off): a contracting linalg.generic over (batch..., m, k, n), n innermost.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s
// RUN: env SYMGRAD_BLAS=off %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s --check-prefix=LOOPS

// CHECK-DAG: llvm.func @symgrad_cblas_sgemm(i32, i32, i32, i64, i64, i64, f32, !llvm.ptr, i64, !llvm.ptr, i64, f32, !llvm.ptr, i64)
// CHECK-DAG: llvm.func @symgrad_cblas_dgemm(i32, i32, i32, i64, i64, i64, f64,
// CHECK-DAG: llvm.func @symgrad_cblas_sgemm_batch_strided(i32, i32, i32, i64, i64, i64, f32, !llvm.ptr, i64, i64, !llvm.ptr, i64, i64, f32, !llvm.ptr, i64, i64, i64)
// CHECK-NOT: graph.
// LOOPS-NOT: llvm.func
// LOOPS-DAG: #[[$LHS:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3)>
// LOOPS-DAG: #[[$RHS:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// LOOPS-DAG: #[[$OUT:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// LOOPS-DAG: #[[$MK:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// LOOPS-DAG: #[[$KN:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// LOOPS-DAG: #[[$MN:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d2)>

// CHECK-LABEL: func.func @matmul(
// CHECK: %[[BUF:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x5xf32>
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[BUF]]
// CHECK: call @symgrad_matmul_f32_3x4_4x5_3x5(%arg0, %arg1, %[[P]]) : (tensor<3x4xf32>, tensor<4x5xf32>, index) -> ()
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[BUF]] restrict writable : memref<3x5xf32> to tensor<3x5xf32>
// CHECK: return %[[R]]
// LOOPS-LABEL: func.func @matmul(
// LOOPS: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x5xf32>)
// LOOPS: linalg.generic {indexing_maps = [#[[$MK]], #[[$KN]], #[[$MN]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[Z]] : tensor<3x5xf32>)
// LOOPS: %[[P:.*]] = arith.mulf
// LOOPS-NEXT: arith.addf %{{.*}}, %[[P]] : f32
func.func @matmul(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = "graph.matmul"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// The adjoint's a^T @ g: the transpose's operand is passed as it is, with the BLAS transpose flag
// (112); above 100^3 multiply-adds the strided-batch interface with one matrix.
// CHECK-LABEL: func.func @transposed_lhs(
// CHECK: call @symgrad_matmul_f32_256x784t_256x512_784x512(%arg0, %arg1, %{{.*}}) : (tensor<256x784xf32>, tensor<256x512xf32>, index) -> ()
func.func @transposed_lhs(%a: tensor<256x784xf32>, %b: tensor<256x512xf32>) -> tensor<784x512xf32> {
  %t = "graph.transpose"(%a) {perm = array<i64: 1, 0>} : (tensor<256x784xf32>) -> tensor<784x256xf32>
  %0 = "graph.matmul"(%t, %b) : (tensor<784x256xf32>, tensor<256x512xf32>) -> tensor<784x512xf32>
  return %0 : tensor<784x512xf32>
}

// Batch dims broadcast: a loop per batch dim of the result, stride 0 into the broadcast operand.
// CHECK-LABEL: func.func @batch_matmul(
// CHECK: call @symgrad_matmul_f64_2x1x3x4_5x4x2_2x5x3x2(%arg0, %arg1, %{{.*}})
// LOOPS-LABEL: func.func @batch_matmul(
// LOOPS: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2], [3]] : tensor<2x1x3x4xf64> into tensor<2x3x4xf64>
// LOOPS: linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[A]], %arg1 : tensor<2x3x4xf64>, tensor<5x4x2xf64>)
func.func @batch_matmul(%a: tensor<2x1x3x4xf64>, %b: tensor<5x4x2xf64>) -> tensor<2x5x3x2xf64> {
  %0 = "graph.matmul"(%a, %b) : (tensor<2x1x3x4xf64>, tensor<5x4x2xf64>) -> tensor<2x5x3x2xf64>
  return %0 : tensor<2x5x3x2xf64>
}

// No products at all when K is 0: zeros.
// CHECK-LABEL: func.func @empty_contraction(
// CHECK-NOT: call
// CHECK: linalg.fill
func.func @empty_contraction(%a: tensor<3x0xf32>, %b: tensor<0x5xf32>) -> tensor<3x5xf32> {
  %0 = "graph.matmul"(%a, %b) : (tensor<3x0xf32>, tensor<0x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func private @symgrad_matmul_f32_3x4_4x5_3x5(
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32> {{.*}}, %[[Y:.*]]: tensor<4x5xf32> {{.*}}, %[[OUT:.*]]: index
// CHECK: bufferization.to_buffer %[[X]] read_only : tensor<3x4xf32> to memref<3x4xf32>
// CHECK: bufferization.to_buffer %[[Y]] read_only : tensor<4x5xf32> to memref<4x5xf32>
// CHECK: llvm.call @symgrad_cblas_sgemm(
// CHECK-NOT: scf.for
// CHECK: return

// CHECK-LABEL: func.func private @symgrad_matmul_f32_256x784t_256x512_784x512(
// CHECK-DAG: %[[TA:.*]] = arith.constant 112 : i32
// CHECK-DAG: %[[TB:.*]] = arith.constant 111 : i32
// CHECK: llvm.call @symgrad_cblas_sgemm_batch_strided(%{{.*}}, %[[TA]], %[[TB]],

// CHECK-LABEL: func.func private @symgrad_matmul_f64_2x1x3x4_5x4x2_2x5x3x2(
// CHECK: scf.for
// CHECK: scf.for
// CHECK: llvm.call @symgrad_cblas_dgemm(
