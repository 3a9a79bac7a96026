"""Which functions tile-rows can tile, and how: every value is per-row, whole, or reduced over rows.

A function is row-wise when its body is only arith.constant, tensor.empty, linalg.fill,
linalg.generic, tensor.expand_shape/collapse_shape and func.return on static shapes, every generic
that touches a row tensor (dim 0 of size N, the first dim of the largest argument) iterates rows
with its first loop d0 and reads row tensors as (d0, ...) and everything else without d0, and a
reduction over rows starts from a linalg.fill of its combiner's neutral value. `RowPlan(func)`
classifies the body or raises `NotRowWise` (details: docs/design/passes-tile-rows.md).
"""
from __future__ import annotations

import math
import re
from typing import Optional

import mlir.ir as ir

_ROW_DIM = re.compile(r"\bd0\b")
RESHAPES = {"tensor.expand_shape", "tensor.collapse_shape"}
_ALLOWED = {"arith.constant", "tensor.empty", "linalg.fill", "linalg.generic", "func.return", *RESHAPES}
MATERIALIZED = {"tensor.empty", "linalg.fill"}  # cheap to re-create per block


class NotRowWise(Exception):
    """The function is not row-wise in the sense above; it stays as it is."""


def _neutral(op_name: str, t: ir.Type):
    """The neutral value of a combining op on element type `t` (None: not a known reduction)."""
    if isinstance(t, ir.FloatType):
        return {"arith.addf": 0.0, "arith.mulf": 1.0, "arith.maximumf": -math.inf, "arith.maxnumf": -math.inf,
                "arith.minimumf": math.inf, "arith.minnumf": math.inf}.get(op_name)
    if isinstance(t, ir.IntegerType):
        w = t.width
        return {"arith.addi": 0, "arith.muli": 1, "arith.ori": 0, "arith.xori": 0, "arith.andi": -1,
                "arith.maxsi": -(1 << (w - 1)), "arith.minsi": (1 << (w - 1)) - 1, "arith.maxui": 0,
                "arith.minui": -1}.get(op_name)
    return None


def as_op(x) -> ir.Operation:
    return x.operation if hasattr(x, "operation") else x


def defining_op(value: ir.Value) -> Optional[ir.Operation]:
    """The op that defines `value`; None for a block argument."""
    owner = value.owner
    return None if isinstance(owner, ir.Block) else as_op(owner)


def is_row_dim(expr) -> bool:
    return isinstance(expr, ir.AffineDimExpr) and expr.position == 0


def _constant(value: ir.Value):
    op = defining_op(value)
    if op is None or op.name != "arith.constant":
        return None
    attr = op.attributes["value"]
    return attr.value if isinstance(attr, (ir.FloatAttr, ir.IntegerAttr)) else None


def _combiner(generic: ir.Operation, k: int) -> ir.Operation:
    """The op that folds values into output `k` of a reduction generic: yield(op(out_k, x))."""
    body = generic.regions[0].blocks[0]
    n_in = len(generic.operands) - len(generic.results)
    out_arg = body.arguments[n_in + k]
    yielded = list(body.operations)[-1].operands[k]
    op = defining_op(yielded)
    if op is None or len(op.operands) != 2 or out_arg not in list(op.operands):
        raise NotRowWise
    uses = [u.owner for u in out_arg.uses]
    if len(uses) != 1:  # the accumulator is read elsewhere in the body: not a plain fold
        raise NotRowWise
    return op


def _is_neutral_fill(value: ir.Value, combiner: ir.Operation) -> bool:
    op = defining_op(value)
    if op is None or op.name != "linalg.fill":
        return False
    want = _neutral(combiner.name, ir.ShapedType(value.type).element_type)
    got = _constant(op.operands[0])
    return want is not None and got is not None and got == want


#: Body ops that see where the generic is, not just its operands' elements: a block's clone would
#: see block-local loop indices (linalg.index) or read a whole tensor from outside (a gather's
#: tensor.extract), so a generic holding one is not tiled.
_POSITIONAL = {"linalg.index", "tensor.extract"}


def _reads_by_position(generic: ir.Operation) -> bool:
    def walk(block) -> bool:
        for op in block.operations:
            if op.operation.name in _POSITIONAL:
                return True
            if any(walk(b) for r in op.operation.regions for b in r.blocks):
                return True
        return False
    return any(walk(b) for r in generic.regions for b in r.blocks)


class RowPlan:
    """Which values are per-row ('R'), whole ('W'), reduced over rows ('P') or computed after ('A')."""

    def __init__(self, func: ir.Operation):
        if len(func.regions[0].blocks) != 1 or not all(_plain(a.type) for a in func.regions[0].blocks[0].arguments):
            raise NotRowWise
        self.block = func.regions[0].blocks[0]
        self.n = self._row_count(func)
        self.kind: dict = {}
        self.inside: list = []  # generics run per block, in order
        self.after: list = []  # ops that need a reduction over rows: run after the loop
        self.combiners: dict = {}  # P value -> its combining op
        for op in self.block.operations:
            self._classify(op)

    @staticmethod
    def _row_count(func) -> int:
        args = [a for a in func.regions[0].blocks[0].arguments
                if isinstance(a.type, ir.RankedTensorType) and a.type.rank >= 1 and a.type.has_static_shape]
        if not args:
            raise NotRowWise
        biggest = max(args, key=lambda a: math.prod(a.type.shape))
        return biggest.type.shape[0]

    def _set(self, value, kind):
        old = self.kind.get(value)
        if old is not None and old != kind:
            raise NotRowWise
        self.kind[value] = kind

    def _kind(self, value):
        op = defining_op(value)
        if op is not None and op.name in MATERIALIZED:
            return "M"
        return self.kind.get(value)  # None: a function argument not seen yet

    def _classify(self, op: ir.Operation):
        op = op.operation
        name = op.name
        if name not in _ALLOWED or not all(_plain(v.type) for v in [*op.operands, *op.results]):
            raise NotRowWise
        if name == "arith.constant":
            self._set(op.results[0], "W")
        elif name in MATERIALIZED or name == "func.return":
            for v in op.operands:
                if self._kind(v) is None:
                    self._set(v, "W")
        elif name in RESHAPES:
            self._classify_reshape(op)
        else:
            self._classify_generic(op)

    def _classify_reshape(self, op: ir.Operation):
        """A reshape that only adds or drops unit dims next to the rows ([N] <-> [N, 1], a keepdims
        row statistic) is row-wise; one of a value without rows stays outside."""
        source, result = op.operands[0], op.results[0]
        kind = self._kind(source)
        if kind in ("P", "A"):
            self.after.append(op)
            self._set(result, "A")
        elif kind == "R" or (kind is None and _keeps_rows(op, self.n)):
            if not _keeps_rows(op, self.n):
                raise NotRowWise
            self._set(source, "R")
            self._set(result, "R")
            self.inside.append(op)
        else:
            if kind is None:
                self._set(source, "W")
            self._set(result, "W")

    def _classify_generic(self, op: ir.Operation):
        if _reads_by_position(op):
            raise NotRowWise
        kinds = [self._kind(v) for v in op.operands]
        if any(k in ("P", "A") for k in kinds):  # needs a finished reduction over rows
            if "R" in kinds:
                raise NotRowWise
            for v, k in zip(op.operands, kinds):
                if k is None:
                    self._set(v, "W")
            self.after.append(op)
            for r in op.results:
                self._set(r, "A")
            return
        maps = [ir.AffineMapAttr(m).value for m in op.attributes["indexing_maps"]]
        iters = [str(a) for a in op.attributes["iterator_types"]]
        roles = []
        rows = None
        for v, m in zip(op.operands, maps):
            results = list(m.results)
            first = results[0] if results else None
            if is_row_dim(first) and not any(_ROW_DIM.search(str(e)) for e in results[1:]):
                roles.append("sliced")
                rows = ir.RankedTensorType(v.type).shape[0]
            elif not any(_ROW_DIM.search(str(e)) for e in results):
                roles.append("whole")
            else:
                raise NotRowWise
        n_in = len(op.operands) - len(op.results)
        if rows != self.n or not iters:  # not a loop over the rows: must not touch row tensors
            if "R" in kinds:
                raise NotRowWise
            for v, k in zip(op.operands, kinds):
                if k is None:
                    self._set(v, "W")
            for r in op.results:
                self._set(r, "W")
            return
        for v, k, role in zip(op.operands, kinds, roles):
            want = "R" if role == "sliced" else "W"
            if k == "M":
                continue
            if k is None:
                self._set(v, want)
            elif k != want:
                raise NotRowWise
        parallel = "parallel" in iters[0]
        outs_roles = roles[n_in:]
        if parallel:
            if any(r != "sliced" for r in outs_roles):
                raise NotRowWise
            for r in op.results:
                self._set(r, "R")
        else:
            if any(r != "whole" for r in outs_roles):
                raise NotRowWise
            for k, (init, r) in enumerate(zip(op.operands[n_in:], op.results)):
                comb = _combiner(op, k)
                if not _is_neutral_fill(init, comb):
                    raise NotRowWise
                self._set(r, "P")
                self.combiners[r] = comb
        self.inside.append(op)

    @property
    def rank(self) -> int:
        """The largest rank of the row tensors."""
        return max(ir.RankedTensorType(v.type).rank for v, k in self.kind.items() if k == "R")

    def row_bytes(self) -> int:
        widest = 0
        for v, k in self.kind.items():
            if k == "R":
                t = ir.RankedTensorType(v.type)
                widest = max(widest, math.prod(t.shape[1:]) * _bytes(t.element_type))
        return widest

    def largest_row_tensor_bytes(self) -> int:
        return max(math.prod(ir.RankedTensorType(v.type).shape) * _bytes(ir.RankedTensorType(v.type).element_type)
                   for v, k in self.kind.items() if k == "R")


def _keeps_rows(reshape: ir.Operation, n: int) -> bool:
    """Dim 0 is the rows (size n) on both sides, grouped only with unit dims."""
    source = ir.RankedTensorType(reshape.operands[0].type)
    result = ir.RankedTensorType(reshape.results[0].type)
    if source.rank == 0 or result.rank == 0 or source.shape[0] != n or result.shape[0] != n:
        return False
    expanded = result if reshape.name == "tensor.expand_shape" else source
    first = [ir.IntegerAttr(d).value for d in ir.ArrayAttr(reshape.attributes["reassociation"])[0]]
    return first[0] == 0 and all(expanded.shape[d] == 1 for d in first[1:])


def _plain(t: ir.Type) -> bool:
    """A scalar, or a statically shaped tensor of integers or floats (all this pass reasons about)."""
    if isinstance(t, ir.RankedTensorType):
        return t.has_static_shape and isinstance(t.element_type, (ir.IntegerType, ir.FloatType))
    return isinstance(t, (ir.IntegerType, ir.FloatType, ir.IndexType))


def _bytes(t: ir.Type) -> int:
    return max(1, t.width // 8)
