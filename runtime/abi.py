"""The native symbol names compiled kernels define or call: one definition for the pieces that bind
them (pool, blas, threads), the pipeline that checks every external a kernel calls resolves, and the
verifier that keeps user functions from being named like one of them.

Plain names and tuples only: this module imports nothing, so every layer may read it.
"""
from __future__ import annotations

#: Each kernel's one-argument entry point, `symgrad_packed_<name>(ptr table)` (passes/add_packed_entry_points.py):
#: the table holds the addresses of the memref descriptors of its inputs, then its results.
PACKED_PREFIX = "symgrad_packed_"

#: Upstream MLIR's generic allocation functions, which lowered code calls for temporaries; symgrad's
#: caching pool (runtime/pool.py) defines them.
POOL_ALLOC = "_mlir_memref_to_llvm_alloc"
POOL_ALIGNED_ALLOC = "_mlir_memref_to_llvm_aligned_alloc"
POOL_FREE = "_mlir_memref_to_llvm_free"
POOL_SYMBOLS = frozenset({POOL_ALLOC, POOL_ALIGNED_ALLOC, POOL_FREE})

#: The BLAS names graph.matmul kernels call, per interface and graph dtype (runtime/blas.py binds them):
#: "gemm": cblas_?gemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#: "gemm_batch_strided": the same with a stride after each of lda, ldb, ldc, then a matrix count.
BLAS_SYMBOLS = {
    "gemm": {"f32": "symgrad_cblas_sgemm", "f64": "symgrad_cblas_dgemm"},
    "gemm_batch_strided": {"f32": "symgrad_cblas_sgemm_batch_strided", "f64": "symgrad_cblas_dgemm_batch_strided"},
}
BLAS_ALL = frozenset(name for names in BLAS_SYMBOLS.values() for name in names.values())

#: MLIR's async runtime API, which parallel loops call (convert-async-to-llvm declares all of them;
#: runtime/async_runtime.py defines them).
ASYNC_API = (
    "mlirAsyncRuntimeAddRef", "mlirAsyncRuntimeDropRef",
    "mlirAsyncRuntimeCreateToken", "mlirAsyncRuntimeCreateValue", "mlirAsyncRuntimeCreateGroup",
    "mlirAsyncRuntimeAddTokenToGroup",
    "mlirAsyncRuntimeEmplaceToken", "mlirAsyncRuntimeEmplaceValue",
    "mlirAsyncRuntimeSetTokenError", "mlirAsyncRuntimeSetValueError",
    "mlirAsyncRuntimeIsTokenError", "mlirAsyncRuntimeIsValueError", "mlirAsyncRuntimeIsGroupError",
    "mlirAsyncRuntimeAwaitToken", "mlirAsyncRuntimeAwaitValue", "mlirAsyncRuntimeAwaitAllInGroup",
    "mlirAsyncRuntimeExecute", "mlirAsyncRuntimeGetValueStorage",
    "mlirAsyncRuntimeAwaitTokenAndExecute", "mlirAsyncRuntimeAwaitValueAndExecute",
    "mlirAsyncRuntimeAwaitAllInGroupAndExecute",
    "mlirAsyncRuntimGetNumWorkerThreads",  # sic: upstream's spelling
    "mlirAsyncRuntimePrintCurrentThreadId",
)

#: Math ops lowered to libm calls rather than LLVM intrinsics: op name -> (f32 symbol, f64 symbol).
LIBM_CALLS = {"math.log1p": ("log1pf", "log1p"), "math.expm1": ("expm1f", "expm1"), "math.erf": ("erff", "erf"),
              "math.erfc": ("erfcf", "erfc")}

#: Every external function lowered code may call; anything else must resolve from the process.
#: (cf.assert in the async lowering calls puts and abort.)
EXTERNALS = frozenset({"malloc", "free", "aligned_alloc", "memcpy", "memmove", "memset", "puts", "abort"}
                      | {s for pair in LIBM_CALLS.values() for s in pair}
                      | BLAS_ALL | POOL_SYMBOLS | set(ASYNC_API))

_LIBM = ("sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
         "exp", "exp2", "exp10", "expm1", "log", "log2", "log10", "log1p", "pow", "powi", "sqrt", "cbrt", "erf",
         "erfc", "fabs", "floor", "ceil", "round", "roundeven", "trunc", "rint", "nearbyint", "lround", "llround",
         "lrint", "llrint", "fmod", "remainder", "fma", "fmin", "fmax", "fminimum", "fmaximum", "copysign",
         "ldexp", "frexp", "modf", "hypot", "sincos", "tgamma", "lgamma")
#: Names that lowered code defines or calls, or that LLVM may turn an operation into a call of:
#: a kernel named after one of them would be called instead (e.g. `sinf` calling itself until the
#: stack overflows) or clash with it (`free`: a redefinition in the multi-core pipeline only).
RESERVED_SYMBOLS = frozenset(
    [n + suffix for n in _LIBM for suffix in ("", "f", "l")]
    + ["malloc", "free", "calloc", "realloc", "aligned_alloc", "posix_memalign", "memalign", "valloc", "memcpy",
       "memmove", "memset", "memcmp", "bzero", "abort", "exit", "_exit", "atexit", "printf", "fprintf", "dprintf",
       "puts", "putchar", "write", "strlen", "main"])
#: ... and prefixes: MLIR's C-interface wrappers and runtime (`_mlir_ciface_f`, `_mlir_memref_to_llvm_free`,
#: `mlirAsyncRuntime*`), symgrad's support code, LLVM intrinsics, the compiler's and coroutines' own
#: (`__resume`, `__powidf2`, ...).
RESERVED_PREFIXES = ("_mlir_", "mlirAsyncRuntim", "symgrad_", "llvm.", "__")


def reserved_symbol(name: str) -> bool:
    """Whether a function may not be named `name` in a module that is compiled to native code."""
    return name in RESERVED_SYMBOLS or name.startswith(RESERVED_PREFIXES)
