"""The numpy-style functions `symgrad.<name>`, one per registry op, made from the registry.

Each function takes symbolic tensors (and Python scalars or numpy constants
where numpy would) and emits its op through the entry's `api`.
"""
from __future__ import annotations

from symgrad.dialects.graph.emit import api_call
from symgrad.dialects.graph.registry import OPS


def _make(op):
    def fn(*args, **kwargs):
        return api_call(op.name, *args, **kwargs)
    fn.__name__ = fn.__qualname__ = op.api_name
    fn.__doc__ = f"{op.summary}\n\nEmits graph.{op.name}. Shape rule: {op.shape_rule}."
    return fn


FUNCTIONS = {op.api_name: _make(op) for op in OPS.values() if op.api_name}
