"""`merge-sibling-generics`: one loop nest for linalg.generic ops that read the same inputs the same way.

Elementwise fusion merges a producer into its consumer, never two consumers of the same data. A
fused adjoint often has such siblings: layer norm's dgamma and dbeta are two column sums over the
same recomputed [4096, 1024] expressions of x and R, so each reads all its inputs from memory once.
This pass puts two generics with the same inputs, input indexing maps and iterator types into one
generic with the outputs of both (the bodies side by side), so the inputs are read once. It runs on
tensors after elementwise fusion and cse (which gives siblings one shared init tensor, so the merged
op can take the first one's place), before reductions are partitioned for threads; cse then merges
the scalar work the two bodies share.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import linalg

from .module_pass import ModulePass
from .loops import generic_bounds
from .walk import ops_where


def _signature(op: ir.Operation):
    n_in = len(op.operands) - len(op.results)
    maps = list(op.attributes["indexing_maps"])
    return (tuple(op.operands[:n_in]), tuple(str(m) for m in maps[:n_in]), str(op.attributes["iterator_types"]),
            # the inputs alone may not fix the loops: a generic whose inputs are all broadcast scalars
            # (graph.random_bits' key words) iterates over its output's shape
            tuple(generic_bounds(op)))


def _defined_before(value: ir.Value, op: ir.Operation, position: dict) -> bool:
    owner = value.owner
    if isinstance(owner, ir.Block):
        return True
    owner = owner.operation if hasattr(owner, "operation") else owner
    return owner in position and position[owner] < position[op]


def _users_after(op: ir.Operation, other: ir.Operation, position: dict) -> bool:
    """Every user of `op`'s results is in the block after `other`."""
    for r in op.results:
        for use in r.uses:
            owner = use.owner.operation if hasattr(use.owner, "operation") else use.owner
            if owner not in position or position[owner] <= position[other]:
                return False
    return True


def _merge(a: ir.Operation, b: ir.Operation, at: ir.Operation) -> None:
    n_in = len(a.operands) - len(a.results)
    ins = list(a.operands[:n_in])
    outs = list(a.operands[n_in:]) + list(b.operands[n_in:])
    maps = list(a.attributes["indexing_maps"])
    maps += list(b.attributes["indexing_maps"])[n_in:]
    with ir.InsertionPoint(at), a.location:
        merged = linalg.GenericOp([r.type for r in a.results] + [r.type for r in b.results], ins, outs,
                                  ir.ArrayAttr.get(maps), a.attributes["iterator_types"])
    a_block, b_block = a.regions[0].blocks[0], b.regions[0].blocks[0]
    arg_types = [v.type for v in a_block.arguments] + [v.type for v in list(b_block.arguments)[n_in:]]
    block = merged.regions[0].blocks.append(*arg_types, arg_locs=[a.location] * len(arg_types))
    args = list(block.arguments)
    n_out_a = len(a.results)
    mapping = {}
    for k, v in enumerate(a_block.arguments):
        mapping[v] = args[k]
    for k, v in enumerate(b_block.arguments):
        mapping[v] = args[k] if k < n_in else args[n_in + n_out_a + (k - n_in)]
    yields = []
    for body in (a_block, b_block):
        for op in body.operations:
            if op.operation.name == "linalg.yield":
                yields += [mapping.get(v, v) for v in op.operands]
                continue
            copy = op.operation.clone(ip=ir.InsertionPoint(block))
            for i, v in enumerate(copy.operands):
                if v in mapping:
                    copy.operands[i] = mapping[v]
            for old, new in zip(op.results, copy.results):
                mapping[old] = new
    with ir.InsertionPoint(block), a.location:
        linalg.YieldOp(yields)
    for old, new in zip(list(a.results) + list(b.results), merged.results):
        old.replace_all_uses_with(new)
    b.erase()
    a.erase()


@dataclass(frozen=True)
class MergeSiblingGenerics(ModulePass):
    name = "merge-sibling-generics"
    summary = ("merge linalg.generic ops that read the same inputs through the same maps with the same "
               "iterator types into one generic with both outputs (inputs read once)")

    def apply(self, module_op: ir.Operation) -> None:
        blocks = [op.regions[0].blocks[0]
                  for op in ops_where(module_op, lambda op: op.name == "func.func" and len(op.regions[0].blocks))]
        for block in blocks:
            changed = True
            while changed:  # one merge at a time: it changes the block's ops
                changed = False
                ops = [op.operation for op in block.operations]
                position = {op: i for i, op in enumerate(ops)}
                seen = {}
                for op in ops:
                    if op.name != "linalg.generic" or len(op.regions[0].blocks) != 1:
                        continue
                    n_in = len(op.operands) - len(op.results)
                    if n_in == 0:
                        continue
                    key = _signature(op)
                    first = seen.get(key)
                    if first is not None:
                        # At the first one's place when the second's outputs exist there, else at the
                        # second's when nothing uses the first's results before it.
                        at = first if all(_defined_before(v, first, position) for v in op.operands[n_in:]) else \
                            op if _users_after(first, op, position) else None
                        if at is not None:
                            _merge(first, op, at)
                            changed = True
                            break
                    seen.setdefault(key, op)
