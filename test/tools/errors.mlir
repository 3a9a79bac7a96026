// Command-line errors: one line on stderr naming the problem, exit status 1, no Python traceback.
// RUN: not %symgrad-opt %s -p 'builtin.module(graph-verify,no-such-pass)' 2>&1 | %FileCheck %s --check-prefix=UNKNOWN --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(graph-verify,cse,)' 2>&1 | %FileCheck %s --check-prefix=TRAILING --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(func.func(cse)' 2>&1 | %FileCheck %s --check-prefix=UNBALANCED --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(cse))' 2>&1 | %FileCheck %s --check-prefix=EXTRA --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(func.func(graph-verify))' 2>&1 | %FileCheck %s --check-prefix=NESTED --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(graph-verify{strict=1})' 2>&1 | %FileCheck %s --check-prefix=OURS-OPTION --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -p 'builtin.module(cse{bogus=1})' 2>&1 | %FileCheck %s --check-prefix=UPSTREAM-OPTION --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s --graph-verify=strict=1 2>&1 | %FileCheck %s --check-prefix=FLAG-OPTION --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s --graph-verfy 2>&1 | %FileCheck %s --check-prefix=UNKNOWN-FLAG --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s --graph-verify -p 'builtin.module(cse)' 2>&1 | %FileCheck %s --check-prefix=MIXED --implicit-check-not=Traceback
// RUN: not %symgrad-opt %S/no-such-file.mlir 2>&1 | %FileCheck %s --check-prefix=MISSING --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s --no-such-flag=1 2>&1 | %FileCheck %s --check-prefix=BAD-FLAG --implicit-check-not=Traceback
// RUN: not %symgrad-opt %s -x 2>&1 | %FileCheck %s --check-prefix=BAD-SHORT --implicit-check-not=Traceback

// UNKNOWN: symgrad-opt: error: invalid pass pipeline 'builtin.module(graph-verify,no-such-pass)': 'no-such-pass' does not refer to a registered pass or pass pipeline (symgrad passes: {{.*}}graph-verify{{.*}}; see symgrad-opt --list-passes)
// UNKNOWN-NOT: Traceback
// TRAILING: symgrad-opt: error: invalid pass pipeline 'builtin.module(graph-verify,cse,)': trailing comma in 'graph-verify,cse,' (an empty pass name)
// UNBALANCED: symgrad-opt: error: invalid pass pipeline 'builtin.module(func.func(cse)': '(' at column 15 is never closed
// EXTRA: symgrad-opt: error: invalid pass pipeline 'builtin.module(cse))': unbalanced ')' at column 20
// NESTED: symgrad-opt: error: invalid pass pipeline 'builtin.module(func.func(graph-verify))': symgrad pass 'graph-verify' must be a top-level entry of builtin.module(...), not nested in 'func.func(...)': symgrad passes run on the whole module
// OURS-OPTION: symgrad-opt: error: invalid pass pipeline 'builtin.module(graph-verify{strict=1})': pass 'graph-verify' has no option 'strict' (options: none)
// UPSTREAM-OPTION: symgrad-opt: error: invalid pass pipeline 'builtin.module(cse{bogus=1})': no such option bogus
// FLAG-OPTION: symgrad-opt: error: invalid pass pipeline '--graph-verify=strict=1': pass 'graph-verify' has no option 'strict' (options: none)
// UNKNOWN-FLAG: symgrad-opt: error: unknown option or pass '--graph-verfy' (see symgrad-opt --help and symgrad-opt --list-passes)
// MIXED: symgrad-opt: error: -p/--pass-pipeline cannot be combined with pass flags (--graph-verify)
// MISSING: symgrad-opt: error: cannot open input file '{{.*}}no-such-file.mlir': No such file or directory
// BAD-FLAG: symgrad-opt: error: unknown option or pass '--no-such-flag' (see symgrad-opt --help and symgrad-opt --list-passes)
// BAD-SHORT: symgrad-opt: error: unrecognized arguments: -x
func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "graph.exp"(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
