"""`symgrad-opt`: an mlir-opt-style driver for IR with `graph` ops.

    symgrad-opt [INPUT|-] [-o OUT] [-p 'builtin.module(...)' | --<pass>[=OPTIONS] ...] [options]

It parses the input (any upstream dialect plus `graph`), verifies it (MLIR's
structural verifier, then the `graph` shape and dtype rules), runs the pass
pipeline, verifies again and prints the module. Run `symgrad-opt --help`.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Optional

import mlir.ir as ir

from symgrad.dialects.graph.verifier import verify as verify_graph
from symgrad.module import UNDECODABLE, check_text, decode, new_context, rename_source, silent_parse_failure
from symgrad.passes import PASSES
from symgrad.passes.pipeline_text import PipelineError, build_pass_manager, flag_to_entry, parse_pipeline
from symgrad.passes.translate import LoweringError, to_llvm_ir

from .diagnostics import Diag, SourceLines, from_location, from_mlir, parse_expectations, render, verify

PROG = "symgrad-opt"
SPLIT_MARKER = "// -----"
_SPLIT_LINE = re.compile(r"^\s*// -----")

DESCRIPTION = """\
An mlir-opt-style driver for symgrad: parses MLIR text with `graph` ops (and any
upstream dialect), verifies it (MLIR's verifier + the graph shape/dtype rules),
runs a pass pipeline mixing symgrad's Python passes with any upstream MLIR pass,
verifies the result again and prints it."""

EPILOG = f"""\
pass pipelines:
  -p/--pass-pipeline takes MLIR's textual syntax, e.g.
      -p 'builtin.module(graph-verify,canonicalize,func.func(cse),symbol-dce)'
  symgrad passes must be top-level entries of builtin.module(...); upstream
  passes may be nested under an op anchor as usual. Options use MLIR's syntax:
      -p 'builtin.module(graph-differentiate{{func=f recompute=none}})'
  Instead of -p, passes can be given as flags; they run in command-line order:
      --graph-verify --canonicalize --graph-differentiate='func=f recompute=none'
  (--<pass>=OPTIONS takes MLIR's space-separated opt=value list, braces optional:
  --<pass>='{{opt=v opt2=w}}' is the same). Every upstream MLIR pass also works
  as a flag (--cse, --canonicalize='max-iterations=3'). -p and pass flags cannot
  be mixed. `{PROG} --list-passes` lists symgrad's passes and their options.

diagnostics:
  errors are printed as FILE:LINE:COL: error: MESSAGE; the exit status is 1 on
  any error. With --verify-diagnostics, `// expected-error {{{{msg}}}}` (same line),
  `// expected-error@+1 {{{{msg}}}}` (@-N, @above, @below, @unknown; also
  expected-warning/-note/-remark and -re variants) are checked instead: the
  exit status is 0 exactly when every expected diagnostic is produced on its
  line (substring match) and nothing else is."""


# ------------------------------------------------------------ command line --
DRIVER_OPTIONS_WITH_VALUE = {"-o", "--output", "-p", "--pass-pipeline", "--emit"}


def build_arg_parser(passes) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, allow_abbrev=False,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", default="-", help="input file, or - for stdin (the default)")
    ap.add_argument("-o", "--output", default="-", metavar="FILE", help="output file (default: stdout)")
    ap.add_argument("-p", "--pass-pipeline", metavar="PIPELINE",
                    help="textual pass pipeline, e.g. 'builtin.module(graph-verify,cse)'")
    ap.add_argument("--split-input-file", action="store_true",
                    help=f"split the input on lines '{SPLIT_MARKER}' and process each chunk separately "
                         f"(diagnostics keep the line numbers of the file; outputs are joined by '{SPLIT_MARKER}')")
    ap.add_argument("--verify-diagnostics", action="store_true",
                    help="check the diagnostics against // expected-error {{...}} annotations in the input")
    ap.add_argument("--mlir-print-ir-after-all", action="store_true",
                    help="print the IR to stderr after every pass")
    ap.add_argument("--mlir-timing", action="store_true",
                    help="print the time each pass took to stderr, as mlir-opt --mlir-timing does")
    ap.add_argument("--mlir-print-op-generic", action="store_true", help="print every op in generic form")
    ap.add_argument("--mlir-print-debuginfo", action="store_true", help="print locations (loc(...)) in the output")
    ap.add_argument("--no-verify", action="store_true",
                    help="skip the graph shape/dtype verifier before and after the pipeline "
                         "(MLIR's structural verifier still runs)")
    ap.add_argument("--emit", choices=("mlir", "llvm-ir"), default="mlir",
                    help="what to print after the pipeline: the MLIR module (default), or LLVM IR text "
                         "(the module is lowered with graph-to-llvm first unless it is all LLVM dialect)")
    ap.add_argument("--list-passes", action="store_true", help="list symgrad's passes with their options")
    ap.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    group = ap.add_argument_group("symgrad passes (as flags, run in command-line order; see above)")
    for cls in passes:
        options = cls.options()
        if options:
            group.add_argument(f"--{cls.name}", metavar=f"'{' '.join(f'{o.name}=...' for o in options)}'",
                               nargs="?", help=cls.summary)
        else:
            group.add_argument(f"--{cls.name}", action="store_true", help=cls.summary)
    return ap


def split_pass_flags(argv: list[str], driver_longs: set[str]) -> tuple[list[str], list[tuple[str, Optional[str], str]]]:
    """Pulls `--<pass>[=OPTIONS]` out of argv, keeping their order.

    Every `--name` that is not a driver option is taken to be a pass (symgrad's
    or upstream); upstream names are checked when the pipeline is built.
    """
    rest, flags = [], []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest.extend(argv[i:])
            break
        if a in DRIVER_OPTIONS_WITH_VALUE:
            rest.extend(argv[i:i + 2])
            i += 2
            continue
        if a.startswith("--") and len(a) > 2:
            name, eq, value = a[2:].partition("=")
            if "--" + name not in driver_longs:
                flags.append((name, value if eq else None, a))
                i += 1
                continue
        rest.append(a)
        i += 1
    return rest, flags


def list_passes(passes, out) -> None:
    out.write("symgrad passes (use them in -p 'builtin.module(...)' or as --<name>[=OPTIONS] flags):\n")
    width = max((len(n) for n in passes), default=10) + 2
    for name in sorted(passes):
        cls = passes[name]
        out.write(f"  {name:<{width}} {cls.summary}\n")
        for o in cls.options():
            default = f" (default {o.default})" if o.default not in ("", None) else ""
            out.write(f"  {'':<{width}}   {o.name}=<{o.placeholder}>  {o.help}{default}\n")
    out.write("\nAll upstream MLIR passes (canonicalize, cse, symbol-dce, inline, convert-*, ...) are also available,\n"
              "in -p/--pass-pipeline and as --<name> flags.\n")


# ------------------------------------------------------------------- input --
class InputError(Exception):
    pass


def read_input(path: str) -> tuple[str, str]:
    """(text, name used in diagnostics)."""
    if path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise InputError(f"cannot open input file '{path}': {e.strerror or e}") from None
        name = path
    # Bytes that are not UTF-8 survive as surrogates and are reported at their line and column
    # (symgrad.module.check_text), like any other error in the input.
    return decode(data), name


def split_chunks(text: str, split: bool) -> list[tuple[int, str]]:
    """(first line number, chunk text padded with blank lines so line numbers stay those of the file)."""
    if not split:
        return [(1, text)]
    chunks, current, start = [], [], 1
    for i, line in enumerate(text.splitlines(keepends=True), 1):
        if _SPLIT_LINE.match(line):
            chunks.append((start, current))
            current, start = [], i + 1
        else:
            current.append(line)
    chunks.append((start, current))
    return [(s, "\n" * (s - 1) + "".join(lines)) for s, lines in chunks]


# ----------------------------------------------------------------- running --
class Driver:
    def __init__(self, args, pipeline, name: str):
        self.args = args
        self.name = name
        self.rename = {"-": name}
        self.ctx = new_context()
        self.pending: list = []  # diagnostics that reached the context handler
        self._handler = self.ctx.attach_diagnostic_handler(self._on_diagnostic)
        self.pipeline = pipeline
        self.pm = None

    def _on_diagnostic(self, d) -> bool:
        try:
            self.pending.append(from_mlir(d, self.rename))
        except Exception:  # pragma: no cover - never let a handler raise into MLIR
            pass
        return True

    def build(self):
        if self.pm is None:
            self.pm = build_pass_manager(self.pipeline, self.ctx)
            if self.args.mlir_timing:
                self.pm.enable_timing()
            if self.args.mlir_print_ir_after_all:
                self.pm.enable_ir_printing(print_after_all=True, enable_debug_info=self.args.mlir_print_debuginfo,
                                           print_generic_op_form=self.args.mlir_print_op_generic)
        return self.pm

    def close(self) -> None:
        """Drops the pass manager now (with --mlir-timing, MLIR writes its report to stderr then)."""
        sys.stdout.flush()
        self.pm = None

    def _mlir_errors(self, e) -> list:
        return [from_mlir(d, self.rename, "error") for d in e.error_diagnostics]

    def _lowers(self) -> bool:
        """Whether the pipeline (or --emit=llvm-ir) bufferizes: then types that make MLIR's
        bufferization assert are rejected first (symgrad.dialects.graph.verifier.verify_lowerable)."""
        p = self.pipeline or ""
        return self.args.emit == "llvm-ir" or any(k in p for k in ("bufferiz", "graph-to-llvm", "to-llvm"))

    def _graph_verify(self, module, lowering: bool) -> list:
        # --no-verify skips the graph rules, never the checks that keep MLIR from crashing.
        diags = verify_graph(module.operation, lowering=lowering, rules=not self.args.no_verify)
        return [from_location("error", d.message, d.location, self.rename) for d in diags]

    def process(self, text: str) -> tuple[Optional[str], list]:
        """(printed module or None on failure, diagnostics) for one chunk."""
        diags: list = []
        self.pending = []
        with self.ctx:
            problem = check_text(text)  # what would crash MLIR's parser instead of failing
            if problem is not None:
                return None, [Diag("error", problem[2], self.name, problem[0], problem[1])]
            try:
                module = ir.Module.parse(text)
            except ir.MLIRError as e:
                errs = self._mlir_errors(e)
                silent = None if errs or self.pending else silent_parse_failure(text)
                if silent is not None:
                    errs = [Diag("error", silent[2], self.name, silent[0], silent[1])]
                return None, self.pending + (errs or [Diag("error", str(e), self.name, 1, 1)])
            except RuntimeError:  # the bindings could not decode the parser's diagnostic
                return None, self.pending + [Diag("error", UNDECODABLE, self.name, 1, 1)]
            rename_source(module, self.name)
            errs = self._graph_verify(module, lowering=self._lowers())
            if errs:
                return None, self.pending + errs
            if self.pipeline:
                pm = self.build()
                sys.stdout.flush()
                sys.stderr.flush()
                try:
                    pm.run(module.operation)
                except ir.MLIRError as e:
                    errs = self._mlir_errors(e)
                    if not errs and not any(d.severity == "error" for d in self.pending):
                        errs = [Diag("error", "the pass pipeline failed without a diagnostic", self.name, 0, 0)]
                    return None, self.pending + errs
                except Exception as e:
                    if self.args.debug:
                        raise
                    loc = Diag("error", f"internal error while running the pass pipeline: "
                                        f"{type(e).__name__}: {e} (rerun with --debug for a traceback)",
                                        self.name, 0, 0)
                    return None, self.pending + [loc]
                # The pipeline's output is checked by the graph rules only: the lowering checks are
                # about the user's input (a pipeline's own symbols, e.g. symgrad_matmul_*, are reserved).
                errs = self._graph_verify(module, lowering=False)
                if errs:
                    return None, self.pending + errs
            if self.args.emit == "llvm-ir":
                return self._llvm_ir(module)
            out = module.operation.get_asm(enable_debug_info=self.args.mlir_print_debuginfo,
                                           print_generic_op_form=self.args.mlir_print_op_generic,
                                           assume_verified=True)
            diags = self.pending
        return out, diags


    def _llvm_ir(self, module):
        """LLVM IR text, lowering first when needed; un-lowered ops become located errors."""
        try:
            return to_llvm_ir(module), self.pending
        except ir.MLIRError as e:
            return None, self.pending + (self._mlir_errors(e) or [Diag("error", str(e), self.name, 0, 0)])
        except LoweringError as e:
            return None, self.pending + [from_location("error", msg, loc, self.rename) for loc, msg in e.diagnostics]


def run(argv: list[str]) -> int:
    passes = [PASSES[n] for n in sorted(PASSES)]
    ap = build_arg_parser(passes)
    driver_longs = {s for a in ap._actions for s in a.option_strings if s.startswith("--")}
    driver_longs -= {f"--{p.name}" for p in passes}
    rest, flags = split_pass_flags(argv, driver_longs)
    args = ap.parse_args(rest)

    if args.list_passes:
        list_passes(PASSES, sys.stdout)
        return 0
    if args.pass_pipeline is not None and flags:
        ap.error(f"-p/--pass-pipeline cannot be combined with pass flags ({flags[0][2]})")
    if flags:
        pipeline = ",".join(flag_to_entry(name, value) for name, value, _ in flags)
    else:
        pipeline = args.pass_pipeline or ""
    try:
        parse_pipeline(pipeline)
    except PipelineError as e:
        if flags and e.pipeline is not None:
            e = PipelineError(e.reason, " ".join(a for _, _, a in flags))
        return fail(str(e))

    try:
        text, name = read_input(args.input)
    except InputError as e:
        return fail(str(e))
    source = SourceLines(name, text)

    try:
        driver = Driver(args, pipeline, name)
        if pipeline:
            driver.build()  # reports unknown upstream passes before any input is processed
    except PipelineError as e:
        if flags:
            names = [n for n, _, _ in flags]
            bad = next((n for n in names if f"'{n}'" in e.reason), None)
            if bad is not None and "does not refer to a registered pass" in e.reason:
                return fail(f"unknown option or pass '--{bad}' (see {PROG} --help and {PROG} --list-passes)")
        return fail(str(e))

    outputs, ok = [], True
    for first_line, chunk in split_chunks(text, args.split_input_file):
        out, diags = driver.process(chunk)
        if args.verify_diagnostics:
            # mlir-opt turns MLIR's "see current operation" notes off when verifying diagnostics.
            for d in diags:
                d.notes = [n for n in d.notes if not n.message.startswith("see current operation:")]
            body = "".join(chunk.splitlines(keepends=True)[first_line - 1:])
            expected, problems = parse_expectations(body, first_line)
            for p in problems:
                p.file = name
            failures = problems + verify(expected, diags, name)
            for f in failures:
                sys.stderr.write(render(f, source))
            ok = ok and not failures
        else:
            for d in diags:
                sys.stderr.write(render(d, source))
            if any(d.severity == "error" for d in diags) or out is None:
                ok = False
        if out is not None:
            outputs.append(out)

    result = (SPLIT_MARKER + "\n").join(outputs)
    driver.close()  # MLIR prints the --mlir-timing report when the pass manager goes
    if args.output == "-":
        sys.stdout.write(result)
        sys.stdout.flush()
    elif ok:
        try:
            with open(args.output, "w") as f:
                f.write(result)
        except OSError as e:
            return fail(f"cannot write output file '{args.output}': {e.strerror or e}")
    return 0 if ok else 1


def fail(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return 1


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        return run(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except SystemExit:
        raise
    except Exception as e:  # an internal error: no traceback unless --debug
        if debug:
            raise
        return fail(f"internal error: {type(e).__name__}: {e} (rerun with --debug for a traceback)")


if __name__ == "__main__":
    sys.exit(main())
