"""Function names that compiled code reserves (the C library's, libm's, MLIR's runtime's): a Python
function so named is traced by sg.jit/sg.grad/sg.vjp as @sg_<name>, and IR that defines one is rejected before lowering with
a located error, the same on the sequential and the multi-core pipeline. Before, `free` or
`__resume` failed with "redefinition of symbol" on the multi-core pipeline only, and `sinf` (a
kernel calling sinf) called itself until the stack overflowed."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import symgrad as sg
from symgrad.runtime.abi import reserved_symbol

NAMES = ["free", "aligned_alloc", "abort", "malloc", "memcpy", "__resume", "mlirAsyncRuntimeExecute",
         "mlirAsyncRuntimGetNumWorkerThreads", "_mlir_memref_to_llvm_free", "_mlir_ciface_g", "sinf", "sin", "expf",
         "symgrad_pool_alloc"]

SCRIPT = textwrap.dedent("""
    import sys, numpy as np, symgrad as sg
    x = np.linspace(-1, 1, 512 * 512, dtype=np.float32).reshape(512, 512)
    for name in sys.argv[1:]:
        def fn(x):
            return sg.sin(x) * 2.0 + sg.sum(sg.tanh(x))
        fn.__name__ = name
        want = np.sin(x) * 2 + np.tanh(x).sum()
        y = sg.jit(fn)(x)
        g = sg.grad(lambda x: sg.sum(fn(x)))(x)
        ok = np.allclose(y, want, rtol=1e-4, atol=1e-2) and np.allclose(g, 2 * np.cos(x) + x.size * (1 - np.tanh(x) ** 2),
                                                                       rtol=1e-3, atol=1e-2)
        print(name, "ok" if ok else "WRONG", flush=True)
""")


@pytest.mark.parametrize("threads", ["1", "2"])
def test_python_functions_with_reserved_names_compile_and_run(threads, tmp_path):
    env = dict(os.environ, SYMGRAD_CACHE_DIR=str(tmp_path), SYMGRAD_NUM_THREADS=threads)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, *NAMES], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert proc.stdout.split() == [w for n in NAMES for w in (n, "ok")]


def test_transforms_rename_the_traced_function_and_keep_the_users_name():
    def free(x):
        return x * 2.0
    x = np.ones(3, np.float32)
    f = sg.jit(free)
    assert f.__name__ == "free"
    assert "func.func @sg_free(" in f.lower(x).as_text("graph")
    np.testing.assert_array_equal(f(x), x * 2)
    with pytest.raises(TypeError, match=r"sg\.jit\(free\)"):
        f([1.0])
    def sin(x):  # float64: the kernel calls libm's sin
        return sg.sum(sg.sin(x))
    assert sg.grad(sin)(np.zeros(3)).tolist() == [1.0] * 3
    # sg.trace keeps the name (the interpreter and the passes take it); sg.compile rejects it.
    module = sg.trace(free, x)
    assert module.function_names() == ["free"]
    np.testing.assert_array_equal(sg.interpret(module, "free", x)[0], x * 2)
    with pytest.raises(sg.CompileError, match="@free: this name is reserved"):
        sg.compile(module)
    assert sg.compile(sg.trace(free, x, name="sg_free")).sg_free(x).tolist() == [2.0] * 3


IR = """
func.func @{name}(%x: tensor<512x512xf32>) -> tensor<512x512xf32> {{
  %y = "graph.tanh"(%x) : (tensor<512x512xf32>) -> tensor<512x512xf32>
  return %y : tensor<512x512xf32>
}}
"""


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("name", ["free", "__resume", "mlirAsyncRuntimeExecute", "sinf", "_mlir_x"])
def test_ir_defining_a_reserved_name_is_rejected_before_lowering(name, threads, monkeypatch, tmp_path):
    from symgrad.runtime import threads as rt_threads
    monkeypatch.setattr(rt_threads, "_override", None)
    monkeypatch.setenv("SYMGRAD_NUM_THREADS", str(threads))
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))
    module = sg.parse(IR.format(name=name), name="reserved.mlir")
    with pytest.raises(sg.CompileError) as info:
        sg.compile(module)
    e = info.value
    assert e.stage == "verify"
    (loc, msg), = e.diagnostics
    assert loc.startswith("reserved.mlir:2:") and f"@{name}: this name is reserved" in msg and "rename" in msg


def test_symgrad_opt_rejects_a_reserved_name_when_lowering(tmp_path):
    path = tmp_path / "free.mlir"
    path.write_text(IR.format(name="free"))
    exe = os.path.join(os.path.dirname(sys.executable), "symgrad-opt")
    for threads in ("1", "2"):
        env = dict(os.environ, SYMGRAD_NUM_THREADS=threads, SYMGRAD_CACHE_DIR=str(tmp_path))
        proc = subprocess.run([exe, "--graph-to-llvm", str(path)], capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode != 0 and f"{path}:2:" in proc.stderr and "@free: this name is reserved" in proc.stderr, \
            proc.stderr
    proc = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=300)  # not lowering: fine
    assert proc.returncode == 0, proc.stderr


def test_reserved_symbol():
    for name in NAMES:
        assert reserved_symbol(name), name
    for name in ("f", "loss", "freeze", "sine", "expfoo", "mlir_f", "_private", "sg_free"):
        assert not reserved_symbol(name), name
