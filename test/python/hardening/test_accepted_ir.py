"""Issue 11: what sg.compile accepts, and LLVM dialect from elsewhere.

Each finding of the issue (a NUL in a name, constant out-of-range tensor indices, inline asm,
a global whose initializer does not fit, recursion through func.call) once killed the process;
each runs here in a subprocess, through sg.compile (and, if that compiled, a call of the kernel)
and `symgrad-opt --emit=llvm-ir`: a negative return code (a signal) fails the test, and the
error must be located in the input's own text.
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
from symgrad.passes import foreign_llvm
from symgrad.passes.translate import LoweringError, to_llvm_ir

GRAPH_BODY = '''  %y = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
'''

FINDINGS = {
    "nul-name": ('func.func @"\\00"(%x: tensor<4xf32>) -> tensor<4xf32> {\n' + GRAPH_BODY,
                 1, "contains the control character U+0000"),
    "quoted-name": ('func.func @"a b"(%x: tensor<4xf32>) -> tensor<4xf32> {\n' + GRAPH_BODY,
                    1, "is not a bare identifier"),
    "tensor-index": ('''func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant 100000000 : index
  %v = tensor.extract %x[%c] : tensor<4xf32>
  %y = tensor.insert %v into %x[%c] : tensor<4xf32>
  return %y : tensor<4xf32>
}
''', 2, "'arith.constant' op is not accepted by sg.compile"),
    "inline-asm": ('''func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  llvm.inline_asm has_side_effects "nop", "" : () -> ()
  return %x : tensor<4xf32>
}
''', 2, "'llvm.inline_asm' op is not accepted by sg.compile"),
    "global": ('''llvm.mlir.global internal @g(0 : i8) : !llvm.array<4 x i8>
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
''', 1, "'llvm.mlir.global' op is not accepted by sg.compile"),
    "self-call": ('''func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = func.call @f(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
''', 2, "closes the call cycle @f -> @f"),
    "mutual-calls": ('''func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = func.call @g(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = func.call @f(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
''', 6, "closes the call cycle @f -> @g -> @f"),
}

COMPILE_AND_CALL = textwrap.dedent("""
    import sys
    import numpy as np
    import symgrad as sg
    try:
        cm = sg.compile(sg.parse_file(sys.argv[1]))
    except sg.CompileError as e:
        print(e)
        sys.exit(1)
    for name in cm.functions:
        cm[name](np.zeros(4, np.float32))
    print("compiled and ran")
""")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMGRAD_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("finding", sorted(FINDINGS))
def test_finding_is_a_located_compile_error(finding, tmp_path):
    text, line, message = FINDINGS[finding]
    src = tmp_path / f"{finding}.mlir"
    src.write_text(text)
    proc = subprocess.run([sys.executable, "-c", COMPILE_AND_CALL, str(src)], capture_output=True, text=True,
                          timeout=300, env=os.environ)
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "compilation failed in stage 'verify'" in proc.stdout
    assert f"{src}:{line}:" in proc.stdout and message in proc.stdout, proc.stdout


@pytest.mark.parametrize("finding", sorted(FINDINGS))
def test_finding_is_a_located_symgrad_opt_error(finding, tmp_path):
    text, line, message = FINDINGS[finding]
    src = tmp_path / f"{finding}.mlir"
    src.write_text(text)
    for flags in (["--emit=llvm-ir"], ["--graph-to-llvm"]):
        proc = subprocess.run([sys.executable, "-m", "symgrad.tools.symgrad_opt", str(src), *flags],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, (flags, proc.returncode, proc.stderr)
        assert f"{src}:{line}:" in proc.stderr and message in proc.stderr, (flags, proc.stderr)
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_plain_symgrad_opt_still_prints_upstream_ir(tmp_path):
    """The policy is about compiling: parsing and printing take any valid MLIR, as mlir-opt does."""
    src = tmp_path / "any.mlir"
    src.write_text(FINDINGS["tensor-index"][0] + FINDINGS["global"][0].splitlines()[0] + "\n")
    proc = subprocess.run([sys.executable, "-m", "symgrad.tools.symgrad_opt", str(src)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "tensor.extract" in proc.stdout and "llvm.mlir.global" in proc.stdout


def test_parse_accepts_what_compile_refuses():
    m = sg.parse(FINDINGS["self-call"][0])  # valid MLIR and valid graph IR: only compiling is refused
    with pytest.raises(sg.CompileError, match="closes the call cycle"):
        sg.compile(m)


def test_calls_between_graph_functions_still_compile():
    text = '''func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @f(%x: tensor<4xf32> {graph.requires_grad}) -> tensor<4xf32> {
  %y = func.call @helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %z = func.call @helper(%y) : (tensor<4xf32>) -> tensor<4xf32>
  return %z : tensor<4xf32>
}
'''
    x = np.linspace(-1, 1, 4, dtype=np.float32)
    np.testing.assert_allclose(sg.compile(text).f(x), np.exp(np.exp(x)), rtol=1e-6)


# ------------------------------------------------- LLVM dialect from elsewhere --
CRASHING_LLVM = "llvm.mlir.global internal @s([1, 2]) : !llvm.struct<(i32)>\n"  # asserts in zip_equal
FINE_LLVM = """llvm.mlir.global internal @answer(42 : i32) : i32
llvm.func @twice(%x: f32) -> f32 {
  %0 = llvm.fadd %x, %x : f32
  llvm.return %0 : f32
}
"""


def _llvm_module(text):
    return sg.parse(text, name="hand.mlir", verify=False)


@pytest.mark.parametrize("how", ["fork", "fresh interpreter"])
def test_a_translation_that_crashes_is_an_error_and_this_process_lives(how, monkeypatch):
    monkeypatch.setattr(foreign_llvm, "_single_threaded", lambda: how == "fork")
    with pytest.raises(LoweringError) as info:
        to_llvm_ir(_llvm_module(CRASHING_LLVM))
    (loc, msg), = info.value.diagnostics
    assert "crashed inside MLIR/LLVM (SIGABRT" in msg and "Iteratees do not have equal length" in msg, msg
    assert str(loc).startswith('loc("hand.mlir":1:1'), loc
    # ... and the same process goes on translating.
    assert "@answer = internal global i32 42" in to_llvm_ir(_llvm_module(FINE_LLVM))


@pytest.mark.parametrize("how", ["fork", "fresh interpreter"])
def test_foreign_llvm_translates_in_a_child(how, monkeypatch):
    monkeypatch.setattr(foreign_llvm, "_single_threaded", lambda: how == "fork")
    text = to_llvm_ir(_llvm_module(FINE_LLVM))
    assert "define float @twice(float" in text and "fadd float" in text


def test_a_process_with_threads_translates_in_a_fresh_interpreter(monkeypatch):
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not foreign_llvm._single_threaded()
        spawned = []
        real = foreign_llvm._spawned
        monkeypatch.setattr(foreign_llvm, "_spawned", lambda *a: spawned.append(1) or real(*a))
        assert "@answer" in to_llvm_ir(_llvm_module(FINE_LLVM))
        assert spawned == [1]
    finally:
        stop.set()
        t.join()


@pytest.mark.parametrize("glob, message", [
    ("@g(0 : i8) : !llvm.array<4 x i8>", "an integer initializer cannot initialize a value of type !llvm.array<4 x i8>"),
    ("@g(0 : i64) : !llvm.ptr", "an integer initializer cannot initialize a value of type !llvm.ptr"),
    ("@g(1.0 : f32) : f64", "has type f32, but the value has type f64"),
    ("@g(dense<1> : tensor<4xi32>) : !llvm.array<3 x i32>", "does not fit the type !llvm.array<3 x i32>"),
    ("@g(dense<1> : tensor<1x3xi32>) : !llvm.array<1 x array<2 x i32>>", "does not fit"),
    ("@g(dense<1> : tensor<2xi32>) : !llvm.struct<(i32, i32)>", "does not fit"),
    ("@g(unit) : i8", "a unit attribute cannot initialize a value"),
    ('@"a\\00"(1 : i32) : i32', "contains a NUL byte"),
])
def test_known_translation_crashes_are_refused_at_their_op(glob, message):
    with pytest.raises(LoweringError) as info:
        to_llvm_ir(_llvm_module(f"// a global\nllvm.mlir.global internal {glob}\n"))
    (loc, msg), = info.value.diagnostics
    assert message in msg and str(loc).startswith('loc("hand.mlir":2:1'), (loc, msg)


@pytest.mark.parametrize("glob", ["@g(dense<1> : tensor<2xi32>) : !llvm.array<1 x array<2 x i32>>",
                                  "@g(dense<1> : tensor<4xi32>) : vector<4xi32>", '@g("abcd") : !llvm.array<4 x i8>',
                                  "@g(true) : i1", "@g(2.5 : f64) : f64"])
def test_fitting_initializers_translate(glob):
    assert "@g = internal global" in to_llvm_ir(_llvm_module(f"llvm.mlir.global internal {glob}\n"))


def test_a_custom_form_graph_op_is_a_located_parse_error():
    """MLIR's parser fails on it without a diagnostic; the error used to be `<unknown>`."""
    text = 'func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {\n  %y = graph.exp %x : tensor<4xf32>\n' \
           '  return %y : tensor<4xf32>\n}\n'
    with pytest.raises(sg.IRError) as info:
        sg.parse(text, name="model.mlir")
    assert info.value.diagnostics == [("model.mlir:2:8", "custom op 'graph.exp' cannot be parsed: graph ops are "
                                       "written in MLIR's generic form, e.g. %y = \"graph.exp\"(%x) : "
                                       "(tensor<4xf32>) -> tensor<4xf32>")]
    with pytest.raises(sg.CompileError, match="<compile input>:2:8: error: custom op 'graph.exp' cannot be parsed"):
        sg.compile(text)


def test_the_interpreter_refuses_call_cycles_too():
    m = sg.parse(FINDINGS["mutual-calls"][0], name="calls.mlir")
    with pytest.raises(sg.InterpreterError, match=r"calls.mlir:6:\d+: 'func.call' op closes the call cycle @f -> @g -> @f"):
        sg.interpret(m, "f", np.zeros(4, np.float32))


@pytest.mark.parametrize("text, where, message", [
    ('func.func private @"\\ED\\A0\\80"(%a: tensor<f32>) -> tensor<f32> {\n  return\n}\n', "m.mlir:1:19",
     'the symbol @"\\ED\\A0\\80" is not valid UTF-8 text'),
    ('func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {\n  %y = "graph.ex\\FFp"(%x) : (tensor<4xf32>) -> '
     'tensor<4xf32>\n  return %y : tensor<4xf32>\n}\n', "m.mlir:2:8", "the operation name"),
])
def test_names_that_are_not_utf8_are_located_parse_errors(text, where, message):
    """MLIR's diagnostics quoting such names cannot become Python strings (a bare RuntimeError)."""
    with pytest.raises(sg.IRError) as info:
        sg.parse(text, name="m.mlir")
    (loc, msg), = info.value.diagnostics
    assert loc == where and message in msg, (loc, msg)


def test_an_undecodable_parser_diagnostic_is_still_an_error(monkeypatch):
    from symgrad import module as module_mod
    monkeypatch.setattr(module_mod, "check_text", lambda text: None)  # let the name reach MLIR's parser
    with pytest.raises(sg.IRError) as info:
        sg.parse('func.func @f() {\n  "graph.ex\\FFp"() : () -> ()\n  return\n}\n', name="m.mlir")
    assert info.value.diagnostics == [("m.mlir:1:1", module_mod.UNDECODABLE)]
