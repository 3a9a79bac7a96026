// graph-fuse-gradient: @f_fused(x, m, dy) -> (y, n, dx) inlines the primal and the adjoint variant
// without the temporary's vjp (dt), wiring the captures x, t, y straight to their values.
// RUN: %symgrad-opt --graph-differentiate --graph-fuse-gradient %s | %FileCheck %s

// CHECK-LABEL: func.func @f(
// CHECK-SAME: graph.fused = @f_fused
// CHECK-LABEL: func.func @f_fused(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<3xf32>, %[[M:[a-z0-9]+]]: tensor<3xf32>, %[[DY:[a-z0-9]+]]: tensor<3xf32>)
// CHECK-SAME: -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) attributes {graph.primal = @f}
// CHECK: %[[T:.*]] = "graph.exp"(%[[X]])
// CHECK: %[[P:.*]] = "graph.mul"(%[[T]], %[[X]])
// CHECK: %[[Y:.*]] = "graph.tanh"(%[[P]])
// CHECK: %[[N:.*]] = "graph.mul"(%[[M]], %[[M]])
// CHECK: %[[YY:.*]] = "graph.mul"(%[[Y]], %[[Y]])
// CHECK: %[[DP:.*]] = "graph.mul"(%[[DY]], %{{.*}})
// CHECK: %[[DX:.*]] = "graph.add"
// CHECK: return %[[Y]], %[[N]], %[[DX]]
func.func @f(%x: tensor<3xf32> {graph.requires_grad}, %m: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %t = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %p = "graph.mul"(%t, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %y = "graph.tanh"(%p) : (tensor<3xf32>) -> tensor<3xf32>
  %n = "graph.mul"(%m, %m) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y, %n : tensor<3xf32>, tensor<3xf32>
}
