// serialize-small-parallel-loops: an scf.parallel marked with its work (symgrad.work, set by
// matmul's row split) is kept parallel by that count; an unmarked one is counted by its loops
// and, being small, becomes scf.for.
// RUN: %symgrad-opt %s -p 'builtin.module(serialize-small-parallel-loops)' | %FileCheck %s

// CHECK-LABEL: func.func @marked(
// CHECK: scf.parallel
// CHECK-LABEL: func.func @unmarked(
// CHECK-NOT: scf.parallel
// CHECK: scf.for
func.func @marked(%m: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %x = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %x, %m[%i] : memref<4xf32>
    scf.reduce
  } {symgrad.work = 1000000 : i64}
  return
}

func.func @unmarked(%m: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %x = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %x, %m[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

