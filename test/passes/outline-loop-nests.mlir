// outline-loop-nests: each loop nest of a kernel with at least min-nests (4) of them becomes a private
// noinline function, and nests whose IR is the same are one function called several times. The
// heap buffers stay in the kernel (allocated before the call that writes them); a stack accumulator
// moves into the function with the loops that fill, update and read it. @small (one nest) stays whole.
// RUN: %symgrad-opt %s -p 'builtin.module(convert-graph-to-linalg,func.func(linalg-fuse-elementwise-ops),canonicalize,cse,untie-empty-tensors,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},buffer-results-to-out-params{hoist-static-allocs modify-public-functions},func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4096}),convert-linalg-to-loops,outline-loop-nests)' | %FileCheck %s
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @f(
// CHECK: memref.alloc()
// CHECK: call @f.loops0(%arg0, %alloc
// CHECK: call @symgrad_matmul_
// CHECK: call @f.loops0(
// CHECK: call @symgrad_matmul_
// CHECK: call @f.loops0(
// CHECK: call @symgrad_matmul_
// CHECK: call @f.loops3(
// CHECK-NOT: scf.for
// CHECK: return
// CHECK-LABEL: func.func @small(
// CHECK-NOT: call
// CHECK: scf.for
// CHECK: return
// CHECK-LABEL: func.func private @f.loops0(%arg0: memref<32x64xf32>, %arg1: memref<32x64xf32>) attributes {passthrough = ["noinline"]}
// CHECK: scf.for
// CHECK: math.copysign
// CHECK-NOT: func.func private @f.loops1
// CHECK-NOT: func.func private @f.loops2
// CHECK-LABEL: func.func private @f.loops3(%arg0: memref<32x64xf32>, %arg1: memref<32xf32>)
// CHECK-NEXT: arith.constant
// CHECK: memref.alloca() {{.*}} : memref<32xf64>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %arg1
// CHECK: return

// LLVM-LABEL: llvm.func internal @f(
// LLVM: llvm.call @f.loops0(
// LLVM: llvm.call @f.loops3(
// LLVM-LABEL: llvm.func @f.loops0(
// LLVM-SAME: attributes {llvm.bareptr, passthrough = ["noinline"], sym_visibility = "private"}
// LLVM-LABEL: llvm.func @f.loops3(

func.func @f(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>) -> (tensor<32x64xf32>, tensor<32xf32>) {
  %0 = "graph.tanh"(%x) : (tensor<32x64xf32>) -> tensor<32x64xf32>
  %1 = "graph.matmul"(%0, %w) : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %2 = "graph.tanh"(%1) : (tensor<32x64xf32>) -> tensor<32x64xf32>
  %3 = "graph.matmul"(%2, %w) : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %4 = "graph.tanh"(%3) : (tensor<32x64xf32>) -> tensor<32x64xf32>
  %5 = "graph.matmul"(%4, %w) : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %6 = "graph.tanh"(%5) : (tensor<32x64xf32>) -> tensor<32x64xf32>
  %7 = "graph.sum"(%6) {axes = array<i64: 1>, keepdims = false} : (tensor<32x64xf32>) -> tensor<32xf32>
  return %2, %7 : tensor<32x64xf32>, tensor<32xf32>
}

func.func @small(%x: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %0 = "graph.tanh"(%x) : (tensor<32x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}
