"""symgrad.runtime: loading native code and calling it with numpy arrays (numpy, ctypes and
llvmlite only: it knows shapes and numpy dtypes, not MLIR).

- memref.py: `ArraySpec` (an array argument: shape, numpy dtype) and numpy <-> MLIR memref
  descriptors (static shapes: only pointers change per call);
- args.py: argument checking before native code runs (count, dtype, shape, layout);
- kernel.py: `Kernel`, one compiled function (destination-passing, GIL released);
- llvm.py: llvmlite (target machines, MCJIT engines, optimize-and-emit of LLVM IR text);
- object_cache.py: the on-disk cache of compiled code (checksummed, atomic, bounded);
- support_library.py: `SupportLibrary`, support code in LLVM IR compiled once per machine and kept
  for the process; native_ir.py reads its text from native/*.ll;
- pool.py: the caching allocator behind kernels' temporaries (`release()`, `stats()`);
- threads.py, async_runtime.py: SYMGRAD_NUM_THREADS and MLIR's async runtime API in LLVM IR
  (the tasks of parallel loops);
- blas.py: numpy's OpenBLAS, found and bound for the JIT (graph.matmul kernels call its GEMM);
- binding.py: `bind_support_symbols`, the one binding step before a kernel's object code loads;
- abi.py: the native symbol names kernels define or call; forksafe.py: locks a fork() child gets
  back unlocked.
"""
