"""`graph-differentiate`: splits a function into a primal `f` and an adjoint `df`.

The contract is TorchScript's `Gradient` (see `symgrad.Gradient`):

* requires-grad flows forward from arguments marked `{graph.requires_grad}`
  through differentiable float ops;
* the reverse sweep walks `f` backwards, applying each op's registry `vjp`
  rule where the op's result requires grad and some cotangent reaches it.
  A value no cotangent reaches is a symbolic zero (`None`): no work is
  emitted for it, which is TorchScript's `isZero` folding done at build time;
* primal values that the rules read are captured: arguments by input offset,
  results by output offset, anything else appended once to `f`'s outputs.
  Captured temporaries that require grad also get a vjp slot (the seed's `dt`);
* the adjoint is built in a scratch function, dead code is removed, and only
  the captures still used survive into the final signature
  `(vjps..., captured inputs..., captured outputs...) -> grads`.

Rematerialization (the `recompute` option, validated here for every caller): `none` captures
every value the adjoint reads (TorchScript's behaviour); `elementwise` re-emits cheap elementwise
intermediates inside the adjoint from their own operands instead of capturing them; `all`
recomputes every intermediate, so the adjoint depends only on the vjps and `f`'s arguments (what
second derivatives need).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Sequence

import numpy as np
import mlir.ir as ir
from mlir.dialects import func as func_d

from symgrad.dialects.graph.attrs import ADJOINT, RECOMPUTE, RECOMPUTE_POLICIES, REQUIRES_GRAD, recompute_policy
from symgrad.dialects.graph.emit import Tensor, emit
from symgrad.dialects.graph.registry import lookup
from symgrad.dialects.graph.types import TensorType
from symgrad.dialects.graph.verifier import int_requires_grad, op_attributes

from .module_pass import ModulePass, PassError, option

GRADIENT_ATTRS = (ADJOINT, "graph.f_real_outputs", "graph.df_input_vjps", "graph.df_input_captured_inputs",
                  "graph.df_input_captured_outputs", "graph.df_output_vjps")


@dataclass
class GradientInfo:
    """The integer fields of the seed's Gradient for one differentiated function, with the name of
    its adjoint and the recompute policy it was built with (variants built later follow it)."""
    f_real_outputs: int
    df_input_vjps: tuple
    df_input_captured_inputs: tuple
    df_input_captured_outputs: tuple
    df_output_vjps: tuple
    adjoint: str
    recompute: str


# ------------------------------------------------------------------ analysis --
def requires_grad_mask(fop) -> list[bool]:
    n = len(fop.type.inputs)
    if "arg_attrs" not in fop.attributes:
        return [False] * n
    return [REQUIRES_GRAD in fop.arg_attrs[i] for i in range(n)]


def _ops(fop) -> list[ir.Operation]:
    if len(fop.regions[0].blocks) != 1:
        raise PassError([(fop.location, f"@{fop.sym_name.value} must have a single block to be differentiated")])
    return [op.operation for op in fop.entry_block.operations]


def _is_float_tensor(v: ir.Value) -> bool:
    t = v.type
    return isinstance(t, ir.RankedTensorType) and isinstance(t.element_type, (ir.F32Type, ir.F64Type))


def non_differentiable_reason(op: ir.Operation) -> Optional[str]:
    """Why `op` cannot carry a gradient, or None when it has a rule."""
    opdef = lookup(op.name)
    if opdef is None:
        return "it is not a graph op, so symgrad has no gradient rule for it"
    if not opdef.differentiable:
        return opdef.nondiff
    return None


def _not_differentiable_argument(i: int, a: ir.Value) -> str:
    try:
        return int_requires_grad(i, TensorType.from_mlir(a.type))
    except ValueError:
        return f"argument #{i} of type {a.type} requires grad, but it is not a float tensor"


def propagate_requires_grad(fop, mask: Sequence[bool]) -> set:
    """The values that require grad; raises PassError at any non-differentiable op on the way."""
    args = list(fop.entry_block.arguments)
    problems = [(fop.location, f"@{fop.sym_name.value}: {_not_differentiable_argument(i, a)}")
                for i, (a, m) in enumerate(zip(args, mask)) if m and not _is_float_tensor(a)]
    if problems:  # integer and boolean values are not differentiable: never silently a zero gradient
        raise PassError(problems)
    required = {a for a, m in zip(args, mask) if m}
    for op in _ops(fop):
        if op.name == "func.return":
            continue
        hits = [i for i, v in enumerate(op.operands) if v in required]
        if not hits:
            continue
        float_results = [r for r in op.results if _is_float_tensor(r)]
        if not float_results:
            continue  # comparisons: i1 results never require grad
        opdef = lookup(op.name)
        if opdef is not None and opdef.stops_gradient:
            continue  # its result is a constant to differentiation
        reason = non_differentiable_reason(op)
        if reason:
            problems.append((op.location, f"'{op.name}' op is not differentiable ({reason}), but its operand "
                                          f"#{hits[0]} requires grad in @{fop.sym_name.value}"))
            continue
        required.update(float_results)
    if problems:
        raise PassError(problems)
    return required


# ------------------------------------------------------------------ reverse sweep
class _Sweep:
    """One construction of an adjoint body in a scratch function.

    Primal values read by rules become proxy arguments (captures) or, under a
    recompute policy, are re-emitted from their operands.
    """

    def __init__(self, fop, required: set, recompute: str, scratch: func_d.FuncOp):
        self.fop, self.required, self.recompute = fop, required, recompute
        self.block = scratch.entry_block
        self.proxies: dict = {}  # primal value -> proxy block argument
        self.remat: dict = {}  # primal value -> recomputed Tensor
        self.args = set(fop.entry_block.arguments)

    def vjp_argument(self, v: ir.Value) -> Tensor:
        return Tensor(self.block.add_argument(v.type, v.location))

    def capture(self, v: ir.Value) -> None:
        """Forces `v` to be a proxy argument (variants keep the full adjoint's captures)."""
        if v not in self.proxies:
            self.proxies[v] = self.block.add_argument(v.type, self.fop.location)

    def primal(self, v: ir.Value) -> Tensor:
        """The adjoint's handle on primal value `v`."""
        if v in self.proxies:
            return Tensor(self.proxies[v])
        if v in self.remat:
            return self.remat[v]
        if v not in self.args and self._recomputable(v):
            op = v.owner
            opdef = lookup(op.name)
            with op.location:
                made = emit(opdef.name, *[self.primal(o) for o in op.operands], **op_attributes(op, opdef))
            for r, t in zip(op.results, made if opdef.multi_result else (made,)):
                self.remat[r] = t  # every result at once: the op is re-emitted once
            return self.remat[v]
        self.capture(v)
        return Tensor(self.proxies[v])

    def _recomputable(self, v: ir.Value) -> bool:
        opdef = lookup(v.owner.name)
        if opdef is None:
            return False
        if not opdef.operands:
            return True  # constants cost nothing to re-emit; never capture them
        return self.recompute == "all" or (self.recompute == "elementwise" and opdef.rematerializable)

    def run(self, seeds: list, temp_seeds: dict) -> dict:
        grads: dict = {}

        def accumulate(v, ct: Tensor):
            if ct.type != TensorType.from_mlir(v.type):
                raise AssertionError(f"gradient rule produced {ct.type} for a value of type {v.type}")
            grads[v] = ct if v not in grads else grads[v] + ct

        for v, ct in seeds:
            accumulate(v, ct)
        for op in reversed(_ops(self.fop)):
            if op.name == "func.return" or not any(r in self.required for r in op.results):
                continue
            for y in op.results:
                if y in temp_seeds:
                    accumulate(y, temp_seeds[y])
            # One cotangent per result; None for a result no cotangent reaches (unused, or an
            # integer result, which never requires grad).
            gs = [grads.get(y) if y in self.required else None for y in op.results]
            if all(g is None for g in gs):
                continue  # a symbolic zero: nothing to propagate
            opdef = lookup(op.name)
            with op.location:
                outs = [self.primal(y) for y in op.results]
                ct, out = (tuple(gs), tuple(outs)) if opdef.multi_result else (gs[0], outs[0])
                cts = opdef.vjp(ct, out, *[self.primal(o) for o in op.operands], **op_attributes(op, opdef))
                for v, ct in zip(op.operands, cts):
                    if ct is not None and v in self.required:
                        accumulate(v, ct)
        return grads


def _erase_dead_code(block: ir.Block) -> None:
    """Removes `graph` ops whose results are unused (they are pure), last to first."""
    for op in reversed(list(block.operations)):
        op = op.operation
        if lookup(op.name) is not None and all(not list(r.uses) for r in op.results):
            op.erase()


# ------------------------------------------------------------------ the pass --
class Differentiator:
    def __init__(self, fop: func_d.FuncOp, mask: Sequence[bool], recompute: str = "none",
                 n_real_outputs: Optional[int] = None):
        recompute_policy(recompute)  # a ValueError before any work
        self.fop, self.mask, self.recompute = fop, list(mask), recompute
        self.name = fop.sym_name.value
        self.required = propagate_requires_grad(fop, mask)
        self.args = list(fop.entry_block.arguments)
        ret = fop.entry_block.operations[len(fop.entry_block.operations) - 1].operation
        if ret.name != "func.return":
            raise PassError([(fop.location, f"@{self.name} must end in func.return")])
        self.outputs = list(ret.operands)
        self.real_outputs = self.outputs[:n_real_outputs]
        self.position = {r: (i, k) for i, op in enumerate(_ops(fop)) for k, r in enumerate(op.results)}

    # The adjoint body is built in a scratch function inserted after f, then moved.
    def _sweep(self, vjp_values: list, temp_vjp_values: list, forced_captures: list = ()):
        with ir.InsertionPoint(self.fop), self.fop.location:
            scratch = func_d.FuncOp(f"{self.name}__scratch", ([], []))
        scratch.operation.move_after(self.fop.operation)
        scratch.add_entry_block([])
        sweep = _Sweep(self.fop, self.required, self.recompute, scratch)
        seeds = [(v, sweep.vjp_argument(v)) for v in vjp_values]
        temp_seeds = {v: sweep.vjp_argument(v) for v in temp_vjp_values}
        for v in forced_captures:
            sweep.capture(v)
        with ir.InsertionPoint(scratch.entry_block), self.fop.location:
            grads = sweep.run(seeds, temp_seeds)
            results = []
            for a, m in zip(self.args, self.mask):
                if not m:
                    continue
                if a in grads:
                    results.append(grads[a])
                else:  # no path from any output: the gradient is exactly zero
                    t = TensorType.from_mlir(a.type)
                    with self.fop.location:
                        results.append(emit("constant", value=np.zeros(t.shape, t.np_dtype)))
            with self.fop.location:
                func_d.ReturnOp([r.value for r in results])
        _erase_dead_code(scratch.entry_block)
        return scratch, sweep, [s for s, _ in seeds], temp_seeds, grads

    def _classify(self, captured: list):
        """Splits captured primal values into inputs, existing outputs and new temporaries."""
        inputs, outputs, temps = [], [], []
        for v in captured:
            if v in self.args:
                inputs.append(v)
            elif v in self.real_outputs:
                outputs.append(v)
            else:
                temps.append(v)
        inputs.sort(key=self.args.index)
        temps.sort(key=self.position.__getitem__)
        return inputs, outputs, temps

    def sweep_real_outputs(self):
        """(the real outputs' positions that take a vjp: each one that requires grad, the scratch
        function, its sweep, the cotangents): the adjoint of the real outputs alone, its captures as
        proxy arguments. `run` starts from it; a fused kernel needs nothing more
        (graph_fuse_gradient.fuse_undifferentiated)."""
        vjp_positions = [i for i, v in enumerate(self.real_outputs) if v in self.required]
        scratch, sweep, _, _, grads = self._sweep([self.real_outputs[i] for i in vjp_positions], [])
        return vjp_positions, scratch, sweep, grads

    def run(self) -> GradientInfo:
        vjp_positions, scratch, sweep, grads = self.sweep_real_outputs()
        captured = [v for v, p in sweep.proxies.items() if list(p.uses)]
        scratch.operation.erase()
        inputs, outputs, temps = self._classify(captured)
        temp_with_vjp = [t for t in temps if t in self.required and t in grads]

        scratch, sweep, _, temp_seeds, _ = self._sweep(
            [self.real_outputs[i] for i in vjp_positions], temp_with_vjp, forced_captures=captured)
        all_outputs = self.real_outputs + temps
        out_index = {}
        for i, v in enumerate(all_outputs):
            out_index.setdefault(v, i)
        captured_outputs = sorted(outputs + temps, key=self.position.__getitem__)
        vjp_args = list(scratch.entry_block.arguments)[:len(vjp_positions)] + [temp_seeds[t].value
                                                                               for t in temp_with_vjp]
        capture_args = [sweep.proxies[v] for v in inputs + captured_outputs]
        adjoint = self._finalize(scratch, vjp_args + capture_args, f"{self.name}_adjoint")
        info = GradientInfo(
            f_real_outputs=len(self.real_outputs),
            df_input_vjps=tuple(vjp_positions + [out_index[t] for t in temp_with_vjp]),
            df_input_captured_inputs=tuple(self.args.index(v) for v in inputs),
            df_input_captured_outputs=tuple(out_index[v] for v in captured_outputs),
            df_output_vjps=tuple(i for i, m in enumerate(self.mask) if m),
            adjoint=adjoint.sym_name.value, recompute=self.recompute)
        self._rewrite_primal(temps, info)
        return info

    def _finalize(self, scratch, ordered_args: list, name: str) -> func_d.FuncOp:
        """Moves the scratch body into a function whose arguments are in contract order."""
        old_block = scratch.entry_block
        ret = old_block.operations[len(old_block.operations) - 1]
        result_types = [v.type for v in ret.operands]
        name = self._unique_name(name)
        with ir.InsertionPoint(self.fop), self.fop.location:
            adjoint = func_d.FuncOp(name, ([a.type for a in ordered_args], result_types))
        adjoint.operation.move_after(self.fop.operation)
        block = adjoint.add_entry_block([a.location for a in ordered_args])
        for old, new in zip(ordered_args, block.arguments):
            old.replace_all_uses_with(new)
        for op in list(old_block.operations):
            op.operation.detach_from_parent()
            block.append(op.operation)
        scratch.operation.erase()
        adjoint.attributes["graph.primal"] = ir.FlatSymbolRefAttr.get(self.name)
        return adjoint

    def _unique_name(self, name: str) -> str:
        table = ir.SymbolTable(self.fop.operation.parent)
        base, k = name, 1
        while name in table:
            name, k = f"{base}_{k}", k + 1
        return name

    def _rewrite_primal(self, temps: list, info: GradientInfo) -> None:
        block = self.fop.entry_block
        ret = block.operations[len(block.operations) - 1]
        with ir.InsertionPoint(ret), ret.location:
            func_d.ReturnOp(list(ret.operands) + temps)
        ret.operation.erase()
        fn_type = self.fop.type
        self.fop.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(
            list(fn_type.inputs), list(fn_type.results) + [t.type for t in temps]))
        if "res_attrs" in self.fop.attributes:
            old = self.fop.attributes["res_attrs"]
            self.fop.attributes["res_attrs"] = ir.ArrayAttr.get(
                [old[i] for i in range(len(old))] + [ir.DictAttr.get({}) for _ in temps])
        i64 = ir.IntegerType.get_signless(64)
        a = self.fop.attributes
        a[ADJOINT] = ir.FlatSymbolRefAttr.get(info.adjoint)
        a["graph.f_real_outputs"] = ir.IntegerAttr.get(i64, info.f_real_outputs)
        if info.recompute != "none":  # variants built later must follow the same policy
            a[RECOMPUTE] = ir.StringAttr.get(info.recompute)
        for key in ("df_input_vjps", "df_input_captured_inputs", "df_input_captured_outputs", "df_output_vjps"):
            a[f"graph.{key}"] = ir.DenseI64ArrayAttr.get(list(getattr(info, key)))


def build_adjoint_variant(fop: func_d.FuncOp, present: Sequence[bool], recompute: str = "none") -> str:
    """An adjoint of an already differentiated `fop` that assumes the vjps not `present` are zero.

    Arguments: the present vjps (in df_input_vjps order), then every capture of
    the full adjoint. Work that only absent vjps feed is never built, which is
    how backward skips it rather than multiplying zeros. Returns the new name.
    """
    info = read_gradient_info(fop)
    if len(present) != len(info.df_input_vjps):
        raise ValueError(f"expected {len(info.df_input_vjps)} presence flags, got {len(present)}")
    mask = [i in info.df_output_vjps for i in range(len(fop.type.inputs))]
    d = Differentiator(fop, mask, recompute, n_real_outputs=info.f_real_outputs)
    seeds = [d.outputs[i] for i, p in zip(info.df_input_vjps, present) if p and i < info.f_real_outputs]
    temp_seeds = [d.outputs[i] for i, p in zip(info.df_input_vjps, present) if p and i >= info.f_real_outputs]
    captures = [d.args[i] for i in info.df_input_captured_inputs] + \
        [d.outputs[i] for i in info.df_input_captured_outputs]
    scratch, sweep, _, temp_args, _ = d._sweep(seeds, temp_seeds, forced_captures=captures)
    args = list(scratch.entry_block.arguments)
    vjp_args = args[:len(seeds)] + [temp_args[t].value for t in temp_seeds]
    bits = "".join("1" if p else "0" for p in present)
    adjoint = d._finalize(scratch, vjp_args + [sweep.proxies[v] for v in captures],
                          f"{info.adjoint}_vjps{bits}")
    return adjoint.sym_name.value


def differentiate_function(fop: func_d.FuncOp, mask: Optional[Sequence[bool]] = None,
                           recompute: str = "none") -> GradientInfo:
    """Differentiates one function in place (adding its adjoint next to it)."""
    return Differentiator(fop, requires_grad_mask(fop) if mask is None else mask, recompute).run()


def is_differentiated(fop) -> bool:
    """Whether graph-differentiate has already split `fop` (it carries its GradientInfo)."""
    return ADJOINT in fop.attributes


def read_gradient_info(fop) -> GradientInfo:
    """The GradientInfo graph-differentiate wrote on the primal `fop` (its graph.* attributes)."""
    a = fop.attributes
    return GradientInfo(
        f_real_outputs=a["graph.f_real_outputs"].value,
        **{k: tuple(a[f"graph.{k}"]) for k in ("df_input_vjps", "df_input_captured_inputs",
                                              "df_input_captured_outputs", "df_output_vjps")},
        adjoint=ir.FlatSymbolRefAttr(a[ADJOINT]).value,
        recompute=ir.StringAttr(a[RECOMPUTE]).value if RECOMPUTE in a else "none")


@dataclass(frozen=True)
class GraphDifferentiate(ModulePass):
    name = "graph-differentiate"
    summary = ("split each function with {graph.requires_grad} arguments into a primal and an adjoint "
               "(TorchScript's Gradient contract)")
    func: str = option("", "only differentiate this function")
    recompute: Literal[RECOMPUTE_POLICIES] = option("none", "what the adjoint recomputes instead of saving: "
                                                            "nothing, cheap elementwise values, everything")

    def apply(self, module_op: ir.Operation) -> None:
        funcs = [op for op in module_op.regions[0].blocks[0].operations if isinstance(op.opview, func_d.FuncOp)]
        funcs = [f.opview for f in funcs]
        if self.func:
            chosen = [f for f in funcs if f.sym_name.value == self.func]
            if not chosen:
                raise PassError([(module_op.location, f"graph-differentiate: no function @{self.func} in the module")])
            if not any(requires_grad_mask(chosen[0])):
                raise PassError([(chosen[0].location, f"@{self.func} has no argument marked {{{REQUIRES_GRAD}}}")])
            funcs = chosen
        problems = []
        for f in funcs:
            if is_differentiated(f) or not any(requires_grad_mask(f)):
                continue
            try:
                differentiate_function(f, recompute=self.recompute)
            except PassError as e:
                problems.extend(e.diagnostics)
        if problems:
            raise PassError(problems)
