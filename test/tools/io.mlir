// symgrad-opt input and output: a file, stdin (`-` or nothing), -o, the printing flags.
// RUN: %symgrad-opt %s | %FileCheck %s
// RUN: %symgrad-opt < %s | %FileCheck %s
// RUN: %symgrad-opt - < %s | %FileCheck %s
// RUN: %symgrad-opt %s -o %t.out.mlir && %FileCheck %s < %t.out.mlir
// RUN: %symgrad-opt %s --mlir-print-debuginfo | %FileCheck %s --check-prefix=DEBUG
// RUN: %symgrad-opt --mlir-print-debuginfo < %s | %FileCheck %s --check-prefix=STDIN
// RUN: %symgrad-opt %s --mlir-print-op-generic | %FileCheck %s --check-prefix=GENERIC
// The printed module parses again, with its locations.
// RUN: %symgrad-opt %s --mlir-print-debuginfo | %symgrad-opt --mlir-print-debuginfo | %FileCheck %s --check-prefix=DEBUG

// CHECK-LABEL: func.func @mlp(
// CHECK-SAME:      %[[X:.*]]: tensor<8x4xf32>, %[[W:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3xf32>) -> tensor<f32>
// CHECK-NEXT:    %[[H:.*]] = "graph.matmul"(%[[X]], %[[W]]) : (tensor<8x4xf32>, tensor<4x3xf32>) -> tensor<8x3xf32>
// CHECK-NEXT:    %[[A:.*]] = "graph.add"(%[[H]], %[[B]]) : (tensor<8x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
// CHECK-NEXT:    %[[T:.*]] = "graph.tanh"(%[[A]]) : (tensor<8x3xf32>) -> tensor<8x3xf32>
// CHECK-NEXT:    %[[S:.*]] = "graph.sum"(%[[T]]) {axes = array<i64: 0, 1>, keepdims = false} : (tensor<8x3xf32>) -> tensor<f32>
// CHECK-NEXT:    return %[[S]] : tensor<f32>

// Locations name the input file as given on the command line, with its line numbers.
// DEBUG-DAG: #[[LOC:loc[0-9]*]] = loc("{{.*}}io.mlir":[[@LINE+9]]:8)
// DEBUG-DAG: "graph.matmul"{{.*}} loc(#[[LOC]])
// STDIN: "graph.matmul"{{.*}} loc(#[[LOC:loc[0-9]*]])
// STDIN: #[[LOC]] = loc("<stdin>":[[@LINE+6]]:8)

// GENERIC: "func.func"() <{function_type = (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<f32>, sym_name = "mlp"}>
// GENERIC: "graph.matmul"
// GENERIC: "func.return"(%{{.*}}) : (tensor<f32>) -> ()
func.func @mlp(%x: tensor<8x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<f32> {
  %h = "graph.matmul"(%x, %w) : (tensor<8x4xf32>, tensor<4x3xf32>) -> tensor<8x3xf32>
  %a = "graph.add"(%h, %b) : (tensor<8x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %t = "graph.tanh"(%a) : (tensor<8x3xf32>) -> tensor<8x3xf32>
  %s = "graph.sum"(%t) {axes = array<i64: 0, 1>, keepdims = false} : (tensor<8x3xf32>) -> tensor<f32>
  return %s : tensor<f32>
}
