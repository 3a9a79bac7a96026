// graph-to-llvm takes graph functions only and checks them before any lowering runs.
// RUN: %symgrad-opt --graph-to-llvm --split-input-file --verify-diagnostics %s

// IR outside what sg.compile accepts never reaches a lowering (graph-check-compilable.mlir).
func.func @unlowered(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'arith.constant' op is not accepted by sg.compile}}
  %c = arith.constant 1.0 : f32
  %v = vector.broadcast %c : f32 to vector<4xf32>
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
