"""The caching allocator behind compiled kernels' temporaries (PyTorch-style, owned by symgrad).

Why. Kernels allocate their large temporaries (a [4096, 1024] f32 tensor is
16 MiB) on every call and free them before returning. glibc serves blocks that
large with mmap and unmaps them on free, so every call faults in fresh pages
(~8 ms per 64 MiB here: most of W3's step). Changing malloc's thresholds would
change it for the whole process (numpy, torch, the user's own code), so
instead the kernels allocate from this pool, which keeps a bounded number of
freed blocks for the next call.

How kernels reach it. The pipeline lowers memref allocations with
`finalize-memref-to-llvm{use-generic-functions}`, so lowered code calls
`_mlir_memref_to_llvm_alloc(size)`, `_mlir_memref_to_llvm_aligned_alloc(align,
size)` and `_mlir_memref_to_llvm_free(ptr)` instead of malloc/free.
`register_with_jit()` compiles the allocator below (LLVM IR text, no C compiler
needed) once per process and binds those names in llvmlite's symbol table
before any kernel object is loaded. The pool's code lives as long as the process.

The allocator. Every block carries a 16-byte header just below the pointer it
hands out: the pointer malloc returned, and a tag (a size class, or RAW).
- Below SMALL_BYTES (64 KiB), and when pooling is off: malloc/free (RAW).
- From SMALL_BYTES up: size classes, 8 per power of two, so a block is at most
  12.5% larger than asked; the block is 64-byte aligned. Each class has SLOTS
  lock-free slots holding cached blocks: allocation takes one with an atomic
  exchange (so no ABA: a slot holds a whole pointer, never a list), free puts
  one back with compare-and-swap, or frees it to malloc when the slots are
  full or caching it would push the bytes cached past the cap (an atomic
  counter, reserved before a block enters a slot and released after it
  leaves, so the cached blocks never exceed the cap). A free reads the cap
  after reserving its bytes and again after parking its block, taking a block
  back out if the cap fell meanwhile: after set_limit(0) + release() nothing
  stays cached.
- When malloc fails, the pool frees everything cached and tries once more.
  The runtime's entry point (`symgrad_pool_alloc`) then returns NULL; the ones
  lowered code calls never do: they print "symgrad: out of memory allocating N
  bytes in a compiled kernel" to stderr and abort(), since generated code would
  write through NULL. That is the last line of defence only: before every
  call the runtime reserves the kernel's temporaries (`Reservation`, from the
  sizes passes/record_temporaries.py records in the object code), raising
  MemoryError before native code runs when they do not fit. An alignment that
  is not a power of two gets NULL (C's aligned_alloc), and aborts the same way.
Kernels run with the GIL released, from any number of threads: every shared
word is touched only with atomic instructions.

Results. The runtime allocates kernel results (runtime/kernel.py) of
OUTPUT_BYTES and more from the pool as well (`empty`: a numpy array whose base
gives the block back when the last view dies). Without that, a pool that keeps
the temporaries would make results slower: glibc raises its mmap threshold
only when it frees a mapped block, so with the temporaries no longer freed, a
fresh 4 MiB result would be mapped and faulted in on every call.

Settings. `SYMGRAD_POOL_BYTES` caps the bytes cached (an integer with an
optional K/M/G suffix; default: the smaller of 1 GiB and a quarter of RAM;
0 turns caching off: plain malloc/free). `set_limit()` changes it at run time,
`release()` frees what is cached (so does `sg.clear_cache()`), `stats()`
reports hits, misses and the bytes cached.
"""
from __future__ import annotations

import ctypes
import os
import warnings
from dataclasses import dataclass
from typing import Optional

from . import forksafe as _forksafe

from . import abi as _abi

ENV = "SYMGRAD_POOL_BYTES"
#: Blocks below this go straight to malloc/free.
SMALL_BYTES = 1 << 16
#: Kernel results from this size up are numpy arrays over pool blocks (`empty`).
OUTPUT_BYTES = SMALL_BYTES
#: Size classes cover [2^MIN_LOG, 2^MAX_LOG) bytes, 2^SUB_LOG classes per power of two.
MIN_LOG, MAX_LOG, SUB_LOG = 16, 40, 3
CLASSES = (MAX_LOG - MIN_LOG) << SUB_LOG
#: Cached blocks per class at most. Bufferization frees a kernel's temporaries at its end, so a
#: kernel holds all of them at once: a [512, 1024] layer norm + gelu gradient keeps nine 2 MiB
#: blocks and its results one more; with 8 slots it mallocs on every call.
SLOTS = 16
#: Header below each block: the pointer malloc returned, then the tag.
HEADER = 16
#: Alignment of pooled blocks (raw ones keep malloc's 16).
ALIGN = 64
RAW = -1

#: The names lowered code calls (upstream MLIR's generic allocation functions).
ALLOC, ALIGNED_ALLOC, FREE = _abi.POOL_ALLOC, _abi.POOL_ALIGNED_ALLOC, _abi.POOL_FREE
SYMBOLS = _abi.POOL_SYMBOLS

# Counters, in the order symgrad_pool_stats writes them after (limit, bytes cached, blocks cached).
_COUNTERS = ("hits", "misses", "cached", "over_limit", "slots_full", "released")
_LIMIT_MAX = 1 << 62
_SIZE_MAX = 1 << 62  # larger requests get NULL, as from malloc

#: What a kernel prints (to stderr, then abort()) when an allocation fails inside native code.
OOM_MESSAGE = "symgrad: out of memory allocating %lld bytes in a compiled kernel"
ALIGN_MESSAGE = "symgrad: alignment %lld (not a power of two) asked for %lld bytes in a compiled kernel"


def _c_string(text: str) -> str:
    """`text`, a newline and NUL, as the body of an LLVM IR c"..." constant."""
    return text.replace("\\", "\\5C").replace('"', "\\22") + "\\0A\\00"


IR = r"""
@limit = internal global i64 0
@bytes = internal global i64 0
@counters = internal global [{ncounters} x i64] zeroinitializer
@slots = internal global [{nslots} x ptr] zeroinitializer

@oom_msg = private constant [{oom_len} x i8] c"{oom_msg}"
@align_msg = private constant [{align_len} x i8] c"{align_msg}"

declare ptr @malloc(i64)
declare void @free(ptr)
declare i64 @llvm.ctlz.i64(i64, i1)
declare i32 @dprintf(i32, ptr, ...)
declare void @abort() noreturn

define internal void @count(i64 %i) {{
  %c = getelementptr [{ncounters} x i64], ptr @counters, i64 0, i64 %i
  %old = atomicrmw add ptr %c, i64 1 monotonic
  ret void
}}

; The class of a size in [2^MIN_LOG, 2^62): (k - MIN_LOG) * 2^SUB + ceil(s / 2^(k - SUB)) - 2^SUB,
; k = floor(log2 s). The quotient is in [2^SUB, 2^(SUB+1)]; its top value is the next octave's first class.
define internal i64 @class_of(i64 %s) {{
  %lz = call i64 @llvm.ctlz.i64(i64 %s, i1 true)
  %k = sub i64 63, %lz
  %sh = sub i64 %k, {sub}
  %step = shl i64 1, %sh
  %round = add i64 %s, %step
  %round1 = sub i64 %round, 1
  %q = lshr i64 %round1, %sh
  %oct = sub i64 %k, {min_log}
  %base = shl i64 %oct, {sub}
  %i0 = add i64 %base, %q
  %i = sub i64 %i0, {per_octave}
  ret i64 %i
}}

define internal i64 @class_size(i64 %i) {{
  %oct = lshr i64 %i, {sub}
  %sh = add i64 %oct, {min_log_minus_sub}
  %r = and i64 %i, {per_octave_m1}
  %q = add i64 %r, {per_octave}
  %s = shl i64 %q, %sh
  ret i64 %s
}}

; Frees every cached block; returns the bytes freed.
define i64 @symgrad_pool_release() {{
entry:
  br label %loop
loop:
  %j = phi i64 [ 0, %entry ], [ %j1, %next ]
  %freed = phi i64 [ 0, %entry ], [ %freed1, %next ]
  %slot = getelementptr [{nslots} x ptr], ptr @slots, i64 0, i64 %j
  %peek = load atomic ptr, ptr %slot seq_cst, align 8
  %empty = icmp eq ptr %peek, null
  br i1 %empty, label %next0, label %take
take:
  %p = atomicrmw xchg ptr %slot, ptr null seq_cst
  %none = icmp eq ptr %p, null
  br i1 %none, label %next0, label %drop
drop:
  %hb = getelementptr i8, ptr %p, i64 -16
  %mem = load ptr, ptr %hb, align 8
  %ht = getelementptr i8, ptr %p, i64 -8
  %tag = load i64, ptr %ht, align 8
  %size = call i64 @class_size(i64 %tag)
  %old = atomicrmw sub ptr @bytes, i64 %size acq_rel
  call void @free(ptr %mem)
  call void @count(i64 5)
  %sum = add i64 %freed, %size
  br label %next
next0:
  br label %next
next:
  %freed1 = phi i64 [ %freed, %next0 ], [ %sum, %drop ]
  %j1 = add i64 %j, 1
  %done = icmp eq i64 %j1, {nslots}
  br i1 %done, label %exit, label %loop
exit:
  ret i64 %freed1
}}

; malloc, and when it fails: free what is cached and try once more.
define internal ptr @malloc_or_release(i64 %n) {{
entry:
  %p = call ptr @malloc(i64 %n)
  %ok = icmp ne ptr %p, null
  br i1 %ok, label %done, label %retry
retry:
  %freed = call i64 @symgrad_pool_release()
  %p2 = call ptr @malloc(i64 %n)
  ret ptr %p2
done:
  ret ptr %p
}}

; A block of `size` bytes aligned to `align0` (a power of two; below 16 counts as 16); NULL when
; malloc fails even after the cache is released, or for an alignment that is not a power of two.
define internal ptr @pool_alloc(i64 %size, i64 %align0) {{
entry:
  %am1_0 = sub i64 %align0, 1
  %pow_bits = and i64 %align0, %am1_0
  %notpow = icmp ne i64 %pow_bits, 0
  %zeroa = icmp eq i64 %align0, 0
  %huge = icmp ugt i64 %size, {size_max}
  %hugea = icmp ugt i64 %align0, 1073741824
  %bad0 = or i1 %huge, %hugea
  %bad1 = or i1 %bad0, %notpow
  %bad = or i1 %bad1, %zeroa
  br i1 %bad, label %fail, label %check
fail:
  ret ptr null
check:
  %lt16 = icmp ult i64 %align0, 16
  %align = select i1 %lt16, i64 16, i64 %align0
  %small = icmp ult i64 %size, {small}
  %wide = icmp ugt i64 %align, {align}
  %nopool0 = or i1 %small, %wide
  br i1 %nopool0, label %raw, label %limit
limit:
  %lim = load atomic i64, ptr @limit monotonic, align 8
  %off = icmp eq i64 %lim, 0
  br i1 %off, label %raw, label %cls
cls:
  %i = call i64 @class_of(i64 %size)
  %big = icmp uge i64 %i, {classes}
  br i1 %big, label %raw, label %scan
scan:
  %first = mul i64 %i, {slots}
  br label %loop
loop:
  %j = phi i64 [ 0, %scan ], [ %j1, %next ]
  %k = add i64 %first, %j
  %slot = getelementptr [{nslots} x ptr], ptr @slots, i64 0, i64 %k
  %peek = load atomic ptr, ptr %slot monotonic, align 8
  %empty = icmp eq ptr %peek, null
  br i1 %empty, label %next, label %take
take:
  %p = atomicrmw xchg ptr %slot, ptr null acq_rel
  %none = icmp eq ptr %p, null
  br i1 %none, label %next, label %hit
hit:
  %csize = call i64 @class_size(i64 %i)
  %old = atomicrmw sub ptr @bytes, i64 %csize acq_rel
  call void @count(i64 0)
  ret ptr %p
next:
  %j1 = add i64 %j, 1
  %done = icmp eq i64 %j1, {slots}
  br i1 %done, label %miss, label %loop
miss:
  call void @count(i64 1)
  %msize = call i64 @class_size(i64 %i)
  %n = add i64 %msize, {pooled_extra}
  %mem = call ptr @malloc_or_release(i64 %n)
  %mnull = icmp eq ptr %mem, null
  br i1 %mnull, label %fail, label %place
place:
  %mint = ptrtoint ptr %mem to i64
  %u0 = add i64 %mint, {header_plus_align_m1}
  %u1 = and i64 %u0, {align_mask}
  %user = inttoptr i64 %u1 to ptr
  %hb = getelementptr i8, ptr %user, i64 -16
  store ptr %mem, ptr %hb, align 8
  %ht = getelementptr i8, ptr %user, i64 -8
  store i64 %i, ptr %ht, align 8
  ret ptr %user
raw:
  %rn = add i64 %size, %align
  %rmem = call ptr @malloc_or_release(i64 %rn)
  %rnull = icmp eq ptr %rmem, null
  br i1 %rnull, label %fail, label %rplace
rplace:
  %rint = ptrtoint ptr %rmem to i64
  %am1 = sub i64 %align, 1
  %r0 = add i64 %rint, {header}
  %r1 = add i64 %r0, %am1
  %nmask = sub i64 0, %align
  %r2 = and i64 %r1, %nmask
  %ruser = inttoptr i64 %r2 to ptr
  %rhb = getelementptr i8, ptr %ruser, i64 -16
  store ptr %rmem, ptr %rhb, align 8
  %rht = getelementptr i8, ptr %ruser, i64 -8
  store i64 {raw}, ptr %rht, align 8
  ret ptr %ruser
}}

; The last line of defence: lowered code never checks for NULL (it would write through it), and the
; runtime reserves a kernel's temporaries before the call (pool.Reservation), so a NULL here means
; memory ran out anyway (another thread took the blocks, an allocation the reservation could not
; bound): say so on stderr and abort, rather than crash somewhere in the kernel.
define internal void @die(i64 %size, i64 %align) noreturn {{
entry:
  %am1 = sub i64 %align, 1
  %bits = and i64 %align, %am1
  %notpow = icmp ne i64 %bits, 0
  br i1 %notpow, label %badalign, label %oom
badalign:
  %w1 = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @align_msg, i64 %align, i64 %size)
  call void @abort()
  unreachable
oom:
  %w2 = call i32 (i32, ptr, ...) @dprintf(i32 2, ptr @oom_msg, i64 %size)
  call void @abort()
  unreachable
}}

; What lowered code calls: never NULL.
define ptr @{alloc}(i64 %size) {{
entry:
  %p = call ptr @pool_alloc(i64 %size, i64 16)
  %null = icmp eq ptr %p, null
  br i1 %null, label %die, label %ok
ok:
  ret ptr %p
die:
  call void @die(i64 %size, i64 16)
  unreachable
}}

define ptr @{aligned_alloc}(i64 %align, i64 %size) {{
entry:
  %p = call ptr @pool_alloc(i64 %size, i64 %align)
  %null = icmp eq ptr %p, null
  br i1 %null, label %die, label %ok
ok:
  ret ptr %p
die:
  call void @die(i64 %size, i64 %align)
  unreachable
}}

; What the runtime calls from Python (results, reservations): NULL when memory runs out.
define ptr @symgrad_pool_alloc(i64 %align, i64 %size) {{
  %p = call ptr @pool_alloc(i64 %size, i64 %align)
  ret ptr %p
}}

; A kernel result's block, or NULL when the pool is off (the runtime then uses numpy) or malloc fails.
define ptr @symgrad_pool_alloc_result(i64 %align, i64 %size) {{
entry:
  %lim = load atomic i64, ptr @limit monotonic, align 8
  %off = icmp eq i64 %lim, 0
  br i1 %off, label %none, label %alloc
alloc:
  %p = call ptr @pool_alloc(i64 %size, i64 %align)
  ret ptr %p
none:
  ret ptr null
}}

; The class of a block of `size` bytes, or -1 when it is not pooled (small or huge).
define i64 @symgrad_pool_class_of(i64 %size) {{
entry:
  %small = icmp ult i64 %size, {small}
  %huge = icmp ugt i64 %size, {size_max}
  %out = or i1 %small, %huge
  br i1 %out, label %none, label %cls
cls:
  %i = call i64 @class_of(i64 %size)
  %big = icmp uge i64 %i, {classes}
  br i1 %big, label %none, label %ok
ok:
  ret i64 %i
none:
  ret i64 -1
}}

; How many of the `n` slots from slot `first` on hold a cached block (n >= 1).
define internal i64 @count_cached(i64 %first, i64 %n) {{
entry:
  br label %loop
loop:
  %j = phi i64 [ 0, %entry ], [ %j1, %loop ]
  %have = phi i64 [ 0, %entry ], [ %have1, %loop ]
  %k = add i64 %first, %j
  %slot = getelementptr [{nslots} x ptr], ptr @slots, i64 0, i64 %k
  %p = load atomic ptr, ptr %slot monotonic, align 8
  %full = icmp ne ptr %p, null
  %inc = zext i1 %full to i64
  %have1 = add i64 %have, %inc
  %j1 = add i64 %j, 1
  %done = icmp eq i64 %j1, %n
  br i1 %done, label %out, label %loop
out:
  ret i64 %have1
}}

; 1 when the pool caches, for each of the `n` (class, count) pairs at `pairs`, at least `count`
; blocks of that class (the steady state of a reservation: nothing to allocate); else 0.
define i64 @symgrad_pool_ready(ptr %pairs, i64 %n) {{
entry:
  %lim = load atomic i64, ptr @limit monotonic, align 8
  %off = icmp eq i64 %lim, 0
  br i1 %off, label %no, label %check
check:
  %none = icmp eq i64 %n, 0
  br i1 %none, label %yes, label %pair
pair:
  %e = phi i64 [ 0, %check ], [ %e1, %enough ]
  %ci = mul i64 %e, 2
  %cp = getelementptr i64, ptr %pairs, i64 %ci
  %cls = load i64, ptr %cp, align 8
  %ki = add i64 %ci, 1
  %kp = getelementptr i64, ptr %pairs, i64 %ki
  %want = load i64, ptr %kp, align 8
  %first = mul i64 %cls, {slots}
  %have = call i64 @count_cached(i64 %first, i64 {slots})
  %short = icmp slt i64 %have, %want
  br i1 %short, label %no, label %enough
enough:
  %e1 = add i64 %e, 1
  %last = icmp eq i64 %e1, %n
  br i1 %last, label %yes, label %pair
yes:
  ret i64 1
no:
  ret i64 0
}}

define void @{free}(ptr %p) {{
entry:
  %isnull = icmp eq ptr %p, null
  br i1 %isnull, label %exit, label %header
header:
  %hb = getelementptr i8, ptr %p, i64 -16
  %mem = load ptr, ptr %hb, align 8
  %ht = getelementptr i8, ptr %p, i64 -8
  %tag = load i64, ptr %ht, align 8
  %pooled = icmp ult i64 %tag, {classes}
  br i1 %pooled, label %limit, label %release
limit:
  ; Bytes first, then the limit (both seq_cst, like set_limit's store and release's reads).
  %size = call i64 @class_size(i64 %tag)
  %old = atomicrmw add ptr @bytes, i64 %size seq_cst
  %lim = load atomic i64, ptr @limit seq_cst, align 8
  %new = add i64 %old, %size
  %over = icmp ugt i64 %new, %lim
  br i1 %over, label %overlimit, label %scan
overlimit:
  %o2 = atomicrmw sub ptr @bytes, i64 %size acq_rel
  call void @count(i64 3)
  br label %release
scan:
  %first = mul i64 %tag, {slots}
  br label %loop
loop:
  %j = phi i64 [ 0, %scan ], [ %j1, %next ]
  %k = add i64 %first, %j
  %slot = getelementptr [{nslots} x ptr], ptr @slots, i64 0, i64 %k
  %peek = load atomic ptr, ptr %slot monotonic, align 8
  %empty = icmp eq ptr %peek, null
  br i1 %empty, label %put, label %next
put:
  %pair = cmpxchg ptr %slot, ptr null, ptr %p seq_cst seq_cst
  %stored = extractvalue {{ ptr, i1 }} %pair, 1
  br i1 %stored, label %cached, label %next
cached:
  call void @count(i64 2)
  ; set_limit + release may have run since the limit was read: release's scan may have passed
  ; this slot before the block went in. Read the limit again (seq_cst: either this read sees the
  ; new limit, or release sees the block), and take a block back out if the cache is over it.
  %lim2 = load atomic i64, ptr @limit seq_cst, align 8
  %now = load atomic i64, ptr @bytes seq_cst, align 8
  %over2 = icmp ugt i64 %now, %lim2
  br i1 %over2, label %evict, label %exit
evict:
  %q = atomicrmw xchg ptr %slot, ptr null seq_cst
  %qnull = icmp eq ptr %q, null
  br i1 %qnull, label %exit, label %evictfree
evictfree:
  %qhb = getelementptr i8, ptr %q, i64 -16
  %qmem = load ptr, ptr %qhb, align 8
  %o4 = atomicrmw sub ptr @bytes, i64 %size seq_cst
  call void @count(i64 5)
  call void @free(ptr %qmem)
  ret void
next:
  %j1 = add i64 %j, 1
  %done = icmp eq i64 %j1, {slots}
  br i1 %done, label %full, label %loop
full:
  %o3 = atomicrmw sub ptr @bytes, i64 %size acq_rel
  call void @count(i64 4)
  br label %release
release:
  call void @free(ptr %mem)
  br label %exit
exit:
  ret void
}}

define void @symgrad_pool_set_limit(i64 %n) {{
  store atomic i64 %n, ptr @limit seq_cst, align 8
  ret void
}}

; out[0] = limit, out[1] = bytes cached, out[2] = blocks cached, out[3...] = the counters.
define void @symgrad_pool_stats(ptr %out) {{
entry:
  %lim = load atomic i64, ptr @limit monotonic, align 8
  store i64 %lim, ptr %out, align 8
  %b = load atomic i64, ptr @bytes monotonic, align 8
  %o1 = getelementptr i64, ptr %out, i64 1
  store i64 %b, ptr %o1, align 8
  %n1 = call i64 @count_cached(i64 0, i64 {nslots})
  %o2 = getelementptr i64, ptr %out, i64 2
  store i64 %n1, ptr %o2, align 8
  br label %copy
copy:
  %c = phi i64 [ 0, %entry ], [ %c1, %copy ]
  %src = getelementptr [{ncounters} x i64], ptr @counters, i64 0, i64 %c
  %v = load atomic i64, ptr %src monotonic, align 8
  %d = add i64 %c, 3
  %dst = getelementptr i64, ptr %out, i64 %d
  store i64 %v, ptr %dst, align 8
  %c1 = add i64 %c, 1
  %cdone = icmp eq i64 %c1, {ncounters}
  br i1 %cdone, label %exit, label %copy
exit:
  ret void
}}
""".format(ncounters=len(_COUNTERS), nslots=CLASSES * SLOTS, slots=SLOTS, classes=CLASSES, sub=SUB_LOG,
           min_log=MIN_LOG, min_log_minus_sub=MIN_LOG - SUB_LOG, per_octave=1 << SUB_LOG,
           per_octave_m1=(1 << SUB_LOG) - 1, size_max=_SIZE_MAX, small=SMALL_BYTES, align=ALIGN,
           pooled_extra=HEADER + ALIGN - 16, header=HEADER, header_plus_align_m1=HEADER + ALIGN - 1,
           align_mask=-ALIGN, raw=RAW, alloc=ALLOC, aligned_alloc=ALIGNED_ALLOC, free=FREE,
           oom_msg=_c_string(OOM_MESSAGE), oom_len=len(OOM_MESSAGE) + 2,
           align_msg=_c_string(ALIGN_MESSAGE), align_len=len(ALIGN_MESSAGE) + 2)


@dataclass(frozen=True)
class PoolStats:
    """A snapshot of the pool. `hits`/`misses` count pooled-size allocations served from the cache or
    by malloc; `cached` counts blocks kept on free, `over_limit`/`slots_full` blocks freed to malloc
    instead; `released` blocks freed by `release()` (or by a failed malloc, or taken back out when the
    limit fell while they went in); `reserve_fills` counts the kernel calls whose reservation was not
    already cached (0 more per call in the steady state)."""
    limit: int
    bytes_cached: int
    blocks_cached: int
    hits: int
    misses: int
    cached: int
    over_limit: int
    slots_full: int
    released: int
    reserve_fills: int = 0  # reservations that had to allocate (see `Reservation`)


def default_limit() -> int:
    """The smaller of 1 GiB and a quarter of physical memory."""
    try:
        ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        ram = 0
    return min(1 << 30, ram // 4) if ram > 0 else 1 << 30


_SUFFIXES = {"": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
             "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def parse_bytes(text: str) -> int:
    """'0', '1048576', '512M', '2GiB' -> bytes. Raises ValueError."""
    s = text.strip().lower()
    digits = s.rstrip("kmgib ")
    suffix = s[len(digits):].strip()
    if not digits.isdigit() or suffix not in _SUFFIXES:
        raise ValueError(f"not a byte count: {text!r} (an integer with an optional K/M/G suffix)")
    return min(int(digits) * _SUFFIXES[suffix], _LIMIT_MAX)


def limit_from_env() -> int:
    value = os.environ.get(ENV)
    if value is None or not value.strip():
        return default_limit()
    try:
        return parse_bytes(value)
    except ValueError as e:
        fallback = default_limit()
        warnings.warn(f"symgrad: ${ENV}: {e}; using {fallback}", RuntimeWarning, stacklevel=3)
        return fallback


# ---------------------------------------------------------------- the native pool --
_lock = _forksafe.Lock()  # unlocked again in a fork child
_native: Optional["_Native"] = None


class _Native:
    """The compiled pool (a SupportLibrary, kept for the life of the process) and its entry points."""

    def __init__(self):
        from .support_library import SupportLibrary
        # opt=0: the IR is written tight already, and codegen takes 2.5x less. Compiled once per
        # machine: the object code is kept in the disk cache (symgrad.support).
        self.library = lib = SupportLibrary(
            "pool", IR, sorted(SYMBOLS), ("symgrad_pool_release", "symgrad_pool_set_limit", "symgrad_pool_stats",
                                          "symgrad_pool_alloc", "symgrad_pool_alloc_result",
                                          "symgrad_pool_class_of", "symgrad_pool_ready"),
            opt_level=0, host=False)
        self.addresses = lib.addresses
        i64, ptr = ctypes.c_int64, ctypes.c_void_p
        self.release = lib.function("symgrad_pool_release", i64)
        self.set_limit = lib.function("symgrad_pool_set_limit", None, i64)
        self.stats = lib.function("symgrad_pool_stats", None, ptr)
        # The Python-side allocation returns NULL when memory runs out (the kernels' entry points abort).
        self.alloc = lib.function("symgrad_pool_alloc", ptr, i64, i64)
        self.alloc_result = lib.function("symgrad_pool_alloc_result", ptr, i64, i64)
        self.free = lib.function(FREE, None, ptr)
        self.class_of = lib.function("symgrad_pool_class_of", i64, i64)
        self.ready = lib.function("symgrad_pool_ready", i64, ptr, i64)
        self.set_limit(limit_from_env())  # the one copy of the limit is the native one


def _get() -> "_Native":
    global _native
    if _native is None:
        with _lock:
            if _native is None:
                _native = _Native()
    return _native


def register_with_jit() -> None:
    """Compiles the pool (once per process) and binds the allocation functions lowered code calls
    (`SYMBOLS`) for llvmlite's JIT linker. Idempotent; call before loading object code."""
    native = _get()
    with _lock:
        native.library.bind()


def address(name: str) -> int:
    """The address of one of `SYMBOLS` (compiling the pool if needed)."""
    return _get().addresses[name]


def release() -> int:
    """Frees every cached block (blocks in use by running kernels are not touched); returns the bytes
    freed. A no-op before the pool exists."""
    native = _native
    return int(native.release()) if native is not None else 0


def set_limit(nbytes: int) -> None:
    """Caps the bytes cached (0: no caching, every block goes back to malloc); cached blocks beyond
    a lower cap are freed."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
        raise ValueError(f"pool limit must be a non-negative integer of bytes, got {nbytes!r}")
    native = _get()
    native.set_limit(min(nbytes, _LIMIT_MAX))
    if native_stats(native)[1] > nbytes:
        native.release()


def native_stats(native: "_Native") -> list[int]:
    out = (ctypes.c_int64 * (3 + len(_COUNTERS)))()
    native.stats(ctypes.addressof(out))
    return list(out)


def stats() -> PoolStats:
    """The current figures (all zero, and the limit from the environment, before the pool exists)."""
    native = _native
    if native is None:
        return PoolStats(limit_from_env(), 0, 0, *([0] * len(_COUNTERS)))
    return PoolStats(*native_stats(native), reserve_fills=Reservation.fills)


# ------------------------------------------------------------- kernel outputs --
class _Block:
    """A pool block lent to numpy: the base of the arrays viewing it, given back to the pool when the
    last of them dies (from whichever thread drops it: the pool's free is thread-safe)."""
    __slots__ = ("address", "free", "__array_interface__")

    def __init__(self, address: int, free, shape: tuple, typestr: str):
        self.address = address
        self.free = free
        self.__array_interface__ = {"data": (address, False), "shape": shape, "typestr": typestr, "version": 3}

    def __del__(self):
        self.free(self.address)


def empty(shape: tuple, dtype) -> "np.ndarray":
    """An uninitialized C-contiguous array for a kernel's result. From OUTPUT_BYTES up it comes from
    the pool (64-byte aligned; `base` is the block), so a result of the same size as the last one
    freed costs no page faults: with temporaries kept by the pool, glibc no longer raises its mmap
    threshold, and a fresh 4 MiB numpy array would be mapped and faulted in on every call (W1's
    gradients: ~1000 faults a step). Below that, while the pool does not exist yet, when it is
    off, or when malloc fails (numpy then raises its MemoryError), it is `np.empty`."""
    import numpy as np
    dtype = np.dtype(dtype)
    native = _native
    nbytes = dtype.itemsize
    for d in shape:
        nbytes *= d
    if native is None or nbytes < OUTPUT_BYTES:
        return np.empty(shape, dtype)
    address = native.alloc_result(ALIGN, nbytes)
    if not address:  # the pool is off, or malloc failed even after the cache was released (numpy's MemoryError)
        return np.empty(shape, dtype)
    return np.asarray(_Block(address, native.free, tuple(shape), dtype.str))


# ------------------------------------------------------ kernel temporaries --
class Reservation:
    """A kernel's heap temporaries, made sure of before each call: `reservation()` raises
    MemoryError, before any native code runs, when they cannot all be allocated at once.

    The sizes come from the kernel's object code (passes/record_temporaries.py: every `memref.alloc`
    of the function, an upper bound of what is live at once). The steady state costs one native
    call (~0.5 us): the pool already caches, per size class, as many blocks as the kernel
    allocates, so the kernel's allocations will be served from the cache without malloc
    (`symgrad_pool_ready`). Otherwise (the first call, after `release()`, a class that needs more
    blocks than it has slots, temporaries larger than the limit, the pool off) every block is
    allocated at once through the pool (cached ones first, malloc for the rest; NULL: MemoryError)
    and freed again, so the pool caches them for the kernel (within its limit and slots).
    Another thread may still take the blocks between the check and the call; the kernel's
    allocation then falls back to malloc, and on NULL the pool prints a message and aborts.
    Blocks below SMALL_BYTES are not pooled and not reserved (malloc serves them)."""
    fills = 0  # slow paths taken, all reservations (PoolStats.reserve_fills)
    __slots__ = ("what", "nbytes", "blocks", "_pairs", "_address", "_n", "_native")

    def __init__(self, what: str, sizes):
        """`sizes`: (bytes, count) pairs; `what` names the kernel in the MemoryError."""
        from collections import Counter
        native = _get()
        per_class: Counter = Counter()
        self.blocks = []
        self.nbytes = 0
        unpooled = False
        for size, count in sizes:
            self.nbytes += size * count
            c = native.class_of(size)
            if c >= 0:
                per_class[c] += count
            elif size >= SMALL_BYTES:  # too large for a class: never cached, allocating it is the check
                unpooled = True
            if size >= SMALL_BYTES:
                self.blocks += [size] * count
        flat = [v for pair in sorted(per_class.items()) for v in pair]
        self._pairs = (ctypes.c_int64 * max(1, len(flat)))(*flat)
        self._address = ctypes.addressof(self._pairs)
        self._n = 0 if unpooled else len(per_class)  # 0: no fast path
        self._native = native
        self.what = what

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def __call__(self) -> None:
        native = self._native
        if self._n and native.ready(self._address, self._n):
            return
        self.fill()

    def fill(self) -> None:
        """Allocates every block at once (MemoryError when one fails), then gives them back."""
        native = self._native
        Reservation.fills += 1
        taken = []
        try:
            for size in self.blocks:
                p = native.alloc(ALIGN, size)
                if not p:
                    raise MemoryError(f"{self.what} needs {self.nbytes} bytes of temporaries (the largest "
                                      f"{max(self.blocks)} bytes), which cannot be allocated on this machine; "
                                      f"nothing was run") from None
                taken.append(p)
        finally:
            for p in reversed(taken):
                native.free(p)
