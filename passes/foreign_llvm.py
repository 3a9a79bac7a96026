"""LLVM-dialect IR that symgrad did not build: checked, then translated where a crash is harmless.

`symgrad-opt --emit=llvm-ir` takes a module that is already all LLVM dialect (hand-written, or
the output of a user's `-p` pipeline) and translates it. MLIR's translation trusts such IR: a
global whose initializer does not fit its type (`@g(0 : i8) : !llvm.array<4 x i8>`), an
initializer for a pointer, a NUL byte in a name each abort or crash the process (LLVM is built
with assertions). The known classes are refused first, located (`check`). The rest cannot be
listed completely, so the translation itself runs in a child process (`translate`): a fork when
this process has one thread, else a fresh interpreter. A child that dies is a located
`LoweringError` naming the signal and the assertion it printed; the caller lives on.

Graph modules are different: sg.compile and graph-to-llvm accept graph functions only
(graph-check-compilable), and everything after that is built by symgrad, so they are translated
in process (passes/translate.py).
"""
from __future__ import annotations

import faulthandler
import os
import re
import signal
import subprocess
import sys
import tempfile

import mlir.ir as ir

from symgrad.dialects.graph.verifier import Diagnostic

#: Exit status of a child whose translation failed with MLIR diagnostics (not a crash): the
#: parent then translates in process to report them with their locations.
CLEAN_FAILURE = 3


class LoweringError(Exception):
    """The module cannot be translated to LLVM IR: `diagnostics` are (location, message)."""

    def __init__(self, diagnostics):
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(m for _, m in self.diagnostics))


# ------------------------------------------------------------------- checks --
_ARRAY = re.compile(r"(?:!llvm\.)?array<(\d+) x (.*)>\Z")
_VECTOR = re.compile(r"vector<(\d+)x(.*)>\Z")


def _innermost(t: ir.Type) -> tuple[str, int]:
    """(element type text, element count) of an LLVM array / vector nest, or (t, 1)."""
    text, count = str(t), 1
    while True:
        m = _ARRAY.match(text) or _VECTOR.match(text)
        if not m:
            return text, count
        count *= int(m.group(1))
        text = m.group(2)


def initializer_problem(value: ir.Attribute, t: ir.Type) -> str | None:
    """Why `value` cannot initialize a global (or constant) of LLVM type `t`, for the kinds the
    translator asserts or crashes on instead of failing; None when it fits or is another kind."""
    scalar = isinstance(t, (ir.IntegerType, ir.FloatType))
    if isinstance(value, (ir.IntegerAttr, ir.BoolAttr)):
        if not isinstance(t, ir.IntegerType):
            return f"an integer initializer cannot initialize a value of type {t}"
        return None
    if isinstance(value, ir.FloatAttr):
        if str(value.type) != str(t):
            return f"the initializer {value} has type {value.type}, but the value has type {t}"
        return None
    if isinstance(value, ir.StringAttr):
        return None  # the verifier checks strings against i8 arrays
    if isinstance(value, ir.DenseElementsAttr):
        if scalar:
            return f"a dense initializer cannot initialize the scalar type {t}"
        element, count = _innermost(t)
        shaped = value.type
        n = 1
        for d in shaped.shape:
            n *= d
        if str(shaped.element_type) != element or n != count:
            return f"the initializer of type {shaped} does not fit the type {t} ({count} x {element})"
        return None
    if isinstance(value, ir.UnitAttr):
        return "a unit attribute cannot initialize a value"
    return None


def _name_problem(name: str) -> str | None:
    if "\x00" in name:
        return "contains a NUL byte, which LLVM names cannot hold"
    return None


def check(module_op: ir.Operation) -> list[Diagnostic]:
    """Located problems of an LLVM-dialect module that the translation would crash on."""
    found: list[Diagnostic] = []

    def visit(op):
        if "sym_name" in op.attributes:
            name = ir.StringAttr(op.attributes["sym_name"]).value
            problem = _name_problem(name)
            if problem:
                found.append(Diagnostic(op.location, f"'{op.name}' op the name {name!r} {problem}"))
        if op.name in ("llvm.mlir.global", "llvm.mlir.constant") and "value" in op.attributes:
            t = ir.TypeAttr(op.attributes["global_type"]).value if op.name == "llvm.mlir.global" \
                else op.results[0].type
            problem = initializer_problem(op.attributes["value"], t)
            if problem:
                found.append(Diagnostic(op.location, f"'{op.name}' op {problem}"))
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


# -------------------------------------------------------------- translation --
def _single_threaded() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _in_process(module_op: ir.Operation) -> str:
    from mlir.dialects import llvm as mllvm
    return str(mllvm.translate_module_to_llvmir(module_op))


def _forked(module_op: ir.Operation, err) -> tuple[int, bytes]:
    """(wait status, LLVM IR bytes) of a forked child translating `module_op`."""
    sys.stdout.flush()
    sys.stderr.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: translate, write, leave without running any Python cleanup
        status = 1
        try:
            os.close(r)
            os.dup2(err.fileno(), 2)
            faulthandler.disable()  # a crash is reported by the parent, not as a Python traceback
            data = _in_process(module_op).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(w, view):]
            status = 0
        except ir.MLIRError:
            status = CLEAN_FAILURE
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    chunks = []
    try:
        with os.fdopen(r, "rb") as pipe:
            while True:
                chunk = pipe.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        try:
            _, status = os.waitpid(pid, 0)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
    return status, b"".join(chunks)


_CHILD = """
import sys, mlir.ir as ir
from mlir.dialects import llvm
ctx = ir.Context(); ctx.enable_multithreading(False)
with ctx:
    try:
        m = ir.Module.parse(sys.stdin.read())
        out = str(llvm.translate_module_to_llvmir(m.operation))
    except ir.MLIRError:
        sys.exit(%d)
sys.stdout.write(out)
""" % CLEAN_FAILURE


def _spawned(module_op: ir.Operation, err) -> tuple[int, bytes]:
    """(wait status, LLVM IR bytes) of a fresh interpreter translating `module_op` (for a process
    with threads, where a fork could inherit a lock another thread holds)."""
    text = module_op.get_asm(enable_debug_info=True, print_generic_op_form=True)
    proc = subprocess.run([sys.executable, "-c", _CHILD], input=text.encode(), stdout=subprocess.PIPE, stderr=err)
    rc = proc.returncode
    status = (-rc & 0x7F) if rc < 0 else (rc << 8)  # as os.waitpid reports it
    return status, proc.stdout


def _first_line(err) -> str:
    err.seek(0)
    lines = [ln.strip() for ln in err.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    picked = next((ln for ln in lines if "Assertion" in ln or "error" in ln.lower()), lines[0] if lines else "")
    return picked[:400]


def _where(module_op: ir.Operation) -> ir.Location:
    ops = list(module_op.regions[0].blocks[0].operations)
    return ops[0].operation.location if ops else module_op.location


def translate(module_op: ir.Operation) -> str:
    """LLVM IR text of an LLVM-dialect module symgrad did not build. Raises LoweringError for
    the known crash classes (located at the culprit) and for a translation that crashed."""
    problems = check(module_op)
    if problems:
        raise LoweringError([(d.location, d.message) for d in problems])
    with tempfile.TemporaryFile() as err:
        status, data = (_forked if _single_threaded() else _spawned)(module_op, err)
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
            raise LoweringError([(_where(module_op),
                                  f"the translation of this LLVM-dialect module to LLVM IR crashed inside MLIR/LLVM "
                                  f"({name}: {_first_line(err) or 'no message'}); LLVM dialect that symgrad did not "
                                  f"build is translated in a child process, since it can be checked only in part")])
        code = os.WEXITSTATUS(status)
    if code == CLEAN_FAILURE:
        return _in_process(module_op)  # fails the same way here, with its diagnostics (ir.MLIRError)
    if code != 0:
        raise LoweringError([(_where(module_op), f"the translation to LLVM IR failed in its child process "
                                                 f"(exit status {code})")])
    return data.decode()
