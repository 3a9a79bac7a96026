"""`SYMGRAD_LOG_COMPILES=1`: one line per compile with the seconds each stage took, like
`jax.log_compiles`, so a user sees where a slow first call goes (trace, differentiate, the MLIR
pipeline, LLVM's optimizer, code generation, loading) and whether the code came from a cache.

Lines go to the `symgrad.compiles` logger at WARNING, which Python prints on stderr when no
logging is configured; route or silence them with the logging module.
"""
from __future__ import annotations

import logging
import os

from symgrad.runtime.llvm_parts import COUNTS as _COUNTS  # (compiled, cached) region objects, shown last

ENV = "SYMGRAD_LOG_COMPILES"
LOGGER = logging.getLogger("symgrad.compiles")
#: Stage names as the line shows them, in pipeline order (others follow in the order given).
_LABELS = {"trace": "trace", "differentiate": "differentiate", "key": "key", "lower": "mlir pipeline",
           "translate": "translate", "llvm_split": "llvm split", "llvm_parse": "llvm parse",
           "llvm_opt": "llvm optimize", "codegen": "codegen", "llvm": "llvm wall", "load": "load", "total": "total"}


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in ("", "0", "false", "no")


def line(what: str, origin: str, timings: dict) -> str:
    """`what` (e.g. 'value_and_grad(loss) for f32[32,64], ...'), where the code came from, stage times."""
    order = [k for k in _LABELS if k in timings] + [k for k in timings if k not in _LABELS and k not in _COUNTS]
    stages = ", ".join(f"{_LABELS.get(k, k)} {1e3 * timings[k]:.1f} ms" for k in order)
    if _COUNTS[0] in timings:
        stages += f"; regions {timings[_COUNTS[0]]} compiled, {timings[_COUNTS[1]]} from the cache"
    return f"symgrad: compiled {what} ({origin}): {stages}"


def log(what: str, origin: str, timings: dict) -> None:
    if enabled():
        LOGGER.warning(line(what, origin, timings))
