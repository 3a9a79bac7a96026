// symgrad-fuzz regression: replayed by test/python/fuzz/test_regressions.py
// seed: 0
// hvp: false
// runner: interpret
// fixed in the oracle (graphchecks.fd_gradient_checked), was: AssertionError: gradient of argument 0: 1 of 1 elements differ from finite differences; first at (): symbolic np.float64(0.0) vs numeric np.float64(0.17279209603519396)
// stop_gradient(x) equals x at the point, so the oracle's function (stop_gradient held constant) has a kink
// there: x' for x' < x, x beyond. Central differences centred on it give the mean slope, 0.5, at every step
// size; the symbolic gradient takes the branch the point itself takes (0). %arg1 keeps the graph checkable.
// input 0: 0.5478467492858172
// input 1: -0.9208531449445188
module {
  func.func @f(%arg0: tensor<f64>, %arg1: tensor<f64>) -> tensor<f64> {
    %0 = "graph.stop_gradient"(%arg0) : (tensor<f64>) -> tensor<f64>
    %1 = "graph.gt"(%0, %arg0) : (tensor<f64>, tensor<f64>) -> tensor<i1>
    %2 = "graph.select"(%1, %arg0, %0) : (tensor<i1>, tensor<f64>, tensor<f64>) -> tensor<f64>
    return %2 : tensor<f64>
  }
}
