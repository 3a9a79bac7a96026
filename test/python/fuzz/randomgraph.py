"""A random graph as plain data (argument types, input arrays, a list of `Step`s, the output
indices), so hypothesis can shrink it: its numpy program, its IR (built with `emit`, and spelled
independently), and the `.mlir` regression file it is saved as and rebuilt from."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

import symgrad as sg
from symgrad.dialects.graph import OPS, emit
from symgrad.dialects.graph.attrs import BOOL, DTYPE, FLOAT, INT, INTS, TENSOR
from symgrad.dialects.graph.registry import lookup
from symgrad.dialects.graph.types import TensorType
from symgrad.dialects.graph.verifier import op_attributes

@dataclass
class Step:
    """One op of a random graph: `graph.<op>` on earlier values, with IR-level attributes."""
    op: str
    operands: tuple
    attrs: dict = field(default_factory=dict)


@dataclass
class RandomGraph:
    arg_types: list  # TensorType per argument (f64 or f32, i1 for a mask, or i64)
    inputs: list  # one numpy array per argument
    # Step per op, in order; the values after the arguments are the steps' results in order (one
    # per result: an op with several adds several values; see `producer`).
    steps: list
    outputs: list  # value indices returned by the function
    seed: int = 0  # seeds the checks' random cotangents and directions
    hvp: bool = False  # whether the second-derivative check runs on this graph
    types: list = field(default_factory=list)  # TensorType of every value
    values: list = field(default_factory=list)  # numpy value of every value at `inputs`

    def __post_init__(self):
        if not self.types:
            self.types = list(self.arg_types)
            for s in self.steps:
                self.types.extend(OPS[s.op].result_types(*[self.types[i] for i in s.operands], **s.attrs))
        if not self.values:
            self.values = self.evaluate_all(self.inputs)

    def producer(self, value: int):
        """(step index, result number) of value `value`, or None for an argument."""
        k = len(self.arg_types)
        if value < k:
            return None
        for n, s in enumerate(self.steps):
            count = len(OPS[s.op].results)
            if value < k + count:
                return n, value - k
            k += count
        raise IndexError(f"no value {value}")

    def first_values(self) -> list:
        """The index of each step's first result."""
        out, k = [], len(self.arg_types)
        for s in self.steps:
            out.append(k)
            k += len(OPS[s.op].results)
        return out

    # -- the numpy program: each step's registry reference, in order -----------
    def evaluate_all(self, arrays) -> list:
        """Every value at `arrays`, as differentiation sees the program: a stop_gradient result is a
        constant, so once the values at `inputs` are known it keeps its value there (the finite-
        difference oracles perturb the inputs and must not see it move)."""
        vals = list(arrays)
        with np.errstate(all="ignore"):
            for s in self.steps:
                if OPS[s.op].stops_gradient and self.values:
                    vals.extend(self.values[len(vals):len(vals) + len(OPS[s.op].results)])
                    continue
                vals.extend(np.asarray(r) for r in OPS[s.op].run_ref(*[vals[i] for i in s.operands], **s.attrs))
        return vals

    def evaluate(self, *arrays) -> tuple:
        vals = self.evaluate_all(arrays)
        return tuple(vals[i] for i in self.outputs)

    @property
    def output_types(self) -> list:
        return [self.types[i] for i in self.outputs]

    @property
    def has_f32(self) -> bool:
        return any(t.dtype == "f32" for t in self.types)

    # -- IR ---------------------------------------------------------------------
    def build(self, name: str = "f") -> sg.Module:
        """The graph as a verified `graph` function `@name`, built with `emit`."""
        steps, outputs = self.steps, self.outputs

        def fn(*args):
            vals = list(args)
            for s in steps:
                made = emit(s.op, *[vals[i] for i in s.operands], **s.attrs)
                vals.extend(made if isinstance(made, tuple) else (made,))
            return tuple(vals[i] for i in outputs)

        specs = [sg.TensorSpec(t.shape, t.np_dtype) for t in self.arg_types]
        return sg.trace(fn, *specs, name=name)

    def mlir(self) -> str:
        """The IR as `sg` builds and prints it; the independent text when building fails."""
        try:
            return str(self.build())
        except Exception:  # a builder bug: the failure is reported elsewhere, keep the graph printable
            return self.text()

    def text(self, name: str = "f") -> str:
        """The IR written directly from the steps in MLIR's generic syntax, without `emit`:
        an independent spelling that the property checks compare with the built IR."""
        def ref(i):  # an op with several results is %k:n, its results %k#0, %k#1, ...
            where = self.producer(i)
            if where is None:
                return f"%arg{i}"
            k, r = where
            return f"%{k}#{r}" if OPS[self.steps[k].op].multi_result else f"%{k}"
        args = ", ".join(f"%arg{i}: {t}" for i, t in enumerate(self.arg_types))
        results = ", ".join(str(self.types[i]) for i in self.outputs)
        lines = [f"func.func @{name}({args}) -> ({results}) {{"]
        for k, (s, first) in enumerate(zip(self.steps, self.first_values())):
            opdef = OPS[s.op]
            attrs = ", ".join(f"{n} = {attr_text(opdef.attrs[n], v)}" for n, v in s.attrs.items())
            types = ", ".join(str(self.types[i]) for i in s.operands)
            n = len(opdef.results)
            out = ", ".join(str(t) for t in self.types[first:first + n])
            lines.append(f'  %{k}{f":{n}" if n > 1 else ""} = "graph.{s.op}"({", ".join(ref(i) for i in s.operands)})'
                         f'{" {" + attrs + "}" if attrs else ""} : ({types}) -> {f"({out})" if n > 1 else out}')
        lines.append(f"  return {', '.join(ref(i) for i in self.outputs)} : {results}")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        return "RandomGraph:\n" + to_regression_text(self)

    @staticmethod
    def from_module(module: sg.Module, inputs, seed: int = 0, hvp: bool = False,
                    func_name: Optional[str] = None) -> "RandomGraph":
        """Reads a single-block function of `graph` ops back into steps."""
        with module.context:
            fop = module.function(func_name)
            block = fop.entry_block
            index = {a: i for i, a in enumerate(block.arguments)}
            arg_types = [TensorType.from_mlir(t) for t in fop.type.inputs]
            steps, outputs = [], None
            for op in block.operations:
                op = op.operation
                if op.name == "func.return":
                    outputs = [index[v] for v in op.operands]
                    break
                opdef = lookup(op.name)
                if opdef is None:
                    raise ValueError(f"{op.name} is not a graph op")
                steps.append(Step(opdef.name, tuple(index[v] for v in op.operands), op_attributes(op, opdef)))
                for r in op.results:
                    index[r] = len(index)
        inputs = [np.asarray(a, dtype=t.np_dtype).reshape(t.shape) for a, t in zip(inputs, arg_types)]
        return RandomGraph(arg_types, inputs, steps, outputs, seed=seed, hvp=hvp)


def _elements_text(a: np.ndarray) -> str:
    if a.ndim == 0:
        v = a.item()
        if a.dtype == np.bool_:
            return "true" if v else "false"
        return str(int(v)) if a.dtype.kind in "iu" else f"{float(v):.17e}"
    return "[" + ", ".join(_elements_text(x) for x in a) + "]"


def attr_text(kind, value) -> str:
    """An attribute value in MLIR syntax, written independently of `AttrKind.to_mlir`."""
    if kind is INTS:
        return f"array<i64{': ' + ', '.join(str(int(v)) for v in value) if len(value) else ''}>"
    if kind is INT:
        return f"{int(value)} : i64"
    if kind is BOOL:
        return "true" if value else "false"
    if kind is FLOAT:  # infinities in MLIR's hexadecimal form
        return f"{'0x7FF0000000000000' if value > 0 else '0xFFF0000000000000'} : f64" if np.isinf(value) \
            else f"{float(value):.17e} : f64"
    if kind is DTYPE:
        return value
    if kind is TENSOR:
        a = np.asarray(value)
        return f"dense<{_elements_text(a)}> : {TensorType.of_array(a)}"
    raise NotImplementedError(f"graphgen cannot spell attribute kind {kind.name}")


# ------------------------------------------------------------------ regression files
HEADER = "// symgrad-fuzz"


def to_regression_text(g: RandomGraph, failure: str = "", xfail: str = "", runner: str = "interpret") -> str:
    """The graph as a `.mlir` file: its IR after `// ` header lines that carry what the
    checks need besides the IR (seed, inputs, runner); `sg.parse` skips the comments."""
    lines = [f"{HEADER} regression: replayed by test/python/fuzz/test_regressions.py",
             f"// seed: {g.seed}", f"// hvp: {str(g.hvp).lower()}", f"// runner: {runner}"]
    if xfail:
        lines.append(f"// xfail: {xfail}")
    for line in failure.strip().splitlines()[:12]:
        lines.append(f"// failure: {line}")
    for i, a in enumerate(g.inputs):
        lines.append(f"// input {i}: {json.dumps(np.asarray(a, dtype=np.float64).tolist())}")
    return "\n".join(lines) + "\n" + g.mlir()


@dataclass
class RegressionFile:
    text: str
    seed: int
    hvp: bool
    xfail: str
    inputs: list
    runner: str = "interpret"

    def graph(self) -> RandomGraph:
        return RandomGraph.from_module(sg.parse(self.text), self.inputs, seed=self.seed, hvp=self.hvp)


def read_regression(text: str) -> RegressionFile:
    header = dict(re.findall(r"^// (seed|hvp|xfail|runner): (.*)$", text, re.M))
    inputs = {int(i): json.loads(v) for i, v in re.findall(r"^// input (\d+): (.*)$", text, re.M)}
    return RegressionFile(text=text, seed=int(header.get("seed", 0)), hvp=header.get("hvp", "false") == "true",
                          xfail=header.get("xfail", ""), inputs=[inputs[i] for i in sorted(inputs)],
                          runner=header.get("runner", "interpret"))
