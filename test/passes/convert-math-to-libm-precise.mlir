// convert-math-to-libm-precise: math.log1p/expm1/erf on f32 or f64 become calls to the libm function
// of that precision, declared once; anything but a scalar is a located error.
// RUN: %symgrad-opt --convert-math-to-libm-precise --split-input-file --verify-diagnostics %s | %FileCheck %s

// CHECK-DAG: func.func private @log1pf(f32) -> f32
// CHECK-DAG: func.func private @erf(f64) -> f64
// CHECK-LABEL: func.func @scalars(
// CHECK: call @log1pf(%arg0) : (f32) -> f32
// CHECK: call @erf(%arg1) : (f64) -> f64
// CHECK: call @log1pf(%arg0) : (f32) -> f32
// CHECK-NOT: math.
func.func @scalars(%x: f32, %y: f64) -> (f32, f64, f32) {
  %0 = math.log1p %x : f32
  %1 = math.erf %y : f64
  %2 = math.log1p %x : f32
  return %0, %1, %2 : f32, f64, f32
}

// -----

func.func @vector(%x: vector<4xf32>) -> vector<4xf32> {
  // expected-error@+1 {{'math.log1p' on vector<4xf32>: only scalar f32/f64 can become libm calls}}
  %0 = math.log1p %x : vector<4xf32>
  return %0 : vector<4xf32>
}
