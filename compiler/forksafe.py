"""Moved to `symgrad.runtime.forksafe` (issue 12). This alias is for runtime/transforms.py and
runtime/gradient.py, its last importers, and goes when they move to compiler/."""
from symgrad.runtime.forksafe import Lock, RLock, registered  # noqa: F401
