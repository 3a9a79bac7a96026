; symgrad's caching allocator for kernel temporaries (runtime/pool.py; design: docs/design/runtime-pool.md).
; A string.Template: its placeholders (a dollar sign and a name in braces) are filled in by
; runtime/pool.py (`ir_text`) from its constants: size classes, slots, header and alignment, the
; names lowered code calls and the messages printed before abort().
@limit = internal global i64 0
@bytes = internal global i64 0
@counters = internal global [${ncounters} x i64] zeroinitializer
@slots = internal global [${nslots} x ptr] zeroinitializer

@oom_msg = private constant [${oom_len} x i8] c"${oom_msg}"
@align_msg = private constant [${align_len} x i8] c"${align_msg}"

declare ptr @malloc(i64)
declare void @free(ptr)
declare i64 @llvm.ctlz.i64(i64, i1)
declare i32 @dprintf(i32, ptr, ...)
declare void @abort() noreturn

define internal void @count(i64 %i) {
  %c = getelementptr [${ncounters} x i64], ptr @counters, i64 0, i64 %i
  %old = atomicrmw add ptr %c, i64 1 monotonic
  ret void
}

; The class of a size in [2^MIN_LOG, 2^62): (k - MIN_LOG) * 2^SUB + ceil(s / 2^(k - SUB)) - 2^SUB,
; k = floor(log2 s). The quotient is in [2^SUB, 2^(SUB+1)]; its top value is the next octave's first class.
define internal i64 @class_of(i64 %s) {
  %lz = call i64 @llvm.ctlz.i64(i64 %s, i1 true)
  %k = sub i64 63, %lz
  %sh = sub i64 %k, ${sub}
  %step = shl i64 1, %sh
  %round = add i64 %s, %step
  %round1 = sub i64 %round, 1
  %q = lshr i64 %round1, %sh
  %oct = sub i64 %k, ${min_log}
  %base = shl i64 %oct, ${sub}
  %i0 = add i64 %base, %q
  %i = sub i64 %i0, ${per_octave}
  ret i64 %i
}

define internal i64 @class_size(i64 %i) {
  %oct = lshr i64 %i, ${sub}
  %sh = add i64 %oct, ${min_log_minus_sub}
  %r = and i64 %i, ${per_octave_m1}
  %q = add i64 %r, ${per_octave}
  %s = shl i64 %q, %sh
  ret i64 %s
}

; Frees every cached block; returns the bytes freed.
define i64 @symgrad_pool_release() {
entry:
  br label %loop
loop:
  %j = phi i64 [ 0, %entry ], [ %j1, %next ]
  %freed = phi i64 [ 0, %entry ], [ %freed1, %next ]
  %slot = getelementptr [${nslots} x ptr], ptr @slots, i64 0, i64 %j
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
  %done = icmp eq i64 %j1, ${nslots}
  br i1 %done, label %exit, label %loop
exit:
  ret i64 %freed1
}

; malloc, and when it fails: free what is cached and try once more.
define internal ptr @malloc_or_release(i64 %n) {
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
}

; A block of `size` bytes aligned to `align0` (a power of two; below 16 counts as 16); NULL when
; malloc fails even after the cache is released, or for an alignment that is not a power of two.
define internal ptr @pool_alloc(i64 %size, i64 %align0) {
entry:
  %am1_0 = sub i64 %align0, 1
  %pow_bits = and i64 %align0, %am1_0
  %notpow = icmp ne i64 %pow_bits, 0
  %zeroa = icmp eq i64 %align0, 0
  %huge = icmp ugt i64 %size, ${size_max}
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
  %small = icmp ult i64 %size, ${small}
  %wide = icmp ugt i64 %align, ${align}
  %nopool0 = or i1 %small, %wide
  br i1 %nopool0, label %raw, label %limit
limit:
  %lim = load atomic i64, ptr @limit monotonic, align 8
  %off = icmp eq i64 %lim, 0
  br i1 %off, label %raw, label %cls
cls:
  %i = call i64 @class_of(i64 %size)
  %big = icmp uge i64 %i, ${classes}
  br i1 %big, label %raw, label %scan
scan:
  %first = mul i64 %i, ${slots}
  br label %loop
loop:
  %j = phi i64 [ 0, %scan ], [ %j1, %next ]
  %k = add i64 %first, %j
  %slot = getelementptr [${nslots} x ptr], ptr @slots, i64 0, i64 %k
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
  %done = icmp eq i64 %j1, ${slots}
  br i1 %done, label %miss, label %loop
miss:
  call void @count(i64 1)
  %msize = call i64 @class_size(i64 %i)
  %n = add i64 %msize, ${pooled_extra}
  %mem = call ptr @malloc_or_release(i64 %n)
  %mnull = icmp eq ptr %mem, null
  br i1 %mnull, label %fail, label %place
place:
  %mint = ptrtoint ptr %mem to i64
  %u0 = add i64 %mint, ${header_plus_align_m1}
  %u1 = and i64 %u0, ${align_mask}
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
  %r0 = add i64 %rint, ${header}
  %r1 = add i64 %r0, %am1
  %nmask = sub i64 0, %align
  %r2 = and i64 %r1, %nmask
  %ruser = inttoptr i64 %r2 to ptr
  %rhb = getelementptr i8, ptr %ruser, i64 -16
  store ptr %rmem, ptr %rhb, align 8
  %rht = getelementptr i8, ptr %ruser, i64 -8
  store i64 ${raw}, ptr %rht, align 8
  ret ptr %ruser
}

; The last line of defence: lowered code never checks for NULL (it would write through it), and the
; runtime reserves a kernel's temporaries before the call (pool.Reservation), so a NULL here means
; memory ran out anyway (another thread took the blocks, an allocation the reservation could not
; bound): say so on stderr and abort, rather than crash somewhere in the kernel.
define internal void @die(i64 %size, i64 %align) noreturn {
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
}

; What lowered code calls: never NULL.
define ptr @${alloc}(i64 %size) {
entry:
  %p = call ptr @pool_alloc(i64 %size, i64 16)
  %null = icmp eq ptr %p, null
  br i1 %null, label %die, label %ok
ok:
  ret ptr %p
die:
  call void @die(i64 %size, i64 16)
  unreachable
}

define ptr @${aligned_alloc}(i64 %align, i64 %size) {
entry:
  %p = call ptr @pool_alloc(i64 %size, i64 %align)
  %null = icmp eq ptr %p, null
  br i1 %null, label %die, label %ok
ok:
  ret ptr %p
die:
  call void @die(i64 %size, i64 %align)
  unreachable
}

; What the runtime calls from Python (results, reservations): NULL when memory runs out.
define ptr @symgrad_pool_alloc(i64 %align, i64 %size) {
  %p = call ptr @pool_alloc(i64 %size, i64 %align)
  ret ptr %p
}

; A kernel result's block, or NULL when the pool is off (the runtime then uses numpy) or malloc fails.
define ptr @symgrad_pool_alloc_result(i64 %align, i64 %size) {
entry:
  %lim = load atomic i64, ptr @limit monotonic, align 8
  %off = icmp eq i64 %lim, 0
  br i1 %off, label %none, label %alloc
alloc:
  %p = call ptr @pool_alloc(i64 %size, i64 %align)
  ret ptr %p
none:
  ret ptr null
}

; The class of a block of `size` bytes, or -1 when it is not pooled (small or huge).
define i64 @symgrad_pool_class_of(i64 %size) {
entry:
  %small = icmp ult i64 %size, ${small}
  %huge = icmp ugt i64 %size, ${size_max}
  %out = or i1 %small, %huge
  br i1 %out, label %none, label %cls
cls:
  %i = call i64 @class_of(i64 %size)
  %big = icmp uge i64 %i, ${classes}
  br i1 %big, label %none, label %ok
ok:
  ret i64 %i
none:
  ret i64 -1
}

; How many of the `n` slots from slot `first` on hold a cached block (n >= 1).
define internal i64 @count_cached(i64 %first, i64 %n) {
entry:
  br label %loop
loop:
  %j = phi i64 [ 0, %entry ], [ %j1, %loop ]
  %have = phi i64 [ 0, %entry ], [ %have1, %loop ]
  %k = add i64 %first, %j
  %slot = getelementptr [${nslots} x ptr], ptr @slots, i64 0, i64 %k
  %p = load atomic ptr, ptr %slot monotonic, align 8
  %full = icmp ne ptr %p, null
  %inc = zext i1 %full to i64
  %have1 = add i64 %have, %inc
  %j1 = add i64 %j, 1
  %done = icmp eq i64 %j1, %n
  br i1 %done, label %out, label %loop
out:
  ret i64 %have1
}

; 1 when the pool caches, for each of the `n` (class, count) pairs at `pairs`, at least `count`
; blocks of that class (the steady state of a reservation: nothing to allocate); else 0.
define i64 @symgrad_pool_ready(ptr %pairs, i64 %n) {
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
  %first = mul i64 %cls, ${slots}
  %have = call i64 @count_cached(i64 %first, i64 ${slots})
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
}

define void @${free}(ptr %p) {
entry:
  %isnull = icmp eq ptr %p, null
  br i1 %isnull, label %exit, label %header
header:
  %hb = getelementptr i8, ptr %p, i64 -16
  %mem = load ptr, ptr %hb, align 8
  %ht = getelementptr i8, ptr %p, i64 -8
  %tag = load i64, ptr %ht, align 8
  %pooled = icmp ult i64 %tag, ${classes}
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
  %first = mul i64 %tag, ${slots}
  br label %loop
loop:
  %j = phi i64 [ 0, %scan ], [ %j1, %next ]
  %k = add i64 %first, %j
  %slot = getelementptr [${nslots} x ptr], ptr @slots, i64 0, i64 %k
  %peek = load atomic ptr, ptr %slot monotonic, align 8
  %empty = icmp eq ptr %peek, null
  br i1 %empty, label %put, label %next
put:
  %pair = cmpxchg ptr %slot, ptr null, ptr %p seq_cst seq_cst
  %stored = extractvalue { ptr, i1 } %pair, 1
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
  %done = icmp eq i64 %j1, ${slots}
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
}

define void @symgrad_pool_set_limit(i64 %n) {
  store atomic i64 %n, ptr @limit seq_cst, align 8
  ret void
}

; out[0] = limit, out[1] = bytes cached, out[2] = blocks cached, out[3...] = the counters.
define void @symgrad_pool_stats(ptr %out) {
entry:
  %lim = load atomic i64, ptr @limit monotonic, align 8
  store i64 %lim, ptr %out, align 8
  %b = load atomic i64, ptr @bytes monotonic, align 8
  %o1 = getelementptr i64, ptr %out, i64 1
  store i64 %b, ptr %o1, align 8
  %n1 = call i64 @count_cached(i64 0, i64 ${nslots})
  %o2 = getelementptr i64, ptr %out, i64 2
  store i64 %n1, ptr %o2, align 8
  br label %copy
copy:
  %c = phi i64 [ 0, %entry ], [ %c1, %copy ]
  %src = getelementptr [${ncounters} x i64], ptr @counters, i64 0, i64 %c
  %v = load atomic i64, ptr %src monotonic, align 8
  %d = add i64 %c, 3
  %dst = getelementptr i64, ptr %out, i64 %d
  store i64 %v, ptr %dst, align 8
  %c1 = add i64 %c, 1
  %cdone = icmp eq i64 %c1, ${ncounters}
  br i1 %cdone, label %exit, label %copy
exit:
  ret void
}
