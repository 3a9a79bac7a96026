"""`record-temporaries`: write down, in the object code, the heap temporaries each kernel allocates.

Why. Lowered code takes its temporaries from the caching pool (runtime/pool.py) and never checks
for NULL: an allocation that fails inside a kernel would be written through. The rule is a clean
MemoryError before native code runs, so the runtime must know, before the call, what the kernel
will allocate: it then reserves those blocks in the pool from Python (`pool.Reservation`), and
the kernel's own allocations are served from the pool without calling malloc.

What. After bufferization (and promote-buffers-to-stack), every heap temporary is a
`memref.alloc` of a static shape. For each public function this pass adds a constant global
`@_symgrad_temporaries_<name>` (external, so it survives LLVM's optimizer and the JIT can find
it next to `_mlir_ciface_<name>`): an array of i64

    [flags, n, size_0, count_0, ..., size_{n-1}, count_{n-1}]

`size_i` bytes (rounded up to the allocation's alignment, as the aligned lowering does),
allocated `count_i` times. The counts sum every allocation the function (and the functions it
calls) makes, an upper bound of what is live at once. An allocation inside a parallel loop
counts once per iteration (they may all be live at once); one inside a sequential loop counts
once when it is freed in the same block (each iteration reuses the block), else it is not
bounded. `flags` bit 0 says some allocation could not be bounded statically (a dynamic shape or
trip count, recursion, a loop-carried buffer): those are left out, and the pool's last line of
defence (a message and abort() on NULL) is all that guards them. The record lives in the
object code, so kernels loaded from the disk cache have it without lowering again.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

import mlir.ir as ir

from .loops import loop_trips
from .module_pass import ModulePass, PassError

PREFIX = "_symgrad_temporaries_"
UNBOUNDED = 1
#: The alignment the aligned-alloc lowering uses when an alloc carries none (at least 16).
MIN_ALIGN = 16
_LOOPS = {"scf.for", "scf.while", "scf.parallel", "scf.forall", "affine.for", "affine.parallel"}
_PARALLEL = {"scf.parallel", "scf.forall", "affine.parallel"}


def _element_bytes(t: ir.Type) -> Optional[int]:
    if isinstance(t, ir.IndexType):
        return 8
    width = getattr(t, "width", None)
    return (width + 7) // 8 if isinstance(width, int) and width > 0 else None


def _alloc_bytes(op: ir.Operation) -> Optional[int]:
    t = op.results[0].type
    if not isinstance(t, ir.MemRefType) or not t.has_static_shape or len(op.operands):
        return None
    n = _element_bytes(t.element_type)
    if n is None:
        return None
    for d in t.shape:
        n *= d
    align = op.attributes["alignment"].value if "alignment" in op.attributes else 0
    align = max(align, MIN_ALIGN, 1 << max(0, (_element_bytes(t.element_type) - 1).bit_length()))
    return -(-n // align) * align


def _trips(op: ir.Operation) -> Optional[int]:
    if op.name in ("scf.for", "scf.parallel"):
        return loop_trips(op)
    if op.name == "scf.forall":  # static bounds only (a dynamic one is INT64_MIN in these arrays)
        names = ("staticLowerBound", "staticUpperBound", "staticStep")
        if not all(k in op.attributes for k in names):
            return None
        lbs, ubs, steps = (list(ir.DenseI64ArrayAttr(op.attributes[k])) for k in names)
        total = 1
        for lo, hi, st in zip(lbs, ubs, steps):
            if st <= 0 or min(lo, hi) < -(1 << 62):
                return None
            total *= max(0, -(-(hi - lo) // st))
        return total
    return None


def _freed_in_block(op: ir.Operation) -> bool:
    for use in op.results[0].uses:
        user = use.owner
        user = getattr(user, "operation", user)
        if user.name == "memref.dealloc" and user.block == op.block:
            return True
    return False


def _multiplier(op: ir.Operation, func: ir.Operation) -> Optional[int]:
    """How many copies of `op`'s allocation may be live at once, from the loops around it."""
    times = 1
    dealloc_in_body = op.name == "memref.alloc" and _freed_in_block(op)
    parent = op.parent
    while parent is not None and parent != func:
        if parent.name in _LOOPS:
            if parent.name in _PARALLEL:
                trips = _trips(parent)
                if trips is None:
                    return None
                times *= trips
            elif not dealloc_in_body:
                return None
        parent = parent.parent
    return times


def _direct(func: ir.Operation) -> tuple[Counter, list, bool]:
    """(sizes -> count, [(callee, multiplier)], unbounded) of one function's own body."""
    sizes: Counter = Counter()
    calls = []
    unbounded = False

    def visit(op):
        nonlocal unbounded
        if op.name in ("memref.alloc", "func.call"):
            times = _multiplier(op, func)
            if op.name == "memref.alloc":
                nbytes = _alloc_bytes(op)
                if nbytes is None or times is None:
                    unbounded = True
                elif nbytes and times:
                    sizes[nbytes] += times
            elif times is None:
                unbounded = True
                calls.append((op.attributes["callee"].value, 1))
            else:
                calls.append((op.attributes["callee"].value, times))
        return ir.WalkResult.ADVANCE

    func.walk(visit, ir.WalkOrder.PRE_ORDER)
    return sizes, calls, unbounded


def temporaries(module_op: ir.Operation) -> dict[str, tuple[bool, Counter]]:
    """Function name -> (unbounded, Counter of allocation sizes), callees included."""
    funcs = {}
    for op in module_op.regions[0].blocks[0].operations:
        if op.operation.name == "func.func" and len(op.operation.regions[0].blocks):
            funcs[op.operation.attributes["sym_name"].value] = op.operation
    direct = {name: _direct(f) for name, f in funcs.items()}
    done: dict[str, tuple[bool, Counter]] = {}

    def total(name: str, active: frozenset) -> tuple[bool, Counter]:
        if name in done:
            return done[name]
        if name in active:  # recursion: no static bound
            return True, Counter()
        if name not in direct:  # an external function (libm, BLAS): no pool allocations
            return False, Counter()
        sizes, calls, unbounded = direct[name]
        out = Counter(sizes)
        for callee, times in calls:
            u, c = total(callee, active | {name})
            unbounded |= u
            for size, count in c.items():
                out[size] += count * times
        done[name] = (unbounded, out)
        return done[name]

    return {name: total(name, frozenset()) for name in funcs}


@dataclass(frozen=True)
class RecordTemporaries(ModulePass):
    name = "record-temporaries"
    summary = ("add a constant @_symgrad_temporaries_<f> to the module for every public function: the sizes and "
               "counts of the heap allocations (memref.alloc) it makes, for the runtime to reserve before a call "
               "(run after bufferization)")

    def apply(self, module_op: ir.Operation) -> None:
        body = module_op.regions[0].blocks[0]
        table = ir.SymbolTable(module_op)
        public = []
        for op in body.operations:
            op = op.operation
            if op.name == "func.func" and len(op.regions[0].blocks):
                vis = op.attributes["sym_visibility"].value if "sym_visibility" in op.attributes else "public"
                if vis == "public":
                    public.append(op)
        if not public:
            return
        records = temporaries(module_op)
        for f in public:
            name = f.attributes["sym_name"].value
            symbol = PREFIX + name
            if symbol in table:
                raise PassError([(f.location, f"record-temporaries: the symbol @{symbol} is taken")])
            unbounded, sizes = records[name]
            values = [UNBOUNDED if unbounded else 0, len(sizes)]
            for size, count in sorted(sizes.items(), reverse=True):
                values += [size, count]
            text = (f'llvm.mlir.global external constant @{symbol}(dense<[{", ".join(map(str, values))}]> : '
                    f'tensor<{len(values)}xi64>) {{addr_space = 0 : i32}} : !llvm.array<{len(values)} x i64>')
            with f.location:
                glob = ir.Operation.parse(text)
            ir.InsertionPoint(body).insert(glob)
