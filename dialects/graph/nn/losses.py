"""Losses of `sg.nn` (cross-entropy, negative log-likelihood) on integer class labels."""
from __future__ import annotations

FUNCTIONS: dict = {}
