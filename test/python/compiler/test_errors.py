"""Trace-time errors: ValueError/TypeError naming the op and pointing at the user's source line."""
from __future__ import annotations

import re

import numpy as np
import pytest

import symgrad as sg

F32 = np.ones((3, 4), np.float32)
W = np.ones((5, 2), np.float32)


def _line(marker: str) -> int:
    hits = [i + 1 for i, text in enumerate(open(__file__).read().splitlines()) if text.rstrip().endswith(f"# @{marker}")]
    assert len(hits) == 1, marker
    return hits[0]


def raises_at(exc, marker, *fragments):
    """pytest.raises(exc) whose message contains every fragment (in any order) and `<this file>:<line>)`."""
    where = f"{__file__}:{_line(marker)})"
    return pytest.raises(exc, match="".join(f"(?=.*{re.escape(f)})" for f in (*fragments, where)))


# Each traced function puts the failing expression on a line tagged `# @name`.
def bad_matmul(x, w):
    return x @ w  # @matmul


def bad_broadcast(x, w):
    h = sg.exp(x)
    return h + w  # @broadcast


def f64_constant(x):
    return x + np.ones(4)  # @f64


def f64_constant_left(x):
    return np.ones(4) * x  # @f64left


def truth_value(x):
    if x > 0:  # @bool
        return x
    return -x


def bad_reshape(x):
    return x.reshape(5, 7)  # @reshape


def bad_reshape_minus_one(x):
    return x.reshape(5, -1)  # @reshape-1


def two_minus_ones(x):
    return x.reshape(-1, -1)  # @reshape-2


def bad_axis(x):
    return x.sum(axis=2)  # @axis


def bad_axis_function(x):
    return sg.mean(x, axis=-3, keepdims=True)  # @axis-fn


def bad_softmax_axis(x):
    return sg.softmax(x, axis=7)  # @softmax


def repeated_axis(x):
    return sg.max(x, axis=(0, -2))  # @repeat


def bad_transpose(x):
    return sg.transpose(x, (0, 2))  # @transpose


def bad_concat(x):
    return sg.concatenate([x, x.T])  # @concat


def bad_concat_axis(x):
    return sg.concatenate([x, x], axis=2)  # @concat-axis


def bad_broadcast_to(x):
    return sg.broadcast_to(x, (2, 3))  # @broadcast_to


def bad_cast(x):
    return x.astype(np.int8)  # @cast


def bad_where(x):
    return sg.where(x, x, 0.0)  # @where


def log_of_bool(x):
    return sg.log(x > 0)  # @log-bool


def string_operand(x):
    return x * "2"  # @str


def bool_operand(x):
    return x + True  # @pybool


def mixed_precision(x, y):
    return x - y  # @mixed


@pytest.mark.parametrize("fn, args, exc, marker, fragments", [
    (bad_matmul, (F32, W), ValueError, "matmul", ["graph.matmul", "3x4", "5x2"]),
    (bad_broadcast, (F32, W), ValueError, "broadcast", ["graph.add", "broadcast", "5x2", "3x4"]),
    (f64_constant, (F32,), TypeError, "f64", ["graph.add", "float64", "float32"]),
    (f64_constant, (F32,), ValueError, "f64", ["graph.add"]),
    (f64_constant_left, (F32,), TypeError, "f64left", ["graph.mul", "float64"]),
    (truth_value, (F32,), TypeError, "bool", ["truth value", "symgrad.where"]),
    (bad_reshape, (F32,), ValueError, "reshape", ["graph.reshape", "3x4", "5x7"]),
    (bad_reshape_minus_one, (F32,), ValueError, "reshape-1", ["reshape", "3x4", "(5, -1)"]),
    (two_minus_ones, (F32,), ValueError, "reshape-2", ["reshape", "-1"]),
    (bad_axis, (F32,), ValueError, "axis", ["graph.sum", "axis", "rank-2"]),
    (bad_axis_function, (F32,), ValueError, "axis-fn", ["graph.mean", "(-3,)"]),
    (bad_softmax_axis, (F32,), ValueError, "softmax", ["axis", "(7,)"]),
    (repeated_axis, (F32,), ValueError, "repeat", ["graph.max", "repeats"]),
    (bad_transpose, (F32,), ValueError, "transpose", ["graph.transpose", "(0, 2)"]),
    (bad_concat, (F32,), ValueError, "concat", ["graph.concat", "4x3", "3x4"]),
    (bad_concat_axis, (F32,), ValueError, "concat-axis", ["concat", "axis"]),
    (bad_broadcast_to, (F32,), ValueError, "broadcast_to", ["graph.broadcast_to", "3x4", "2x3"]),
    (bad_cast, (F32,), TypeError, "cast", ["graph.cast", "int8"]),
    (bad_where, (F32,), TypeError, "where", ["graph.select", "condition", "i1"]),
    (log_of_bool, (F32,), TypeError, "log-bool", ["graph.log", "i1"]),
    (string_operand, (F32,), TypeError, "str", ["graph.mul", "str"]),
    (bool_operand, (F32,), TypeError, "pybool", ["graph.add", "bool"]),
    (mixed_precision, (F32, F32.astype(np.float64)), TypeError, "mixed", ["graph.sub", "f64", "f32"]),
], ids=lambda v: v.__name__ if callable(v) and hasattr(v, "__code__") else None)
def test_trace_errors_name_the_op_and_the_line(fn, args, exc, marker, fragments):
    with raises_at(exc, marker, *fragments):
        sg.trace(fn, *args)


def bad_int_index(x):
    return x[3]  # @index


def bad_negative_index(x):
    return x[:, -5]  # @index-neg


def too_many_indices(x):
    return x[0, 0, 0]  # @index-many


def negative_step(x):
    return x[::-1]  # @index-step


def float_index(x):
    return x[1.5]  # @index-float


def two_ellipses(x):
    return x[..., 0, ...]  # @index-ellipsis


@pytest.mark.parametrize("fn, marker, fragment", [
    (bad_int_index, "index", "index 3 is out of bounds for axis 0 with size 3"),
    (bad_negative_index, "index-neg", "index -5 is out of bounds for axis 1 with size 4"),
    (too_many_indices, "index-many", "too many indices"),
    (negative_step, "index-step", "negative slice steps"),
    (float_index, "index-float", "unsupported index 1.5"),
    (two_ellipses, "index-ellipsis", "single ellipsis"),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_bad_indices_raise_index_errors_that_are_value_errors(fn, marker, fragment):
    with raises_at(ValueError, marker, "graph.slice", fragment):
        sg.trace(fn, F32)
    with pytest.raises(IndexError):  # also what numpy raises
        sg.trace(fn, F32)


def returns_a_float(x):  # @ret-float
    return 1.0


def returns_none(x):  # @ret-none
    x + 1.0


def returns_a_list_with_a_float(x):  # @ret-list
    return [x, 2.0]


def returns_nothing_at_all(x):  # @ret-empty
    return ()


@pytest.mark.parametrize("fn, marker, got", [
    (returns_a_float, "ret-float", "got float"), (returns_none, "ret-none", "got NoneType"),
    (returns_a_list_with_a_float, "ret-list", "(Tensor, float)"), (returns_nothing_at_all, "ret-empty", "tuple"),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_non_tensor_returns(fn, marker, got):
    with raises_at(TypeError, marker, fn.__name__, "must return a symbolic tensor", got):
        sg.trace(fn, F32)


@pytest.mark.parametrize("arg, fragment", [
    (np.zeros(3, np.int8), "int8"), (np.zeros(3, np.uint32), "uint32"), (np.zeros(3, np.float16), "float16"),
    (np.zeros(3, np.complex64), "complex64"), (sg.TensorSpec((3,), np.int16), "int16"),
])
def test_unknown_argument_dtypes(arg, fragment):
    with pytest.raises(TypeError, match=f"argument 1: numpy dtype {fragment} is not supported"):
        sg.trace(lambda x, y: x, F32, arg)


@pytest.mark.parametrize("arg", [[1.0, 2.0], 3.0, None, "x"])
def test_non_array_arguments(arg):
    with pytest.raises(TypeError, match="argument 0: expected a numpy array or symgrad.TensorSpec"):
        sg.trace(lambda x: x, arg)


def test_front_end_functions_need_a_tensor():
    with pytest.raises(TypeError, match="symgrad.exp: expected at least one symbolic tensor"):
        sg.trace(lambda x: sg.exp(3.0), F32)
    with pytest.raises(TypeError, match="symgrad.sum: expected a symbolic tensor"):
        sg.trace(lambda x: sg.sum(np.ones(3, np.float32)), F32)


def test_errors_leave_no_dangling_state():
    """A failed trace does not break the next one (no stale location hook or insertion point)."""
    with pytest.raises(ValueError):
        sg.trace(bad_matmul, F32, W)
    m = sg.trace(lambda x: x * 2.0, F32)
    assert sg.interpret(m, None, F32)[0].tolist() == (F32 * 2).tolist()
    with pytest.raises(TypeError) as info:  # outside a trace: no location to report
        bool(sg.Tensor.__new__(sg.Tensor))
    assert "(at " not in str(info.value)
