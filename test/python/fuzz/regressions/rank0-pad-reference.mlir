// symgrad-fuzz regression: replayed by test/python/fuzz/test_regressions.py
// seed: 1
// hvp: false
// runner: interpret
// fixed, was: TypeError: 'numpy.float64' object does not support item assignment
// input 0: 0.5
module {
  func.func @f(%arg0: tensor<f64>) -> tensor<f64> {
    %0 = "graph.slice"(%arg0) {start = array<i64>, step = array<i64>, stop = array<i64>} : (tensor<f64>) -> tensor<f64>
    return %0 : tensor<f64>
  }
}
