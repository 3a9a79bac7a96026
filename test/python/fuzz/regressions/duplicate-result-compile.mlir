// symgrad-fuzz regression: replayed by test/python/fuzz/test_regressions.py
// seed: 5
// hvp: false
// runner: compiled
// xfail: sg.compile crashes the process (SIGSEGV, or an llvm::cast<MemRefType> assertion) when a function returns one computed tensor twice, directly (`return %1, %1`) or after folding/CSE (identity reductions with axes=[], sum_to_size/broadcast_to/reshape to the same shape, two equal ops, or a primal that returns y and captures y's operand when y folds to it): buffer-results-to-out-params{hoist-static-allocs} hoists the same memref.alloc twice
// failure: process killed by SIGSEGV in buffer-results-to-out-params{hoist-static-allocs} (symgrad-opt --graph-to-llvm crashes the same way); rank-0 variants abort on llvm::cast<MemRefType>
// input 0: [0.5, -1.25]
module {
  func.func @f(%arg0: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {
    %0 = "graph.exp"(%arg0) : (tensor<2xf64>) -> tensor<2xf64>
    return %0, %0 : tensor<2xf64>, tensor<2xf64>
  }
}
