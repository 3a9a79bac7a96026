"""The adversarial-IR harness: feeds IR texts to symgrad-opt, sg.parse and sg.compile in a worker
process and classifies every outcome.

Each case goes through, in one worker process (batches keep it fast; a crash costs one restart):

  symgrad-opt FILE                      (the driver's main(), in process, stdout/stderr captured)
  symgrad-opt FILE --graph-differentiate
  symgrad-opt FILE --graph-to-llvm
  symgrad-opt FILE --emit=llvm-ir
  symgrad-opt FILE --graph-differentiate --graph-to-llvm
  sg.parse(text)
  sg.compile(text)
  kernel(*zeros) for each compiled function (inputs and outputs up to CALL_BYTES; `call`)

and every outcome must be `ok` (the mutant happens to be valid) or `error`: a non-zero exit with
a `FILE:LINE:COL: error: ...` line (LINE >= 1) and no traceback or "internal error" for the
driver; an `IRError` / `CompileError` whose diagnostics carry such locations for the API; and
entry points that do the same work agree (IMPLIES: a located error where another path succeeds
is a false error). When sg.compile succeeds, every kernel is called once with zero-filled
arrays of its signature, in a fork() child of the worker: a kernel that reads or writes outside
its buffers or recurses without end dies there (`call` is a crash), one that runs past
CALL_TIMEOUT seconds is killed (a hang). The
parent (`run`) watches the worker: a worker that dies (a signal: segfault, assertion abort) or
goes silent past the timeout is a `crash` / `hang` of the case it was on (with the step it was
in: which entry point, or which kernel call), and a fresh worker carries on with the next case.
The worker keeps stdout (fd 1) for its reports to the parent and points the process's own fd 1
at stderr, so native code that prints cannot break them.

    python irfuzz.py --worker CASES.json START [STEPS]   (the worker; CASES is [[name, base64 bytes]],
                                                          STEPS e.g. opt,parse,compile,call)
"""
from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

DRIVER_RUNS = {"opt": [], "diff": ["--graph-differentiate"], "llvm": ["--graph-to-llvm"],
               "llvm-ir": ["--emit=llvm-ir"], "diff-llvm": ["--graph-differentiate", "--graph-to-llvm"]}
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)$")
DRIVER_ERROR = re.compile(r"^(?P<file>\S.*?):(?P<line>\d+):(?P<col>\d+): error: ", re.M)
# Not the user's input: MLIR names a buffer parsed from memory "-" (IR that symgrad printed and
# parsed again, e.g. for the lowering); an error located only there is unlocated.
INTERNAL_BUFFERS = ("-",)
GOOD = ("ok", "error", "skipped")  # skipped: a kernel too large to call
TEXT = 400  # characters of each error message kept in the results
STEPS = (*DRIVER_RUNS, "parse", "compile", "call")  # every step of a case, in order
CALL_BYTES = 64 << 20  # kernels whose inputs and outputs take more are not called
CALL_TIMEOUT = float(os.environ.get("SYMGRAD_IRFUZZ_CALL_TIMEOUT", "10"))  # seconds for one case's calls


# ---------------------------------------------------------------- classifying --
def classify_driver(rc: int, stderr: str) -> str:
    if "Traceback" in stderr or "internal error" in stderr:
        return "bad: " + stderr.strip()[-600:]
    if rc == 0:
        if " error: " in stderr:
            return "bad: exit 0 with an error: " + stderr.strip()[-300:]
        return "ok"
    located = [m for m in DRIVER_ERROR.finditer(stderr)
               if int(m.group("line")) >= 1 and m.group("file") not in INTERNAL_BUFFERS]
    if not located:
        return "unlocated: " + stderr.strip()[-400:]
    return "error"


def _located(diags) -> bool:
    for loc, _ in diags:
        m = LOCATED.match(loc)
        if m and int(m.group("line")) >= 1 and m.group("file") not in INTERNAL_BUFFERS:
            return True
    return False


def classify_exception(e: BaseException, api: str) -> str:
    import symgrad as sg
    expected = sg.IRError if api == "parse" else sg.CompileError
    if type(e) is not expected:
        return f"bad: {type(e).__name__}: {str(e)[:500]}"
    if "internal error" in str(e):
        return f"bad: {str(e)[:500]}"
    if not _located(e.diagnostics):
        return f"unlocated: {str(e)[:400]}"
    return "error"


# --------------------------------------------------------------------- worker --
def _run_driver(path: str, flags: list[str]) -> tuple[str, str]:
    from symgrad.tools.symgrad_opt import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main([path, *flags])
        except SystemExit as e:  # argparse
            rc = e.code if isinstance(e.code, int) else 1
        except BaseException as e:  # noqa: BLE001 - escaping main() is the bug being looked for
            return f"bad: main() raised {type(e).__name__}: {e}", ""
    return classify_driver(rc, err.getvalue()), err.getvalue()[:TEXT]


def _call_kernels(cm, workdir: str) -> tuple[str, str]:
    """Calls each kernel of `cm` once with zero-filled arrays, in a fork() child of the worker:
    a kernel that writes outside its buffers may corrupt the heap without dying at once, and
    only the child's heap is lost; a child killed by a signal is a `crash` of this call, one
    that runs past CALL_TIMEOUT seconds is killed, a `hang`. The worker goes on either way."""
    import numpy as np
    plan, skipped = [], []
    for name, k in cm.kernels.items():
        nbytes = sum(int(t.size) * np.dtype(t.np_dtype).itemsize for t in (*k.inputs, *k.results))
        if nbytes > CALL_BYTES:
            skipped.append(f"@{name} ({nbytes} bytes)")
        else:
            plan.append((name, k))
    if not plan:
        return "skipped", ("too large to call: " + ", ".join(skipped)) if skipped else "no kernels"
    err_path = os.path.join(workdir, "call-stderr.txt")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: runs the calls, reports each as a JSON line, never returns
        try:
            os.close(r)
            fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            outcome = ["ok", "called " + ", ".join(f"@{n}" for n, _ in plan)]
            for name, k in plan:
                os.write(w, (json.dumps({"call": name}) + "\n").encode())
                try:
                    k(*[np.zeros(t.shape, t.np_dtype) for t in k.inputs])
                except MemoryError as e:  # documented: temporaries that cannot be allocated, before native code
                    outcome = ["error", f"@{name}: MemoryError: {e}"[:TEXT]]
                    break
                except BaseException as e:  # noqa: BLE001 - a kernel called with its own signature must run
                    outcome = [f"bad: @{name} raised {type(e).__name__}: {str(e)[:400]}", ""]
                    break
            if skipped:
                outcome[1] += "; not called (too large): " + ", ".join(skipped)
            os.write(w, (json.dumps({"outcome": outcome}) + "\n").encode())
        finally:
            os._exit(0)
    os.close(w)
    buf, deadline, timed_out = b"", time.monotonic() + CALL_TIMEOUT, False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([r], [], [], left)[0]:
                timed_out = True
                os.kill(pid, 9)
                break
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buf += chunk
    finally:
        os.close(r)
        _, status = os.waitpid(pid, 0)
    msgs = []
    for line in buf.decode("utf-8", "replace").splitlines():
        try:
            msgs.append(json.loads(line))
        except ValueError:  # a line cut short by the child's death
            pass
    current = next((m["call"] for m in reversed(msgs) if "call" in m), None)
    outcome = next((m["outcome"] for m in msgs if "outcome" in m), None)
    if outcome is not None and not timed_out and os.WIFEXITED(status):
        return outcome[0], outcome[1]
    try:
        with open(err_path, "rb") as f:
            tail = f.read()[-1500:].decode("utf-8", "replace")
    except OSError:
        tail = ""
    if timed_out:
        return f"hang: @{current} ran longer than {CALL_TIMEOUT} s\n{tail}", ""
    how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit status {os.WEXITSTATUS(status)}"
    return f"crash: {how} in call @{current}\n{tail}", ""


def run_one(data: bytes, workdir: str, steps=STEPS, report=lambda step, results: None) -> dict:
    """One case through `steps` (default all); `report(step, results)` is told each step before
    it runs, with the outcomes so far (so a crash in a step still leaves the earlier ones)."""
    import symgrad as sg
    path = os.path.join(workdir, "case.mlir")
    with open(path, "wb") as f:
        f.write(data)
    results = {}
    for name, flags in DRIVER_RUNS.items():
        if name not in steps:
            continue
        report(name, results)
        t0 = time.perf_counter()
        results[name], results[name + ":text"] = _run_driver(path, flags)
        results[name + ":s"] = round(time.perf_counter() - t0, 3)
    text = data.decode("utf-8", "surrogateescape")
    if "parse" in steps:
        report("parse", results)
        try:
            sg.parse(data)  # bytes; sg.compile gets the str below
            results["parse"] = "ok"
        except Exception as e:  # noqa: BLE001
            results["parse"] = classify_exception(e, "parse")
            results["parse:text"] = str(e)[:TEXT]
    if "compile" in steps:
        report("compile", results)
        t0 = time.perf_counter()
        cm = None
        try:
            cm = sg.compile(text, cache=False)
            results["compile"] = "ok"
        except Exception as e:  # noqa: BLE001
            results["compile"] = classify_exception(e, "compile")
            results["compile:text"] = str(e)[:TEXT]
            if isinstance(e, sg.CompileError):
                results["compile:stage"] = e.stage
        results["compile:s"] = round(time.perf_counter() - t0, 3)
        if cm is not None and "call" in steps:
            t0 = time.perf_counter()
            report("call", results)
            results["call"], results["call:text"] = _call_kernels(cm, workdir)
            results["call:s"] = round(time.perf_counter() - t0, 3)
    return results


def worker(cases_path: str, start: int, steps=STEPS) -> None:
    with open(cases_path) as f:
        cases = json.load(f)
    # The reports go to the parent through a private copy of fd 1; fd 1 itself becomes stderr,
    # so a kernel (or LLVM) writing to stdout cannot corrupt them.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    import symgrad  # noqa: F401  (imported before the first case, so its time is not a case's)
    workdir = tempfile.mkdtemp(prefix="irfuzz-", dir=os.environ.get("IRFUZZ_TMP"))  # the parent removes it
    try:
        for i in range(start, len(cases)):
            out.write(json.dumps({"begin": i}) + "\n")
            out.flush()

            def report(step, results, i=i):
                done = {k: v for k, v in results.items() if ":" not in k}
                out.write(json.dumps({"at": i, "step": step, "done": done}) + "\n")
                out.flush()
            res = run_one(base64.b64decode(cases[i][1]), workdir, steps, report)
            out.write(json.dumps({"end": i, "results": res}) + "\n")
            out.flush()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------- parent --
def run(cases: list[tuple[str, bytes]], timeout: float = 120.0, env: dict | None = None,
        steps=STEPS) -> list[dict]:
    """Runs every case in worker processes, through `steps` (default all: DRIVER_RUNS, parse,
    compile, call); returns one {name, results} dict per case. A worker that dies or hangs marks
    its case `crash` / `hang` (with the step it was in, the exit status and stderr tail)."""
    tmp = tempfile.mkdtemp(prefix="irfuzz-parent-")
    try:
        return _run(cases, timeout, env, tmp, steps)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(cases, timeout, env, tmp, steps) -> list[dict]:
    cases_path = os.path.join(tmp, "cases.json")
    with open(cases_path, "w") as f:
        json.dump([[n, base64.b64encode(d).decode()] for n, d in cases], f)
    env = dict(os.environ if env is None else env)
    env.setdefault("SYMGRAD_CACHE_DIR", os.path.join(tmp, "cache"))
    env["IRFUZZ_TMP"] = tmp  # a worker killed by a signal cannot clean up after itself
    results: list[dict | None] = [None] * len(cases)
    start = 0
    while start < len(cases):
        err_path = os.path.join(tmp, f"stderr-{start}.txt")
        with open(err_path, "wb") as err:
            proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", cases_path, str(start),
                                     ",".join(steps)], stdout=subprocess.PIPE, stderr=err, env=env)
        current, step, done, buf = None, None, {}, b""
        deadline = time.monotonic() + timeout * 2  # startup counts double
        failure = None
        while True:
            left = deadline - time.monotonic()
            ready = select.select([proc.stdout], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                proc.kill()
                proc.wait()
                failure = "hang"
                break
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                proc.wait()
                failure = "crash" if current is not None else ("done" if proc.returncode == 0 else "crash")
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                msg = json.loads(line)
                if "begin" in msg:
                    current, step, done = msg["begin"], None, {}
                elif "step" in msg:
                    step, done = msg["step"], msg["done"]
                else:
                    results[msg["end"]] = {"name": cases[msg["end"]][0], "results": msg["results"]}
                    current = None
                deadline = time.monotonic() + timeout
        proc.stdout.close()
        if failure == "done":
            break
        with open(err_path, "rb") as f:
            tail = f.read()[-2000:].decode("utf-8", "replace")
        where = current if current is not None else start
        status = proc.returncode
        how = f"signal {-status}" if status is not None and status < 0 else f"exit status {status}"
        if failure == "hang":
            how += f" (timeout {timeout} s)"
        during = f" in {step}" if step else ""
        earlier = done if current is not None else {}  # the outcomes of the steps before the one that failed
        results[where] = {"name": cases[where][0],
                          "results": {**earlier, "worker": f"{failure}{during}: {how}\n{tail}"}}
        start = where + 1
    return [r if r is not None else {"name": cases[i][0], "results": {"worker": "never run"}}
            for i, r in enumerate(results)]


# Entry points that must agree: (a, b) means "a succeeds => b succeeds". A located error where
# the other path succeeds is a false error (e.g. a verifier rule firing on lowered IR).
IMPLIES = [(("opt",), "parse"), (("parse",), "opt"), (("compile",), "llvm"), (("compile",), "llvm-ir"),
           (("diff", "llvm"), "diff-llvm")]


def failures(results: list[dict]) -> list[str]:
    """Every outcome that is neither `ok` nor a located `error`, and every disagreement between
    entry points (IMPLIES), as readable lines."""
    out = []
    for r in results:
        res = r["results"]
        for k, v in res.items():
            if ":" in k or (isinstance(v, str) and v in GOOD):
                continue
            out.append(f"{r['name']} [{k}]: {v}")
        for premises, b in IMPLIES:
            if all(res.get(a) == "ok" for a in premises) and res.get(b) == "error":
                out.append(f"{r['name']} [{b}]: inconsistent: {' and '.join(premises)} succeeded but {b} failed: "
                           f"{res.get(b + ':text', '')[:300]}")
    return out


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--worker":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        worker(sys.argv[2], int(sys.argv[3]), tuple(sys.argv[4].split(",")) if len(sys.argv) == 5 else STEPS)
    else:
        sys.exit(__doc__)
