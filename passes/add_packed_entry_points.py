"""`add-packed-entry-points`: one `symgrad_packed_<name>(ptr)` per C interface, taking a table of
descriptor pointers instead of one argument per array, and holding the kernel's code.

Why a table. The runtime calls a kernel through ctypes, which refuses a function of more than 1024
arguments: a model with 512 weights has 513 inputs and 514 results (a 512-layer MLP's gradient),
so its kernel could not be called at all. Through the packed entry every kernel has one argument,
the address of a table of memref descriptor pointers that the runtime keeps per thread
(runtime/memref.py); ctypes also converts one argument instead of hundreds on every call.

Why the code moves in. MLIR's lowering leaves the body in `@<name>`, whose arguments are every
descriptor field (seven per 2-D array), called from `_mlir_ciface_<name>`. A call of a thousand
arguments and a function receiving them cost LLVM's code generator more than the whole rest of a
128-layer MLP's gradient (1.0 of 1.9 s). So the C interface's body (load each descriptor, call
`@<name>` with its fields) moves into the packed entry, after the loads from the table; `@<name>`
becomes internal and always-inline, so LLVM inlines it there and drops it; `_mlir_ciface_<name>`
keeps its signature and now stores its pointers into a table on the stack and calls the entry.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from symgrad.runtime.abi import PACKED_PREFIX

from .module_pass import ModulePass

CIFACE = "_mlir_ciface_"


def _entry_text(name: str, n: int) -> str:
    """The packed entry's head (the table loads, to be followed by the C interface's body) and the
    new C interface body (a table on the stack, one call), as two functions of one snippet."""
    head = [f"llvm.func @{PACKED_PREFIX}{name}(%table: !llvm.ptr) {{"]
    for i in range(n):
        head.append(f"  %a{i} = llvm.getelementptr inbounds %table[{i}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr")
        head.append(f"  %p{i} = llvm.load %a{i} {{alignment = 8 : i64}} : !llvm.ptr -> !llvm.ptr")
    head += ["  llvm.return", "}"]
    args = ", ".join(f"%x{i}: !llvm.ptr" for i in range(n))
    body = [f"llvm.func @wrapper({args}) {{",
            f"  %n = llvm.mlir.constant({max(n, 1)} : i64) : i64",
            "  %t = llvm.alloca %n x !llvm.ptr {alignment = 8 : i64} : (i64) -> !llvm.ptr"]
    for i in range(n):
        body.append(f"  %s{i} = llvm.getelementptr inbounds %t[{i}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr")
        body.append(f"  llvm.store %x{i}, %s{i} {{alignment = 8 : i64}} : !llvm.ptr, !llvm.ptr")
    body += [f"  llvm.call @{PACKED_PREFIX}{name}(%t) : (!llvm.ptr) -> ()", "  llvm.return", "}"]
    return "\n".join(head + body)


def _move_body(src: ir.Block, dst: ir.Block, args) -> None:
    """Every op of `src` moved to the end of `dst`, uses of src's arguments replaced by `args`."""
    for old, new in zip(src.arguments, args):
        old.replace_all_uses_with(new)
    end = ir.InsertionPoint(dst)
    for op in list(src.operations):
        end.insert(op.operation.detach_from_parent())


@dataclass(frozen=True)
class AddPackedEntryPoints(ModulePass):
    name = "add-packed-entry-points"
    summary = ("add symgrad_packed_<f>(ptr table) for each _mlir_ciface_<f> whose arguments are all "
               "pointers and move the kernel's code into it (<f> becomes internal and always-inline; "
               "the C interface calls the packed entry): run after convert-func-to-llvm")

    def apply(self, module_op: ir.Operation) -> None:
        block = module_op.regions[0].blocks[0]
        functions = {ir.StringAttr(op.operation.attributes["sym_name"]).value: op.operation
                     for op in block.operations if op.operation.name == "llvm.func"}
        for name, ciface in functions.items():
            if not name.startswith(CIFACE) or not len(ciface.regions[0].blocks):
                continue
            entry = ciface.regions[0].blocks[0]
            if any(str(a.type) != "!llvm.ptr" for a in entry.arguments):
                continue
            kernel = name[len(CIFACE):]
            snippet = ir.Module.parse(_entry_text(kernel, len(entry.arguments)))
            packed_src, wrapper = [o.operation for o in snippet.body.operations][:2]
            packed = packed_src.clone(ip=ir.InsertionPoint.after(ciface))
            head = packed.regions[0].blocks[0]
            loads = [op.results[0] for op in head.operations if op.name == "llvm.load"]
            head.operations[len(head.operations) - 1].erase()  # the placeholder return
            _move_body(entry, head, loads)
            _move_body(wrapper.regions[0].blocks[0], entry, list(entry.arguments))
            body = functions.get(kernel)
            if body is not None and len(body.regions[0].blocks):
                body.attributes["linkage"] = ir.Attribute.parse("#llvm.linkage<internal>")
                body.attributes["always_inline"] = ir.UnitAttr.get()
