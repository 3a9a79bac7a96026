"""`sg.nn`: neural-network functions (losses, layers), written with `graph` ops at trace time.

Like the composites, they are compositions of registered ops, so the ops' own gradient rules and
lowerings apply. Each family lives in its own file; this package gathers their public names.
"""
from __future__ import annotations

from . import layers, losses

FUNCTIONS = {**losses.FUNCTIONS, **layers.FUNCTIONS}
globals().update(FUNCTIONS)
__all__ = sorted(FUNCTIONS)
