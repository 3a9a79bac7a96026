"""Every registry op, driven by the registry: built through the front-end, verified,
interpreted, and checked against its numpy reference AND an independent table
of plain-numpy expectations.

Adding an op to `dialects/graph/ops/` adds its cases here with no new test code,
except two deliberate decisions the tests force by failing until they are made:
- `FRONTEND`: how to call `sg.<api_name>` from a sample's IR attributes, for ops
  with attributes (ops without attributes are called with their operands);
- `NUMPY`: the op's expected value written in plain numpy, so the interpreter's
  reference is not only compared with itself.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import symgrad as sg
from symgrad.dialects.graph.registry import OPS, OpDef, Sample
from symgrad.dialects.graph.types import TensorType
from symgrad.dialects.graph.verifier import op_attributes, verify as verify_graph

from sgtest import TOL

DTYPES = ("f32", "f64")


# --------------------------------------------------------------------------- front-end calls
# op name -> fn(api, operands, attrs) calling the front-end function `api` (sg.<api_name>)
# with numpy-style arguments equivalent to the sample's IR attributes.
def _reduction(api, xs, a):
    return api(xs[0], axis=a["axes"], keepdims=a["keepdims"])


FRONTEND = {
    **{name: _reduction for name in ("sum", "mean", "max", "min", "logsumexp")},
    "transpose": lambda api, xs, a: api(xs[0], axes=a["perm"]),
    "reshape": lambda api, xs, a: api(xs[0], a["shape"]),
    "broadcast_to": lambda api, xs, a: api(xs[0], a["shape"]),
    "sum_to_size": lambda api, xs, a: api(xs[0], a["shape"]),
    "concat": lambda api, xs, a: api(list(xs), axis=a["axis"]),
    "slice": lambda api, xs, a: api(xs[0], tuple(slice(*t) for t in zip(a["start"], a["stop"], a["step"]))),
    "pad": lambda api, xs, a: api(xs[0], a["shape"], a["start"], a["step"]),
    "constant": lambda api, xs, a: api(a["value"]),
    # every spelling of a dtype that numpy's astype takes: a numpy type, a name, a Python type
    "cast": lambda api, xs, a: api(xs[0], {"f32": np.float32, "f64": "float64", "i32": "int32", "i64": np.int64,
                                           "i1": bool}[a["to"]]),
    "argmax": lambda api, xs, a: api(xs[0], axis=a["axis"], keepdims=a["keepdims"]),
    "argmin": lambda api, xs, a: api(xs[0], axis=a["axis"], keepdims=a["keepdims"]),
    "one_hot": lambda api, xs, a: api(xs[0], a["depth"], dtype=TensorType((), a["dtype"]).np_dtype),
    "norm": _reduction,
    "var": lambda api, xs, a: api(xs[0], axis=a["axes"], ddof=a["ddof"], keepdims=a["keepdims"]),
    "std": lambda api, xs, a: api(xs[0], axis=a["axes"], ddof=a["ddof"], keepdims=a["keepdims"]),
    "leaky_relu": lambda api, xs, a: api(xs[0], negative_slope=a["negative_slope"]),
    "elu": lambda api, xs, a: api(xs[0], alpha=a["alpha"]),
    "hardtanh": lambda api, xs, a: api(xs[0], min_val=a["min_val"], max_val=a["max_val"]),
    "clip": lambda api, xs, a: api(xs[0], None if a["min"] == -np.inf else a["min"], a["max"]),
    "cumsum": lambda api, xs, a: api(xs[0], axis=a["axis"], reverse=a["reverse"]),
    "reverse": lambda api, xs, a: api(xs[0], a["axes"]),
    "sort_with_indices": lambda api, xs, a: api(xs[0], axis=a["axis"], descending=a["descending"]),
    "topk": lambda api, xs, a: api(xs[0], a["k"], axis=a["axis"]),
    "random_bits": lambda api, xs, a: api(xs[0], a["shape"]),
    **{name: lambda api, xs, a: api(*xs, axis=a["axis"])
       for name in ("take", "take_along_axis", "scatter_add", "scatter_add_along_axis")},
}


# --------------------------------------------------------------------------- independent numpy
def _erf_series(x):
    """erf by its Maclaurin series in float64 (|x| <= 3), independent of math.erf."""
    x = x.astype(np.float64)
    term, total = x.copy(), x.copy()
    for n in range(1, 80):
        term = term * (-x * x) / n
        total = total + term / (2 * n + 1)
    return 2.0 / math.sqrt(math.pi) * total


def _prefix_sums(x, axis, reverse):
    """Cumulative sums by summing each prefix (or suffix) outright."""
    x = np.moveaxis(x, axis, 0)
    n = x.shape[0]
    out = np.stack([x[i:].sum(axis=0) if reverse else x[:i + 1].sum(axis=0) for i in range(n)])
    return np.moveaxis(out, 0, axis)


def _deviations(x, a):
    """sum((x - mean)^2) / (n - ddof) from the definition."""
    n = math.prod(x.shape[i] for i in a["axes"])
    mean = np.sum(x, axis=a["axes"], keepdims=True) / n
    return np.sum((x - mean) ** 2, axis=a["axes"], keepdims=a["keepdims"]) / (n - a["ddof"])


def _flip(x, axes):
    return x[tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(x.ndim))]


def _sum_to_size(x, shape):
    y = x.sum(axis=tuple(range(x.ndim - len(shape))))
    for i, d in enumerate(shape):
        if d == 1:
            y = y.sum(axis=i, keepdims=True)
    return y


def _pad(x, shape, start, step):
    out = np.zeros(shape)
    out[tuple(slice(a, a + (n - 1) * s + 1, s) for a, s, n in zip(start, step, x.shape))] = x
    return out


def _matmul(a, b):
    return (a[..., :, :, None] * b[..., None, :, :]).sum(axis=-2)


def _transpose(x, perm):
    letters = "abcdefgh"[:x.ndim]
    return np.einsum(f"{letters}->{''.join(letters[p] for p in perm)}", x)


def _where(c, a, b):
    c, a, b = np.broadcast_arrays(c, a, b)
    out = b.copy()
    out[c] = a[c]
    return out


def _first_extremum(x, axis, keepdims, larger):
    """The first index along `axis` where x is at its extremum (NaN counting as it), by a loop."""
    x = np.moveaxis(x, axis, -1)
    out = np.zeros(x.shape[:-1], np.int64)
    for idx in np.ndindex(*x.shape[:-1]):
        row, best = x[idx], 0
        for k in range(1, row.shape[0]):
            if np.isnan(row[best]):
                break
            if np.isnan(row[k]) or (row[k] > row[best] if larger else row[k] < row[best]):
                best = k
        out[idx] = best
    return np.expand_dims(out, axis) if keepdims else out


def _one_hot(labels, depth):
    inside = (labels >= 0) & (labels < depth)
    return np.where(inside[..., None], np.eye(depth)[np.clip(labels, 0, max(depth - 1, 0))], 0.0)


def _floor_quotient(a, b):
    """floor(a / b) (0 for a zero integer divisor); integers by Python's exact // per element."""
    if a.dtype.kind == "f":
        return np.floor(a / b)
    a, b = np.broadcast_arrays(a, b)
    return np.array([x // y if y else 0 for x, y in zip(a.ravel().tolist(), b.ravel().tolist())],
                    np.int64).reshape(a.shape)


def _floor_remainder(a, b):
    if a.dtype.kind == "f":
        return a - np.floor(a / b) * b
    a, b = np.broadcast_arrays(a, b)
    return np.array([x % y if y else 0 for x, y in zip(a.ravel().tolist(), b.ravel().tolist())],
                    np.int64).reshape(a.shape)


def _threefry_bits(key, shape):
    """Threefry-2x32-20 on Python ints, element by element: element i is word i % 2 of the block
    at counter (0, i // 2) (Random123's algorithm, transcribed independently of threefry.py)."""
    m = 0xFFFFFFFF
    k = [int(key[0]) & m, int(key[1]) & m]
    k.append(k[0] ^ k[1] ^ 0x1BD11BDA)
    out = []
    for i in range(int(np.prod(shape, dtype=np.int64))):
        x = [k[0], ((i // 2) + k[1]) & m]
        for r in range(20):
            s = (13, 15, 26, 6, 17, 29, 16, 24)[r % 8]
            x[0] = (x[0] + x[1]) & m
            x[1] = (((x[1] << s) | (x[1] >> (32 - s))) & m) ^ x[0]
            if r % 4 == 3:
                j = (r + 1) // 4
                x[0] = (x[0] + k[j % 3]) & m
                x[1] = (x[1] + k[(j + 1) % 3] + j) & m
        out.append(x[i % 2])
    return np.array(out, np.int64).reshape(tuple(shape)) - (np.array(out, np.int64).reshape(tuple(shape)) >> 31) * (1 << 32)


def _wrapped(i, n):
    """An index as the indexing ops read it: from the end when negative; None when still outside."""
    i = int(i) + n if i < 0 else int(i)
    return i if 0 <= i < n else None


def _gathered(x, idx, axis, along):
    """take / take_along_axis, one result element at a time (0 where the index is out of range)."""
    k = idx.ndim
    shape = idx.shape if along else x.shape[:axis] + idx.shape + x.shape[axis + 1:]
    out = np.zeros(shape, x.dtype)
    for pos in np.ndindex(*shape):
        i = _wrapped(idx[pos] if along else idx[pos[axis:axis + k]], x.shape[axis])
        if i is not None:
            out[pos] = x[pos[:axis] + (i,) + pos[axis + (1 if along else k):]]
    return out


def _scattered(x, idx, upd, axis, along):
    """scatter_add / scatter_add_along_axis, one update at a time in row-major order."""
    k = 1 if along else idx.ndim
    out = x.copy()
    for pos in np.ndindex(*upd.shape):
        i = _wrapped(idx[pos] if along else idx[pos[axis:axis + k]], x.shape[axis])
        if i is not None:
            out[pos[:axis] + (i,) + pos[axis + k:]] += upd[pos]
    return out


def _cast(x, to):
    if to == "i1":
        return x != 0
    return np.trunc(x) if TensorType((), to).is_int and x.dtype.kind == "f" else x * 1


def _sorted_rows(x, axis, descending, k=None):
    """(values, indices) by sorting each row's positions with Python's stable `sorted` on a key
    that puts NaN after every number (before, when descending), as numpy.sort does."""
    x = np.moveaxis(x, axis, -1)
    k = x.shape[-1] if k is None else k
    vals, idx = np.zeros(x.shape[:-1] + (k,), x.dtype), np.zeros(x.shape[:-1] + (k,), np.int64)
    for pos in np.ndindex(*x.shape[:-1]):
        row = x[pos]
        nan = [bool(np.isnan(v)) if row.dtype.kind == "f" else False for v in row]
        if descending:
            order = sorted(range(len(row)), key=lambda i: (not nan[i], 0 if nan[i] else -row[i]))
        else:
            order = sorted(range(len(row)), key=lambda i: (nan[i], 0 if nan[i] else row[i]))
        idx[pos] = order[:k]
        vals[pos] = row[order[:k]]
    return np.moveaxis(vals, -1, axis), np.moveaxis(idx, -1, axis)


# op name -> fn(inputs as float64 (int64 for integers, bool for i1), attrs) -> expected value, in plain numpy.
NUMPY = {
    "neg": lambda xs, a: 0.0 - xs[0],
    "exp": lambda xs, a: np.e ** xs[0],
    "log": lambda xs, a: np.log(xs[0]),
    "tanh": lambda xs, a: (np.exp(2 * xs[0]) - 1) / (np.exp(2 * xs[0]) + 1),
    "sigmoid": lambda xs, a: 0.5 * (1 + np.tanh(xs[0] / 2)),
    "relu": lambda xs, a: np.where(xs[0] > 0, xs[0], 0.0),
    "sqrt": lambda xs, a: xs[0] ** 0.5,
    "rsqrt": lambda xs, a: xs[0] ** -0.5,
    "abs": lambda xs, a: np.where(xs[0] < 0, -xs[0], xs[0]),
    "sin": lambda xs, a: np.cos(xs[0] - np.pi / 2),
    "cos": lambda xs, a: np.sin(xs[0] + np.pi / 2),
    "erf": lambda xs, a: _erf_series(xs[0]),
    "log1p": lambda xs, a: np.log(1 + xs[0]),
    "expm1": lambda xs, a: np.exp(xs[0]) - 1,
    "reciprocal": lambda xs, a: 1 / xs[0],
    "stop_gradient": lambda xs, a: xs[0],
    "add": lambda xs, a: xs[0] + xs[1],
    "sub": lambda xs, a: xs[0] - xs[1],
    "mul": lambda xs, a: xs[0] * xs[1],
    "div": lambda xs, a: xs[0] / xs[1],
    "pow": lambda xs, a: np.exp(xs[1] * np.log(xs[0])),
    "maximum": lambda xs, a: np.where(xs[0] >= xs[1], xs[0], xs[1]),
    "minimum": lambda xs, a: np.where(xs[0] <= xs[1], xs[0], xs[1]),
    "gt": lambda xs, a: xs[0] > xs[1],
    "ge": lambda xs, a: xs[0] >= xs[1],
    "lt": lambda xs, a: xs[0] < xs[1],
    "le": lambda xs, a: xs[0] <= xs[1],
    "eq": lambda xs, a: xs[0] == xs[1],
    "ne": lambda xs, a: xs[0] != xs[1],
    "select": lambda xs, a: _where(*xs),
    "sum": lambda xs, a: np.sum(xs[0], axis=a["axes"], keepdims=a["keepdims"]),
    "mean": lambda xs, a: np.sum(xs[0], axis=a["axes"], keepdims=a["keepdims"])
    / math.prod(xs[0].shape[i] for i in a["axes"]),
    "max": lambda xs, a: np.amax(xs[0], axis=a["axes"], keepdims=a["keepdims"]),
    "min": lambda xs, a: np.amin(xs[0], axis=a["axes"], keepdims=a["keepdims"]),
    "logsumexp": lambda xs, a: np.log(np.sum(np.exp(xs[0]), axis=a["axes"], keepdims=a["keepdims"])),
    "matmul": lambda xs, a: _matmul(*xs),
    "transpose": lambda xs, a: _transpose(xs[0], a["perm"]),
    "reshape": lambda xs, a: xs[0].reshape(a["shape"]),
    "broadcast_to": lambda xs, a: xs[0] + np.zeros(a["shape"]),
    "sum_to_size": lambda xs, a: _sum_to_size(xs[0], a["shape"]),
    "concat": lambda xs, a: np.concatenate(xs, axis=a["axis"]),
    "slice": lambda xs, a: xs[0][tuple(slice(*t) for t in zip(a["start"], a["stop"], a["step"]))],
    "pad": lambda xs, a: _pad(xs[0], a["shape"], a["start"], a["step"]),
    "constant": lambda xs, a: a["value"],
    "cast": lambda xs, a: _cast(xs[0], a["to"]),
    "argmax": lambda xs, a: _first_extremum(xs[0], a["axis"], a["keepdims"], True),
    "argmin": lambda xs, a: _first_extremum(xs[0], a["axis"], a["keepdims"], False),
    "one_hot": lambda xs, a: _one_hot(xs[0], a["depth"]),
    "logical_and": lambda xs, a: np.minimum(xs[0] * 1, xs[1] * 1) == 1,
    "logical_or": lambda xs, a: xs[0] * 1 + xs[1] * 1 > 0,
    "logical_xor": lambda xs, a: xs[0] * 1 + xs[1] * 1 == 1,
    "logical_not": lambda xs, a: 1 - xs[0] * 1 == 1,
    "tan": lambda xs, a: np.sin(xs[0]) / np.cos(xs[0]),
    "atan": lambda xs, a: np.arcsin(xs[0] / np.sqrt(1 + xs[0] ** 2)),
    "asin": lambda xs, a: np.arctan(xs[0] / np.sqrt(1 - xs[0] ** 2)),
    "acos": lambda xs, a: np.pi / 2 - np.arctan(xs[0] / np.sqrt(1 - xs[0] ** 2)),
    "sinh": lambda xs, a: (np.exp(xs[0]) - np.exp(-xs[0])) / 2,
    "cosh": lambda xs, a: (np.exp(xs[0]) + np.exp(-xs[0])) / 2,
    "log2": lambda xs, a: np.log(xs[0]) / np.log(2),
    "log10": lambda xs, a: np.log(xs[0]) / np.log(10),
    "exp2": lambda xs, a: np.exp(xs[0] * np.log(2)),
    "floor": lambda xs, a: xs[0] - np.mod(xs[0], 1.0),
    "ceil": lambda xs, a: -(-xs[0] - np.mod(-xs[0], 1.0)),
    "round": lambda xs, a: np.rint(xs[0]),
    "sign": lambda xs, a: (xs[0] > 0) * 1.0 - (xs[0] < 0) * 1.0,
    "softplus": lambda xs, a: np.log(1 + np.exp(xs[0])),
    "log_sigmoid": lambda xs, a: -np.log(1 + np.exp(-xs[0])),
    "silu": lambda xs, a: xs[0] / (1 + np.exp(-xs[0])),
    "leaky_relu": lambda xs, a: np.maximum(xs[0], 0) + a["negative_slope"] * np.minimum(xs[0], 0),
    "elu": lambda xs, a: np.maximum(xs[0], 0) + a["alpha"] * (np.exp(np.minimum(xs[0], 0)) - 1),
    "hardtanh": lambda xs, a: np.minimum(np.maximum(xs[0], a["min_val"]), a["max_val"]),
    "clip": lambda xs, a: np.minimum(np.maximum(xs[0], a["min"]), a["max"]),
    "cumsum": lambda xs, a: _prefix_sums(xs[0], a["axis"], a["reverse"]),
    "reverse": lambda xs, a: _flip(xs[0], a["axes"]),
    "take": lambda xs, a: _gathered(xs[0], xs[1], a["axis"], False),
    "take_along_axis": lambda xs, a: _gathered(xs[0], xs[1], a["axis"], True),
    "scatter_add": lambda xs, a: _scattered(xs[0], xs[1], xs[2], a["axis"], False),
    "scatter_add_along_axis": lambda xs, a: _scattered(xs[0], xs[1], xs[2], a["axis"], True),
    "var": lambda xs, a: _deviations(xs[0], a),
    "std": lambda xs, a: np.sqrt(_deviations(xs[0], a)),
    "norm": lambda xs, a: np.sum(np.abs(xs[0]) ** 2, axis=a["axes"], keepdims=a["keepdims"]) ** 0.5,
    "floor_divide": lambda xs, a: _floor_quotient(*xs),
    "remainder": lambda xs, a: _floor_remainder(*xs),
    "random_bits": lambda xs, a: _threefry_bits(xs[0], a["shape"]),
    "sort_with_indices": lambda xs, a: _sorted_rows(xs[0], a["axis"], a["descending"]),
    "topk": lambda xs, a: _sorted_rows(xs[0], a["axis"], True, a["k"]),
}

# Ops whose tests draw inputs on a coarse grid, so that ties (a == b) occur and the
# comparisons, maximum and minimum are checked on them too.
TIES = {"gt", "ge", "lt", "le", "eq", "ne", "maximum", "minimum", "max", "min", "clip", "hardtanh", "round",
        "sign", "argmax", "argmin", "sort_with_indices", "topk"}


# --------------------------------------------------------------------------- cases
def _in_dtype(t: TensorType, dtype: str) -> TensorType:
    return t.with_dtype(dtype) if t.is_float else t  # integer and boolean operands stay as they are


def _retype(sample: Sample, dtype: str) -> Sample:
    """The sample with its float operands (and a constant's value) in `dtype`."""
    attrs = dict(sample.attrs)
    if isinstance(attrs.get("value"), np.ndarray) and attrs["value"].dtype.kind == "f":
        attrs["value"] = attrs["value"].astype(TensorType((), dtype).np_dtype)
    return Sample(tuple(_in_dtype(t, dtype) for t in sample.operands), attrs)


def _cases():
    for op in OPS.values():
        for i, sample in enumerate(op.samples):
            for dtype in DTYPES:
                yield pytest.param(op.name, i, dtype, id=f"{op.name}-{i}-{dtype}")


CASES = list(_cases())


def _inputs(op: OpDef, sample: Sample, rng) -> list[np.ndarray]:
    lo, hi = op.domain
    out = []
    for t in sample.operands:
        if t.dtype == "i1":
            out.append(rng.random(t.shape) < 0.5)
        elif t.is_int:  # small integers over the op's domain: many ties, no overflow
            out.append(rng.integers(math.floor(lo), math.ceil(hi) + 1, t.shape))
        elif op.name in TIES:
            out.append(rng.integers(0, 5, t.shape).astype(t.np_dtype) * ((hi - lo) / 4) + lo)
        else:
            out.append(rng.uniform(lo, hi, t.shape).astype(t.np_dtype))
    return [np.asarray(a, dtype=t.np_dtype) for a, t in zip(out, sample.operands)]


def _build(op: OpDef, sample: Sample) -> sg.Module:
    """Traces the sample through the front-end function sg.<api_name>."""
    if op.api_name is None:
        pytest.fail(f"graph.{op.name} has no front-end function (api_name); give it one or decide how "
                    f"to test it here")
    api = getattr(sg, op.api_name)
    if op.name in FRONTEND:
        call = FRONTEND[op.name]
    elif not op.attrs:
        call = lambda api, xs, a: api(*xs)  # noqa: E731
    else:
        pytest.fail(f"graph.{op.name} has attributes {sorted(op.attrs)}: add to FRONTEND in {__file__} how "
                    f"sg.{op.api_name} is called with numpy-style arguments for them")
    specs = [sg.TensorSpec(t.shape, t.np_dtype) for t in sample.operands]

    def f(*xs):
        return call(api, xs, sample.attrs)
    f.__name__ = f"test_{op.name}"
    return sg.trace(f, *specs)


def _the_op(m: sg.Module, name: str):
    ops = [op.operation for op in m.function().entry_block.operations if op.operation.name == f"graph.{name}"]
    assert len(ops) == 1, f"expected exactly one graph.{name} in\n{m}"
    return ops[0]


def _same_attrs(got: dict, want: dict):
    assert got.keys() == want.keys()
    for k in want:
        if isinstance(want[k], np.ndarray):
            assert got[k].dtype == want[k].dtype and got[k].shape == want[k].shape
            np.testing.assert_array_equal(got[k], want[k])
        elif isinstance(want[k], (tuple, list)):
            assert tuple(got[k]) == tuple(want[k]), k
        else:
            assert got[k] == want[k], k


# --------------------------------------------------------------------------- tests
@pytest.mark.parametrize("name, index, dtype", CASES)
def test_op(name, index, dtype, rng):
    op = OPS[name]
    sample = _retype(op.samples[index], dtype)
    m = _build(op, sample)

    # The front-end emitted the op with the sample's attributes, and the result types the rule
    # infers (one per result: an op with several returns a tuple from infer, ref and sg.<op>).
    inferred_all = op.result_types(*sample.operands, **sample.attrs)
    assert isinstance(op.infer(*sample.operands, **sample.attrs), tuple) == op.multi_result
    mop = _the_op(m, name)
    with m.context:
        _same_attrs(op_attributes(mop, op), sample.attrs)
        assert [TensorType.from_mlir(r.type) for r in mop.results] == list(inferred_all)
        assert [TensorType.from_mlir(t) for t in m.function().type.results] == list(inferred_all)
        # The verifier accepts it (both through the module and directly).
        assert verify_graph(m.mlir.operation) == []
    assert m.verify() is m and sg.verify(m) is m

    # The interpreter matches the registry's reference exactly, with the inferred types.
    inputs = _inputs(op, sample, rng)
    got_all = sg.interpret(m, None, *inputs)
    want_all = op.run_ref(*inputs, **sample.attrs)
    assert len(got_all) == len(want_all) == len(inferred_all)
    for got, want, inferred in zip(got_all, want_all, inferred_all):
        want = np.asarray(want)
        assert (got.shape, got.dtype) == (inferred.shape, inferred.np_dtype)
        assert (want.shape, want.dtype) == (inferred.shape, inferred.np_dtype)
        np.testing.assert_array_equal(got, want)

    # ... and an independent plain-numpy expectation, computed in float64.
    if name not in NUMPY:
        pytest.fail(f"graph.{name}: add its plain-numpy expectation to NUMPY in {__file__}")
    wide = [x.astype(np.float64) if x.dtype.kind == "f" else x.astype(np.int64) if x.dtype.kind == "i" else x
            for x in inputs]
    attrs = dict(sample.attrs)
    if isinstance(attrs.get("value"), np.ndarray) and attrs["value"].dtype.kind == "f":
        attrs["value"] = attrs["value"].astype(np.float64)
    expected_all = NUMPY[name](wide, attrs)
    expected_all = tuple(expected_all) if op.multi_result else (expected_all,)
    assert len(expected_all) == len(inferred_all)
    for got, expected, inferred in zip(got_all, expected_all, inferred_all):
        expected = np.asarray(expected)
        assert expected.shape == inferred.shape
        if inferred.dtype == "i1":
            assert expected.dtype == np.bool_
            np.testing.assert_array_equal(got, expected)
        elif inferred.is_int:  # exact
            np.testing.assert_array_equal(got, expected.astype(inferred.np_dtype))
        else:
            np.testing.assert_allclose(got, expected.astype(inferred.np_dtype), **TOL[inferred.np_dtype])


def test_cases_cover_every_op_in_both_dtypes():
    covered = {(c.values[0], c.values[2]) for c in CASES}
    assert covered == {(name, d) for name in OPS for d in DTYPES}


def test_every_op_has_a_sample_summary_and_shape_rule():
    for op in OPS.values():
        assert op.samples, f"graph.{op.name} has no samples"
        assert op.summary.strip(), f"graph.{op.name} has no summary"
        assert op.shape_rule.strip(), f"graph.{op.name} has no shape rule"
        if op.differentiable:
            assert op.vjp_doc.strip(), f"graph.{op.name} has a vjp rule but no vjp_doc"
        else:
            assert op.nondiff.strip(), f"graph.{op.name}: no vjp rule and no nondiff reason"
        lo, hi = op.domain
        assert lo < hi, op.name


def test_every_sample_is_valid_for_its_op():
    """Samples are well-typed: the shape rule accepts them (so a bad sample fails here, by name)."""
    for op in OPS.values():
        for sample in op.samples:
            assert getattr(op, "variadic", False) or len(sample.operands) == len(op.operands), op.name
            assert set(sample.attrs) == set(op.attrs), op.name
            op.infer(*sample.operands, **sample.attrs)


def test_every_op_has_a_front_end_function():
    for op in OPS.values():
        assert op.api_name and callable(getattr(sg, op.api_name, None)), f"graph.{op.name}: no sg.{op.api_name}"


def test_independent_tables_name_only_registry_ops():
    assert set(NUMPY) <= set(OPS) and set(FRONTEND) <= set(OPS) and TIES <= set(OPS)


def test_an_op_with_attributes_and_no_front_end_mapping_fails_loudly():
    """A new op with attributes must get a FRONTEND entry: the parametrized test fails, never skips."""
    import dataclasses
    fake = dataclasses.replace(OPS["sum"], name="sum_like_new_op")
    with pytest.raises(pytest.fail.Exception, match="add to FRONTEND"):
        _build(fake, fake.samples[0])
    nameless = dataclasses.replace(OPS["exp"], name="exp_like_new_op", api_name=None)
    with pytest.raises(pytest.fail.Exception, match="has no front-end function"):
        _build(nameless, nameless.samples[0])
