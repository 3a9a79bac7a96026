// check-lowered-to-llvm (the last stage of graph-to-llvm, and the guard of every translation to
// LLVM IR) refuses anything but LLVM-dialect ops, which would crash the translator, and external
// functions this process cannot resolve: each is an error at its location, naming it.
// RUN: %symgrad-opt -p 'builtin.module(check-lowered-to-llvm)' --split-input-file --verify-diagnostics %s

llvm.func @unlowered(%x: f32) -> f32 {
  // expected-error@+1 {{'arith.addf' was not lowered to the LLVM dialect}}
  %0 = arith.addf %x, %x : f32
  llvm.return %0 : f32
}

// -----

// expected-error@+1 {{external function 'no_such_function_anywhere' cannot be resolved in this process}}
llvm.func @no_such_function_anywhere(f32) -> f32
llvm.func @f(%x: f32) -> f32 {
  %0 = llvm.call @no_such_function_anywhere(%x) : (f32) -> f32
  llvm.return %0 : f32
}
