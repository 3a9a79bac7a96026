"""`graph-verify`: the registry's shape and dtype rules over every `graph` op."""
from __future__ import annotations

from symgrad.dialects.graph.verifier import verify

from .registry import PassError, register_pass


@register_pass("graph-verify", "check element types, shapes and attributes of every graph op against the registry")
def graph_verify(module_op) -> None:
    problems = verify(module_op)
    if problems:
        raise PassError(problems)
