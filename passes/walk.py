"""`ops_where`: the ops of a module that a pass will rewrite, collected before it rewrites any.

Editing IR while MLIR walks it is undefined, so every pass of ours first collects the ops it wants
(one walk), then changes them.
"""
from __future__ import annotations

from typing import Callable

import mlir.ir as ir


def as_operation(x) -> ir.Operation:
    """The ir.Operation of an op view (or of an operation: itself)."""
    return x.operation if hasattr(x, "operation") else x


def ops_where(root: ir.Operation, keep: Callable[[ir.Operation], bool],
              order: ir.WalkOrder = ir.WalkOrder.PRE_ORDER) -> list[ir.Operation]:
    """Every op nested in `root` (itself included) for which `keep(op)` holds, in walk `order`
    (POST_ORDER: inner ops before the ops that hold them)."""
    found = []

    def visit(op):
        if keep(op):
            found.append(op)
        return ir.WalkResult.ADVANCE

    root.walk(visit, order)
    return found
