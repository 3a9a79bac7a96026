// A parse error is reported at its line and column in the file as named on the command line, with
// the source line and a caret, like mlir-opt; --verify-diagnostics can expect it.
// RUN: not %symgrad-opt %s 2>&1 | %FileCheck %s --implicit-check-not=Traceback
// RUN: %symgrad-opt %s --verify-diagnostics
// RUN: not %symgrad-opt < %s 2>&1 | %FileCheck %s --check-prefix=STDIN

func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  // CHECK: {{^}}{{.*}}parse-error.mlir:[[@LINE+4]]:20: error: use of undeclared SSA value name
  // CHECK-NEXT: {{^}}  %0 = "graph.exp"(%y) : (tensor<3xf32>) -> tensor<3xf32>
  // CHECK-NEXT: {{^                   \^$}}
  // STDIN: {{^}}<stdin>:[[@LINE+1]]:20: error: use of undeclared SSA value name
  %0 = "graph.exp"(%y) : (tensor<3xf32>) -> tensor<3xf32>  // expected-error {{use of undeclared SSA value name}}
  return %0 : tensor<3xf32>
}
