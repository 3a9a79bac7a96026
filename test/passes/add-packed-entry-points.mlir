// add-packed-entry-points: symgrad_packed_<name> takes one table of descriptor pointers (inputs,
// then results), loads each, then runs what the C interface did (load each descriptor, call the
// kernel with its fields); the kernel becomes internal and always-inline, so LLVM inlines it into
// the packed entry; _mlir_ciface_<name> keeps its signature and calls the packed entry through a
// table on its stack. The runtime calls every kernel with one argument, however many arrays.
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s

// CHECK-LABEL: llvm.func internal @f(
// CHECK-SAME: always_inline
// CHECK-LABEL: llvm.func @_mlir_ciface_f(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr)
// CHECK: %[[N:.*]] = llvm.mlir.constant(3 : i64) : i64
// CHECK-NEXT: %[[T:.*]] = llvm.alloca %[[N]] x !llvm.ptr
// CHECK-NEXT: %[[S0:.*]] = llvm.getelementptr inbounds %[[T]][0]
// CHECK-NEXT: llvm.store %arg0, %[[S0]]
// CHECK-NEXT: %[[S1:.*]] = llvm.getelementptr inbounds %[[T]][1]
// CHECK-NEXT: llvm.store %arg1, %[[S1]]
// CHECK-NEXT: %[[S2:.*]] = llvm.getelementptr inbounds %[[T]][2]
// CHECK-NEXT: llvm.store %arg2, %[[S2]]
// CHECK-NEXT: llvm.call @symgrad_packed_f(%[[T]]) : (!llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
// CHECK-LABEL: llvm.func @symgrad_packed_f(%arg0: !llvm.ptr) {
// CHECK-NEXT: %[[A0:.*]] = llvm.getelementptr inbounds %arg0[0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[P0:.*]] = llvm.load %[[A0]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[A1:.*]] = llvm.getelementptr inbounds %arg0[1]
// CHECK-NEXT: %[[P1:.*]] = llvm.load %[[A1]]
// CHECK-NEXT: %[[A2:.*]] = llvm.getelementptr inbounds %arg0[2]
// CHECK-NEXT: %[[P2:.*]] = llvm.load %[[A2]]
// CHECK-NEXT: %[[D0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK: llvm.load %[[P1]] : !llvm.ptr -> !llvm.struct
// CHECK: llvm.load %[[P2]] : !llvm.ptr -> !llvm.struct
// CHECK: llvm.call @f(
// CHECK-NEXT: llvm.return
func.func @f(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.add"(%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
