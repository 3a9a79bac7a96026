// graph-to-llvm allocates a kernel's temporaries through MLIR's generic allocation functions, which
// symgrad's caching pool provides (runtime/pool.py): the matmul result below (16 KiB, too big for the
// stack) comes from _mlir_memref_to_llvm_aligned_alloc(alignment, exact size) and goes back through
// _mlir_memref_to_llvm_free, never through malloc/free, which would map and unmap large blocks on
// every call. The aligned form passes the exact byte count (4096 f32), so a tensor's size class fits it.
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s --check-prefix=NEG

// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
// CHECK-LABEL: llvm.func internal @f(
// CHECK: %[[N:.*]] = llvm.mlir.constant(4096 : index) : i64
// CHECK: %[[END:.*]] = llvm.getelementptr %{{.*}}[%[[N]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[SIZE:.*]] = llvm.ptrtoint %[[END]] : !llvm.ptr to i64
// CHECK: %[[ALIGN:.*]] = llvm.mlir.constant(64 : index) : i64
// CHECK: %[[P:.*]] = llvm.call @_mlir_memref_to_llvm_aligned_alloc(%[[ALIGN]], %[[SIZE]]) : (i64, i64) -> !llvm.ptr
// CHECK: llvm.call @symgrad_matmul_f32_64x64_64x64_64x64(
// CHECK: llvm.call @_mlir_memref_to_llvm_free(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK: llvm.return

// NEG-NOT: malloc
// NEG-NOT: @free
// NEG-NOT: @aligned_alloc

func.func @f(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64xf32> {
  %0 = "graph.matmul"(%x, %w) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = "graph.tanh"(%0) : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = "graph.sum"(%1) {axes = array<i64: 1>, keepdims = false} : (tensor<64x64xf32>) -> tensor<64xf32>
  return %2 : tensor<64xf32>
}
