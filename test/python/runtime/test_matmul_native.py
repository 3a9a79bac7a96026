"""graph.matmul in native code: calls into numpy's BLAS (runtime/blas.py), and the loops fallback.

Numerics against numpy in float64 for 2-D, transposed operands (as the adjoint writes
them), broadcast batches, size-1 and 0-size dims, f32 and f64, on both sides of OpenBLAS's
small-matrix size (the two BLAS interfaces). All cases of one dtype are functions of one
module, compiled once. The fallback (no BLAS) runs in subprocesses, since the choice is made
once per process.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import symgrad as sg
from symgrad.runtime import blas

# (lhs shape, rhs shape, lhs is a transpose, rhs is a transpose); shapes are the logical operands.
CASES = [
    ((3, 4), (4, 5), False, False),
    ((1, 1), (1, 1), False, False),
    ((1, 7), (7, 1), False, False),
    ((7, 1), (1, 7), False, False),
    ((5, 3), (3, 4), True, False),
    ((5, 3), (3, 4), False, True),
    ((5, 3), (3, 4), True, True),
    ((1, 6), (6, 2), True, True),
    ((70, 130), (130, 120), False, False),  # M*N*K > 100^3: the strided-batch interface
    ((130, 70), (70, 120), True, False),
    ((120, 130), (130, 70), False, True),
    ((2, 3, 4), (2, 4, 5), False, False),
    ((3, 1, 2, 4), (1, 5, 4, 3), False, False),
    ((2, 1, 3, 4), (5, 4, 2), False, False),
    ((1, 2, 3), (3, 2), False, False),
    ((4, 3, 5), (5, 2), False, False),  # rhs without batch: lhs's batch folds into M
    ((6, 7), (4, 7, 5), False, False),  # lhs broadcast over rhs's batch
    ((2, 4, 3), (2, 3, 5), True, False),
    ((3, 2, 4), (4, 5), False, True),
    ((1, 3, 4), (1, 4, 2), False, False),
    ((2, 0), (0, 3), False, False),
    ((0, 4), (4, 5), False, False),
    ((4, 5), (5, 0), False, False),
    ((0, 2, 3), (3, 2), False, False),
    ((2, 3, 0), (0, 4), False, False),
    ((0, 2, 3), (0, 3, 4), False, False),
    ((3, 0), (0, 2), True, True),
]


def _swap(shape):
    return shape[:-2] + (shape[-1], shape[-2])


def _ty(shape, dtype):
    return f"tensor<{''.join(f'{d}x' for d in shape)}{dtype}>"


def _function(i, a, b, ta, tb, dtype):
    """@mm<i>(lhs, rhs): a matmul whose operands are transposes of the arguments where asked."""
    out = np.broadcast_shapes(a[:-2], b[:-2]) + (a[-2], b[-1])
    args = [_swap(a) if ta else a, _swap(b) if tb else b]
    lines = [f"func.func @mm{i}(%a: {_ty(args[0], dtype)}, %b: {_ty(args[1], dtype)}) -> {_ty(out, dtype)} {{"]
    names = []
    for name, shape, t, logical in (("a", args[0], ta, a), ("b", args[1], tb, b)):
        if t:
            perm = ", ".join(map(str, list(range(len(shape) - 2)) + [len(shape) - 1, len(shape) - 2]))
            lines.append(f'  %{name}t = "graph.transpose"(%{name}) {{perm = array<i64: {perm}>}} : '
                         f"({_ty(shape, dtype)}) -> {_ty(logical, dtype)}")
            names.append(f"%{name}t")
        else:
            names.append(f"%{name}")
    lines.append(f'  %r = "graph.matmul"({names[0]}, {names[1]}) : ({_ty(a, dtype)}, {_ty(b, dtype)}) -> '
                 f"{_ty(out, dtype)}")
    lines += [f"  return %r : {_ty(out, dtype)}", "}"]
    return "\n".join(lines), [tuple(s) for s in args]


@pytest.fixture(scope="module", params=["f32", "f64"])
def compiled(request):
    dtype = request.param
    texts, arg_shapes = zip(*(_function(i, *case, dtype) for i, case in enumerate(CASES)))
    return dtype, sg.compile("\n".join(texts)), arg_shapes


def assert_matmul_close(got, a, b, ta, tb):
    """`got` within a few ulps per term of numpy's float64 product (error bound ~ K * eps * |a||b|)."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    if ta:
        a64 = np.swapaxes(a64, -1, -2)
    if tb:
        b64 = np.swapaxes(b64, -1, -2)
    want = np.matmul(a64, b64)
    assert got.dtype == a.dtype and got.shape == want.shape
    eps = np.finfo(a.dtype).eps
    bound = 2 * eps * (a64.shape[-1] + 1) * np.matmul(np.abs(a64), np.abs(b64)) + np.finfo(a.dtype).tiny
    assert np.all(np.abs(got - want) <= bound), f"max error {np.max(np.abs(got - want), initial=0)}"


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{a}{'T' if ta else ''}@{b}{'T' if tb else ''}"
                                                           for a, b, ta, tb in CASES])
def test_matmul_matches_numpy(compiled, index, rng):
    dtype, cm, arg_shapes = compiled
    np_dtype = np.float32 if dtype == "f32" else np.float64
    a, b = (rng.standard_normal(s).astype(np_dtype) for s in arg_shapes[index])
    assert_matmul_close(cm[f"mm{index}"](a, b), a, b, *CASES[index][2:])


def test_numpys_blas_is_found_and_called():
    """numpy is pinned with its OpenBLAS, so BLAS must be found; matmul then lowers to calls, and the
    adjoint's transposes become BLAS flags instead of copies."""
    assert blas.library() is not None, blas.unavailable_reason()
    x, w = np.ones((8, 5), np.float32), np.ones((8, 3), np.float32)
    stages = sg.jit(lambda x, w: sg.transpose(x, (1, 0)) @ w).lower(x, w)
    assert "symgrad_matmul_f32_8x5t_8x3_5x3" in stages.as_text("linalg")
    assert "linalg.transpose" not in stages.as_text("linalg")
    assert "linalg.generic" not in stages.as_text("linalg")
    assert "llvm.call @symgrad_cblas_sgemm(" in stages.as_text("llvm")


def test_matmul_result_is_written_into_the_output_array():
    """The result buffer of a returned matmul is the caller's out-parameter: no temporary + copy."""
    x, w = np.ones((8, 5), np.float32), np.ones((5, 3), np.float32)
    llvm_ir = sg.jit(lambda x, w: x @ w).lower(x, w).as_text("llvm-ir")
    assert "@malloc" not in llvm_ir and "@_mlir_memref_to_llvm_" not in llvm_ir and "memcpy" not in llvm_ir


def _mlp_loss(x, w1, w2):
    return (sg.tanh(x @ w1) @ w2).sum()


@pytest.mark.parametrize("rows, k, n, out, threads, tol", [
    (32, 20, 16, 6, None, 1e-12),       # small products: one call each
    (256, 784, 512, 10, 2, 1e-10),      # W2's size: products split by rows over 2 threads (sums of 784 terms)
])
def test_mlp_gradients_through_blas(rng, rows, k, n, out, threads, tol):
    """The adjoint's products (x^T @ dz, dz @ W^T, h^T @ g) against hand-written numpy, float64."""
    from symgrad.runtime import threads as sg_threads
    x, w1, w2 = (rng.standard_normal(s) for s in ((rows, k), (k, n), (n, out)))
    sg_threads.set_num_threads(threads)
    try:
        value, (dx, dw1, dw2) = sg.value_and_grad(_mlp_loss, argnums=(0, 1, 2))(x, w1, w2)
    finally:
        sg_threads.set_num_threads(None)
    h = np.tanh(x @ w1)
    g = np.ones((rows, out))
    dz = (g @ w2.T) * (1 - h * h)
    np.testing.assert_allclose(value, (h @ w2).sum(), rtol=tol)
    for got, want in ((dx, dz @ w1.T), (dw1, x.T @ dz), (dw2, h.T @ g)):
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_strided_chained_and_shared_operands(rng):
    """A slice (a strided view), a product feeding another product, and a product both returned
    and consumed: the call boundary copies strided views, and nothing is overwritten."""
    x, w = rng.standard_normal((6, 10)), rng.standard_normal((5, 5))

    def f(x, w):
        y = x[:, 1::2] @ w
        return y, (y @ w) @ sg.transpose(y, (1, 0)), sg.tanh(y)

    y, z, t = sg.jit(f)(x, w)
    want = x[:, 1::2] @ w
    np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z, (want @ w) @ want.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t, np.tanh(want), rtol=1e-12, atol=1e-12)


def test_concurrent_calls_from_threads(rng):
    """Kernels call BLAS without the GIL; many threads at once must each get their own product
    (small and large sizes: both BLAS interfaces)."""
    small = sg.jit(lambda a, b: a @ b)
    big = sg.jit(lambda a, b: sg.transpose(a, (1, 0)) @ b)
    work = []
    for i in range(8):
        a, b = rng.standard_normal((9, 7)).astype(np.float32), rng.standard_normal((7, 4)).astype(np.float32)
        c, d = rng.standard_normal((100, 120)).astype(np.float32), rng.standard_normal((100, 110)).astype(np.float32)
        work.append((a, b, c, d))
    small(*work[0][:2]), big(*work[0][2:])  # compile before the threads start
    errors = []

    def run(a, b, c, d):
        try:
            for _ in range(20):
                assert_matmul_close(small(a, b), a, b, False, False)
                assert_matmul_close(big(c, d), c, d, True, False)
        except BaseException as e:  # noqa: BLE001 - any failure in a thread is reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=w) for w in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


FALLBACK = textwrap.dedent("""
    import sys, numpy as np, symgrad as sg
    from symgrad.runtime import blas
    from symgrad import cache
    assert blas.library() is None
    print("REASON", blas.unavailable_reason())
    print("FINGERPRINT", cache.toolchain_fingerprint())
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4, 5)), rng.standard_normal((5, 6))
    f = sg.jit(lambda a, b: sg.transpose(a, (0, 2, 1)) @ a @ b)
    assert "symgrad_cblas" not in f.lower(a, b).as_text("llvm-ir")
    np.testing.assert_allclose(f(a, b), np.swapaxes(a, 1, 2) @ a @ b, rtol=1e-12, atol=1e-12)
    print("OK")
""")


@pytest.mark.parametrize("setting, reason", [("off", "disabled by SYMGRAD_BLAS=off"),
                                             ("/nonexistent/libblas.so", "no such file"),
                                             ("libm", "exports none of")])
def test_without_blas_matmul_falls_back_to_generated_loops(tmp_path, setting, reason):
    if setting == "libm":  # a real library that is no BLAS
        import ctypes.util
        setting = next(p for p in ("/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib64/libm.so.6",
                                   "/lib64/libm.so.6", ctypes.util.find_library("m") or "") if os.path.isfile(p))
    env = dict(os.environ, SYMGRAD_BLAS=setting, SYMGRAD_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", FALLBACK], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("OK"), proc.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines() if " " in line)
    assert reason in lines["REASON"]
    # the compile cache key tells BLAS and loops apart, so neither process loads the other's objects
    from symgrad import cache
    assert "blas=none" in lines["FINGERPRINT"]
    assert lines["FINGERPRINT"] != cache.toolchain_fingerprint()
    assert f"blas={blas.fingerprint()}" in cache.toolchain_fingerprint()


# Products of >= 2^22 multiply-adds are split by rows into blocks (one single-threaded GEMM each)
# that symgrad's threads share; (stored lhs, stored rhs, lhs transposed, rhs transposed), with
# row counts that are and are not whole blocks (the last block then shorter).
BIG = [
    ((256, 784), (784, 512), False, False),
    ((256, 784), (256, 512), True, False),
    ((256, 512), (784, 512), False, True),
    ((300, 1000), (200, 300), True, True),
    ((2, 500, 300), (300, 200), False, False),  # lhs batch folded into M: 1000 rows
]
_BIG_FNS = {
    (False, False): lambda a, b: a @ b,
    (True, False): lambda a, b: sg.transpose(a, (1, 0)) @ b,
    (False, True): lambda a, b: a @ sg.transpose(b, (1, 0)),
    (True, True): lambda a, b: sg.transpose(a, (1, 0)) @ sg.transpose(b, (1, 0)),
}


def _big_product(n_threads, case, a, b):
    from symgrad.runtime import threads
    threads.set_num_threads(n_threads)
    try:
        fn = sg.jit(_BIG_FNS[case[2:]])
        text = fn.lower(a, b).as_text("llvm")
        return fn(a, b), text
    finally:
        threads.set_num_threads(None)


@pytest.mark.parametrize("case", BIG, ids=[f"{a}{'T' if ta else ''}@{b}{'T' if tb else ''}" for a, b, ta, tb in BIG])
def test_big_matmul_is_split_and_bit_identical_on_any_thread_count(case, rng):
    """Big products: within float tolerance of numpy, the same bits on 1, 2 and 3 threads (the
    blocks are fixed at compile time), and on several threads the blocks are runtime tasks."""
    a, b = (rng.standard_normal(s).astype(np.float32) for s in case[:2])
    results = {}
    for n in (1, 2, 3):
        results[n], text = _big_product(n, case, a, b)
        assert "llvm.call @symgrad_cblas_sgemm_batch_strided(" in text
        assert ("mlirAsyncRuntime" in text) == (n > 1), n
    assert_matmul_close(results[1], a, b, case[2], case[3])
    assert np.array_equal(results[1], results[2]) and np.array_equal(results[1], results[3])


MID_SCRIPT = """
import resource, time
import numpy as np, symgrad as sg
from symgrad.runtime import blas
rng = np.random.default_rng(0)
a, b = rng.standard_normal((112, 64), dtype=np.float32), rng.standard_normal((64, 128), dtype=np.float32)
assert blas.THREAD_MNK < 112 * 64 * 128 <= blas.SMALL_MNK
f = sg.jit(lambda a, b: a @ b)
for _ in range(200):
    f(a, b)
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
for _ in range(3000):
    f(a, b)
wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
# numpy's own product last: it does run on OpenBLAS's threads, which then spin for a while
np.testing.assert_allclose(f(a, b), a @ b, rtol=1e-4, atol=1e-4)
print((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) / wall)
"""


def test_mid_size_products_stay_on_the_calling_thread(tmp_path):
    """Between OpenBLAS's threading threshold (blas.THREAD_MNK) and its small-matrix size
    (blas.SMALL_MNK), cblas_sgemm ran on OpenBLAS's own threads (cpu/wall 2.0 on this 2-core
    machine) and fought symgrad's for the cores (the demo's step: 0.79 ms instead of 0.31).
    Such products are now cut into row pieces below the threshold: one thread's CPU time."""
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path), SYMGRAD_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", MID_SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert float(proc.stdout.split()[-1]) < 1.3, proc.stdout


@pytest.mark.parametrize("n_threads", [1, 2])
def test_a_mid_size_last_block_is_cut_into_pieces(n_threads, rng):
    """A split product whose blocks (288 rows) take the batch interface and whose shorter last
    block (236 rows) is between THREAD_MNK and SMALL_MNK: the last block takes its own branch (an
    scf.if that had never been built before: a TypeError) with a loop of plain ?gemm calls of at
    most 64 rows."""
    from symgrad.dialects.graph.ops.matmul import _row_part
    assert _row_part(1100, 64, 64) == 288 and blas.THREAD_MNK < 236 * 64 * 64 <= blas.SMALL_MNK < 288 * 64 * 64
    a, b = rng.standard_normal((1100, 64)).astype(np.float32), rng.standard_normal((64, 64)).astype(np.float32)
    result, text = _big_product(n_threads, ((1100, 64), (64, 64), False, False), a, b)
    assert "symgrad_cblas_sgemm(" in text and "symgrad_cblas_sgemm_batch_strided(" in text
    assert_matmul_close(result, a, b, False, False)


def _swap_last(x):
    r = len(x.shape)
    return sg.transpose(x, tuple(range(r - 2)) + (r - 1, r - 2))


# Big batched products: one scf.parallel over (batch matrix, row block) pairs, each a single-threaded
# GEMM; rows are split too when there are fewer matrices than ROW_PARTS. (stored lhs, stored rhs,
# lhs transposed, rhs transposed.)
BIG_BATCHED = [
    ((8, 4, 128, 64), (8, 4, 128, 64), False, True),   # W5's q @ k^T: 32 matrices
    ((8, 4, 128, 128), (8, 4, 128, 64), True, False),  # W5's p^T @ g
    ((2, 300, 200), (2, 200, 300), False, False),      # 2 matrices of 300 rows: blocks of 80, the last 60
    ((3, 1, 160, 96), (1, 2, 96, 400), False, False),  # broadcast batch dims on both sides: 6 matrices
    ((2, 96, 520), (2, 300, 96), True, True),          # 2 matrices, both transposed, blocks of 144, last 88
]


def _batched(n_threads, case, a, b):
    from symgrad.runtime import threads
    ta, tb = case[2:]
    threads.set_num_threads(n_threads)
    try:
        fn = sg.jit(lambda a, b: (_swap_last(a) if ta else a) @ (_swap_last(b) if tb else b))
        return fn(a, b), fn.lower(a, b).as_text("llvm")
    finally:
        threads.set_num_threads(None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", BIG_BATCHED,
                         ids=[f"{a}{'T' if ta else ''}@{b}{'T' if tb else ''}" for a, b, ta, tb in BIG_BATCHED])
def test_big_batched_matmul_uses_threads_with_the_same_bits(case, dtype, rng):
    """A big batched product (once a loop of GEMMs on the calling thread) is spread over symgrad's
    threads: the same bits on 1, 2 and 3 threads, and each matrix of the batch the same bits as
    the 2-D product of that matrix alone (every row by the same kernel path)."""
    a, b = (rng.standard_normal(s).astype(dtype) for s in case[:2])
    results = {}
    for n in (1, 2, 3):
        results[n], text = _batched(n, case, a, b)
        assert ("mlirAsyncRuntime" in text) == (n > 1), n
    assert_matmul_close(results[1], a, b, *case[2:])
    assert np.array_equal(results[1], results[2]) and np.array_equal(results[1], results[3])
    ta, tb = case[2:]
    one = sg.jit(lambda a, b: (sg.transpose(a, (1, 0)) if ta else a) @ (sg.transpose(b, (1, 0)) if tb else b))
    out_batch = results[1].shape[:-2]
    for index in [(0,) * len(out_batch), tuple(d - 1 for d in out_batch)]:
        ai = a[tuple(min(i, d - 1) for i, d in zip(index[len(out_batch) - (a.ndim - 2):], a.shape[:-2]))]
        bi = b[tuple(min(i, d - 1) for i, d in zip(index[len(out_batch) - (b.ndim - 2):], b.shape[:-2]))]
        assert np.array_equal(results[2][index], one(np.ascontiguousarray(ai), np.ascontiguousarray(bi))), index


@pytest.mark.parametrize("k, threaded", [(256, True), (255, False)])
def test_batched_split_boundary(k, threaded, rng):
    """4 matrices of 64 x k x 64: at 2^22 multiply-adds in all (SPLIT_MNK) the batch runs on
    threads, one multiply-add less and it stays a loop on the calling thread; both exact."""
    from symgrad.dialects.graph.ops.matmul import SPLIT_MNK
    assert (4 * 64 * k * 64 >= SPLIT_MNK) == threaded
    a, b = rng.standard_normal((4, 64, k)), rng.standard_normal((4, k, 64))
    got, text = _batched(2, (a.shape, b.shape, False, False), a, b)
    assert ("mlirAsyncRuntime" in text) == threaded
    assert_matmul_close(got, a, b, False, False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rhs", [(24, 20), (1, 24, 20), (1, 1, 24, 20)])
def test_weight_gradient_is_one_product_over_the_folded_batch(rhs, dtype, rng):
    """d(x @ W)/dW for x [2, 3, 50, 24] and one matrix W: sum_b x[b]^T @ g[b], written by the vjp as
    (x as [300, 24])^T @ (g as [300, 20]): one 2-D product with the transpose as a BLAS flag, no
    batch of products and no sum over it; against numpy in float64."""
    x, w = rng.standard_normal((2, 3, 50, 24)).astype(dtype), rng.standard_normal(rhs).astype(dtype)
    c = rng.standard_normal((2, 3, 50, 20)).astype(dtype)

    def loss(x, w):
        return ((x @ w) * c).sum()

    vg = sg.value_and_grad(loss, argnums=(0, 1))
    linalg = vg.lower(x, w).as_text("linalg")
    name = "f32" if dtype == np.float32 else "f64"
    assert f"symgrad_matmul_{name}_300x24t_300x20_24x20" in linalg
    _, (dx, dw) = vg(x, w)
    x64, w64, c64 = x.astype(np.float64), w.astype(np.float64), c.astype(np.float64)
    want = np.einsum("abmk,abmn->kn", x64, c64).reshape(rhs)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    assert dw.shape == rhs and dw.dtype == dtype
    np.testing.assert_allclose(dw, want, rtol=tol, atol=tol)
    np.testing.assert_allclose(dx, c64 @ np.swapaxes(w64.reshape(24, 20), 0, 1), rtol=tol, atol=tol)


# Big products with fewer rows than columns are split by columns (each block packs its own columns of
# rhs): (stored lhs, stored rhs, lhs transposed, rhs transposed); column counts that are and are not
# whole blocks of 64.
BY_COLUMNS = [
    ((1024, 256), (1024, 1024), True, False),  # W5's weight gradient x^T @ g: 4 blocks of 256 columns
    ((100, 300), (1000, 300), False, True),    # blocks of 256, the last 232
    ((300, 100), (1000, 300), True, True),
    ((2, 100, 300), (2, 300, 1000), False, False),  # 2 matrices, each in column blocks
    ((40, 64), (64, 1700), False, False),      # blocks of 448 take the batch interface, the last (356) pieces
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", BY_COLUMNS,
                         ids=[f"{a}{'T' if ta else ''}@{b}{'T' if tb else ''}" for a, b, ta, tb in BY_COLUMNS])
def test_wide_products_split_by_columns_with_the_same_bits(case, dtype, rng):
    from symgrad.dialects.graph.ops.matmul import _column_part
    a, b = (rng.standard_normal(s).astype(dtype) for s in case[:2])
    ta, tb = case[2:]
    m, k = (a.shape[-1], a.shape[-2]) if ta else a.shape[-2:]
    n = b.shape[-2] if tb else b.shape[-1]
    assert _column_part(m, n, k) is not None
    results = {}
    for threads in (1, 2, 3):
        results[threads], text = _batched(threads, case, a, b)
        assert ("mlirAsyncRuntime" in text) == (threads > 1)
    assert_matmul_close(results[1], a, b, ta, tb)
    assert np.array_equal(results[1], results[2]) and np.array_equal(results[1], results[3])


def test_split_direction():
    """Columns only when there are fewer rows than columns, rows otherwise (ties too)."""
    from symgrad.dialects.graph.ops.matmul import _column_part, _row_part
    assert _column_part(256, 1024, 1024) == 256 and _column_part(1000, 1000, 300) is None
    assert _row_part(1000, 1000, 300) == 256 and _column_part(1024, 256, 256) is None
    assert _column_part(40, 1700, 64) == 448 and _column_part(40, 1700, 60) is None  # below SPLIT_MNK
