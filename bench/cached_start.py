"""Cached-start probe of the benchmark, alone and repeated (issue 5: "ready in under 100 ms").

    .venv/bin/python bench/cached_start.py [--quick] [--repeat N] [--only TEXT]

For each workload: one cold compile into a fresh SYMGRAD_CACHE_DIR, then N new
processes that find it there. Each runs the benchmark's own compile probe
(bench/run.py PROBE: a first call of `sg.value_and_grad` minus a steady call
with cold temporaries; `import symgrad` and building the inputs are not
counted, and the time of `import symgrad` is printed separately). Prints the
median and min-max per workload. Not a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from run import probe  # noqa: E402
from workloads import all_workloads  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the benchmark's small sizes")
    ap.add_argument("--repeat", type=int, default=7, help="cached-start processes per workload (default 7)")
    ap.add_argument("--only", default="", help="workloads whose name contains this text")
    args = ap.parse_args(argv)
    print(f"{'workload':<22} {'cold ms':>8} {'cached ms: median':>18} {'min-max':>11} {'import symgrad ms':>18}")
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
                cached.append(r)
        if not cached or cold is None:
            print(f"{w.name:<22} probe failed: {err}")
            continue
        ms = [r["ms"] for r in cached]
        imp = statistics.median(r["import_ms"] for r in cached)
        print(f"{w.name:<22} {cold['ms']:8.0f} {statistics.median(ms):18.0f} {min(ms):5.0f}-{max(ms):<5.0f} {imp:18.0f}")


if __name__ == "__main__":
    main()
