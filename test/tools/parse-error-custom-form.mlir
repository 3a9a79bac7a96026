// A graph op in custom form makes MLIR's parser fail without any diagnostic (IRDL dialects have
// only the generic form): the error is located at the op and says how to write it.
// RUN: not %symgrad-opt %s 2>&1 | %FileCheck %s --implicit-check-not=Traceback
// RUN: %symgrad-opt %s --verify-diagnostics

func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  // CHECK: parse-error-custom-form.mlir:[[@LINE+1]]:8: error: custom op 'graph.exp' cannot be parsed: graph ops are written in MLIR's generic form, e.g. %y = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %0 = graph.exp %x : tensor<3xf32>  // expected-error {{custom op 'graph.exp' cannot be parsed: graph ops are written in MLIR's generic form}}
  return %0 : tensor<3xf32>
}
