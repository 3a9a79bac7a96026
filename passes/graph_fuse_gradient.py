"""`graph-fuse-gradient`: one function that runs the primal and the adjoint back to back.

For `grad`/`value_and_grad` the vjp is known when compiling, so nothing forces
the captures through memory between two kernels: `@f_fused(args..., vjps...)
-> (real outputs..., gradients...)` inlines `@f` and the adjoint variant without
the temporaries' vjps, wiring each capture straight to the value it captures.
Upstream elementwise fusion can then merge primal and adjoint loops (e.g. `tanh`
and its derivative in one pass over the data), and intermediates that were only
saved for the adjoint become ordinary temporaries.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import func as func_d

from .graph_differentiate import Differentiator, build_adjoint_variant, is_differentiated, read_gradient_info
from .module_pass import ModulePass, PassError

FUSED_ATTR = "graph.fused"


def _inline(block: ir.Block, source: func_d.FuncOp, mapping: dict) -> list:
    """Clones `source`'s body into `block` with its arguments mapped; returns the mapped results."""
    for op in source.entry_block.operations:
        op = op.operation
        if op.name == "func.return":
            return [mapping[v] for v in op.operands]
        if len(op.regions):
            raise PassError([(op.location, f"cannot fuse @{source.sym_name.value}: '{op.name}' has regions")])
        clone = op.clone(ip=ir.InsertionPoint(block))
        for i, v in enumerate(op.operands):
            if v in mapping:
                clone.operands[i] = mapping[v]
        for old, new in zip(op.results, clone.results):
            mapping[old] = new
    raise PassError([(source.location, f"@{source.sym_name.value} has no func.return")])


def _fused_name(table: ir.SymbolTable, base: str) -> str:
    """`<base>_fused`, or `<base>_fused_<k>` when that is taken."""
    name, k = f"{base}_fused", 1
    while name in table:
        name, k = f"{base}_fused_{k}", k + 1
    return name


def build_fused(fop: func_d.FuncOp) -> str:
    """Adds `@<f>_fused` next to a differentiated `fop` (once) and returns its name."""
    if FUSED_ATTR in fop.attributes:
        return fop.attributes[FUSED_ATTR].value
    info = read_gradient_info(fop)
    present = tuple(i < info.f_real_outputs for i in info.df_input_vjps)
    adjoint_name = info.adjoint if all(present) else build_adjoint_variant(fop, present, info.recompute)
    table = ir.SymbolTable(fop.operation.parent)  # the variant may be new
    adjoint = table[adjoint_name].opview
    results = list(fop.type.results)
    vjp_types = [results[i] for i in info.df_input_vjps if i < info.f_real_outputs]
    name = _fused_name(table, fop.sym_name.value)
    with ir.InsertionPoint(fop), fop.location:
        fused = func_d.FuncOp(name, (list(fop.type.inputs) + vjp_types,
                                     results[:info.f_real_outputs] + list(adjoint.type.results)))
    fused.operation.move_after(fop.operation)
    n_args = len(fop.type.inputs)
    block = fused.add_entry_block([fop.location] * (n_args + len(vjp_types)))
    args = list(block.arguments)
    outputs = _inline(block, fop, dict(zip(fop.entry_block.arguments, args[:n_args])))
    captures = [args[i] for i in info.df_input_captured_inputs] + \
        [outputs[i] for i in info.df_input_captured_outputs]
    grads = _inline(block, adjoint, dict(zip(adjoint.entry_block.arguments, args[n_args:] + captures)))
    with ir.InsertionPoint(block), fop.location:
        func_d.ReturnOp(outputs[:info.f_real_outputs] + grads)
    fused.attributes["graph.primal"] = ir.FlatSymbolRefAttr.get(fop.sym_name.value)
    fop.attributes[FUSED_ATTR] = ir.FlatSymbolRefAttr.get(name)
    return name


def fuse_undifferentiated(fop: func_d.FuncOp, mask, recompute: str = "none") -> tuple[str, list, list]:
    """Adds `@<f>_fused` for the not yet differentiated `fop`, w.r.t. the arguments `mask` marks, in
    one reverse sweep; returns (its name, df_output_vjps, the outputs that take a vjp).

    The same function `build_fused` makes after graph-differentiate (the same ops in the same
    order: the test compares them), without what only the separate primal and adjoint need: the
    dry sweep that finds the captures, the adjoint with the temporaries' vjps, then the variant
    without them. sg.grad and sg.value_and_grad compile only this function, so at 128 MLP layers
    two of three sweeps were a third of the time before the MLIR pipeline. `fop` is left as it was;
    the sweep's scratch function is erased. Raises PassError (located) for a non-differentiable op."""
    d = Differentiator(fop, mask, recompute)
    vjp_outputs, scratch, sweep, _ = d.sweep_real_outputs()
    try:
        table = ir.SymbolTable(fop.operation.parent)
        name = _fused_name(table, d.name)
        inputs, results = list(fop.type.inputs), list(fop.type.results)
        vjp_types = [results[i] for i in vjp_outputs]
        with ir.InsertionPoint(fop), fop.location:
            fused = func_d.FuncOp(name, (inputs + vjp_types, results))  # + the gradients, set below
        fused.operation.move_after(fop.operation)
        block = fused.add_entry_block([fop.location] * (len(inputs) + len(vjp_types)))
        args = list(block.arguments)
        mapping = dict(zip(fop.entry_block.arguments, args[:len(inputs)]))
        outputs = _inline(block, fop, mapping)
        # The scratch's arguments: the vjps (in seed order), then one proxy per captured value.
        scratch_args = list(scratch.entry_block.arguments)
        wiring = dict(zip(scratch_args[:len(vjp_outputs)], args[len(inputs):]))
        wiring.update({proxy: mapping[v] for v, proxy in sweep.proxies.items()})
        grads = _inline(block, scratch, wiring)
        with ir.InsertionPoint(block), fop.location:
            func_d.ReturnOp(outputs + grads)
        fused.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(inputs + vjp_types, results + [g.type for g in grads]))
    finally:
        scratch.operation.erase()
    return name, [i for i, m in enumerate(mask) if m], vjp_outputs


@dataclass(frozen=True)
class GraphFuseGradient(ModulePass):
    name = "graph-fuse-gradient"
    summary = ("add @<f>_fused(args..., vjps...) -> (outputs..., gradients...) running the primal and the "
               "adjoint of each differentiated function in one body (for grad/value_and_grad)")

    def apply(self, module_op: ir.Operation) -> None:
        for op in list(module_op.regions[0].blocks[0].operations):
            if isinstance(op.opview, func_d.FuncOp) and is_differentiated(op):
                build_fused(op.opview)
