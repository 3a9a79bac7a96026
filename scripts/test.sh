#!/usr/bin/env bash
# Runs every test (lit + FileCheck on symgrad-opt, then pytest): ./scripts/test.sh
source "$(dirname "$0")/env.sh"
lit -sv test
pytest -n 2 test   # -q comes from pyproject (a second -q would hide the pass/fail counts)
