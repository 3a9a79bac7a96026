#!/usr/bin/env bash
# Runs every test (lit + FileCheck on symgrad-opt, then pytest): ./scripts/test.sh
source "$(dirname "$0")/env.sh"
lit -sv test
pytest -q -n 2 test
