"""symgrad.runtime: calling native kernels with numpy arrays.

- memref.py: numpy <-> MLIR memref descriptors (static shapes: only pointers change per call);
- args.py: argument checking before native code runs (count, dtype, shape, layout);
- kernel.py: `Kernel`, one compiled function (destination-passing, GIL released);
- gradient.py: the seed's Gradient protocol on native kernels (`CompiledGradient`);
- transforms.py: `sg.jit`, `sg.vjp`, `sg.grad`, `sg.value_and_grad`.
- blas.py: numpy's OpenBLAS, found and bound for the JIT (graph.matmul kernels call its GEMM).
- threads.py, async_runtime.py: SYMGRAD_NUM_THREADS and MLIR's async runtime API in LLVM IR
  (the tasks of parallel loops), bound for the JIT.
- pool.py: the caching allocator behind kernels' temporaries (bound for the JIT; `release()`, `stats()`).
- support_library.py: `SupportLibrary`, support code in LLVM IR compiled once and kept for the process
  (the async runtime uses it), and `bind_support_symbols`, the one binding step before a kernel loads.
"""
