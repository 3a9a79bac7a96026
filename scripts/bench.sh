#!/usr/bin/env bash
# Runs the benchmark against numpy, PyTorch eager and JAX: ./scripts/bench.sh [--quick] [--only W3]
# The peers come from the optional `bench` extra, installed on first use
# (set SYMGRAD_BENCH_PEERS=0 to compare against numpy only).
source "$(dirname "$0")/env.sh"
if [ "${SYMGRAD_BENCH_PEERS:-1}" != "0" ] && ! python -c "import torch, jax" 2>/dev/null; then
  echo "==> installing the benchmark peers (torch, jax) into .venv"
  python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
fi
exec python bench/run.py "$@"
