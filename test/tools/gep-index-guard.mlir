// A constant getelementptr index outside [-2^28, 2^28) parses and verifies, but MLIR's LLVM
// dialect folds indices in 29 bits and canonicalize aborts on it: rejected, located, before any
// pass runs (dialects/graph/verifier.py verify_gep_indices), even under --no-verify. Indices
// inside the bound and SSA indices of any value are left alone.
// RUN: %symgrad-opt %s --verify-diagnostics -p 'builtin.module(canonicalize)' --split-input-file
// RUN: %symgrad-opt %s --verify-diagnostics --no-verify -p 'builtin.module(canonicalize)' --split-input-file

llvm.func @too_far(%p: !llvm.ptr) -> !llvm.ptr {
  // expected-error @+1 {{constant index 268435456 is outside [-2^28, 2^28)}}
  %q = llvm.getelementptr %p[268435456] : (!llvm.ptr) -> !llvm.ptr, f32
  llvm.return %q : !llvm.ptr
}

// -----

llvm.func @too_far_back(%p: !llvm.ptr) -> !llvm.ptr {
  // expected-error @+1 {{constant index -268435457 is outside [-2^28, 2^28)}}
  %q = llvm.getelementptr %p[-268435457] : (!llvm.ptr) -> !llvm.ptr, f32
  llvm.return %q : !llvm.ptr
}

// -----

llvm.func @in_bounds(%p: !llvm.ptr, %i: i64) -> !llvm.ptr {
  %big = llvm.mlir.constant(4294967296 : i64) : i64
  %a = llvm.getelementptr %p[268435455] : (!llvm.ptr) -> !llvm.ptr, f32
  %b = llvm.getelementptr %a[-268435456] : (!llvm.ptr) -> !llvm.ptr, f32
  %c = llvm.getelementptr %b[%big] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %d = llvm.getelementptr %c[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.return %d : !llvm.ptr
}
