// Diagnostics of graph-differentiate, each at the op (or function) it concerns.
// RUN: %symgrad-opt --graph-differentiate --split-input-file --verify-diagnostics %s

func.func @foreign_op_on_the_path(%x: tensor<2xf32> {graph.requires_grad}) -> tensor<2xf32> {
  // expected-error@+1 {{'arith.addf' op is not differentiable (it is not a graph op, so symgrad has no gradient rule for it), but its operand #0 requires grad in @foreign_op_on_the_path}}
  %0 = arith.addf %x, %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @two_bad_ops(%x: tensor<2xf32> {graph.requires_grad}) -> tensor<2xf32> {
  %0 = "graph.exp"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  // expected-error@+1 {{'arith.mulf' op is not differentiable}}
  %1 = arith.mulf %x, %x : tensor<2xf32>
  // expected-error@+1 {{'arith.subf' op is not differentiable (it is not a graph op, so symgrad has no gradient rule for it), but its operand #1 requires grad}}
  %2 = arith.subf %1, %0 : tensor<2xf32>
  return %2 : tensor<2xf32>
}

// -----

func.func private @callee(tensor<2xf32>) -> tensor<2xf32>

func.func @call_on_the_path(%x: tensor<2xf32> {graph.requires_grad}) -> tensor<2xf32> {
  // expected-error@+1 {{'func.call' op is not differentiable}}
  %0 = func.call @callee(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Foreign ops off the gradient path and comparisons on it are fine.
func.func @fine(%x: tensor<2xf32> {graph.requires_grad}, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xi1>) {
  %0 = arith.addf %y, %y : tensor<2xf32>
  %1 = "graph.gt"(%x, %0) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  %2 = "graph.select"(%1, %x, %0) : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %2, %1 : tensor<2xf32>, tensor<2xi1>
}
