// graph-verify: the registry's shape and dtype rules as a pass (symgrad-opt also runs them on its
// input and output unless --no-verify, so this input gets past the driver only with it).
// RUN: %symgrad-opt --no-verify --graph-verify --split-input-file --verify-diagnostics %s | %FileCheck %s

// CHECK-LABEL: func.func @fine(
func.func @fine(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.exp"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @wrong_shape(%x: tensor<2xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.exp' op result type}}
  %0 = "graph.exp"(%x) : (tensor<2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
