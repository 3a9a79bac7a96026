"""Compile-time benchmark (issue 13): cold `value_and_grad` of an L-layer MLP, symgrad vs jax.jit.

    python bench/compile.py                 # L = 8, 32, 128
    python bench/compile.py --layers 8 512  # any list

Workload: h = tanh(h @ W_i) for i < L, x[32,64], W_i[64,64] float32, loss = sum(h*h), gradients
w.r.t. every W_i. Each figure comes from its own fresh process (and, for symgrad, an empty
SYMGRAD_CACHE_DIR): compile = the first call minus a steady call, steady = the median of 20
calls after 3 warm-ups. Nothing here is a test; it prints what it measured.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap

CHILD = textwrap.dedent("""
    import json, statistics, sys, time
    import numpy as np
    framework, L = sys.argv[1], int(sys.argv[2])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 64)).astype(np.float32)
    Ws = [(rng.standard_normal((64, 64)) * 0.1).astype(np.float32) for _ in range(L)]
    if framework == "symgrad":
        import symgrad as sg
        def loss(x, *Ws):
            h = x
            for W in Ws:
                h = sg.tanh(h @ W)
            return (h * h).sum()
        step = sg.value_and_grad(loss, argnums=tuple(range(1, L + 1)))
        run = lambda: step(x, *Ws)
    else:
        import jax, jax.numpy as jnp
        def loss(x, *Ws):
            h = x
            for W in Ws:
                h = jnp.tanh(h @ W)
            return (h * h).sum()
        step = jax.jit(jax.value_and_grad(loss, argnums=tuple(range(1, L + 1))))
        run = lambda: jax.block_until_ready(step(x, *Ws))
    t0 = time.perf_counter(); run(); first = time.perf_counter() - t0
    for _ in range(3):
        run()
    times = []
    for _ in range(20):
        t0 = time.perf_counter(); run(); times.append(time.perf_counter() - t0)
    steady = statistics.median(times)
    print(json.dumps({"first": first, "steady": steady}))
""")


def measure(framework: str, layers: int) -> dict:
    env = dict(os.environ, SYMGRAD_CACHE_DIR=tempfile.mkdtemp(prefix="sg-compile-bench-"),
               JAX_PLATFORMS="cpu", XLA_FLAGS=os.environ.get("XLA_FLAGS", ""))
    out = subprocess.run([sys.executable, "-c", CHILD, framework, str(layers)], capture_output=True, text=True,
                         env=env, timeout=3600)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["compile"] = r["first"] - r["steady"]
    return r


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, nargs="+", default=[8, 32, 128])
    args = ap.parse_args(argv)
    peers = ["jax"] if importlib.util.find_spec("jax") else []
    if not peers:
        print("jax is not installed (pip install -e '.[bench]'): symgrad only")
    print(f"{'L':>5} {'symgrad compile':>16} {'jax.jit first':>14} {'ratio':>7}   steady ms symgrad / jax")
    previous = None
    for L in args.layers:
        s = measure("symgrad", L)
        j = measure("jax", L) if peers else {}
        if "error" in s or "error" in j:
            print(f"{L:>5}  error: {s.get('error') or j.get('error')}")
            continue
        ratio = f"{s['compile'] / j['first']:.1f}x" if j else "-"
        jsteady = f"{1e3 * j['steady']:.2f}" if j else "-"
        growth = f"   ({s['compile'] / previous[1]:.1f}x the compile at L={previous[0]})" if previous else ""
        print(f"{L:>5} {s['compile']:>15.2f}s {j.get('first', float('nan')):>13.2f}s {ratio:>7}   "
              f"{1e3 * s['steady']:.2f} / {jsteady}{growth}")
        previous = (L, s["compile"])


if __name__ == "__main__":
    main()
