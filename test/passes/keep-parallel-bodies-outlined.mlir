// keep-parallel-bodies-outlined marks noinline exactly the functions called from an async.execute
// region (the loop bodies async-parallel-for outlines), found by structure, not by name.
// RUN: %symgrad-opt -p 'builtin.module(keep-parallel-bodies-outlined)' %s | %FileCheck %s

// CHECK-LABEL: func.func @body(
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK-LABEL: func.func @called_inline(
// CHECK-NOT: passthrough
// CHECK-LABEL: func.func @f(
func.func @body(%i: index) {
  return
}

func.func @called_inline(%i: index) {
  return
}

func.func @f(%i: index) {
  %token = async.execute {
    func.call @body(%i) : (index) -> ()
    async.yield
  }
  func.call @called_inline(%i) : (index) -> ()
  return
}
