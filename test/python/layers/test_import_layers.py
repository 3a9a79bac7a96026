"""symgrad's packages form a stack, each importing only those below it:

    runtime < dialects < passes < compiler < tools

This reads every import in the package's source (module level and inside functions, absolute and
relative), maps each to the layer of the file it names, and fails on one that goes up the stack or
closes a cycle between modules. A function-level import is allowed only where it carries a comment
saying why (`# import here: ...`) and is not upward."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
#: Source folder -> its import prefix (pyproject's package-dir) and rank in the stack.
LAYERS = {"runtime": ("symgrad.runtime", 0), "dialects": ("symgrad.dialects", 1), "passes": ("symgrad.passes", 2),
          "compiler": ("symgrad", 3), "tools": ("symgrad.tools", 4)}


def _modules() -> dict[str, tuple[Path, int]]:
    found = {}
    for folder, (prefix, rank) in LAYERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([prefix, *parts])] = (path, rank)
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The module of ours that `name` (a module or a name inside one) refers to."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path):
    """(imported module, line, inside a function, justified) for every symgrad import of `module`."""
    text = path.read_text()
    lines = text.splitlines()
    tree = ast.parse(text)
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function.update(id(n) for n in ast.walk(node) if n is not node)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                stem = ".".join(base)
                mod = f"{stem}.{node.module}" if node.module else stem
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" for a in node.names] or [mod]
        else:
            continue
        justified = "import here:" in lines[node.lineno - 1] or "import here:" in lines[node.lineno - 2]
        for target in targets:
            owner = _owner(target)
            if owner and owner != module:
                yield owner, node.lineno, id(node) in in_function, justified


def _edges():
    return [(m, *e) for m, (path, _) in MODULES.items() for e in _imports(m, path)]


def test_the_package_has_modules_in_every_layer():
    ranks = {rank for _, rank in MODULES.values()}
    assert ranks == {0, 1, 2, 3, 4}, ranks


def test_no_import_goes_up_the_stack():
    upward = sorted({f"{MODULES[a][0].relative_to(ROOT)}:{line}: {a} imports {b}"
                     for a, b, line, _, _ in _edges() if MODULES[b][1] > MODULES[a][1]})
    assert not upward, "imports that go up the stack runtime < dialects < passes < compiler < tools:\n" + \
        "\n".join(upward)


def test_function_level_imports_say_why():
    hidden = sorted({f"{MODULES[a][0].relative_to(ROOT)}:{line}: {a} imports {b} inside a function"
                     for a, b, line, in_fn, why in _edges() if in_fn and not why})
    assert not hidden, "move these imports to module level (or add `# import here: <why>`):\n" + "\n".join(hidden)


def test_no_import_cycles():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for a, b, *_ in _edges():
        graph[a].add(b)
    # A package's __init__ importing its own submodules is how it re-exports them, not a cycle, when
    # the submodule imports its siblings rather than the package itself; drop package -> child edges.
    for a in graph:
        graph[a] = {b for b in graph[a] if not b.startswith(a + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append(" -> ".join(stack[stack.index(n):] + [n]))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("bad, expect", [
    ("from symgrad.passes import module_pass\n", "up the stack"),
])
def test_the_check_sees_an_upward_import(tmp_path, bad, expect, monkeypatch):
    """The check itself: a runtime module importing a pass is reported."""
    path = tmp_path / "probe.py"
    path.write_text(bad)
    monkeypatch.setitem(MODULES, "symgrad.runtime.probe", (path, 0))
    edges = list(_imports("symgrad.runtime.probe", path))
    assert [(b, MODULES[b][1]) for b, *_ in edges] == [("symgrad.passes.module_pass", 2)]
