// symgrad-fuzz regression: replayed by test/python/fuzz/test_regressions.py
// seed: 5
// hvp: false
// runner: compiled
// fixed, was: process killed by SIGSEGV in buffer-results-to-out-params{hoist-static-allocs} (symgrad-opt --graph-to-llvm crashes the same way); rank-0 variants abort on llvm::cast<MemRefType>
// input 0: [0.5, -1.25]
module {
  func.func @f(%arg0: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {
    %0 = "graph.exp"(%arg0) : (tensor<2xf64>) -> tensor<2xf64>
    return %0, %0 : tensor<2xf64>, tensor<2xf64>
  }
}
