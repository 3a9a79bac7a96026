"""GEMM micro-benchmark: symgrad's matmul kernels vs numpy.matmul on the MLP's forward and backward products (W1 and W2 sizes, issue 5).

    .venv/bin/python bench/gemm.py             # symgrad calls numpy's BLAS (the default)
    .venv/bin/python bench/gemm.py --loops     # symgrad's generated loops (SYMGRAD_BLAS=off)

The forward product and the transposed products of W2's backward, as the adjoint writes them
(a transpose feeding the matmul). Alternating rounds after a warm-up, one kernel call per
sample (argument checks and output allocation included, as a user sees them); prints medians,
min-max and the ratio to numpy from this run. Not a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

SHAPES = [  # name, stored lhs, stored rhs, lhs transposed, rhs transposed
    ("x @ W1       256x784 @ 784x512", (256, 784), (784, 512), False, False),
    ("x^T @ dz     784x256 @ 256x512", (256, 784), (256, 512), True, False),
    ("dz @ W1^T    256x512 @ 512x784", (256, 512), (784, 512), False, True),
    ("h @ W2       256x512 @ 512x10", (256, 512), (512, 10), False, False),
    ("h^T @ dl     512x256 @ 256x10", (256, 512), (256, 10), True, False),
    ("dl @ W2^T    256x10 @ 10x512", (256, 10), (512, 10), False, True),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loops", action="store_true", help="symgrad without BLAS (generated loops)")
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args(argv)
    if args.loops:
        os.environ["SYMGRAD_BLAS"] = "off"
    import symgrad as sg
    from symgrad.runtime import blas

    print(f"symgrad matmul via {'BLAS: ' + blas.library().path if blas.library() else 'loops: ' + str(blas.unavailable_reason())}")
    print(f"{'product':32s} {'symgrad ms':>11} {'min-max':>15} {'numpy ms':>9} {'min-max':>15} {'ratio':>6}")
    rng = np.random.default_rng(0)
    for name, sa, sb, ta, tb in SHAPES:
        a, b = rng.standard_normal(sa, dtype=np.float32), rng.standard_normal(sb, dtype=np.float32)
        f = sg.jit(lambda a, b, ta=ta, tb=tb: (sg.transpose(a, (1, 0)) if ta else a) @ (sg.transpose(b, (1, 0)) if tb else b))
        g = lambda a, b, ta=ta, tb=tb: np.matmul(a.T if ta else a, b.T if tb else b)  # noqa: E731
        np.testing.assert_allclose(f(a, b), g(a, b), rtol=1e-4, atol=1e-3)
        times = {"sg": [], "np": []}
        for _ in range(3):
            f(a, b), g(a, b)
        for _ in range(args.rounds):
            for key, fn in (("sg", f), ("np", g)):
                t0 = time.perf_counter()
                fn(a, b)
                times[key].append((time.perf_counter() - t0) * 1e3)
        s, n = times["sg"], times["np"]
        print(f"{name:32s} {statistics.median(s):11.3f} {min(s):7.3f}-{max(s):7.3f} {statistics.median(n):9.3f} "
              f"{min(n):7.3f}-{max(n):7.3f} {statistics.median(s) / statistics.median(n):5.2f}x")


if __name__ == "__main__":
    sys.exit(main())
