// One case per rule of the graph verifier (IRDL structure, then the registry's Python rules in
// dialects/graph/{rules,types,attrs,verifier}.py and ops/*.py), each with its exact diagnostic.
// test/tools/test_lit_coverage.py checks that every `raise ShapeError/DTypeError` has a case here.
// RUN: %symgrad-opt %s --split-input-file --verify-diagnostics

// Float-only ops take no integers: i64 into exp (rules.require_float).
func.func @case0(%a: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error@+1 {{'graph.exp' op operand 'input' must have a float element type (f32 or f64), got tensor<4xi64>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.exp"(%a) : (tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// Arithmetic takes numbers, not booleans: i1 into neg (rules.require_dtype).
func.func @neg_of_i1(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error@+1 {{'graph.neg' op operand 'input' must have a numeric element type (f32, f64, i32 or i64), got tensor<4xi1>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.neg"(%a) : (tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// No implicit promotion: an integer and a float operand (rules.same_dtype).
func.func @add_int_float(%a: tensor<4xi32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.add' op operand 'rhs' has element type f32 but operand 'lhs' has i32 (tensor<4xf32> vs tensor<4xi32>); symgrad does not promote types implicitly: insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them}}
  %0 = "graph.add"(%a, %b) : (tensor<4xi32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ... nor between integer widths.
func.func @max_i32_i64(%a: tensor<4xi32>, %b: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error@+1 {{'graph.maximum' op operand 'rhs' has element type i64 but operand 'lhs' has i32 (tensor<4xi64> vs tensor<4xi32>); symgrad does not promote types implicitly: insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them}}
  %0 = "graph.maximum"(%a, %b) : (tensor<4xi32>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// Logical ops take booleans only (rules.require_dtype with i1).
func.func @and_of_ints(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi1> {
  // expected-error@+1 {{'graph.logical_and' op operand 'lhs' must have a boolean element type (i1), got tensor<4xi32>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.logical_and"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Binary operands share one element type (rules.same_dtype).
func.func @case1(%a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.add' op operand 'rhs' has element type f64 but operand 'lhs' has f32 (tensor<4xf64> vs tensor<4xf32>); symgrad does not promote types implicitly: insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them}}
  %0 = "graph.add"(%a, %b) : (tensor<4xf32>, tensor<4xf64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Element types other than f32, f64, i1, i32, i64 are rejected (types.dtype_of): i16.
func.func @case2(%a: tensor<4xi16>, %b: tensor<4xi16>) -> tensor<4xi16> {
  // expected-error@+1 {{'graph.add' op operand #0 ('lhs'): element type i16 is not supported (expected f32, f64, i1, i32 or i64)}}
  %0 = "graph.add"(%a, %b) : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// ... and f16.
func.func @case3(%a: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error@+1 {{'graph.exp' op operand #0 ('input'): element type f16 is not supported (expected f32, f64, i1, i32 or i64)}}
  %0 = "graph.exp"(%a) : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Dynamic shapes are rejected (types.TensorType.from_mlir).
func.func @case4(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{'graph.tanh' op operand #0 ('input'): expected a statically shaped tensor, got tensor<?x4xf32>}}
  %0 = "graph.tanh"(%a) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A dynamic result type is rejected too.
func.func @case5(%a: tensor<4xf32>) -> tensor<?xf32> {
  // expected-error@+1 {{'graph.tanh' op result: expected a statically shaped tensor, got tensor<?xf32>}}
  %0 = "graph.tanh"(%a) : (tensor<4xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Tensor encodings are rejected.
func.func @case6(%a: tensor<4xf32, "enc">) -> tensor<4xf32, "enc"> {
  // expected-error@+1 {{'graph.tanh' op operand #0 ('input'): tensor encodings are not supported, got tensor<4xf32, "enc">}}
  %0 = "graph.tanh"(%a) : (tensor<4xf32, "enc">) -> tensor<4xf32, "enc">
  return %0 : tensor<4xf32, "enc">
}

// -----

// Unranked tensors are rejected by IRDL (not a builtin.tensor).
func.func @case7(%a: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.unranked_tensor'}}
  %0 = "graph.tanh"(%a) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Binary operands must broadcast (rules.broadcast_shapes).
func.func @case8(%a: tensor<3x4xf32>, %b: tensor<5xf32>) -> tensor<3x4xf32> {
  // expected-error@+1 {{'graph.add' op operand 'rhs' of shape 5 is not broadcast-compatible with operand 'lhs' of shape 3x4}}
  %0 = "graph.add"(%a, %b) : (tensor<3x4xf32>, tensor<5xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// The declared result type must be the inferred one (verifier.verify_op).
func.func @case9(%a: tensor<3x4xf32>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'graph.neg' op result type tensor<4x3xf32> does not match the type tensor<3x4xf32> inferred from tensor<3x4xf32>}}
  %0 = "graph.neg"(%a) : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Comparisons produce i1.
func.func @case10(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.gt' op result type tensor<4xf32> does not match the type tensor<4xi1> inferred from tensor<4xf32>, tensor<4xf32>}}
  %0 = "graph.gt"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// select: the condition must be i1.
func.func @case11(%c: tensor<4xf32>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.select' op operand 'condition' must have element type i1, got tensor<4xf32>}}
  %0 = "graph.select"(%c, %a, %b) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// select: both branches share one float type.
func.func @case12(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.select' op operand 'on_false' has element type f64 but operand 'on_true' has f32 (tensor<4xf64> vs tensor<4xf32>); symgrad does not promote types implicitly: insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them}}
  %0 = "graph.select"(%c, %a, %b) : (tensor<4xi1>, tensor<4xf32>, tensor<4xf64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// select: all three shapes broadcast together.
func.func @case13(%c: tensor<3xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.select' op operand 'on_true' of shape 4 is not broadcast-compatible with operand 'condition' of shape 3}}
  %0 = "graph.select"(%c, %a, %b) : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Attributes: an unknown attribute (names with a dot, like graph.requires_grad, are allowed).
func.func @case14(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.neg' op unknown attribute 'scale' (expected none)}}
  %0 = "graph.neg"(%a) {scale = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Attributes: a missing attribute is an IRDL error.
func.func @case15(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.sum' op attribute "keepdims" is expected but not provided}}
  %0 = "graph.sum"(%a) {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Attributes: the wrong attribute kind for IRDL (an array instead of a dense array).
func.func @case16(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.array'}}
  %0 = "graph.sum"(%a) {axes = [1], keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Attributes: a dense array of the wrong element type (attrs.INTS).
func.func @case17(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.sum' op attribute 'axes': expected array<i64: ...>, got array<i32: 1>}}
  %0 = "graph.sum"(%a) {axes = array<i32: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Attributes: keepdims must be a bool (attrs.BOOL).
func.func @case18(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.sum' op attribute 'keepdims': expected `true` or `false`, got 0 : i64}}
  %0 = "graph.sum"(%a) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Attributes: an integer attribute, not a bool (attrs.INT).
func.func @case19(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'graph.concat' op attribute 'axis': expected an integer attribute such as `1 : i64`, got true}}
  %0 = "graph.concat"(%a, %b) {axis = true} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Reductions: axes out of range (rules.normalize_axes).
func.func @case20(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.sum' op axes (2,) out of range for a rank-2 operand}}
  %0 = "graph.sum"(%a) {axes = array<i64: 2>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Reductions: axes must be sorted.
func.func @case21(%a: tensor<3x4xf32>) -> tensor<f32> {
  // expected-error@+1 {{'graph.mean' op axes (1, 0) must be sorted, non-negative and distinct (write array<i64: 0, 1>)}}
  %0 = "graph.mean"(%a) {axes = array<i64: 1, 0>, keepdims = false} : (tensor<3x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Reductions: axes must be non-negative.
func.func @case22(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.min' op axes (-1,) must be sorted, non-negative and distinct (write array<i64: 1>)}}
  %0 = "graph.min"(%a) {axes = array<i64: -1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Reductions: an axis cannot repeat.
func.func @case23(%a: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.sum' op axes (0, 0) repeats an axis}}
  %0 = "graph.sum"(%a) {axes = array<i64: 0, 0>, keepdims = false} : (tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Reductions: max, min, mean and logsumexp of an empty axis have no identity.
func.func @case24(%a: tensor<0x3xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.max' op cannot reduce the empty axes (0,) of shape 0x3: the result has no identity}}
  %0 = "graph.max"(%a) {axes = array<i64: 0>, keepdims = false} : (tensor<0x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Reductions: keepdims keeps the reduced axes as 1 (result type check).
func.func @case25(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.logsumexp' op result type tensor<3xf32> does not match the type tensor<3x1xf32> inferred from tensor<3x4xf32>}}
  %0 = "graph.logsumexp"(%a) {axes = array<i64: 1>, keepdims = true} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Reductions: the input must be a number (sum, max, min) or a float (mean, ...).
func.func @case26(%a: tensor<3x4xi1>) -> tensor<3xi1> {
  // expected-error@+1 {{'graph.sum' op operand 'input' must have a numeric element type (f32, f64, i32 or i64), got tensor<3x4xi1>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.sum"(%a) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xi1>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// matmul: both operands need rank >= 2.
func.func @case27(%a: tensor<4xf32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  // expected-error@+1 {{'graph.matmul' op operand 'lhs' of shape 4 must have rank >= 2 (reshape a vector to a 1xN or Nx1 matrix)}}
  %0 = "graph.matmul"(%a, %b) : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// matmul: contraction dimensions must agree.
func.func @case28(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error@+1 {{'graph.matmul' op contraction dimensions differ: operand 'lhs' of shape 3x4 has 4 columns but operand 'rhs' of shape 5x6 has 5 rows}}
  %0 = "graph.matmul"(%a, %b) : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// matmul: batch dimensions must broadcast.
func.func @case29(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error@+1 {{'graph.matmul' op operand 'rhs batch dims' of shape 3 is not broadcast-compatible with operand 'lhs batch dims' of shape 2}}
  %0 = "graph.matmul"(%a, %b) : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// matmul: one element type.
func.func @case30(%a: tensor<3x4xf64>, %b: tensor<4x5xf32>) -> tensor<3x5xf64> {
  // expected-error@+1 {{'graph.matmul' op operand 'rhs' has element type f32 but operand 'lhs' has f64 (tensor<4x5xf32> vs tensor<3x4xf64>); symgrad does not promote types implicitly: insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them}}
  %0 = "graph.matmul"(%a, %b) : (tensor<3x4xf64>, tensor<4x5xf32>) -> tensor<3x5xf64>
  return %0 : tensor<3x5xf64>
}

// -----

// transpose: perm must be a permutation.
func.func @case31(%a: tensor<3x4xf32>) -> tensor<3x3xf32> {
  // expected-error@+1 {{'graph.transpose' op perm (0, 0) is not a permutation of the 2 dims of shape 3x4}}
  %0 = "graph.transpose"(%a) {perm = array<i64: 0, 0>} : (tensor<3x4xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// transpose: ... of all the dims.
func.func @case32(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.transpose' op perm (0,) is not a permutation of the 2 dims of shape 3x4}}
  %0 = "graph.transpose"(%a) {perm = array<i64: 0>} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// reshape: the element count is preserved.
func.func @case33(%a: tensor<3x4xf32>) -> tensor<5x2xf32> {
  // expected-error@+1 {{'graph.reshape' op cannot reshape operand 'input' of shape 3x4 (12 elements) to 5x2 (10 elements)}}
  %0 = "graph.reshape"(%a) {shape = array<i64: 5, 2>} : (tensor<3x4xf32>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

// reshape: no negative (numpy -1) dimensions in the IR (rules.check_shape_attr).
func.func @case34(%a: tensor<3x4xf32>) -> tensor<12xf32> {
  // expected-error@+1 {{'graph.reshape' op shape (-1,) has a negative dimension}}
  %0 = "graph.reshape"(%a) {shape = array<i64: -1>} : (tensor<3x4xf32>) -> tensor<12xf32>
  return %0 : tensor<12xf32>
}

// -----

// broadcast_to: the operand must broadcast to shape.
func.func @case35(%a: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'graph.broadcast_to' op operand 'input' of shape 3 cannot be broadcast to 2x4}}
  %0 = "graph.broadcast_to"(%a) {shape = array<i64: 2, 4>} : (tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// sum_to_size: a boolean tensor has no sum (found by the random-graph fuzzer).
func.func @sum_to_size_of_i1(%a: tensor<2xi1>) -> tensor<1xi1> {
  // expected-error@+1 {{'graph.sum_to_size' op operand 'input' must have a float element type (f32 or f64), got tensor<2xi1>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.sum_to_size"(%a) {shape = array<i64: 1>} : (tensor<2xi1>) -> tensor<1xi1>
  return %0 : tensor<1xi1>
}

// -----

// sum_to_size: shape must broadcast to the operand.
func.func @case36(%a: tensor<2x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.sum_to_size' op shape 3 does not broadcast to the shape 2x4 of operand 'input', so the operand cannot be summed to it}}
  %0 = "graph.sum_to_size"(%a) {shape = array<i64: 3>} : (tensor<2x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// concat: axis in range.
func.func @case37(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error@+1 {{'graph.concat' op axis 2 out of range for rank-2 operands (use 0..1)}}
  %0 = "graph.concat"(%a, %b) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

// concat: shapes agree outside the axis.
func.func @case38(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'graph.concat' op operand 'rhs' of shape 2x4 does not match operand 'lhs' of shape 2x3 outside axis 0}}
  %0 = "graph.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// concat: ... and in rank.
func.func @case39(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error@+1 {{'graph.concat' op operand 'rhs' of shape 3 does not match operand 'lhs' of shape 2x3 outside axis 0}}
  %0 = "graph.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// concat: one element type.
func.func @case40(%a: tensor<2x3xf32>, %b: tensor<2x3xf64>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'graph.concat' op operand 'rhs' has element type f64 but operand 'lhs' has f32 (tensor<2x3xf64> vs tensor<2x3xf32>); symgrad does not promote types implicitly: insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them}}
  %0 = "graph.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// slice: start/stop/step have one entry per dim.
func.func @case41(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.slice' op `start` has 1 entries but operand 'input' of shape 3x4 has rank 2}}
  %0 = "graph.slice"(%a) {start = array<i64: 0>, step = array<i64: 1>, stop = array<i64: 3>} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// slice: steps are >= 1.
func.func @case42(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.slice' op step 0 in dim 0 must be >= 1}}
  %0 = "graph.slice"(%a) {start = array<i64: 0>, step = array<i64: 0>, stop = array<i64: 4>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// slice: bounds inside the operand.
func.func @case43(%a: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.slice' op bounds 2:5 in dim 0 are outside 0 <= start <= stop <= 4 for operand 'input' of shape 4}}
  %0 = "graph.slice"(%a) {start = array<i64: 2>, step = array<i64: 1>, stop = array<i64: 5>} : (tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// pad: shape/start/step have one entry per dim.
func.func @case44(%a: tensor<3xf32>) -> tensor<5xf32> {
  // expected-error@+1 {{'graph.pad' op `start` has 2 entries but operand 'input' of shape 3 has rank 1}}
  %0 = "graph.pad"(%a) {shape = array<i64: 5>, start = array<i64: 0, 0>, step = array<i64: 1>} : (tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// pad: start >= 0 and step >= 1.
func.func @case45(%a: tensor<3xf32>) -> tensor<5xf32> {
  // expected-error@+1 {{'graph.pad' op start -1 and step 1 in dim 0 must be >= 0 and >= 1}}
  %0 = "graph.pad"(%a) {shape = array<i64: 5>, start = array<i64: -1>, step = array<i64: 1>} : (tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// pad: the operand must fit.
func.func @case46(%a: tensor<3xf32>) -> tensor<5xf32> {
  // expected-error@+1 {{'graph.pad' op operand 'input' of shape 3 placed at start 1 with step 2 overruns dim 0 of size 5 in result shape 5}}
  %0 = "graph.pad"(%a) {shape = array<i64: 5>, start = array<i64: 1>, step = array<i64: 2>} : (tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// constant: value must be dense elements (attrs.TENSOR).
func.func @case47() -> tensor<f32> {
  // expected-error@+1 {{'graph.constant' op attribute 'value': expected dense elements such as `dense<1.0> : tensor<2xf32>`, got 1.000000e+00 : f32}}
  %0 = "graph.constant"() {value = 1.0 : f32} : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// constant: ... of a supported element type.
func.func @case48() -> tensor<2xi8> {
  // expected-error@+1 {{'graph.constant' op attribute 'value': element type i8 is not supported (expected f32, f64, i1, i32 or i64)}}
  %0 = "graph.constant"() {value = dense<1> : tensor<2xi8>} : () -> tensor<2xi8>
  return %0 : tensor<2xi8>
}

// -----

// constant: the result type is the value's type.
func.func @case49() -> tensor<3xf32> {
  // expected-error@+1 {{'graph.constant' op result type tensor<3xf32> does not match the type tensor<2xf32> inferred from no operands}}
  %0 = "graph.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// cast: the result has the operand's shape and element type `to`.
func.func @case50(%a: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error@+1 {{'graph.cast' op result type tensor<4xi1> does not match the type tensor<4xi32> inferred from tensor<4xf32>}}
  %0 = "graph.cast"(%a) {to = i32} : (tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// cast: the target must be a supported element type.
func.func @case51(%a: tensor<4xf32>) -> tensor<4xi16> {
  // expected-error@+1 {{'graph.cast' op attribute 'to': element type i16 is not supported (expected f32, f64, i1, i32 or i64)}}
  %0 = "graph.cast"(%a) {to = i16} : (tensor<4xf32>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// cast: the target is a type, not a string (IRDL).
func.func @case52(%a: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error@+1 {{expected base attribute 'builtin.type' but got 'builtin.string'}}
  %0 = "graph.cast"(%a) {to = "f64"} : (tensor<4xf32>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// cast: from a supported element type only.
func.func @case53(%a: tensor<4xui8>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.cast' op operand #0 ('input'): element type ui8 is not supported (expected f32, f64, i1, i32 or i64)}}
  %0 = "graph.cast"(%a) {to = f32} : (tensor<4xui8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// IRDL: operand count.
func.func @case54(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{op expects exactly 1 operands, but got 2}}
  %0 = "graph.neg"(%a, %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// IRDL: operands are tensors.
func.func @case55(%a: f32) -> tensor<f32> {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.f32'}}
  %0 = "graph.neg"(%a) : (f32) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// IRDL: one result.
func.func @case56(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{op expects exactly 1 results, but got 2}}
  %0:2 = "graph.neg"(%a) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0 : tensor<4xf32>
}

// -----

// An op the graph dialect does not define.
func.func @case57(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{unregistered operation 'graph.frobnicate' found in dialect ('graph') that does not allow unknown operations}}
  %0 = "graph.frobnicate"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Every bad graph op is reported, not just the first, wherever it is nested.
func.func @several(%a: tensor<3x4xf32>, %c: i1) -> tensor<3x4xf32> {
  // expected-error@+1 {{'graph.exp' op result type tensor<4x3xf32> does not match the type tensor<3x4xf32> inferred from tensor<3x4xf32>}}
  %0 = "graph.exp"(%a) : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %1 = scf.if %c -> tensor<3x4xf32> {
    // expected-error@+1 {{'graph.sum_to_size' op shape (-2,) has a negative dimension}}
    %2 = "graph.sum_to_size"(%a) {shape = array<i64: -2>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
    scf.yield %2 : tensor<3x4xf32>
  } else {
    scf.yield %a : tensor<3x4xf32>
  }
  %3 = "graph.neg"(%1) {alpha = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>  // expected-error {{'graph.neg' op unknown attribute 'alpha' (expected none)}}
  return %3 : tensor<3x4xf32>
}

// -----

// A parameter must be finite (activations._finite): an infinite leaky_relu slope.
func.func @case_a1(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.leaky_relu' op attribute 'negative_slope' must be finite, got inf}}
  %0 = "graph.leaky_relu"(%a) {negative_slope = 0x7FF0000000000000 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Bounds must be ordered (activations._ordered): hardtanh with min_val > max_val.
func.func @case_a2(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.hardtanh' op attribute 'min_val' = 1.0 is greater than 'max_val' = -1.0}}
  %0 = "graph.hardtanh"(%a) {min_val = 1.0 : f64, max_val = -1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A float attribute must be a float (attrs.FLOAT): IRDL accepts any #builtin.float, the kind needs a number; NaN.
func.func @case_a3(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.clip' op attribute 'min': expected a number, got NaN (0x7FF8000000000000 : f64)}}
  %0 = "graph.clip"(%a) {min = 0x7FF8000000000000 : f64, max = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ddof leaves at least one degree of freedom (reduction._infer_var).
func.func @case_a4(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.var' op ddof 4 must be less than 4, the number of elements reduced over axes (1,) of shape 3x4 (n - ddof <= 0 leaves no degrees of freedom)}}
  %0 = "graph.var"(%a) {axes = array<i64: 1>, keepdims = false, ddof = 4 : i64} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// ... and is not negative.
func.func @case_a5(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.std' op ddof -1 must be >= 0 (it is subtracted from the count of elements)}}
  %0 = "graph.std"(%a) {axes = array<i64: 1>, keepdims = false, ddof = -1 : i64} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// cumsum's axis must be in range (scan._infer_cumsum).
func.func @case_a6(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error@+1 {{'graph.cumsum' op axis 2 out of range for operand 'input' of shape 3x4 (use 0..1)}}
  %0 = "graph.cumsum"(%a) {axis = 2 : i64, reverse = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// reverse's axes are sorted and distinct (scan._infer_reverse).
func.func @case_a7(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error@+1 {{'graph.reverse' op axes (1, 0) must be sorted, non-negative and distinct (write array<i64: 0, 1>)}}
  %0 = "graph.reverse"(%a) {axes = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// ... and in range (shape_rules.normalize_axes).
func.func @case_a8(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error@+1 {{'graph.reverse' op axes (2,) out of range for a rank-2 operand}}
  %0 = "graph.reverse"(%a) {axes = array<i64: 2>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Float parameters are #builtin.float (IRDL): an integer slope is rejected while parsing.
func.func @case_a9(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{expected base attribute 'builtin.float' but got 'builtin.integer'}}
  %0 = "graph.leaky_relu"(%a) {negative_slope = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// argmax: an axis to search, in range and not empty.
func.func @argmax_rank0(%a: tensor<f32>) -> tensor<i64> {
  // expected-error@+1 {{'graph.argmax' op a rank-0 operand has no axis to search (the front-end flattens for axis=None)}}
  %0 = "graph.argmax"(%a) {axis = 0 : i64, keepdims = false} : (tensor<f32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

func.func @argmin_axis(%a: tensor<3x4xi32>) -> tensor<3xi64> {
  // expected-error@+1 {{'graph.argmin' op axis 2 out of range for operand 'input' of shape 3x4 (use 0..1)}}
  %0 = "graph.argmin"(%a) {axis = 2 : i64, keepdims = false} : (tensor<3x4xi32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @argmax_empty(%a: tensor<3x0xf64>) -> tensor<3xi64> {
  // expected-error@+1 {{'graph.argmax' op cannot search the empty axis 1 of shape 3x0: there is no index to return}}
  %0 = "graph.argmax"(%a) {axis = 1 : i64, keepdims = false} : (tensor<3x0xf64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// argmax: the result is i64 indices.
func.func @argmax_result(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error@+1 {{'graph.argmax' op result type tensor<3xf32> does not match the type tensor<3xi64> inferred from tensor<3x4xf32>}}
  %0 = "graph.argmax"(%a) {axis = 1 : i64, keepdims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// one_hot: integer labels, a depth >= 0.
func.func @one_hot_float_labels(%a: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error@+1 {{'graph.one_hot' op operand 'labels' must have an integer element type (i32 or i64), got tensor<3xf32>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.one_hot"(%a) {depth = 4 : i64, dtype = f32} : (tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @one_hot_depth(%a: tensor<3xi32>) -> tensor<3x0xf32> {
  // expected-error@+1 {{'graph.one_hot' op depth -1 must be >= 0}}
  %0 = "graph.one_hot"(%a) {depth = -1 : i64, dtype = f32} : (tensor<3xi32>) -> tensor<3x0xf32>
  return %0 : tensor<3x0xf32>
}

// -----

// Sorting (ops/sorting.py): a numeric operand of rank >= 1, an axis in range, 0 <= k <= the axis' length.
func.func @sort_rank0(%a: tensor<f32>) -> (tensor<f32>, tensor<i64>) {
  // expected-error@+1 {{'graph.sort_with_indices' op a rank-0 operand has no axis to sort along (the front-end flattens for axis=None)}}
  %0:2 = "graph.sort_with_indices"(%a) {axis = 0 : i64, descending = false} : (tensor<f32>) -> (tensor<f32>, tensor<i64>)
  return %0#0, %0#1 : tensor<f32>, tensor<i64>
}

// -----

func.func @sort_axis(%a: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi64>) {
  // expected-error@+1 {{'graph.sort_with_indices' op axis 2 out of range for operand 'input' of shape 3x4 (use 0..1)}}
  %0:2 = "graph.sort_with_indices"(%a) {axis = 2 : i64, descending = false} : (tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi64>)
  return %0#0, %0#1 : tensor<3x4xf32>, tensor<3x4xi64>
}

// -----

func.func @sort_bool(%a: tensor<3xi1>) -> (tensor<3xi1>, tensor<3xi64>) {
  // expected-error@+1 {{'graph.sort_with_indices' op operand 'input' must have a numeric element type (f32, f64, i32 or i64), got tensor<3xi1>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0:2 = "graph.sort_with_indices"(%a) {axis = 0 : i64, descending = false} : (tensor<3xi1>) -> (tensor<3xi1>, tensor<3xi64>)
  return %0#0, %0#1 : tensor<3xi1>, tensor<3xi64>
}

// -----

// Each result is compared with its inferred type, and named when the op has several.
func.func @sort_indices_type(%a: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi32>) {
  // expected-error@+1 {{'graph.sort_with_indices' op result #1 ('indices') type tensor<3x4xi32> does not match the type tensor<3x4xi64> inferred from tensor<3x4xf32>}}
  %0:2 = "graph.sort_with_indices"(%a) {axis = 1 : i64, descending = false} : (tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xi32>)
  return %0#0, %0#1 : tensor<3x4xf32>, tensor<3x4xi32>
}

// -----

func.func @topk_k(%a: tensor<3x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xi64>) {
  // expected-error@+1 {{'graph.topk' op k = 5 must be in [0, 4] (the length of axis 1 of operand 'input' of shape 3x4)}}
  %0:2 = "graph.topk"(%a) {axis = 1 : i64, k = 5 : i64} : (tensor<3x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xi64>)
  return %0#0, %0#1 : tensor<3x5xf32>, tensor<3x5xi64>
}

// -----

// IRDL counts the results.
func.func @topk_one_result(%a: tensor<3x4xf32>) -> tensor<3x2xf32> {
  // expected-error@+1 {{op expects exactly 2 results, but got 1}}
  %0 = "graph.topk"(%a) {axis = 1 : i64, k = 2 : i64} : (tensor<3x4xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// random_bits: a key of two integer words, no negative dimension.
func.func @random_bits_key_shape(%k: tensor<3xi32>) -> tensor<4xi32> {
  // expected-error@+1 {{'graph.random_bits' op operand 'key' must have shape 2 (two 32-bit key words), got 3 (tensor<3xi32>)}}
  %0 = "graph.random_bits"(%k) {shape = array<i64: 4>} : (tensor<3xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @random_bits_float_key(%k: tensor<2xf32>) -> tensor<4xi32> {
  // expected-error@+1 {{'graph.random_bits' op operand 'key' must have an integer element type (i32 or i64), got tensor<2xf32>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.random_bits"(%k) {shape = array<i64: 4>} : (tensor<2xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @random_bits_negative_dim(%k: tensor<2xi32>) -> tensor<4xi32> {
  // expected-error@+1 {{'graph.random_bits' op shape (-1, 4) has a negative dimension}}
  %0 = "graph.random_bits"(%k) {shape = array<i64: -1, 4>} : (tensor<2xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// take: integer indices (ops/indexing.py).
func.func @take_float_indices(%a: tensor<4x3xf32>, %i: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'graph.take' op operand 'indices' must have an integer element type (i32 or i64), got tensor<2xf32>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.take"(%a, %i) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// take: an axis to index, in range.
func.func @take_rank0(%a: tensor<f32>, %i: tensor<2xi32>) -> tensor<2xf32> {
  // expected-error@+1 {{'graph.take' op operand 'input' has rank 0: there is no axis to index (the front-end flattens for axis=None)}}
  %0 = "graph.take"(%a, %i) {axis = 0 : i64} : (tensor<f32>, tensor<2xi32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @take_axis(%a: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<4x2xf32> {
  // expected-error@+1 {{'graph.take' op axis 2 out of range for operand 'input' of shape 4x3 (use 0..1)}}
  %0 = "graph.take"(%a, %i) {axis = 2 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// take: nothing to read on an empty axis (native code would read out of bounds).
func.func @take_empty_axis(%a: tensor<0x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'graph.take' op cannot index the empty axis 0 of operand 'input' of shape 0x3 with 2 indices}}
  %0 = "graph.take"(%a, %i) {axis = 0 : i64} : (tensor<0x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// take: the result is input.shape[:axis] + indices.shape + input.shape[axis+1:].
func.func @take_result(%a: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<4x2xf32> {
  // expected-error@+1 {{'graph.take' op result type tensor<4x2xf32> does not match the type tensor<2x3xf32> inferred from tensor<4x3xf32>, tensor<2xi64>}}
  %0 = "graph.take"(%a, %i) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// take_along_axis: indices of input's rank, and input's shape outside the axis.
func.func @take_along_axis_rank(%a: tensor<4x3xf32>, %i: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error@+1 {{'graph.take_along_axis' op operand 'indices' of shape 4 must have the rank of operand 'input' of shape 4x3}}
  %0 = "graph.take_along_axis"(%a, %i) {axis = 1 : i64} : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @take_along_axis_shape(%a: tensor<4x3xf32>, %i: tensor<2x5xi32>) -> tensor<2x5xf32> {
  // expected-error@+1 {{'graph.take_along_axis' op operand 'indices' of shape 2x5 must match operand 'input' of shape 4x3 outside axis 1 (dim d of the result is theirs; the front-end broadcasts)}}
  %0 = "graph.take_along_axis"(%a, %i) {axis = 1 : i64} : (tensor<4x3xf32>, tensor<2x5xi32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// scatter_add: updates of input's element type and of take(input, indices, axis)'s shape.
func.func @scatter_add_updates_shape(%a: tensor<4x3xf32>, %i: tensor<5xi64>, %u: tensor<5x4xf32>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'graph.scatter_add' op operand 'updates' of shape 5x4 must have the shape 5x3 of take(input, indices, axis=0) (the front-end broadcasts)}}
  %0 = "graph.scatter_add"(%a, %i, %u) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<5xi64>, tensor<5x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @scatter_add_updates_dtype(%a: tensor<4x3xf32>, %i: tensor<5xi64>, %u: tensor<5x3xf64>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'graph.scatter_add' op operand 'updates' has element type f64 but operand 'input' has f32 (tensor<5x3xf64> vs tensor<4x3xf32>); symgrad does not promote types implicitly: insert graph.cast (symgrad.cast(x, dtype) or x.astype(dtype)) to mix them}}
  %0 = "graph.scatter_add"(%a, %i, %u) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<5xi64>, tensor<5x3xf64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// scatter_add: no booleans to add.
func.func @scatter_add_bool(%a: tensor<4xi1>, %i: tensor<2xi64>, %u: tensor<2xi1>) -> tensor<4xi1> {
  // expected-error@+1 {{'graph.scatter_add' op operand 'input' must have a numeric element type (f32, f64, i32 or i64), got tensor<4xi1>; convert it explicitly with symgrad.cast(x, dtype) or x.astype(dtype) (graph.cast in IR)}}
  %0 = "graph.scatter_add"(%a, %i, %u) {axis = 0 : i64} : (tensor<4xi1>, tensor<2xi64>, tensor<2xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// scatter_add_along_axis: updates of the indices' shape.
func.func @scatter_add_along_axis_updates(%a: tensor<4x3xf32>, %i: tensor<4x5xi32>, %u: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error@+1 {{'graph.scatter_add_along_axis' op operand 'updates' of shape 4x3 must have the shape 4x5 of operand 'indices' (the front-end broadcasts)}}
  %0 = "graph.scatter_add_along_axis"(%a, %i, %u) {axis = 1 : i64} : (tensor<4x3xf32>, tensor<4x5xi32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
