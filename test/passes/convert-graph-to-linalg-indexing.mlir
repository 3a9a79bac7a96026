// convert-graph-to-linalg on the indexing ops (dialects/graph/ops/indexing.py). Every index is
// wrapped once from the end (i < 0: i + n), checked against [0, n), and replaced by 0 when it is
// out of range before it addresses a tensor: native code never reads or writes out of bounds.
// Gathers are one parallel linalg.generic over the result (tensor.extract at the position, 0 when
// invalid); scatters are sequential scf.for loops on tensors (duplicates add up in index order).
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s
// CHECK-NOT: graph.

// CHECK-LABEL: func.func @take(
// CHECK-SAME:    %[[X:.*]]: tensor<4x3xf32> {{.*}}, %[[I:.*]]: tensor<5xi32>
// CHECK:      linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[I]] : tensor<5xi32>)
// CHECK:      ^bb0(%[[IN:.*]]: i32, %{{.*}}: f32):
// CHECK:        %[[W:.*]] = arith.extsi %[[IN]] : i32 to i64
// CHECK-DAG:    %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-DAG:    %[[N:.*]] = arith.constant 4 : i64
// CHECK:        %[[NEG:.*]] = arith.cmpi slt, %[[W]], %[[ZERO]] : i64
// CHECK:        %[[UP:.*]] = arith.addi %[[W]], %[[N]] : i64
// CHECK:        %[[J:.*]] = arith.select %[[NEG]], %[[UP]], %[[W]] : i64
// CHECK:        %[[GE:.*]] = arith.cmpi sge, %[[J]], %[[ZERO]] : i64
// CHECK:        %[[LT:.*]] = arith.cmpi slt, %[[J]], %[[N]] : i64
// CHECK:        %[[OK:.*]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK:        %[[SAFE:.*]] = arith.select %[[OK]], %[[J]], %[[ZERO]] : i64
// CHECK:        %[[P:.*]] = arith.index_cast %[[SAFE]] : i64 to index
// CHECK:        %[[COL:.*]] = linalg.index 1 : index
// CHECK:        %[[V:.*]] = tensor.extract %[[X]][%[[P]], %[[COL]]] : tensor<4x3xf32>
// CHECK:        %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:        %[[R:.*]] = arith.select %[[OK]], %[[V]], %[[Z]] : f32
// CHECK:        linalg.yield %[[R]] : f32
func.func @take(%a: tensor<4x3xf32>, %i: tensor<5xi32>) -> tensor<5x3xf32> {
  %0 = "graph.take"(%a, %i) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<5xi32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// The indices' dims take the axis's place in the loops: (d0, d1, d2, d3) -> (d1, d2) reads them.
// CHECK-LABEL: func.func @take_middle(
// CHECK:      linalg.generic {indexing_maps = [#[[IMAP:.*]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK:        tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x4x3xf64>
func.func @take_middle(%a: tensor<2x4x3xf64>, %i: tensor<2x5xi64>) -> tensor<2x2x5x3xf64> {
  %0 = "graph.take"(%a, %i) {axis = 1 : i64} : (tensor<2x4x3xf64>, tensor<2x5xi64>) -> tensor<2x2x5x3xf64>
  return %0 : tensor<2x2x5x3xf64>
}

// i64 indices need no widening; take_along_axis reads x at (row, position).
// CHECK-LABEL: func.func @take_along_axis(
// CHECK-SAME:    %[[X:.*]]: tensor<4x3xf64> {{.*}}, %[[I:.*]]: tensor<4x1xi64>
// CHECK:      linalg.generic {{.*}} ins(%[[I]] : tensor<4x1xi64>)
// CHECK:      ^bb0(%[[IN:.*]]: i64, %{{.*}}: f64):
// CHECK-NOT:    arith.extsi
// CHECK:        %[[P:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:        %[[ROW:.*]] = linalg.index 0 : index
// CHECK:        tensor.extract %[[X]][%[[ROW]], %[[P]]] : tensor<4x3xf64>
func.func @take_along_axis(%a: tensor<4x3xf64>, %i: tensor<4x1xi64>) -> tensor<4x1xf64> {
  %0 = "graph.take_along_axis"(%a, %i) {axis = 1 : i64} : (tensor<4x3xf64>, tensor<4x1xi64>) -> tensor<4x1xf64>
  return %0 : tensor<4x1xf64>
}

// scatter_add: a loop over the 5 indices carrying the result; step k adds row k of the updates to
// the row at the (safe) position, keeping the old row when the index is out of range.
// CHECK-LABEL: func.func @scatter_add(
// CHECK-SAME:    %[[X:.*]]: tensor<4x3xf32> {{.*}}, %[[I:.*]]: tensor<5xi64> {{.*}}, %[[U:.*]]: tensor<5x3xf32>
// CHECK:      %[[K:.*]] = arith.constant 5 : index
// CHECK:      scf.for %[[IV:.*]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[OUT:.*]] = %[[X]]) -> (tensor<4x3xf32>)
// CHECK:        tensor.extract %[[I]][%[[IV]]] : tensor<5xi64>
// CHECK:        %[[OK:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK:        %[[P:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:        %[[ROW:.*]] = tensor.extract_slice %[[OUT]][%[[P]], 0] [1, 3] [1, 1]
// CHECK:        %[[UPD:.*]] = tensor.extract_slice %[[U]][%[[IV]], 0] [1, 3] [1, 1]
// CHECK:        linalg.generic {{.*}} ins(%[[ROW]], %[[UPD]] : tensor<1x3xf32>, tensor<1x3xf32>)
// CHECK:        ^bb0(%[[O:.*]]: f32, %[[V:.*]]: f32, %{{.*}}: f32):
// CHECK:          %[[S:.*]] = arith.addf %[[O]], %[[V]] : f32
// CHECK:          arith.select %[[OK]], %[[S]], %[[O]] : f32
// CHECK:        %[[NEW:.*]] = tensor.insert_slice %{{.*}} into %[[OUT]][%[[P]], 0] [1, 3] [1, 1]
// CHECK:        scf.yield %[[NEW]] : tensor<4x3xf32>
func.func @scatter_add(%a: tensor<4x3xf32>, %i: tensor<5xi64>, %u: tensor<5x3xf32>) -> tensor<4x3xf32> {
  %0 = "graph.scatter_add"(%a, %i, %u) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<5xi64>, tensor<5x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// Multi-dim indices are flattened first; the slices keep every dim but the axis.
// CHECK-LABEL: func.func @scatter_add_axis1(
// CHECK:      tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x3xi32> into tensor<6xi32>
// CHECK:      scf.for {{.*}} -> (tensor<2x4x3xi32>)
// CHECK:        tensor.extract_slice %{{.*}}[0, %{{.*}}, 0] [2, 1, 3] [1, 1, 1] : tensor<2x4x3xi32> to tensor<2x1x3xi32>
// CHECK:          arith.addi %{{.*}}, %{{.*}} : i32
func.func @scatter_add_axis1(%a: tensor<2x4x3xi32>, %i: tensor<2x3xi32>, %u: tensor<2x2x3x3xi32>) -> tensor<2x4x3xi32> {
  %0 = "graph.scatter_add"(%a, %i, %u) {axis = 1 : i64} : (tensor<2x4x3xi32>, tensor<2x3xi32>, tensor<2x2x3x3xi32>) -> tensor<2x4x3xi32>
  return %0 : tensor<2x4x3xi32>
}

// scatter_add_along_axis: one loop per dim of the indices, a scalar read-add-write per step.
// CHECK-LABEL: func.func @scatter_add_along_axis(
// CHECK-SAME:    %[[X:.*]]: tensor<4x3xi32> {{.*}}, %[[I:.*]]: tensor<4x2xi32> {{.*}}, %[[U:.*]]: tensor<4x2xi32>
// CHECK:      scf.for %[[R:.*]] = {{.*}} iter_args(%[[A:.*]] = %[[X]]) -> (tensor<4x3xi32>)
// CHECK:        scf.for %[[C:.*]] = {{.*}} iter_args(%[[B:.*]] = %[[A]]) -> (tensor<4x3xi32>)
// CHECK:          tensor.extract %[[I]][%[[R]], %[[C]]] : tensor<4x2xi32>
// CHECK:          %[[OK:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK:          %[[P:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:          %[[OLD:.*]] = tensor.extract %[[B]][%[[R]], %[[P]]] : tensor<4x3xi32>
// CHECK:          %[[V:.*]] = tensor.extract %[[U]][%[[R]], %[[C]]] : tensor<4x2xi32>
// CHECK:          %[[S:.*]] = arith.addi %[[OLD]], %[[V]] : i32
// CHECK:          %[[NEW:.*]] = arith.select %[[OK]], %[[S]], %[[OLD]] : i32
// CHECK:          tensor.insert %[[NEW]] into %[[B]][%[[R]], %[[P]]] : tensor<4x3xi32>
func.func @scatter_add_along_axis(%a: tensor<4x3xi32>, %i: tensor<4x2xi32>, %u: tensor<4x2xi32>) -> tensor<4x3xi32> {
  %0 = "graph.scatter_add_along_axis"(%a, %i, %u) {axis = 1 : i64} : (tensor<4x3xi32>, tensor<4x2xi32>, tensor<4x2xi32>) -> tensor<4x3xi32>
  return %0 : tensor<4x3xi32>
}

// Nothing to scatter: the input itself.
// CHECK-LABEL: func.func @scatter_add_none(
// CHECK-SAME:    %[[X:.*]]: tensor<4xf32>
// CHECK-NOT:  scf.for
// CHECK:      return %[[X]] : tensor<4xf32>
func.func @scatter_add_none(%a: tensor<4xf32>, %i: tensor<0xi64>, %u: tensor<0xf32>) -> tensor<4xf32> {
  %0 = "graph.scatter_add"(%a, %i, %u) {axis = 0 : i64} : (tensor<4xf32>, tensor<0xi64>, tensor<0xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
