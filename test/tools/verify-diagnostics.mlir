// --verify-diagnostics fails (exit 1) when an expected diagnostic is missing, when a diagnostic is
// not expected, or when its severity differs, and says which, MLIR-style.
// RUN: not %symgrad-opt %s --verify-diagnostics 2>&1 | %FileCheck %s --implicit-check-not=Traceback --implicit-check-not="cannot be broadcast"
// Without --verify-diagnostics the same input just reports its errors.
// RUN: not %symgrad-opt %s 2>&1 | %FileCheck %s --check-prefix=PLAIN

func.func @f(%x: tensor<3xf32>, %m: tensor<3x4xf32>) -> tensor<3xf32> {
  // CHECK-DAG: verify-diagnostics.mlir:[[@LINE+4]]:6: error: expected error "is never reported" was not produced
  // CHECK-DAG: verify-diagnostics.mlir:[[@LINE+4]]:8: error: unexpected error: 'graph.exp' op result type tensor<4xf32> does not match the type tensor<3xf32> inferred from tensor<3xf32>
  // PLAIN: verify-diagnostics.mlir:[[@LINE+3]]:8: error: 'graph.exp' op result type tensor<4xf32> does not match
  // PLAIN-NEXT: {{^}}  %0 = "graph.exp"
  // expected-error@+1 {{is never reported}}
  %0 = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<4xf32>

  // CHECK-DAG: verify-diagnostics.mlir:[[@LINE+3]]:8: error: 'error' diagnostic emitted when expecting a 'warning'
  // PLAIN: verify-diagnostics.mlir:[[@LINE+2]]:8: error: 'graph.log' op result type tensor<2xf32> does not match
  // expected-warning@+1 {{'graph.log' op}}
  %1 = "graph.log"(%x) : (tensor<3xf32>) -> tensor<2xf32>

  // An expectation on the right line is satisfied and not reported (see --implicit-check-not above).
  // PLAIN: verify-diagnostics.mlir:[[@LINE+2]]:8: error: 'graph.broadcast_to' op operand 'input' of shape 3 cannot be broadcast to 5
  // expected-error@+1 {{'graph.broadcast_to' op operand 'input' of shape 3 cannot be broadcast to 5}}
  %2 = "graph.broadcast_to"(%x) {shape = array<i64: 5>} : (tensor<3xf32>) -> tensor<5xf32>

  // A correct op on the designated line does not satisfy an expectation.
  // CHECK-DAG: verify-diagnostics.mlir:[[@LINE+1]]:6: error: expected error "tanh" was not produced
  // expected-error@+2 {{tanh}}
  %3 = "graph.tanh"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %4 = "graph.tanh"(%m) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %3 : tensor<3xf32>
}
