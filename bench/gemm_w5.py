"""GEMM micro-benchmark for W5 (issue 14): every matrix product of the minGPT block's step, symgrad vs
torch.matmul with the same layouts (torch on 2 threads, as in bench/run.py).

    .venv/bin/python bench/gemm_w5.py              # all W5 products
    .venv/bin/python bench/gemm_w5.py --rounds 50

Per product: how often a step computes it, symgrad's median wall time per call (one sg.jit kernel of
just that product, argument checks and output allocation included) and its cpu/wall (both cores busy:
2.0), torch's, and the ratio. The weight gradients of `x @ W` with x [B, T, K] are `sum_b x[b]^T @ g[b]`,
which both frameworks compute as one 2-D product over the folded batch (symgrad: matmul's vjp in
dialects/graph/ops/matmul.py; before, a batch of 8 products and a sum: 2.2x torch). Alternating rounds
after a warm-up, in one process. Not a test.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import statistics
import sys
import time

import numpy as np

B, T, D, H, V = 8, 128, 256, 4, 512
hd = D // H
#: name, times per step, stored lhs, stored rhs, lhs transposed, rhs transposed, summed over dim 0
SHAPES = [
    ("x @ Wqkvo      1024x256x256", 4, (B, T, D), (D, D), False, False, False),
    ("x @ W1         1024x256x1024", 1, (B, T, D), (D, 4 * D), False, False, False),
    ("h @ W2         1024x1024x256", 1, (B, T, 4 * D), (4 * D, D), False, False, False),
    ("x @ Whead      1024x256x512", 1, (B, T, D), (D, V), False, False, False),
    ("g @ Wqkvo^T    1024x256x256", 4, (B, T, D), (D, D), False, True, False),
    ("g @ W1^T       1024x1024x256", 1, (B, T, 4 * D), (D, 4 * D), False, True, False),
    ("g @ W2^T       1024x256x1024", 1, (B, T, D), (4 * D, D), False, True, False),
    ("g @ Whead^T    1024x512x256", 1, (B, T, V), (D, V), False, True, False),
    ("sum x^T @ g    256x1024x256", 4, (B, T, D), (B, T, D), True, False, True),
    ("sum x^T @ g    256x1024x1024", 1, (B, T, D), (B, T, 4 * D), True, False, True),
    ("sum h^T @ g    1024x1024x256", 1, (B, T, 4 * D), (B, T, D), True, False, True),
    ("sum x^T @ g    256x1024x512", 1, (B, T, D), (B, T, V), True, False, True),
    ("q @ k^T    32x 128x64x128", 2, (B, H, T, hd), (B, H, T, hd), False, True, False),
    ("p @ v      32x 128x128x64", 2, (B, H, T, T), (B, H, T, hd), False, False, False),
    ("p^T @ g    32x 128x128x64", 2, (B, H, T, T), (B, H, T, hd), True, False, False),
]


def _sg_fn(sg, ta, tb, summed):
    def swap(x):
        r = len(x.shape)
        return sg.transpose(x, tuple(range(r - 2)) + (r - 1, r - 2))

    def f(a, b):
        if summed:  # what matmul's vjp writes for a matrix rhs: one product over the folded batch
            return swap(sg.reshape(a, (-1, a.shape[-1]))) @ sg.reshape(b, (-1, b.shape[-1]))
        return (swap(a) if ta else a) @ (swap(b) if tb else b)
    return sg.jit(f)


def _torch_fn(torch, ta, tb, summed):
    def f(a, b):
        if summed:  # autograd's weight gradient of a folded 3-D @ 2-D product
            return a.reshape(-1, a.shape[-1]).t() @ b.reshape(-1, b.shape[-1])
        return torch.matmul(a.transpose(-1, -2) if ta else a, b.transpose(-1, -2) if tb else b)
    return f


def _alone(args):
    """Each framework in a process of its own, all its products one after the other."""
    got = {}
    for fw in ("sg", "torch"):
        out = subprocess.run([sys.executable, __file__, "--framework", fw, "--rounds", str(args.rounds),
                              "--only", args.only], capture_output=True, text=True, check=True)
        got[fw] = {r[0]: r[1:] for r in (json.loads(line) for line in out.stdout.splitlines() if line.startswith("["))}
    print(f"{'product':30s} {'n':>2} {'symgrad ms':>10} {'cpu/wall':>8} {'torch ms':>9} {'cpu/wall':>8} {'ratio':>6}"
          "   (each framework in a process of its own)")
    total = {"sg": 0.0, "torch": 0.0}
    for name, count, *_ in SHAPES:
        if name not in got["sg"]:
            continue
        (s, su), (t, tu) = got["sg"][name], got["torch"][name]
        total["sg"] += count * s
        total["torch"] += count * t
        print(f"{name:30s} {count:2d} {s:10.3f} {su:8.2f} {t:9.3f} {tu:8.2f} {s / t:5.2f}x")
    _total(total)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--only", default="", help="products whose name contains this text")
    ap.add_argument("--alternate", action="store_true",
                    help="alternate symgrad and torch calls in one process (torch's OpenMP threads spin after "
                         "each call and slow symgrad's next one: about 2x on 2 cores) instead of timing each "
                         "framework in a process of its own")
    ap.add_argument("--framework", choices=("sg", "torch"), help=argparse.SUPPRESS)  # the child of a run
    args = ap.parse_args(argv)
    if not args.alternate and args.framework is None:
        return _alone(args)
    import torch
    torch.set_num_threads(2)
    if args.framework != "torch":
        import symgrad as sg
    else:
        sg = None
    rng = np.random.default_rng(0)
    print(f"{'product':30s} {'n':>2} {'symgrad ms':>10} {'cpu/wall':>8} {'torch ms':>9} {'cpu/wall':>8} {'ratio':>6}")
    total = {"sg": 0.0, "torch": 0.0}
    for name, count, sa, sb, ta, tb, summed in SHAPES:
        if args.only not in name:
            continue
        a, b = rng.standard_normal(sa, dtype=np.float32), rng.standard_normal(sb, dtype=np.float32)
        at, bt = torch.from_numpy(a), torch.from_numpy(b)
        ft = _torch_fn(torch, ta, tb, summed)
        runs = {"torch": (lambda: ft(at, bt))}
        if sg is not None:
            fs = _sg_fn(sg, ta, tb, summed)
            np.testing.assert_allclose(fs(a, b), ft(at, bt).numpy(), rtol=1e-3, atol=1e-2)
            runs = {"sg": (lambda: fs(a, b))} if args.framework == "sg" else {"sg": (lambda: fs(a, b)), **runs}
        wall = {k: [] for k in runs}
        cpu = {k: [] for k in runs}
        for _ in range(3):
            for fn in runs.values():
                fn()
        for _ in range(args.rounds):
            for key, fn in runs.items():
                c0, t0 = time.process_time(), time.perf_counter()
                fn()
                wall[key].append(time.perf_counter() - t0)
                cpu[key].append(time.process_time() - c0)
        med = {k: statistics.median(v) * 1e3 for k, v in wall.items()}
        util = {k: sum(cpu[k]) / sum(wall[k]) for k in runs}
        if args.framework is not None:
            print(json.dumps([name, med[args.framework], util[args.framework]]), flush=True)
            continue
        for k in runs:
            total[k] += count * med[k]
        print(f"{name:30s} {count:2d} {med['sg']:10.3f} {util['sg']:8.2f} {med['torch']:9.3f} {util['torch']:8.2f} "
              f"{med['sg'] / med['torch']:5.2f}x")
    if args.framework is None:
        _total(total)


def _total(total):
    print(f"{'per step (x n)':30s} {'':2s} {total['sg']:10.2f} {'':8s} {total['torch']:9.2f} {'':8s} "
          f"{total['sg'] / total['torch']:5.2f}x")


if __name__ == "__main__":
    sys.exit(main())
