"""`convert-math-to-libm-precise`: `math.log1p`/`expm1`/`erf`/`erfc` become libm calls.

Upstream's LLVM lowering of log1p and expm1 loses accuracy near 0 and erf has none. The graph ops
never reach this pass as `math` ops (their lowerings are arithmetic, dialects/graph/mathfns.py, so
LLVM can vectorize them); it handles hand-written IR.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import func as func_d

from symgrad.runtime.abi import LIBM_CALLS

from .module_pass import ModulePass, PassError
from .walk import ops_where


@dataclass(frozen=True)
class ConvertMathToLibmPrecise(ModulePass):
    name = "convert-math-to-libm-precise"
    summary = ("lower math.log1p/expm1/erf/erfc to libm calls (upstream's LLVM lowering of log1p/expm1 loses "
               "accuracy near 0; erf has none)")

    def apply(self, module_op: ir.Operation) -> None:
        found = ops_where(module_op, lambda op: op.name in LIBM_CALLS)
        if not found:
            return
        body = module_op.regions[0].blocks[0]
        table = ir.SymbolTable(module_op)
        declared: dict[str, ir.Operation] = {}
        for op in found:
            t = op.results[0].type
            if not isinstance(t, (ir.F32Type, ir.F64Type)):
                raise PassError([(op.location, f"'{op.name}' on {t}: only scalar f32/f64 can become libm calls")])
            sym = LIBM_CALLS[op.name][0 if isinstance(t, ir.F32Type) else 1]
            if sym not in declared:
                if sym in table:
                    declared[sym] = table[sym]
                else:
                    with ir.InsertionPoint.at_block_begin(body), ir.Location.unknown():
                        decl = func_d.FuncOp(sym, ([t], [t]), visibility="private")
                    declared[sym] = decl
            with ir.InsertionPoint(op), op.location:
                call = func_d.CallOp([t], ir.FlatSymbolRefAttr.get(sym), [op.operands[0]])
            op.results[0].replace_all_uses_with(call.result)
            op.erase()
