// --emit=llvm-ir prints LLVM IR text, lowering a graph module with graph-to-llvm first; IR
// outside what sg.compile accepts is a located error, never a crash of the translator
// (LLVM-dialect input: emit-llvm-ir-foreign.mlir).
// RUN: %symgrad-opt --emit=llvm-ir %s --split-input-file --verify-diagnostics | %FileCheck %s
// RUN: %symgrad-opt --graph-to-llvm --emit llvm-ir %s --split-input-file --verify-diagnostics | %FileCheck %s

// CHECK: define internal void @f(ptr
// CHECK: fadd float
// CHECK: define void @_mlir_ciface_f(ptr
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.add"(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Only what sg.compile accepts is lowered (graph-check-compilable.mlir has every case).
func.func @unaccepted(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'arith.constant' op is not accepted by sg.compile}}
  %c = arith.constant 1.0 : f32
  %v = vector.broadcast %c : f32 to vector<4xf32>
  vector.print %v : vector<4xf32>
  return %x : tensor<4xf32>
}
