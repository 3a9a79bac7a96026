"""docs/ops.md is generated from the registry and must stay in sync with it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import symgrad as sg
from symgrad.dialects.graph import docs
from symgrad.dialects.graph.registry import OPS

REPO = Path(__file__).resolve().parents[3]
OPS_MD = REPO / "docs" / "ops.md"


@pytest.fixture(scope="module")
def text() -> str:
    return docs.generate()


def _section(text: str, name: str) -> str:
    start = text.index(f"### `graph.{name}`\n")
    end = text.find("\n##", start + 1)
    return text[start:end if end >= 0 else len(text)]


def test_ops_md_is_up_to_date(text):
    assert OPS_MD.exists(), f"{OPS_MD} is missing; generate it with {docs.REGENERATE}"
    assert OPS_MD.read_text() == text, (
        f"{OPS_MD} is out of date with the op registry; regenerate it with {docs.REGENERATE}")


def test_generation_is_deterministic(text):
    assert docs.generate() == text


def test_every_op_is_documented_completely(text):
    for op in OPS.values():
        sec = _section(text, op.name)
        assert op.summary in sec
        assert op.shape_rule in sec
        for operand in op.operands:
            assert f"`{operand}`" in sec, (op.name, operand)
        for attr, kind in op.attrs.items():
            assert f"`{attr}`: {kind.name}, e.g. `{kind.example}`" in sec, (op.name, attr)
        if not op.attrs:
            assert "**Attributes:** none" in sec
        if op.differentiable:
            assert op.vjp_doc in sec
        else:
            assert f"not differentiable: {op.nondiff}" in sec
        assert f"`sg.{op.api_name}(" in sec
        assert f'"graph.{op.name}"(' in sec, f"no generic-form example for graph.{op.name}"
        assert f"[`graph.{op.name}`](#graph{op.name})" in text  # the index links to it


def test_composites_section_says_they_are_not_ops(text):
    sec = text[text.index("## Composites"):]
    assert "not `graph` ops" in sec
    for name in ("softmax", "log_softmax", "gelu", "layer_norm"):
        assert f"`sg.{name}(" in sec
        assert name not in OPS
    assert "`graph.max`, `graph.stop_gradient`, `graph.sub`, `graph.exp`, `graph.sum`, `graph.constant`, `graph.div`, " \
           "`graph.mul`" in sec  # softmax


def test_front_end_functions_exist_for_documented_names():
    for op in OPS.values():
        assert callable(getattr(sg, op.api_name))


def test_check_mode_and_output(tmp_path, text):
    out = tmp_path / "ops.md"
    assert docs.main(["-o", str(out)]) == 0
    assert out.read_text() == text
    assert docs.main(["-o", str(out), "--check"]) == 0
    out.write_text("stale\n")
    assert docs.main(["-o", str(out), "--check"]) == 1


def test_module_entry_point_prints_the_reference(text):
    r = subprocess.run([sys.executable, "-m", "symgrad.dialects.graph.docs", "-o", "-"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == text
