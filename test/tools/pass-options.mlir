// Pass options come from each pass's class: typed values, defaults, and errors that name the pass,
// the option, what it expects and the valid ones, before any input is read.
// RUN: %symgrad-opt %s -p 'builtin.module(tile-rows{chunks=8 min-bytes=0},partition-reductions{chunks=4})' | %FileCheck %s --check-prefix=OK
// RUN: %symgrad-opt %s --graph-differentiate='recompute=all func=f' | %FileCheck %s --check-prefix=OK
// RUN: not %symgrad-opt %s -p 'builtin.module(tile-rows{chunk=8})' 2>&1 | %FileCheck %s --check-prefix=UNKNOWN --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(tile-rows{chunks=many})' 2>&1 | %FileCheck %s --check-prefix=NOT-INT --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(tile-rows{chunks=0})' 2>&1 | %FileCheck %s --check-prefix=TOO-SMALL --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(tile-rows{chunks})' 2>&1 | %FileCheck %s --check-prefix=NO-VALUE --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s --graph-differentiate=recompute=some 2>&1 | %FileCheck %s --check-prefix=CHOICE --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(graph-to-llvm{threads=2})' 2>&1 | %FileCheck %s --check-prefix=NAMED --implicit-check-not=Traceback

// OK-LABEL: func.func @f(

// UNKNOWN: symgrad-opt: error: invalid pass pipeline 'builtin.module(tile-rows{chunk=8})': pass 'tile-rows' has no option 'chunk' (options: min-bytes, block-bytes, chunks)
// NOT-INT: symgrad-opt: error: invalid pass pipeline 'builtin.module(tile-rows{chunks=many})': pass 'tile-rows': option 'chunks' expects an integer >= 1, got 'many'
// TOO-SMALL: pass 'tile-rows': option 'chunks' expects an integer >= 1, got '0'
// NO-VALUE: pass 'tile-rows': option 'chunks' needs a value (an integer >= 1): write chunks=<int>
// CHOICE: symgrad-opt: error: invalid pass pipeline '--graph-differentiate=recompute=some': pass 'graph-differentiate': option 'recompute' expects one of none, elementwise, all, got 'some'
// NAMED: pass 'graph-to-llvm' has no option 'threads' (options: none)
func.func @f(%x: tensor<4xf32> {graph.requires_grad}) -> tensor<4xf32> {
  %0 = "graph.tanh"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
