"""The op families. Importing this package registers every `graph` op."""
from . import elementwise, reduction, shape  # noqa: F401
