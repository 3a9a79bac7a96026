// split-distinct-deallocs: the dealloc that ends a block, of buffers that are all distinct
// memref.alloc results, becomes one dealloc per buffer with its own condition. A dealloc that
// retains a value, or frees a block argument or a view (which may alias), stays whole.
// RUN: %symgrad-opt %s -p 'builtin.module(split-distinct-deallocs)' | %FileCheck %s

// CHECK-LABEL: func.func @distinct(
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.*]] = memref.alloc() : memref<8xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<4xf32>
// CHECK: bufferization.dealloc (%[[A]] : memref<4xf32>) if (%{{.*}})
// CHECK-NEXT: bufferization.dealloc (%[[B]] : memref<8xf32>) if (%[[COND:.*]])
// CHECK-NEXT: bufferization.dealloc (%[[C]] : memref<4xf32>) if (%{{.*}})
// CHECK-NEXT: return
func.func @distinct(%cond: i1) {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<8xf32>
  %c = memref.alloc() : memref<4xf32>
  bufferization.dealloc (%a, %b, %c : memref<4xf32>, memref<8xf32>, memref<4xf32>) if (%true, %cond, %true)
  return
}

// CHECK-LABEL: func.func @kept(
// CHECK: bufferization.dealloc (%{{.*}}, %{{.*}} : memref<4xf32>, memref<4xf32>) if
// CHECK: bufferization.dealloc (%{{.*}}, %{{.*}} : memref<4xf32>, memref<4xf32>) if ({{.*}}) retain
// CHECK: bufferization.dealloc (%{{.*}}, %{{.*}} : memref<2xf32, strided<[1], offset: 2>>, memref<4xf32>) if
func.func @kept(%arg: memref<4xf32>, %r: memref<4xf32>) -> i1 {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  %v = memref.subview %b[2] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 2>>
  bufferization.dealloc (%arg, %a : memref<4xf32>, memref<4xf32>) if (%true, %true)
  %k = bufferization.dealloc (%a, %b : memref<4xf32>, memref<4xf32>) if (%true, %true) retain (%r : memref<4xf32>)
  bufferization.dealloc (%v, %b : memref<2xf32, strided<[1], offset: 2>>, memref<4xf32>) if (%true, %true)
  return %k : i1
}
