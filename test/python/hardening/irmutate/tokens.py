"""Mutators of IR as text: dropped, duplicated, swapped and replaced tokens, truncation, dropped
brackets, non-UTF-8 and NUL bytes, types / attributes / regions nested thousands deep (MLIR's
recursive-descent parser)."""
from __future__ import annotations

import re

from .irtext import TENSOR, pick

TOKEN = re.compile(r'''"(?:[^"\\\n]|\\.)*"|\s+|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[%@^#!]?[A-Za-z_$.][\w$.\-]*|%[\w$.]+|->|.''',
                   re.S)
BYTES = [b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00", b"\xc0\xaf",
         b"\xef\xbb\xbf", b"\x1b[31m"]


def _tokens(text):
    return TOKEN.findall(text)


def _solid(tokens):
    return [i for i, t in enumerate(tokens) if not t.isspace()]


def drop_token(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if idx:
        del toks[pick(rng, idx)]
    return "".join(toks)


def duplicate_token(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if idx:
        i = pick(rng, idx)
        toks.insert(i, toks[i] + ("" if rng.random() < 0.5 else " "))
    return "".join(toks)


def swap_tokens(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if len(idx) > 1:
        i, j = pick(rng, idx), pick(rng, idx)
        toks[i], toks[j] = toks[j], toks[i]
    return "".join(toks)


def replace_token(rng, text):
    toks = _tokens(text)
    idx = _solid(toks)
    if idx:
        pool = list("{}()<>[],:=?*x") + ["->", "%0", "^bb1", "@f", "#map", "!x", '"', "loc", "dense"]
        toks[pick(rng, idx)] = pick(rng, pool) if rng.random() < 0.6 else toks[pick(rng, idx)]
    return "".join(toks)


def truncate(rng, text):
    return text[: int(rng.integers(len(text) + 1))]


def drop_bracket(rng, text):
    spots = [m.start() for m in re.finditer(r"[{}()<>\[\]]", text)]
    if not spots:
        return text
    i = pick(rng, spots)
    return text[:i] + text[i + 1:]


def deep_nesting(rng, text):
    """A type, attribute or region nested thousands deep (MLIR's recursive-descent parser)."""
    depth = int(pick(rng, [200, 2000, 20000, 60000]))
    kind = int(rng.integers(4))
    if kind == 0:
        bomb = "tensor<" * depth + "f32" + ">" * depth
        spots = list(TENSOR.finditer(text))
        if not spots:
            return text
        m = pick(rng, spots)
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
    return data[:i] + pick(rng, BYTES) + data[i:]
