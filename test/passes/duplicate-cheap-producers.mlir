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

// A residual-stream chain (h_i = h_{i-1} + a_i, each h_i also squared): a link's cost counts the
// cheap links fusion will inline into it, so the chain is cut where it passes max-ops (8): h_9
// (cost 9) is not copied and is read once, instead of every consumer recomputing the sum of all
// links (work and code quadratic in the chain's length).
// DUP-LABEL: func.func @chain(
// DUP-COUNT-1: ins(%{{.*}}, %arg9 :
// DUP-NOT: %arg9 :
// DUP: return
func.func @chain(%a0: tensor<8xf32>, %a1: tensor<8xf32>, %a2: tensor<8xf32>, %a3: tensor<8xf32>, %a4: tensor<8xf32>, %a5: tensor<8xf32>, %a6: tensor<8xf32>, %a7: tensor<8xf32>, %a8: tensor<8xf32>, %a9: tensor<8xf32>, %a10: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %h1 = "graph.add"(%a0, %a1) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m1 = "graph.mul"(%h1, %h1) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h2 = "graph.add"(%h1, %a2) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m2 = "graph.mul"(%h2, %h2) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h3 = "graph.add"(%h2, %a3) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m3 = "graph.mul"(%h3, %h3) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h4 = "graph.add"(%h3, %a4) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m4 = "graph.mul"(%h4, %h4) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h5 = "graph.add"(%h4, %a5) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m5 = "graph.mul"(%h5, %h5) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h6 = "graph.add"(%h5, %a6) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m6 = "graph.mul"(%h6, %h6) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h7 = "graph.add"(%h6, %a7) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m7 = "graph.mul"(%h7, %h7) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h8 = "graph.add"(%h7, %a8) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m8 = "graph.mul"(%h8, %h8) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h9 = "graph.add"(%h8, %a9) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m9 = "graph.mul"(%h9, %h9) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %h10 = "graph.add"(%h9, %a10) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m10 = "graph.mul"(%h10, %h10) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %m1, %m2, %m3, %m4, %m5, %m6, %m7, %m8, %m9, %m10, %h10 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
