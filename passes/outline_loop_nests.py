"""`outline-loop-nests`: each loop nest of a kernel becomes a small private function, and identical
nests become one.

Why. A fused primal and adjoint is one function holding every loop nest of the model, and LLVM's
loop vectorizer, its interprocedural passes and its instruction selection cost more per loop as
that one function grows (a 128-layer MLP's gradient: 11.5 s in LoopVectorize alone). Moved into
functions of their own, each nest costs the same whatever the model's size; the kernel keeps its
allocations and becomes a sequence of calls. A model repeats itself (128 layers, a few distinct
nests), so functions whose IR is the same but for their name are merged: LLVM optimizes and
compiles each distinct nest once.

What moves. The top-level ops of each function body are cut into contiguous runs: a run holds a
loop and the ops tied to it by SSA values (a stack accumulator, the loops and stores that fill it,
the load that reads it back), so LLVM still sees the accumulator's whole life in one function.
Heap allocations, stack buffers used by loops far apart, and views of them stay in the caller (views and
constants are cloned into the callee, so it sees static layouts and values); their deallocations
move after the run. A run whose values are used after it stays where it is. Each outlined
function is private and `noinline`: LLVM would otherwise put every nest back into the kernel.
A function with fewer than `min-nests` runs and calls is left as it is: small kernels cost LLVM
little.
"""
from __future__ import annotations

from dataclasses import dataclass

import mlir.ir as ir
from mlir.dialects import func

from .module_pass import ModulePass, option
from .outlining import FreshNames, defined_functions, outlined_function, symbol_name
from .walk import as_operation

LOOPS = {"scf.for", "scf.parallel", "scf.forall", "scf.while", "affine.for", "affine.parallel"}
#: Buffers that stay in the caller and are passed to the outlined functions.
_HEAP = {"memref.alloc", "memref.get_global"}
#: A stack buffer whose users span at most this many loops moves with them (the fill, update and
#: read-out loops of a reduction); one used farther apart stays in the caller like a heap buffer.
MAX_STACK_SPREAD = 4
#: A run of more loops than this (stack buffers chaining loops together) keeps its stack buffers in
#: the caller instead, so that no outlined function grows with the model.
MAX_RUN_LOOPS = 8
#: Ops with no operands cloned into every function that uses them.
_CONSTANTS = {"arith.constant", "ub.poison", "llvm.mlir.constant"}
#: Views of a buffer: cloned into the callee when their operands are available there.
_VIEWS = {"memref.subview", "memref.expand_shape", "memref.collapse_shape", "memref.reinterpret_cast",
          "memref.cast", "memref.transpose"}


class _Body:
    """The top-level ops of one function body, each nested op mapped to its top-level index."""

    def __init__(self, fn: ir.Operation):
        self.fn = fn
        self.ops = [as_operation(o) for o in fn.regions[0].blocks[0].operations]
        self.index: dict = {}
        for i, top in enumerate(self.ops):
            top.walk(lambda op, i=i: self._record(op, i), ir.WalkOrder.PRE_ORDER)

    def _record(self, op, i):
        self.index[as_operation(op)] = i
        return ir.WalkResult.ADVANCE

    def definer(self, v: ir.Value):
        """Index of the top-level op that defines `v`, or -1 for an argument of the function."""
        owner = v.owner
        if isinstance(owner, ir.Block):
            parent = as_operation(owner.owner)
            return -1 if parent == self.fn else self.index[parent]
        return self.index[as_operation(owner)]

    def uses(self, i: int):
        """(nested op, operand number, value, definer of the value) for every operand of top-level
        op i and its nested ops (the definer computed once here: each use is looked at thrice)."""
        found = []

        def visit(op):
            op = as_operation(op)
            for k, v in enumerate(op.operands):
                found.append((op, k, v, self.definer(v)))
            return ir.WalkResult.ADVANCE

        self.ops[i].walk(visit, ir.WalkOrder.PRE_ORDER)
        return found


def _kinds(body: _Body, uses: list, pinned: frozenset = frozenset()) -> list[str]:
    """'heap' (stays, passed in), 'clone' (constants and views of what stays), 'free' (a dealloc),
    'end' (the terminator) or 'member' (may move) for each top-level op."""
    kinds = []
    last_user: dict[int, int] = {}
    for j, us in enumerate(uses):
        for _, _, _, i in us:
            if i >= 0:
                last_user[i] = max(last_user.get(i, i), j)
    loops_before = [0]  # loops_before[k]: loops among ops[:k]
    for op in body.ops:
        loops_before.append(loops_before[-1] + (op.name in LOOPS))

    def spread(i):  # loops from op i to its last user
        return loops_before[last_user.get(i, i) + 1] - loops_before[i]

    for i, op in enumerate(body.ops):
        name = op.name
        if i == len(body.ops) - 1:
            kinds.append("end")
        elif name in _CONSTANTS:
            kinds.append("clone")
        elif name in _HEAP or (name == "memref.alloca" and (i in pinned or spread(i) > MAX_STACK_SPREAD)):
            kinds.append("heap" if not len(op.operands) else "member")
        elif name == "memref.dealloc":
            kinds.append("free")
        elif name in _VIEWS and all(body.definer(v) < 0 or kinds[body.definer(v)] in ("heap", "clone")
                                    for v in op.operands):
            kinds.append("clone")
        else:
            kinds.append("member")
    return kinds


def _runs(body: _Body, uses: list, kinds: list[str]) -> list[tuple[int, int]]:
    """Contiguous [start, end] runs of top-level ops to outline, each holding a loop."""
    n = len(body.ops)
    reach = list(range(n))  # reach[i]: the last op that uses a value member i defines
    for j, us in enumerate(uses):
        for _, _, _, i in us:
            if i >= 0 and i != j and kinds[i] == "member":
                reach[i] = max(reach[i], j)
    runs, i = [], 0
    while i < n - 1:
        if kinds[i] != "member":
            i += 1
            continue
        start, end = i, reach[i]
        k = i
        while k <= end:
            if kinds[k] == "member":
                end = max(end, reach[k])
            k += 1
        # A run reaching the terminator has values the function returns: it stays.
        if end < n - 1 and any(body.ops[k].name in LOOPS for k in range(start, end + 1)):
            runs.append((start, end))
        i = end + 1
    return runs


def _cut(body: _Body, uses: list):
    """(kinds, runs), with the stack buffers of runs longer than MAX_RUN_LOOPS loops kept in the caller."""
    pinned: frozenset = frozenset()
    while True:
        kinds = _kinds(body, uses, pinned)
        runs = _runs(body, uses, kinds)
        long = {k for start, end in runs
                if sum(body.ops[k].name in LOOPS for k in range(start, end + 1)) > MAX_RUN_LOOPS
                for k in range(start, end + 1) if body.ops[k].name == "memref.alloca" and kinds[k] == "member"}
        if not long:
            return kinds, runs
        pinned = pinned | long


def _outline(body: _Body, uses: list, kinds: list[str], start: int, end: int, name: str,
             module_ip: ir.InsertionPoint) -> tuple[ir.Operation, ir.Operation]:
    """Moves the members of ops[start..end] into a new private function `name`; returns (function, call)."""
    ops = body.ops
    members = [k for k in range(start, end + 1) if kinds[k] == "member"]
    inside = set(members)
    captured, cloned = [], []  # values passed in; top-level ops cloned in (in program order)
    seen_values, seen_clones = set(), set()

    def need(v, i):
        if i in inside:
            return
        if i >= 0 and kinds[i] == "clone":
            if i not in seen_clones:
                for w in ops[i].operands:
                    need(w, body.definer(w))
                seen_clones.add(i)
                cloned.append(i)
        elif v not in seen_values:
            seen_values.add(v)
            captured.append(v)

    for k in members:
        for _, _, v, i in uses[k]:
            need(v, i)
    cloned.sort()
    # Buffers allocated and freed inside the run stay in the caller, before and after the call.
    first, last = ops[members[0]], ops[members[-1]]
    for k in range(start, end + 1):
        if kinds[k] == "heap" and k > members[0]:
            ops[k].move_before(first)
        elif kinds[k] == "free" and k < members[-1]:
            ops[k].move_after(last)
            last = ops[k]
    loc = first.location
    fn, entry = outlined_function(name, [v.type for v in captured], [], module_ip, loc)
    with ir.InsertionPoint(first), loc:
        call = func.CallOp([], ir.FlatSymbolRefAttr.get(name), captured)
    mapping = {v: a for v, a in zip(captured, entry.arguments)}
    with ir.InsertionPoint(entry), loc:
        for i in cloned:
            copy = as_operation(ops[i].clone())
            for k, w in enumerate(copy.operands):
                copy.operands[k] = mapping[w]
            for old, new in zip(ops[i].results, copy.results):
                mapping[old] = new
        ret = func.ReturnOp([])
    for k in members:
        ops[k].move_before(ret)
        for op, n, v, _ in uses[k]:
            if v in mapping:
                op.operands[n] = mapping[v]
    return as_operation(fn), as_operation(call)


def _structure(fn: ir.Operation) -> str:
    """The function's IR with its own name left out: equal for nests that compile to the same code."""
    name = ir.StringAttr(fn.attributes["sym_name"]).value
    return fn.get_asm(assume_verified=True, use_local_scope=True).replace("@" + name + "(", "@_(", 1)


@dataclass(frozen=True)
class OutlineLoopNests(ModulePass):
    name = "outline-loop-nests"
    summary = ("move each top-level loop nest of every function, with the scalar ops tied to it, into a "
               "private noinline function, and merge the functions whose IR is the same: LLVM then "
               "optimizes and compiles small functions, each distinct nest once")

    min_nests: int = option(4, "outline the loop nests of a function only when it has at least this many "
                               "(a small kernel stays one function)", at_least=1)

    def apply(self, module_op: ir.Operation) -> None:
        block = module_op.regions[0].blocks[0]
        names = FreshNames(module_op)
        outlined = []  # (function, call)
        for fn in defined_functions(module_op):
            body = _Body(fn)
            uses = [body.uses(i) for i in range(len(body.ops))]
            kinds, runs = _cut(body, uses)
            # A kernel whose other nests outline-tensor-regions already moved out is not small:
            # its calls count, so that the few nests left (those writing its results) move too
            # and the kernel stays one straight line of calls.
            calls = sum(1 for op in body.ops if op.name == "func.call")
            if not runs or len(runs) + calls < self.min_nests:
                continue
            for start, end in runs:
                name = names.fresh(f"{symbol_name(fn)}.loops")
                outlined.append(_outline(body, uses, kinds, start, end, name, ir.InsertionPoint(block)))
        first_of: dict[str, str] = {}
        for fn, call in outlined:
            key = _structure(fn)
            name = ir.StringAttr(fn.attributes["sym_name"]).value
            kept = first_of.setdefault(key, name)
            if kept != name:
                call.attributes["callee"] = ir.FlatSymbolRefAttr.get(kept)
                fn.erase()
