"""Building blocks for lowering `graph` ops to linalg/tensor/arith/math on tensors.

Each op's lowering is its `OpDef.lower(lw, *operands, **attrs) -> ir.Value`, written with the
`Lowering` helpers here and called by `convert-graph-to-linalg` at the op's insertion point;
elementwise ops give only a scalar body (`elementwise_lowering`). i1 tensors are stored as i8 once
lowered (`storage_type`). The conventions and why: docs/design/dialects-lowering.md.
"""
from __future__ import annotations

import math as _math
from typing import Callable, Optional, Sequence

import mlir.ir as ir
from mlir.dialects import arith, func, linalg, llvm, math as mmath, tensor

from .types import TensorType, element_type

ScalarBody = Callable[..., ir.Value]


def storage_element_type(dtype: str) -> ir.Type:
    """The element type of a lowered tensor: i1 is stored as i8."""
    return ir.IntegerType.get_signless(8) if dtype == "i1" else element_type(dtype)


def storage_type(t: TensorType) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(list(t.shape), storage_element_type(t.dtype))


def tensor_type(v: ir.Value) -> TensorType:
    """The graph type of a lowered value (an i8 tensor stands for an i1 one)."""
    t = v.type
    if isinstance(t.element_type, ir.IntegerType) and t.element_type.width == 8:
        return TensorType(tuple(t.shape), "i1")
    return TensorType.from_mlir(t)


def int_value(value: float, width: int) -> int:
    """`value` as a `width`-bit signed integer; +-inf stand for the largest and smallest (the
    identities of max and min), booleans (width 1) are 0 or 1."""
    if width == 1:
        return int(bool(value))
    lo, hi = -2 ** (width - 1), 2 ** (width - 1) - 1
    if value == _math.inf:
        return hi
    if value == -_math.inf:
        return lo
    return int(value)


def _i64_array(groups: Sequence[Sequence[int]]) -> ir.ArrayAttr:
    i64 = ir.IntegerType.get_signless(64)
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, d) for d in g]) for g in groups])


class Scalar:
    """What an elementwise body gets besides its scalars: the operands' element type (`ftype`, a
    float type for float ops, i32/i64 for integer ones, i1 for logical ones) and constants of it."""

    def __init__(self, ftype: ir.Type):
        self.ftype = ftype

    @property
    def is_float(self) -> bool:
        """Whether the body computes on floats (else on integers or booleans): bodies of ops that
        take both pick arith's f- or i-form by it (addf or addi)."""
        return not isinstance(self.ftype, ir.IntegerType)

    def const(self, value: float) -> ir.Value:
        if not self.is_float:
            return arith.constant(self.ftype, int_value(value, self.ftype.width))
        return arith.constant(self.ftype, float(value))

    def is_finite(self, x: ir.Value) -> ir.Value:
        """|x| != inf, false for NaN."""
        return arith.cmpf(arith.CmpFPredicate.ONE, mmath.absf(x), self.const(_math.inf))


class Lowering:
    """The op being lowered plus helpers that emit linalg/tensor IR before it."""

    def __init__(self, op: ir.Operation, operand_types: Sequence[TensorType], result):
        self.op = op
        self.operand_types = list(operand_types)
        # The result's type; a tuple of types, one per result, for an op with several.
        self.result = result

    @property
    def results(self) -> tuple:
        """The result types as a tuple, whatever the number of results."""
        return self.result if isinstance(self.result, tuple) else (self.result,)

    # -- tensors --------------------------------------------------------------
    def mlir_type(self, t: TensorType) -> ir.RankedTensorType:
        """The lowered (storage) type of a graph tensor type."""
        return storage_type(t)

    def empty(self, t: TensorType) -> ir.Value:
        return tensor.empty(list(t.shape), storage_element_type(t.dtype))

    def full(self, t: TensorType, value: float) -> ir.Value:
        """A tensor of type `t` filled with `value` (linalg.fill)."""
        et = storage_element_type(t.dtype)
        cst = arith.constant(et, float(value) if t.is_float else int_value(value, 1 if t.dtype == "i1" else et.width))
        return linalg.fill(cst, outs=[self.empty(t)])

    def reshape(self, x: ir.Value, shape: Sequence[int]) -> ir.Value:
        """Same elements, new static shape, via collapse_shape/expand_shape (views, no copies)."""
        t = tensor_type(x)
        shape = tuple(int(d) for d in shape)
        if t.shape == shape:
            return x
        if t.rank > 1 or (t.rank == 1 and not shape):
            flat = t.with_shape((t.size,) if shape else ())
            groups = [list(range(t.rank))] if shape else []
            x = tensor.collapse_shape(storage_type(flat), x, _i64_array(groups))
            t = flat
        if t.shape == shape:
            return x
        groups = [list(range(len(shape)))] if t.rank == 1 else []
        return tensor.expand_shape(storage_type(t.with_shape(shape)), x, _i64_array(groups), [], list(shape))

    def drop_dims(self, x: ir.Value, dims: Sequence[int]) -> ir.Value:
        """Collapses away size-1 dims `dims` of `x` (a view after bufferization)."""
        t = tensor_type(x)
        dims = set(dims)
        if not dims:
            return x
        assert all(t.shape[d] == 1 for d in dims), (t, dims)
        groups, pending = [], []
        for i in range(t.rank):
            if i in dims:
                pending.append(i)
            else:
                groups.append(pending + [i])
                pending = []
        if pending and groups:
            groups[-1].extend(pending)
        new = t.with_shape(tuple(d for i, d in enumerate(t.shape) if i not in dims))
        return tensor.collapse_shape(storage_type(new), x, _i64_array(groups))

    def broadcast_operand(self, x: ir.Value, out_shape: Sequence[int]) -> tuple[ir.Value, ir.AffineMap]:
        """`x` (collapsed where it is broadcast) and its indexing map into loops over `out_shape`."""
        t = tensor_type(x)
        n, k = len(out_shape), t.rank
        drop = [i for i, d in enumerate(t.shape) if d == 1 and out_shape[n - k + i] != 1]
        kept = [i for i in range(k) if i not in drop]
        exprs = [ir.AffineDimExpr.get(n - k + i) for i in kept]
        return self.drop_dims(x, drop), ir.AffineMap.get(n, 0, exprs)

    # -- calls --------------------------------------------------------------------
    def _module(self) -> ir.Operation:
        module = self.op
        while module.name != "builtin.module":
            module = module.parent
        return getattr(module, "operation", module)

    def call_private(self, name: str, args: Sequence[ir.Value], result_types: Sequence[ir.Type],
                     build: Callable[..., Sequence[ir.Value]]) -> list[ir.Value]:
        """Calls `@name`, a private function of the enclosing module, defining it first (its body
        is `build(*arguments)`, which returns the values to return) unless it exists. For code that
        must work on buffers: only the function's own arguments may become buffers inside it, and it
        must not be inlined before bufferization (docs/design/dialects-lowering.md)."""
        module = self._module()
        if name not in ir.SymbolTable(module):
            with ir.InsertionPoint(module.regions[0].blocks[0]):
                f = func.FuncOp(name, ([a.type for a in args], list(result_types)), visibility="private")
                with ir.InsertionPoint(f.add_entry_block()):
                    func.ReturnOp(list(build(*f.entry_block.arguments)))
        return list(func.CallOp(list(result_types), ir.FlatSymbolRefAttr.get(name), list(args)).results)

    def call_external(self, name: str, args: Sequence[ir.Value]) -> None:
        """Calls C function `@name(args...) -> void` that the JIT resolves (e.g. from a library):
        an `llvm.func` declaration in the enclosing module (made once) and an `llvm.call`.
        The arguments must already have LLVM-compatible types (iN, f32/f64, !llvm.ptr)."""
        module = self._module()
        if name not in ir.SymbolTable(module):
            ftype = ir.Type.parse(f"!llvm.func<void ({', '.join(str(a.type) for a in args)})>")
            with ir.InsertionPoint.at_block_begin(module.regions[0].blocks[0]):
                llvm.LLVMFuncOp(name, ir.TypeAttr.get(ftype))
        llvm.CallOp(None, list(args), [], [], callee=ir.FlatSymbolRefAttr.get(name))

    # -- linalg.generic builders ------------------------------------------------
    def generic(self, inputs: Sequence[ir.Value], input_maps: Sequence[ir.AffineMap], init: ir.Value,
                out_map: ir.AffineMap, iterators: Sequence[str], body: Callable[..., ir.Value]) -> ir.Value:
        """A one-result linalg.generic; `body(*input_scalars, out_scalar)` returns the yielded value."""
        its = [linalg.IteratorType.parallel if i == "parallel" else linalg.IteratorType.reduction
               for i in iterators]
        gen = linalg.generic(list(inputs), [init], list(input_maps) + [out_map], its)(body)
        return gen

    def elementwise(self, body: ScalarBody, operands: Sequence[ir.Value], dtype: Optional[str] = None,
                    shape: Optional[Sequence[int]] = None) -> ir.Value:
        """numpy-broadcasting elementwise op: a linalg.generic yielding `body(s, *scalars)`.

        The result has the broadcast shape of the operands (or `shape`) and the
        element type `dtype` (by default the first float operand's).
        """
        types = [tensor_type(v) for v in operands]
        if shape is None:
            rank = max((t.rank for t in types), default=0)
            shape = [1] * rank
            for t in types:
                for i, d in enumerate(t.shape):
                    j = rank - t.rank + i
                    if d != 1:
                        shape[j] = d
        shape = tuple(shape)
        floats = [t for t in types if t.is_float]
        dtype = dtype or (floats[0].dtype if floats else types[0].dtype)
        # The body's type: the first float operand's, else the first integer's (where's condition
        # is i1 whatever its branches), else the first operand's (logical ops), else the result's.
        compute = floats or [t for t in types if t.is_int] or types
        s = Scalar(element_type(compute[0].dtype if compute else dtype))
        ins, maps = [], []
        for v in operands:
            v2, m = self.broadcast_operand(v, shape)
            ins.append(v2)
            maps.append(m)
        out = TensorType(shape, dtype)
        ident = ir.AffineMap.get_identity(len(shape)) if shape else ir.AffineMap.get(0, 0, [])
        bools = [t.dtype == "i1" for t in types]

        def full_body(*args):
            scalars = [_to_i1(v) if b else v for v, b in zip(args[:-1], bools)]
            y = body(s, *scalars)
            return arith.extui(storage_element_type("i1"), y) if dtype == "i1" else y

        return self.generic(ins, maps, self.empty(out), ident, ["parallel"] * len(shape), full_body)

    def reduce(self, x: ir.Value, axes: Sequence[int], combine: ScalarBody, init: float,
               keepdims: bool = False) -> ir.Value:
        """Reduces `axes` of `x` with `combine(s, value, acc)` from `init` (linalg.generic with
        reduction iterators, so elementwise producers fuse into it). No axes: `x` itself. Sums
        (`combine` = ADD) of f32 accumulate in f64 and round once (docs/design/dialects-lowering.md)."""
        t = tensor_type(x)
        axes = sorted(int(a) for a in axes)
        if not axes:
            return x
        s = Scalar(element_type(t.dtype))
        kept = [i for i in range(t.rank) if i not in axes]
        out = t.with_shape(tuple(t.shape[i] for i in kept))
        widen = getattr(combine, "accumulates_in_f64", False) and t.dtype == "f32"
        acc = out.with_dtype("f64") if widen else out
        ident = ir.AffineMap.get_identity(t.rank)
        out_map = ir.AffineMap.get(t.rank, 0, [ir.AffineDimExpr.get(i) for i in kept])
        its = ["reduction" if i in axes else "parallel" for i in range(t.rank)]
        r = self.generic([x], [ident], self.full(acc, init), out_map, its, lambda v, a: combine(s, v, a))
        if widen:
            r = self.elementwise(lambda s64, v: arith.truncf(s.ftype, v), [r], dtype=t.dtype)
        if keepdims:
            r = self.reshape(r, tuple(1 if i in axes else d for i, d in enumerate(t.shape)))
        return r


def _to_i1(v: ir.Value) -> ir.Value:
    """A stored boolean byte as i1 (any nonzero byte is true, as numpy reads bools)."""
    return arith.cmpi(arith.CmpIPredicate.ne, v, arith.constant(v.type, 0))


def elementwise_lowering(body: ScalarBody):
    """The `OpDef.lower` of an elementwise op whose scalar body is `body(s, *scalars)`."""
    def lower(lw: Lowering, *operands, **attrs):
        return lw.elementwise(body, operands, dtype=lw.result.dtype, shape=lw.result.shape)
    lower.scalar_body = body
    return lower


# Combiners for `Lowering.reduce`: combine(s, value, accumulator). Integer sums wrap, as numpy's.
def ADD(s, v, acc):
    """acc + v, with v widened to the accumulator's type; reassociable (see `Lowering.reduce`)."""
    if not s.is_float:
        return arith.addi(acc, v)
    if v.type != acc.type:
        v = arith.extf(acc.type, v)
    return arith.addf(acc, v, fastmath=ir.Attribute.parse("#arith.fastmath<reassoc>"))


ADD.accumulates_in_f64 = True


def MAX(s, v, acc):
    return arith.maximumf(v, acc) if s.is_float else arith.maxsi(v, acc)  # NaN-propagating, as numpy.max


def MIN(s, v, acc):
    return arith.minimumf(v, acc) if s.is_float else arith.minsi(v, acc)
