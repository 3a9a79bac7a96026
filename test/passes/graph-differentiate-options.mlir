// The pass options: func= restricts the pass to one function, recompute= picks what is saved.
// RUN: %symgrad-opt -p 'builtin.module(graph-differentiate{func=g})' %s | %FileCheck %s --check-prefix=ONLY-G
// RUN: %symgrad-opt -p 'builtin.module(graph-differentiate{recompute=none})' %s | %FileCheck %s --check-prefix=NONE
// RUN: %symgrad-opt -p 'builtin.module(graph-differentiate{recompute=elementwise})' %s | %FileCheck %s --check-prefix=ELEM
// RUN: not %symgrad-opt -p 'builtin.module(graph-differentiate{func=nope})' %s 2>&1 | %FileCheck %s --check-prefix=MISSING
// RUN: not %symgrad-opt -p 'builtin.module(graph-differentiate{recompute=sometimes})' %s 2>&1 | %FileCheck %s --check-prefix=POLICY

// ONLY-G-NOT: func.func @f_adjoint
// ONLY-G: func.func @g_adjoint
// MISSING: error: graph-differentiate: no function @nope in the module
// POLICY: error: invalid pass pipeline 'builtin.module(graph-differentiate{recompute=sometimes})': pass 'graph-differentiate': option 'recompute' expects one of none, elementwise, all, got 'sometimes'

// recompute=none captures tanh's result t (output 1); elementwise recomputes it from x.
// NONE-LABEL: func.func @f(
// NONE-SAME: graph.df_input_captured_inputs = array<i64: 0>
// NONE-SAME: graph.df_input_captured_outputs = array<i64: 1>
// NONE-LABEL: func.func @f_adjoint(
// NONE-NOT: "graph.tanh"
// NONE: return
// ELEM-LABEL: func.func @f(
// ELEM-SAME: -> tensor<4xf32>
// ELEM-SAME: graph.df_input_captured_inputs = array<i64: 0>
// ELEM-SAME: graph.df_input_captured_outputs = array<i64>
// ELEM-LABEL: func.func @f_adjoint(
// ELEM: "graph.tanh"
func.func @f(%x: tensor<4xf32> {graph.requires_grad}) -> tensor<4xf32> {
  %t = "graph.tanh"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %y = "graph.mul"(%t, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

func.func @g(%x: tensor<4xf32> {graph.requires_grad}) -> tensor<4xf32> {
  %y = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
