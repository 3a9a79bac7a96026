"""`symgrad.nn`: losses and layers (see symgrad.dialects.graph.nn)."""
from symgrad.dialects.graph.nn import *  # noqa: F401,F403
from symgrad.dialects.graph.nn import __all__  # noqa: F401
