// One gradient rule per op of the elementwise family: the adjoint each rule builds.
// Numerics of every rule are checked in test/python/passes/test_vjp_rules.py.
// RUN: %symgrad-opt --graph-differentiate %s | %FileCheck %s

// CHECK-LABEL: func.func @neg_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.neg"
// CHECK: return
func.func @neg(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.neg"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @exp_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.mul"
// CHECK: return
func.func @exp(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.exp"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @log_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.div"
// CHECK: return
func.func @log(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.log"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @tanh_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.mul"
// CHECK: = "graph.constant"
// CHECK: = "graph.sub"
// CHECK: = "graph.mul"
// CHECK: return
func.func @tanh(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.tanh"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sigmoid_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.mul"
// CHECK: = "graph.constant"
// CHECK: = "graph.sub"
// CHECK: = "graph.mul"
// CHECK: return
func.func @sigmoid(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.sigmoid"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @relu_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.constant"
// CHECK: = "graph.gt"
// CHECK: = "graph.constant"
// CHECK: = "graph.select"
// CHECK: return
func.func @relu(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.relu"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sqrt_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.constant"
// CHECK: = "graph.mul"
// CHECK: = "graph.div"
// CHECK: return
func.func @sqrt(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.sqrt"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @rsqrt_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.constant"
// CHECK: = "graph.mul"
// CHECK: = "graph.mul"
// CHECK: = "graph.mul"
// CHECK: = "graph.mul"
// CHECK: return
func.func @rsqrt(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.rsqrt"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @abs_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.constant"
// CHECK: = "graph.gt"
// CHECK: = "graph.constant"
// CHECK: = "graph.lt"
// CHECK: = "graph.neg"
// CHECK: = "graph.constant"
// CHECK: = "graph.select"
// CHECK: = "graph.select"
// CHECK: return
func.func @abs(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.abs"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sin_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.cos"
// CHECK: = "graph.mul"
// CHECK: return
func.func @sin(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.sin"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @cos_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.neg"
// CHECK: = "graph.sin"
// CHECK: = "graph.mul"
// CHECK: return
func.func @cos(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.cos"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @erf_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.constant"
// CHECK: = "graph.mul"
// CHECK: = "graph.mul"
// CHECK: = "graph.neg"
// CHECK: = "graph.exp"
// CHECK: = "graph.mul"
// CHECK: return
func.func @erf(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.erf"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @log1p_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.constant"
// CHECK: = "graph.add"
// CHECK: = "graph.div"
// CHECK: return
func.func @log1p(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.log1p"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @expm1_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.constant"
// CHECK: = "graph.add"
// CHECK: = "graph.mul"
// CHECK: return
func.func @expm1(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.expm1"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @reciprocal_adjoint(
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: = "graph.neg"
// CHECK: = "graph.mul"
// CHECK: = "graph.mul"
// CHECK: return
func.func @reciprocal(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.reciprocal"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// stop_gradient: its result never requires grad, so the output needs no vjp
// (df_input_vjps is empty) and the argument's gradient is an exact zero.
// CHECK-LABEL: func.func @stop_gradient(
// CHECK-SAME: graph.df_input_vjps = array<i64>
// CHECK-LABEL: func.func @stop_gradient_adjoint(
// CHECK-SAME: ) -> tensor<3x4xf32>
// CHECK-NEXT: %[[Z:.*]] = "graph.constant"() {value = dense<0.000000e+00> : tensor<3x4xf32>}
// CHECK-NEXT: return %[[Z]]
func.func @stop_gradient(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.stop_gradient"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// Only the path around it carries a gradient: x * stop_gradient(x) has gradient stop_gradient(x) * g.
// CHECK-LABEL: func.func @stop_gradient_partial_adjoint(
// CHECK-SAME: %[[G:arg[0-9]+]]: tensor<3x4xf32>, %[[S:arg[0-9]+]]: tensor<3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: %[[D:.*]] = "graph.mul"(%[[G]], %[[S]])
// CHECK-NEXT: return %[[D]]
func.func @stop_gradient_partial(%arg0: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.stop_gradient"(%arg0) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %1 = "graph.mul"(%arg0, %0) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %1 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @add_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: return
func.func @add(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.add"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @sub_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: = "graph.neg"
// CHECK: return
func.func @sub(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.sub"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @mul_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: = "graph.mul"
// CHECK: = "graph.mul"
// CHECK: return
func.func @mul(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.mul"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @div_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: = "graph.div"
// CHECK: = "graph.neg"
// CHECK: = "graph.mul"
// CHECK: = "graph.div"
// CHECK: return
func.func @div(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.div"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @pow_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: = "graph.constant"
// CHECK: = "graph.eq"
// CHECK: = "graph.constant"
// CHECK: = "graph.select"
// CHECK: = "graph.log"
// CHECK: = "graph.mul"
// CHECK: = "graph.constant"
// CHECK: = "graph.sub"
// CHECK: = "graph.pow"
// CHECK: = "graph.mul"
// CHECK: = "graph.mul"
// CHECK: = "graph.constant"
// CHECK: = "graph.select"
// CHECK: = "graph.mul"
// CHECK: return
func.func @pow(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.pow"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @maximum_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: = "graph.gt"
// CHECK: = "graph.constant"
// CHECK: = "graph.constant"
// CHECK: = "graph.constant"
// CHECK: = "graph.eq"
// CHECK: = "graph.select"
// CHECK: = "graph.select"
// CHECK: = "graph.mul"
// CHECK: = "graph.constant"
// CHECK: = "graph.sub"
// CHECK: = "graph.mul"
// CHECK: return
func.func @maximum(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.maximum"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @minimum_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: = "graph.lt"
// CHECK: = "graph.constant"
// CHECK: = "graph.constant"
// CHECK: = "graph.constant"
// CHECK: = "graph.eq"
// CHECK: = "graph.select"
// CHECK: = "graph.select"
// CHECK: = "graph.mul"
// CHECK: = "graph.constant"
// CHECK: = "graph.sub"
// CHECK: = "graph.mul"
// CHECK: return
func.func @minimum(%arg0: tensor<3x4xf32> {graph.requires_grad}, %arg1: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.minimum"(%arg0, %arg1) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @select_adjoint(
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<3x4xf32>)
// CHECK: = "graph.constant"
// CHECK: = "graph.select"
// CHECK: = "graph.select"
// CHECK: return
func.func @select(%arg0: tensor<3x4xi1>, %arg1: tensor<3x4xf32> {graph.requires_grad}, %arg2: tensor<3x4xf32> {graph.requires_grad}) -> tensor<3x4xf32> {
  %0 = "graph.select"(%arg0, %arg1, %arg2) : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
