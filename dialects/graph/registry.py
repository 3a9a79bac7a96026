"""The op registry: one `OpDef` per `graph` op, and the table that holds them.

Everything that knows about individual ops reads this table: the IRDL
definition, the verifier, the reference interpreter, the front-end functions,
the gradient pass, the lowering, the generated docs and the parametrized tests.
Adding an op therefore means adding one `OpDef` in one family file under
`ops/` and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .attrs import AttrKind
from .types import TensorType


class ResultCountError(TypeError):
    """A reference that returned the wrong number of results for its op."""


@dataclass(frozen=True)
class Sample:
    """Operand types and attributes that exercise an op in the parametrized tests."""
    operands: tuple[TensorType, ...]
    attrs: dict = field(default_factory=dict)


@dataclass
class OpDef:
    name: str
    summary: str
    operands: tuple[str, ...]
    # Result type from operand types and attribute values; raises ShapeError. Every verifier
    # check of the op lives here. An op with several `results` returns one type per result.
    infer: Callable[..., Any]
    # numpy reference: ref(*arrays, **attrs) -> array (a tuple of them with several results).
    # The interpreter runs it.
    ref: Callable[..., Any]
    attrs: dict[str, AttrKind] = field(default_factory=dict)
    shape_rule: str = ""  # the infer rule in words, for docs/ops.md
    # Gradient: vjp(ct, out, *operands, **attrs) -> one cotangent (or None) per operand,
    # all written with `graph` ops on symbolic tensors. None means not differentiable. With
    # several results, `ct` and `out` are tuples with one entry per result; a result that no
    # cotangent reaches (unused, or an integer result, which never carries one) has ct None.
    vjp: Optional[Callable[..., Any]] = None
    vjp_doc: str = ""
    nondiff: str = ""  # why the op has no vjp (shown in diagnostics and docs)
    # The result is a constant to differentiation (jax.lax.stop_gradient, torch's detach): it never
    # requires grad, so no cotangent flows back through the op and it needs no vjp.
    stops_gradient: bool = False
    # Cheap enough to recompute in the adjoint instead of saving it (recompute=elementwise).
    rematerializable: bool = False
    # Lowering to linalg/tensor/arith/math on tensors: lower(lw, *operands, **attrs) -> value
    # (a tuple of values, one per result, with several results).
    lower: Optional[Callable[..., Any]] = None
    # The lowering looks at how its operands were produced (matmul reads a transpose as a BLAS
    # flag), so convert-graph-to-linalg lowers every instance itself instead of cloning the
    # lowering of an op with the same types and attributes.
    lowering_reads_producers: bool = False
    # Front-end: the function `symgrad.<api_name>`. `api` takes numpy-style arguments
    # and emits the op (see emit.py); without it the op is called with its operands.
    api_name: Optional[str] = None
    api: Optional[Callable[..., Any]] = None
    samples: tuple[Sample, ...] = ()
    domain: tuple[float, float] = (-2.0, 2.0)  # where random test inputs are drawn
    # The names of the op's results (IRDL's, the docs'); most ops have one. With several,
    # infer/ref/vjp/lower/emit all deal in tuples with one entry per result, in this order.
    results: tuple[str, ...] = ("output",)

    @property
    def full_name(self) -> str:
        return f"graph.{self.name}"

    @property
    def multi_result(self) -> bool:
        return len(self.results) > 1

    def result_types(self, *types: TensorType, **attrs) -> tuple[TensorType, ...]:
        """`infer` as a tuple of result types, whatever the number of results."""
        out = self.infer(*types, **attrs)
        return tuple(out) if self.multi_result else (out,)

    def run_ref(self, *arrays, **attrs) -> tuple:
        """`ref` as a tuple of arrays, one per result; a wrong count is a TypeError naming the op."""
        out = self.ref(*arrays, **attrs)
        out = tuple(out) if self.multi_result and isinstance(out, (tuple, list)) else (out,)
        if len(out) != len(self.results):
            raise ResultCountError(f"the reference of graph.{self.name} returned {len(out)} results, expected "
                            f"{len(self.results)} ({', '.join(self.results)})")
        return out

    @property
    def differentiable(self) -> bool:
        """Differentiating through the op never fails (it has a rule, or blocks gradients)."""
        return self.vjp is not None or self.stops_gradient


OPS: dict[str, OpDef] = {}


def register(op: OpDef) -> OpDef:
    if op.name in OPS:
        raise ValueError(f"graph.{op.name} is registered twice")
    if not op.results or len(set(op.results)) != len(op.results):
        raise ValueError(f"graph.{op.name}: results must be distinct names, at least one, got {op.results}")
    if not op.vjp and not op.nondiff and not op.stops_gradient:
        raise ValueError(f"graph.{op.name}: give a vjp rule, say why there is none (nondiff=...) "
                         f"or mark it stops_gradient")
    OPS[op.name] = op
    return op


def lookup(full_name: str) -> Optional[OpDef]:
    """The OpDef of `graph.<name>`, or None for ops of other dialects."""
    if not full_name.startswith("graph."):
        return None
    return OPS.get(full_name[len("graph."):])
