"""Mutations of valid IR text, for the adversarial-IR fuzzer (issue 6).

`corpus()` is the seed texts: every chunk of the lit tests' inputs under test/
(split on `// -----`, comments dropped) and the IR printed from a few traced
and differentiated functions. `mutate(rng, text)` applies one to three random
mutations from MUTATORS and returns bytes (some mutations insert bytes that
are not UTF-8). Every mutator is a plain function of (rng, text) so a failing
case is reproduced from its seed alone.

The mutations aim at the ways real inputs go wrong and at the corners that
reach MLIR's C++ asserts: dropped, duplicated and swapped tokens, truncation,
swapped types and element types, huge / negative / overflowing dims, unknown
and misspelled ops, missing and garbage attributes, values used before their
definition or by themselves (cycles), cycles through block arguments and
multi-block bodies, recursive calls, duplicate symbols, graph ops nested in
other ops' regions or at module level, deeply nested brackets, non-UTF-8 and
NUL bytes.

UPSTREAM_MUTATORS (issue 11, also in MUTATORS) mix upstream dialects into
graph functions and keep the module valid MLIR as often as they can, so the
mutant reaches sg.compile, LLVM IR translation and a call of the kernel:
constant tensor / memref indices and slices, LLVM globals, inline asm,
llvm.func declarations and calls, func.call cycles, odd symbol names, LLVM
function / argument / module attributes, and modules that are all LLVM
dialect. `cases(..., mutators=UPSTREAM_MUTATORS)` draws only those, from the
seeds that parse (`valid_corpus()`).
"""
from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TEST_DIR = os.path.join(ROOT, "test")

TOKEN = re.compile(r'''"(?:[^"\\\n]|\\.)*"|\s+|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[%@^#!]?[A-Za-z_$.][\w$.\-]*|%[\w$.]+|->|.''',
                   re.S)
TENSOR = re.compile(r"tensor<([^<>]*)>")
GRAPH_OP = re.compile(r'"graph\.(\w+)"')
VALUE = re.compile(r"%[\w$.]+")
ATTR_DICT = re.compile(r"\{([^{}\n]*=[^{}\n]*)\}")
OP_LINE = re.compile(r'^(\s*)(%[\w$.]+) = ("graph\.\w+"\(([^)]*)\)[^\n]*?: \([^\n]*\) -> (tensor<[^<>]*>))\s*$', re.M)
FUNC = re.compile(r"func\.func (?:private )?@([\w$.]+)\(")
NUMBER = re.compile(r"(?<![\w%@#^.])-?\d+(?![\w.])")

TYPES = ["tensor<3x4xf32>", "tensor<4xf32>", "tensor<f32>", "tensor<f64>", "tensor<3x4xi1>", "tensor<?xf32>",
         "tensor<*xf32>", "tensor<0xf32>", "tensor<0x0xf64>", "tensor<1x1x1x1x1x1x1x1xf32>", "f32", "i32", "index",
         "memref<3x4xf32>", "vector<4xf32>", "tensor<4xcomplex<f32>>", "tensor<4xi32>", "tensor<4xf16>",
         "tensor<4xbf16>", "tensor<99999999999x4xf32>", "tensor<4611686018427387904x4xf32>",
         "tensor<9223372036854775807xf64>", "tensor<3x4xf32, \"enc\">", "none", "!llvm.ptr", "tuple<f32>",
         "tensor<65536x65536x65536xf32>", "tensor<4x!llvm.ptr>", "tensor<4xindex>", "tensor<4xf8E4M3FN>"]
ELEMENT_TYPES = ["f32", "f64", "i1", "i32", "i64", "f16", "bf16", "index", "complex<f32>", "none", "f8E5M2",
                 "!llvm.ptr", "vector<4xf32>", "tensor<2xf32>", "ui1", "si1", "i0", "tf32"]
DIMS = ["0", "1", "2", "7", "-1", "?", "99999999999", "4294967296", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "65536x65536x65536x65536", "1e3", "0x10", "", "3x", "x"]
NUMBERS = ["0", "-1", "1", "2", "-2", "99999999999", "-99999999999", "9223372036854775807", "-9223372036854775808",
           "9223372036854775808", "18446744073709551616", "1.5", "1e309", "-0", "0x7FF0000000000000", "nan", "inf"]
OP_NAMES = ["graph.nosuch", "graph.", "graph.exp.x", "foo.bar", "arith.addf", "func.return", "builtin.module",
            "func.func", "graph.EXP", "graph.exp ", "math.exp", "tensor.empty", "linalg.matmul", "scf.yield",
            "test.op", "llvm.call", "cf.br"]
ATTR_VALUES = ["array<i64: -1>", "array<i64: 99999999999>", "array<i64>", "array<i64: 0, 0>", "array<i32: 1>",
               "array<i64: -9223372036854775808>", "array<i64: 9223372036854775807>", "array<i1: true>",
               "-9223372036854775808 : i64", "9223372036854775807 : i64", "99999999999999999999 : i64",
               "-1 : i64", "0 : i64", "1 : i32", "true", "false", "3 : i1", "\"str\"", "unit", "f32", "i32",
               "tensor<2xf32>", "dense<1.0> : tensor<2xf32>", "dense<> : tensor<0xf32>",
               "dense<[1.0, 2.0]> : tensor<2xf64>", "dense<0x7FC00000> : tensor<f32>", "dense<true> : tensor<i1>",
               "dense<1> : tensor<2xi32>", "dense<1.0> : tensor<99999999999xf32>", "dense<1.0> : vector<2xf32>",
               "dense_resource<blob> : tensor<2xf32>", "sparse<[[0]], [1.0]> : tensor<2xf32>",
               "[1, 2]", "[]", "{}", "{a = 1}", "@f", "@nosuch", "affine_map<(d0) -> (d0)>", "#graph.x",
               "1.0 : f32", "0.0", "array<i64: 1, -1, 2>", "array<f64: 1.0>"]
BYTES = [b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00", b"\xc0\xaf",
         b"\xef\xbb\xbf", b"\x1b[31m"]

# --------------------------------------------------------------------- corpus --
_LIT_SKIP = ("tools/list-passes.mlir",)  # no IR in it


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip() + "\n"


def lit_inputs() -> list[tuple[str, str]]:
    out = []
    for d, _, files in sorted(os.walk(TEST_DIR)):
        if "python" in os.path.relpath(d, TEST_DIR).split(os.sep):
            continue
        for f in sorted(files):
            if not f.endswith(".mlir"):
                continue
            rel = os.path.relpath(os.path.join(d, f), TEST_DIR)
            if rel in _LIT_SKIP:
                continue
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                chunks = re.split(r"^\s*// -----.*$", fh.read(), flags=re.M)
            for k, chunk in enumerate(chunks):
                body = _strip_comments(chunk)
                if "func.func" in body or "module" in body:
                    out.append((f"{rel}#{k}", body))
    return out


def traced_inputs() -> list[tuple[str, str]]:
    """IR printed from traced (and differentiated) functions: what users feed back in."""
    import symgrad as sg
    x = np.ones((3, 4), np.float32)
    w = np.ones((4, 2), np.float32)
    b = np.ones(2, np.float32)
    v = np.ones(5)

    def mlp(x, w, b):
        return (sg.tanh(x @ w + b) ** 2).mean()

    def soft(v):
        return sg.log_softmax(v.reshape(1, 5), axis=1), sg.where(v > 0.5, v, v * 2.0)

    def shapes(x):
        return sg.concatenate([x[1:, ::2], x[:2, 1:3]], axis=0).T.sum(axis=0, keepdims=True), sg.max(x, axis=1)

    out = []
    for name, fn, args, rg in (("mlp", mlp, (x, w, b), [1, 2]), ("soft", soft, (v,), [0]),
                               ("shapes", shapes, (x,), [0])):
        m = sg.trace(fn, *args, requires_grad=rg)
        out.append((f"traced:{name}", str(m)))
        try:
            out.append((f"traced:{name}:grad", str(sg.differentiate(m).module)))
        except Exception:  # pragma: no cover - the corpus is best effort; the tests check the result
            pass
        out.append((f"traced:{name}:loc", m.mlir_with_debuginfo()))
    return out


@lru_cache(maxsize=1)
def corpus() -> tuple[tuple[str, str], ...]:
    return tuple(lit_inputs() + traced_inputs())


# ------------------------------------------------------------------- mutators --
def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _tokens(text):
    return TOKEN.findall(text)


def _solid(tokens):
    return [i for i, t in enumerate(tokens) if not t.isspace()]


def drop_token(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if idx:
        del toks[_pick(rng, idx)]
    return "".join(toks)


def duplicate_token(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if idx:
        i = _pick(rng, idx)
        toks.insert(i, toks[i] + ("" if rng.random() < 0.5 else " "))
    return "".join(toks)


def swap_tokens(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if len(idx) > 1:
        i, j = _pick(rng, idx), _pick(rng, idx)
        toks[i], toks[j] = toks[j], toks[i]
    return "".join(toks)


def replace_token(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if idx:
        pool = list("{}()<>[],:=?*x") + ["->", "%0", "^bb1", "@f", "#map", "!x", '"', "loc", "dense"]
        toks[_pick(rng, idx)] = _pick(rng, pool) if rng.random() < 0.6 else toks[_pick(rng, idx)]
    return "".join(toks)


def truncate(rng, text):
    return text[: int(rng.integers(len(text) + 1))]


def drop_bracket(rng, text):
    spots = [m.start() for m in re.finditer(r"[{}()<>\[\]]", text)]
    if not spots:
        return text
    i = _pick(rng, spots)
    return text[:i] + text[i + 1:]


def swap_type(rng, text):
    spots = list(TENSOR.finditer(text))
    if not spots:
        return text
    m = _pick(rng, spots)
    new = _pick(rng, TYPES) if rng.random() < 0.6 else _pick(rng, spots).group(0)
    return text[:m.start()] + new + text[m.end():]


def mutate_dim(rng, text):
    spots = [m for m in TENSOR.finditer(text)]
    if not spots:
        return text
    m = _pick(rng, spots)
    parts = m.group(1).split("x")
    dims, elem = parts[:-1], parts[-1]
    r = rng.random()
    if dims and r < 0.6:
        dims[int(rng.integers(len(dims)))] = _pick(rng, DIMS)
    elif dims and r < 0.8:
        del dims[int(rng.integers(len(dims)))]
    else:
        dims.insert(int(rng.integers(len(dims) + 1)), _pick(rng, DIMS))
    new = "tensor<" + "".join(d + "x" for d in dims) + elem + ">"
    # Often the same mutation everywhere the type occurs, so the module may still verify.
    if rng.random() < 0.5:
        return text.replace(m.group(0), new)
    return text[:m.start()] + new + text[m.end():]


def mutate_element_type(rng, text):
    spots = list(TENSOR.finditer(text))
    if not spots:
        return text
    m = _pick(rng, spots)
    parts = m.group(1).split("x")
    new = "tensor<" + "".join(d + "x" for d in parts[:-1]) + _pick(rng, ELEMENT_TYPES) + ">"
    if rng.random() < 0.5:
        return text.replace(m.group(0), new)
    return text[:m.start()] + new + text[m.end():]


def rename_op(rng, text):
    from symgrad.dialects.graph.registry import OPS
    spots = list(GRAPH_OP.finditer(text))
    if not spots:
        return text
    m = _pick(rng, spots)
    new = _pick(rng, OP_NAMES) if rng.random() < 0.5 else "graph." + _pick(rng, sorted(OPS))
    return text[:m.start()] + f'"{new}"' + text[m.end():]


def mutate_attribute(rng, text):
    spots = list(ATTR_DICT.finditer(text))
    if not spots:
        return text
    m = _pick(rng, spots)
    entries = [e.strip() for e in re.split(r",\s*(?=[\w.\"]+\s*=)", m.group(1)) if e.strip()]
    r = rng.random()
    if entries and r < 0.3:
        del entries[int(rng.integers(len(entries)))]
    elif entries and r < 0.75:
        k = int(rng.integers(len(entries)))
        key = entries[k].split("=", 1)[0].strip()
        entries[k] = f"{key} = {_pick(rng, ATTR_VALUES)}"
    elif entries and r < 0.9:
        k = int(rng.integers(len(entries)))
        key, _, value = entries[k].partition("=")
        entries[k] = key + "=" + NUMBER.sub(lambda _: _pick(rng, NUMBERS), value, count=1)
    else:
        entries.append(f"{_pick(rng, ['bogus', 'graph.bogus', 'axes', 'graph.requires_grad', 'value'])} = "
                       f"{_pick(rng, ATTR_VALUES)}")
    return text[:m.start()] + "{" + ", ".join(entries) + "}" + text[m.end():]


def add_attribute_dict(rng, text):
    """An attribute dictionary on an op that takes none, or a second one."""
    spots = [m for m in re.finditer(r'"graph\.\w+"\([^)]*\)', text)]
    if not spots:
        return text
    m = _pick(rng, spots)
    return text[:m.end()] + f" {{{_pick(rng, ['axes', 'shape', 'perm', 'to', 'value', 'x'])} = " \
                            f"{_pick(rng, ATTR_VALUES)}}}" + text[m.end():]


def mutate_number(rng, text):
    spots = list(NUMBER.finditer(text))
    if not spots:
        return text
    m = _pick(rng, spots)
    return text[:m.start()] + _pick(rng, NUMBERS) + text[m.end():]


def rewire_value(rng, text):
    """A use of one value replaced by another: use-before-def, self-use (a cycle), undefined, type clash."""
    uses = [m for m in VALUE.finditer(text)]
    if not uses:
        return text
    m = _pick(rng, uses)
    names = sorted({u.group(0) for u in uses}) + ["%nosuch", "%arg99", "%0#1", "%0#0", "%999"]
    return text[:m.start()] + _pick(rng, names) + text[m.end():]


def self_cycle(rng, text):
    """An op whose operand is its own result, or two ops that use each other."""
    ops = list(OP_LINE.finditer(text))
    if not ops:
        return text
    m = _pick(rng, ops)
    operands = [o.strip() for o in m.group(4).split(",") if o.strip()]
    if not operands:
        return text
    k = int(rng.integers(len(operands)))
    target = m.group(2)
    later = [o.group(2) for o in ops if o.start() > m.start()]
    if later and rng.random() < 0.5:
        target = _pick(rng, later)
    operands[k] = target
    line = m.group(0).replace(m.group(4), ", ".join(operands), 1)
    return text[:m.start()] + line + text[m.end():]


def duplicate_function(rng, text):
    """The module's first function twice (a duplicate symbol), or another function renamed to its name."""
    funcs = list(FUNC.finditer(text))
    if not funcs:
        return text
    m = _pick(rng, funcs)
    end = text.find("\n}", m.start())
    if end < 0:
        end = len(text)
    body = text[m.start():end + 2]
    if len(funcs) > 1 and rng.random() < 0.5:
        other = _pick(rng, [f for f in funcs if f.start() != m.start()] or funcs)
        return text.replace(f"@{other.group(1)}(", f"@{m.group(1)}(", 1)
    return text[:end + 2] + "\n" + body + text[end + 2:]


def nest_in_region(rng, text):
    """A graph op moved into the region of another op (scf.execute_region, scf.if, a nested module, a graph op)."""
    ops = list(OP_LINE.finditer(text))
    if not ops:
        return text
    m = _pick(rng, ops)
    indent, res, body, ty = m.group(1), m.group(2), m.group(3), m.group(5)
    kind = int(rng.integers(5))
    if kind == 0:
        new = f"{indent}{res} = scf.execute_region -> {ty} {{\n{indent}  %inner = {body}\n" \
              f"{indent}  scf.yield %inner : {ty}\n{indent}}}"
    elif kind == 1:
        new = f"{indent}%cond = arith.constant true\n{indent}{res} = scf.if %cond -> ({ty}) {{\n" \
              f"{indent}  %inner = {body}\n{indent}  scf.yield %inner : {ty}\n{indent}}} else {{\n" \
              f"{indent}  %inner2 = {body}\n{indent}  scf.yield %inner2 : {ty}\n{indent}}}"
    elif kind == 2:  # a graph op carrying a region
        new = f'{indent}{res} = {body.replace(")", ") ({{^bb0:  %z = {0}}})".format(body), 1)}'
    elif kind == 3:  # at module level
        return text.replace(m.group(0), "", 1).rstrip() + f"\n{res} = {body}\n"
    else:  # in a nested module
        return text + f"\nmodule @inner {{\n  func.func @g() {{\n    {res} = {body}\n    return\n  }}\n}}\n"
    return text[:m.start()] + new + text[m.end():]


def multi_block(rng, text):
    """A body split into blocks: a plain branch, a loop through a block argument, or no terminator."""
    ops = list(OP_LINE.finditer(text))
    if not ops:
        return text
    m = _pick(rng, ops)
    indent, res, ty = m.group(1), m.group(2), m.group(5)
    kind = int(rng.integers(3))
    if kind == 0:
        extra = f"\n{indent}cf.br ^bb1\n^bb1:"
    elif kind == 1:  # a cycle through a block argument: ^bb1(%loop) is fed by itself
        extra = f"\n{indent}cf.br ^bb1({res} : {ty})\n^bb1(%loop: {ty}):\n{indent}%again = \"graph.neg\"(%loop) : " \
                f"({ty}) -> {ty}\n{indent}%c = arith.constant false\n{indent}cf.cond_br %c, ^bb1(%again : {ty}), ^bb2\n^bb2:"
    else:  # branch back to the entry block
        extra = f"\n{indent}cf.br ^bb1\n^bb1:\n{indent}cf.br ^bb1"
    return text[:m.end()] + extra + text[m.end():]


def recursive_call(rng, text):
    """A function that calls itself (or an undefined function) before returning."""
    funcs = list(FUNC.finditer(text))
    if not funcs:
        return text
    m = _pick(rng, funcs)
    head_end = text.find("{\n", m.end())
    ret = text.find("return", head_end)
    if head_end < 0 or ret < 0:
        return text
    sig = text[m.end():head_end]
    args = re.findall(r"(%[\w$.]+)\s*:\s*(tensor<[^<>]*>|f32|f64|i1)", sig.split("->")[0])
    results = re.findall(r"tensor<[^<>]*>", sig.split("->", 1)[1]) if "->" in sig else []
    callee = m.group(1) if rng.random() < 0.8 else "nosuch"
    call = f"%rec:{max(len(results), 1)} = func.call @{callee}({', '.join(a for a, _ in args)}) : " \
           f"({', '.join(t for _, t in args)}) -> ({', '.join(results)})\n  " if results else \
           f"func.call @{callee}({', '.join(a for a, _ in args)}) : ({', '.join(t for _, t in args)}) -> ()\n  "
    if len(results) == 1:
        call = call.replace("%rec:1", "%rec")
    return text[:ret] + call + text[ret:]


def deep_nesting(rng, text):
    """A type, attribute or region nested thousands deep (MLIR's recursive-descent parser)."""
    depth = int(_pick(rng, [200, 2000, 20000, 60000]))
    kind = int(rng.integers(4))
    if kind == 0:
        bomb = "tensor<" * depth + "f32" + ">" * depth
        spots = list(TENSOR.finditer(text))
        if not spots:
            return text
        m = _pick(rng, spots)
        return text[:m.start()] + bomb + text[m.end():]
    if kind == 1:
        return text + f"\nfunc.func @deep() attributes {{a = {'[' * depth}1{']' * depth}}} {{\n  return\n}}\n"
    if kind == 2:
        return text + "\nfunc.func @deep() {\n" + "scf.execute_region {\n" * depth + "scf.yield\n}\n" * depth + \
            "  return\n}\n"
    return text + "\n" + "(" * depth + "\n"


def insert_bytes(rng, text):
    data = text.encode("utf-8", "surrogateescape")
    i = int(rng.integers(len(data) + 1))
    return data[:i] + _pick(rng, BYTES) + data[i:]


def change_results(rng, text):
    """The return and the function type disagree (count or type)."""
    spots = [m for m in re.finditer(r"return ([^\n]*)", text)]
    if not spots:
        return text
    m = _pick(rng, spots)
    r = rng.random()
    if r < 0.4:
        new = "return"
    elif r < 0.7:
        vals, _, tys = m.group(1).partition(" : ")
        new = f"return {vals}, {vals} : {tys}, {tys}" if vals else "return"
    else:
        new = "return " + re.sub(r"tensor<[^<>]*>", lambda _: _pick(rng, TYPES), m.group(1))
    return text[:m.start()] + new + text[m.end():]


def resize_everywhere(rng, text):
    """One dimension size changed in every tensor type (0 and 1 are the lowering's corners): the
    module often still verifies, so the mutant reaches the gradient pass and the lowering."""
    dims = sorted({d for m in TENSOR.finditer(text) for d in m.group(1).split("x")[:-1] if d.isdigit()})
    if not dims:
        return text
    old, new = _pick(rng, dims), _pick(rng, ["0", "1", "2", "5", "64"])

    def fix(m):
        parts = m.group(1).split("x")
        return "tensor<" + "x".join([new if p == old else p for p in parts[:-1]] + parts[-1:]) + ">"

    return TENSOR.sub(fix, text)


# ------------------------------------------- upstream dialects mixed into graph --
# The mutators below (UPSTREAM_MUTATORS) keep the module valid MLIR as often as they can, so it
# reaches sg.compile, the lowering, LLVM IR translation, the JIT and a call of the kernel: each
# adds upstream-dialect ops to a graph function (or beside it) that the graph verifier does not
# know about: constant tensor / memref indices (in range, == dim, past it, negative, huge),
# LLVM globals with matching and mismatched initializers, inline asm, llvm.func declarations and
# calls, func.call graphs with cycles, odd symbol names, and func / argument / module attributes
# that reach LLVM. The value an added op computes is written into a returned tensor, so the
# lowering cannot drop it as dead code.
SCALARS = ("f16", "bf16", "f32", "f64", "i1", "i8", "i16", "i32", "i64", "index")
STATIC = re.compile(r"^tensor<((?:\d+x)*)(\w+)>$")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
FUNC_Q = re.compile(r'func\.func (?:(?:private|public|nested) )?@([\w$.]+|"(?:[^"\\\n]|\\.)*")\(')
RETURN = re.compile(r"^([ \t]*)(?:func\.)?return\b[ \t]*([^\n]*)$", re.M)
RESULT_LINE = re.compile(r"^[ \t]*(%[\w$.]+) = [^\n]*(?:->|:) \(?(tensor<[^<>\n]*>)\)?(?: loc\([^\n]*\))?[ \t]*$", re.M)
# Index constants by what they test: inside the shape, its boundary, past it, negative, huge.
BAD_INDICES = ("{d}", "{d1}", "{d1}", "-1", "-{d}", "1000", "2147483648", "1099511627776", "4611686018427387904",
               "9223372036854775807", "-9223372036854775808")
ODD_NAMES = [r"\00", r"a\00b", r"\00\00", r"\01", r"x\0A", r"\0D", r"\7F", r"\1B[31m", "a b", " ", "%x", r"\22",
             r"a\22b", r"\\", "é", "日本語", "\U0001f600", "", "1abc", "0", "x" * 5000, "malloc", "free", "sinf",
             "memcpy", "main", "_mlir_ciface_x", "_mlir_ciface_{other}", "{other}_adjoint", "symgrad_x",
             "symgrad_pool_alloc", "symgrad_rt_init", "_mlir_memref_to_llvm_alloc", "_symgrad_temporaries_{other}",
             "llvm.memcpy.p0.p0.i64", "llvm.foo", ".", "$", "-", "a.b", r"\FF", r"\C3\A9", r"\ED\A0\80", "{other}"]


def _split_top(s: str, sep: str = ",") -> list[str]:
    """`s` split at `sep` outside brackets and strings."""
    out, cur, depth, i = [], [], 0, 0
    while i < len(s):
        c = s[i]
        if c == '"':
            m = _STRING.match(s, i)
            j = m.end() if m else len(s)
            cur.append(s[i:j])
            i = j
            continue
        if c in "<([{":
            depth += 1
        elif c in ">)]}" and not (c == ">" and i > 0 and s[i - 1] == "-"):
            depth -= 1
        if c == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return [p.strip() for p in out if p.strip()]


def _match_close(text: str, i: int) -> int:
    """Index just past the bracket matching the one at text[i] (strings skipped); len(text) if none."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    stack = []
    while i < len(text):
        c = text[i]
        if c == '"':
            m = _STRING.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    return len(text)


def _functions(text: str) -> list[dict]:
    """Each func.func with a body and a plain `return` in it: name, where it is, its arguments
    [(name, type)], the values defined in it [(name, type)] and its return."""
    out = []
    for m in FUNC_Q.finditer(text):
        close = _match_close(text, m.end() - 1)
        eol = text.find("\n", close)
        eol = len(text) if eol < 0 else eol
        header = text[m.start():eol].rstrip()
        if not header.endswith("{"):
            continue
        body_open = m.start() + len(header) - 1
        end = _match_close(text, body_open)
        args = []
        for a in _split_top(text[m.end():close - 1]):
            am = re.match(r"(%[\w$.]+)\s*:\s*(\S+?(?:<[^{}]*>)?)(?:\s+\{.*\})?(?:\s+loc\(.*\))?$", a, re.S)
            if am:
                args.append((am.group(1), am.group(2)))
        body = text[body_open:end]
        rets = [r for r in RETURN.finditer(body)]
        if not rets:
            continue
        r = rets[-1]
        vals, _, tys = r.group(2).partition(" : ")
        tys = re.sub(r"\s+loc\(.*$", "", tys)
        ret = {"start": body_open + r.start(), "end": body_open + r.end(), "indent": r.group(1) or "  ",
               "values": _split_top(vals), "types": _split_top(tys)}
        if len(ret["values"]) != len(ret["types"]):
            continue
        values = list(args) + [(v.group(1), v.group(2)) for v in RESULT_LINE.finditer(body)]
        out.append({"name": m.group(1), "start": m.start(), "line": text.rfind("\n", 0, m.start()) + 1,
                    "header": (m.start(), body_open), "args_span": (m.end(), close - 1), "end": end,
                    "args": args, "values": values, "ret": ret, "header_line": eol})
    return out


def _static(ty: str):
    """(dims, element type) of a static tensor type of scalars, else None."""
    m = STATIC.match(ty)
    if not m or m.group(2) not in SCALARS:
        return None
    return [int(d) for d in m.group(1).split("x")[:-1]], m.group(2)


def _fresh(text: str, base: str) -> str:
    """`base` + the first number not used by a name in text (nor as a prefix of one: @sgcall0_1)."""
    k = 0
    while re.search(re.escape(f"{base}{k}") + r"(?![\d])", text):
        k += 1
    return f"{base}{k}"


def _literal(elem: str) -> str:
    if elem == "i1":
        return "true"
    if elem.startswith("i") or elem == "index":
        return "7"
    return "1.5"


def _index(rng, dim: int, bad: bool) -> int:
    if not bad and dim > 0:
        return int(rng.integers(dim))
    return int(eval(_pick(rng, BAD_INDICES).format(d=dim, d1=dim + 1)))


def _indices(rng, dims: list[int]) -> list[int]:
    """Constant indices for `dims`: all in range about a third of the time, else one of them
    at the boundary, past it, negative or huge (a zero dim has no index in range)."""
    bad = int(rng.integers(len(dims))) if dims and rng.random() < 0.65 else -1
    return [_index(rng, d, k == bad or d == 0) for k, d in enumerate(dims)]


def _target(rng, text: str, pred=None):
    """A function, the position of one of its returned values with a static tensor type, and
    that type's (dims, element type); None when the text has none."""
    spots = [(f, k, st) for f in _functions(text) for k, t in enumerate(f["ret"]["types"])
             if (st := _static(t)) is not None and (pred is None or pred(st))]
    return _pick(rng, spots) if spots else None


def _rewrite_return(text: str, f: dict, k: int, new_value: str, lines: list[str]) -> str:
    """`lines` inserted before f's return, whose k-th value becomes `new_value`."""
    r = f["ret"]
    vals = list(r["values"])
    vals[k] = new_value
    ind = r["indent"]
    ret = f"{ind}return {', '.join(vals)} : {', '.join(r['types'])}"
    return text[:r["start"]] + "".join(f"{ind}{ln}\n" for ln in lines) + ret + text[r["end"]:]


def _at_module_level(text: str, f: dict, lines: list[str]) -> str:
    """`lines` inserted just before function f (so in the module that holds it)."""
    return text[:f["line"]] + "".join(ln + "\n" for ln in lines) + text[f["line"]:]


def _index_constants(text: str, idx: list[int], lines: list[str]) -> list[str]:
    names = []
    for v in idx:
        c = _fresh(text + "\n".join(lines), "%sgc")
        lines.append(f"{c} = arith.constant {v} : index")
        names.append(c)
    return names


def tensor_index_ops(rng, text):
    """tensor.extract / tensor.insert / extract_slice / insert_slice / memref.load / memref.store
    with constant indices and offsets into a returned static tensor (in range, == dim, past the
    end, negative, huge): the kernel must never read or write outside its buffers."""
    t = _target(rng, text)
    if t is None:
        return text
    f, k, (dims, elem) = t
    dest, dty = f["ret"]["values"][k], f["ret"]["types"][k]
    same = [(v, ty) for v, ty in f["values"] if (st := _static(ty)) and st[1] == elem and v != dest]
    lines: list[str] = []
    kind = int(rng.integers(6))
    new = _fresh(text, "%sgi")
    if kind <= 1:  # tensor.extract from a same-typed value (or a constant), tensor.insert into the result
        if same and kind == 0:
            src, sty = _pick(rng, same)
            sdims = _static(sty)[0]
            cs = _index_constants(text, _indices(rng, sdims), lines)
            val = _fresh(text, "%sgv")
            lines.append(f"{val} = tensor.extract {src}[{', '.join(cs)}] : {sty}")
        else:
            val = _fresh(text, "%sgv")
            lines.append(f"{val} = arith.constant {_literal(elem)} : {elem}")
        cd = _index_constants(text, _indices(rng, dims), lines)
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    elif kind == 2:  # tensor.extract of the result itself, put back where it was read
        cd = _index_constants(text, _indices(rng, dims), lines)
        val = _fresh(text, "%sgv")
        lines.append(f"{val} = tensor.extract {dest}[{', '.join(cd)}] : {dty}")
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    elif kind == 3 and dims:  # extract_slice of the result, inserted back at other offsets
        bad = int(rng.integers(len(dims))) if rng.random() < 0.6 else -1
        sizes, offs, offs2, strides = [], [], [], []
        for j, d in enumerate(dims):
            s = int(rng.integers(1, d + 1)) if d > 0 else 0
            o = int(rng.integers(d - s + 1)) if d > 0 else 0
            o2 = int(rng.integers(d - s + 1)) if d > 0 else 0
            st = 1
            if j == bad:
                what = int(rng.integers(4))
                if what == 0:
                    s = _pick(rng, [d + 1, 2 * d + 3, 1000])
                elif what == 1:
                    o = _index(rng, d, True)
                elif what == 2:
                    o2 = _index(rng, d, True)
                else:
                    st = _pick(rng, [2, 3, 0, -1, 1000])
            sizes.append(s), offs.append(o), offs2.append(o2), strides.append(st)

        def mixed(vals):  # some offsets as SSA constants (the verifier cannot see those)
            out = []
            for v in vals:
                if rng.random() < 0.4:
                    out.append(_index_constants(text, [v], lines)[0])
                else:
                    out.append(str(v))
            return "[" + ", ".join(out) + "]"
        sty = "tensor<" + "".join(f"{s}x" for s in sizes) + elem + ">"
        sl = _fresh(text, "%sgs")
        o1, o2, sz, stt = mixed(offs), mixed(offs2), "[" + ", ".join(map(str, sizes)) + "]", mixed(strides)
        lines.append(f"{sl} = tensor.extract_slice {dest}{o1}{sz}{stt} : {dty} to {sty}")
        lines.append(f"{new} = tensor.insert_slice {sl} into {dest}{o2}{sz}{stt} : {sty} into {dty}")
    elif kind == 4:  # memref.load from the buffer of a tensor
        src, sty = _pick(rng, same) if same and rng.random() < 0.5 else (dest, dty)
        sdims = _static(sty)[0]
        mty = "memref<" + "".join(f"{d}x" for d in sdims) + elem + ">"
        buf, val = _fresh(text, "%sgb"), _fresh(text, "%sgv")
        lines.append(f"{buf} = bufferization.to_buffer {src} : {sty} to {mty}")
        cs = _index_constants(text, _indices(rng, sdims), lines)
        lines.append(f"{val} = memref.load {buf}[{', '.join(cs)}] : {mty}")
        cd = _index_constants(text, [_index(rng, d, d == 0) for d in dims], lines)
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    else:  # memref.store into a local buffer, loaded back
        mty = "memref<" + "".join(f"{d}x" for d in dims) + elem + ">"
        buf, val, c = _fresh(text, "%sgb"), _fresh(text, "%sgv"), _fresh(text, "%sgk")
        lines.append(f"{buf} = memref.{_pick(rng, ['alloca', 'alloc'])}() : {mty}")
        lines.append(f"{c} = arith.constant {_literal(elem)} : {elem}")
        cs = _index_constants(text, _indices(rng, dims), lines)
        lines.append(f"memref.store {c}, {buf}[{', '.join(cs)}] : {mty}")
        cl = _index_constants(text, _indices(rng, dims), lines)
        lines.append(f"{val} = memref.load {buf}[{', '.join(cl)}] : {mty}")
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cl)}] : {dty}")
    if not lines or not lines[-1].startswith(new):
        return text
    return _rewrite_return(text, f, k, new, lines)


GLOBALS = [  # (initializer and type, matches): loaded as the result's element type
    ("(0 : i8) : !llvm.array<4 x i8>", False), ("(1.5 : f32) : f32", True), ("(1.5 : f64) : f64", True),
    ("(dense<[1.0, 2.0]> : tensor<2xf32>) : !llvm.array<2 x f32>", True),
    ("(dense<1.0> : tensor<4xf32>) : !llvm.array<2 x f32>", False),
    ("(dense<1.0> : tensor<2xf64>) : !llvm.array<2 x f32>", False),
    ("(dense<0> : tensor<2x2xi32>) : !llvm.array<2 x array<2 x i32>>", True),
    ("(dense<0> : tensor<4xi32>) : !llvm.array<2 x array<2 x i32>>", False),
    ('("abc") : !llvm.array<3 x i8>', True), ('("abc\\00") : !llvm.array<2 x i8>', False),
    ('("abc") : f32', False), ("(0 : i64) : f32", False), ("(1.0 : f64) : f32", False), ("(7 : i32) : i32", True),
    ("(3 : i32) : !llvm.struct<(i32, f32)>", False), ("(0 : i32) {alignment = 3 : i64} : i32", False),
    ("(0 : i32) {alignment = 64 : i64} : i32", True), ("() : f32", True), ("(true) : i1", True),
    ("(dense<> : tensor<0xf32>) : !llvm.array<0 x f32>", True), ("(unit) : f32", False),
    ("() : f32 {\n  %0 = llvm.mlir.constant(2.0 : f32) : f32\n  llvm.return %0 : f32\n}", True),
    ("() : f32 {\n  %0 = llvm.mlir.constant(2 : i64) : i64\n  llvm.return %0 : i64\n}", False),
]
LINKAGES = ["internal", "private", "internal constant", "external", "weak", "linkonce_odr", "common", "appending",
            "internal thread_local", "external_weak", "available_externally", "extern_weak"]


def llvm_global(rng, text):
    """An llvm.mlir.global at module level (matching and mismatched initializers, linkages,
    alignments, region initializers), loaded through llvm.mlir.addressof in a graph function."""
    t = _target(rng, text, lambda st: st[1] in ("f16", "f32", "f64", "i1", "i8", "i32", "i64"))
    if t is None:
        return text
    f, k, (dims, elem) = t
    init, _ = _pick(rng, GLOBALS)
    link = _pick(rng, LINKAGES) if rng.random() < 0.4 else "internal"
    g = _fresh(text, "@sgglobal")
    if init.startswith("() :") and "{" not in init and link.startswith("internal"):
        link = "external"  # a declaration (an unresolved symbol in the JIT) or a zero-initialized global
    text2 = _at_module_level(text, f, [f"llvm.mlir.global {link} {g}{init}"])
    if rng.random() < 0.15:  # unused: only translation sees it
        return text2
    f = [h for h in _functions(text2) if h["name"] == f["name"]][0]
    p, val, new = _fresh(text2, "%sgp"), _fresh(text2, "%sgv"), _fresh(text2, "%sgi")
    lines = [f"{p} = llvm.mlir.addressof {g} : !llvm.ptr", f"{val} = llvm.load {p} : !llvm.ptr -> {elem}"]
    cd = _index_constants(text2, [_index(rng, d, d == 0) for d in dims], lines)
    lines.append(f"{new} = tensor.insert {val} into {f['ret']['values'][k]}[{', '.join(cd)}] : {f['ret']['types'][k]}")
    return _rewrite_return(text2, f, k, new, lines)


ASM = ["", "nop", "", "nop; nop", "mov $1, $0", "movss $1, $0", "vmovaps $1, $0", "not an instruction", "$0",
       "${0:q}", ".byte 0x90", "lfence", "pause", ".section .text.sgx\n", "# comment"]


def llvm_inline_asm(rng, text):
    """llvm.inline_asm in a graph function: empty and non-empty strings, with and without side
    effects, AT&T and Intel dialects, with operands and results written into a returned tensor."""
    t = _target(rng, text, lambda st: st[1] in ("f32", "f64"))
    funcs = _functions(text)
    if not funcs:
        return text
    asm = _pick(rng, ASM).replace("\n", "\\0A")
    se = "has_side_effects " if rng.random() < 0.5 else ""
    dialect = "asm_dialect = intel " if rng.random() < 0.2 else ""
    if t is None or rng.random() < 0.3:  # no result: alive only by its side effects
        f = t[0] if t else _pick(rng, funcs)
        r = f["ret"]
        line = f'{r["indent"]}llvm.inline_asm {se}{dialect}"{asm}", "" : () -> ()\n'
        return text[:r["start"]] + line + text[r["start"]:]
    f, k, (dims, elem) = t
    dest, dty = f["ret"]["values"][k], f["ret"]["types"][k]
    val, new, c = _fresh(text, "%sgv"), _fresh(text, "%sgi"), _fresh(text, "%sgk")
    lines = []
    if rng.random() < 0.5:
        cons = _pick(rng, ["=x", "=r", "=&x", "=m", "=x,~{memory}", ""])
        lines.append(f'{val} = llvm.inline_asm {se}{dialect}"{asm}", "{cons}" : () -> {elem}')
    else:
        cons = _pick(rng, ["=x,x", "=x,0", "=r,r", "=x,x,~{dirflag}", "=x"])
        lines.append(f"{c} = arith.constant {_literal(elem)} : {elem}")
        lines.append(f'{val} = llvm.inline_asm {se}{dialect}"{asm}", "{cons}" {c} : ({elem}) -> {elem}')
    cd = _index_constants(text, [_index(rng, d, d == 0) for d in dims], lines)
    lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    return _rewrite_return(text, f, k, new, lines)


EXTERNS = [  # (declaration or definition with {T} for the element type, callee, returns the element type)
    ("llvm.func @{n}({T}) -> {T}", "sinf", True), ("llvm.func @{n}({T}) -> {T}", "sin", True),
    ("llvm.func @{n}({T}) -> {T}", "symgrad_nosuch", True), ("llvm.func @{n}({T}) -> {T}", "malloc", True),
    ("llvm.func @{n}(!llvm.ptr)", "free", False), ("llvm.func @{n}(i64) -> !llvm.ptr", "malloc", False),
    ("llvm.func @{n}({T}) -> {T}", "free", True), ("llvm.func @{n}({T}) -> {T}", "symgrad_pool_alloc", True),
    ("llvm.func @{n}({T}) -> {T}", "_mlir_memref_to_llvm_alloc", True),
    ("llvm.func @{n}({T}, ...) -> {T}", "sgvararg", True),
    ("llvm.func @{n}(%a: {T}) -> {T} {{\n  llvm.return %a : {T}\n}}", "sgdefined", True),
    ("llvm.func @{n}(%a: {T}) -> {T} {{\n  %r = llvm.call @{n}(%a) : ({T}) -> {T}\n  llvm.return %r : {T}\n}}",
     "sgrecursive", True),
    ("llvm.func internal @{n}(%a: {T}) -> {T} {{\n  llvm.return %a : {T}\n}}", "sginternal", True),
    ("llvm.func @{n}({T}) -> {T} attributes {{passthrough = [\"noreturn\"]}}", "sgnoreturn", True),
    ("llvm.func @{n}({T}) -> {T}", "llvm.sqrt.{T}", True), ("llvm.func @{n}({T}) -> {T}", "llvm.nosuch", True),
    ("llvm.func @{n}() -> {T}", "sgnullary", True),
]


def llvm_func_call(rng, text):
    """An llvm.func declaration or definition at module level (libm, the runtime's own symbols
    with other types, unresolved names, intrinsics, a recursive one) and an llvm.call of it from
    a graph function, its result written into a returned tensor; sometimes with the wrong arity."""
    t = _target(rng, text, lambda st: st[1] in ("f32", "f64"))
    if t is None:
        return text
    f, k, (dims, elem) = t
    decl, name, returns = _pick(rng, EXTERNS)
    name = name.replace("{T}", elem)
    decl = decl.replace("{n}", name).replace("{T}", elem).replace("{{", "{").replace("}}", "}")
    text2 = _at_module_level(text, f, [decl])
    f = [h for h in _functions(text2) if h["name"] == f["name"]][0]
    dest, dty = f["ret"]["values"][k], f["ret"]["types"][k]
    c, val, new = _fresh(text2, "%sgk"), _fresh(text2, "%sgv"), _fresh(text2, "%sgi")
    lines = [f"{c} = arith.constant {_literal(elem)} : {elem}"]
    if not returns:  # a call for its effect alone: free(malloc(8))
        p = _fresh(text2, "%sgp")
        n8 = _fresh(text2, "%sgn")
        if "free" in name:
            lines += [f"{n8} = llvm.mlir.zero : !llvm.ptr", f"llvm.call @{name}({n8}) : (!llvm.ptr) -> ()"]
        else:
            lines += [f"{n8} = llvm.mlir.constant(8 : i64) : i64",
                      f"{p} = llvm.call @{name}({n8}) : (i64) -> !llvm.ptr"]
        return _rewrite_return(text2, f, k, dest, lines)
    nargs = 0 if "nullary" in name else 1
    if rng.random() < 0.15:
        nargs = _pick(rng, [0, 2])
    args = ", ".join([c] * nargs)
    tys = ", ".join([elem] * nargs)
    vararg = "vararg(!llvm.func<" + elem + " (" + elem + ", ...)>) " if "vararg" in name else ""
    lines.append(f"{val} = llvm.call @{name}({args}) {vararg}: ({tys}) -> {elem}")
    cd = _index_constants(text2, [_index(rng, d, d == 0) for d in dims], lines)
    lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    return _rewrite_return(text2, f, k, new, lines)


def call_graph(rng, text):
    """func.call graphs: a function calling itself, cycles of 2 and 3 helper functions (one
    through the caller itself), an acyclic chain (valid), calls to an external declaration or an
    undefined symbol, and calls with the wrong number or types of operands."""
    t = _target(rng, text)
    if t is None:
        return text
    f, k, (dims, elem) = t
    dest, ty = f["ret"]["values"][k], f["ret"]["types"][k]
    kind = _pick(rng, ["self", "self", "self", "mutual2", "mutual2", "mutual3", "mutual3", "through-caller",
                       "chain", "chain", "external", "undefined", "arity", "types"])
    base = _fresh(text, "@sgcall")
    names = [f"{base}_{j}" for j in range(3)]
    float_elem = elem in ("f16", "bf16", "f32", "f64")
    vis = "private " if rng.random() < 0.5 else ""

    def helper(name, callee):  # (ty) -> ty, a graph op (when the type has one) and a call of callee
        body = [f"func.func {vis}{name}(%a: {ty}) -> {ty} {{"]
        v = "%a"
        if float_elem:
            body.append(f'  %n = "graph.neg"(%a) : ({ty}) -> {ty}')
            v = "%n"
        if callee:
            body.append(f"  %r = func.call {callee}({v}) : ({ty}) -> {ty}")
            v = "%r"
        return body + [f"  return {v} : {ty}", "}"]

    new = _fresh(text, "%sgi")
    helpers: list[str] = []
    call = f"{new} = func.call {names[0]}({dest}) : ({ty}) -> {ty}"
    if kind == "self":
        argv = ", ".join(a for a, _ in f["args"])
        argt = ", ".join(t_ for _, t_ in f["args"])
        rs = f["ret"]["types"]
        res = f"{new}:{len(rs)}" if len(rs) > 1 else new
        line = f"{res} = func.call @{f['name']}({argv}) : ({argt}) -> ({', '.join(rs)})"
        return _rewrite_return(text, f, k, f"{new}#{k}" if len(rs) > 1 else new, [line])
    if kind in ("mutual2", "mutual3", "chain"):
        n = 3 if kind != "mutual2" else 2
        for j in range(n):
            callee = names[j + 1] if j + 1 < n else (names[0] if kind != "chain" else None)
            helpers += helper(names[j], callee)
    elif kind == "through-caller":  # f -> h0 -> f, when f's signature allows it; else h0 -> h0
        same = len(f["args"]) == 1 and f["args"][0][1] == ty and f["ret"]["types"] == [ty]
        helpers += helper(names[0], f"@{f['name']}" if same else names[0])
    elif kind == "external":
        helpers.append(f"func.func private {names[0]}({ty}) -> {ty}")
    elif kind == "undefined":
        pass
    elif kind == "arity":
        helpers += helper(names[0], None)
        call = f"{new} = func.call {names[0]}({dest}, {dest}) : ({ty}, {ty}) -> {ty}"
    else:  # types
        helpers += helper(names[0], None)
        other = "tensor<" + "".join(f"{d + 1}x" for d in dims) + elem + ">"
        call = f"{new} = func.call {names[0]}({dest}) : ({ty}) -> {other}"
    text2 = _at_module_level(text, f, helpers) if helpers else text
    f = [h for h in _functions(text2) if h["name"] == f["name"]][0]
    return _rewrite_return(text2, f, k, new, [call])


def _odd_name(rng, text, funcs) -> str:
    name = _pick(rng, ODD_NAMES)
    if "{other}" in name:
        other = _pick(rng, funcs)["name"].strip('"') if funcs else "f"
        name = name.replace("{other}", other)
    return name


def odd_symbol_name(rng, text):
    """A function renamed to a symbol that needs quotes or cannot be an LLVM / C name (NUL and
    control characters, spaces, quotes, unicode, empty, leading digit, 5000 characters, names of
    libc, libm, MLIR's and symgrad's runtime symbols, another function's C wrapper), everywhere
    it is used, at its definition only, or as the callee of a new call."""
    funcs = _functions(text)
    if not funcs:
        return text
    f = _pick(rng, funcs)
    new = '@"' + _odd_name(rng, text, funcs) + '"'
    old = re.escape("@" + f["name"]) + r"(?![\w$.])"
    r = rng.random()
    if r < 0.55:  # everywhere: the module stays valid
        return re.sub(old, lambda _: new, text)
    if r < 0.65:  # the definition only
        s, e = f["header"]
        return text[:s] + re.sub(old, lambda _: new, text[s:e], count=1) + text[e:]
    # a helper with the odd name, called from f
    ks = [j for j, t in enumerate(f["ret"]["types"]) if _static(t)]
    if not ks:
        return re.sub(old, lambda _: new, text)
    k = _pick(rng, ks)
    ty, dest = f["ret"]["types"][k], f["ret"]["values"][k]
    vis = "private " if rng.random() < 0.6 else ""
    helper = [f"func.func {vis}{new}(%a: {ty}) -> {ty} {{", f"  return %a : {ty}", "}"]
    text2 = _at_module_level(text, f, helper)
    f = [h for h in _functions(text2) if h["name"] == f["name"]][0]
    v = _fresh(text2, "%sgi")
    return _rewrite_return(text2, f, k, v, [f"{v} = func.call {new}({dest}) : ({ty}) -> {ty}"])


FUNC_ATTRS = ["llvm.linkage = #llvm.linkage<internal>", "llvm.linkage = #llvm.linkage<private>",
              "llvm.linkage = #llvm.linkage<weak>", "llvm.linkage = #llvm.linkage<linkonce>",
              "llvm.linkage = #llvm.linkage<extern_weak>", "llvm.linkage = #llvm.linkage<available_externally>",
              "llvm.linkage = #llvm.linkage<common>", "llvm.linkage = #llvm.linkage<appending>",
              'passthrough = ["noinline"]', 'passthrough = ["alwaysinline", "noinline"]',
              'passthrough = [["frame-pointer", "all"]]', 'passthrough = ["noreturn"]', 'passthrough = ["readnone"]',
              'passthrough = ["optnone"]', 'passthrough = ["garbage"]', 'passthrough = [["garbage", "x"]]',
              'passthrough = [["alloc-size", "x"]]', 'passthrough = ["naked"]', 'passthrough = [""]',
              'passthrough = [["uwtable", "sync"]]', 'passthrough = ["nounwind", "willreturn", "mustprogress"]',
              "llvm.emit_c_interface", "llvm.readnone", "no_inline", "always_inline", 'llvm.section = ".text.x"',
              'section = ".sg"', "llvm.personality = @malloc", 'garbage_collector = "x"',
              "llvm.arm_streaming", 'target_cpu = "nosuchcpu"', 'target_features = #llvm.target_features<["+nosuch"]>',
              'frame_pointer = #llvm.framePointerKind<all>', "sym_visibility = \"nested\"", "llvm.align = 3 : i64"]
ARG_ATTRS = ["llvm.noalias", "llvm.align = 3 : i64", "llvm.align = 0 : i64", "llvm.align = 16 : i64",
             "llvm.align = 4294967296 : i64", "llvm.nonnull", "llvm.noundef", "llvm.readonly", "llvm.writeonly",
             "llvm.byval = f32", "llvm.sret = i8", "llvm.inalloca = i8", "llvm.dereferenceable = 999999999 : i64",
             "llvm.dereferenceable_or_null = 8 : i64", "llvm.inreg", "llvm.zeroext", "llvm.signext", "llvm.nest",
             "llvm.returned", "llvm.nocapture", "llvm.alignstack = 3 : i64", "llvm.noalias = 1 : i64",
             "llvm.range = #llvm.constant_range<i32, 0, 4>"]
MODULE_ATTRS = ['llvm.data_layout = "garbage"', 'llvm.data_layout = ""', 'llvm.data_layout = "E"',
                'llvm.data_layout = "e-p:16:16"', 'llvm.data_layout = "e-m:e-i64:64-f80:128-n8:16:32:64-S128"',
                'llvm.target_triple = "garbage"', 'llvm.target_triple = ""',
                'llvm.target_triple = "nvptx64-nvidia-cuda"',
                'llvm.target_triple = "aarch64-unknown-linux-gnu"', 'llvm.target_triple = "x86_64-unknown-linux-gnu"',
                'llvm.target_triple = "i386-pc-windows-msvc"', 'llvm.module_asm = ["nop"]', 'llvm.module_asm = []',
                'llvm.module_asm = [""]', 'llvm.ident = "x"', 'llvm.dependent_libraries = ["m"]',
                "dlti.dl_spec = #dlti.dl_spec<index = 32 : i64>", "dlti.dl_spec = #dlti.dl_spec<index = 16 : i64>",
                'dlti.dl_spec = #dlti.dl_spec<"dlti.endianness" = "big">',
                'dlti.dl_spec = #dlti.dl_spec<f32 = dense<64> : vector<2xi64>>', "llvm.target = 1 : i64"]


def llvm_attributes(rng, text):
    """func.func attributes that reach LLVM (linkage, passthrough, C interface, sections, ...),
    argument and result attributes (llvm.noalias, llvm.align = 3, byval, ...) and module
    attributes (llvm.data_layout = "garbage", target triples, module asm, DLTI specs)."""
    funcs = _functions(text)
    kind = int(rng.integers(3))
    if kind == 2 or not funcs:
        attrs = ", ".join(_pick(rng, MODULE_ATTRS) for _ in range(1 + int(rng.integers(2))))
        m = re.match(r"\s*module\b(\s*@[\w$.]+)?(\s*attributes\s*\{)?", text)
        if m and m.group(2):
            return text[:m.end()] + attrs + ", " + text[m.end():]
        if m:
            return text[:m.end()] + f" attributes {{{attrs}}}" + text[m.end():]
        return f"module attributes {{{attrs}}} {{\n{text}}}\n"
    f = _pick(rng, funcs)
    if kind == 0:  # function attributes
        attrs = ", ".join(_pick(rng, FUNC_ATTRS) for _ in range(1 + int(rng.integers(2))))
        s, e = f["header"]
        head = text[s:e]
        if " attributes {" in head:
            head = head.replace(" attributes {", f" attributes {{{attrs}, ", 1)
        else:
            head = head.rstrip() + f" attributes {{{attrs}}} "
        return text[:s] + head + text[e:]
    # argument / result attributes
    attr = _pick(rng, ARG_ATTRS)
    if f["args"] and rng.random() < 0.75:
        a, ty = _pick(rng, f["args"])
        s, e = f["args_span"]
        seg = text[s:e]
        m = re.search(re.escape(a) + r"\s*:\s*" + re.escape(ty) + r"(\s*\{)?", seg)
        if not m:
            return text
        seg = seg[:m.end()] + (f"{attr}, " if m.group(1) else f" {{{attr}}}") + seg[m.end():]
        return text[:s] + seg + text[e:]
    s, e = f["header"]
    head = text[s:e]
    hm = re.search(r"\) -> (tensor<[^<>]*>)(?= |$)", head)
    if not hm:
        return text
    return text[:s] + head[:hm.start()] + f") -> ({hm.group(1)} {{{attr}}})" + head[hm.end():] + text[e:]


LLVM_TYPES = ["f32", "f64", "i32", "i64"]


def llvm_dialect_module(rng, text):
    """The text replaced by a module that is all LLVM dialect, as a user's own pipeline or hand
    writes it for `symgrad-opt --emit=llvm-ir` (translated without lowering, where symgrad did
    not build the IR): globals (GLOBALS), inline asm, external and recursive llvm.func, odd
    names, function / argument / module attributes, getelementptr with constant indices."""
    ty = _pick(rng, LLVM_TYPES)
    is_float = ty.startswith("f")
    lines: list[str] = []
    body: list[str] = []
    use = "%a"
    if rng.random() < 0.6:
        init, _ = _pick(rng, GLOBALS)
        link = _pick(rng, LINKAGES) if rng.random() < 0.4 else "internal"
        if init.startswith("() :") and "{" not in init and link.startswith("internal"):
            link = "external"
        lines.append(f"llvm.mlir.global {link} @sgg{init}")
        body += ["%gp = llvm.mlir.addressof @sgg : !llvm.ptr", f"%gv = llvm.load %gp : !llvm.ptr -> {ty}"]
        use = "%gv"
    if rng.random() < 0.4:
        asm = _pick(rng, ASM).replace("\n", "\\0A")
        se = "has_side_effects " if rng.random() < 0.5 else ""
        cons = _pick(rng, ["=r,r", "=x,x", "=r", "", "=m", "=r,0"]) if not is_float else \
            _pick(rng, ["=x,x", "=x", "", "=m", "=x,0"])
        nops = cons.count(",") if cons and "~" not in cons else 0
        operands = f" {use}" if nops else ""
        body.append(f'%asm = llvm.inline_asm {se}"{asm}", "{cons}"{operands} : ({ty if nops else ""}) -> {ty}')
        use = "%asm"
    if rng.random() < 0.4:
        decl, name, returns = _pick(rng, EXTERNS)
        name = name.replace("{T}", ty)
        decl = decl.replace("{n}", name).replace("{T}", ty).replace("{{", "{").replace("}}", "}")
        lines.append(decl)
        if returns:
            nargs = 0 if "nullary" in name else 1
            vararg = f"vararg(!llvm.func<{ty} ({ty}, ...)>) " if "vararg" in name else ""
            body.append(f"%ext = llvm.call @{name}({use if nargs else ''}) {vararg}: ({ty if nargs else ''}) -> {ty}")
            use = "%ext"
    if rng.random() < 0.5:  # a store through the pointer argument at a constant element offset
        k = _pick(rng, ["0", "1", "-1", "4", "1000", "2147483647", "-2147483648", "2147483648",
                        "-9223372036854775808", "9223372036854775807"])
        if abs(int(k)) < 2 ** 31 and rng.random() < 0.6:  # a constant index (i32)
            body.append(f"%q = llvm.getelementptr %p[{k}] : (!llvm.ptr) -> !llvm.ptr, {ty}")
        else:
            body += [f"%k = llvm.mlir.constant({k} : i64) : i64",
                     f"%q = llvm.getelementptr %p[%k] : (!llvm.ptr, i64) -> !llvm.ptr, {ty}"]
        body.append(f"llvm.store {use}, %q : {ty}, !llvm.ptr")
    fname = "sgf" if rng.random() < 0.6 else '"' + _odd_name(rng, text, []) + '"'
    link = _pick(rng, ["", "", "", "internal ", "private ", "weak ", "linkonce_odr ", "available_externally "])
    aattr = f" {{{_pick(rng, ARG_ATTRS)}}}" if rng.random() < 0.3 else ""
    fattr = ""
    if rng.random() < 0.3:
        a = _pick(rng, FUNC_ATTRS)
        fattr = "" if a.startswith("llvm.linkage") else f" attributes {{{a}}}"
    if rng.random() < 0.15:  # calls itself
        body.append(f"%self = llvm.call @{fname}(%a, %p) : ({ty}, !llvm.ptr) -> {ty}")
        use = "%self"
    lines += [f"llvm.func {link}@{fname}(%a: {ty}, %p: !llvm.ptr{aattr}) -> {ty}{fattr} {{"]
    lines += [f"  {b}" for b in body] + [f"  llvm.return {use} : {ty}", "}"]
    if rng.random() < 0.25:
        attrs = _pick(rng, MODULE_ATTRS)
        return f"module attributes {{{attrs}}} {{\n" + "\n".join(lines) + "\n}\n"
    return "\n".join(lines) + "\n"


UPSTREAM_MUTATORS = [tensor_index_ops, llvm_global, llvm_inline_asm, llvm_func_call, call_graph, odd_symbol_name,
                     llvm_attributes, llvm_dialect_module]


MUTATORS = [drop_token, duplicate_token, swap_tokens, replace_token, truncate, drop_bracket, swap_type, mutate_dim,
            mutate_element_type, rename_op, mutate_attribute, add_attribute_dict, mutate_number, rewire_value,
            self_cycle, duplicate_function, nest_in_region, multi_block, recursive_call, deep_nesting, insert_bytes,
            change_results, resize_everywhere] + UPSTREAM_MUTATORS


def mutate(rng: np.random.Generator, text: str, mutators=None) -> tuple[bytes, list[str]]:
    """One to three mutations of `text` (from `mutators`, default MUTATORS); returns (bytes,
    names of the mutators applied)."""
    mutators = MUTATORS if mutators is None else mutators
    names = []
    out: str | bytes = text
    for _ in range(1 + int(rng.integers(3) if rng.random() < 0.4 else 0)):
        fn = _pick(rng, mutators)
        if isinstance(out, bytes):  # after insert_bytes, mutate the text around the bytes
            out = fn(rng, out.decode("utf-8", "surrogateescape"))
            out = out.encode("utf-8", "surrogateescape") if isinstance(out, str) else out
        else:
            out = fn(rng, out)
        names.append(fn.__name__)
    return (out if isinstance(out, bytes) else out.encode("utf-8", "surrogateescape")), names


@lru_cache(maxsize=1)
def valid_corpus() -> tuple[tuple[str, str], ...]:
    """The seed texts that parse and verify: what the upstream-dialect mutators start from, so
    their mutants get as far as compiling."""
    import symgrad as sg
    out = []
    for name, text in corpus():
        try:
            sg.parse(text)
        except Exception:  # noqa: BLE001 - a seed that does not parse is simply not used
            continue
        out.append((name, text))
    return tuple(out)


def cases(seed: int, n: int, max_lines: int | None = None, mutators=None) -> list[tuple[str, bytes]]:
    """n mutated texts from seed: (name, bytes). The name says the seed text, the case index and mutators.
    With `mutators` (e.g. UPSTREAM_MUTATORS), only those are applied, to seeds that parse."""
    rng = np.random.default_rng(seed)
    pool = corpus() if mutators is None else valid_corpus()
    seeds = [c for c in pool if max_lines is None or c[1].count("\n") <= max_lines]
    # Mutants of valid seeds get further (verifier, gradient pass, lowering): invalid.mlir's
    # chunks, already wrong, are drawn less often.
    weights = np.array([0.2 if "invalid" in name or "errors" in name else 1.0 for name, _ in seeds])
    weights /= weights.sum()
    out = []
    for k in range(n):
        name, text = seeds[int(rng.choice(len(seeds), p=weights))]
        data, how = mutate(rng, text, mutators)
        out.append((f"{seed}:{k}:{name}:{'+'.join(how)}", data))
    return out
