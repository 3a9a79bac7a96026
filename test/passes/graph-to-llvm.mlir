// The graph-to-llvm pipeline on a small function. Stage by stage: the elementwise chain and the
// row sum fuse into ONE linalg.generic; then everything is LLVM dialect, results are
// caller-allocated out-parameters (no heap allocation: the runtime allocates outputs with numpy; the f64
// accumulator of the float32 sum is on the stack), the C interface wrapper calls the packed entry,
// which calls the (always-inline) kernel, tanh and log1p are arithmetic (no libm call, so the loop
// vectorizes), the sum adds reassociably in f64, and the strided copy of the returned slice is
// plain loops (never MLIR's memrefCopy runtime function).
// RUN: %symgrad-opt %s -p 'builtin.module(convert-graph-to-linalg,func.func(linalg-fuse-elementwise-ops),canonicalize,cse)' | %FileCheck %s --check-prefix=FUSED
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s --check-prefix=LLVM
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s --check-prefix=NEG

// FUSED-LABEL: func.func @f(
// FUSED: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<4xf32>)
// FUSED-NEXT: ^bb0
// FUSED-NEXT: arith.mulf
// FUSED: math.copysign
// FUSED: arith.shrsi
// FUSED: arith.extf %{{.*}} : f32 to f64
// FUSED-NEXT: arith.addf %{{.*}} fastmath<reassoc> : f64
// FUSED-NEXT: linalg.yield
// FUSED: arith.truncf
// FUSED: tensor.extract_slice %arg0[0, 0] [2, 4] [2, 1]
// FUSED-NOT: linalg.generic

// LLVM-LABEL: llvm.func internal @f(
// LLVM-SAME: attributes {always_inline, llvm.emit_c_interface}
// LLVM: llvm.alloca {{.*}} x f64
// LLVM: llvm.fmul
// LLVM: llvm.intr.fma
// LLVM: llvm.fadd {{.*}} {fastmathFlags = #llvm.fastmath<reassoc>} : f64
// LLVM: llvm.return{{$}}
// LLVM-LABEL: llvm.func @_mlir_ciface_f(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// LLVM: llvm.call @symgrad_packed_f(
// LLVM: llvm.return{{$}}
// LLVM-LABEL: llvm.func @symgrad_packed_f(%{{.*}}: !llvm.ptr)
// LLVM: llvm.call @f(
// LLVM: llvm.return{{$}}

// NEG-NOT: {{malloc|_mlir_memref_to_llvm_}}
// NEG-NOT: {{llvm.intr.tanh|@log1pf}}
// NEG-NOT: memrefCopy
// NEG-NOT: func.func
// NEG-NOT: memref.
// NEG-NOT: linalg.
// NEG-NOT: graph.

func.func @f(%x: tensor<3x4xf32>, %b: tensor<4xf32>) -> (tensor<3xf32>, tensor<2x4xf32>) {
  %0 = "graph.mul"(%x, %b) : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %1 = "graph.tanh"(%0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %2 = "graph.log1p"(%1) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %3 = "graph.sum"(%2) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  %4 = "graph.slice"(%x) {start = array<i64: 0, 0>, stop = array<i64: 3, 4>, step = array<i64: 2, 1>} : (tensor<3x4xf32>) -> tensor<2x4xf32>
  return %3, %4 : tensor<3xf32>, tensor<2x4xf32>
}
