"""symgrad: symbolic automatic differentiation of tensor graphs on MLIR.

    import symgrad as sg
    m = sg.trace(lambda x, w: sg.tanh(x @ w).sum(), x, w)
    print(m)                       # the `graph` IR
    sg.interpret(m, None, x, w)    # the reference interpreter
"""
from symgrad.dialects.graph.emit import Tensor
from symgrad.dialects.graph.types import DTypeError, ShapeError, TensorType

from symgrad.dialects.graph.composites import COMPOSITES
from symgrad.dialects.graph.ops.indexing import embedding
from .frontend import FUNCTIONS
from .api import compile, grad, jit, value_and_grad, vjp  # noqa: A004  (sg.compile)
from .gradient import CompiledGradient, Gradient, differentiate, is_differentiable
from .interpret import InterpreterError, interpret
from .codegen import CompiledModule, CompileError, clear_cache
from .module import IRError, Module, parse, parse_file
from .trace import TensorSpec, trace
from . import nn, random

globals().update(FUNCTIONS)
globals().update(COMPOSITES)


def verify(module: Module) -> Module:
    """Raises IRError listing every diagnostic; returns the module when it is valid."""
    return module.verify()


__version__ = "0.1.0"
__all__ = ["Tensor", "TensorSpec", "TensorType", "Module", "IRError", "ShapeError", "DTypeError",
           "InterpreterError", "Gradient", "differentiate", "is_differentiable", "trace", "parse", "parse_file", "interpret", "verify",
           "compile", "CompiledModule", "CompileError", "clear_cache", "CompiledGradient",
           "jit", "vjp", "grad", "value_and_grad", "nn", "random", "embedding",
           *sorted(FUNCTIONS), *sorted(COMPOSITES)]
