// convert-graph-to-linalg on the elementwise families: one linalg.generic per op whose scalar body
// comes from the op's registry entry; numpy broadcasting lives in the indexing maps (size-1 dims are
// collapsed away first, rank-0 operands get `() ` maps); i1 tensors are stored as i8.
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s
// exp, log, tanh, sigmoid, erf, log1p and expm1 are arith code (dialects/graph/mathfns.py), which
// vectorizes, not math ops that become scalar libm calls:
// RUN: %symgrad-opt --convert-graph-to-linalg %s | %FileCheck %s --check-prefix=NOLIBM
// NOLIBM-NOT: math.{{(exp|log|tanh|erf|log1p|expm1) }}

// CHECK-DAG: #[[$ID:map[0-9]*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:map[0-9]*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$COL:map[0-9]*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$SCALAR:map[0-9]*]] = affine_map<(d0, d1) -> ()>
// CHECK-NOT: graph.

// CHECK-LABEL: func.func @neg(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: arith.negf 
// CHECK: linalg.yield
func.func @neg(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.neg"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @exp(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.fma
// CHECK: arith.shli
// CHECK: linalg.yield
func.func @exp(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.exp"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @log(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: arith.shrsi
// CHECK: math.fma
// CHECK: linalg.yield
func.func @log(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.log"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @tanh(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.absf
// CHECK: math.fma
// CHECK: arith.divf
// CHECK: math.copysign
// CHECK: linalg.yield
func.func @tanh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.tanh"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sigmoid(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.absf
// CHECK: math.fma
// CHECK: arith.divf
// CHECK: linalg.yield
func.func @sigmoid(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.sigmoid"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @relu(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: arith.maximumf 
// CHECK: linalg.yield
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sqrt(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.sqrt 
// CHECK: linalg.yield
func.func @sqrt(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.sqrt"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @rsqrt(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.rsqrt 
// CHECK: linalg.yield
func.func @rsqrt(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.rsqrt"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @abs(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.absf 
// CHECK: linalg.yield
func.func @abs(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.abs"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sin(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.sin 
// CHECK: linalg.yield
func.func @sin(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.sin"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cos(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.cos 
// CHECK: linalg.yield
func.func @cos(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.cos"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @erf(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.absf
// CHECK: math.fma
// CHECK: math.copysign
// CHECK: linalg.yield
func.func @erf(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.erf"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @log1p(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: arith.shrsi
// CHECK: math.fma
// CHECK: linalg.yield
func.func @log1p(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.log1p"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @expm1(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: math.fma
// CHECK: arith.shli
// CHECK: linalg.yield
func.func @expm1(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.expm1"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reciprocal(
// CHECK-SAME: {bufferization.writable = false}) -> tensor<2x3xf32> attributes {llvm.emit_c_interface}
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: arith.divf 
// CHECK: linalg.yield
func.func @reciprocal(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.reciprocal"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @add(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3xf64>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = arith.addf %[[A]], %[[B]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @add(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "graph.add"(%a, %b) : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @sub(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3xf64>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = arith.subf %[[A]], %[[B]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @sub(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "graph.sub"(%a, %b) : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @mul(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3xf64>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[A]], %[[B]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @mul(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "graph.mul"(%a, %b) : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @div(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3xf64>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[A]], %[[B]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @div(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "graph.div"(%a, %b) : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @pow(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3xf64>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = math.powf %[[A]], %[[B]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @pow(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "graph.pow"(%a, %b) : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @maximum(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3xf64>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[A]], %[[B]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @maximum(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "graph.maximum"(%a, %b) : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @minimum(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3xf64>, tensor<3xf64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = arith.minimumf %[[A]], %[[B]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @minimum(%a: tensor<2x3xf64>, %b: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "graph.minimum"(%a, %b) : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @gt(
// CHECK-SAME: -> tensor<2x3xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]], {{.*}} ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: %[[C:.*]] = arith.cmpf ogt, 
// CHECK-NEXT: %[[B:.*]] = arith.extui %[[C]] : i1 to i8
// CHECK-NEXT: linalg.yield %[[B]] : i8
func.func @gt(%a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xi1> {
  %0 = "graph.gt"(%a, %b) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @ge(
// CHECK-SAME: -> tensor<2x3xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]], {{.*}} ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: %[[C:.*]] = arith.cmpf oge, 
// CHECK-NEXT: %[[B:.*]] = arith.extui %[[C]] : i1 to i8
// CHECK-NEXT: linalg.yield %[[B]] : i8
func.func @ge(%a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xi1> {
  %0 = "graph.ge"(%a, %b) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @lt(
// CHECK-SAME: -> tensor<2x3xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]], {{.*}} ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: %[[C:.*]] = arith.cmpf olt, 
// CHECK-NEXT: %[[B:.*]] = arith.extui %[[C]] : i1 to i8
// CHECK-NEXT: linalg.yield %[[B]] : i8
func.func @lt(%a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xi1> {
  %0 = "graph.lt"(%a, %b) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @le(
// CHECK-SAME: -> tensor<2x3xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]], {{.*}} ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: %[[C:.*]] = arith.cmpf ole, 
// CHECK-NEXT: %[[B:.*]] = arith.extui %[[C]] : i1 to i8
// CHECK-NEXT: linalg.yield %[[B]] : i8
func.func @le(%a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xi1> {
  %0 = "graph.le"(%a, %b) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @eq(
// CHECK-SAME: -> tensor<2x3xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]], {{.*}} ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: %[[C:.*]] = arith.cmpf oeq, 
// CHECK-NEXT: %[[B:.*]] = arith.extui %[[C]] : i1 to i8
// CHECK-NEXT: linalg.yield %[[B]] : i8
func.func @eq(%a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xi1> {
  %0 = "graph.eq"(%a, %b) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @ne(
// CHECK-SAME: -> tensor<2x3xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]], {{.*}} ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: %[[C:.*]] = arith.cmpf une, 
// CHECK-NEXT: %[[B:.*]] = arith.extui %[[C]] : i1 to i8
// CHECK-NEXT: linalg.yield %[[B]] : i8
func.func @ne(%a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xi1> {
  %0 = "graph.ne"(%a, %b) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// A size-1 dim broadcast against 3 is collapsed away; the i1 condition arrives as bytes.
// CHECK-LABEL: func.func @select(
// CHECK-SAME: %arg0: tensor<2x1xi8>
// CHECK: %[[C:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<2x1xi8> into tensor<2xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$COL]], #[[$ID]], #[[$SCALAR]], #[[$ID]]], {{.*}} ins(%[[C]], %arg1, %arg2 : tensor<2xi8>, tensor<2x3xf32>, tensor<f32>)
// CHECK-NEXT: ^bb0(%[[CB:.*]]: i8, %[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[T:.*]] = arith.cmpi ne, %[[CB]], %{{.*}} : i8
// CHECK-NEXT: %[[S:.*]] = arith.select %[[T]], %[[A]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
func.func @select(%c: tensor<2x1xi1>, %a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xf32> {
  %0 = "graph.select"(%c, %a, %b) : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
