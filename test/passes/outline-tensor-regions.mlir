// outline-tensor-regions: each top-level op with regions becomes a call of a private noinline
// function on tensors, with the constants, tensor.empty and linalg.fill it reads cloned in and
// every other value passed as an argument; the three identical exps become one function (the
// second reads a different argument, the third the first's result: the same function of its
// arguments), the reduction with its fill another. Producers left without users are erased. An op
// whose result is unused stays for canonicalize (a call would not be removed), and so does the op
// whose result is returned (it must write into the caller's out-parameter, not a buffer of its own).
// RUN: %symgrad-opt %s -p 'builtin.module(outline-tensor-regions)' | %FileCheck %s
// RUN: %symgrad-opt %s -p 'builtin.module(outline-tensor-regions{min-regions=5})' | %FileCheck %s --check-prefix=WHOLE

// CHECK-LABEL: func.func @f(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x8xf32>, %[[Y:[^:]*]]: tensor<4x8xf32>
// CHECK-NEXT: tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[A:.*]] = call @f.region0(%[[X]]) : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[B:.*]] = call @f.region0(%[[Y]]) : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[C:.*]] = call @f.region0(%[[A]]) : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[S:.*]] = call @f.region1(%[[B]], %[[C]]) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4xf32>
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[X]]
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[S]]
// CHECK: arith.negf
// CHECK: return %[[N]]
// CHECK: func.func private @f.region0(%[[IN:.*]]: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {passthrough = ["noinline"]}
// CHECK-NEXT: %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK-NEXT: %[[R:.*]] = linalg.generic {{.*}} ins(%[[IN]] : tensor<4x8xf32>) outs(%[[E]] : tensor<4x8xf32>)
// CHECK: math.exp
// CHECK: return %[[R]]
// CHECK: func.func private @f.region1(
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: tensor.empty() : tensor<4xf32>
// CHECK: linalg.fill
// CHECK: linalg.generic
// CHECK-NOT: func.func private @f.region2
// WHOLE-NOT: call
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @f(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %r = tensor.empty() : tensor<4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%r : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #row], iterator_types = ["parallel", "reduction"]} ins(%b, %c : tensor<4x8xf32>, tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %t = arith.addf %acc, %m : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  %unused = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %r2 = tensor.empty() : tensor<4xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%s : tensor<4xf32>) outs(%r2 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<4xf32>
  return %n : tensor<4xf32>
}
