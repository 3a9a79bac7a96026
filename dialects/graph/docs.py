"""Generates `docs/ops.md`, the `graph` op reference, from the op registry.

    python -m symgrad.dialects.graph.docs            # rewrite docs/ops.md
    python -m symgrad.dialects.graph.docs --check    # exit 1 if it is out of date
    python -m symgrad.dialects.graph.docs -o -       # print it

Everything in the reference is read from the registry (`OPS`), the composites
(`COMPOSITES`), `Tensor`'s operators, or obtained by building the ops, so it cannot
drift from the code; a test compares the file with `generate()`.
"""
from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import Optional

import numpy as np
import mlir.ir as ir
from mlir.dialects import func as func_d

from .composites import COMPOSITES
from .emit import Tensor, emit
from .irdl import load
from .registry import OPS, OpDef, Sample
from .types import TensorType

REGENERATE = "python -m symgrad.dialects.graph.docs  (or ./scripts/gen_docs.sh)"
FAMILY_TITLES = {"elementwise": "Elementwise", "reduction": "Reductions", "matmul": "Linear algebra",
                 "shape": "Shape and constants", "activations": "Activations",
                 "scan": "Scans and reversal", "integer": "Integer results and labels",
                 "sorting": "Sorting (several results)",
                 "indexing": "Indexing: gather and scatter"}

# Tensor operators and methods documented with the op(s) they emit, found by tracing each.
OPERATORS = (
    ("x + y", lambda x, y: x + y), ("x - y", lambda x, y: x - y), ("x * y", lambda x, y: x * y),
    ("x / y", lambda x, y: x / y), ("x ** y", lambda x, y: x ** y), ("x @ y", lambda x, y: x @ y),
    ("x // y", lambda x, y: x // y), ("x % y", lambda x, y: x % y),
    ("-x", lambda x, y: -x), ("abs(x)", lambda x, y: abs(x)),
    ("x > y", lambda x, y: x > y), ("x >= y", lambda x, y: x >= y), ("x < y", lambda x, y: x < y),
    ("x <= y", lambda x, y: x <= y), ("x == y", lambda x, y: x == y), ("x != y", lambda x, y: x != y),
    ("x.T", lambda x, y: x.T), ("x.transpose(1, 0)", lambda x, y: x.transpose(1, 0)),
    ("x.sum(axis, keepdims)", lambda x, y: x.sum(0)), ("x.mean(axis, keepdims)", lambda x, y: x.mean(0)),
    ("x.max(axis, keepdims)", lambda x, y: x.max(0)), ("x.min(axis, keepdims)", lambda x, y: x.min(0)),
    ("x.reshape(shape)", lambda x, y: x.reshape(-1)), ("x.astype(dtype)", lambda x, y: x.astype(np.float64)),
    ("x[0:1, ::2]", lambda x, y: x[0:1, ::2]), ("x[0]", lambda x, y: x[0]),
    ("x + 2.0, 2.0 * x, np_array - x", lambda x, y: 2.0 * x),
    ("x.argmax(axis), x.argmin(axis)", lambda x, y: x.argmax(1)),
    ("x[[1, 0]], x[:, idx] (integer arrays or tensors)", lambda x, y: x[[1, 0]]),
    ("x.at[idx].add(v)", lambda x, y: x.at[[1, 1]].add(y)),
)
# ... and those of boolean (i1) tensors, traced on i1 operands.
BOOL_OPERATORS = (
    ("m & n", lambda m, n: m & n), ("m | n", lambda m, n: m | n), ("m ^ n", lambda m, n: m ^ n),
    ("~m", lambda m, n: ~m),
)


_contexts: list[ir.Context] = []  # one context, with the dialect loaded, per generate() call


def _trace_ops(fn, types) -> tuple[list[str], list[str]]:
    """Builds `fn` on arguments of `types`; returns (printed ops, op names) in order."""
    if not _contexts:
        _contexts.append(load(ir.Context()))
    with _contexts[-1], ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            fop = func_d.FuncOp("doc", ([t.to_mlir() for t in types], []))
        block = fop.add_entry_block()
        with ir.InsertionPoint(block):
            fn(*[Tensor(a) for a in block.arguments])
        ops = [op.operation for op in block.operations]
        return [str(op) for op in ops], [op.name for op in ops]


def example(op: OpDef, sample: Sample) -> str:
    """The op built on one of its samples, in MLIR's generic form."""
    text, _ = _trace_ops(lambda *xs: emit(op.name, *xs, **sample.attrs), sample.operands)
    return text[-1]


def family(op: OpDef) -> str:
    return op.infer.__module__.rsplit(".", 1)[-1] if op.infer.__module__ else "other"


def front_end_call(op: OpDef) -> str:
    if not op.api_name:
        return "none (build it with `G.{}`)".format(op.name)
    if op.api is not None:
        return f"`sg.{op.api_name}{inspect.signature(op.api)}`"
    return f"`sg.{op.api_name}({', '.join(op.operands)})`"


def _attr_lines(op: OpDef) -> list[str]:
    if not op.attrs:
        return ["- **Attributes:** none"]
    lines = ["- **Attributes:**"]
    for name, kind in op.attrs.items():
        lines.append(f"  - `{name}`: {kind.name}, e.g. `{kind.example}`")
    return lines


def _op_section(op: OpDef) -> list[str]:
    lines = [f"### `graph.{op.name}`", "", op.summary, ""]
    lines.append("- **Operands:** " + (", ".join(f"`{n}`" for n in op.operands) or "none"))
    lines += _attr_lines(op)
    if op.multi_result:
        lines.append("- **Results:** " + ", ".join(f"`{n}`" for n in op.results))
    lines.append(f"- **Result type{'s' if op.multi_result else ''}:** {op.shape_rule}")
    if op.differentiable and op.multi_result:
        lines.append(f"- **Gradient (vjp of one cotangent per result, None where none reaches it):** {op.vjp_doc}")
    elif op.differentiable:
        lines.append(f"- **Gradient (vjp of cotangent `g`, result `y`):** {op.vjp_doc}")
    else:
        lines.append(f"- **Gradient:** not differentiable: {op.nondiff}")
    lines.append(f"- **Front-end:** {front_end_call(op)}")
    lo, hi = op.domain
    lines.append(f"- **Test domain:** [{lo:g}, {hi:g}]; {len(op.samples)} sample(s)")
    if op.samples:
        lines += ["", "```mlir", example(op, op.samples[0]), "```"]
    return lines + [""]


def _composites_section() -> list[str]:
    lines = ["## Composites (front-end compositions, not ops)", "",
             "These `sg.` functions are not `graph` ops: they are compositions that the front-end expands "
             "into the ops above while tracing. They need no shape rule, gradient rule or lowering of "
             "their own; the rules of their parts apply. Each is shown with the ops it expands to on a "
             "`tensor<2x3xf32>` (each op listed once, in order of first use).", "",
             "| function | expands to | description |", "|---|---|---|"]
    for name, fn in COMPOSITES.items():
        _, names = _trace_ops(lambda x: fn(x), [TensorType((2, 3), "f32")])
        doc = (inspect.getdoc(fn) or "-").split("\n")[0]
        used = ", ".join(f"`{n}`" for n in dict.fromkeys(names))
        lines.append(f"| `sg.{name}{inspect.signature(fn)}` | {used} | {doc} |")
    return lines + [""]


def _operators_section() -> list[str]:
    lines = ["## Tensor operators and methods", "",
             "Symbolic tensors follow numpy: Python scalars take the tensor's dtype, numpy arrays keep "
             "theirs (mixing float32 and float64 is an error, never a silent cast), and numpy arrays on "
             "the left of an operator work too. Each form emits:", "",
             "| expression | emits |", "|---|---|"]
    t = TensorType((2, 2), "f32")
    b = TensorType((2, 2), "i1")
    for (text, fn), types in [(o, [t, t]) for o in OPERATORS] + [(o, [b, b]) for o in BOOL_OPERATORS]:
        _, names = _trace_ops(fn, types)
        lines.append(f"| `{text}` | {', '.join(f'`{n}`' for n in names)} |")
    return lines + [""]


def _dtypes_section() -> list[str]:
    return [
        "## Element types", "",
        "| element type | numpy dtype | what takes it |", "|---|---|---|",
        "| `f32`, `f64` | float32, float64 | every op; the only differentiable values |",
        "| `i32`, `i64` | int32, int64 | arithmetic (`add`, `sub`, `mul`, `neg`, `abs`, `maximum`, `minimum`), "
        "comparisons, `select` branches, `sum`/`max`/`min`, the shape ops, `cast`, sorting; `argmax`/`argmin` "
        "results and the indices of `sort_with_indices`/`topk` (i64), `one_hot` labels and the indices of "
        "`take`, `take_along_axis`, `scatter_add` and `scatter_add_along_axis` |",
        "| `i1` | bool (one byte once lowered) | comparison results, `select` conditions and branches, the "
        "logical ops, the shape ops, `cast` |", "",
        "Each op's result-type rule above says which it takes; any other is a located `DTypeError`. "
        "Integer arithmetic wraps on overflow (two's complement), as numpy's does.",
        "",
        "**Promotion: none (strict, as JAX's `jax_numpy_dtype_promotion='strict'`).** The operands of an "
        "op share one element type: `i32 + f32`, `i32 + i64` and `f32 + f64` are errors that ask for an "
        "explicit `sg.cast(x, dtype)` / `x.astype(dtype)` (`graph.cast`), so a graph never changes "
        "precision or kind behind the user's back. Python scalars are weak: an `int` joins an integer or "
        "float tensor in its dtype (`k + 1` stays `i32`), a `float` joins only float tensors (`k + 0.5` on "
        "an integer tensor is an error), a `bool` only `i1` tensors. numpy arrays keep their dtype "
        "(integer arrays still join float tensors as floats).", "",
        "**Casts** follow numpy's `astype`: float to integer truncates toward zero; to `i1` is `x != 0` "
        "(NaN is true); `i1` to a number is 0 or 1; integers wrap when narrowed; floats round to nearest. "
        "A float with no integer of the target type (NaN, +-inf, out of range) becomes the smallest "
        "integer of the type: numpy calls this undefined (it is what numpy gives on x86); symgrad defines "
        "it so that compiled code and the interpreter agree everywhere.", "",
        "**Gradients:** integer and boolean values never require grad. Marking an integer argument "
        "(`sg.grad(f, argnums=k)` on an int array, or `{graph.requires_grad}` in IR) is an error naming "
        "the argument; `sg.vjp` returns `None` for such arguments. `graph-differentiate` only propagates "
        "requires-grad through float results, so ops with integer results (casts to integers, argmax, "
        "comparisons) stop gradients and integer values get no cotangents.", ""]


def generate() -> str:
    _contexts.clear()
    try:
        return _generate()
    finally:
        _contexts.clear()


def _generate() -> str:
    ops = list(OPS.values())
    lines = ["<!-- Generated from the op registry by " + REGENERATE + "; do not edit. -->", "",
             "# The `graph` dialect: op reference", "",
             "Every op is one registry entry (`OpDef`) in `dialects/graph/ops/`; the IRDL definition, the "
             "verifier, the reference interpreter, the front-end functions, the tests and this page are all "
             "derived from it. Types are statically shaped tensors of `f32`, `f64`, `i32`, `i64` or `i1` "
             "(see [Element types](#element-types) for which ops take which, and the promotion rules); ops print in MLIR's generic form. In gradient rules, "
             "`g` is the result's cotangent and `y` the op's result. An op with several results (listed under "
             "**Results**) prints as `%r:2 = \"graph.<op>\"(...) : (...) -> (t0, t1)`, its results read as `%r#0`, "
             "`%r#1`; `sg.<op>` returns a tuple.", "",
             f"{len(ops)} ops:", "",
             "| op | front-end | summary | differentiable |", "|---|---|---|---|"]
    for op in ops:
        api = f"`sg.{op.api_name}`" if op.api_name else "-"
        lines.append(f"| [`graph.{op.name}`](#graph{op.name}) | {api} | {op.summary} | "
                     f"{'yes' if op.differentiable else 'no'} |")
    lines.append("")
    by_family: dict[str, list[OpDef]] = {}
    for op in ops:
        by_family.setdefault(family(op), []).append(op)
    for fam, members in by_family.items():
        lines += [f"## {FAMILY_TITLES.get(fam, fam)} (`dialects/graph/ops/{fam}.py`)", ""]
        for op in members:
            lines += _op_section(op)
    lines += _dtypes_section()
    lines += _composites_section()
    lines += _operators_section()
    return "\n".join(lines).rstrip("\n") + "\n"


def default_path() -> Optional[Path]:
    """docs/ops.md of the source checkout this module runs from (None if not a checkout)."""
    root = Path(__file__).resolve().parents[2]
    return root / "docs" / "ops.md" if (root / "pyproject.toml").exists() else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m symgrad.dialects.graph.docs", description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", help="file to write ('-' for stdout); default: docs/ops.md of the checkout")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from what would be generated")
    args = parser.parse_args(argv)
    text = generate()
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    path = Path(args.output) if args.output else default_path()
    if path is None:
        parser.error("not running from a source checkout; pass -o FILE")
    if args.check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is out of date; regenerate it with {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"wrote {path} ({len(OPS)} ops)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
