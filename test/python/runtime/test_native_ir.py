"""runtime/native/*.ll, the hand-written LLVM IR: every placeholder filled in from Python, none left
over, and the files shipped as package data."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from symgrad.runtime import async_runtime, native_ir, pool

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("text", [pool.ir_text, async_runtime.ir_text], ids=["pool", "async_runtime"])
def test_the_ir_has_every_placeholder_filled_in(text):
    ir = text()
    assert "$" not in ir and not re.search(r"\{[a-z_]+\}", ir)


def test_a_missing_or_unused_value_is_an_error():
    with pytest.raises(ValueError, match=r"pool\.ll: placeholders without a value \[.*'slots'"):
        native_ir.load("pool")
    values = dict(clock_id=1, spin_ns=1, pause_decl="", pause="", extra=1)
    with pytest.raises(ValueError, match=r"values without a placeholder \['extra'\]"):
        native_ir.load("async_runtime", **values)


def test_the_ll_files_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["symgrad.runtime"]
    shipped = {p for pattern in patterns for p in (ROOT / "runtime").glob(pattern)}
    assert shipped == set((ROOT / "runtime" / "native").glob("*.ll")) and len(shipped) == 2
