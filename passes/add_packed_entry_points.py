"""`add-packed-entry-points`: one `symgrad_packed_<name>(ptr)` per C interface, taking a table of
descriptor pointers instead of one argument per array.

Why. The runtime calls a kernel through ctypes, which refuses a function of more than 1024
arguments: a model with 512 weights has 513 inputs and 514 results (a 512-layer MLP's gradient),
so its kernel could not be called at all. Through the packed entry every kernel has one argument,
the address of a table of memref descriptor pointers that the runtime keeps per thread
(runtime/memref.py); ctypes also converts one argument instead of hundreds on every call. The
entry loads each pointer and calls `_mlir_ciface_<name>`, which LLVM inlines.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from symgrad.runtime.abi import PACKED_PREFIX

from .module_pass import ModulePass

CIFACE = "_mlir_ciface_"


def _entry_text(name: str, n: int) -> str:
    ptrs = ", ".join(["!llvm.ptr"] * n)
    lines = [f"llvm.func @{CIFACE}{name}({ptrs})",
             f"llvm.func @{PACKED_PREFIX}{name}(%table: !llvm.ptr) {{"]
    for i in range(n):
        lines.append(f"  %a{i} = llvm.getelementptr inbounds %table[{i}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr")
        lines.append(f"  %p{i} = llvm.load %a{i} {{alignment = 8 : i64}} : !llvm.ptr -> !llvm.ptr")
    args = ", ".join(f"%p{i}" for i in range(n))
    lines.append(f"  llvm.call @{CIFACE}{name}({args}) : ({ptrs}) -> ()")
    lines += ["  llvm.return", "}"]
    return "\n".join(lines)


@dataclass(frozen=True)
class AddPackedEntryPoints(ModulePass):
    name = "add-packed-entry-points"
    summary = ("add symgrad_packed_<f>(ptr table) next to each _mlir_ciface_<f> whose arguments are all "
               "pointers: it loads them from the table and calls the C interface (run after "
               "convert-func-to-llvm), so the runtime calls every kernel with one argument")

    def apply(self, module_op: ir.Operation) -> None:
        block = module_op.regions[0].blocks[0]
        for op in list(block.operations):
            op = op.operation
            if op.name != "llvm.func" or not len(op.regions[0].blocks):
                continue
            name = ir.StringAttr(op.attributes["sym_name"]).value
            if not name.startswith(CIFACE):
                continue
            entry = op.regions[0].blocks[0]
            if any(str(a.type) != "!llvm.ptr" for a in entry.arguments):
                continue
            kernel = name[len(CIFACE):]
            snippet = ir.Module.parse(_entry_text(kernel, len(entry.arguments)))
            packed = [o.operation for o in snippet.body.operations][-1]
            packed.clone(ip=ir.InsertionPoint(block))
