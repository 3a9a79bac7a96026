"""passes/tile_rows.py on real gradients: tiled kernels give the untiled results and float64
finite-difference gradients, the same bits on any number of threads, and functions that are not
row-wise are left alone (still right)."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest

import symgrad as sg
from symgrad.module import parse
import symgrad.differentiated as differentiated  # where sg.grad and sg.value_and_grad pick their pipeline
from symgrad.passes.graph_to_llvm import TENSOR_STAGES, graph_to_llvm
from symgrad.passes.pipeline_text import run_pipeline
from symgrad.runtime import threads

from gradcheck import numeric_vjp

C = math.sqrt(2.0 / math.pi)


def layer_norm_gelu(x, g, b, r):
    mu = sg.mean(x, axis=-1, keepdims=True)
    xc = x - mu
    var = sg.mean(xc * xc, axis=-1, keepdims=True)
    y = xc / sg.sqrt(var + 1e-5) * g + b
    out = 0.5 * y * (1.0 + sg.tanh(C * (y + 0.044715 * y * y * y)))
    return sg.sum(out * r)


def softmax_squared(x):
    s = sg.softmax(x, axis=-1)
    return sg.sum(s * s)


def cross_entropy(x, t):
    return -sg.mean(sg.sum(sg.log_softmax(x, axis=-1) * t, axis=-1))


def elementwise_1d(x, w, b):
    return sg.sum(sg.tanh(x * w + b) * sg.sigmoid(x))


def column_max(x):  # a statistic over rows (as in batch norm), used by the gradient on every row
    return sg.sum(sg.max(sg.exp(x), axis=0) * 2.0) + sg.sum(x * x)


def batch_norm(x):  # a statistic over rows used on every row: not row-wise
    return sg.sum(sg.exp(x - sg.mean(x, axis=0, keepdims=True)))


# (function, argument shapes, argnums, tiled?)
CASES = {
    "layer_norm_gelu": (layer_norm_gelu, [(24, 6), (6,), (6,), (24, 6)], (0, 1, 2), True),
    "softmax_squared": (softmax_squared, [(24, 6)], (0,), True),
    "cross_entropy": (cross_entropy, [(24, 5), (24, 5)], (0,), True),
    "elementwise_1d": (elementwise_1d, [(96,), (96,), (96,)], (0, 1, 2), True),
    # its primal tiles (a max over rows), its gradient does not: the max is compared with every row
    "column_max": (column_max, [(24, 6)], (0,), False),
    "batch_norm": (batch_norm, [(24, 6)], (0,), False),
}
# Every function this small is tiled, in blocks of 2 rows (or 2 elements for rank 1): 12 blocks.
TILED = "tile-rows{min-bytes=0 block-bytes=8},"


def _pipeline(tiled: bool, threads_: int = 2) -> str:
    base = graph_to_llvm(threads_)
    return base.replace("tile-rows,", TILED if tiled else "")


@pytest.fixture
def pipeline(monkeypatch):
    """Makes sg.value_and_grad compile with the pipeline `set(tiled, threads)` chose."""
    def set_(tiled: bool, threads_: int = 2):
        chosen = _pipeline(tiled, threads_)
        monkeypatch.setattr(differentiated, "graph_to_llvm", lambda threads=None: chosen)
    yield set_
    threads.set_num_threads(None)


def _inputs(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.5, 1.5, size=s).astype(dtype) for s in shapes]


def _run(fn, argnums, inputs, name):
    f = lambda *a: fn(*a)  # noqa: E731  (a distinct function per variant: distinct cache entries)
    f.__name__ = f.__qualname__ = name
    loss, grads = sg.value_and_grad(f, argnums=argnums)(*inputs)
    return loss, grads if isinstance(grads, tuple) else (grads,)


def _is_tiled(fn, argnums, inputs) -> bool:
    """Whether tile-rows tiles the fused gradient of `fn` (the pass on its differentiated module)."""
    lowered = sg.value_and_grad(fn, argnums=argnums).lower(*inputs)
    return any(name.endswith("_fused") for name in _tiled_functions(parse(lowered["differentiated"], verify=False)))


def _tiled_functions(module) -> set:
    """The functions of `module` that tile-rows (with TILED's options) puts in an scf.forall."""
    copy = parse(str(module), verify=False)
    stages = TENSOR_STAGES
    text = "builtin.module(" + ",".join(stages[:stages.index("tile-rows") + 1]) + ")"
    with copy.context:
        run_pipeline(copy.mlir.operation, text.replace("tile-rows)", TILED[:-1] + ")"))
        return {f.sym_name.value for f in copy.functions() if "scf.forall" in str(f)}


@pytest.mark.parametrize("case", CASES)
def test_tiled_gradients_match_untiled_and_finite_differences(case, pipeline):
    fn, shapes, argnums, tiled = CASES[case]
    inputs = _inputs(shapes, np.float64)
    assert _is_tiled(fn, argnums, inputs) == tiled
    (want_loss, want), (loss, grads) = _untiled_and_tiled(pipeline, fn, argnums, inputs, case)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12, atol=1e-12)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-12)
    numeric = _finite_differences(fn, inputs, argnums)
    for g, n in zip(grads, numeric):
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-7)


def _untiled_and_tiled(pipeline, fn, argnums, inputs, name):
    """(loss, gradients) of value_and_grad(fn) compiled without tile-rows, then with it."""
    pipeline(tiled=False)
    untiled = _run(fn, argnums, inputs, f"{name}_untiled")
    pipeline(tiled=True)
    return untiled, _run(fn, argnums, inputs, f"{name}_tiled")


def _finite_differences(fn, inputs, argnums):
    traced = sg.trace(fn, *inputs, name="f")
    return numeric_vjp(lambda *a: (np.asarray(sg.interpret(traced, "f", *a)),), inputs, argnums, [np.ones(())])


@pytest.mark.parametrize("case", ["layer_norm_gelu", "softmax_squared", "column_max"])
def test_tiled_float32_matches_untiled(case, pipeline):
    fn, shapes, argnums, _ = CASES[case]
    inputs = _inputs([(s[0] * 8,) + s[1:] if len(s) > 1 else s for s in shapes], np.float32, seed=1)
    (want_loss, want), (loss, grads) = _untiled_and_tiled(pipeline, fn, argnums, inputs, f"{case}_f32")
    np.testing.assert_allclose(loss, want_loss, rtol=2e-5, atol=1e-5)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-5 * float(np.max(np.abs(w))))


def test_tiled_kernels_give_the_same_bits_on_any_thread_count(pipeline):
    """The chunks are fixed at compile time (16), so partial sums are added in the same order
    whatever the number of threads; the sequential pipeline tiles the same way."""
    fn, shapes, argnums, _ = CASES["layer_norm_gelu"]
    inputs = _inputs([(512, 64), (64,), (64,), (512, 64)], np.float32, seed=2)
    pipeline(tiled=True, threads_=1)
    threads.set_num_threads(1)
    want = _run(fn, argnums, inputs, "ln_seq")
    pipeline(tiled=True, threads_=2)
    threads.set_num_threads(2)
    par = sg.value_and_grad(lambda *a: fn(*a), argnums=argnums)
    for n in (2, 3, 5):
        threads.set_num_threads(n)
        loss, grads = par(*inputs)
        assert np.array_equal(loss, want[0]), n
        for g, w in zip(grads, want[1]):
            assert np.array_equal(g, w), n


def test_the_default_pipeline_tiles_big_row_wise_gradients():
    """W4's shape class: the default thresholds tile a [2048, 256] softmax gradient (2 MiB)."""
    x = _inputs([(2048, 256)], np.float32)
    assert _is_tiled_default(softmax_squared, (0,), x)
    assert not _is_tiled_default(softmax_squared, (0,), _inputs([(64, 256)], np.float32))


def _is_tiled_default(fn, argnums, inputs) -> bool:
    lowered = sg.value_and_grad(fn, argnums=argnums).lower(*inputs)
    return "scf.forall" in lowered["linalg"]


STACK_SCRIPT = """
import sys
import numpy as np, symgrad as sg
import symgrad.differentiated as differentiated
tiled = differentiated.graph_to_llvm(1).replace("tile-rows,", "tile-rows{min-bytes=0 block-bytes=8},")
differentiated.graph_to_llvm = lambda threads=None: tiled
x = np.random.default_rng(0).standard_normal((400_000, 2)).astype(np.float32)
def loss(x):
    s = sg.softmax(x, axis=-1)
    return sg.sum(s * s)
value, grad = sg.value_and_grad(loss)(x)
e = np.exp(x - x.max(axis=1, keepdims=True)); s = e / e.sum(axis=1, keepdims=True)
np.testing.assert_allclose(value, np.sum(s * s), rtol=1e-4)
print("ok")
"""


def test_many_blocks_do_not_grow_the_stack(tmp_path):
    """200,000 blocks of 2 rows, each with small stack temporaries (its row statistics): without
    scope-loop-allocas (passes/scope_loop_allocas.py) every block's allocas stayed on the stack until
    the kernel returned, ~100 MB here, and the process died of a stack overflow."""
    import subprocess
    import sys
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path), SYMGRAD_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", STACK_SCRIPT], capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), (out.returncode, out.stderr[-3000:])


# ------------------------------------------------------------ random row-wise graphs --
def _random_row_wise(rng):
    """A random loss over x [N, D] (and g [D], y [N, D]) built from row-wise pieces: elementwise
    ops, broadcasts of g, row statistics (sum/mean/max with keepdims), softmax/log_softmax, column
    sums and full sums: everything tile-rows can tile."""
    choices = rng.integers(0, 1 << 30, size=12)

    def loss(x, g, y):
        vals = [x, y * 0.5]
        for c in choices[:-2]:
            a = vals[c % len(vals)]
            b = vals[(c >> 3) % len(vals)]
            k = (c >> 6) % 11
            v = [lambda: sg.tanh(a) * b,
                 lambda: a * g + b,
                 lambda: a - sg.mean(a, axis=1, keepdims=True),
                 lambda: a / (1.0 + sg.sum(b * b, axis=1, keepdims=True)),
                 lambda: a - sg.max(a, axis=1, keepdims=True),
                 lambda: sg.softmax(a, axis=-1),
                 lambda: sg.log_softmax(a, axis=-1) * 0.1,
                 lambda: sg.sigmoid(a) + sg.sin(b),
                 lambda: sg.exp(sg.tanh(a)) * g,
                 lambda: a * sg.mean(b, axis=1, keepdims=True),
                 lambda: sg.maximum(a, b)][k]()
            vals.append(v)
        last, other = vals[-1], vals[choices[-1] % len(vals)]
        return sg.sum(last * y) + sg.sum(sg.sum(other, axis=0) * g) + sg.mean(last * last)
    return loss


@pytest.mark.parametrize("seed", range(int(os.environ.get("SYMGRAD_TILE_GRAPHS", "8"))))
def test_random_row_wise_graphs_tile_and_match(seed, pipeline):
    """SYMGRAD_TILE_GRAPHS=N runs N graphs (8 by default)."""
    rng = np.random.default_rng(1000 + seed)
    fn = _random_row_wise(rng)
    inputs = [rng.uniform(-1.5, 1.5, size=s) for s in [(24, 5), (5,), (24, 5)]]
    assert _is_tiled(fn, (0, 1), inputs)
    (want_loss, want), (loss, grads) = _untiled_and_tiled(pipeline, fn, (0, 1), inputs, f"random{seed}")
    np.testing.assert_allclose(loss, want_loss, rtol=1e-11, atol=1e-11)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-11)


@pytest.mark.parametrize("case", ["layer_norm_gelu", "softmax_squared"])
def test_compiled_gradient_forward_and_backward_tile(case):
    """The Gradient contract's two functions (no fused kernel): the primal returns its row
    statistics as [N, 1] captures (tensor.expand_shape) and the adjoint reads them back
    (tensor.collapse_shape); both tile, and agree with the untiled kernels."""
    fn, shapes, argnums, _ = CASES[case]
    inputs = _inputs(shapes, np.float64, seed=3)
    grad = sg.differentiate(sg.trace(fn, *inputs, requires_grad=list(argnums), name=f"{case}_cg"))
    results = []
    for tiled in (False, True):
        cg = sg.compile(grad, pipeline=_pipeline(tiled))
        outs, saved = cg.forward(*inputs)
        results.append((outs, cg.backward(saved, np.ones(()))))
    assert _tiled_functions(grad.module) >= {grad.f_name, grad.df.sym_name.value}
    (want_outs, want_grads), (outs, grads) = results
    for g, w in zip([*outs, *grads], [*want_outs, *want_grads]):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
