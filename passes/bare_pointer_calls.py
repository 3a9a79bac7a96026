"""`bare-pointer-calls`: the module's private functions whose memrefs all have a static shape and
layout take each memref as one pointer (`llvm.bareptr` for convert-func-to-llvm).

Why. A memref crosses a call as its descriptor, expanded into 3 + 2 x rank arguments (allocated
and aligned pointer, offset, sizes, strides). For a static shape and layout all but
the aligned pointer are constants the callee knows from its type, so MLIR's bare-pointer
convention passes just that pointer and the callee rebuilds the descriptor from constants. A deep
kernel is a long run of calls of outlined regions, loop nests and GEMM wrappers: with
descriptors, a 128-layer MLP gradient's kernel was 18,181 lines of LLVM IR and its code generation
122 ms; with bare pointers 14,337 lines and 76 ms (the region functions also shrink).

Which functions. Private (every call is in this module, through func.call, whose lowering asks
the callee for its convention) and defined, with every memref argument and result of static shape,
strides and offset (the callee adds the offset to the aligned pointer it is given). Public functions
keep descriptors: they are the kernels' ABI (add-packed-entry-points, the C interface). Runs just
before convert-func-to-llvm; only the top level of the module is read.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir

from .module_pass import ModulePass
from .outlining import defined_functions

ATTRIBUTE = "llvm.bareptr"


def passes_as_pointer(t: ir.Type) -> bool:
    """`t` may cross a bare-pointer call: not a memref, or one of static shape, strides and offset
    (what convert-func-to-llvm accepts)."""
    if isinstance(t, ir.MemRefType):
        if not t.has_static_shape or t.memory_space is not None:
            return False
        strides, offset = t.get_strides_and_offset()
        return not any(map(t.is_dynamic_stride_or_offset, [*strides, offset]))
    return not isinstance(t, ir.UnrankedMemRefType)


@dataclass(frozen=True)
class BarePointerCalls(ModulePass):
    name = "bare-pointer-calls"
    summary = ("mark llvm.bareptr every private function whose memrefs all have a static shape and layout, "
               "so that convert-func-to-llvm passes each as one pointer instead of its descriptor's fields")

    def apply(self, module_op: ir.Operation) -> None:
        unit = ir.UnitAttr.get()
        for fn in defined_functions(module_op):
            attrs = fn.attributes
            if ATTRIBUTE in attrs or "sym_visibility" not in attrs:
                continue
            if ir.StringAttr(attrs["sym_visibility"]).value != "private":
                continue
            ftype = ir.FunctionType(ir.TypeAttr(attrs["function_type"]).value)
            if all(map(passes_as_pointer, [*ftype.inputs, *ftype.results])):
                attrs[ATTRIBUTE] = unit
