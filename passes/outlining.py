"""What the two outlining passes share (outline-tensor-regions, outline-loop-nests): the functions
of a module that have bodies, fresh symbol names, and the private noinline function a piece of a
kernel moves into (noinline: LLVM would otherwise put every piece back into the kernel)."""
from __future__ import annotations

import mlir.ir as ir
from mlir.dialects import func

from .walk import as_operation


def defined_functions(module_op: ir.Operation) -> list[ir.Operation]:
    """The module's func.func ops that have a body, in order."""
    return [as_operation(o) for o in module_op.regions[0].blocks[0].operations
            if o.operation.name == "func.func" and len(o.operation.regions[0].blocks)]


class FreshNames:
    """Symbol names not yet taken in a module: `fresh("f.loops")` -> f.loops0, f.loops1, ..."""

    def __init__(self, module_op: ir.Operation):
        self.taken = {ir.StringAttr(as_operation(o).attributes["sym_name"]).value
                      for o in module_op.regions[0].blocks[0].operations if "sym_name" in as_operation(o).attributes}
        self.next: dict[str, int] = {}

    def fresh(self, prefix: str) -> str:
        k = self.next.get(prefix, 0)
        while f"{prefix}{k}" in self.taken:
            k += 1
        self.next[prefix] = k + 1
        name = f"{prefix}{k}"
        self.taken.add(name)
        return name


def outlined_function(name: str, inputs: list, results: list, ip: ir.InsertionPoint, loc: ir.Location):
    """A new private noinline func.func `name` at `ip`; returns (function, its entry block)."""
    with ip, loc:
        fn = func.FuncOp(name, ir.FunctionType.get(inputs, results), visibility="private")
        fn.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline")])
        return fn, fn.add_entry_block()


def symbol_name(op: ir.Operation) -> str:
    return ir.StringAttr(op.attributes["sym_name"]).value
