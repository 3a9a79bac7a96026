#!/usr/bin/env bash
# Runs every test (lit + FileCheck on symgrad-opt, then pytest): ./scripts/test.sh
source "$(dirname "$0")/env.sh"
# The tests compile into a disk cache of their own, so a run neither reads nor fills the user's.
if [ -z "${SYMGRAD_CACHE_DIR:-}" ]; then
  SYMGRAD_CACHE_DIR="$(mktemp -d)"; export SYMGRAD_CACHE_DIR
  trap 'rm -rf "$SYMGRAD_CACHE_DIR"' EXIT
fi
lit -sv test
pytest -n 2 test   # -q comes from pyproject (a second -q would hide the pass/fail counts)
