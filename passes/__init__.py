"""symgrad's MLIR passes. Importing this package registers all of them in `PASSES`."""
from . import differentiate, verify  # noqa: F401
from .registry import PASSES, PassError, PassInfo, as_mlir_pass, parse_options, register_pass

__all__ = ["PASSES", "PassError", "PassInfo", "as_mlir_pass", "parse_options", "register_pass"]
