"""Kernels are called through their packed entry point (one table of descriptor pointers), so a
kernel with more arrays than ctypes can pass as arguments (1024) runs."""
from __future__ import annotations

import numpy as np

import symgrad as sg


def test_kernel_with_more_than_1024_arrays_runs():
    n = 520  # 520 inputs and 520 results: 1040 arrays
    xs = [np.full(2, i, np.float32) for i in range(n)]
    f = sg.jit(lambda *xs: tuple(x * 2.0 for x in xs))
    out = f(*xs)
    assert len(out) == n
    for i, o in enumerate(out):
        np.testing.assert_array_equal(o, np.full(2, 2.0 * i, np.float32))


def test_the_packed_entry_is_used_and_results_go_to_out():
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    cm = sg.compile(sg.trace(lambda a, b: (a + b, a * b), x, x))
    kernel = cm[cm.functions[0]]
    assert kernel.packed
    s, p = np.empty_like(x), np.empty_like(x)
    kernel(x, x + 1, out=(s, p))
    np.testing.assert_array_equal(s, 2 * x + 1)
    np.testing.assert_array_equal(p, x * (x + 1))


def test_the_c_interface_calls_the_packed_entry():
    """`_mlir_ciface_<f>` keeps MLIR's signature (one descriptor pointer per array): it now puts
    them in a table on its stack and calls the packed entry, which holds the kernel's code."""
    from symgrad.runtime.kernel import Kernel
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    cm = sg.compile(sg.trace(lambda a, b: (a - b, a * b), x, x))
    k = cm[cm.functions[0]]
    through_ciface = Kernel(cm, k.name, k.inputs, k.results, k.address, k.single, packed=0)
    d, p = through_ciface(x, x + 2)
    np.testing.assert_array_equal(d, np.full_like(x, -2))
    np.testing.assert_array_equal(p, x * (x + 2))


def test_long_straight_line_functions_are_compiled_as_at_O0():
    """mark_straight_line: a loop-free function of at least STRAIGHT_LINE_MIN instructions gets
    optnone (its code runs once per call); a loop, or a short function, keeps full optimization."""
    from symgrad.runtime import llvm as rt_llvm
    n = rt_llvm.STRAIGHT_LINE_MIN
    adds = "\n".join(f"  %v{i + 1} = add i64 %v{i}, {i}" for i in range(n))
    text = (f"define i64 @long(i64 %v0) {{\n{adds}\n  ret i64 %v{n}\n}}\n"
            "define i64 @short(i64 %a) {\n  %b = add i64 %a, 1\n  ret i64 %b\n}\n"
            "define i64 @loop(i64 %n) {\nentry:\n  br label %body\nbody:\n"
            "  %i = phi i64 [0, %entry], [%j, %body]\n  %j = add i64 %i, 1\n"
            "  %c = icmp slt i64 %j, %n\n  br i1 %c, label %body, label %done\ndone:\n  ret i64 %j\n}\n")
    tm = rt_llvm.host_target_machine(3)
    mod = rt_llvm.parse(text, tm)
    assert rt_llvm.mark_straight_line(mod) == ["long"]
    attrs = {f.name: str(f) for f in mod.functions}
    assert "optnone" in attrs["long"] and "optnone" not in attrs["short"] and "optnone" not in attrs["loop"]
    tm.emit_object(mod)  # optnone (with noinline) is valid for the code generator


def test_a_deep_kernel_is_one_straight_line_entry_and_computes_the_same(monkeypatch, tmp_path):
    """A 32-layer MLP gradient: its loop nests are outlined, so the packed entry is one block of
    calls, compiled as at O0; the value and gradients equal numpy's (float64). An empty disk
    cache makes sure LLVM really runs (a cached object would skip the code generator)."""
    from symgrad.runtime import llvm as rt_llvm
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path))
    marked = []
    mark = rt_llvm.mark_straight_line
    monkeypatch.setattr(rt_llvm, "mark_straight_line", lambda mod: marked.extend(mark(mod)) or marked)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 16))
    ws = [rng.standard_normal((16, 16)) * 0.3 for _ in range(32)]

    def loss(x, *ws):
        h = x
        for w in ws:
            h = sg.tanh(h @ w)
        return (h * h).sum()

    value, grads = sg.value_and_grad(loss, argnums=tuple(range(1, 33)))(x, *ws)
    assert any(name.startswith("symgrad_packed_") for name in marked), marked
    hs = [x]
    for w in ws:
        hs.append(np.tanh(hs[-1] @ w))
    np.testing.assert_allclose(value, (hs[-1] ** 2).sum(), rtol=1e-12)
    g = 2 * hs[-1]
    for i in reversed(range(32)):
        gz = g * (1 - hs[i + 1] ** 2)
        np.testing.assert_allclose(grads[i], hs[i].T @ gz, rtol=1e-9, atol=1e-12)
        g = gz @ ws[i].T
