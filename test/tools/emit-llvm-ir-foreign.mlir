// --emit=llvm-ir on a module that is all LLVM dialect already (hand-written, or the output of
// a -p pipeline) translates it without lowering. symgrad did not build that IR, so what the
// translator is known to crash on is refused at its location first (passes/foreign_llvm.py),
// and the translation runs in a child process: a crash inside MLIR/LLVM is an error naming
// the signal and the assertion, and symgrad-opt lives on to check the next chunk.
// RUN: %symgrad-opt --emit=llvm-ir %s --split-input-file --verify-diagnostics | %FileCheck %s

// CHECK: @answer = internal global i32 42
// CHECK: define float @twice(float
// CHECK: fadd float
llvm.mlir.global internal @answer(42 : i32) : i32
llvm.func @twice(%x: f32) -> f32 {
  %0 = llvm.fadd %x, %x : f32
  llvm.return %0 : f32
}

// -----

// An integer initializer for an array asserted inside the translation (SIGABRT).
// expected-error@+1 {{'llvm.mlir.global' op an integer initializer cannot initialize a value of type !llvm.array<4 x i8>}}
llvm.mlir.global internal @g(0 : i8) : !llvm.array<4 x i8>

// -----

// expected-error@+1 {{'llvm.mlir.global' op the initializer 1.000000e+00 : f32 has type f32, but the value has type f64}}
llvm.mlir.global internal @g(1.0 : f32) : f64

// -----

// expected-error@+1 {{'llvm.mlir.global' op the initializer of type tensor<4xi32> does not fit the type !llvm.array<3 x i32> (3 x i32)}}
llvm.mlir.global internal @g(dense<1> : tensor<4xi32>) : !llvm.array<3 x i32>

// -----

// A NUL byte in a name: LLVM asserts in Value::setName.
// expected-error@+1 {{'llvm.func' op the name 'a\x00b' contains a NUL byte, which LLVM names cannot hold}}
llvm.func @"a\00b"() {
  llvm.return
}

// -----

// Not on the list: the translator asserts (zip_equal of a struct's fields and the array's),
// in the child process.
// expected-error@+1 {{the translation of this LLVM-dialect module to LLVM IR crashed inside MLIR/LLVM (SIGABRT}}
llvm.mlir.global internal @s([1, 2]) : !llvm.struct<(i32)>

// -----

// CHECK: @after_the_crash = internal global i64 7
llvm.mlir.global internal @after_the_crash(7 : i64) : i64
