// convert-memref-copy-to-linalg: a copy of strided memrefs becomes linalg.copy (plain loops once
// lowered), not a call to memrefCopy from MLIR's runner-utils library, which is not installed.
// RUN: %symgrad-opt --convert-memref-copy-to-linalg %s | %FileCheck %s

// CHECK-LABEL: func.func @copy(
// CHECK-NOT: memref.copy
// CHECK: linalg.copy {{.*}}ins(%arg0 : memref<4x4xf32, strided<[8, 1]>>) outs(%arg1 : memref<4x4xf32>)
func.func @copy(%a: memref<4x4xf32, strided<[8, 1]>>, %b: memref<4x4xf32>) {
  memref.copy %a, %b : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}
