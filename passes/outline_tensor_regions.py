"""`outline-tensor-regions`: before bufferization, each top-level op of a kernel that becomes a
loop nest moves into a private function on tensors, and identical ones become one function.

Why. A model repeats itself: a 128-layer MLP's gradient has about 640 loop nests of a handful of
kinds. After this pass every later stage (bufferization, deallocation, linalg to loops, the
parallel runtime, the conversions to LLVM) works on one copy of each kind plus a kernel made of
calls, instead of on every layer's loop bodies; outline-loop-nests did the same merge only at
the end of the pipeline, after all of them had run on every copy.

What moves. Each op with regions (a linalg op, an scf.forall of tile-rows or
partition-reductions, ...) whose results are tensors, with the ops that are cheap to repeat and
that it reads (constants, `tensor.empty`, a `linalg.fill` of one, reshapes and slices): they are
cloned into the function, so it sees its own output tensors and static values; everything else
it reads becomes an argument. The function returns the op's results; bufferization gives it
buffers of its own, which buffer-results-to-out-params then hoists into the caller, so the
kernel still allocates every temporary (record-temporaries counts them there). An op whose
result the function returns stays, so that it still writes into the caller's array. Each
function is private and `noinline`; functions whose IR is the same but for their name are
merged. A function with fewer than `min-regions` ops to move is left as it is.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import func

from .module_pass import ModulePass, option
from .outlining import FreshNames, defined_functions, outlined_function, symbol_name
from .walk import as_operation

#: Ops repeated in every function that reads them: no work, or work cheaper than a buffer.
_VIEWS = {"tensor.expand_shape", "tensor.collapse_shape", "tensor.extract_slice"}
_CLONED = {"arith.constant", "ub.poison", "tensor.empty", "linalg.fill", *_VIEWS}


def _is_region(op: ir.Operation) -> bool:
    return (len(op.regions) > 0 and op.name not in _CLONED and len(op.results) > 0
            and all(isinstance(r.type, ir.RankedTensorType) for r in op.results))


def _returned(op: ir.Operation) -> bool:
    """Whether a result of `op` is returned by its function (directly or through views). Such an op
    stays in the function: bufferized there, it writes straight into the caller's out-parameter;
    in a function of its own, its buffer would be hoisted into the kernel after the kernel's results
    became out-parameters, and copied into them (W3: a 16 MiB copy, 1.1 ms of a 6 ms step)."""
    todo, seen = list(op.results), set()
    while todo:
        v = todo.pop()
        for use in v.uses:
            user = as_operation(use.owner)
            if user.name == "func.return":
                return True
            if user.name in _VIEWS and user not in seen:
                seen.add(user)
                todo.extend(user.results)
    return False


def _defining_op(v: ir.Value):
    return as_operation(v.owner) if isinstance(v, ir.OpResult) else None


def _plan(outer: list, outer_of) -> tuple[list, list]:
    """(values passed to the function, producer ops cloned into it in program order) for a region
    that reads the values `outer` from outside; `outer_of(producer)` gives those a producer reads."""
    args, clones, seen = [], [], set()

    def need(v):
        if v in seen:
            return
        seen.add(v)
        d = _defining_op(v)
        if d is not None and d.name in _CLONED:
            for w in outer_of(d):
                need(w)
            clones.append(d)
        else:
            args.append(v)

    for v in outer:
        need(v)
    return args, clones


class _Keys:
    """Structural keys of regions, from a walk (printing an op nested in a big function numbers
    the whole function: quadratic). A region's key lists, for each op in it, its name, attributes,
    result types and operands (an earlier op's result or block argument by number, or a value from
    outside by its position among them); and for each value from outside, the key of its cloned
    producer or its type (an argument). Two regions with one key compute the same function of their
    arguments. Attributes, types and producers are shared by many regions (one tensor.empty of
    each shape after CSE), so their texts and keys are computed once."""

    def __init__(self):
        self.text: dict = {}  # attribute or type -> its text
        self.producers: dict = {}

    def _str(self, x) -> str:
        t = self.text.get(x)
        if t is None:
            t = self.text[x] = str(x)
        return t

    def walk(self, op: ir.Operation) -> tuple:
        """(key, the values from outside in first-use order), in one walk of `op`: defining ops come
        before their users and a region's block arguments with the op that holds it, so an operand
        not numbered yet is from outside."""
        outer, ids, parts = [], {}, []

        def visit(o):
            o = as_operation(o)
            operands = []
            for v in o.operands:
                i = ids.get(v)
                if i is None:
                    i = ids[v] = ("outer", len(outer))
                    outer.append(v)
                operands.append(i)
            attrs = o.attributes
            parts.append((o.name, tuple((attrs[i].name, self._str(attrs[i].attr)) for i in range(len(attrs))),
                          tuple(operands), tuple(self._str(r.type) for r in o.results),
                          tuple(len(region.blocks) for region in o.regions)))
            for r in o.results:
                ids[r] = len(ids)
            for region in o.regions:
                for block in region.blocks:
                    for arg in block.arguments:
                        ids[arg] = len(ids)
                    parts.append(tuple(self._str(arg.type) for arg in block.arguments))
            return ir.WalkResult.ADVANCE

        op.walk(visit, ir.WalkOrder.PRE_ORDER)
        return (tuple(parts), tuple(self._value(v) for v in outer)), outer

    def _value(self, v: ir.Value):
        d = _defining_op(v)
        if d is None or d.name not in _CLONED:
            return self._str(v.type)
        k = self.producers.get(d)
        if k is None:
            k = self.producers[d] = self.walk(d)
        return k[0]

    def outer(self, op: ir.Operation) -> list:
        """The values `op` reads from outside (a producer's from its cached walk)."""
        k = self.producers.get(op)
        return k[1] if k is not None else self.walk(op)[1]


def _build(op: ir.Operation, args: list, clones: list, name: str, module_ip: ir.InsertionPoint) -> ir.Operation:
    """A private noinline function `name` computing what `op` computes from `args`: `clones` and a
    copy of `op` in its body."""
    fn, entry = outlined_function(name, [v.type for v in args], [r.type for r in op.results], module_ip,
                                  op.location)
    mapping = dict(zip(args, entry.arguments))
    with ir.InsertionPoint(entry), op.location:
        for d in [*clones, op]:
            copy = as_operation(d.clone())
            _remap(copy, mapping)
            for old, new in zip(d.results, copy.results):
                mapping[old] = new
        func.ReturnOp([mapping[r] for r in op.results])
    return as_operation(fn)


def _replace_with_call(op: ir.Operation, name: str, args: list, clones: list) -> None:
    """`op` becomes a call of `name`; its producers left without users are erased."""
    with ir.InsertionPoint(op), op.location:
        call = func.CallOp([r.type for r in op.results], ir.FlatSymbolRefAttr.get(name), args)
    for old, new in zip(op.results, call.results):
        old.replace_all_uses_with(new)
    op.erase()
    for d in reversed(clones):
        if all(next(iter(r.uses), None) is None for r in d.results):
            d.erase()


def _remap(op: ir.Operation, mapping: dict) -> None:
    """Points every operand of `op` and of its nested ops that `mapping` holds at its image."""
    def visit(o):
        o = as_operation(o)
        for k, v in enumerate(o.operands):
            if v in mapping:
                o.operands[k] = mapping[v]
        return ir.WalkResult.ADVANCE

    op.walk(visit, ir.WalkOrder.PRE_ORDER)


@dataclass(frozen=True)
class OutlineTensorRegions(ModulePass):
    name = "outline-tensor-regions"
    summary = ("before bufferization, move each top-level op of a function that becomes a loop nest into a "
               "private noinline function on tensors, and merge the functions whose IR is the same: the "
               "rest of the pipeline then lowers each distinct region once")

    min_regions: int = option(4, "outline the regions of a function only when it has at least this many "
                                 "(a small kernel stays one function)", at_least=1)

    def apply(self, module_op: ir.Operation) -> None:
        block = module_op.regions[0].blocks[0]
        names = FreshNames(module_op)
        keys, built = _Keys(), {}  # structural key -> function name
        for fn in defined_functions(module_op):
            ops = [as_operation(o) for o in fn.regions[0].blocks[0].operations]
            # (an op whose results are unused is left for canonicalize: a call would stay)
            regions = [o for o in ops if _is_region(o) and not _returned(o)
                       and any(next(iter(r.uses), None) is not None for r in o.results)]
            if len(regions) < self.min_regions:
                continue
            for op in regions:
                key, outer = keys.walk(op)
                args, clones = _plan(outer, keys.outer)
                name = built.get(key)
                if name is None:
                    name = built[key] = names.fresh(f"{symbol_name(fn)}.region")
                    _build(op, args, clones, name, ir.InsertionPoint(block))
                # the producers' keys are computed before any of them is erased
                _replace_with_call(op, name, args, clones)
