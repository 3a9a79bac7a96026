// --mlir-timing prints MLIR's execution time report on stderr once the pipeline has run, our
// passes listed by name among the upstream ones, as mlir-opt --mlir-timing does; stdout keeps the IR.
// RUN: %symgrad-opt %s --graph-verify --cse --mlir-timing 2>&1 >/dev/null | %FileCheck %s
// RUN: %symgrad-opt %s --graph-verify --cse --mlir-timing 2>/dev/null | %FileCheck %s --check-prefix=IR

// CHECK: Execution time report
// CHECK: Total Execution Time:
// CHECK: graph-verify
// CHECK-NEXT: CSE
// CHECK: Total
// IR: func.func @f(
// IR: graph.exp
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %y = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
