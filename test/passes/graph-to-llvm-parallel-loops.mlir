// The multi-core path of graph-to-llvm. Linalg lowers to scf.parallel; serialize-small-parallel-loops
// turns back into scf.for every loop nested in another loop and every loop doing less than min-work
// innermost iterations, so only big outermost loops reach upstream async-parallel-for, which splits
// them into tasks for the async runtime (mlirAsyncRuntime* calls, coroutines for the tasks).
// RUN: %symgrad-opt %s -p 'builtin.module(convert-graph-to-linalg,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},buffer-results-to-out-params{hoist-static-allocs modify-public-functions},convert-linalg-to-parallel-loops,serialize-small-parallel-loops)' | %FileCheck %s --check-prefix=LOOPS
// RUN: %symgrad-opt %s -p 'builtin.module(convert-graph-to-linalg,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},buffer-results-to-out-params{hoist-static-allocs modify-public-functions},convert-linalg-to-parallel-loops,serialize-small-parallel-loops{min-work=64})' | %FileCheck %s --check-prefix=LOW
// RUN: %symgrad-opt %s --graph-to-llvm | %FileCheck %s --check-prefix=LLVM

// partition-reductions, which cuts big reductions first, has its own test: partition-reductions.mlir.

// A big elementwise loop (2^18 iterations) stays parallel over its rows only, its columns an inner
// scf.for (every task gets whole rows: upstream async-parallel-for's block-aligned path for inner
// dimensions of <= 512 iterations gives some rows to two tasks); the row loop of a row sum (512 rows
// of 512) too, its inner loop sequential.
// LOOPS-LABEL: func.func @big(
// LOOPS: scf.parallel (%{{.*}}) = (%c0) to (%c512)
// LOOPS-NEXT: scf.for %{{.*}} = %c0 to %c512
// LOOPS: scf.parallel (%{{.*}}) = (%c0) to (%c512)
// LOOPS-NEXT: scf.for
// LOOPS-NOT: scf.parallel
// LOOPS: return

// A column sum (not partitioned here): sequential over rows around a parallel loop over columns;
// the inner one is nested, so it is sequential too, as is everything in @small.
// LOOPS-LABEL: func.func @column_sum(
// LOOPS-NOT: scf.parallel
// LOOPS: return
// LOOPS-LABEL: func.func @small(
// LOOPS-NOT: scf.parallel
// LOOPS: return

// With a lower threshold @small's loop is parallel.
// LOW-LABEL: func.func @small(
// LOW: scf.parallel (%{{.*}}) = (%c0) to (%c8)
// LOW-NEXT: scf.for %{{.*}} = %c0 to %c16

// LLVM-LABEL: llvm.func internal @big(
// LLVM: llvm.call @mlirAsyncRuntimGetNumWorkerThreads()
// LLVM: llvm.call @mlirAsyncRuntimeCreateGroup(
// LLVM: llvm.call @mlirAsyncRuntimeAwaitAllInGroup(
// LLVM: llvm.return
// LLVM-LABEL: llvm.func internal @small(
// LLVM-NOT: llvm.call @mlirAsync
// LLVM: llvm.return
// LLVM: llvm.func @async_execute_fn({{.*}} attributes {llvm.bareptr, passthrough = ["presplitcoroutine"]
// LLVM: llvm.intr.coro.begin
// LLVM: llvm.call @mlirAsyncRuntimeExecute(

func.func @big(%x: tensor<512x512xf32>) -> (tensor<512x512xf32>, tensor<512xf32>) {
  %0 = "graph.tanh"(%x) : (tensor<512x512xf32>) -> tensor<512x512xf32>
  %1 = "graph.sum"(%x) {axes = array<i64: 1>, keepdims = false} : (tensor<512x512xf32>) -> tensor<512xf32>
  return %0, %1 : tensor<512x512xf32>, tensor<512xf32>
}

func.func @column_sum(%x: tensor<512x512xf32>) -> tensor<512xf32> {
  %0 = "graph.sum"(%x) {axes = array<i64: 0>, keepdims = false} : (tensor<512x512xf32>) -> tensor<512xf32>
  return %0 : tensor<512xf32>
}

func.func @full_sum(%x: tensor<512x512xf32>) -> tensor<f32> {
  %0 = "graph.sum"(%x) {axes = array<i64: 0, 1>, keepdims = false} : (tensor<512x512xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

func.func @small(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = "graph.tanh"(%x) : (tensor<8x16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}
