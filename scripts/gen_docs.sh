#!/usr/bin/env bash
# Regenerates docs/ops.md (the `graph` op reference) from the op registry: ./scripts/gen_docs.sh
# With --check, exits 1 when docs/ops.md is out of date instead of rewriting it.
source "$(dirname "$0")/env.sh"
python -m symgrad.dialects.graph.docs "$@"
