// A pipeline that stops half way through the lowering prints its IR: the functions the lowering
// itself adds (symgrad_matmul_*, a reserved name in the user's input) are not refused afterwards.
// RUN: %symgrad-opt %s -p 'builtin.module(convert-graph-to-linalg)' | %FileCheck %s

// CHECK-LABEL: func.func @f(
// CHECK: call @symgrad_matmul_f32_4x8_8x2_4x2(
// CHECK-LABEL: func.func private @symgrad_matmul_f32_4x8_8x2_4x2(
func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x2xf32> {
  %0 = "graph.matmul"(%a, %b) : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
