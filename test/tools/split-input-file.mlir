// --split-input-file: each chunk is parsed, verified and printed on its own; outputs are joined by
// `// -----`; diagnostics carry the line numbers of this file; one bad chunk fails the run but the
// others are still processed.
// RUN: not %symgrad-opt %s --split-input-file 2>%t.err | %FileCheck %s
// RUN: %FileCheck %s --check-prefix=ERR < %t.err
// RUN: %symgrad-opt %s --split-input-file --verify-diagnostics | %FileCheck %s
// Without splitting, MLIR's verifier stops at the first error.
// RUN: not %symgrad-opt %s 2>&1 | %FileCheck %s --check-prefix=WHOLE

// CHECK:      func.func @first
// CHECK-NEXT:   "graph.exp"
// CHECK:      // -----
// CHECK-NEXT: module {
// CHECK-NEXT:   func.func @third
// CHECK-NOT:  // -----
// CHECK-NOT:  @second
// CHECK-NOT:  @fourth

func.func @first(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @f()

// -----

// Each chunk is a module of its own, so @f can be defined in both.
func.func private @f()
func.func @second(%x: tensor<3xf32>) -> tensor<2x2xf32> {
  // The expected-* annotations are checked in each chunk, at lines of the whole file:
  // ERR: {{.*}}split-input-file.mlir:[[@LINE+4]]:8: error: 'graph.reshape' op cannot reshape operand 'input' of shape 3 (3 elements) to 2x2 (4 elements)
  // ERR-NEXT: %0 = "graph.reshape"(%x) {shape = array<i64: 2, 2>} : (tensor<3xf32>) -> tensor<2x2xf32>
  // ERR-NEXT: {{^       \^$}}
  // expected-error@below {{cannot reshape operand 'input' of shape 3 (3 elements) to 2x2 (4 elements)}}
  %0 = "graph.reshape"(%x) {shape = array<i64: 2, 2>} : (tensor<3xf32>) -> tensor<2x2xf32>
  %1 = "graph.neg"(%0) : (tensor<2x2xf32>) -> tensor<4xf32>
  // expected-error-re@above {{'graph.neg' op result type {{.*}} does not match the type tensor<{{[0-9]+}}x2xf32> inferred}}
  return %0 : tensor<2x2xf32>
}

// -----

func.func @third(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = "graph.sqrt"(%x) : (tensor<2xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @fourth(%x: tensor<3xf32>) {
  %0 = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  // expected-error@+3 {{'func.return' op has 1 operands, but enclosing function (@fourth) returns 0}}
  // ERR: {{.*}}split-input-file.mlir:[[@LINE+2]]:3: error: 'func.return' op has 1 operands, but enclosing function (@fourth) returns 0
  // WHOLE: {{.*}}split-input-file.mlir:[[@LINE+1]]:3: error: 'func.return' op has 1 operands, but enclosing function (@fourth) returns 0
  return %0 : tensor<3xf32>
}

// -----

// Notes are diagnostics of their own, checked by expected-note.
// expected-note@+1 {{see existing symbol definition here}}
func.func private @g()
// expected-error@+1 {{redefinition of symbol named 'g'}}
func.func private @g()
