// scope-loop-allocas: a loop body with stack temporaries saves the stack pointer at its start and
// restores it before its terminator, so the stack does not grow with the trip count.
// RUN: %symgrad-opt -p 'builtin.module(scope-loop-allocas)' %s | %FileCheck %s

// CHECK-LABEL: func.func @blocks(
// CHECK:       scf.for
// CHECK-NEXT:    %[[SP:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK-NEXT:    memref.alloca() : memref<4xf64>
// CHECK:         llvm.intr.stackrestore %[[SP]] : !llvm.ptr
// CHECK-NEXT:  }
func.func @blocks(%out: memref<1000xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %zero = arith.constant 0.0 : f64
  scf.for %i = %c0 to %c1000 step %c1 {
    %t = memref.alloca() : memref<4xf64>
    memref.store %zero, %t[%c0] : memref<4xf64>
    %v = memref.load %t[%c0] : memref<4xf64>
    memref.store %v, %out[%i] : memref<1000xf64>
  }
  return
}

// No alloca in the body: nothing to do.
// CHECK-LABEL: func.func @no_allocas(
// CHECK-NOT:   llvm.intr.stacksave
// CHECK:       return
func.func @no_allocas(%out: memref<1000xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %zero = arith.constant 0.0 : f64
  scf.for %i = %c0 to %c1000 step %c1 {
    memref.store %zero, %out[%i] : memref<1000xf64>
  }
  return
}

// The body hands a memref to the next iteration (it may live on that stack): left alone.
// CHECK-LABEL: func.func @yields_a_buffer(
// CHECK-NOT:   llvm.intr.stacksave
// CHECK:       return
func.func @yields_a_buffer(%init: memref<4xf64>) -> memref<4xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %r = scf.for %i = %c0 to %c10 step %c1 iter_args(%b = %init) -> memref<4xf64> {
    %t = memref.alloca() : memref<4xf64>
    scf.yield %t : memref<4xf64>
  }
  return %r : memref<4xf64>
}
