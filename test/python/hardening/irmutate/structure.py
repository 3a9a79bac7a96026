"""Mutators of a module's structure: unknown and misspelled op names, values used before their
definition or by themselves (cycles), cycles through block arguments, multi-block bodies, graph
ops in other ops' regions or at module level, duplicate symbols, recursive calls, returns that
disagree with the signature."""
from __future__ import annotations

import re

from .irtext import pick
from .typeattr import TYPES

GRAPH_OP = re.compile(r'"graph\.(\w+)"')
VALUE = re.compile(r"%[\w$.]+")
OP_LINE = re.compile(r'^(\s*)(%[\w$.]+) = ("graph\.\w+"\(([^)]*)\)[^\n]*?: \([^\n]*\) -> (tensor<[^<>]*>))\s*$', re.M)
FUNC = re.compile(r"func\.func (?:private )?@([\w$.]+)\(")

OP_NAMES = ["graph.nosuch", "graph.", "graph.exp.x", "foo.bar", "arith.addf", "func.return", "builtin.module",
            "func.func", "graph.EXP", "graph.exp ", "math.exp", "tensor.empty", "linalg.matmul", "scf.yield",
            "test.op", "llvm.call", "cf.br"]


def rename_op(rng, text):
    from symgrad.dialects.graph.registry import OPS
    spots = list(GRAPH_OP.finditer(text))
    if not spots:
        return text
    m = pick(rng, spots)
    new = pick(rng, OP_NAMES) if rng.random() < 0.5 else "graph." + pick(rng, sorted(OPS))
    return text[:m.start()] + f'"{new}"' + text[m.end():]


def rewire_value(rng, text):
    """A use of one value replaced by another: use-before-def, self-use (a cycle), undefined, type clash."""
    uses = [m for m in VALUE.finditer(text)]
    if not uses:
        return text
    m = pick(rng, uses)
    names = sorted({u.group(0) for u in uses}) + ["%nosuch", "%arg99", "%0#1", "%0#0", "%999"]
    return text[:m.start()] + pick(rng, names) + text[m.end():]


def self_cycle(rng, text):
    """An op whose operand is its own result, or two ops that use each other."""
    ops = list(OP_LINE.finditer(text))
    if not ops:
        return text
    m = pick(rng, ops)
    operands = [o.strip() for o in m.group(4).split(",") if o.strip()]
    if not operands:
        return text
    k = int(rng.integers(len(operands)))
    target = m.group(2)
    later = [o.group(2) for o in ops if o.start() > m.start()]
    if later and rng.random() < 0.5:
        target = pick(rng, later)
    operands[k] = target
    line = m.group(0).replace(m.group(4), ", ".join(operands), 1)
    return text[:m.start()] + line + text[m.end():]


def duplicate_function(rng, text):
    """The module's first function twice (a duplicate symbol), or another function renamed to its name."""
    funcs = list(FUNC.finditer(text))
    if not funcs:
        return text
    m = pick(rng, funcs)
    end = text.find("\n}", m.start())
    if end < 0:
        end = len(text)
    body = text[m.start():end + 2]
    if len(funcs) > 1 and rng.random() < 0.5:
        other = pick(rng, [f for f in funcs if f.start() != m.start()] or funcs)
        return text.replace(f"@{other.group(1)}(", f"@{m.group(1)}(", 1)
    return text[:end + 2] + "\n" + body + text[end + 2:]


def nest_in_region(rng, text):
    """A graph op moved into the region of another op (scf.execute_region, scf.if, a nested module, a graph op)."""
    ops = list(OP_LINE.finditer(text))
    if not ops:
        return text
    m = pick(rng, ops)
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
    m = pick(rng, ops)
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
    m = pick(rng, funcs)
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


def change_results(rng, text):
    """The return and the function type disagree (count or type)."""
    spots = [m for m in re.finditer(r"return ([^\n]*)", text)]
    if not spots:
        return text
    m = pick(rng, spots)
    r = rng.random()
    if r < 0.4:
        new = "return"
    elif r < 0.7:
        vals, _, tys = m.group(1).partition(" : ")
        new = f"return {vals}, {vals} : {tys}, {tys}" if vals else "return"
    else:
        new = "return " + re.sub(r"tensor<[^<>]*>", lambda _: pick(rng, TYPES), m.group(1))
    return text[:m.start()] + new + text[m.end():]
