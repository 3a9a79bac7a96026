"""sg.CompileError: the failing stage, located diagnostics, the saved IR and a symgrad-opt
command that reproduces the failure."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph.registry import OPS

UNLOWERED = """func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant 1.0 : f32
  %v = vector.broadcast %c : f32 to vector<4xf32>
  vector.print %v : vector<4xf32>
  %y = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
"""


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))


def test_ir_outside_the_accepted_set_is_a_located_error_with_a_reproducer(tmp_path):
    src = tmp_path / "model.mlir"
    src.write_text(UNLOWERED)
    with pytest.raises(sg.CompileError) as info:
        sg.compile(sg.parse_file(src))
    e = info.value
    assert e.stage == "verify"
    assert any("'arith.constant' op is not accepted by sg.compile" in m and "model.mlir:2:8" in loc
               for loc, m in e.diagnostics), e.diagnostics
    assert e.mlir_path and os.path.exists(e.mlir_path)
    assert e.command.startswith("symgrad-opt ") and "graph-to-llvm" in e.command
    assert "model.mlir:2:8: error: 'arith.constant' op is not accepted" in str(e)
    # The command reproduces the failure (with the same diagnostic) in a fresh process.
    argv = shlex.split(e.command)
    proc = subprocess.run([sys.executable, "-m", "symgrad.tools.symgrad_opt", *argv[1:]], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode != 0
    assert "'arith.constant' op is not accepted by sg.compile" in proc.stderr


def test_op_without_lowering_names_the_op_at_its_location(monkeypatch):
    monkeypatch.setattr(OPS["exp"], "lower", None)
    x = np.ones(3, np.float32)
    m = sg.trace(lambda x: sg.exp(x) + 1.0, x)
    with pytest.raises(sg.CompileError) as info:
        sg.compile(m, cache=False)
    e = info.value
    assert e.stage == "lower"
    (loc, msg), = [d for d in e.diagnostics if "graph.exp" in d[1]]
    assert "has no lowering to linalg" in msg
    assert loc.startswith(__file__), loc


def test_invalid_graph_ir_fails_in_the_verify_stage():
    text = """func.func @f(%x: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = "graph.sum"(%x) {axes = array<i64: 1>, keepdims = false} : (tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}"""
    with pytest.raises(sg.CompileError) as info:
        sg.compile(text)
    assert info.value.stage == "verify"
    assert "does not match" in str(info.value)


def test_a_module_without_functions_is_rejected():
    with pytest.raises(sg.CompileError, match="no public function"):
        sg.compile("module {}")


def test_compile_rejects_other_inputs():
    with pytest.raises(TypeError, match="symgrad.Module or IR text"):
        sg.compile(42)


def test_unknown_function_names_the_available_ones():
    x = np.ones(2)
    cm = sg.compile(sg.trace(lambda x: x + 1.0, x))
    with pytest.raises(KeyError, match=r"no compiled function @g \(have \['f'\]\)"):
        cm["g"]
    with pytest.raises(AttributeError):
        cm.g
