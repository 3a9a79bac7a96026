// symgrad-fuzz regression: replayed by test/python/fuzz/test_regressions.py
// seed: 3
// hvp: false
// runner: interpret
// xfail: graph.sum_to_size accepts an i1 operand (its infer has no float check) but its reference sums booleans to int64, so the interpreter rejects the result type; the verifier accepts IR that cannot run
// failure: InterpreterError: /work/main/test/python/fuzz/graphgen.py:110:29: the reference of 'graph.sum_to_size' returned int64[1] but the op's type is tensor<1xi1>
// input 0: [0.5, -1.25]
module {
  func.func @f(%arg0: tensor<2xf64>) -> tensor<1xi1> {
    %0 = "graph.gt"(%arg0, %arg0) : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xi1>
    %1 = "graph.sum_to_size"(%0) {shape = array<i64: 1>} : (tensor<2xi1>) -> tensor<1xi1>
    return %1 : tensor<1xi1>
  }
}
