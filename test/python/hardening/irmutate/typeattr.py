"""Mutators of types, shapes, attributes and numbers: swapped types and element types, huge /
negative / overflowing / zero dims (one dim resized everywhere, so the module may still verify),
garbage and missing attributes, attribute dictionaries on ops that take none, changed numbers."""
from __future__ import annotations

import re

from .irtext import TENSOR, pick

ATTR_DICT = re.compile(r"\{([^{}\n]*=[^{}\n]*)\}")
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


def swap_type(rng, text):
    spots = list(TENSOR.finditer(text))
    if not spots:
        return text
    m = pick(rng, spots)
    new = pick(rng, TYPES) if rng.random() < 0.6 else pick(rng, spots).group(0)
    return text[:m.start()] + new + text[m.end():]


def mutate_dim(rng, text):
    spots = [m for m in TENSOR.finditer(text)]
    if not spots:
        return text
    m = pick(rng, spots)
    parts = m.group(1).split("x")
    dims, elem = parts[:-1], parts[-1]
    r = rng.random()
    if dims and r < 0.6:
        dims[int(rng.integers(len(dims)))] = pick(rng, DIMS)
    elif dims and r < 0.8:
        del dims[int(rng.integers(len(dims)))]
    else:
        dims.insert(int(rng.integers(len(dims) + 1)), pick(rng, DIMS))
    new = "tensor<" + "".join(d + "x" for d in dims) + elem + ">"
    # Often the same mutation everywhere the type occurs, so the module may still verify.
    if rng.random() < 0.5:
        return text.replace(m.group(0), new)
    return text[:m.start()] + new + text[m.end():]


def mutate_element_type(rng, text):
    spots = list(TENSOR.finditer(text))
    if not spots:
        return text
    m = pick(rng, spots)
    parts = m.group(1).split("x")
    new = "tensor<" + "".join(d + "x" for d in parts[:-1]) + pick(rng, ELEMENT_TYPES) + ">"
    if rng.random() < 0.5:
        return text.replace(m.group(0), new)
    return text[:m.start()] + new + text[m.end():]


def mutate_attribute(rng, text):
    spots = list(ATTR_DICT.finditer(text))
    if not spots:
        return text
    m = pick(rng, spots)
    entries = [e.strip() for e in re.split(r",\s*(?=[\w.\"]+\s*=)", m.group(1)) if e.strip()]
    r = rng.random()
    if entries and r < 0.3:
        del entries[int(rng.integers(len(entries)))]
    elif entries and r < 0.75:
        k = int(rng.integers(len(entries)))
        key = entries[k].split("=", 1)[0].strip()
        entries[k] = f"{key} = {pick(rng, ATTR_VALUES)}"
    elif entries and r < 0.9:
        k = int(rng.integers(len(entries)))
        key, _, value = entries[k].partition("=")
        entries[k] = key + "=" + NUMBER.sub(lambda _: pick(rng, NUMBERS), value, count=1)
    else:
        entries.append(f"{pick(rng, ['bogus', 'graph.bogus', 'axes', 'graph.requires_grad', 'value'])} = "
                       f"{pick(rng, ATTR_VALUES)}")
    return text[:m.start()] + "{" + ", ".join(entries) + "}" + text[m.end():]


def add_attribute_dict(rng, text):
    """An attribute dictionary on an op that takes none, or a second one."""
    spots = [m for m in re.finditer(r'"graph\.\w+"\([^)]*\)', text)]
    if not spots:
        return text
    m = pick(rng, spots)
    return text[:m.end()] + f" {{{pick(rng, ['axes', 'shape', 'perm', 'to', 'value', 'x'])} = " \
                            f"{pick(rng, ATTR_VALUES)}}}" + text[m.end():]


def mutate_number(rng, text):
    spots = list(NUMBER.finditer(text))
    if not spots:
        return text
    m = pick(rng, spots)
    return text[:m.start()] + pick(rng, NUMBERS) + text[m.end():]


def resize_everywhere(rng, text):
    """One dimension size changed in every tensor type (0 and 1 are the lowering's corners): the
    module often still verifies, so the mutant reaches the gradient pass and the lowering."""
    dims = sorted({d for m in TENSOR.finditer(text) for d in m.group(1).split("x")[:-1] if d.isdigit()})
    if not dims:
        return text
    old, new = pick(rng, dims), pick(rng, ["0", "1", "2", "5", "64"])

    def fix(m):
        parts = m.group(1).split("x")
        return "tensor<" + "x".join([new if p == old else p for p in parts[:-1]] + parts[-1:]) + ">"

    return TENSOR.sub(fix, text)
