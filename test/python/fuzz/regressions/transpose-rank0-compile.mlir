// symgrad-fuzz regression: replayed by test/python/fuzz/test_regressions.py
// seed: 4
// hvp: false
// runner: compiled
// failure: process aborted (SIGABRT): AffineMap.cpp:262: AffineMap::getPermutationMap: Assertion `!permutation.empty() && "Cannot create permutation map from empty permutation vector"' failed.
// input 0: 0.5
module {
  func.func @f(%arg0: tensor<f64>) -> tensor<f64> {
    %0 = "graph.transpose"(%arg0) {perm = array<i64>} : (tensor<f64>) -> tensor<f64>
    return %0 : tensor<f64>
  }
}
