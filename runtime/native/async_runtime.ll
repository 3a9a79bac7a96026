; MLIR's async runtime API (mlirAsyncRuntime*) on pthreads, for kernels' parallel loops
; (runtime/async_runtime.py, runtime/threads.py; design: docs/design/runtime-async.md).
; A string.Template, filled in by runtime/async_runtime.py (`ir_text`): the clock id of
; CLOCK_MONOTONIC, how long an idle thread spins, and the spin-loop hint (x86 `pause`, else nothing).
;
; Object layout (all kinds): { i64 refcount, i32 kind, i32 state, ptr waiters, i64 pending,
; i64 rank, i64 errors, i64 pad }, 56 bytes; a value's storage starts at byte 64.
; state: 0 unavailable, 1 available, 2 error. kind: 0 token, 1 group, 2 value.
; Waiter: { ptr next, ptr handle, ptr resume, ptr group } (group != null: a group's token
; counter, else a coroutine to resume). Task: { ptr next, ptr handle, ptr resume }.
%obj = type { i64, i32, i32, ptr, i64, i64, i64, i64 }
%waiter = type { ptr, ptr, ptr, ptr }
%task = type { ptr, ptr, ptr }

@mu = internal global ptr null
@cv_work = internal global ptr null
@cv_ready = internal global ptr null
@cv_off = internal global ptr null
@qhead = internal global ptr null
@qtail = internal global ptr null
@nthreads = internal global i64 1
@started = internal global i64 0
@ntasks = internal global i64 0
@idle = internal global i64 0
@waiting = internal global i64 0
@wtasks = internal global i64 0
@epoch = internal global i64 0
@inside = internal global [2 x i64] zeroinitializer

declare ptr @calloc(i64, i64)
declare ptr @malloc(i64)
declare void @free(ptr)
declare i32 @pthread_mutex_init(ptr, ptr)
declare i32 @pthread_mutex_lock(ptr)
declare i32 @pthread_mutex_unlock(ptr)
declare i32 @pthread_cond_init(ptr, ptr)
declare i32 @pthread_cond_wait(ptr, ptr)
declare i32 @pthread_cond_broadcast(ptr)
declare i32 @pthread_cond_signal(ptr)
declare i64 @write(i32, ptr, i64)
declare void @abort()
declare i32 @pthread_create(ptr, ptr, ptr, ptr)
declare i32 @pthread_detach(i64)
declare i64 @pthread_self()
declare i32 @printf(ptr, ...)
declare i32 @sched_yield()
declare i32 @clock_gettime(i32, ptr)
${pause_decl}

@fmt_tid = private constant [24 x i8] c"Current thread id: %lu\0A\00"
@msg_oom = private constant [45 x i8] c"symgrad: out of memory in the thread runtime\0A"

; A NULL from malloc/calloc that the runtime cannot do without (an object, a waiter, its mutex):
; a clear message and abort(), never a write through NULL.
define internal void @out_of_memory() noreturn {
  call i64 @write(i32 2, ptr @msg_oom, i64 45)
  call void @abort()
  unreachable
}

define internal ptr @checked(ptr %p) {
entry:
  %null = icmp eq ptr %p, null
  br i1 %null, label %fail, label %ok
fail:
  call void @out_of_memory()
  unreachable
ok:
  ret ptr %p
}

define internal ptr @new_cv() {
  %c = call ptr @calloc(i64 1, i64 256)
  %c1 = call ptr @checked(ptr %c)
  call i32 @pthread_cond_init(ptr %c1, ptr null)
  ret ptr %c1
}

; ------------------------------------------------------------------ setup --
define void @symgrad_rt_init(i64 %n) {
  %m0 = call ptr @calloc(i64 1, i64 256)
  %m = call ptr @checked(ptr %m0)
  call i32 @pthread_mutex_init(ptr %m, ptr null)
  %cw = call ptr @new_cv()
  %cr = call ptr @new_cv()
  %co = call ptr @new_cv()
  store atomic ptr %m, ptr @mu seq_cst, align 8
  store atomic ptr %cw, ptr @cv_work seq_cst, align 8
  store atomic ptr %cr, ptr @cv_ready seq_cst, align 8
  store atomic ptr %co, ptr @cv_off seq_cst, align 8
  store ptr null, ptr @qhead
  store ptr null, ptr @qtail
  store atomic i64 0, ptr @started seq_cst, align 8
  store atomic i64 %n, ptr @nthreads seq_cst, align 8
  store i64 0, ptr @idle
  store i64 0, ptr @waiting
  store atomic i64 0, ptr @epoch seq_cst, align 8
  %c1 = getelementptr [2 x i64], ptr @inside, i64 0, i64 1
  store atomic i64 0, ptr @inside seq_cst, align 8
  store atomic i64 0, ptr %c1 seq_cst, align 8
  ret void
}

define void @symgrad_rt_set_threads(i64 %n) {
  %m = call ptr @lock()
  store atomic i64 %n, ptr @nthreads seq_cst, align 8
  %c = load atomic ptr, ptr @cv_off seq_cst, align 8
  call i32 @pthread_cond_broadcast(ptr %c)  ; workers the new count covers start serving
  %w = load atomic ptr, ptr @cv_work seq_cst, align 8
  call i32 @pthread_cond_broadcast(ptr %w)  ; idle workers it no longer covers move to @cv_off
  call void @unlock(ptr %m)
  ret void
}

define i64 @symgrad_rt_workers() {
  %s = load atomic i64, ptr @started seq_cst, align 8
  ret i64 %s
}

define i64 @symgrad_rt_worker_tasks() {
  %s = load atomic i64, ptr @wtasks seq_cst, align 8
  ret i64 %s
}

define i64 @symgrad_rt_tasks() {
  %s = load atomic i64, ptr @ntasks seq_cst, align 8
  ret i64 %s
}

define i64 @mlirAsyncRuntimGetNumWorkerThreads() {
  %n = load atomic i64, ptr @nthreads seq_cst, align 8
  ret i64 %n
}

define void @mlirAsyncRuntimePrintCurrentThreadId() {
  %t = call i64 @pthread_self()
  call i32 (ptr, ...) @printf(ptr @fmt_tid, i64 %t)
  ret void
}

define internal ptr @lock() {
  %m = load atomic ptr, ptr @mu seq_cst, align 8
  call i32 @pthread_mutex_lock(ptr %m)
  ret ptr %m
}

define internal void @unlock(ptr %m) {
  call i32 @pthread_mutex_unlock(ptr %m)
  ret void
}

;; Who sleeps where (all under the lock): a worker with nothing to do sleeps on @cv_work (counted in
; @idle), a worker the thread count does not cover on @cv_off (only set_threads wakes it), a thread
; in a blocking await on @cv_ready (counted in @waiting). A queued task wakes one idle worker, or
; the awaiting threads when no worker is idle (they run tasks too: a pool whose threads could not
; start still finishes); an object made ready wakes the awaiting threads only (workers never block
; on objects). Waking one worker per task, not every sleeper, keeps threads that get no task from
; burning a shared core on a wake-up and a spin for nothing.

; A task was queued (called under the lock).
define internal void @wake_for_task() {
entry:
  %n = load i64, ptr @idle
  %any = icmp sgt i64 %n, 0
  br i1 %any, label %one, label %awaiters
one:
  %c = load atomic ptr, ptr @cv_work seq_cst, align 8
  call i32 @pthread_cond_signal(ptr %c)
  ret void
awaiters:
  call void @wake_awaiters()
  ret void
}

; An object became ready, or a task is queued that no worker will take (called under the lock).
define internal void @wake_awaiters() {
entry:
  %n = load i64, ptr @waiting
  %any = icmp sgt i64 %n, 0
  br i1 %any, label %wake, label %out
wake:
  %c = load atomic ptr, ptr @cv_ready seq_cst, align 8
  call i32 @pthread_cond_broadcast(ptr %c)
  br label %out
out:
  ret void
}

; Sleeps until woken (called and returns under the lock %m): %cv is @cv_work or @cv_ready, %count
; @idle or @waiting.
define internal void @sleep(ptr %m, ptr %cvp, ptr %count) {
  %n = load i64, ptr %count
  %n1 = add i64 %n, 1
  store i64 %n1, ptr %count
  %c = load atomic ptr, ptr %cvp seq_cst, align 8
  call i32 @pthread_cond_wait(ptr %c, ptr %m)
  %k = load i64, ptr %count
  %k1 = sub i64 %k, 1
  store i64 %k1, ptr %count
  ret void
}

; Spins (outside the lock) for up to ${spin_ns} nanoseconds, until a task is queued or %p (may be
; null) is ready: a kernel's next loop usually queues its tasks within tens of microseconds, and a
; thread that sleeps costs a futex call to wake and a context switch to resume (W4 on one core
; spent 18% of its time switching). Returns under the lock.
define internal ptr @spin_then_lock(ptr %m, ptr %p) {
entry:
  call void @unlock(ptr %m)
  %ts = alloca [2 x i64], align 8
  call i32 @clock_gettime(i32 ${clock_id}, ptr %ts)
  %start = call i64 @nanoseconds(ptr %ts)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ], [ 0, %clock ]
  %h = load atomic ptr, ptr @qhead monotonic, align 8
  %work = icmp ne ptr %h, null
  br i1 %work, label %done, label %check
check:
  %isnull = icmp eq ptr %p, null
  br i1 %isnull, label %next, label %ready
ready:
  %r = call i1 @is_ready(ptr %p)
  br i1 %r, label %done, label %next
next:
  ${pause}
  %i1 = add i64 %i, 1
  %tick = icmp eq i64 %i1, 64
  br i1 %tick, label %clock, label %loop
clock:
  call i32 @clock_gettime(i32 ${clock_id}, ptr %ts)
  %now = call i64 @nanoseconds(ptr %ts)
  %spent = sub i64 %now, %start
  %more = icmp slt i64 %spent, ${spin_ns}
  br i1 %more, label %loop, label %done
done:
  %m2 = call ptr @lock()
  ret ptr %m2
}

define internal i64 @nanoseconds(ptr %ts) {
  %s = load i64, ptr %ts
  %np = getelementptr i64, ptr %ts, i64 1
  %n = load i64, ptr %np
  %sn = mul i64 %s, 1000000000
  %t = add i64 %sn, %n
  ret i64 %t
}

; ------------------------------------------------------- queue (under lock) --
define internal void @push(ptr %t) {
  %nx = getelementptr %task, ptr %t, i32 0, i32 0
  store ptr null, ptr %nx
  %tail = load ptr, ptr @qtail
  %empty = icmp eq ptr %tail, null
  br i1 %empty, label %first, label %append
first:
  store ptr %t, ptr @qhead
  store ptr %t, ptr @qtail
  ret void
append:
  %tnx = getelementptr %task, ptr %tail, i32 0, i32 0
  store ptr %t, ptr %tnx
  store ptr %t, ptr @qtail
  ret void
}

define internal ptr @pop() {
  %h = load ptr, ptr @qhead
  %empty = icmp eq ptr %h, null
  br i1 %empty, label %none, label %take
none:
  ret ptr null
take:
  %nx = getelementptr %task, ptr %h, i32 0, i32 0
  %n = load ptr, ptr %nx
  store ptr %n, ptr @qhead
  %last = icmp eq ptr %n, null
  br i1 %last, label %clear, label %done
clear:
  store ptr null, ptr @qtail
  br label %done
done:
  ret ptr %h
}

; Called under the lock, right after pop(): the thread counts as inside kernel code in the current
; epoch until run_task returns (see symgrad_rt_quiesce). Under the lock, because quiesce flips the
; epoch under it: a task is counted either before the flip, in the epoch quiesce waits for, or
; after it (then it was popped after the flip, so the kernel that queued it had not returned).
; Returns the counter run_task decrements.
define internal ptr @enter() {
  %e = load atomic i64, ptr @epoch seq_cst, align 8
  %c = getelementptr [2 x i64], ptr @inside, i64 0, i64 %e
  atomicrmw add ptr %c, i64 1 seq_cst
  ret ptr %c
}

; Runs a task taken off the queue (outside the lock; %c from @enter) and frees its node.
define internal void @run_task(ptr %t, ptr %c) {
  %hp = getelementptr %task, ptr %t, i32 0, i32 1
  %h = load ptr, ptr %hp
  %rp = getelementptr %task, ptr %t, i32 0, i32 2
  %r = load ptr, ptr %rp
  call void @free(ptr %t)
  call void %r(ptr %h)
  atomicrmw sub ptr %c, i64 1 seq_cst
  ret void
}

; Returns once every task that was running when it was called has returned to the runtime. A
; task's last instructions (after it made its token ready, which may let the kernel's caller
; return) are still in the kernel's code: its engine must not be freed before (called when a
; CompiledModule is collected; callers serialize calls).
define void @symgrad_rt_quiesce() {
entry:
  %m = call ptr @lock()
  %old = load atomic i64, ptr @epoch seq_cst, align 8
  %new = xor i64 %old, 1
  store atomic i64 %new, ptr @epoch seq_cst, align 8
  call void @unlock(ptr %m)
  %c = getelementptr [2 x i64], ptr @inside, i64 0, i64 %old
  br label %loop
loop:
  %n = load atomic i64, ptr %c seq_cst, align 8
  %busy = icmp ne i64 %n, 0
  br i1 %busy, label %yield, label %out
yield:
  call i32 @sched_yield()
  br label %loop
out:
  ret void
}

; ----------------------------------------------------------------- workers --
; Worker number `%arg` (0, 1, ...) serves the queue while the thread count is above its number + 1
; (after set_threads(1) a worker started before stays idle).
define internal ptr @worker(ptr %arg) {
entry:
  %index = ptrtoint ptr %arg to i64
  %m0 = call ptr @lock()
  br label %loop
loop:
  %m = phi ptr [ %m0, %entry ], [ %m2, %run ], [ %m, %sleep ], [ %m3, %spin ], [ %m, %wait_off ]
  %spun = phi i1 [ false, %entry ], [ false, %run ], [ false, %sleep ], [ true, %spin ], [ false, %wait_off ]
  %n = load atomic i64, ptr @nthreads seq_cst, align 8
  %limit = sub i64 %n, 1
  %active = icmp slt i64 %index, %limit
  br i1 %active, label %take, label %off
off:
  ; not counted idle (task pushes never wake it): only symgrad_rt_set_threads does. A task it may
  ; have been woken for (before set_threads moved it here) goes to another thread.
  %qh = load ptr, ptr @qhead
  %queued = icmp ne ptr %qh, null
  br i1 %queued, label %pass, label %wait_off
pass:
  call void @wake_for_task()
  br label %wait_off
wait_off:
  %cv = load atomic ptr, ptr @cv_off seq_cst, align 8
  call i32 @pthread_cond_wait(ptr %cv, ptr %m)
  br label %loop
take:
  %t = call ptr @pop()
  %has = icmp ne ptr %t, null
  br i1 %has, label %run, label %idle
run:
  %c = call ptr @enter()
  call void @unlock(ptr %m)
  atomicrmw add ptr @wtasks, i64 1 monotonic
  call void @run_task(ptr %t, ptr %c)
  %m2 = call ptr @lock()
  br label %loop
idle:
  br i1 %spun, label %sleep, label %spin
spin:
  %m3 = call ptr @spin_then_lock(ptr %m, ptr null)
  br label %loop
sleep:
  call void @sleep(ptr %m, ptr @cv_work, ptr @idle)
  br label %loop
}

; Starts one detached worker thread (called without the lock). A failure is ignored:
; blocking awaits run queued tasks themselves.
define internal void @spawn(i64 %index) {
  %tid = alloca i64, align 8
  store i64 0, ptr %tid
  %arg = inttoptr i64 %index to ptr
  %rc = call i32 @pthread_create(ptr %tid, ptr null, ptr @worker, ptr %arg)
  %ok = icmp eq i32 %rc, 0
  br i1 %ok, label %detach, label %out
detach:
  %t = load i64, ptr %tid
  call i32 @pthread_detach(i64 %t)
  br label %out
out:
  ret void
}

; Queues a coroutine resume for the pool; when no task node can be allocated, resumes it here and
; now (the calling thread runs the block itself: slower, never wrong).
define void @mlirAsyncRuntimeExecute(ptr %handle, ptr %resume) {
entry:
  %t = call ptr @malloc(i64 24)
  %null = icmp eq ptr %t, null
  br i1 %null, label %inline, label %queue
inline:
  call void %resume(ptr %handle)
  ret void
queue:
  %hp = getelementptr %task, ptr %t, i32 0, i32 1
  store ptr %handle, ptr %hp
  %rp = getelementptr %task, ptr %t, i32 0, i32 2
  store ptr %resume, ptr %rp
  atomicrmw add ptr @ntasks, i64 1 seq_cst
  %m = call ptr @lock()
  call void @push(ptr %t)
  %s = load atomic i64, ptr @started seq_cst, align 8
  %n = load atomic i64, ptr @nthreads seq_cst, align 8
  %want = sub i64 %n, 1
  %more = icmp slt i64 %s, %want
  br i1 %more, label %count, label %wake
count:
  %s1 = add i64 %s, 1
  store atomic i64 %s1, ptr @started seq_cst, align 8
  br label %wake
wake:
  call void @wake_for_task()
  call void @unlock(ptr %m)
  br i1 %more, label %start, label %out
start:
  call void @spawn(i64 %s)
  br label %out
out:
  ret void
}

; ------------------------------------------------------- reference counts --
define void @mlirAsyncRuntimeAddRef(ptr %p, i64 %n) {
  atomicrmw add ptr %p, i64 %n seq_cst
  ret void
}

define void @mlirAsyncRuntimeDropRef(ptr %p, i64 %n) {
entry:
  %old = atomicrmw sub ptr %p, i64 %n seq_cst
  %zero = icmp eq i64 %old, %n
  br i1 %zero, label %destroy, label %out
destroy:
  call void @free(ptr %p)
  br label %out
out:
  ret void
}

define internal ptr @new_obj(i64 %bytes, i64 %refs, i32 %kind, i64 %pending) {
  %p0 = call ptr @calloc(i64 1, i64 %bytes)
  %p = call ptr @checked(ptr %p0)
  store i64 %refs, ptr %p
  %k = getelementptr %obj, ptr %p, i32 0, i32 1
  store i32 %kind, ptr %k
  %pp = getelementptr %obj, ptr %p, i32 0, i32 4
  store i64 %pending, ptr %pp
  ret ptr %p
}

define ptr @mlirAsyncRuntimeCreateToken() {
  %p = call ptr @new_obj(i64 64, i64 2, i32 0, i64 0)
  ret ptr %p
}

define ptr @mlirAsyncRuntimeCreateValue(i64 %size) {
  %b = add i64 %size, 64
  %p = call ptr @new_obj(i64 %b, i64 2, i32 2, i64 0)
  ret ptr %p
}

define ptr @mlirAsyncRuntimeCreateGroup(i64 %size) {
  %p = call ptr @new_obj(i64 64, i64 1, i32 1, i64 %size)
  ret ptr %p
}

define ptr @mlirAsyncRuntimeGetValueStorage(ptr %v) {
  %s = getelementptr i8, ptr %v, i64 64
  ret ptr %s
}

; ------------------------------------------------------------------ states --
define internal i32 @state(ptr %p) {
  %sp = getelementptr %obj, ptr %p, i32 0, i32 2
  %s = load atomic i32, ptr %sp seq_cst, align 4
  ret i32 %s
}

define i1 @mlirAsyncRuntimeIsTokenError(ptr %t) {
  %s = call i32 @state(ptr %t)
  %e = icmp eq i32 %s, 2
  ret i1 %e
}

define i1 @mlirAsyncRuntimeIsValueError(ptr %v) {
  %s = call i32 @state(ptr %v)
  %e = icmp eq i32 %s, 2
  ret i1 %e
}

define i1 @mlirAsyncRuntimeIsGroupError(ptr %g) {
  %ep = getelementptr %obj, ptr %g, i32 0, i32 6
  %e = load atomic i64, ptr %ep seq_cst, align 8
  %err = icmp sgt i64 %e, 0
  ret i1 %err
}

; Runs a detached waiter list (outside the lock): coroutine resumes, or a group's token
; count (`state` is the state of the object that became ready).
define internal void @run_waiters(ptr %w0, i32 %state) {
entry:
  br label %loop
loop:
  %w = phi ptr [ %w0, %entry ], [ %next, %step ]
  %end = icmp eq ptr %w, null
  br i1 %end, label %out, label %body
body:
  %np = getelementptr %waiter, ptr %w, i32 0, i32 0
  %next = load ptr, ptr %np
  %hp = getelementptr %waiter, ptr %w, i32 0, i32 1
  %h = load ptr, ptr %hp
  %rp = getelementptr %waiter, ptr %w, i32 0, i32 2
  %r = load ptr, ptr %rp
  %gp = getelementptr %waiter, ptr %w, i32 0, i32 3
  %g = load ptr, ptr %gp
  call void @free(ptr %w)
  %isgroup = icmp ne ptr %g, null
  br i1 %isgroup, label %group, label %coro
group:
  call void @group_token_ready(ptr %g, i32 %state)
  call void @mlirAsyncRuntimeDropRef(ptr %g, i64 1)
  br label %step
coro:
  call void %r(ptr %h)
  br label %step
step:
  br label %loop
out:
  ret void
}

; Makes a token or value ready (state 1) or errored (2), runs its waiters, drops the
; reference the task held.
define internal void @complete(ptr %p, i32 %state) {
  %m = call ptr @lock()
  %sp = getelementptr %obj, ptr %p, i32 0, i32 2
  store atomic i32 %state, ptr %sp seq_cst, align 4
  %wp = getelementptr %obj, ptr %p, i32 0, i32 3
  %w = load ptr, ptr %wp
  store ptr null, ptr %wp
  call void @wake_awaiters()
  call void @unlock(ptr %m)
  call void @run_waiters(ptr %w, i32 %state)
  call void @mlirAsyncRuntimeDropRef(ptr %p, i64 1)
  ret void
}

define void @mlirAsyncRuntimeEmplaceToken(ptr %t) {
  call void @complete(ptr %t, i32 1)
  ret void
}

define void @mlirAsyncRuntimeEmplaceValue(ptr %v) {
  call void @complete(ptr %v, i32 1)
  ret void
}

define void @mlirAsyncRuntimeSetTokenError(ptr %t) {
  call void @complete(ptr %t, i32 2)
  ret void
}

define void @mlirAsyncRuntimeSetValueError(ptr %v) {
  call void @complete(ptr %v, i32 2)
  ret void
}

; One of a group's tokens is ready: count it; the last one makes the group ready.
define internal void @group_token_ready(ptr %g, i32 %state) {
entry:
  %m = call ptr @lock()
  %iserr = icmp eq i32 %state, 2
  br i1 %iserr, label %err, label %count
err:
  %ep = getelementptr %obj, ptr %g, i32 0, i32 6
  atomicrmw add ptr %ep, i64 1 seq_cst
  br label %count
count:
  %pp = getelementptr %obj, ptr %g, i32 0, i32 4
  %old = atomicrmw sub ptr %pp, i64 1 seq_cst
  %last = icmp eq i64 %old, 1
  br i1 %last, label %ready, label %notyet
ready:
  %sp = getelementptr %obj, ptr %g, i32 0, i32 2
  store atomic i32 1, ptr %sp seq_cst, align 4
  %wp = getelementptr %obj, ptr %g, i32 0, i32 3
  %w = load ptr, ptr %wp
  store ptr null, ptr %wp
  call void @wake_awaiters()
  call void @unlock(ptr %m)
  call void @run_waiters(ptr %w, i32 1)
  ret void
notyet:
  call void @unlock(ptr %m)
  ret void
}

define i64 @mlirAsyncRuntimeAddTokenToGroup(ptr %t, ptr %g) {
entry:
  %m = call ptr @lock()
  %rp = getelementptr %obj, ptr %g, i32 0, i32 5
  %rank = atomicrmw add ptr %rp, i64 1 seq_cst
  %s = call i32 @state(ptr %t)
  %pending = icmp eq i32 %s, 0
  br i1 %pending, label %later, label %now
later:
  %w0 = call ptr @malloc(i64 32)
  %w = call ptr @checked(ptr %w0)
  %wp = getelementptr %obj, ptr %t, i32 0, i32 3
  %head = load ptr, ptr %wp
  %np = getelementptr %waiter, ptr %w, i32 0, i32 0
  store ptr %head, ptr %np
  %gp = getelementptr %waiter, ptr %w, i32 0, i32 3
  store ptr %g, ptr %gp
  store ptr %w, ptr %wp
  atomicrmw add ptr %g, i64 1 seq_cst
  call void @unlock(ptr %m)
  ret i64 %rank
now:
  call void @unlock(ptr %m)
  call void @group_token_ready(ptr %g, i32 %s)
  ret i64 %rank
}

; ------------------------------------------------------------------ awaits --
; Is the object ready? (tokens, values: a final state; groups: no pending tokens)
define internal i1 @is_ready(ptr %p) {
  %kp = getelementptr %obj, ptr %p, i32 0, i32 1
  %k = load i32, ptr %kp
  %isgroup = icmp eq i32 %k, 1
  br i1 %isgroup, label %group, label %single
group:
  %pp = getelementptr %obj, ptr %p, i32 0, i32 4
  %n = load atomic i64, ptr %pp seq_cst, align 8
  %gz = icmp sle i64 %n, 0
  ret i1 %gz
single:
  %s = call i32 @state(ptr %p)
  %r = icmp ne i32 %s, 0
  ret i1 %r
}

; Blocks until the object is ready, running queued tasks meanwhile.
define internal void @await(ptr %p) {
entry:
  %m0 = call ptr @lock()
  br label %loop
loop:
  %m = phi ptr [ %m0, %entry ], [ %m2, %run ], [ %m, %sleep ], [ %m3, %spin ]
  %spun = phi i1 [ false, %entry ], [ false, %run ], [ false, %sleep ], [ true, %spin ]
  %ready = call i1 @is_ready(ptr %p)
  br i1 %ready, label %out, label %help
help:
  %t = call ptr @pop()
  %has = icmp ne ptr %t, null
  br i1 %has, label %run, label %idle
run:
  %c = call ptr @enter()
  call void @unlock(ptr %m)
  call void @run_task(ptr %t, ptr %c)
  %m2 = call ptr @lock()
  br label %loop
idle:
  br i1 %spun, label %sleep, label %spin
spin:
  %m3 = call ptr @spin_then_lock(ptr %m, ptr %p)
  br label %loop
sleep:
  call void @sleep(ptr %m, ptr @cv_ready, ptr @waiting)
  br label %loop
out:
  call void @unlock(ptr %m)
  ret void
}

define void @mlirAsyncRuntimeAwaitToken(ptr %t) {
  call void @await(ptr %t)
  ret void
}

define void @mlirAsyncRuntimeAwaitValue(ptr %v) {
  call void @await(ptr %v)
  ret void
}

define void @mlirAsyncRuntimeAwaitAllInGroup(ptr %g) {
  call void @await(ptr %g)
  ret void
}

; Resumes the coroutine once the object is ready: now, in this thread, if it is;
; else in the thread that makes it ready.
define internal void @await_and_execute(ptr %p, ptr %handle, ptr %resume) {
entry:
  %m = call ptr @lock()
  %ready = call i1 @is_ready(ptr %p)
  br i1 %ready, label %now, label %later
now:
  call void @unlock(ptr %m)
  call void %resume(ptr %handle)
  ret void
later:
  %w0 = call ptr @malloc(i64 32)
  %w = call ptr @checked(ptr %w0)
  %wp = getelementptr %obj, ptr %p, i32 0, i32 3
  %head = load ptr, ptr %wp
  %np = getelementptr %waiter, ptr %w, i32 0, i32 0
  store ptr %head, ptr %np
  %hp = getelementptr %waiter, ptr %w, i32 0, i32 1
  store ptr %handle, ptr %hp
  %rp = getelementptr %waiter, ptr %w, i32 0, i32 2
  store ptr %resume, ptr %rp
  %gp = getelementptr %waiter, ptr %w, i32 0, i32 3
  store ptr null, ptr %gp
  store ptr %w, ptr %wp
  call void @unlock(ptr %m)
  ret void
}

define void @mlirAsyncRuntimeAwaitTokenAndExecute(ptr %t, ptr %h, ptr %r) {
  call void @await_and_execute(ptr %t, ptr %h, ptr %r)
  ret void
}

define void @mlirAsyncRuntimeAwaitValueAndExecute(ptr %v, ptr %h, ptr %r) {
  call void @await_and_execute(ptr %v, ptr %h, ptr %r)
  ret void
}

define void @mlirAsyncRuntimeAwaitAllInGroupAndExecute(ptr %g, ptr %h, ptr %r) {
  call void @await_and_execute(ptr %g, ptr %h, ptr %r)
  ret void
}
