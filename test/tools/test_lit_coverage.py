"""The lit suite keeps up with the registry.

* Every op in `symgrad.dialects.graph.OPS` is CHECKed in a round-trip lit test
  (a file whose RUN line pipes `%symgrad-opt %s | %symgrad-opt`), so adding an
  op without one fails here.
* Every `raise ShapeError(...)` / `raise DTypeError(...)` of the verifier's
  sources has a case in `test/dialect/invalid.mlir` whose expected-error
  matches the raise's message (its f-string with the formatted parts as
  wildcards), except the few that textual IR cannot reach (UNREACHABLE).

* Every pass of `symgrad.passes.ALL_PASSES` lives in the file named after it
  (`tile-rows`: passes/tile_rows.py) and has a lit test named after it
  (test/passes/tile-rows.mlir, or tile-rows-<topic>.mlir), and every lit test
  in test/passes is named after a pass.

Also a few checks of `symgrad.passes.pipeline_text`, which the driver, `sg.compile`
and named pipelines share.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from symgrad.dialects.graph import OPS
from symgrad.passes import ALL_PASSES, PASSES, ModulePass, option

ROOT = Path(__file__).resolve().parents[2]
TEST = ROOT / "test"
GRAPH = ROOT / "dialects" / "graph"
INVALID = TEST / "dialect" / "invalid.mlir"
RULE_SOURCES = sorted((GRAPH / "ops").glob("*.py")) + [GRAPH / n for n in
                                                      ("shape_rules.py", "types.py", "attrs.py", "verifier.py")]

# Messages the Python verifier can raise but parsed IR never reaches, because IRDL (which runs
# first, while parsing) already rejects the input; invalid.mlir has the IRDL case instead.
# Keyed by a fragment of the raise's message; each fragment must still occur in a raise.
UNREACHABLE = {
    "is missing (expected": "IRDL requires every declared attribute ('attribute \"keepdims\" is expected but "
                            "not provided' in invalid.mlir)",
    "expects exactly …, has": "IRDL declares the op's results ('op expects exactly 1 results', "
                              "'op expects exactly 2 results')",
    "expected a ranked tensor type, got": "IRDL only accepts !builtin.tensor, not unranked tensors "
                                          "('expected base type 'builtin.tensor' but got 'builtin.unranked_tensor'')",
    "expected an element type such as": "IRDL constrains `to` to #builtin.type ('expected base attribute "
                                        "'builtin.type' but got 'builtin.string'')",
    "expected a float attribute such as": "IRDL constrains float parameters to #builtin.float ('expected base "
                                          "attribute 'builtin.float' but got 'builtin.integer'')",
    "unknown dtype": "raised by the Python builder (types.element_type), never for parsed IR",
}

_RUN = re.compile(r"//\s*RUN:(.*)$", re.M)
_EXPECTED = re.compile(r"expected-error(?:-re)?\s*(?:@\S+)?\s*\{\{(.*)\}\}\s*$", re.M)


def lit_files():
    return sorted(p for p in TEST.rglob("*.mlir") if "python" not in p.relative_to(TEST).parts)


def round_trip_files():
    out = []
    for p in lit_files():
        runs = _RUN.findall(p.read_text())
        if any(re.search(r"%symgrad-opt\b[^|]*%s[^|]*\|\s*%symgrad-opt", r) for r in runs):
            out.append(p)
    return out


def checked_ops(path: Path) -> set[str]:
    """Op names that appear on CHECK lines of the file (CHECK, CHECK-NEXT, CHECK-SAME, ...)."""
    found = set()
    for line in path.read_text().splitlines():
        if re.match(r"\s*//\s*CHECK[A-Z-]*:", line):
            found.update(re.findall(r'"graph\.([a-z_0-9]+)"', line))
    return found


def test_round_trip_files_exist():
    names = {p.name for p in round_trip_files()}
    assert {"elementwise.mlir", "reduction.mlir", "shape.mlir"} <= names, names


def test_every_op_has_a_round_trip_lit_test():
    covered = set().union(*(checked_ops(p) for p in round_trip_files()))
    missing = sorted(set(OPS) - covered)
    assert not missing, (f"ops without a round-trip lit test (add a function and CHECK lines for "
                         f'"graph.<name>" to test/dialect/<family>.mlir): {missing}')


# ------------------------------------------------------------ verifier rules --
def raise_sites():
    """(file:line, message regex, literal text) for every `raise ShapeError/DTypeError(...)`."""
    sites = []
    for path in RULE_SOURCES:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in ("ShapeError", "DTypeError"):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            assert node.exc.args, f"{where}: raise without a message"
            arg = node.exc.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                parts = [arg.value]
            elif isinstance(arg, ast.JoinedStr):
                parts = [v.value if isinstance(v, ast.Constant) else None for v in arg.values]
            else:
                pytest.fail(f"{where}: the message is not a string literal or f-string; this test cannot "
                            f"match it to invalid.mlir")
            regex = "".join(re.escape(p) if p is not None else ".*?" for p in parts)
            literal = "".join(p if p is not None else "…" for p in parts)
            sites.append((where, regex, literal))
    return sites


def expected_errors() -> list[str]:
    return _EXPECTED.findall(INVALID.read_text())


def test_raise_sites_are_found():
    # A sanity check on the scanner itself: the verifier has dozens of rules.
    assert len(raise_sites()) >= 30


SITES = raise_sites()


@pytest.mark.parametrize("where,regex,literal", SITES, ids=[w for w, _, _ in SITES])
def test_every_verifier_rule_has_an_invalid_ir_case(where, regex, literal):
    reasons = [r for frag, r in UNREACHABLE.items() if frag in literal]
    if reasons:
        return  # documented as unreachable from parsed IR (see UNREACHABLE)
    matches = [e for e in expected_errors() if re.search(regex, e)]
    assert matches, (f"{where}: no case in test/dialect/invalid.mlir expects the diagnostic\n    {literal}\n"
                     f"Add a `// -----` case with `// expected-error@+1 {{{{<exact message>}}}}`.")


def test_unreachable_list_is_current():
    literals = [lit for _, _, lit in raise_sites()]
    stale = [frag for frag in UNREACHABLE if not any(frag in lit for lit in literals)]
    assert not stale, f"UNREACHABLE names messages no longer raised: {stale}"


def test_invalid_cases_expect_exact_messages():
    """Each expected-error names the op (or is an IRDL/parser message), so it pins one rule."""
    for msg in expected_errors():
        assert msg.startswith("'graph.") or msg.startswith(("expected base", "op expects", "unregistered")), msg


# ------------------------------------------------------------ one pass, one file, one name --
PASS_TESTS = TEST / "passes"


@pytest.mark.parametrize("cls", ALL_PASSES, ids=[p.name for p in ALL_PASSES])
def test_every_pass_lives_in_the_file_named_after_it(cls):
    module = "symgrad.passes." + cls.name.replace("-", "_")
    assert cls.__module__ == module, f"pass '{cls.name}' is declared in {cls.__module__}, not in {module}"
    assert PASSES[cls.name] is cls


@pytest.mark.parametrize("cls", ALL_PASSES, ids=[p.name for p in ALL_PASSES])
def test_every_pass_has_a_lit_test_named_after_it(cls):
    tests = [PASS_TESTS / f"{cls.name}.mlir", *PASS_TESTS.glob(f"{cls.name}-*.mlir")]
    assert any(t.exists() and f"{cls.name}" in t.read_text() for t in tests), \
        f"pass '{cls.name}' has no lit test test/passes/{cls.name}.mlir (or {cls.name}-<topic>.mlir)"


def test_every_pass_lit_test_is_named_after_a_pass():
    names = sorted(PASSES, key=len, reverse=True)  # the longest name that fits: graph-to-llvm-x, not graph-*
    stray = [p.name for p in sorted(PASS_TESTS.rglob("*.mlir"))
             if p.parent != PASS_TESTS or not any(p.stem == n or p.stem.startswith(n + "-") for n in names)]
    assert not stray, f"lit tests in test/passes not named <pass-name>.mlir or <pass-name>-<topic>.mlir: {stray}"


def test_pass_options_come_from_the_class():
    from symgrad.passes.tile_rows import TileRows
    assert [(o.name, o.placeholder, o.default) for o in TileRows.options()] == \
        [("min-bytes", "int", 1 << 20), ("block-bytes", "int", 0), ("chunks", "int", 16)]
    assert TileRows.from_options("chunks=8 min-bytes=0") == TileRows(min_bytes=0, chunks=8)
    assert TileRows.from_options("") == TileRows()


@pytest.mark.parametrize("text,message", [
    ("chunk=8", "pass 'tile-rows' has no option 'chunk' (options: min-bytes, block-bytes, chunks)"),
    ("chunks=8.5", "pass 'tile-rows': option 'chunks' expects an integer >= 1, got '8.5'"),
    ("chunks=0", "pass 'tile-rows': option 'chunks' expects an integer >= 1, got '0'"),
    ("chunks", "pass 'tile-rows': option 'chunks' needs a value (an integer >= 1): write chunks=<int>"),
])
def test_pass_option_errors_name_the_pass_the_option_and_what_it_expects(text, message):
    from symgrad.passes import OptionError
    from symgrad.passes.tile_rows import TileRows
    with pytest.raises(OptionError) as info:
        TileRows.from_options(text)
    assert str(info.value) == message


def test_bool_and_choice_options():
    from symgrad.passes import OptionError
    from symgrad.passes.graph_differentiate import GraphDifferentiate

    @dataclass(frozen=True)
    class Flagged(ModulePass):
        name = "test-flagged"
        summary = "has a bool option"
        strict: bool = option(False, "be strict")

    assert Flagged.from_options("strict").strict is True
    assert Flagged.from_options("strict=false").strict is False
    with pytest.raises(OptionError, match="option 'strict' expects true or false, got 'maybe'"):
        Flagged.from_options("strict=maybe")
    assert GraphDifferentiate.from_options("recompute=all func=f") == GraphDifferentiate(func="f", recompute="all")
    with pytest.raises(OptionError, match="expects one of none, elementwise, all, got 'some'"):
        GraphDifferentiate.from_options("recompute=some")
    # One option's value can be checked on its own against the declaration.
    with pytest.raises(ValueError, match="expects one of none, elementwise, all, got 'sometimes'"):
        GraphDifferentiate.check("recompute", "sometimes")


# ------------------------------------------------------------ pass pipelines --
pipeline = pytest.importorskip("symgrad.passes.pipeline_text")


def test_split_entries_respects_brackets():
    assert pipeline.split_entries("a,b{x=1,2},func.func(c,d{e=f}),g") == ["a", "b{x=1,2}", "func.func(c,d{e=f})", "g"]
    assert pipeline.split_entries("  ") == []


def test_parse_entry_pairs_brackets_as_split_entries_does():
    """One bracket scanner: quotes hide brackets, and a mismatched pair is the same error, at the same
    column, whether the entry or the whole list is parsed (parse_entry once took `a{b)` as options `b`)."""
    assert pipeline.parse_entry('a{x="(}" y=1} (b(c),d)') == pipeline.Entry("a", 'x="(}" y=1', "b(c),d")
    for text in ["a{b)", "a(b}", "a{(})", "a{x}(b}"]:
        with pytest.raises(pipeline.PipelineError) as entry:
            pipeline.parse_entry(text)
        with pytest.raises(pipeline.PipelineError) as entries:
            pipeline.split_entries(text)
        assert str(entry.value) == str(entries.value) and "closes" in str(entry.value)


@pytest.mark.parametrize("text,reason", [
    ("builtin.module(cse,)", "trailing comma"),
    ("cse,,cse", "empty entry"),
    ("builtin.module(cse", "is never closed"),
    ("builtin.module(cse))", "unbalanced ')'"),
    ("builtin.module(func.func(graph-verify))", "must be a top-level entry"),
    ("graph-verify(cse)", "takes no nested pipeline"),
    ("graph-verify{nope=1}", "has no option 'nope'"),
    ("tile-rows{chunks=x}", "pass 'tile-rows': option 'chunks' expects an integer >= 1, got 'x'"),
    ("graph-differentiate{recompute=some}", "option 'recompute' expects one of none, elementwise, all, got 'some'"),
    ("builtin.module(cse),cse", "must wrap the whole pipeline"),
])
def test_parse_pipeline_errors(text, reason):
    with pytest.raises(ValueError, match=re.escape(reason)) as info:
        pipeline.parse_pipeline(text)
    assert str(info.value).startswith(f"invalid pass pipeline '{text}': ")


def test_parse_pipeline_groups_upstream_passes_between_ours():
    steps = pipeline.parse_pipeline("builtin.module(canonicalize,func.func(cse),graph-verify,symbol-dce)")
    assert [s[0] for s in steps] == ["mlir", "symgrad", "mlir"]
    assert steps[0][1] == "canonicalize,func.func(cse)" and steps[1][1].name == "graph-verify"
    assert pipeline.parse_pipeline("graph-verify") == pipeline.parse_pipeline("builtin.module(graph-verify)")


def test_flag_to_entry():
    assert pipeline.flag_to_entry("cse") == "cse"
    assert pipeline.flag_to_entry("p", "a=1 b=2") == "p{a=1 b=2}" == pipeline.flag_to_entry("p", "{a=1 b=2}")


def test_build_pass_manager_runs_mixed_pipeline_and_reports_unknown_passes():
    import mlir.ir as ir
    import symgrad as sg

    m = sg.parse("func.func private @dead()\n"
                 "func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
                 '  %0 = "graph.exp"(%x) : (tensor<2xf32>) -> tensor<2xf32>\n'
                 "  return %0 : tensor<2xf32>\n}\n")
    pm = pipeline.build_pass_manager("builtin.module(graph-verify,symbol-dce)", m.context)
    pm.run(m.mlir.operation)
    assert m.function_names() == ["f"]
    with pytest.raises(ValueError, match="'nope' does not refer to a registered pass"):
        pipeline.build_pass_manager("builtin.module(graph-verify,nope)", m.context)
    # A symgrad pass that finds problems fails the run with located MLIR errors.
    bad = sg.parse('func.func @g(%x: tensor<2xf32>) -> tensor<3xf32> {\n'
                   '  %0 = "graph.exp"(%x) : (tensor<2xf32>) -> tensor<3xf32>\n'
                   "  return %0 : tensor<3xf32>\n}\n", verify=False)
    with pytest.raises(ir.MLIRError) as info:
        pipeline.build_pass_manager("graph-verify", bad.context).run(bad.mlir.operation)
    assert "'graph.exp' op result type" in info.value.error_diagnostics[0].message


# ------------------------------------------------------- driver, in process --
@dataclass(frozen=True)
class _Crash(ModulePass):
    name = "test-crash"
    summary = "raises RuntimeError"
    why: str = option("boom", "the message")

    def apply(self, module_op):
        raise RuntimeError(self.why)


@pytest.fixture
def crashing_pass(monkeypatch):
    """A pass with a bug (it raises a plain Python exception), added to the pass table."""
    monkeypatch.setitem(PASSES, _Crash.name, _Crash)
    return _Crash.name


def test_driver_reports_internal_errors_without_traceback(crashing_pass, tmp_path, capsys):
    from symgrad.tools.symgrad_opt import main

    src = tmp_path / "in.mlir"
    src.write_text("func.func @f() {\n  return\n}\n")
    assert main([str(src), f"--{crashing_pass}=why=kaput"]) == 1
    err = capsys.readouterr().err
    assert "internal error while running the pass pipeline: RuntimeError: kaput (rerun with --debug" in err
    assert "Traceback" not in err
    # The new pass is a flag and a pipeline entry with no other change.
    assert main([str(src), "-p", f"builtin.module({crashing_pass}{{why=x}})"]) == 1
    assert main([str(src), f"--{crashing_pass}=nope=1"]) == 1
    assert "pass 'test-crash' has no option 'nope' (options: why)" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="kaput"):
        main([str(src), f"--{crashing_pass}=why=kaput", "--debug"])
