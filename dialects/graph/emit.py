"""Building `graph` ops from Python: the symbolic `Tensor` and `emit`.

The front-end traces user functions with `Tensor`, and gradient rules are
written with the very same `Tensor`, so a rule reads like numpy code and the
adjoint it builds is an ordinary `graph` function.

Ops are created at the current MLIR insertion point. Their location comes from
the active location hook (the tracer points it at the user's source line) or,
when no hook is set, from the current `ir.Location` (the gradient pass uses
the location of the op being differentiated).
"""
from __future__ import annotations

import threading
from typing import Callable, Optional

import numpy as np
import mlir.ir as ir

from .registry import OPS, OpDef
from .shape_rules import normalize_axes
from .types import DTypeError, ShapeError, TensorType, dtype_from_numpy, numpy_dtype

_local = threading.local()


def location_hook() -> Optional[Callable[[], ir.Location]]:
    return getattr(_local, "hook", None)


class use_location_hook:
    """Within the block, ops get the location the hook returns (the user's source line)."""

    def __init__(self, hook):
        self.hook = hook

    def __enter__(self):
        self.saved = location_hook()
        _local.hook = self.hook

    def __exit__(self, *exc):
        _local.hook = self.saved


def _describe(loc: Optional[ir.Location]) -> str:
    if loc is None:
        return ""
    try:
        if loc.is_a_file():
            return f" (at {loc.filename}:{loc.start_line})"
    except Exception:  # pragma: no cover - defensive: unusual location kinds
        pass
    return f" (at {loc})"


def emit(name: str, *operands, **attrs):
    """Creates `graph.<name>` on `operands`, inferring its result type from the registry. Returns
    the result Tensor, or a tuple of Tensors (one per result) for an op with several results."""
    opdef: OpDef = OPS[name]
    values = [t for t in operands]
    for i, t in enumerate(values):
        if not isinstance(t, Tensor):
            raise TypeError(f"graph.{name}: operand #{i} must be a symbolic tensor, got {type(t).__name__}")
    hook = location_hook()
    loc = hook() if hook else None
    missing = [k for k in opdef.attrs if k not in attrs]
    unknown = [k for k in attrs if k not in opdef.attrs]
    if missing or unknown:
        raise TypeError(f"graph.{name}: missing attributes {missing}, unknown attributes {unknown}")
    try:
        results = opdef.result_types(*[t.type for t in values], **attrs)
    except DTypeError as e:
        raise DTypeError(f"graph.{name}: {e}{_describe(loc)}") from None
    except ShapeError as e:
        raise ShapeError(f"graph.{name}: {e}{_describe(loc)}") from None
    mlir_attrs = {k: opdef.attrs[k].to_mlir(v) for k, v in attrs.items()}
    op = ir.Operation.create(opdef.full_name, results=[r.to_mlir() for r in results],
                             operands=[t.value for t in values], attributes=mlir_attrs, loc=loc)
    if opdef.multi_result:
        return tuple(Tensor(r) for r in op.results)
    return Tensor(op.result)


def constant(value, dtype: Optional[str] = None) -> "Tensor":
    """A constant tensor. numpy int32/int64/bool arrays keep their dtype; Python ints (and lists
    of them) take the default float type, f32, unless `dtype` says otherwise."""
    typed = isinstance(value, (np.ndarray, np.generic))
    arr = np.asarray(value)
    if dtype is not None:
        if TensorType((), dtype).is_int:
            _check_int_range(arr, dtype)
        arr = arr.astype(numpy_dtype(dtype))
    elif arr.dtype.kind in "iu" and not (typed and arr.dtype in (np.int32, np.int64)):
        arr = arr.astype(np.float32)  # integer literals take the default float type
    dtype_from_numpy(arr.dtype)  # rejects unsupported dtypes with a TypeError
    return emit("constant", value=arr)


def _check_int_range(arr: np.ndarray, dtype: str) -> None:
    if arr.dtype.kind in "iu" and arr.size:
        info = np.iinfo(numpy_dtype(dtype))
        if arr.min() < info.min or arr.max() > info.max:
            raise OverflowError(f"the integer {arr.max() if arr.max() > info.max else arr.min()} does not fit "
                                f"{dtype} ({info.min} .. {info.max})")


def coerce(x, like: "Tensor") -> "Tensor":
    """Turns a Python scalar or numpy array met in an expression into a tensor.

    Python scalars are weakly typed (they take the tensor's dtype, as in JAX):
    an int joins a float or integer tensor, a float only a float tensor (a float
    literal with an integer tensor is an error asking for a cast: no implicit
    promotion), a bool only a boolean (i1) tensor. numpy arrays keep their
    dtype, so mixing float64 data into a float32 graph, or int64 into int32, is
    an error instead of a silent cast (integer arrays still join float tensors).
    """
    if isinstance(x, Tensor):
        return x
    t = like.type
    if isinstance(x, (bool, np.bool_)):
        if t.dtype == "i1":
            return constant(bool(x), "i1")
        raise TypeError(f"Python bools cannot be used as operands with a {t} tensor; use a comparison, a number "
                        f"or a boolean tensor")
    if isinstance(x, int):
        if t.dtype == "i1":
            raise TypeError(f"the integer {x} cannot be used with a boolean tensor ({t}); use True or False")
        return constant(x, t.dtype)
    if isinstance(x, float):
        if not t.is_float:
            raise DTypeError(f"the float {x!r} cannot be used with the {t.dtype} tensor {t}: symgrad does not "
                             f"promote integers to floats implicitly; cast the tensor first (x.astype(np.float32) "
                             f"or symgrad.cast(x, np.float32))")
        return constant(x, t.dtype)
    if isinstance(x, (np.ndarray, np.generic)):
        arr = np.asarray(x)
        if arr.dtype.kind in "iu" and t.is_float:
            arr = arr.astype(t.np_dtype)
        if arr.dtype != t.np_dtype and (arr.dtype.kind == "f" or t.is_int or t.dtype == "i1"):
            raise DTypeError(f"cannot mix a numpy {arr.dtype} constant with a {t.np_dtype} tensor "
                             f"(no implicit casts); convert it with .astype(np.{t.np_dtype})")
        return constant(arr)
    raise TypeError(f"unsupported operand type {type(x).__name__}; expected a tensor, a number or a numpy array")


class IndexShapeError(ShapeError, IndexError):
    """A bad index: an IndexError as in numpy, and a ValueError like every trace-time error."""


class _user_errors:
    """Re-raises a front-end error from inside the block naming the op and the user's source line."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, tp, e, tb):
        hook = location_hook()
        if hook is None or not isinstance(e, (ValueError, TypeError, IndexError)):
            return False
        where, msg = _describe(hook()), str(e)
        if msg.endswith(where):  # already located (by emit, or by an inner api_call)
            return False
        cls = IndexShapeError if isinstance(e, IndexError) and not isinstance(e, ValueError) else type(e)
        prefix = "" if msg.startswith(("graph.", "symgrad.")) else f"{self.what}: "
        try:
            located = cls(f"{prefix}{msg}{where}")
        except Exception:  # an exception type with another constructor: leave it as it is
            return False
        raise located from None


def api_call(name: str, *args, **kwargs):
    """Calls the front-end form of `graph.<name>` (numpy-style arguments)."""
    with _user_errors(f"graph.{name}"):
        return _api_call(name, *args, **kwargs)


def _api_call(name: str, *args, **kwargs):
    opdef = OPS[name]
    if opdef.api is not None:
        return opdef.api(*args, **kwargs)
    tensors = [a for a in args if isinstance(a, Tensor)]
    # Scalars take the dtype of a float operand, else of an integer one (not of where's i1
    # condition), else of the first tensor.
    like = next((t for t in tensors if t.type.is_float),
                next((t for t in tensors if t.type.is_int), tensors[0] if tensors else None))
    if like is None:
        raise TypeError(f"symgrad.{opdef.api_name or name}: expected at least one symbolic tensor argument, "
                        f"got {', '.join(type(a).__name__ for a in args) or 'none'}")
    return emit(name, *[coerce(a, like) for a in args], **kwargs)


def _binary(name, reverse=False):
    def method(self, other):
        with _user_errors(f"graph.{name}"):
            other = coerce(other, self)
        return api_call(name, other, self) if reverse else api_call(name, self, other)
    method.__name__ = f"__{'r' if reverse else ''}{name}__"
    return method


#: numpy indexing by integer arrays and JAX's `.at` for `Tensor`: {"getitem": fn(x, index),
#: "at": fn(x)}, installed by ops/indexing.py (which builds on this module, so it cannot be
#: imported from here; the dialect package imports every op family before anything traces).
INDEXING: dict = {}


class Tensor:
    """A symbolic tensor: an SSA value of a `graph` function under construction."""

    __array_ufunc__ = None  # make numpy defer to our reflected operators
    __hash__ = object.__hash__

    def __init__(self, value: ir.Value):
        self.value = value

    @property
    def type(self) -> TensorType:
        return TensorType.from_mlir(self.value.type)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.type.shape

    @property
    def ndim(self) -> int:
        return self.type.rank

    @property
    def size(self) -> int:
        return self.type.size

    @property
    def dtype(self) -> np.dtype:
        return self.type.np_dtype

    def __repr__(self) -> str:
        return f"Tensor({self.type})"

    def __bool__(self):
        hook = location_hook()
        raise TypeError("a symbolic tensor has no truth value while tracing; use symgrad.where for data-dependent "
                        f"choices{_describe(hook() if hook else None)}")

    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("sub"), _binary("sub", True)
    __mul__, __rmul__ = _binary("mul"), _binary("mul", True)
    __truediv__, __rtruediv__ = _binary("div"), _binary("div", True)
    __floordiv__, __rfloordiv__ = _binary("floor_divide"), _binary("floor_divide", True)
    __mod__, __rmod__ = _binary("remainder"), _binary("remainder", True)
    __pow__, __rpow__ = _binary("pow"), _binary("pow", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __gt__, __ge__ = _binary("gt"), _binary("ge")
    __lt__, __le__ = _binary("lt"), _binary("le")
    __eq__, __ne__ = _binary("eq"), _binary("ne")
    # On boolean (i1) tensors, numpy's logical operators.
    __and__, __rand__ = _binary("logical_and"), _binary("logical_and", True)
    __or__, __ror__ = _binary("logical_or"), _binary("logical_or", True)
    __xor__, __rxor__ = _binary("logical_xor"), _binary("logical_xor", True)

    def __invert__(self):
        return api_call("logical_not", self)

    def __neg__(self):
        return emit("neg", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return emit("abs", self)

    @property
    def T(self):
        return api_call("transpose", self)

    def sum(self, axis=None, keepdims=False):
        return api_call("sum", self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return api_call("mean", self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return api_call("max", self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return api_call("min", self, axis, keepdims)

    def reshape(self, *shape):
        return api_call("reshape", self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        return api_call("transpose", self, (axes[0] if len(axes) == 1 else axes) or None)

    def astype(self, dtype):
        """numpy's astype: a cast to f32, f64, i32, i64 or bool (see graph.cast)."""
        return api_call("cast", self, dtype)

    def argmax(self, axis=None, keepdims=False):
        return api_call("argmax", self, axis, keepdims)

    def argmin(self, axis=None, keepdims=False):
        return api_call("argmin", self, axis, keepdims)

    def __getitem__(self, index):
        """numpy indexing: basic (ints, slices, ..., None: graph.slice) or by one integer array
        or integer tensor (graph.take; see ops/indexing.py for out-of-range indices)."""
        return INDEXING["getitem"](self, index)

    @property
    def at(self):
        """JAX's functional updates: `x.at[idx].add(v)` (graph.scatter_add), `x.at[idx].get()`."""
        return INDEXING["at"](self)


class _Ops:
    """`G.<op>(*operands, **attrs)` emits `graph.<op>` with IR-level attributes."""

    def __getattr__(self, name):
        if name not in OPS:
            raise AttributeError(f"no op graph.{name}")
        return lambda *operands, **attrs: emit(name, *operands, **attrs)


G = _Ops()


def scalar(value: float, like: Tensor) -> Tensor:
    """A rank-0 constant of `like`'s dtype; broadcasting gives it any shape it meets."""
    return constant(value, like.type.dtype)


def unbroadcast(ct: Tensor, shape) -> Tensor:
    """Sums a cotangent back to the shape of an operand that was broadcast (numpy rules)."""
    shape = tuple(shape)
    return ct if ct.shape == shape else emit("sum_to_size", ct, shape=shape)


def numpy_axes(fname: str, x, axes, what: str = "axis") -> tuple[int, ...]:
    """numpy's `axis=` argument of symbolic tensor `x` as sorted non-negative axes: None is every
    axis, an int one, a tuple several (negative ones too). Raises TypeError for a non-tensor `x`."""
    if not isinstance(x, Tensor):
        raise TypeError(f"symgrad.{fname}: expected a symbolic tensor, got {type(x).__name__}")
    if axes is None:
        return tuple(range(x.ndim))
    return normalize_axes((axes,) if isinstance(axes, (int, np.integer)) else tuple(axes), x.ndim, what)
