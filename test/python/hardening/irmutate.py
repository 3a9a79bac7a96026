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


MUTATORS = [drop_token, duplicate_token, swap_tokens, replace_token, truncate, drop_bracket, swap_type, mutate_dim,
            mutate_element_type, rename_op, mutate_attribute, add_attribute_dict, mutate_number, rewire_value,
            self_cycle, duplicate_function, nest_in_region, multi_block, recursive_call, deep_nesting, insert_bytes,
            change_results, resize_everywhere]


def mutate(rng: np.random.Generator, text: str) -> tuple[bytes, list[str]]:
    """One to three mutations of `text`; returns (bytes, names of the mutators applied)."""
    names = []
    out: str | bytes = text
    for _ in range(1 + int(rng.integers(3) if rng.random() < 0.4 else 0)):
        fn = _pick(rng, MUTATORS)
        if isinstance(out, bytes):  # after insert_bytes, mutate the text around the bytes
            out = fn(rng, out.decode("utf-8", "surrogateescape"))
            out = out.encode("utf-8", "surrogateescape") if isinstance(out, str) else out
        else:
            out = fn(rng, out)
        names.append(fn.__name__)
    return (out if isinstance(out, bytes) else out.encode("utf-8", "surrogateescape")), names


def cases(seed: int, n: int, max_lines: int | None = None) -> list[tuple[str, bytes]]:
    """n mutated texts from seed: (name, bytes). The name says the seed text, the case index and mutators."""
    rng = np.random.default_rng(seed)
    seeds = [c for c in corpus() if max_lines is None or c[1].count("\n") <= max_lines]
    # Mutants of valid seeds get further (verifier, gradient pass, lowering): invalid.mlir's
    # chunks, already wrong, are drawn less often.
    weights = np.array([0.2 if "invalid" in name or "errors" in name else 1.0 for name, _ in seeds])
    weights /= weights.sum()
    out = []
    for k in range(n):
        name, text = seeds[int(rng.choice(len(seeds), p=weights))]
        data, how = mutate(rng, text)
        out.append((f"{seed}:{k}:{name}:{'+'.join(how)}", data))
    return out
