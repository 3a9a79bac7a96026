// duplicate-cheap-producers: a cheap elementwise generic with several generic users gets one copy
// per user, so linalg-fuse-elementwise-ops (which only fuses single-use producers) can inline each
// copy and the intermediate tensor is never written. Bodies over max-ops are left alone.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %symgrad-opt --duplicate-cheap-producers | %FileCheck %s --check-prefix=DUP
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %symgrad-opt -p 'builtin.module(duplicate-cheap-producers{max-ops=0})' | %FileCheck %s --check-prefix=NONE
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %symgrad-opt -p 'builtin.module(duplicate-cheap-producers,func.func(linalg-fuse-elementwise-ops))' | %FileCheck %s --check-prefix=FUSED

// x - y feeds exp and a mul: one copy per user (the first user keeps the original), each a
// separate generic reading the arguments. exp (a polynomial of ~30 ops) also has two users but
// is too expensive to recompute: it stays one generic.
// DUP-LABEL: func.func @f(
// DUP-COUNT-2: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>)
// DUP-NOT:   ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>)

// NONE-LABEL: func.func @f(
// NONE-COUNT-1: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>)
// NONE-NOT:   ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>)

// After fusion nothing but the two results is computed: one loop per output.
// FUSED-LABEL: func.func @f(
// FUSED-COUNT-2: linalg.generic
// FUSED-NOT:   linalg.generic
func.func @f(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = "graph.sub"(%x, %y) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = "graph.exp"(%0) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = "graph.mul"(%0, %y) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = "graph.add"(%1, %1) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = "graph.mul"(%1, %y) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %5 = "graph.add"(%3, %4) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2, %5 : tensor<4x8xf32>, tensor<4x8xf32>
}

// A value that is also returned keeps its original for the return; every generic user gets a copy.
// DUP-LABEL: func.func @returned(
// FUSED-LABEL: func.func @returned(
// DUP-COUNT-3: arith.addf
// DUP-NOT:   arith.addf
func.func @returned(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = "graph.add"(%x, %x) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %1 = "graph.neg"(%0) : (tensor<8xf32>) -> tensor<8xf32>
  %2 = "graph.abs"(%0) : (tensor<8xf32>) -> tensor<8xf32>
  return %0, %1, %2 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
