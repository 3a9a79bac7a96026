"""The seed texts the IR fuzzer mutates: every chunk of the lit tests' inputs under test/ (split
on `// -----`, comments dropped), the IR printed from a few traced and differentiated functions,
and the subset of both that parses (the upstream-dialect mutators start from those). The traced
seeds with debug info name this file and its lines in `loc(...)`: moving or editing
`traced_inputs` changes them, and so the cases of a seed."""
from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
TEST_DIR = os.path.join(ROOT, "test")

_LIT_SKIP = ("tools/list-passes.mlir",)  # no IR in it


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip() + "\n"


def lit_inputs() -> list[tuple[str, str]]:
    out = []
    for d, _, files in sorted(os.walk(TEST_DIR)):
        if "python" in os.path.relpath(d, TEST_DIR).split(os.sep):
            continue
        for f in sorted(files):
            if not f.endswith(".mlir"):
                continue
            rel = os.path.relpath(os.path.join(d, f), TEST_DIR)
            if rel in _LIT_SKIP:
                continue
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                chunks = re.split(r"^\s*// -----.*$", fh.read(), flags=re.M)
            for k, chunk in enumerate(chunks):
                body = _strip_comments(chunk)
                if "func.func" in body or "module" in body:
                    out.append((f"{rel}#{k}", body))
    return out


def traced_inputs() -> list[tuple[str, str]]:
    """IR printed from traced (and differentiated) functions: what users feed back in."""
    import symgrad as sg
    x = np.ones((3, 4), np.float32)
    w = np.ones((4, 2), np.float32)
    b = np.ones(2, np.float32)
    v = np.ones(5)

    def mlp(x, w, b):
        return (sg.tanh(x @ w + b) ** 2).mean()

    def soft(v):
        return sg.log_softmax(v.reshape(1, 5), axis=1), sg.where(v > 0.5, v, v * 2.0)

    def shapes(x):
        return sg.concatenate([x[1:, ::2], x[:2, 1:3]], axis=0).T.sum(axis=0, keepdims=True), sg.max(x, axis=1)

    out = []
    for name, fn, args, rg in (("mlp", mlp, (x, w, b), [1, 2]), ("soft", soft, (v,), [0]),
                               ("shapes", shapes, (x,), [0])):
        m = sg.trace(fn, *args, requires_grad=rg)
        out.append((f"traced:{name}", str(m)))
        try:
            out.append((f"traced:{name}:grad", str(sg.differentiate(m).module)))
        except Exception:  # pragma: no cover - the corpus is best effort; the tests check the result
            pass
        out.append((f"traced:{name}:loc", m.mlir_with_debuginfo()))
    return out


@lru_cache(maxsize=1)
def corpus() -> tuple[tuple[str, str], ...]:
    return tuple(lit_inputs() + traced_inputs())


@lru_cache(maxsize=1)
def valid_corpus() -> tuple[tuple[str, str], ...]:
    """The seed texts that parse and verify: what the upstream-dialect mutators start from, so
    their mutants get as far as compiling."""
    import symgrad as sg
    out = []
    for name, text in corpus():
        try:
            sg.parse(text)
        except Exception:  # noqa: BLE001 - a seed that does not parse is simply not used
            continue
        out.append((name, text))
    return tuple(out)
