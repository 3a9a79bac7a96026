// Valid IR that MLIR's lowering aborts on instead of failing: rejected, located, before the
// pipeline runs (dialects/graph/verifier.py verify_lowerable), even under --no-verify.
// RUN: %symgrad-opt %s --verify-diagnostics --graph-to-llvm
// RUN: %symgrad-opt %s --verify-diagnostics --emit=llvm-ir
// RUN: %symgrad-opt %s --verify-diagnostics --no-verify -p 'builtin.module(one-shot-bufferize{bufferize-function-boundaries})'
// RUN: %symgrad-opt %s | %FileCheck %s
// The Gradient-contract check leaves lowered functions (llvm.func keeps graph.adjoint) alone:
// RUN: %symgrad-opt %S/../passes/graph-differentiate.mlir --graph-differentiate --graph-to-llvm | %FileCheck %s --check-prefix=SEED
// SEED: llvm.func internal @f(
// SEED: llvm.func internal @f_adjoint(
// ... and bufferized ones (memrefs where the attributes speak of tensors):
// RUN: %symgrad-opt %S/../passes/graph-differentiate.mlir -p 'builtin.module(graph-differentiate,convert-graph-to-linalg,one-shot-bufferize{bufferize-function-boundaries},buffer-results-to-out-params)' | %FileCheck %s --check-prefix=BUF
// BUF: func.func @f(%{{.*}}: memref<3xf32{{.*}}> {graph.requires_grad}

// One-shot bufferization asserted in MemRefType::get ("verifyInvariants") on these elements.
// CHECK: func.func @f(%arg0: tensor<4x!llvm.ptr>) -> tensor<4x!llvm.ptr>
// expected-error@+1 {{'func.func' op type tensor<4x!llvm.ptr> cannot be lowered: tensor elements must be integers, floats, complex numbers, indices or vectors to become memory}}
func.func @f(%x: tensor<4x!llvm.ptr>) -> tensor<4x!llvm.ptr> {
  return %x : tensor<4x!llvm.ptr>
}
