"""The LLVM IR symgrad writes by hand (the caching pool, the async runtime), read from the package's
data files `runtime/native/<name>.ll`.

Each file is a `string.Template`: `load(name, **values)` fills in every placeholder, and a value
that is missing or that the file does not use is an error, so the Python constants and the IR
cannot drift apart unnoticed."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from string import Template


@lru_cache(maxsize=None)
def _template(name: str) -> Template:
    try:
        text = resources.files(__package__).joinpath("native", f"{name}.ll").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuntimeError(f"symgrad's support code runtime/native/{name}.ll is missing: the installation "
                           f"lacks its package data (reinstall symgrad)") from None
    return Template(text)


def load(name: str, **values) -> str:
    """The IR of `runtime/native/<name>.ll` with its placeholders filled in from `values`."""
    template = _template(name)
    wanted = set(template.get_identifiers())
    missing, unused = sorted(wanted - set(values)), sorted(set(values) - wanted)
    if missing or unused:
        raise ValueError(f"runtime/native/{name}.ll: placeholders without a value {missing}, values without a "
                         f"placeholder {unused}")
    return template.substitute({k: str(v) for k, v in values.items()})
