"""Losses of `sg.nn` (cross-entropy, negative log-likelihood) on integer class labels.

PyTorch's semantics (torch.nn.functional.cross_entropy / nll_loss): the loss of one example is
-log_probs[label], reduced by `reduction` ("mean" over the examples whose label is not
`ignore_index`, "sum", or "none"). The class axis is `axis` (default -1, as in JAX and optax;
PyTorch's class dim is 1, the same for 2-D inputs). The label's log-probability is picked with
take_along_axis, not a one-hot product: O(examples) work, and the gradient scatters into the
label's entries only.

Labels are checked like indices (sg.take): constants out of range are an IndexError at trace time;
at run time a label outside [-C, C) (other than `ignore_index`) picks 0, so it adds 0 to the loss
where PyTorch would fail; negative labels count from the end, as numpy indices.
"""
from __future__ import annotations

import numpy as np

from ..composites import log_softmax
from ..emit import Tensor, api_call, constant
from ..types import DTypeError, ShapeError, shape_str

REDUCTIONS = ("mean", "sum", "none")


def _check(fname, log_probs, labels, axis, reduction):
    """The class axis (>= 0) once the arguments are checked; else an error naming the argument."""
    if not isinstance(log_probs, Tensor):
        raise TypeError(f"symgrad.nn.{fname}: expected a symbolic tensor of scores, got {type(log_probs).__name__}")
    if not log_probs.type.is_float:
        raise DTypeError(f"symgrad.nn.{fname}: the scores must be floats (f32 or f64), got {log_probs.type}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"symgrad.nn.{fname}: reduction must be one of {', '.join(map(repr, REDUCTIONS))}, "
                         f"got {reduction!r}")
    if log_probs.ndim == 0:
        raise ShapeError(f"symgrad.nn.{fname}: the scores need a class axis, got a rank-0 tensor")
    rank = log_probs.ndim
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -rank <= axis < rank:
        raise ValueError(f"symgrad.nn.{fname}: axis {axis!r} is not an axis of scores of shape "
                         f"{shape_str(log_probs.shape)}")
    axis = int(axis) % rank
    if isinstance(labels, Tensor):
        if not labels.type.is_int:
            raise DTypeError(f"symgrad.nn.{fname}: labels must be integer class indices (i32 or i64), got "
                             f"{labels.type}; cast them with .astype(np.int32)")
    elif np.asarray(labels).dtype.kind not in "iu":
        raise DTypeError(f"symgrad.nn.{fname}: labels must be integer class indices (int32 or int64), got "
                         f"{np.asarray(labels).dtype} values")
    want = log_probs.shape[:axis] + log_probs.shape[axis + 1:]
    got = labels.shape if isinstance(labels, Tensor) else np.shape(labels)
    if tuple(got) != want:
        raise ShapeError(f"symgrad.nn.{fname}: labels of shape {shape_str(tuple(got))} must have the shape "
                         f"{shape_str(want)} of the scores {shape_str(log_probs.shape)} without the class axis "
                         f"{axis}")
    return axis


def _label_tensor(fname, labels, n, ignore_index) -> Tensor:
    """Labels as a tensor. Constants are checked now, as sg.take checks indices: a label outside
    [-n, n) that is not `ignore_index` is an IndexError, a negative one counts from the end."""
    if isinstance(labels, Tensor):
        return labels
    arr = np.asarray(labels)
    arr = arr if arr.dtype in (np.int32, np.int64) else arr.astype(np.int64)
    counted = np.ones(arr.shape, bool) if ignore_index is None else arr != ignore_index
    bad = arr[counted & ((arr < -n) | (arr >= n))]
    if bad.size:
        raise IndexError(f"symgrad.nn.{fname}: label {int(bad.flat[0])} is out of range for {n} classes")
    return constant(np.where(counted & (arr < 0), arr + n, arr).astype(arr.dtype))


def nll_loss(log_probs, labels, reduction="mean", ignore_index=None, axis=-1):
    """-log_probs[label] per example, reduced as torch.nn.functional.nll_loss: "mean" over the
    examples whose label is not `ignore_index` (NaN when there are none, as PyTorch), "sum",
    or "none" (the per-example losses, 0 where ignored)."""
    axis = _check("nll_loss", log_probs, labels, axis, reduction)
    labels = _label_tensor("nll_loss", labels, log_probs.shape[axis], ignore_index)
    keep = labels.shape[:axis] + (1,) + labels.shape[axis:]
    picked = api_call("take_along_axis", log_probs, api_call("reshape", labels, keep), axis)
    losses = -api_call("reshape", picked, labels.shape)
    if ignore_index is None:
        if reduction == "none":
            return losses
        return api_call("sum" if reduction == "sum" else "mean", losses, None, False)
    kept = labels != int(ignore_index)
    losses = api_call("select", kept, losses, 0.0)
    if reduction == "none":
        return losses
    total = api_call("sum", losses, None, False)
    if reduction == "sum":
        return total
    return total / api_call("sum", api_call("cast", kept, log_probs.dtype), None, False)


def cross_entropy(logits, labels, axis=-1, reduction="mean", ignore_index=None):
    """nll_loss(log_softmax(logits, axis), labels): torch.nn.functional.cross_entropy with
    integer class labels (optax.softmax_cross_entropy_with_integer_labels for reduction="none")."""
    axis = _check("cross_entropy", logits, labels, axis, reduction)
    return nll_loss(log_softmax(logits, axis), labels, reduction, ignore_index, axis)


FUNCTIONS: dict = {"cross_entropy": cross_entropy, "nll_loss": nll_loss}
