"""Compile-time benchmark (issue 13): cold `value_and_grad` of a deep model, symgrad vs jax.jit.

    python bench/compile.py                              # MLP, L = 8, 32, 128
    python bench/compile.py --layers 8 512               # any list
    python bench/compile.py --workload transformer       # 12 transformer blocks
    python bench/compile.py --workload transformer --layers 1 4 12

Workloads, float32, gradients w.r.t. every weight, loss = sum(h*h):
- mlp: h = tanh(h @ W_i) for i < L, x[32,64], W_i[64,64].
- transformer: L pre-norm blocks, batch 4, sequence 64, width 128, 4 heads: layer norm, causal
  attention (a constant mask through where), softmax, a GELU MLP of width 512, residuals.
Each figure comes from its own fresh process (and, for symgrad, an empty SYMGRAD_CACHE_DIR):
compile = the first call minus a steady call, steady = the median of 20 calls after 3 warm-ups.
Nothing here is a test; it prints what it measured.
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
    framework, workload, L = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(0)
    if framework == "symgrad":
        import symgrad as sg
        ops = dict(tanh=sg.tanh, gelu=sg.gelu, softmax=sg.softmax, where=sg.where, reshape=sg.reshape,
                   transpose=sg.transpose, layer_norm=sg.layer_norm)
    else:
        import jax, jax.numpy as jnp
        def layer_norm(x, eps=1e-5):
            m = x.mean(axis=-1, keepdims=True)
            v = ((x - m) ** 2).mean(axis=-1, keepdims=True)
            return (x - m) / jnp.sqrt(v + eps)
        ops = dict(tanh=jnp.tanh, gelu=lambda x: jax.nn.gelu(x, approximate=True), softmax=jax.nn.softmax,
                   where=jnp.where, reshape=jnp.reshape, transpose=jnp.transpose, layer_norm=layer_norm)
    if workload == "mlp":  # h = tanh(h @ W_i), x[32,64], W_i[64,64]
        x = rng.standard_normal((32, 64)).astype(np.float32)
        params = [(rng.standard_normal((64, 64)) * 0.1).astype(np.float32) for _ in range(L)]
        def loss(x, *Ws):
            h = x
            for W in Ws:
                h = ops["tanh"](h @ W)
            return (h * h).sum()
    else:  # pre-norm transformer blocks: batch 4, sequence 64, width 128, 4 heads, causal mask
        B, T, D, H = 4, 64, 128, 4
        x = rng.standard_normal((B, T, D)).astype(np.float32)
        shapes = [(D, D)] * 4 + [(D, 4 * D), (4 * D, D)]
        params = [(rng.standard_normal(s) / np.sqrt(s[0])).astype(np.float32) for _ in range(L) for s in shapes]
        causal = np.tril(np.ones((T, T), np.float32))
        def heads(t):
            return ops["transpose"](ops["reshape"](t, (B, T, H, D // H)), (0, 2, 1, 3))
        def loss(x, *ps):
            h = x
            for i in range(L):
                wq, wk, wv, wo, w1, w2 = ps[6 * i:6 * i + 6]
                a = ops["layer_norm"](h)
                q, k, v = heads(a @ wq), heads(a @ wk), heads(a @ wv)
                s = (q @ ops["transpose"](k, (0, 1, 3, 2))) * float(1 / np.sqrt(D // H))
                p = ops["softmax"](ops["where"](causal > 0.5, s, -1e9), -1)
                o = ops["reshape"](ops["transpose"](p @ v, (0, 2, 1, 3)), (B, T, D))
                h = h + o @ wo
                h = h + ops["gelu"](ops["layer_norm"](h) @ w1) @ w2
            return (h * h).sum()
    argnums = tuple(range(1, len(params) + 1))
    if framework == "symgrad":
        step = sg.value_and_grad(loss, argnums=argnums)
        run = lambda: step(x, *params)
    else:
        step = jax.jit(jax.value_and_grad(loss, argnums=argnums))
        run = lambda: jax.block_until_ready(step(x, *params))
    t0 = time.perf_counter(); run(); first = time.perf_counter() - t0
    for _ in range(3):
        run()
    times = []
    for _ in range(20):
        t0 = time.perf_counter(); run(); times.append(time.perf_counter() - t0)
    steady = statistics.median(times)
    print(json.dumps({"first": first, "steady": steady}))
""")


def measure(framework: str, workload: str, layers: int) -> dict:
    env = dict(os.environ, SYMGRAD_CACHE_DIR=tempfile.mkdtemp(prefix="sg-compile-bench-"),
               JAX_PLATFORMS="cpu", XLA_FLAGS=os.environ.get("XLA_FLAGS", ""))
    out = subprocess.run([sys.executable, "-c", CHILD, framework, workload, str(layers)], capture_output=True, text=True,
                         env=env, timeout=3600)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["compile"] = r["first"] - r["steady"]
    return r


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, nargs="+", default=None,
                    help="layers (mlp) or blocks (transformer); default 8 32 128 (mlp), 12 (transformer)")
    ap.add_argument("--workload", choices=("mlp", "transformer"), default="mlp")
    args = ap.parse_args(argv)
    peers = ["jax"] if importlib.util.find_spec("jax") else []
    if not peers:
        print("jax is not installed (pip install -e '.[bench]'): symgrad only")
    layers = args.layers or ([12] if args.workload == "transformer" else [8, 32, 128])
    print(f"workload: {args.workload}")
    print(f"{'L':>5} {'symgrad compile':>16} {'jax.jit first':>14} {'ratio':>7}   steady ms symgrad / jax")
    previous = None
    for L in layers:
        s = measure("symgrad", args.workload, L)
        j = measure("jax", args.workload, L) if peers else {}
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
