"""Replays every saved minimal failing graph under regressions/ with all the fuzz properties.

A file whose header has an `// xfail: <bug>` line is an open bug reported to the
owners of the code at fault: it is expected to fail (strictly, so the suite
flags it as soon as the bug is fixed; then drop the line and the matching
`KNOWN_BUGS` entry in graphgen.py). Every other file must pass.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from graphgen import KNOWN_BUGS, RandomGraph, Step, read_regression, to_regression_text
from graphchecks import BY_NAME, Unchecked, check_graph
from symgrad.dialects.graph.types import TensorType

REGRESSIONS = Path(__file__).parent / "regressions"
FILES = sorted(REGRESSIONS.glob("*.mlir"))


def check_file(path: Path) -> None:
    saved = read_regression(path.read_text())
    try:
        check_graph(saved.graph(), BY_NAME[saved.runner])
    except Unchecked as e:  # a saved graph must stay checkable, else it guards nothing
        raise AssertionError(f"{path.name} is no longer numerically checkable: {e}") from None


def _param(path: Path):
    xfail = read_regression(path.read_text()).xfail
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(path, id=path.name, marks=marks)


# Native code can crash the process (the bugs it guards are crashes), so a graph saved
# for the compiled runner is replayed in a child process, by this file run as a script.
if __name__ == "__main__":
    import sys

    check_file(Path(sys.argv[1]))


@pytest.mark.parametrize("path", [_param(p) for p in FILES])
def test_saved_graph_passes_every_property(path):
    if read_regression(path.read_text()).runner == "interpret":
        check_file(path)
        return
    done = subprocess.run([sys.executable, __file__, str(path)], capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).parent)
    assert done.returncode == 0, (f"replaying {path.name} ended with exit status {done.returncode}"
                                  f"{' (killed by signal %d)' % -done.returncode if done.returncode < 0 else ''}"
                                  f":\n{done.stderr[-3000:]}")


def test_every_known_bug_has_an_xfail_regression():
    for bug in KNOWN_BUGS:
        path = REGRESSIONS / bug.regression
        assert path.exists(), f"KNOWN_BUGS names {bug.regression}, which is not saved"
        assert read_regression(path.read_text()).xfail, f"{bug.regression} has no `// xfail:` line"


def test_regression_files_round_trip():
    """What save writes, read_regression reads back: IR, inputs (bit-exact), seed and flags."""
    g = RandomGraph([TensorType((2, 1), "f64"), TensorType((3,), "f64")],
                    [np.array([[0.1], [-1.0 / 3.0]]), np.array([2.0, np.pi, -7e-12])],
                    [Step("mul", (0, 1)), Step("sum", (2,), {"axes": (1,), "keepdims": True})], [3, 0],
                    seed=42, hvp=True)
    saved = read_regression(to_regression_text(g, failure="AssertionError: two\nlines", xfail="bug"))
    back = saved.graph()
    assert (saved.seed, saved.hvp, saved.xfail) == (42, True, "bug")
    assert back.text() == g.text() and back.outputs == g.outputs
    for a, b in zip(back.inputs, g.inputs):
        np.testing.assert_array_equal(a, b)
