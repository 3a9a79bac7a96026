// Inputs that crashed MLIR or symgrad before issue 6's hardening, each now a located error
// (dialects/graph/verifier.py, compiler/module.py check_text). test/python/hardening has the fuzzer.
// RUN: %symgrad-opt %s --split-input-file --verify-diagnostics
// RUN: %symgrad-opt %s --split-input-file --verify-diagnostics --graph-differentiate

// An element count past 2^63 aborted in ShapedType::getNumElements during lowering.
// expected-error@+1 {{'func.func' op type tensor<4611686018427387904x2xf32> is too large: 9223372036854775808 elements, 36893488147419103232 bytes (at most 2^63-1 bytes can be addressed)}}
func.func @huge(%x: tensor<4611686018427387904x2xf32>) -> tensor<4611686018427387904x2xf32> {
  return %x : tensor<4611686018427387904x2xf32>
}

// -----

// The gradient pass built a zero gradient of this type and failed with an internal ShapeError.
// expected-error@+1 {{'func.func' op argument #0 is marked {graph.requires_grad} but its type is not a graph tensor: element type ui1 is not supported (expected f32, f64, i1, i32 or i64)}}
func.func @f(%x: tensor<2xui1> {graph.requires_grad}) -> tensor<2xui1> {
  return %x : tensor<2xui1>
}

// -----

// Integers never require grad: marking one is an error naming the argument (not a silent zero gradient).
// expected-error@+1 {{'func.func' op argument #1 of type tensor<4xi64> is marked {graph.requires_grad}, but it is an integer tensor: integer and boolean values never require grad (only f32 and f64 arguments can be differentiated); unmark it, or cast a float argument to an integer inside the function}}
func.func @int_grad(%x: tensor<4xf32> {graph.requires_grad}, %k: tensor<4xi64> {graph.requires_grad}) -> tensor<4xf32> {
  %0 = "graph.cast"(%k) {to = f32} : (tensor<4xi64>) -> tensor<4xf32>
  %1 = "graph.mul"(%x, %0) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// ... nor do booleans.
// expected-error@+1 {{'func.func' op argument #0 of type tensor<4xi1> is marked {graph.requires_grad}, but it is a boolean tensor: integer and boolean values never require grad (only f32 and f64 arguments can be differentiated); unmark it, or cast a float argument to an integer inside the function}}
func.func @bool_grad(%m: tensor<4xi1> {graph.requires_grad}, %x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.select"(%m, %x, %x) : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A Gradient contract whose offsets do not fit the functions (sg.Gradient indexed out of range).
// expected-error@+1 {{'func.func' op Gradient contract: graph.df_input_captured_inputs has offset 3, but the function has 1 arguments}}
func.func @f(%x: tensor<3xf32> {graph.requires_grad}) -> (tensor<3xf32>, tensor<3xf32>) attributes {graph.adjoint = @f_adjoint, graph.df_input_captured_inputs = array<i64: 3>, graph.df_input_captured_outputs = array<i64: 1>, graph.df_input_vjps = array<i64: 0>, graph.df_output_vjps = array<i64: 0>, graph.f_real_outputs = 1 : i64} {
  %0 = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0, %0 : tensor<3xf32>, tensor<3xf32>
}
func.func @f_adjoint(%dy: tensor<3xf32>, %x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> attributes {graph.primal = @f} {
  %0 = "graph.mul"(%dy, %y) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// ... or whose adjoint has another signature (it was run on the wrong values).
// expected-error@+1 {{'func.func' op Gradient contract: the adjoint @g has type (tensor<3xf32>) -> (tensor<3xf32>), but the offsets imply (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>)}}
func.func @f(%x: tensor<3xf32> {graph.requires_grad}) -> (tensor<3xf32>, tensor<3xf32>) attributes {graph.adjoint = @g, graph.df_input_captured_inputs = array<i64>, graph.df_input_captured_outputs = array<i64: 1>, graph.df_input_vjps = array<i64: 0>, graph.df_output_vjps = array<i64: 0>, graph.f_real_outputs = 1 : i64} {
  %0 = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0, %0 : tensor<3xf32>, tensor<3xf32>
}
func.func @g(%dy: tensor<3xf32>) -> tensor<3xf32> {
  return %dy : tensor<3xf32>
}

// -----

// A generic op name with an empty op part, in a loaded dialect: LLVM ERROR "created with
// unregistered dialect" (an abort) inside MLIR's parser.
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.' is not a valid operation name (expected 'dialect.operation')}}
  %0 = "graph."(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Brackets nested thousands deep overflowed the stack of MLIR's recursive-descent parser.
// expected-error@+1 {{brackets nested more than 256 levels deep are not supported}}
func.func @f() -> ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((f32)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) {
  return
}

// -----

// A name that is not UTF-8 (MLIR's escapes allow any bytes): the bindings could not read it back,
// so sg.compile and symgrad-opt --graph-to-llvm failed with an internal conversion error.
// expected-error@+1 {{the symbol @"\ED\A0\80" is not valid UTF-8 text}}
func.func private @"\ED\A0\80"(%a: tensor<f32>) -> tensor<f32> {
  return %a : tensor<f32>
}

// -----

// An op name whose escapes are not UTF-8: the parser's diagnostic quoting it could not be
// converted to a Python string, and the bindings raised a bare RuntimeError (a traceback).
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{the operation name "graph.ex\FFp" is not valid UTF-8 text once its escapes are decoded}}
  %y = "graph.ex\FFp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
