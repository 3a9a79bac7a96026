"""`symgrad.random`: counter-based random numbers (see symgrad.dialects.graph.prng)."""
from symgrad.dialects.graph.prng import *  # noqa: F401,F403
from symgrad.dialects.graph.prng import __all__  # noqa: F401
