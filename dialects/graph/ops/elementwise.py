"""Elementwise ops: unary math, binary arithmetic with numpy broadcasting,
comparisons and select.

Each table row is one op: its numpy reference, its gradient written with
`graph` ops on symbolic tensors, and where its test inputs are drawn.
"""
from __future__ import annotations

import math

import numpy as np

from mlir.dialects import arith, math as mmath

from .. import mathfns
from ..emit import G, scalar, unbroadcast
from ..lowering import elementwise_lowering
from ..registry import OpDef, Sample, register
from ..shape_rules import broadcast_shapes, require_dtype, require_float, same_dtype, same_float_dtype
from ..types import NUMERIC_DTYPES, DTypeError, TensorType

_erf = np.vectorize(math.erf, otypes=[np.float64])


def np_erf(x):
    return _erf(x).astype(x.dtype)


def _same(f):
    """Wraps a numpy function so the result keeps the operand dtype (numpy may upcast scalars)."""
    return lambda *xs: np.asarray(f(*xs)).astype(xs[0].dtype)


_P, _I = arith.CmpFPredicate, arith.CmpIPredicate

# The front-end spells ops the way numpy does (sg.negative, sg.subtract, ...).
NUMPY_NAMES = {"neg": "negative", "sub": "subtract", "mul": "multiply", "div": "divide", "pow": "power",
               "gt": "greater", "ge": "greater_equal", "lt": "less", "le": "less_equal", "eq": "equal",
               "ne": "not_equal"}


def by_type(float_body, int_body):
    """The scalar body of an op that takes floats and integers: arith's f-form or its i-form."""
    return lambda s, *xs: (float_body if s.is_float else int_body)(s, *xs)


# ---------------------------------------------------------------- unary ------
def _infer_unary(x):
    require_float("input", x)
    return x


def _infer_unary_numeric(x):
    require_dtype("input", x)
    return x


UNARY_SAMPLES = (Sample((TensorType((3, 4), "f32"),)), Sample((TensorType((), "f64"),)),
                 Sample((TensorType((1, 5), "f64"),)))
#: Samples of ops that take integers too (the tests keep integer operands as they are).
INT_UNARY_SAMPLES = (Sample((TensorType((3, 4), "i32"),)), Sample((TensorType((5,), "i64"),)))
POSITIVE = (0.2, 3.0)


def unary(name, summary, ref, vjp, vjp_doc, domain=(-2.0, 2.0), lower=None, ints=False):
    """`lower(s, x)` builds the scalar body of the op's linalg.generic (arith/math on scalars).
    With `ints`, the op takes i32/i64 too (its body picks by `s.is_float`)."""
    register(OpDef(
        name=name, summary=summary, operands=("input",), infer=_infer_unary_numeric if ints else _infer_unary,
        ref=_same(ref),
        shape_rule=f"result type = operand type ({'f32, f64, i32 or i64' if ints else 'f32 or f64'})",
        vjp=vjp, vjp_doc=vjp_doc,
        api_name=NUMPY_NAMES.get(name, name), samples=UNARY_SAMPLES + (INT_UNARY_SAMPLES if ints else ()),
        domain=domain, rematerializable=True, lower=elementwise_lowering(lower) if lower else None))


def _sign_mask(x, g):
    return G.select(x > 0, g, G.select(x < 0, -g, scalar(0.0, g)))


unary("neg", "Negation, -x (integers wrap, as numpy's).", np.negative, lambda g, y, x: (-g,), "-g",
      lower=by_type(lambda s, x: arith.negf(x), lambda s, x: arith.subi(s.const(0), x)), ints=True)
unary("exp", "Exponential, e**x.", np.exp, lambda g, y, x: (g * y,), "g * y",
      lower=mathfns.exp)
unary("log", "Natural logarithm.", np.log, lambda g, y, x: (g / x,), "g / x", POSITIVE,
      lower=mathfns.log)
unary("tanh", "Hyperbolic tangent.", np.tanh, lambda g, y, x: (g * (1.0 - y * y),), "g * (1 - y^2)",
      lower=mathfns.tanh)
def np_sigmoid(x):
    """1 / (1 + e**-x) without overflow: {1 or e} / (1 + e) with e = e**-|x| (exact down to subnormals)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


unary("sigmoid", "Logistic function 1 / (1 + e**-x).", np_sigmoid,
      lambda g, y, x: (g * y * (1.0 - y),), "g * y * (1 - y)",
      lower=mathfns.sigmoid)
unary("relu", "max(x, 0).", lambda x: np.maximum(x, 0),
      lambda g, y, x: (G.select(x > 0, g, scalar(0.0, g)),), "g where x > 0, else 0 (0 at x = 0)",
      lower=lambda s, x: arith.maximumf(x, s.const(0.0)))
unary("sqrt", "Square root.", np.sqrt, lambda g, y, x: (g * 0.5 / y,), "g / (2 y)", POSITIVE,
      lower=lambda s, x: mmath.sqrt(x))
unary("rsqrt", "Reciprocal square root, 1 / sqrt(x).", lambda x: 1 / np.sqrt(x),
      lambda g, y, x: (g * -0.5 * y * y * y,), "-g y^3 / 2", POSITIVE,
      lower=lambda s, x: mmath.rsqrt(x))
unary("abs", "Absolute value (abs of the smallest integer wraps to itself, as numpy's).", np.abs,
      lambda g, y, x: (_sign_mask(x, g),), "g * sign(x) (0 at x = 0)",
      lower=by_type(lambda s, x: mmath.absf(x), lambda s, x: mmath.absi(x)), ints=True)
unary("sin", "Sine.", np.sin, lambda g, y, x: (g * G.cos(x),), "g * cos(x)",
      lower=lambda s, x: mmath.sin(x))
unary("cos", "Cosine.", np.cos, lambda g, y, x: (-g * G.sin(x),), "-g * sin(x)",
      lower=lambda s, x: mmath.cos(x))
unary("erf", "Gauss error function.", np_erf,
      lambda g, y, x: (g * (2.0 / math.sqrt(math.pi)) * G.exp(-(x * x)),), "g * 2/sqrt(pi) * exp(-x^2)",
      lower=mathfns.erf)
unary("log1p", "log(1 + x), accurate near 0.", np.log1p, lambda g, y, x: (g / (x + 1.0),), "g / (1 + x)",
      (-0.5, 2.0), lower=mathfns.log1p)
unary("expm1", "e**x - 1, accurate near 0.", np.expm1, lambda g, y, x: (g * (y + 1.0),), "g * (y + 1)",
      lower=mathfns.expm1)
unary("reciprocal", "1 / x.", np.reciprocal, lambda g, y, x: (-g * y * y,), "-g * y^2", POSITIVE,
      lower=lambda s, x: arith.divf(s.const(1.0), x))
# Trigonometric, hyperbolic and base-2/10 functions lower to `math` ops, i.e. LLVM intrinsics that
# codegen turns into libm calls: correctly rounded or within an ulp (glibc), but scalar calls that
# keep their loops from vectorizing (docs/design/dialects-elementwise.md).
unary("tan", "Tangent.", np.tan, lambda g, y, x: (g * (1.0 + y * y),), "g * (1 + y^2)", (-1.2, 1.2),
      lower=lambda s, x: mmath.tan(x))
unary("atan", "Inverse tangent.", np.arctan, lambda g, y, x: (g / (1.0 + x * x),), "g / (1 + x^2)",
      lower=lambda s, x: mmath.atan(x))
unary("asin", "Inverse sine (NaN outside [-1, 1]).", np.arcsin,
      lambda g, y, x: (g * G.rsqrt(1.0 - x * x),), "g / sqrt(1 - x^2)", (-0.9, 0.9),
      lower=lambda s, x: mmath.asin(x))
unary("acos", "Inverse cosine (NaN outside [-1, 1]).", np.arccos,
      lambda g, y, x: (-g * G.rsqrt(1.0 - x * x),), "-g / sqrt(1 - x^2)", (-0.9, 0.9),
      lower=lambda s, x: mmath.acos(x))
unary("sinh", "Hyperbolic sine.", np.sinh, lambda g, y, x: (g * G.cosh(x),), "g * cosh(x)",
      lower=lambda s, x: mmath.sinh(x))
unary("cosh", "Hyperbolic cosine.", np.cosh, lambda g, y, x: (g * G.sinh(x),), "g * sinh(x)",
      lower=lambda s, x: mmath.cosh(x))
unary("log2", "Base-2 logarithm (exact at powers of two).", np.log2,
      lambda g, y, x: (g / (x * math.log(2.0)),), "g / (x ln 2)", POSITIVE, lower=lambda s, x: mmath.log2(x))
unary("log10", "Base-10 logarithm.", np.log10,
      lambda g, y, x: (g / (x * math.log(10.0)),), "g / (x ln 10)", POSITIVE, lower=lambda s, x: mmath.log10(x))
unary("exp2", "2**x (exact at integers).", np.exp2, lambda g, y, x: (g * y * math.log(2.0),), "g * y * ln 2",
      lower=lambda s, x: mmath.exp2(x))

# Rounding ops are piecewise constant: their gradient is zero almost everywhere, and as in JAX
# they are differentiable with that zero (a symbolic zero: no adjoint code at all), so a graph
# that rounds stays differentiable instead of failing at the op.
_ZERO = "0 (a symbolic zero: the result is piecewise constant)"


def _zero_vjp(g, y, x):
    return (None,)


def _sign_body(s, x):
    """+-1, 0 for either zero (numpy's +0), NaN for NaN."""
    zero = s.const(0.0)
    y = arith.select(arith.cmpf(arith.CmpFPredicate.OEQ, x, zero), zero, x)
    y = arith.select(arith.cmpf(arith.CmpFPredicate.OLT, x, zero), s.const(-1.0), y)
    return arith.select(arith.cmpf(arith.CmpFPredicate.OGT, x, zero), s.const(1.0), y)


unary("floor", "Largest integer <= x.", np.floor, _zero_vjp, _ZERO, lower=lambda s, x: mmath.floor(x))
unary("ceil", "Smallest integer >= x.", np.ceil, _zero_vjp, _ZERO, lower=lambda s, x: mmath.ceil(x))
unary("round", "Nearest integer, halves to even (numpy.round, jax.numpy.round).", np.round, _zero_vjp, _ZERO,
      (-2.5, 2.5), lower=lambda s, x: mmath.roundeven(x))
unary("sign", "-1, 0 or 1 by the sign of x (0 for -0.0 too, NaN for NaN; numpy.sign).", np.sign, _zero_vjp,
      _ZERO, lower=_sign_body)
register(OpDef(
    name="stop_gradient", summary="Identity whose result is a constant to differentiation "
                                  "(jax.lax.stop_gradient, torch's detach).",
    operands=("input",), infer=_infer_unary, ref=np.copy, shape_rule="result type = operand type (f32 or f64)",
    stops_gradient=True,
    vjp_doc="none: the result never requires grad, so no cotangent reaches the operand. A shift that "
            "cancels mathematically (softmax's row max) is wrapped in it so the adjoint does no work for it",
    api_name="stop_gradient", samples=UNARY_SAMPLES, rematerializable=True,
    lower=lambda lw, x: x))  # the value itself: nothing to compute


# ---------------------------------------------------------------- binary -----
BINARY_NAMES = ("lhs", "rhs")
BINARY_SAMPLES = (
    Sample((TensorType((3, 4), "f32"), TensorType((3, 4), "f32"))),
    Sample((TensorType((3, 4), "f64"), TensorType((4,), "f64"))),
    Sample((TensorType((2, 1, 3), "f64"), TensorType((4, 1), "f64"))),
    Sample((TensorType((), "f32"), TensorType((2, 3), "f32"))),
)
INT_BINARY_SAMPLES = (
    Sample((TensorType((3, 4), "i32"), TensorType((4,), "i32"))),
    Sample((TensorType((2, 1, 3), "i64"), TensorType((4, 1), "i64"))),
)


def _infer_binary(a, b):
    dtype = same_float_dtype(BINARY_NAMES, (a, b))
    return TensorType(broadcast_shapes(BINARY_NAMES, (a, b)), dtype)


def _infer_binary_numeric(a, b):
    dtype = same_dtype(BINARY_NAMES, (a, b), NUMERIC_DTYPES)
    return TensorType(broadcast_shapes(BINARY_NAMES, (a, b)), dtype)


def _infer_compare(a, b):
    return _infer_binary_numeric(a, b).with_dtype("i1")


def binary(name, summary, ref, vjp, vjp_doc, domain=(-2.0, 2.0), lower=None, ints=False):
    """`lower(s, a, b)` builds the scalar body; broadcasting is done by the indexing maps.
    With `ints`, the op takes i32/i64 operands too (of one type: no promotion)."""
    def reduced_vjp(g, y, a, b):
        da, db = vjp(g, y, a, b)
        return (unbroadcast(da, a.shape) if da is not None else None,
                unbroadcast(db, b.shape) if db is not None else None)
    kinds = "one numeric element type (f32, f64, i32 or i64)" if ints else "one float element type"
    register(OpDef(
        name=name, summary=summary, operands=BINARY_NAMES, infer=_infer_binary_numeric if ints else _infer_binary,
        ref=_same(ref), shape_rule=f"numpy broadcast of both shapes; both operands share {kinds}",
        vjp=reduced_vjp, vjp_doc=vjp_doc + "; each summed back to its operand's shape (graph.sum_to_size)",
        api_name=NUMPY_NAMES.get(name, name), samples=BINARY_SAMPLES + (INT_BINARY_SAMPLES if ints else ()),
        domain=domain, rematerializable=True, lower=elementwise_lowering(lower) if lower else None))


def _pow_vjp(g, y, a, b):
    a_is_zero = a == 0.0
    safe_log = G.log(G.select(a_is_zero, scalar(1.0, a), a))
    return g * b * a ** (b - 1.0), g * y * G.select(a_is_zero, scalar(0.0, a), safe_log)


def _tie_weight(a, b, strict):
    """1 where `a` wins, 1/2 on ties (as JAX and PyTorch split them), 0 where it loses."""
    one, half, zero = scalar(1.0, a), scalar(0.5, a), scalar(0.0, a)
    return G.select(strict, one, G.select(a == b, half, zero))


binary("add", "Sum, numpy broadcasting (integers wrap).", np.add, lambda g, y, a, b: (g, g), "(g, g)",
       lower=by_type(lambda s, a, b: arith.addf(a, b), lambda s, a, b: arith.addi(a, b)), ints=True)
binary("sub", "Difference, numpy broadcasting (integers wrap).", np.subtract, lambda g, y, a, b: (g, -g),
       "(g, -g)", lower=by_type(lambda s, a, b: arith.subf(a, b), lambda s, a, b: arith.subi(a, b)), ints=True)
binary("mul", "Product, numpy broadcasting (integers wrap).", np.multiply, lambda g, y, a, b: (g * b, g * a),
       "(g b, g a)", lower=by_type(lambda s, a, b: arith.mulf(a, b), lambda s, a, b: arith.muli(a, b)), ints=True)
# Plain `arith.divf`: exact IEEE quotients, numpy's bit for bit (the faster forms that were measured
# and rejected: docs/design/dialects-elementwise.md).
binary("div", "Quotient, numpy broadcasting; compiled quotients are exact IEEE (bit-identical to numpy's).",
       np.divide, lambda g, y, a, b: (g / b, -g * y / b), "(g / b, -g y / b)", (0.5, 2.0),
       lower=lambda s, a, b: arith.divf(a, b))
binary("pow", "a ** b, numpy broadcasting.", np.power, _pow_vjp,
       "(g b a^(b-1), g y log(a)), with the b-gradient 0 where a = 0", (0.5, 2.0),
       lower=lambda s, a, b: mmath.powf(a, b))
binary("maximum", "Elementwise maximum.", np.maximum,
       lambda g, y, a, b: (lambda w: (g * w, g * (1.0 - w)))(_tie_weight(a, b, a > b)),
       "g to the larger operand, split in halves on ties",
       lower=by_type(lambda s, a, b: arith.maximumf(a, b), lambda s, a, b: arith.maxsi(a, b)), ints=True)
binary("minimum", "Elementwise minimum.", np.minimum,
       lambda g, y, a, b: (lambda w: (g * w, g * (1.0 - w)))(_tie_weight(a, b, a < b)),
       "g to the smaller operand, split in halves on ties",
       lower=by_type(lambda s, a, b: arith.minimumf(a, b), lambda s, a, b: arith.minsi(a, b)), ints=True)



# ---------------------------------------------------------------- floor division and remainder
# numpy's conventions: the quotient is rounded towards -inf, the remainder has the divisor's sign
# (x == (x // y) * y + x % y). Integers never trap: LLVM's sdiv/srem by zero or of INT_MIN by -1
# are undefined behaviour, so the divisor is replaced by 1 where it is 0 or -1 and the result
# chosen by selects: x // 0 == x % 0 == 0 (numpy's values, without its warning), x // -1 == -x
# (INT_MIN // -1 wraps to INT_MIN, as numpy's), x % -1 == 0. Floats follow numpy's npy_divmod
# step by step (fmod, then the sign fix and the snap to the nearest integer), so compiled results
# are numpy's bit for bit, infinities, NaN and signed zeros included.
def _int_divmod(s, a, b):
    """(q, r) of a divided by b rounded towards -inf, for b not 0 and not -1 (see above)."""
    zero, one = s.const(0), s.const(1)
    safe = arith.select(arith.ori(arith.cmpi(_I.eq, b, zero), arith.cmpi(_I.eq, b, s.const(-1))), one, b)
    q, r = arith.divsi(a, safe), arith.remsi(a, safe)
    # truncation rounded towards zero: step down where the remainder and divisor differ in sign
    fix = arith.andi(arith.cmpi(_I.ne, r, zero),
                     arith.cmpi(_I.ne, arith.cmpi(_I.slt, r, zero), arith.cmpi(_I.slt, safe, zero)))
    return arith.select(fix, arith.subi(q, one), q), arith.select(fix, arith.addi(r, safe), r)


def _float_divmod(s, a, b):
    """numpy's npy_divmod for b != 0: (floor quotient, remainder)."""
    zero = s.const(0.0)
    mod = arith.remf(a, b)  # C fmod: exact
    div = arith.divf(arith.subf(a, mod), b)
    # `if (mod)` is true for NaN too: unordered-or-not-equal
    fix = arith.andi(arith.cmpf(_P.UNE, mod, zero),
                     arith.xori(arith.cmpf(_P.OLT, b, zero), arith.cmpf(_P.OLT, mod, zero)))
    mod = arith.select(fix, arith.addf(mod, b), mod)
    div = arith.select(fix, arith.subf(div, s.const(1.0)), div)
    mod = arith.select(arith.cmpf(_P.OEQ, mod, zero), mmath.copysign(zero, b), mod)
    floor = mmath.floor(div)
    floor = arith.select(arith.cmpf(_P.OGT, arith.subf(div, floor), s.const(0.5)),
                         arith.addf(floor, s.const(1.0)), floor)
    div = arith.select(arith.cmpf(_P.UNE, div, zero), floor, mmath.copysign(zero, arith.divf(a, b)))
    return div, mod


def _floor_divide_body(s, a, b):
    if s.is_float:
        by_zero = arith.cmpf(_P.OEQ, b, s.const(0.0))
        return arith.select(by_zero, arith.divf(a, b), _float_divmod(s, a, b)[0])
    q, _ = _int_divmod(s, a, b)
    q = arith.select(arith.cmpi(_I.eq, b, s.const(-1)), arith.subi(s.const(0), a), q)
    return arith.select(arith.cmpi(_I.eq, b, s.const(0)), s.const(0), q)


def _remainder_body(s, a, b):
    if s.is_float:
        by_zero = arith.cmpf(_P.OEQ, b, s.const(0.0))
        return arith.select(by_zero, arith.remf(a, b), _float_divmod(s, a, b)[1])
    _, r = _int_divmod(s, a, b)  # 0 where b is -1 (the divisor was 1)
    return arith.select(arith.cmpi(_I.eq, b, s.const(0)), s.const(0), r)


def _numpy_division(f):
    """numpy's floor_divide/remainder without its warnings (division by zero is defined here)."""
    def ref(a, b):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.asarray(f(a, b)).astype(a.dtype)
    return ref


binary("floor_divide", "Quotient rounded towards -inf, numpy.floor_divide (`a // b`). Integers: x // 0 is 0 "
       "(numpy's value, no warning) and INT_MIN // -1 wraps to INT_MIN; never a trap. Floats: numpy's "
       "(x // 0 is x / 0).", _numpy_division(np.floor_divide), lambda g, y, a, b: (None, None),
       "0 for both (a symbolic zero: the result is piecewise constant)", (0.5, 2.0),
       lower=_floor_divide_body, ints=True)
binary("remainder", "Remainder with the divisor's sign, numpy.remainder (`a % b`): a - (a // b) * b. "
       "Integers: x % 0 is 0 (numpy's value, no warning). Floats: numpy's (x % 0 is NaN).",
       _numpy_division(np.remainder), lambda g, y, a, b: (g, -g * G.floor_divide(a, b)), "(g, -g floor_divide(a, b))", (0.5, 2.0),
       lower=_remainder_body, ints=True)


def compare(name, summary, ref, predicate, int_predicate):
    """`predicate`: the arith.cmpf predicate of the scalar body (ordered, except `ne`, as numpy);
    `int_predicate`: the (signed) arith.cmpi one for integer operands."""
    register(OpDef(
        name=name, summary=summary, operands=BINARY_NAMES, infer=_infer_compare, ref=ref,
        shape_rule="numpy broadcast of both shapes; numeric operands of one type (f32, f64, i32 or i64); i1 result",
        nondiff="a comparison has a boolean (i1) result, which carries no gradient",
        api_name=NUMPY_NAMES.get(name, name), samples=BINARY_SAMPLES + INT_BINARY_SAMPLES, rematerializable=True,
        lower=elementwise_lowering(by_type(lambda s, a, b: arith.cmpf(predicate, a, b),
                                           lambda s, a, b: arith.cmpi(int_predicate, a, b)))))


compare("gt", "a > b (i1 result).", np.greater, _P.OGT, _I.sgt)
compare("ge", "a >= b (i1 result).", np.greater_equal, _P.OGE, _I.sge)
compare("lt", "a < b (i1 result).", np.less, _P.OLT, _I.slt)
compare("le", "a <= b (i1 result).", np.less_equal, _P.OLE, _I.sle)
compare("eq", "a == b (i1 result).", np.equal, _P.OEQ, _I.eq)
compare("ne", "a != b (i1 result).", np.not_equal, _P.UNE, _I.ne)


# ---------------------------------------------------------------- select -----
SELECT_NAMES = ("condition", "on_true", "on_false")


def _infer_select(c, a, b):
    if c.dtype != "i1":
        raise DTypeError(f"operand 'condition' must have element type i1, got {c}")
    dtype = same_dtype(SELECT_NAMES[1:], (a, b))
    return TensorType(broadcast_shapes(SELECT_NAMES, (c, a, b)), dtype)


def _select_vjp(g, y, c, a, b):
    zero = scalar(0.0, g)
    return None, unbroadcast(G.select(c, g, zero), a.shape), unbroadcast(G.select(c, zero, g), b.shape)


register(OpDef(
    name="select", summary="numpy.where(condition, on_true, on_false).", operands=SELECT_NAMES,
    infer=_infer_select, ref=lambda c, a, b: np.where(c, a, b),
    shape_rule="numpy broadcast of the three shapes; i1 condition; branches of one element type (any)",
    vjp=_select_vjp, vjp_doc="(none, g where condition, g where not condition), summed to operand shapes",
    api_name="where", rematerializable=True,
    lower=elementwise_lowering(lambda s, c, a, b: arith.select(c, a, b)),
    samples=(Sample((TensorType((3, 4), "i1"), TensorType((3, 4), "f32"), TensorType((3, 4), "f32"))),
             Sample((TensorType((3, 1), "i1"), TensorType((4,), "f64"), TensorType((), "f64"))),
             Sample((TensorType((3, 4), "i1"), TensorType((4,), "i64"), TensorType((3, 1), "i64"))),
             Sample((TensorType((2, 3), "i1"), TensorType((2, 3), "i1"), TensorType((), "i1"))))))


# ---------------------------------------------------------------- logical ----
def _infer_logical(*xs):
    names = BINARY_NAMES if len(xs) == 2 else ("input",)
    same_dtype(names, xs, ("i1",))
    return TensorType(broadcast_shapes(names, xs), "i1")


_LOGICAL_NONDIFF = "a logical op has boolean (i1) operands and result, which carry no gradient"
_BOOL = TensorType((3, 4), "i1")


def logical(name, summary, ref, body, operands=BINARY_NAMES):
    register(OpDef(
        name=name, summary=summary, operands=operands, infer=_infer_logical, ref=ref,
        shape_rule="i1 operands; " + ("numpy broadcast of both shapes" if len(operands) == 2 else
                                      "result type = operand type"),
        nondiff=_LOGICAL_NONDIFF, api_name=name, rematerializable=True, lower=elementwise_lowering(body),
        samples=(Sample((_BOOL,) * len(operands)),) + ((Sample((TensorType((2, 1), "i1"), TensorType((3,), "i1"))),)
                                                       if len(operands) == 2 else ())))


logical("logical_and", "a and b, elementwise (numpy.logical_and; `a & b` on i1 tensors).", np.logical_and,
        lambda s, a, b: arith.andi(a, b))
logical("logical_or", "a or b, elementwise (numpy.logical_or; `a | b` on i1 tensors).", np.logical_or,
        lambda s, a, b: arith.ori(a, b))
logical("logical_xor", "a xor b, elementwise (numpy.logical_xor; `a ^ b` on i1 tensors).", np.logical_xor,
        lambda s, a, b: arith.xori(a, b))
logical("logical_not", "not x, elementwise (numpy.logical_not; `~x` on i1 tensors).", np.logical_not,
        lambda s, x: arith.xori(x, s.const(1)), operands=("input",))
