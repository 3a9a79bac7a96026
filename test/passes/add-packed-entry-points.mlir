// add-packed-entry-points: next to each kernel's C interface, symgrad_packed_<name> takes one table
// of descriptor pointers (inputs, then results), loads each and calls _mlir_ciface_<name>: the
// runtime calls every kernel with one argument, however many arrays it has.
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s

// CHECK-LABEL: llvm.func @_mlir_ciface_f(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-LABEL: llvm.func @symgrad_packed_f(%arg0: !llvm.ptr) {
// CHECK-NEXT: %[[A0:.*]] = llvm.getelementptr inbounds %arg0[0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[P0:.*]] = llvm.load %[[A0]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[A1:.*]] = llvm.getelementptr inbounds %arg0[1]
// CHECK-NEXT: %[[P1:.*]] = llvm.load %[[A1]]
// CHECK-NEXT: %[[A2:.*]] = llvm.getelementptr inbounds %arg0[2]
// CHECK-NEXT: %[[P2:.*]] = llvm.load %[[A2]]
// CHECK-NEXT: llvm.call @_mlir_ciface_f(%[[P0]], %[[P1]], %[[P2]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
func.func @f(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.add"(%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
