"""Cached-start probe of the benchmark, alone and repeated (issue 5: "ready in under 100 ms").

    .venv/bin/python bench/cached_start.py [--quick] [--repeat N] [--only TEXT]

For each workload: one cold compile into a fresh SYMGRAD_CACHE_DIR, then N new
processes that find it there. Each runs the benchmark's own compile probe
(bench/run.py PROBE: first call minus a steady call of `sg.value_and_grad`,
so `import symgrad` and building the inputs are not counted); the time of
`import symgrad` is measured by its own fresh processes and printed
separately. Prints the median and min-max per workload. Not a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from run import probe  # noqa: E402
from workloads import all_workloads  # noqa: E402

IMPORT = "import time; t0 = time.perf_counter(); import symgrad; print((time.perf_counter() - t0) * 1e3)"


def import_ms(repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        r = subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True, check=True)
        out.append(float(r.stdout.strip().splitlines()[-1]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the benchmark's small sizes")
    ap.add_argument("--repeat", type=int, default=7, help="cached-start processes per workload (default 7)")
    ap.add_argument("--only", default="", help="workloads whose name contains this text")
    args = ap.parse_args(argv)
    imports = import_ms(args.repeat)
    print(f"import symgrad (not in the figures below): median {statistics.median(imports):.0f} ms, "
          f"{min(imports):.0f}-{max(imports):.0f}")
    print(f"{'workload':<22} {'cold ms':>8} {'cached ms: median':>18} {'min-max':>11}")
    for index, w in enumerate(all_workloads(args.quick)):
        if args.only and args.only not in w.name:
            continue
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, SYMGRAD_CACHE_DIR=cache)
            cold, err = probe("compile", index, args.quick, env)
            cached = []
            for _ in range(args.repeat):
                r, err2 = probe("compile", index, args.quick, env)
                if r is None:
                    err = err or err2
                    break
                cached.append(r["ms"])
        if not cached or cold is None:
            print(f"{w.name:<22} probe failed: {err}")
            continue
        print(f"{w.name:<22} {cold['ms']:8.0f} {statistics.median(cached):18.0f} "
              f"{min(cached):5.0f}-{max(cached):<5.0f}")


if __name__ == "__main__":
    main()
