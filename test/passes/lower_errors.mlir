// graph-to-llvm refuses to hand anything but LLVM-dialect ops to the translator (which would
// crash the process): an op no pass lowers is an error at its location, naming it.
// RUN: %symgrad-opt --graph-to-llvm --split-input-file --verify-diagnostics %s

func.func @unlowered(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant 1.0 : f32
  %v = vector.broadcast %c : f32 to vector<4xf32>
  // expected-error@+1 {{'vector.print' was not lowered to the LLVM dialect}}
  vector.print %v : vector<4xf32>
  return %x : tensor<4xf32>
}

// -----

// The graph verifier runs before lowering: an ill-typed graph op never reaches a lowering rule.
func.func @ill_typed(%x: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.sum' op result type tensor<4xf32> does not match the type tensor<3xf32>}}
  %0 = "graph.sum"(%x) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
