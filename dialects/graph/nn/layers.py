"""Layers of `sg.nn` that are functions of their inputs and parameters (dropout, batch norm)."""
from __future__ import annotations

FUNCTIONS: dict = {}
