// --emit=llvm-ir prints LLVM IR text, lowering with graph-to-llvm first when needed;
// an op that does not lower is a located error, never a crash of the translator.
// RUN: %symgrad-opt --emit=llvm-ir %s --split-input-file --verify-diagnostics | %FileCheck %s
// RUN: %symgrad-opt --graph-to-llvm --emit llvm-ir %s --split-input-file --verify-diagnostics | %FileCheck %s

// CHECK: define void @f(ptr
// CHECK: fadd float
// CHECK: define void @_mlir_ciface_f(ptr
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.add"(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @unlowered(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant 1.0 : f32
  %v = vector.broadcast %c : f32 to vector<4xf32>
  // expected-error@+1 {{'vector.print' was not lowered to the LLVM dialect}}
  vector.print %v : vector<4xf32>
  return %x : tensor<4xf32>
}
