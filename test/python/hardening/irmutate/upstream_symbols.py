"""Upstream-dialect mutators at the level of symbols and modules (issue 11): func.call graphs
with cycles, odd symbol names, func / argument / module attributes that reach LLVM, and modules
that are all LLVM dialect (for `--emit=llvm-ir`'s translation of IR symgrad did not build)."""
from __future__ import annotations

import re

from .irtext import at_module_level, fresh, functions, pick, rewrite_return, static_result, static_tensor
from .upstream_ops import ASM, EXTERNS, GLOBALS, LINKAGES

ODD_NAMES = [r"\00", r"a\00b", r"\00\00", r"\01", r"x\0A", r"\0D", r"\7F", r"\1B[31m", "a b", " ", "%x", r"\22",
             r"a\22b", r"\\", "é", "日本語", "\U0001f600", "", "1abc", "0", "x" * 5000, "malloc", "free", "sinf",
             "memcpy", "main", "_mlir_ciface_x", "_mlir_ciface_{other}", "{other}_adjoint", "symgrad_x",
             "symgrad_pool_alloc", "symgrad_rt_init", "_mlir_memref_to_llvm_alloc", "_symgrad_temporaries_{other}",
             "llvm.memcpy.p0.p0.i64", "llvm.foo", ".", "$", "-", "a.b", r"\FF", r"\C3\A9", r"\ED\A0\80", "{other}"]


def call_graph(rng, text):
    """func.call graphs: a function calling itself, cycles of 2 and 3 helper functions (one
    through the caller itself), an acyclic chain (valid), calls to an external declaration or an
    undefined symbol, and calls with the wrong number or types of operands."""
    t = static_result(rng, text)
    if t is None:
        return text
    f, k, (dims, elem) = t
    dest, ty = f["ret"]["values"][k], f["ret"]["types"][k]
    kind = pick(rng, ["self", "self", "self", "mutual2", "mutual2", "mutual3", "mutual3", "through-caller",
                       "chain", "chain", "external", "undefined", "arity", "types"])
    base = fresh(text, "@sgcall")
    names = [f"{base}_{j}" for j in range(3)]
    float_elem = elem in ("f16", "bf16", "f32", "f64")
    vis = "private " if rng.random() < 0.5 else ""

    def helper(name, callee):  # (ty) -> ty, a graph op (when the type has one) and a call of callee
        body = [f"func.func {vis}{name}(%a: {ty}) -> {ty} {{"]
        v = "%a"
        if float_elem:
            body.append(f'  %n = "graph.neg"(%a) : ({ty}) -> {ty}')
            v = "%n"
        if callee:
            body.append(f"  %r = func.call {callee}({v}) : ({ty}) -> {ty}")
            v = "%r"
        return body + [f"  return {v} : {ty}", "}"]

    new = fresh(text, "%sgi")
    helpers: list[str] = []
    call = f"{new} = func.call {names[0]}({dest}) : ({ty}) -> {ty}"
    if kind == "self":
        argv = ", ".join(a for a, _ in f["args"])
        argt = ", ".join(t_ for _, t_ in f["args"])
        rs = f["ret"]["types"]
        res = f"{new}:{len(rs)}" if len(rs) > 1 else new
        line = f"{res} = func.call @{f['name']}({argv}) : ({argt}) -> ({', '.join(rs)})"
        return rewrite_return(text, f, k, f"{new}#{k}" if len(rs) > 1 else new, [line])
    if kind in ("mutual2", "mutual3", "chain"):
        n = 3 if kind != "mutual2" else 2
        for j in range(n):
            callee = names[j + 1] if j + 1 < n else (names[0] if kind != "chain" else None)
            helpers += helper(names[j], callee)
    elif kind == "through-caller":  # f -> h0 -> f, when f's signature allows it; else h0 -> h0
        same = len(f["args"]) == 1 and f["args"][0][1] == ty and f["ret"]["types"] == [ty]
        helpers += helper(names[0], f"@{f['name']}" if same else names[0])
    elif kind == "external":
        helpers.append(f"func.func private {names[0]}({ty}) -> {ty}")
    elif kind == "undefined":
        pass
    elif kind == "arity":
        helpers += helper(names[0], None)
        call = f"{new} = func.call {names[0]}({dest}, {dest}) : ({ty}, {ty}) -> {ty}"
    else:  # types
        helpers += helper(names[0], None)
        other = "tensor<" + "".join(f"{d + 1}x" for d in dims) + elem + ">"
        call = f"{new} = func.call {names[0]}({dest}) : ({ty}) -> {other}"
    text2 = at_module_level(text, f, helpers) if helpers else text
    f = [h for h in functions(text2) if h["name"] == f["name"]][0]
    return rewrite_return(text2, f, k, new, [call])


def _odd_name(rng, text, funcs) -> str:
    name = pick(rng, ODD_NAMES)
    if "{other}" in name:
        other = pick(rng, funcs)["name"].strip('"') if funcs else "f"
        name = name.replace("{other}", other)
    return name


def odd_symbol_name(rng, text):
    """A function renamed to a symbol that needs quotes or cannot be an LLVM / C name (NUL and
    control characters, spaces, quotes, unicode, empty, leading digit, 5000 characters, names of
    libc, libm, MLIR's and symgrad's runtime symbols, another function's C wrapper), everywhere
    it is used, at its definition only, or as the callee of a new call."""
    funcs = functions(text)
    if not funcs:
        return text
    f = pick(rng, funcs)
    new = '@"' + _odd_name(rng, text, funcs) + '"'
    old = re.escape("@" + f["name"]) + r"(?![\w$.])"
    r = rng.random()
    if r < 0.55:  # everywhere: the module stays valid
        return re.sub(old, lambda _: new, text)
    if r < 0.65:  # the definition only
        s, e = f["header"]
        return text[:s] + re.sub(old, lambda _: new, text[s:e], count=1) + text[e:]
    # a helper with the odd name, called from f
    ks = [j for j, t in enumerate(f["ret"]["types"]) if static_tensor(t)]
    if not ks:
        return re.sub(old, lambda _: new, text)
    k = pick(rng, ks)
    ty, dest = f["ret"]["types"][k], f["ret"]["values"][k]
    vis = "private " if rng.random() < 0.6 else ""
    helper = [f"func.func {vis}{new}(%a: {ty}) -> {ty} {{", f"  return %a : {ty}", "}"]
    text2 = at_module_level(text, f, helper)
    f = [h for h in functions(text2) if h["name"] == f["name"]][0]
    v = fresh(text2, "%sgi")
    return rewrite_return(text2, f, k, v, [f"{v} = func.call {new}({dest}) : ({ty}) -> {ty}"])


FUNC_ATTRS = ["llvm.linkage = #llvm.linkage<internal>", "llvm.linkage = #llvm.linkage<private>",
              "llvm.linkage = #llvm.linkage<weak>", "llvm.linkage = #llvm.linkage<linkonce>",
              "llvm.linkage = #llvm.linkage<extern_weak>", "llvm.linkage = #llvm.linkage<available_externally>",
              "llvm.linkage = #llvm.linkage<common>", "llvm.linkage = #llvm.linkage<appending>",
              'passthrough = ["noinline"]', 'passthrough = ["alwaysinline", "noinline"]',
              'passthrough = [["frame-pointer", "all"]]', 'passthrough = ["noreturn"]', 'passthrough = ["readnone"]',
              'passthrough = ["optnone"]', 'passthrough = ["garbage"]', 'passthrough = [["garbage", "x"]]',
              'passthrough = [["alloc-size", "x"]]', 'passthrough = ["naked"]', 'passthrough = [""]',
              'passthrough = [["uwtable", "sync"]]', 'passthrough = ["nounwind", "willreturn", "mustprogress"]',
              "llvm.emit_c_interface", "llvm.readnone", "no_inline", "always_inline", 'llvm.section = ".text.x"',
              'section = ".sg"', "llvm.personality = @malloc", 'garbage_collector = "x"',
              "llvm.arm_streaming", 'target_cpu = "nosuchcpu"', 'target_features = #llvm.target_features<["+nosuch"]>',
              'frame_pointer = #llvm.framePointerKind<all>', "sym_visibility = \"nested\"", "llvm.align = 3 : i64"]
ARG_ATTRS = ["llvm.noalias", "llvm.align = 3 : i64", "llvm.align = 0 : i64", "llvm.align = 16 : i64",
             "llvm.align = 4294967296 : i64", "llvm.nonnull", "llvm.noundef", "llvm.readonly", "llvm.writeonly",
             "llvm.byval = f32", "llvm.sret = i8", "llvm.inalloca = i8", "llvm.dereferenceable = 999999999 : i64",
             "llvm.dereferenceable_or_null = 8 : i64", "llvm.inreg", "llvm.zeroext", "llvm.signext", "llvm.nest",
             "llvm.returned", "llvm.nocapture", "llvm.alignstack = 3 : i64", "llvm.noalias = 1 : i64",
             "llvm.range = #llvm.constant_range<i32, 0, 4>"]
MODULE_ATTRS = ['llvm.data_layout = "garbage"', 'llvm.data_layout = ""', 'llvm.data_layout = "E"',
                'llvm.data_layout = "e-p:16:16"', 'llvm.data_layout = "e-m:e-i64:64-f80:128-n8:16:32:64-S128"',
                'llvm.target_triple = "garbage"', 'llvm.target_triple = ""',
                'llvm.target_triple = "nvptx64-nvidia-cuda"',
                'llvm.target_triple = "aarch64-unknown-linux-gnu"', 'llvm.target_triple = "x86_64-unknown-linux-gnu"',
                'llvm.target_triple = "i386-pc-windows-msvc"', 'llvm.module_asm = ["nop"]', 'llvm.module_asm = []',
                'llvm.module_asm = [""]', 'llvm.ident = "x"', 'llvm.dependent_libraries = ["m"]',
                "dlti.dl_spec = #dlti.dl_spec<index = 32 : i64>", "dlti.dl_spec = #dlti.dl_spec<index = 16 : i64>",
                'dlti.dl_spec = #dlti.dl_spec<"dlti.endianness" = "big">',
                'dlti.dl_spec = #dlti.dl_spec<f32 = dense<64> : vector<2xi64>>', "llvm.target = 1 : i64"]


def llvm_attributes(rng, text):
    """func.func attributes that reach LLVM (linkage, passthrough, C interface, sections, ...),
    argument and result attributes (llvm.noalias, llvm.align = 3, byval, ...) and module
    attributes (llvm.data_layout = "garbage", target triples, module asm, DLTI specs)."""
    funcs = functions(text)
    kind = int(rng.integers(3))
    if kind == 2 or not funcs:
        attrs = ", ".join(pick(rng, MODULE_ATTRS) for _ in range(1 + int(rng.integers(2))))
        m = re.match(r"\s*module\b(\s*@[\w$.]+)?(\s*attributes\s*\{)?", text)
        if m and m.group(2):
            return text[:m.end()] + attrs + ", " + text[m.end():]
        if m:
            return text[:m.end()] + f" attributes {{{attrs}}}" + text[m.end():]
        return f"module attributes {{{attrs}}} {{\n{text}}}\n"
    f = pick(rng, funcs)
    if kind == 0:  # function attributes
        attrs = ", ".join(pick(rng, FUNC_ATTRS) for _ in range(1 + int(rng.integers(2))))
        s, e = f["header"]
        head = text[s:e]
        if " attributes {" in head:
            head = head.replace(" attributes {", f" attributes {{{attrs}, ", 1)
        else:
            head = head.rstrip() + f" attributes {{{attrs}}} "
        return text[:s] + head + text[e:]
    # argument / result attributes
    attr = pick(rng, ARG_ATTRS)
    if f["args"] and rng.random() < 0.75:
        a, ty = pick(rng, f["args"])
        s, e = f["args_span"]
        seg = text[s:e]
        m = re.search(re.escape(a) + r"\s*:\s*" + re.escape(ty) + r"(\s*\{)?", seg)
        if not m:
            return text
        seg = seg[:m.end()] + (f"{attr}, " if m.group(1) else f" {{{attr}}}") + seg[m.end():]
        return text[:s] + seg + text[e:]
    s, e = f["header"]
    head = text[s:e]
    hm = re.search(r"\) -> (tensor<[^<>]*>)(?= |$)", head)
    if not hm:
        return text
    return text[:s] + head[:hm.start()] + f") -> ({hm.group(1)} {{{attr}}})" + head[hm.end():] + text[e:]


LLVM_TYPES = ["f32", "f64", "i32", "i64"]


def llvm_dialect_module(rng, text):
    """The text replaced by a module that is all LLVM dialect, as a user's own pipeline or hand
    writes it for `symgrad-opt --emit=llvm-ir` (translated without lowering, where symgrad did
    not build the IR): globals (GLOBALS), inline asm, external and recursive llvm.func, odd
    names, function / argument / module attributes, getelementptr with constant indices."""
    ty = pick(rng, LLVM_TYPES)
    is_float = ty.startswith("f")
    lines: list[str] = []
    body: list[str] = []
    use = "%a"
    if rng.random() < 0.6:
        init, _ = pick(rng, GLOBALS)
        link = pick(rng, LINKAGES) if rng.random() < 0.4 else "internal"
        if init.startswith("() :") and "{" not in init and link.startswith("internal"):
            link = "external"
        lines.append(f"llvm.mlir.global {link} @sgg{init}")
        body += ["%gp = llvm.mlir.addressof @sgg : !llvm.ptr", f"%gv = llvm.load %gp : !llvm.ptr -> {ty}"]
        use = "%gv"
    if rng.random() < 0.4:
        asm = pick(rng, ASM).replace("\n", "\\0A")
        se = "has_side_effects " if rng.random() < 0.5 else ""
        cons = pick(rng, ["=r,r", "=x,x", "=r", "", "=m", "=r,0"]) if not is_float else \
            pick(rng, ["=x,x", "=x", "", "=m", "=x,0"])
        nops = cons.count(",") if cons and "~" not in cons else 0
        operands = f" {use}" if nops else ""
        body.append(f'%asm = llvm.inline_asm {se}"{asm}", "{cons}"{operands} : ({ty if nops else ""}) -> {ty}')
        use = "%asm"
    if rng.random() < 0.4:
        decl, name, returns = pick(rng, EXTERNS)
        name = name.replace("{T}", ty)
        decl = decl.replace("{n}", name).replace("{T}", ty).replace("{{", "{").replace("}}", "}")
        lines.append(decl)
        if returns:
            nargs = 0 if "nullary" in name else 1
            vararg = f"vararg(!llvm.func<{ty} ({ty}, ...)>) " if "vararg" in name else ""
            body.append(f"%ext = llvm.call @{name}({use if nargs else ''}) {vararg}: ({ty if nargs else ''}) -> {ty}")
            use = "%ext"
    if rng.random() < 0.5:  # a store through the pointer argument at a constant element offset
        k = pick(rng, ["0", "1", "-1", "4", "1000", "2147483647", "-2147483648", "2147483648",
                        "-9223372036854775808", "9223372036854775807"])
        if abs(int(k)) < 2 ** 31 and rng.random() < 0.6:  # a constant index (i32)
            body.append(f"%q = llvm.getelementptr %p[{k}] : (!llvm.ptr) -> !llvm.ptr, {ty}")
        else:
            body += [f"%k = llvm.mlir.constant({k} : i64) : i64",
                     f"%q = llvm.getelementptr %p[%k] : (!llvm.ptr, i64) -> !llvm.ptr, {ty}"]
        body.append(f"llvm.store {use}, %q : {ty}, !llvm.ptr")
    fname = "sgf" if rng.random() < 0.6 else '"' + _odd_name(rng, text, []) + '"'
    link = pick(rng, ["", "", "", "internal ", "private ", "weak ", "linkonce_odr ", "available_externally "])
    aattr = f" {{{pick(rng, ARG_ATTRS)}}}" if rng.random() < 0.3 else ""
    fattr = ""
    if rng.random() < 0.3:
        a = pick(rng, FUNC_ATTRS)
        fattr = "" if a.startswith("llvm.linkage") else f" attributes {{{a}}}"
    if rng.random() < 0.15:  # calls itself
        body.append(f"%self = llvm.call @{fname}(%a, %p) : ({ty}, !llvm.ptr) -> {ty}")
        use = "%self"
    lines += [f"llvm.func {link}@{fname}(%a: {ty}, %p: !llvm.ptr{aattr}) -> {ty}{fattr} {{"]
    lines += [f"  {b}" for b in body] + [f"  llvm.return {use} : {ty}", "}"]
    if rng.random() < 0.25:
        attrs = pick(rng, MODULE_ATTRS)
        return f"module attributes {{{attrs}}} {{\n" + "\n".join(lines) + "\n}\n"
    return "\n".join(lines) + "\n"
