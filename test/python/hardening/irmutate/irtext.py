"""Finding things in IR text and splicing into it, for the mutators: tensor types, functions
with their arguments, values and return, fresh names; and `pick`, the one way they draw from a
list (so a case is reproduced from its seed alone)."""
from __future__ import annotations

import re

TENSOR = re.compile(r"tensor<([^<>]*)>")
SCALARS = ("f16", "bf16", "f32", "f64", "i1", "i8", "i16", "i32", "i64", "index")
STATIC = re.compile(r"^tensor<((?:\d+x)*)(\w+)>$")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
FUNC_Q = re.compile(r'func\.func (?:(?:private|public|nested) )?@([\w$.]+|"(?:[^"\\\n]|\\.)*")\(')
RETURN = re.compile(r"^([ \t]*)(?:func\.)?return\b[ \t]*([^\n]*)$", re.M)
RESULT_LINE = re.compile(r"^[ \t]*(%[\w$.]+) = [^\n]*(?:->|:) \(?(tensor<[^<>\n]*>)\)?(?: loc\([^\n]*\))?[ \t]*$", re.M)


def pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _split_top(s: str, sep: str = ",") -> list[str]:
    """`s` split at `sep` outside brackets and strings."""
    out, cur, depth, i = [], [], 0, 0
    while i < len(s):
        c = s[i]
        if c == '"':
            m = _STRING.match(s, i)
            j = m.end() if m else len(s)
            cur.append(s[i:j])
            i = j
            continue
        if c in "<([{":
            depth += 1
        elif c in ">)]}" and not (c == ">" and i > 0 and s[i - 1] == "-"):
            depth -= 1
        if c == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return [p.strip() for p in out if p.strip()]


def _match_close(text: str, i: int) -> int:
    """Index just past the bracket matching the one at text[i] (strings skipped); len(text) if none."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    stack = []
    while i < len(text):
        c = text[i]
        if c == '"':
            m = _STRING.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    return len(text)


def functions(text: str) -> list[dict]:
    """Each func.func with a body and a plain `return` in it: name, where it is, its arguments
    [(name, type)], the values defined in it [(name, type)] and its return."""
    out = []
    for m in FUNC_Q.finditer(text):
        close = _match_close(text, m.end() - 1)
        eol = text.find("\n", close)
        eol = len(text) if eol < 0 else eol
        header = text[m.start():eol].rstrip()
        if not header.endswith("{"):
            continue
        body_open = m.start() + len(header) - 1
        end = _match_close(text, body_open)
        args = []
        for a in _split_top(text[m.end():close - 1]):
            am = re.match(r"(%[\w$.]+)\s*:\s*(\S+?(?:<[^{}]*>)?)(?:\s+\{.*\})?(?:\s+loc\(.*\))?$", a, re.S)
            if am:
                args.append((am.group(1), am.group(2)))
        body = text[body_open:end]
        rets = [r for r in RETURN.finditer(body)]
        if not rets:
            continue
        r = rets[-1]
        vals, _, tys = r.group(2).partition(" : ")
        tys = re.sub(r"\s+loc\(.*$", "", tys)
        ret = {"start": body_open + r.start(), "end": body_open + r.end(), "indent": r.group(1) or "  ",
               "values": _split_top(vals), "types": _split_top(tys)}
        if len(ret["values"]) != len(ret["types"]):
            continue
        values = list(args) + [(v.group(1), v.group(2)) for v in RESULT_LINE.finditer(body)]
        out.append({"name": m.group(1), "start": m.start(), "line": text.rfind("\n", 0, m.start()) + 1,
                    "header": (m.start(), body_open), "args_span": (m.end(), close - 1), "end": end,
                    "args": args, "values": values, "ret": ret, "header_line": eol})
    return out


def static_tensor(ty: str):
    """(dims, element type) of a static tensor type of scalars, else None."""
    m = STATIC.match(ty)
    if not m or m.group(2) not in SCALARS:
        return None
    return [int(d) for d in m.group(1).split("x")[:-1]], m.group(2)


def fresh(text: str, base: str) -> str:
    """`base` + the first number not used by a name in text (nor as a prefix of one: @sgcall0_1)."""
    k = 0
    while re.search(re.escape(f"{base}{k}") + r"(?![\d])", text):
        k += 1
    return f"{base}{k}"


def static_result(rng, text: str, pred=None):
    """A function, the position of one of its returned values with a static tensor type, and
    that type's (dims, element type); None when the text has none."""
    spots = [(f, k, st) for f in functions(text) for k, t in enumerate(f["ret"]["types"])
             if (st := static_tensor(t)) is not None and (pred is None or pred(st))]
    return pick(rng, spots) if spots else None


def rewrite_return(text: str, f: dict, k: int, new_value: str, lines: list[str]) -> str:
    """`lines` inserted before f's return, whose k-th value becomes `new_value`."""
    r = f["ret"]
    vals = list(r["values"])
    vals[k] = new_value
    ind = r["indent"]
    ret = f"{ind}return {', '.join(vals)} : {', '.join(r['types'])}"
    return text[:r["start"]] + "".join(f"{ind}{ln}\n" for ln in lines) + ret + text[r["end"]:]


def at_module_level(text: str, f: dict, lines: list[str]) -> str:
    """`lines` inserted just before function f (so in the module that holds it)."""
    return text[:f["line"]] + "".join(ln + "\n" for ln in lines) + text[f["line"]:]
