// merge-sibling-generics: two generics that read the same inputs through the same maps with the same
// iterator types (here the column sums of x * y and of x, as dgamma and dbeta are in a layer norm
// adjoint) become one generic with both outputs, so the inputs are read once.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %symgrad-opt -p 'builtin.module(func.func(linalg-fuse-elementwise-ops),cse,merge-sibling-generics,cse)' | %FileCheck %s

// CHECK-LABEL: func.func @column_sums(
// CHECK:       %[[M:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%arg0, %arg1 : tensor<6x8xf32>, tensor<6x8xf32>) outs(%{{.*}}, %{{.*}} : tensor<8xf64>, tensor<8xf64>)
// CHECK:         linalg.yield %{{.*}}, %{{.*}} : f64, f64
// CHECK-NOT:   iterator_types = ["reduction", "parallel"]
// CHECK:       return
func.func @column_sums(%x: tensor<6x8xf32>, %y: tensor<6x8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = "graph.mul"(%x, %y) : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %1 = "graph.sum"(%0) {axes = array<i64: 0>, keepdims = false} : (tensor<6x8xf32>) -> tensor<8xf32>
  %2 = "graph.add"(%x, %y) : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %3 = "graph.sum"(%2) {axes = array<i64: 0>, keepdims = false} : (tensor<6x8xf32>) -> tensor<8xf32>
  return %1, %3 : tensor<8xf32>, tensor<8xf32>
}

// A row sum and a column sum differ in their iterator types: left alone.
// CHECK-LABEL: func.func @row_and_column(
// CHECK-COUNT-2: ins(%arg0 : tensor<6x8xf32>)
func.func @row_and_column(%x: tensor<6x8xf32>) -> (tensor<6xf32>, tensor<8xf32>) {
  %0 = "graph.sum"(%x) {axes = array<i64: 1>, keepdims = false} : (tensor<6x8xf32>) -> tensor<6xf32>
  %1 = "graph.sum"(%x) {axes = array<i64: 0>, keepdims = false} : (tensor<6x8xf32>) -> tensor<8xf32>
  return %0, %1 : tensor<6xf32>, tensor<8xf32>
}
