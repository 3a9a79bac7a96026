#!/usr/bin/env bash
# The long random-graph fuzz run (issue 6), one command (and `./scripts/fuzz.sh ir N`, below):
#   ./scripts/fuzz.sh [N]            N random graphs (default 5000) with a fresh seed
#   SYMGRAD_FUZZ_SEED=S ./scripts/fuzz.sh N    replays the run that printed seed S
#   SYMGRAD_FUZZ_RUNNERS=interpret,compiled ./scripts/fuzz.sh N   also checks native kernels
# The normal suite runs a fixed-seed 300; this runs the same properties on many more
# graphs, spread over every core. Minimal failing graphs are printed and saved under
# test/python/fuzz/regressions/ (see the README there). Extra arguments go to pytest.
source "$(dirname "$0")/env.sh"
# ./scripts/fuzz.sh ir [N]: the adversarial-IR fuzzer (test/python/hardening, irmutate/): N
# mutations of every kind (default 3000) and N of the upstream-dialect kinds alone (issue 11:
# constant tensor/memref indices, LLVM globals, inline asm, llvm.func calls, func.call cycles,
# odd symbol names, LLVM attributes, all-LLVM modules; SYMGRAD_IRFUZZ_UPSTREAM_CASES to change),
# each through symgrad-opt (plain, --graph-differentiate, --graph-to-llvm, --emit=llvm-ir),
# sg.parse, sg.compile and one call of every compiled kernel, in watched worker processes.
if [[ "${1:-}" == "ir" ]]; then
  shift; if [[ "${1:-}" =~ ^[0-9]+$ ]]; then SYMGRAD_IRFUZZ_CASES="$1"; shift; fi
  export SYMGRAD_IRFUZZ_CASES="${SYMGRAD_IRFUZZ_CASES:-3000}"
  export SYMGRAD_IRFUZZ_UPSTREAM_CASES="${SYMGRAD_IRFUZZ_UPSTREAM_CASES:-$SYMGRAD_IRFUZZ_CASES}"
  export SYMGRAD_IRFUZZ_SEED="${SYMGRAD_IRFUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
  JOBS="${SYMGRAD_FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"
  export SYMGRAD_IRFUZZ_SHARDS="${SYMGRAD_IRFUZZ_SHARDS:-$(( JOBS * 4 ))}"
  export SYMGRAD_IRFUZZ_UPSTREAM_SHARDS="${SYMGRAD_IRFUZZ_UPSTREAM_SHARDS:-$SYMGRAD_IRFUZZ_SHARDS}"
  echo "==> $SYMGRAD_IRFUZZ_CASES IR mutations + $SYMGRAD_IRFUZZ_UPSTREAM_CASES upstream-dialect ones on $JOBS cores" \
       "(replay: SYMGRAD_IRFUZZ_SEED=$SYMGRAD_IRFUZZ_SEED $0 ir $SYMGRAD_IRFUZZ_CASES)"
  exec pytest -n "$JOBS" -p no:cacheprovider \
    test/python/hardening/test_ir_adversarial.py::test_mutated_ir_never_crashes \
    test/python/hardening/test_ir_adversarial.py::test_upstream_dialect_mutants_never_crash "$@"
fi
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then SYMGRAD_FUZZ_EXAMPLES="$1"; shift; fi
export SYMGRAD_FUZZ_EXAMPLES="${SYMGRAD_FUZZ_EXAMPLES:-5000}"
export SYMGRAD_FUZZ_SEED="${SYMGRAD_FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
JOBS="${SYMGRAD_FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"
export SYMGRAD_FUZZ_SHARDS="${SYMGRAD_FUZZ_SHARDS:-$(( JOBS * 4 ))}"
echo "==> fuzzing $SYMGRAD_FUZZ_EXAMPLES random graphs on $JOBS cores (seed $SYMGRAD_FUZZ_SEED;" \
     "replay with SYMGRAD_FUZZ_SEED=$SYMGRAD_FUZZ_SEED SYMGRAD_FUZZ_SHARDS=$SYMGRAD_FUZZ_SHARDS $0 $SYMGRAD_FUZZ_EXAMPLES)"
pytest -n "$JOBS" -rP -p no:cacheprovider test/python/fuzz/test_random_graphs.py::test_random_graphs "$@"
