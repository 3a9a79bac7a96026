"""The op families. Importing this package registers every `graph` op."""
from . import elementwise, reduction, matmul, shape, activations, scan, integer, sorting, random, indexing  # noqa: F401  (this order is the registry's)
