// --list-passes and --help: symgrad's passes come from their classes (symgrad.passes.ALL_PASSES), each also a flag.
// RUN: %symgrad-opt --list-passes | %FileCheck %s --check-prefix=LIST
// RUN: %symgrad-opt --help | %FileCheck %s --check-prefix=HELP

// LIST: symgrad passes (use them in -p 'builtin.module(...)' or as --<name>[=OPTIONS] flags):
// LIST-DAG: {{^}}  graph-differentiate {{ *}}split each function
// LIST-DAG: {{^ *}}func=<string>  only differentiate this function
// LIST-DAG: {{^ *}}recompute=<none|elementwise|all> {{.*}} (default none)
// LIST-DAG: {{^ *}}chunks=<int>  at most this many chunks of rows, the parallel tasks (default 16)
// LIST-DAG: {{^}}  graph-verify {{ *}}check element types, shapes and attributes of every graph op against the registry
// LIST: All upstream MLIR passes (canonicalize, cse, symbol-dce, inline, convert-*, ...) are also available,

// HELP: usage: symgrad-opt [-h] [-o FILE] [-p PIPELINE]
// HELP-DAG: --split-input-file
// HELP-DAG: --verify-diagnostics
// HELP-DAG: --mlir-print-ir-after-all
// HELP-DAG: --mlir-print-op-generic
// HELP-DAG: --mlir-print-debuginfo
// HELP-DAG: --list-passes
// HELP-DAG: --debug
// HELP: symgrad passes (as flags, run in command-line order; see above):
// HELP-DAG: --graph-differentiate ['func=... recompute=...']
// HELP-DAG: --graph-verify
// HELP: pass pipelines:
// HELP: --<pass>=OPTIONS takes MLIR's space-separated opt=value list
