"""The compile path verifies the module after each symgrad pass only (pipeline_text.VERIFY_MODES):
IR that one of our passes got wrong is still an error naming the pass, never a crash."""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
import pytest
from mlir.dialects import arith

from mlir.passmanager import PassManager

from symgrad.passes.module_pass import ModulePass, as_mlir_pass
from symgrad.passes.pipeline_text import build_pass_manager

TEXT = "func.func @f(%a: f32) -> f32 { return %a : f32 }"


@dataclass(frozen=True)
class BreakReturn(ModulePass):
    """Returns an f64 from a function declared to return f32: invalid IR."""
    name = "test-break-return"
    summary = "makes the module invalid"

    def apply(self, module_op):
        ret = module_op.regions[0].blocks[0].operations[0].regions[0].blocks[0].operations[0]
        with ir.InsertionPoint(ret), ret.location:
            ret.operands[0] = arith.constant(ir.F64Type.get(), 1.0)


def _run(verify_symgrad):
    with ir.Context() as ctx:
        m = ir.Module.parse(TEXT)
        pm = PassManager("builtin.module", context=ctx)
        pm.enable_verifier(False)
        pm.add(as_mlir_pass(BreakReturn(), verify=verify_symgrad), name=BreakReturn.name,
               argument=BreakReturn.name, description=BreakReturn.summary)
        pm.run(m.operation)
        return str(m)


def test_a_symgrad_pass_that_breaks_the_module_is_an_error_naming_it():
    with pytest.raises(ir.MLIRError) as e:
        _run(verify_symgrad=True)
    text = str(e.value)
    assert "symgrad pass 'test-break-return' produced invalid IR" in text and "doesn't match function result type" \
        in text, text


def test_without_verification_the_broken_module_passes_through():
    """What the check above catches: with no verifier at all the invalid module goes on."""
    assert "(%0) : (f64) -> ()" in _run(verify_symgrad=False)


def test_verify_modes():
    """`verify="symgrad"` runs a valid pipeline of ours and upstream passes; other modes are errors."""
    with ir.Context():
        m = ir.Module.parse(TEXT)
        build_pass_manager("builtin.module(graph-verify,canonicalize)", verify="symgrad").run(m.operation)
        assert "return %arg0 : f32" in str(m)
        with pytest.raises(ValueError, match="verify must be one of each, symgrad, none"):
            build_pass_manager("builtin.module(canonicalize)", verify="sometimes")
