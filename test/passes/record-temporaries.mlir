// record-temporaries writes, for every public function, the heap temporaries it allocates into a
// constant global @_symgrad_temporaries_<name>: [flags, n, (bytes, count) x n], largest size first.
// The runtime reads it from the object code and reserves those blocks in the caching pool before a
// call, so running out of memory is a MemoryError before native code runs (runtime/kernel.py).
// RUN: %symgrad-opt %s -p 'builtin.module(record-temporaries)' | %FileCheck %s

// Sizes are rounded up to the alignment (at least 16); a parallel loop's allocation counts once per
// iteration (4 x 2048 bytes), a sequential loop's once when it is freed in the same iteration (48);
// the temporaries of called functions count too (@g's 16 bytes); allocas are on the stack.
// CHECK-DAG: llvm.mlir.global external constant @_symgrad_temporaries_f(dense<[0, 5, 4194304, 2, 2048, 4, 400, 1, 48, 1, 16, 1]> : tensor<12xi64>)
// A dynamic size cannot be bounded: flag 1, the static allocation is still recorded.
// CHECK-DAG: llvm.mlir.global external constant @_symgrad_temporaries_dyn(dense<[1, 1, 256, 1]> : tensor<4xi64>)
// A loop-carried buffer (not freed in its iteration) cannot be bounded either.
// CHECK-DAG: llvm.mlir.global external constant @_symgrad_temporaries_carried(dense<[1, 0]> : tensor<2xi64>)
// Private functions get no record of their own.
// CHECK-NOT: @_symgrad_temporaries_g

func.func @f(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %0 = memref.alloc() {alignment = 64 : i64} : memref<1024x1024xf32>
  %1 = memref.alloc() {alignment = 64 : i64} : memref<1024x1024xf32>
  %2 = memref.alloc() : memref<100xf32>
  %3 = memref.alloca() : memref<16xf64>
  scf.forall (%i) in (4) {
    %t = memref.alloc() {alignment = 64 : i64} : memref<256xf64>
    memref.dealloc %t : memref<256xf64>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %u = memref.alloc() : memref<12xf32>
    memref.dealloc %u : memref<12xf32>
  }
  func.call @g() : () -> ()
  memref.dealloc %0 : memref<1024x1024xf32>
  memref.dealloc %1 : memref<1024x1024xf32>
  memref.dealloc %2 : memref<100xf32>
  return
}

func.func private @g() {
  %0 = memref.alloc() : memref<16xi8>
  memref.dealloc %0 : memref<16xi8>
  return
}

func.func @dyn(%n: index) {
  %0 = memref.alloc(%n) : memref<?xf32>
  %1 = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  memref.dealloc %0 : memref<?xf32>
  memref.dealloc %1 : memref<64xf32>
  return
}

func.func @carried() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %u = memref.alloc() : memref<1024xf32>
    %v = memref.load %u[%c0] : memref<1024xf32>
  }
  return
}
