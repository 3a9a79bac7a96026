// symgrad-fuzz regression: replayed by test/python/fuzz/test_regressions.py
// seed: 2
// hvp: false
// runner: interpret
// fixed, was: ValueError: DenseElementsAttr could not be constructed from the given buffer. This may mean that the Python buffer layout does not match that MLIR expected layout and is a bug.
// input 0: [0.5, -1.25]
func.func @f(%arg0: tensor<2xf64>) -> (tensor<2xf64>) {
  %0 = "graph.constant"() {value = dense<[true, false]> : tensor<2xi1>} : () -> tensor<2xi1>
  %1 = "graph.neg"(%arg0) : (tensor<2xf64>) -> tensor<2xf64>
  %2 = "graph.select"(%0, %arg0, %1) : (tensor<2xi1>, tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  return %2 : tensor<2xf64>
}
