// graph-check-compilable: sg.compile, graph-to-llvm and --emit=llvm-ir take graph functions and
// nothing else (dialects/graph/compilable.py). Each input here once crashed the process (an
// LLVM assertion, a kernel that read or wrote outside its buffers, a recursion that overflowed
// the stack) or failed with an error located in a generated buffer; each is now refused at its
// place in this file. The same checks run in all three entry points:
// RUN: %symgrad-opt --graph-check-compilable --split-input-file --verify-diagnostics %s
// RUN: %symgrad-opt --graph-to-llvm --split-input-file --verify-diagnostics %s
// RUN: %symgrad-opt --emit=llvm-ir --split-input-file --verify-diagnostics %s
// Plain symgrad-opt prints all of it, as mlir-opt would:
// RUN: %symgrad-opt --split-input-file %s | %FileCheck %s --check-prefix=PRINT
// PRINT: func.func @"\00"

// A NUL byte in a name: LLVM asserted in Value::setName.
// expected-error@+1 {{'func.func' op the name '\x00' contains the control character U+0000; rename the function}}
func.func @"\00"(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error@+1 {{'func.func' op the name '\n' contains the control character U+000A}}
func.func @"\0A"(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A name that needs quotes failed in a generated buffer ("-:1:60: expected '('").
// expected-error@+1 {{'func.func' op the name 'a b' is not a bare identifier ([A-Za-z_][A-Za-z0-9_$.]*)}}
func.func @"a b"(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// tensor.extract / tensor.insert with a constant index past the end: the kernel segfaulted.
func.func @out_of_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'arith.constant' op is not accepted by sg.compile: compiled modules hold graph ops, func.call and func.return inside func.func definitions (the ops sg.interpret runs)}}
  %c = arith.constant 100000000 : index
  %v = tensor.extract %x[%c] : tensor<4xf32>
  %y = tensor.insert %v into %x[%c] : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Inline assembly aborted the JIT (no asm parser for the target).
func.func @asm(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'llvm.inline_asm' op is not accepted by sg.compile}}
  llvm.inline_asm has_side_effects "nop", "" : () -> ()
  return %x : tensor<4xf32>
}

// -----

// A global whose initializer does not fit its type asserted in the translation.
// expected-error@+1 {{'llvm.mlir.global' op is not accepted by sg.compile at module level}}
llvm.mlir.global internal @g(0 : i8) : !llvm.array<4 x i8>
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// Recursion overflowed the stack when the kernel was called.
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'func.call' op closes the call cycle @f -> @f: graph functions are straight-line, so a recursive call could never return}}
  %y = func.call @f(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @even(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = func.call @odd(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @odd(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'func.call' op closes the call cycle @even -> @odd -> @even}}
  %y = func.call @even(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error@+1 {{'func.func' op @ext is an external declaration: compiled modules define every function they call}}
func.func private @ext(tensor<4xf32>) -> tensor<4xf32>
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = func.call @ext(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Attributes that convert-func-to-llvm hands on to LLVM are not graph IR.
// expected-error@+1 {{'func.func' op @f has the attribute 'passthrough', which sg.compile does not accept}}
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> attributes {passthrough = ["noinline"]} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{'func.func' op @f has the argument attribute 'llvm.align', which sg.compile does not accept (only graph.* ones, such as graph.requires_grad)}}
func.func @f(%x: tensor<4xf32> {llvm.align = 3 : i64}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{'builtin.module' op has the attribute 'llvm.target_triple', which sg.compile does not accept}}
module attributes {llvm.target_triple = "aarch64-unknown-linux-gnu"} {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

// expected-error@+1 {{'func.func' op @f argument #0 has type i32, which compiled code cannot take: expected a ranked tensor type, got i32}}
func.func @f(%x: i32) -> i32 {
  return %x : i32
}

// -----

// What is accepted: graph ops, calls between graph functions, {graph.requires_grad}.
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @f(%x: tensor<4xf32> {graph.requires_grad}) -> tensor<4xf32> {
  %y = func.call @helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %z = "graph.mul"(%y, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %z : tensor<4xf32>
}
