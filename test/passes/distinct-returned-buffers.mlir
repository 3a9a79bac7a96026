// A buffer returned twice gets a fresh allocation per extra use before buffer-results-to-out-params,
// which would otherwise hoist one allocation into two out-parameters and crash (found by the fuzzer).
// RUN: %symgrad-opt -p 'builtin.module(convert-graph-to-linalg,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},distinct-returned-buffers)' %s | %FileCheck %s
// RUN: %symgrad-opt --graph-to-llvm %s | %FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @twice(
// CHECK: %[[Y:.*]] = memref.alloc() {{.*}}: memref<2xf64>
// CHECK: %[[COPY:.*]] = memref.alloc() : memref<2xf64>
// CHECK: memref.copy %[[Y]], %[[COPY]]
// CHECK: %[[ACOPY:.*]] = memref.alloc() : memref<2xf64>
// CHECK: memref.copy %arg0, %[[ACOPY]]
// CHECK: return %[[Y]], %[[COPY]], %arg0, %[[ACOPY]]
// LLVM: llvm.func internal @twice(
func.func @twice(%x: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %0 = "graph.add"(%x, %x) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  return %0, %0, %x, %x : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>, tensor<2xf64>
}
