// outline-tensor-regions in the whole pipeline: the kernel's loop nests (the three tanh, one the
// same function of its argument; the row sum with its stack accumulator) reach LLVM as private
// noinline functions the kernel calls, each distinct one defined once; @small stays whole.
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s

// CHECK-LABEL: llvm.func internal @f(
// CHECK-COUNT-3: llvm.call @f.region0(
// CHECK: llvm.call @f.region1(
// CHECK: llvm.call @f.region2(
// CHECK-LABEL: llvm.func internal @small(
// CHECK-NOT: llvm.call @f.region
// CHECK: llvm.func @f.region0(
// CHECK-SAME: attributes {passthrough = ["noinline"], sym_visibility = "private"}
// CHECK: llvm.func @f.region1(
// CHECK: llvm.func @f.region2(
// CHECK-NOT: llvm.func @f.region3(

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
