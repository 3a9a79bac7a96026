// Pass pipelines mixing symgrad's Python passes with upstream MLIR passes, as -p and as flags.
// RUN: %symgrad-opt %s -p 'builtin.module(graph-verify,canonicalize,cse,symbol-dce)' | %FileCheck %s
// RUN: %symgrad-opt %s --graph-verify --canonicalize --cse --symbol-dce | %FileCheck %s
// RUN: %symgrad-opt %s -p 'graph-verify,func.func(canonicalize,cse),symbol-dce,graph-verify' | %FileCheck %s
// Without passes nothing changes.
// RUN: %symgrad-opt %s | %FileCheck %s --check-prefix=NOPASS
// Options of upstream passes, in both spellings.
// RUN: %symgrad-opt %s -p 'builtin.module(canonicalize{max-iterations=2 region-simplify=disabled},graph-verify)' | %FileCheck %s --check-prefix=CANON
// RUN: %symgrad-opt %s --canonicalize='{max-iterations=2}' --graph-verify | %FileCheck %s --check-prefix=CANON
// RUN: %symgrad-opt %s --canonicalize='max-iterations=2 region-simplify=disabled' --graph-verify | %FileCheck %s --check-prefix=CANON
// --mlir-print-ir-after-all prints after every pass, ours included, in pipeline order, on stderr.
// RUN: %symgrad-opt %s --graph-verify --cse --symbol-dce --mlir-print-ir-after-all 2>&1 >/dev/null | %FileCheck %s --check-prefix=AFTER

// graph ops have no declared side effects (IRDL cannot say so), so cse and canonicalize keep them;
// the duplicate arith ops are merged and the unused private function is removed.
// CHECK-LABEL: func.func @f(
// CHECK-NEXT:    %[[C:.*]] = arith.constant dense<2.000000e+00> : tensor<3xf32>
// CHECK-NEXT:    %[[M:.*]] = arith.mulf %arg0, %[[C]] : tensor<3xf32>
// CHECK-NEXT:    %[[E0:.*]] = "graph.exp"(%[[M]])
// CHECK-NEXT:    %[[E1:.*]] = "graph.exp"(%[[M]])
// CHECK-NEXT:    %[[S:.*]] = "graph.add"(%[[E0]], %[[E1]])
// CHECK-NEXT:    return %[[S]]
// CHECK-NOT:   @unused

// NOPASS:      arith.constant
// NOPASS-NEXT: arith.mulf
// NOPASS-NEXT: arith.constant
// NOPASS-NEXT: arith.mulf
// NOPASS:      func.func private @unused

// canonicalize uniques the constants, keeps both mulf and the private function.
// CANON:     arith.constant
// CANON-NOT: arith.constant
// CANON:     arith.mulf
// CANON:     arith.mulf
// CANON:     func.func private @unused

// AFTER: // -----// IR Dump After graph-verify (graph-verify) //----- //
// AFTER: func.func private @unused
// AFTER: // -----// IR Dump After CSE (cse) //----- //
// AFTER: // -----// IR Dump After SymbolDCE (symbol-dce) //----- //
// AFTER-NOT: @unused
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c0 = arith.constant dense<2.0> : tensor<3xf32>
  %m0 = arith.mulf %x, %c0 : tensor<3xf32>
  %c1 = arith.constant dense<2.0> : tensor<3xf32>
  %m1 = arith.mulf %x, %c1 : tensor<3xf32>
  %e0 = "graph.exp"(%m0) : (tensor<3xf32>) -> tensor<3xf32>
  %e1 = "graph.exp"(%m1) : (tensor<3xf32>) -> tensor<3xf32>
  %s = "graph.add"(%e0, %e1) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %s : tensor<3xf32>
}

func.func private @unused() {
  return
}
