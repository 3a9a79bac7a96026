// bare-pointer-calls: a private function whose memrefs all have a static shape and layout is
// marked llvm.bareptr, and convert-func-to-llvm then passes each memref as its aligned pointer
// (the callee rebuilds the descriptor from constants). Public functions (the kernels' ABI) and
// functions with a dynamic size, stride or offset keep their descriptors.
// RUN: %symgrad-opt %s -p 'builtin.module(bare-pointer-calls)' | %FileCheck %s
// RUN: %symgrad-opt %s -p 'builtin.module(bare-pointer-calls,finalize-memref-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)' | %FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func private @static_layouts(
// CHECK-SAME: llvm.bareptr
// LLVM-LABEL: llvm.func @static_layouts(
// LLVM-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64)
func.func private @static_layouts(%a: memref<4x8xf32>, %b: memref<2x3xf32, strided<[8, 1], offset: 5>>,
                                  %c: memref<f64>, %n: i64) attributes {passthrough = ["noinline"]} {
  return
}

// CHECK-LABEL: func.func private @dynamic_offset(
// CHECK-NOT: llvm.bareptr
// CHECK: return
func.func private @dynamic_offset(%a: memref<4xf32, strided<[1], offset: ?>>) {
  return
}

// CHECK-LABEL: func.func private @dynamic_size(
// CHECK-NOT: llvm.bareptr
// CHECK: return
func.func private @dynamic_size(%a: memref<?xf32>) {
  return
}

// CHECK-LABEL: func.func @kernel(
// CHECK-NOT: llvm.bareptr
// CHECK: call @static_layouts
// LLVM-LABEL: llvm.func @kernel(
// LLVM-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64,
// LLVM: %[[A:.*]] = llvm.extractvalue %{{.*}}[1] : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// LLVM: llvm.call @static_layouts(%[[A]], %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> ()
func.func @kernel(%a: memref<4x8xf32>, %b: memref<2x3xf32, strided<[8, 1], offset: 5>>, %c: memref<f64>, %n: i64) {
  call @static_layouts(%a, %b, %c, %n) : (memref<4x8xf32>, memref<2x3xf32, strided<[8, 1], offset: 5>>, memref<f64>, i64) -> ()
  return
}

// A declaration has no body to rebuild descriptors in: left alone.
// CHECK-LABEL: func.func private @declared(
// CHECK-NOT: llvm.bareptr
func.func private @declared(memref<4xf32>)
