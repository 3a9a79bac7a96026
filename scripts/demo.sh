#!/usr/bin/env bash
# Runs the demo: ./scripts/demo.sh
source "$(dirname "$0")/env.sh"
exec python examples/demo.py "$@"
