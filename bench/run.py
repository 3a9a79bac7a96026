"""The symgrad benchmark (issue 5): forward+backward steps against numpy, PyTorch (eager and
torch.compile) and JAX (jax.jit).

    ./scripts/bench.sh               # all workloads
    ./scripts/bench.sh --quick       # small sizes, a smoke run
    ./scripts/bench.sh --alone       # each framework timed in a fresh process of its own

Per workload it checks symgrad's gradients against every peer first, then
times one full step (loss and all gradients) per framework in alternating
rounds after a warm-up (in a new order each round), and prints the median, min-max and symgrad's ratio to
each peer measured in this same run. It also measures compile time (cold, in a
fresh cache, and from the on-disk cache in a new process) and the peak memory
of one step, each in its own subprocess. Nothing here is a test; CI does not
run it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from workloads import all_workloads  # noqa: E402

import symgrad as sg  # noqa: E402


# ------------------------------------------------------------------ peers ----
def peers_for(w, only=None):
    """name -> step(*inputs) returning (loss, grads) as numpy; a framework missing is skipped.
    `only`: build just that framework (the memory probe imports no other)."""
    makers = {"symgrad": _symgrad_step, "numpy": lambda w: w.numpy_step, "torch": _torch_step,
              "torch.compile": _torch_compiled_step, "jax": _jax_step}
    if os.environ.get("SYMGRAD_BENCH_PEERS", "1") == "0":  # numpy only, even when torch and jax are installed
        makers = {k: v for k, v in makers.items() if k in ("symgrad", "numpy")}
    peers = {}
    for name, make in makers.items():
        if only is None or only == name:
            try:
                step = make(w)
            except ImportError:
                continue
            if step is not None:  # a workload without a hand-written numpy step (W5) has no numpy peer
                peers[name] = step
    return peers


def _torch_step(w, compiled: bool = False):
    import torch
    torch.set_num_threads(os.cpu_count() or 1)
    f = w.torch_fn(torch)
    if compiled:  # TorchInductor's C++ kernels for forward and backward, compiled at the first call
        f = torch.compile(f)

    def torch_step(*inputs):
        ts = [torch.from_numpy(a) for a in inputs]
        for i in w.argnums:
            ts[i].requires_grad_(True)
        loss = f(*ts)
        loss.backward()
        return loss.detach().numpy(), tuple(ts[i].grad.numpy() for i in w.argnums)
    return torch_step


def _torch_compiled_step(w):
    return _torch_step(w, compiled=True)


def _jax_step(w):
    import jax
    import jax.numpy as jnp
    g = jax.jit(jax.value_and_grad(w.jax_fn(jnp, jax), argnums=w.argnums))

    def jax_step(*inputs):
        loss, grads = g(*inputs)
        loss.block_until_ready()
        return np.asarray(loss), tuple(np.asarray(x) for x in grads)
    return jax_step


def _symgrad_step(w):
    vg = sg.value_and_grad(w.symgrad_fn, argnums=w.argnums)

    def step(*inputs):
        loss, grads = vg(*inputs)
        return loss, grads if isinstance(grads, tuple) else (grads,)
    return step


def check(w, peers, inputs):
    """symgrad's loss and gradients against each peer's, before anything is timed."""
    loss, grads = peers["symgrad"](*inputs)
    worst = 0.0
    for name, step in peers.items():
        if name == "symgrad":
            continue
        l2, g2 = step(*inputs)
        np.testing.assert_allclose(loss, l2, rtol=2e-3, atol=1e-3, err_msg=f"{w.name}: loss vs {name}")
        for i, (a, b) in enumerate(zip(grads, g2)):
            scale = float(np.max(np.abs(b))) or 1.0
            err = float(np.max(np.abs(a - b))) / scale
            worst = max(worst, err)
            assert err < 2e-3, f"{w.name}: gradient {i} differs from {name} by {err:.2e} (relative to max)"
    return worst


# ------------------------------------------------------------------ timing ---
def time_steps(peers, inputs, rounds: int, warmup: int = 2):
    for step in peers.values():
        for _ in range(warmup):
            step(*inputs)
    times = {name: [] for name in peers}
    order = list(peers)
    shuffle = random.Random(0).shuffle
    for _ in range(rounds):
        # Alternate frameworks within every round, in a new (seeded) order each round: a framework's
        # thread pool keeps spinning for a while after its step (OpenBLAS, OpenMP, Eigen) and slows
        # whichever step runs next, so no framework may always follow the same one.
        shuffle(order)
        for name in order:
            step = peers[name]
            t0 = time.perf_counter()
            step(*inputs)
            times[name].append((time.perf_counter() - t0) * 1e3)
    return times


# ------------------------------------------------------------------ subprocess probes
PROBE = r"""
import json, os, sys, time
sys.path.insert(0, {here!r})
mode, index, quick = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
import numpy as np
t0 = time.perf_counter(); import symgrad as sg; import_ms = (time.perf_counter() - t0) * 1e3
from workloads import all_workloads
w = all_workloads(quick)[index]
inputs = w.make_inputs(np.random.default_rng(0))
if mode == "compile":
    vg = sg.value_and_grad(w.symgrad_fn, argnums=w.argnums)
    t0 = time.perf_counter(); vg(*inputs); first = time.perf_counter() - t0
    # The caching pool keeps the first call's temporaries for the next: emptied, the second call
    # faults in fresh pages as the first did, so first - steady is what compiling/loading costs.
    # The median of three such calls: one alone is noisy on the big workloads (page faults).
    from symgrad.runtime import pool
    steadies = []
    for _ in range(3):
        pool.release()
        t0 = time.perf_counter(); vg(*inputs); steadies.append(time.perf_counter() - t0)
    steady = sorted(steadies)[1]
    print(json.dumps({{"ms": (first - steady) * 1e3, "import_ms": import_ms}}))
elif mode.startswith("alone:"):  # --alone: one framework's steps back to back, in a process of its own
    from run import peers_for
    name, rounds = mode.split(":")[1], int(mode.split(":")[2])
    step = peers_for(w, only=name)[name]
    for _ in range(3):
        step(*inputs)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter(); step(*inputs); times.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({{"times": times}}))
else:  # the peak memory of one step (MEMORY_NOTE): this process runs `mode` alone
    import ctypes, gc
    from run import peers_for
    step = peers_for(w, only=mode)[mode]
    for _ in range(2):  # warm-up: compiles (symgrad, jax), loads kernels, starts thread pools
        step(*inputs)
    # Release what allocators keep for the next step, alike for every framework: symgrad's pool
    # (the kernels' temporaries and results), then glibc's free memory (numpy's and torch's CPU
    # arrays, XLA:CPU's buffers: malloc), which would otherwise hide the step's need just as well.
    # torch on CPU has no caching allocator by default, and jax keeps no buffers between steps here
    # (the step's arrays die with it); both keep their compiled code, as symgrad does.
    if mode == "symgrad":  # (sg.clear_cache(disk=False) would also drop the compiled kernels)
        from symgrad.runtime import pool
        pool.release()
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)
    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key):
                return int(line.split()[1]) / 1024.0
    before = status("VmRSS:")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets the peak (VmHWM) to the current RSS
    out = step(*inputs)
    peak = status("VmHWM:")
    del out
    print(json.dumps({{"mb": peak - before}}))
"""

#: The footnote under the tables: what the peak-memory column measures.
MEMORY_NOTE = ("* peak MB: the rise of the peak resident set (VmHWM, reset through /proc/self/clear_refs) over "
               "the resident set just before one step, in a fresh process per framework, after two warm-up "
               "steps and with allocator caches released (symgrad's pool, glibc's malloc_trim): the step's "
               "temporaries and results (and any copy it makes of the inputs), not the inputs themselves or "
               "compiled code")


def probe(mode: str, index: int, quick: bool, env=None):
    out = subprocess.run([sys.executable, "-c", PROBE.format(here=HERE), mode, str(index), "1" if quick else "0"],
                         capture_output=True, text=True, env=env, cwd=HERE)
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"
    return json.loads(out.stdout.strip().splitlines()[-1]), None


def compile_times(index: int, quick: bool):
    """(cold ms, from the disk cache ms, `import symgrad` ms (not in either), error): the time a first
    call of value_and_grad takes beyond a steady call, in a new process with an empty cache folder,
    then in another that finds the kernels there."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, SYMGRAD_CACHE_DIR=cache)
        cold, err = probe("compile", index, quick, env)
        cached, err2 = probe("compile", index, quick, env)
    return (cold or {}).get("ms"), (cached or {}).get("ms"), (cached or {}).get("import_ms"), err or err2


# ------------------------------------------------------------------ main -----
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes and few rounds (a smoke run)")
    ap.add_argument("--rounds", type=int, default=None, help="timed rounds per framework (default 30, 3 quick)")
    ap.add_argument("--only", default="", help="run workloads whose name contains this text")
    ap.add_argument("--alone", action="store_true",
                    help="time each framework in a fresh process of its own, its steps back to back, instead of "
                         "alternating them in this one (on few cores, a framework's spinning threads and the idle "
                         "gaps between turns slow the step that runs next)")
    args = ap.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 30)
    workloads = all_workloads(args.quick)
    from symgrad.runtime.threads import num_threads
    print(f"symgrad benchmark: {os.cpu_count()} cores, symgrad kernels on {num_threads()} threads "
          f"(SYMGRAD_NUM_THREADS), {rounds} rounds, float32, times in ms per step, "
          + ("each framework alone in a process of its own" if args.alone else "frameworks alternating"))
    rows = []
    for index, w in enumerate(workloads):
        if args.only and args.only not in w.name:
            continue
        inputs = w.make_inputs(np.random.default_rng(0))
        peers = peers_for(w)
        try:
            worst = check(w, peers, inputs)
        except AssertionError as e:
            print(f"\n{w.name}: CORRECTNESS CHECK FAILED, not timed:\n  " + "\n  ".join(str(e).strip().splitlines()))
            rows.append((w.name, float("nan"), "check failed"))
            continue
        if args.alone:
            times = {}
            for name in peers:
                got, err = probe(f"alone:{name}:{rounds}", index, args.quick)
                if got is None:
                    raise RuntimeError(f"{w.name}: timing {name} alone failed: {err}")
                times[name] = got["times"]
        else:
            times = time_steps(peers, inputs, rounds)
        cold, cached, import_ms, err = compile_times(index, args.quick)
        mem = {name: probe(name, index, args.quick)[0] for name in peers}
        med = {n: statistics.median(t) for n, t in times.items()}
        print(f"\n{w.name}: {w.description}   (gradients agree with every peer to {worst:.1e})")
        print(f"  {'framework':<13} {'median':>9} {'min-max':>19} {'symgrad/peer':>13} {'peak MB*':>9}")
        for n, t in times.items():
            ratio = "" if n == "symgrad" else f"{med['symgrad'] / med[n]:.2f}x"
            mb = mem[n]["mb"] if mem.get(n) else float("nan")
            print(f"  {n:<13} {med[n]:9.2f} {min(t):9.2f}-{max(t):9.2f} {ratio:>13} {mb:9.1f}")
        fastest = min((n for n in med if n != "symgrad"), key=med.get)
        print(f"  compile: cold {cold:.0f} ms, from disk cache {cached:.0f} ms (import symgrad {import_ms:.0f} ms, "
              f"not included)" if cold is not None and cached is not None
              else f"  compile: probe failed ({err})")
        rows.append((w.name, med["symgrad"] / med[fastest], fastest))
    print("\nsymgrad / fastest peer:")
    for name, ratio, fastest in rows:
        print(f"  {name:<22} {ratio:.2f}x  (fastest peer: {fastest})")
    print("\n" + textwrap.fill(MEMORY_NOTE, 100))


if __name__ == "__main__":
    main()
