"""The numpy-style front-end: operators, methods, indexing, functions and composites.

Most tests write one function against a namespace `m` and run it twice: with
`m = np` on numpy arrays (the expectation) and with `m = sg` under `sg.trace`
(then `sg.interpret`), so symgrad is held to numpy's own semantics.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import symgrad as sg

from sgtest import assert_close, run


def check(fn, *args):
    """fn(m, *xs) with m = np on the arrays vs m = sg traced and interpreted; returns the module."""
    want = fn(np, *args)
    m, got = run(lambda *xs: fn(sg, *xs), *args)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, np.asarray(w))
    return m


def op_names(m: sg.Module) -> list[str]:
    return [op.operation.name for op in m.function().entry_block.operations]


@pytest.fixture(params=[np.float32, np.float64], ids=["f32", "f64"])
def dtype(request):
    return request.param


@pytest.fixture
def arr(rng, dtype):
    def make(*shape, lo=-2.0, hi=2.0):
        return rng.uniform(lo, hi, shape).astype(dtype)
    return make


# --------------------------------------------------------------------------- operators
@pytest.mark.parametrize("expr", [
    lambda m, x, y: x + y, lambda m, x, y: x - y, lambda m, x, y: x * y, lambda m, x, y: x / y,
    lambda m, x, y: x ** y, lambda m, x, y: -x, lambda m, x, y: +x - y, lambda m, x, y: abs(x - y),
    lambda m, x, y: (x + y) * (x - y) / (y * y + 1.0),
], ids=["add", "sub", "mul", "div", "pow", "neg", "pos", "abs", "compound"])
def test_arithmetic_operators(expr, arr):
    check(expr, arr(3, 4, lo=0.5), arr(4, lo=0.5))


@pytest.mark.parametrize("expr", [
    lambda m, x, y: x > y, lambda m, x, y: x >= y, lambda m, x, y: x < y, lambda m, x, y: x <= y,
    lambda m, x, y: x == y, lambda m, x, y: x != y,
], ids=["gt", "ge", "lt", "le", "eq", "ne"])
def test_comparisons_give_bool_tensors(expr, rng, dtype):
    x = rng.integers(0, 3, (3, 4)).astype(dtype)  # small integers: ties happen
    y = rng.integers(0, 3, (4,)).astype(dtype)
    m = check(expr, x, y)
    assert str(m).count("tensor<3x4xi1>") >= 1


def test_matmul_operator_2d_and_batched(arr):
    check(lambda m, a, b: a @ b, arr(3, 4), arr(4, 5))
    check(lambda m, a, b: a @ b, arr(2, 3, 4), arr(4, 5))
    check(lambda m, a, b: a @ b, arr(2, 1, 3, 4), arr(5, 4, 2))


def test_python_scalars_on_either_side_keep_the_tensor_dtype(arr):
    x = arr(3, 4)
    m = check(lambda m, x: 2 * x + 1.5 - x / 4 + 3 / (x * x + 1) - 2 ** x + x ** 2 + (1 - x), x)
    other = "f64" if x.dtype == np.float32 else "f32"
    assert other not in str(m)


def test_scalar_comparisons_and_reflected_comparisons(arr):
    check(lambda m, x: (x > 0, 0.5 < x, x <= 1, 1 >= x), arr(3, 4))


def test_numpy_constants_become_graph_constants(arr):
    x = arr(3, 4)
    c = np.linspace(-1, 1, 4).astype(x.dtype)
    m = check(lambda m, x: x * c + c[None, :] ** 2, x)
    assert "graph.constant" in str(m)


def test_numpy_array_on_the_left(arr):
    x = arr(3, 4)
    c = np.arange(4, dtype=x.dtype) + 1
    w = arr(5, 3)
    check(lambda m, x: (c * x, c - x, c / (x * x + 1), c + x, c > x), x)
    check(lambda m, x: w @ x, x)


def test_integer_numpy_constants_take_the_tensor_dtype(arr):
    x = arr(3, 4)
    m, (got,) = run(lambda x: x + np.arange(4), x)
    assert_close(got, x + np.arange(4).astype(x.dtype))


def test_shape_dtype_ndim_properties(arr):
    x = arr(2, 3, 4)
    seen = {}

    def f(x):
        seen.update(shape=x.shape, dtype=x.dtype, ndim=x.ndim, size=x.size, sum_shape=x.sum(axis=1).shape)
        return x
    sg.trace(f, x)
    assert seen == dict(shape=(2, 3, 4), dtype=x.dtype, ndim=3, size=24, sum_shape=(2, 4))
    assert isinstance(seen["dtype"], np.dtype)


def test_transpose_forms(arr):
    check(lambda m, x: x.T, arr(3, 4))
    check(lambda m, x: x.T, arr(2, 3, 4))
    check(lambda m, x: m.transpose(x), arr(2, 3, 4))
    check(lambda m, x: m.transpose(x, (1, 0, 2)), arr(2, 3, 4))
    check(lambda m, x: m.transpose(x, axes=(-1, 0, 1)), arr(2, 3, 4))
    check(lambda m, x: x.transpose(2, 0, 1), arr(2, 3, 4))
    check(lambda m, x: x.transpose((2, 0, 1)), arr(2, 3, 4))


@pytest.mark.parametrize("axis, keepdims", [(None, False), (None, True), (0, False), (1, True), (-1, False),
                                            ((0, 2), False), ((2, 0), True), ((), False)])
def test_reduction_methods_and_functions(axis, keepdims, arr):
    x = arr(2, 3, 4)
    check(lambda m, x: (x.sum(axis=axis, keepdims=keepdims), x.mean(axis=axis, keepdims=keepdims),
                        x.max(axis=axis, keepdims=keepdims), x.min(axis=axis, keepdims=keepdims)), x)
    check(lambda m, x: (m.sum(x, axis, keepdims=keepdims), m.mean(x, axis=axis, keepdims=keepdims),
                        m.max(x, axis=axis, keepdims=keepdims), m.min(x, axis=axis, keepdims=keepdims)), x)


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
def test_logsumexp(axis, arr):
    x = arr(3, 4) * 20  # large values: the stable form matters

    def ref(x):
        return np.log(np.sum(np.exp(x.astype(np.float64)), axis=axis)).astype(x.dtype)
    m, (got,) = run(lambda x: sg.logsumexp(x, axis=axis), x)
    assert_close(got, ref(x))


@pytest.mark.parametrize("shape", [(-1,), (2, -1), (-1, 6), (4, 3, 1), (12,), (1, 12, 1, 1)])
def test_reshape_with_minus_one(shape, arr):
    check(lambda m, x: x.reshape(shape), arr(3, 4))
    check(lambda m, x: x.reshape(*shape), arr(3, 4))
    check(lambda m, x: m.reshape(x, shape), arr(3, 4))


def test_reshape_scalar_forms(arr):
    check(lambda m, x: x.reshape(-1), arr(3, 4))
    check(lambda m, x: x.reshape(()), arr(1, 1))
    check(lambda m, x: x.sum().reshape(1, 1), arr(3, 4))


def test_broadcast_to_and_astype(arr):
    check(lambda m, x: m.broadcast_to(x, (2, 3, 4)), arr(3, 1))
    other = np.float64 if arr(1).dtype == np.float32 else np.float32
    check(lambda m, x: x.astype(other) * 2, arr(3, 4))


def test_numpy_integers_work_wherever_python_ints_do(arr):
    i1, i2, i12 = np.int64(1), np.int32(2), np.int64(12)
    check(lambda m, x: (x.sum(axis=i1), m.mean(x, axis=(np.int64(0), i1)), m.max(x, axis=i1, keepdims=True),
                        x.reshape(i12), x.reshape(i2, -1), m.reshape(x, (np.int64(4), 3)),
                        m.concatenate([x, x], axis=i1), x.transpose(i1, np.int64(0)), x[i2], x[i1:i2]),
          arr(3, 4))


def test_iterating_over_a_tensor_yields_its_rows(arr):
    x = arr(3, 4)
    _, (got,) = run(lambda t: sum(row * float(i) for i, row in enumerate(t)), x)
    assert_close(got, sum(row * float(i) for i, row in enumerate(x)))


# --------------------------------------------------------------------------- indexing
@pytest.mark.parametrize("index", [
    np.s_[1:3], np.s_[:, 1], np.s_[-1], np.s_[1:4, :, ::2], np.s_[::2, 1:, -3:], np.s_[0, 0, 0],
    np.s_[None], np.s_[:, None, 2], np.s_[...], np.s_[..., 1], np.s_[1, ...], np.s_[..., None],
    np.s_[1, ..., ::3], np.s_[2:100], np.s_[-100:2], np.s_[3:1], np.s_[:, ::5], np.s_[None, 1, None, :, 2],
    np.s_[np.int64(1)], np.s_[-2, -1:],
], ids=lambda i: repr(i).replace(" ", ""))
def test_basic_indexing(index, arr):
    x = arr(4, 3, 5)
    check(lambda m, x: x[index], x)


def test_slice_emits_graph_slice_with_static_bounds(arr):
    m = check(lambda m, x: x[1:4, :, ::2], arr(5, 3, 6))
    text = str(m)
    assert "start = array<i64: 1, 0, 0>" in text and "stop = array<i64: 4, 3, 6>" in text
    assert "step = array<i64: 1, 1, 2>" in text


def test_int_index_drops_the_dim_with_a_reshape(arr):
    m = check(lambda m, x: x[2], arr(4, 3))
    assert op_names(m) == ["graph.slice", "graph.reshape", "func.return"]


# --------------------------------------------------------------------------- functions
@pytest.mark.parametrize("name", ["exp", "tanh", "sin", "cos", "abs", "log1p", "expm1", "sqrt", "log"])
def test_numpy_named_unary_functions(name, arr):
    check(lambda m, x: getattr(m, name)(x), arr(3, 4, lo=0.1, hi=2.0))


def test_unary_functions_without_a_numpy_twin(arr):
    x = arr(3, 4, lo=0.1)
    x64 = x.astype(np.float64)
    for fn, want in [(lambda t: sg.sigmoid(t), 1 / (1 + np.exp(-x64))),
                     (lambda t: sg.relu(t - 1), np.maximum(x64 - 1, 0)),
                     (lambda t: sg.rsqrt(t), 1 / np.sqrt(x64)), (lambda t: sg.reciprocal(t), 1 / x64),
                     (lambda t: sg.erf(t), np.vectorize(math.erf)(x64))]:
        _, (got,) = run(fn, x)
        assert_close(got, want.astype(x.dtype))


def test_maximum_minimum_with_scalars_and_ties(arr):
    x = arr(3, 4)
    check(lambda m, x: (m.maximum(x, 0.0), m.minimum(x, x.T.T), m.maximum(0.5, x), m.minimum(x, x[0])), x)


def test_where(arr):
    x, y = arr(3, 4), arr(4)
    check(lambda m, x, y: m.where(x > y, x, y), x, y)
    check(lambda m, x, y: m.where(x > 0, x, 0.0), x, y)
    check(lambda m, x, y: m.where(x > 0, 1.0, y), x, y)
    m = check(lambda m, x, y: m.where(x > y, x * 2, y[None, :]), x, y)
    assert "graph.select" in str(m)


def test_where_with_a_bool_argument(arr, rng):
    x = arr(3, 4)
    c = rng.random((3, 4)) < 0.5
    check(lambda m, c, x: m.where(c, x, -x), c, x)


@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_concatenate(axis, arr):
    a, b, c = arr(2, 3), arr(2, 3), arr(2, 3)
    check(lambda m, a, b, c: m.concatenate([a, b, c], axis=axis), a, b, c)
    check(lambda m, a, b, c: m.concatenate((a, b * 2), axis), a, b, c)
    check(lambda m, a, b, c: m.concatenate([a], axis=axis), a, b, c)


def test_concatenate_unequal_sizes(arr):
    check(lambda m, a, b: m.concatenate([a, b, a]), arr(2, 3), arr(4, 3))
    check(lambda m, a, b: m.concatenate([a, b], axis=1), arr(2, 3), arr(2, 1))


# --------------------------------------------------------------------------- composites
def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def np_layer_norm(x, axis=-1, eps=1e-5):
    mu = x.mean(axis=axis, keepdims=True)
    return (x - mu) / np.sqrt(x.var(axis=axis, keepdims=True) + eps)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_composites_against_numpy(axis, arr):
    x = arr(3, 4, 5) * 3
    x64 = x.astype(np.float64)
    cases = [
        (lambda t: sg.softmax(t, axis=axis), np_softmax(x64, axis)),
        (lambda t: sg.log_softmax(t, axis=axis), np.log(np_softmax(x64, axis))),
        (lambda t: sg.gelu(t), np_gelu(x64)),
        (lambda t: sg.layer_norm(t, axis=axis), np_layer_norm(x64, axis)),
        (lambda t: sg.layer_norm(t, axis, eps=0.1), np_layer_norm(x64, axis, eps=0.1)),
    ]
    for fn, want in cases:
        m, (got,) = run(fn, x)
        assert_close(got, want.astype(x.dtype))
        assert all(name.startswith("graph.") or name == "func.return" for name in op_names(m))


def test_softmax_rows_sum_to_one_on_extreme_inputs():
    x = np.array([[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]], np.float32)
    _, (p,) = run(lambda t: sg.softmax(t), x)
    assert np.isfinite(p).all()
    assert_close(p.sum(axis=-1), np.ones(2, np.float32))


# --------------------------------------------------------------------------- results and arguments
def test_tuple_and_list_returns(arr):
    x, y = arr(3, 4), arr(3, 4)
    m, out = run(lambda x, y: (x + y, (x * y).sum(), x.T), x, y)
    assert len(out) == 3 and [o.shape for o in out] == [(3, 4), (), (4, 3)]
    assert len(m.function().type.results) == 3
    assert m.meta["single_output"] is False
    m, out = run(lambda x, y: [x - y], x, y)
    assert len(out) == 1 and m.meta["single_output"] is False
    m, out = run(lambda x, y: x, x, y)  # returning an argument unchanged
    assert_close(out[0], x)
    assert m.meta["single_output"] is True
    assert op_names(m) == ["func.return"]


def test_function_named_after_the_python_function(arr):
    def my_loss(x):
        return x.sum()
    m = sg.trace(my_loss, arr(3))
    assert m.function_names() == ["my_loss"]
    assert sg.trace(lambda x: x.sum(), arr(3)).function_names() == ["f"]  # <lambda> is no identifier
    assert sg.trace(my_loss, arr(3), name="other").function_names() == ["other"]


def test_tensor_spec_arguments():
    m = sg.trace(lambda x, y: x @ y, sg.TensorSpec((2, 3)), sg.TensorSpec((3, 4), np.float32))
    assert str(m.function().type) == "(tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>"
    m = sg.trace(lambda x: x * 2, sg.TensorSpec((), np.float64))
    assert str(m.function().type) == "(tensor<f64>) -> tensor<f64>"


def _arg_attrs(m) -> list[bool]:
    """Which arguments carry the unit attribute graph.requires_grad."""
    with m.context:
        fop = m.function()
        n = len(fop.type.inputs)
        if "arg_attrs" not in fop.attributes:
            return [False] * n
        return ["graph.requires_grad" in fop.arg_attrs[i] for i in range(n)]


@pytest.mark.parametrize("requires_grad, mask", [
    (None, [False, False, False]), (True, [True, True, True]), ([1], [False, True, False]),
    ([0, 2], [True, False, True]), ([-1], [False, False, True]), ((False, True, True), [False, True, True]),
    ([], [False, False, False]),
])
def test_requires_grad_marks_the_right_arguments(requires_grad, mask, arr):
    x, w, b = arr(2, 3), arr(3, 4), arr(4)
    m = sg.trace(lambda x, w, b: (x @ w + b).sum(), x, w, b, requires_grad=requires_grad)
    assert _arg_attrs(m) == mask
    header = str(m).splitlines()[1]
    for i, flag in enumerate(mask):
        shape = "x".join(map(str, (x, w, b)[i].shape))
        marked = f"%arg{i}: tensor<{shape}x{'f32' if x.dtype == np.float32 else 'f64'}> {{graph.requires_grad}}"
        assert (marked in header) == flag, header
    assert header.count("graph.requires_grad") == sum(mask)
    assert sg.parse(str(m)).mlir_with_debuginfo().count("graph.requires_grad") == sum(mask)


@pytest.mark.parametrize("requires_grad", [[3], [-4], [True, False], ["x"]])
def test_requires_grad_rejects_bad_indices(requires_grad, arr):
    with pytest.raises(ValueError, match="requires_grad"):
        sg.trace(lambda x, w, b: x, arr(2), arr(2), arr(2), requires_grad=requires_grad)


# --------------------------------------------------------------------------- locations
def _marker_lines(*markers) -> dict[str, int]:
    lines = open(__file__).read().splitlines()
    out = {}
    for mk in markers:
        hits = [i + 1 for i, text in enumerate(lines) if text.rstrip().endswith(f"# @{mk}")]
        assert len(hits) == 1, mk
        out[mk] = hits[0]
    return out


def located_model(x, w):
    h = x @ w  # @matmul
    h = sg.tanh(h + 1.0)  # @tanh
    p = sg.softmax(h, axis=-1)  # @softmax
    return (p * h).sum(axis=1)[1:]  # @sum


def _op_lines(m) -> list[tuple[str, str, int]]:
    out = []
    with m.context:
        for op in m.function().entry_block.operations:
            loc = op.operation.location
            out.append((op.operation.name, loc.filename, loc.start_line))
    return out


def test_every_op_gets_the_users_source_line(arr):
    lines = _marker_lines("matmul", "tanh", "softmax", "sum")
    m = sg.trace(located_model, arr(2, 3), arr(3, 4))
    ops = _op_lines(m)
    expected = [
        ("graph.matmul", lines["matmul"]),
        ("graph.constant", lines["tanh"]), ("graph.add", lines["tanh"]), ("graph.tanh", lines["tanh"]),
        ("graph.max", lines["softmax"]), ("graph.stop_gradient", lines["softmax"]), ("graph.sub", lines["softmax"]),
        ("graph.exp", lines["softmax"]), ("graph.sum", lines["softmax"]), ("graph.constant", lines["softmax"]),
        ("graph.div", lines["softmax"]), ("graph.mul", lines["softmax"]),
        ("graph.mul", lines["sum"]), ("graph.sum", lines["sum"]), ("graph.slice", lines["sum"]),
    ]
    assert [(name, line) for name, _, line in ops[:-1]] == expected
    assert all(f == __file__ for _, f, _ in ops)
    # func.return sits on the function's definition line
    assert ops[-1][0] == "func.return" and ops[-1][2] == located_model.__code__.co_firstlineno
    text = m.mlir_with_debuginfo()
    for line in lines.values():
        assert f'"{__file__}":{line}:' in text
    assert "test_frontend.py" in text


def test_locations_carry_the_column(arr):
    def f(x):
        return sg.exp(x) + sg.sin(x)
    m = sg.trace(f, arr(3))
    cols = {}
    with m.context:
        for op in m.function().entry_block.operations:
            if op.operation.name != "func.return":
                cols[op.operation.name] = op.operation.location.start_col
    assert cols["graph.exp"] < cols["graph.sin"]
    assert "exp" in open(__file__).read().splitlines()[f.__code__.co_firstlineno].strip()


def test_locations_survive_a_text_round_trip(arr):
    m = sg.trace(located_model, arr(2, 3), arr(3, 4))
    again = sg.parse(m.mlir_with_debuginfo())
    assert _op_lines(again) == _op_lines(m)
