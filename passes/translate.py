"""LLVM IR text from a module, checked first: the translation guard of sg.compile and symgrad-opt.

`translate` turns an LLVM-dialect module that graph-to-llvm built into LLVM IR in process, after
`check_lowered` (passes/check_lowered_to_llvm.py). `to_llvm_ir` lowers a graph module first; a
module that is all LLVM dialect already is not symgrad's own, so it is checked and translated in a
child process (passes/foreign_llvm.py). Either raises LoweringError or ir.MLIRError, never crashes.
"""
from __future__ import annotations

import mlir.ir as ir
from mlir.dialects import llvm as mllvm

from . import foreign_llvm
from .check_lowered_to_llvm import check_lowered
from .foreign_llvm import LoweringError
from .graph_to_llvm import GRAPH_TO_LLVM
from .pipeline_text import run_pipeline

__all__ = ["LoweringError", "check_lowered", "translate", "to_llvm_ir"]


def translate(module_op: ir.Operation, checked: bool = False) -> str:
    """LLVM IR text of an LLVM-dialect module that graph-to-llvm built, after `check_lowered`
    (`checked`: the caller's pipeline ended with check-lowered-to-llvm, on this very module,
    so the walk over every op is not done twice)."""
    if not checked:
        check_lowered(module_op)
    _drop_graph_parameter_attributes(module_op)
    return str(mllvm.translate_module_to_llvmir(module_op))


def _drop_graph_parameter_attributes(module_op: ir.Operation) -> None:
    """{graph.requires_grad} and other graph.* argument/result attributes survive lowering
    (convert-func-to-llvm keeps them) and mean nothing to LLVM, whose translation warns about
    each ("Unhandled parameter attribute"): they are dropped from the llvm.func ops."""
    for op in module_op.regions[0].blocks[0].operations:
        op = op.operation
        if op.name != "llvm.func":
            continue
        for kind in ("arg_attrs", "res_attrs"):
            if kind not in op.attributes:
                continue
            dicts = [ir.DictAttr(d) for d in ir.ArrayAttr(op.attributes[kind])]
            if not any(a.name.startswith("graph.") for d in dicts for a in d):
                continue
            kept = [ir.DictAttr.get({a.name: a.attr for a in d if not a.name.startswith("graph.")}) for d in dicts]
            op.attributes[kind] = ir.ArrayAttr.get(kept)


def to_llvm_ir(module) -> str:
    """LLVM IR text for a module, lowered in place with GRAPH_TO_LLVM unless it is all LLVM dialect.

    `module` is an `ir.Module`, its `ir.Operation`, or an `sg.Module`. A graph module is what
    sg.compile takes (GRAPH_TO_LLVM starts with graph-check-compilable), so symgrad built every
    op that reaches the translator, which runs in process. A module that is all LLVM dialect
    already (hand-written, or the output of someone's pipeline) is checked and translated in a
    child process (passes/foreign_llvm.py). Raises LoweringError or ir.MLIRError, never crashes.
    """
    op = _module_op(module)
    with op.context:
        if _is_llvm_only(op):
            check_lowered(op)
            return foreign_llvm.translate(op)
        run_pipeline(op, GRAPH_TO_LLVM)
        return translate(op)


def _module_op(module) -> ir.Operation:
    mlir_module = getattr(module, "mlir", module)  # sg.Module
    return getattr(mlir_module, "operation", mlir_module)


def _is_llvm_only(module_op: ir.Operation) -> bool:
    ok = [True]

    def visit(op):
        if op.name != "builtin.module" and not op.name.startswith("llvm."):
            ok[0] = False
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return ok[0]
