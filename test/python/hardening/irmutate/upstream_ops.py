"""Upstream-dialect ops added to graph functions (issue 11), kept valid MLIR as often as possible
so the mutant reaches sg.compile, LLVM IR translation and a call of the kernel: constant tensor
and memref indices and slices, LLVM globals, inline asm, llvm.func declarations and calls. The
value an added op computes is written into a returned tensor, so the lowering cannot drop it."""
from __future__ import annotations

from .irtext import at_module_level, fresh, functions, pick, rewrite_return, static_result, static_tensor

# Index constants by what they test: inside the shape, its boundary, past it, negative, huge.
BAD_INDICES = ("{d}", "{d1}", "{d1}", "-1", "-{d}", "1000", "2147483648", "1099511627776", "4611686018427387904",
               "9223372036854775807", "-9223372036854775808")


def _literal(elem: str) -> str:
    if elem == "i1":
        return "true"
    if elem.startswith("i") or elem == "index":
        return "7"
    return "1.5"


def _index(rng, dim: int, bad: bool) -> int:
    if not bad and dim > 0:
        return int(rng.integers(dim))
    return int(eval(pick(rng, BAD_INDICES).format(d=dim, d1=dim + 1)))


def _indices(rng, dims: list[int]) -> list[int]:
    """Constant indices for `dims`: all in range about a third of the time, else one of them
    at the boundary, past it, negative or huge (a zero dim has no index in range)."""
    bad = int(rng.integers(len(dims))) if dims and rng.random() < 0.65 else -1
    return [_index(rng, d, k == bad or d == 0) for k, d in enumerate(dims)]


def _index_constants(text: str, idx: list[int], lines: list[str]) -> list[str]:
    names = []
    for v in idx:
        c = fresh(text + "\n".join(lines), "%sgc")
        lines.append(f"{c} = arith.constant {v} : index")
        names.append(c)
    return names


def tensor_index_ops(rng, text):
    """tensor.extract / tensor.insert / extract_slice / insert_slice / memref.load / memref.store
    with constant indices and offsets into a returned static tensor (in range, == dim, past the
    end, negative, huge): the kernel must never read or write outside its buffers."""
    t = static_result(rng, text)
    if t is None:
        return text
    f, k, (dims, elem) = t
    dest, dty = f["ret"]["values"][k], f["ret"]["types"][k]
    same = [(v, ty) for v, ty in f["values"] if (st := static_tensor(ty)) and st[1] == elem and v != dest]
    lines: list[str] = []
    kind = int(rng.integers(6))
    new = fresh(text, "%sgi")
    if kind <= 1:  # tensor.extract from a same-typed value (or a constant), tensor.insert into the result
        if same and kind == 0:
            src, sty = pick(rng, same)
            sdims = static_tensor(sty)[0]
            cs = _index_constants(text, _indices(rng, sdims), lines)
            val = fresh(text, "%sgv")
            lines.append(f"{val} = tensor.extract {src}[{', '.join(cs)}] : {sty}")
        else:
            val = fresh(text, "%sgv")
            lines.append(f"{val} = arith.constant {_literal(elem)} : {elem}")
        cd = _index_constants(text, _indices(rng, dims), lines)
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    elif kind == 2:  # tensor.extract of the result itself, put back where it was read
        cd = _index_constants(text, _indices(rng, dims), lines)
        val = fresh(text, "%sgv")
        lines.append(f"{val} = tensor.extract {dest}[{', '.join(cd)}] : {dty}")
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    elif kind == 3 and dims:  # extract_slice of the result, inserted back at other offsets
        bad = int(rng.integers(len(dims))) if rng.random() < 0.6 else -1
        sizes, offs, offs2, strides = [], [], [], []
        for j, d in enumerate(dims):
            s = int(rng.integers(1, d + 1)) if d > 0 else 0
            o = int(rng.integers(d - s + 1)) if d > 0 else 0
            o2 = int(rng.integers(d - s + 1)) if d > 0 else 0
            st = 1
            if j == bad:
                what = int(rng.integers(4))
                if what == 0:
                    s = pick(rng, [d + 1, 2 * d + 3, 1000])
                elif what == 1:
                    o = _index(rng, d, True)
                elif what == 2:
                    o2 = _index(rng, d, True)
                else:
                    st = pick(rng, [2, 3, 0, -1, 1000])
            sizes.append(s), offs.append(o), offs2.append(o2), strides.append(st)

        def mixed(vals):  # some offsets as SSA constants (the verifier cannot see those)
            out = []
            for v in vals:
                if rng.random() < 0.4:
                    out.append(_index_constants(text, [v], lines)[0])
                else:
                    out.append(str(v))
            return "[" + ", ".join(out) + "]"
        sty = "tensor<" + "".join(f"{s}x" for s in sizes) + elem + ">"
        sl = fresh(text, "%sgs")
        o1, o2, sz, stt = mixed(offs), mixed(offs2), "[" + ", ".join(map(str, sizes)) + "]", mixed(strides)
        lines.append(f"{sl} = tensor.extract_slice {dest}{o1}{sz}{stt} : {dty} to {sty}")
        lines.append(f"{new} = tensor.insert_slice {sl} into {dest}{o2}{sz}{stt} : {sty} into {dty}")
    elif kind == 4:  # memref.load from the buffer of a tensor
        src, sty = pick(rng, same) if same and rng.random() < 0.5 else (dest, dty)
        sdims = static_tensor(sty)[0]
        mty = "memref<" + "".join(f"{d}x" for d in sdims) + elem + ">"
        buf, val = fresh(text, "%sgb"), fresh(text, "%sgv")
        lines.append(f"{buf} = bufferization.to_buffer {src} : {sty} to {mty}")
        cs = _index_constants(text, _indices(rng, sdims), lines)
        lines.append(f"{val} = memref.load {buf}[{', '.join(cs)}] : {mty}")
        cd = _index_constants(text, [_index(rng, d, d == 0) for d in dims], lines)
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    else:  # memref.store into a local buffer, loaded back
        mty = "memref<" + "".join(f"{d}x" for d in dims) + elem + ">"
        buf, val, c = fresh(text, "%sgb"), fresh(text, "%sgv"), fresh(text, "%sgk")
        lines.append(f"{buf} = memref.{pick(rng, ['alloca', 'alloc'])}() : {mty}")
        lines.append(f"{c} = arith.constant {_literal(elem)} : {elem}")
        cs = _index_constants(text, _indices(rng, dims), lines)
        lines.append(f"memref.store {c}, {buf}[{', '.join(cs)}] : {mty}")
        cl = _index_constants(text, _indices(rng, dims), lines)
        lines.append(f"{val} = memref.load {buf}[{', '.join(cl)}] : {mty}")
        lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cl)}] : {dty}")
    if not lines or not lines[-1].startswith(new):
        return text
    return rewrite_return(text, f, k, new, lines)


GLOBALS = [  # (initializer and type, matches): loaded as the result's element type
    ("(0 : i8) : !llvm.array<4 x i8>", False), ("(1.5 : f32) : f32", True), ("(1.5 : f64) : f64", True),
    ("(dense<[1.0, 2.0]> : tensor<2xf32>) : !llvm.array<2 x f32>", True),
    ("(dense<1.0> : tensor<4xf32>) : !llvm.array<2 x f32>", False),
    ("(dense<1.0> : tensor<2xf64>) : !llvm.array<2 x f32>", False),
    ("(dense<0> : tensor<2x2xi32>) : !llvm.array<2 x array<2 x i32>>", True),
    ("(dense<0> : tensor<4xi32>) : !llvm.array<2 x array<2 x i32>>", False),
    ('("abc") : !llvm.array<3 x i8>', True), ('("abc\\00") : !llvm.array<2 x i8>', False),
    ('("abc") : f32', False), ("(0 : i64) : f32", False), ("(1.0 : f64) : f32", False), ("(7 : i32) : i32", True),
    ("(3 : i32) : !llvm.struct<(i32, f32)>", False), ("(0 : i32) {alignment = 3 : i64} : i32", False),
    ("(0 : i32) {alignment = 64 : i64} : i32", True), ("() : f32", True), ("(true) : i1", True),
    ("(dense<> : tensor<0xf32>) : !llvm.array<0 x f32>", True), ("(unit) : f32", False),
    ("() : f32 {\n  %0 = llvm.mlir.constant(2.0 : f32) : f32\n  llvm.return %0 : f32\n}", True),
    ("() : f32 {\n  %0 = llvm.mlir.constant(2 : i64) : i64\n  llvm.return %0 : i64\n}", False),
]
LINKAGES = ["internal", "private", "internal constant", "external", "weak", "linkonce_odr", "common", "appending",
            "internal thread_local", "external_weak", "available_externally", "extern_weak"]


def llvm_global(rng, text):
    """An llvm.mlir.global at module level (matching and mismatched initializers, linkages,
    alignments, region initializers), loaded through llvm.mlir.addressof in a graph function."""
    t = static_result(rng, text, lambda st: st[1] in ("f16", "f32", "f64", "i1", "i8", "i32", "i64"))
    if t is None:
        return text
    f, k, (dims, elem) = t
    init, _ = pick(rng, GLOBALS)
    link = pick(rng, LINKAGES) if rng.random() < 0.4 else "internal"
    g = fresh(text, "@sgglobal")
    if init.startswith("() :") and "{" not in init and link.startswith("internal"):
        link = "external"  # a declaration (an unresolved symbol in the JIT) or a zero-initialized global
    text2 = at_module_level(text, f, [f"llvm.mlir.global {link} {g}{init}"])
    if rng.random() < 0.15:  # unused: only translation sees it
        return text2
    f = [h for h in functions(text2) if h["name"] == f["name"]][0]
    p, val, new = fresh(text2, "%sgp"), fresh(text2, "%sgv"), fresh(text2, "%sgi")
    lines = [f"{p} = llvm.mlir.addressof {g} : !llvm.ptr", f"{val} = llvm.load {p} : !llvm.ptr -> {elem}"]
    cd = _index_constants(text2, [_index(rng, d, d == 0) for d in dims], lines)
    lines.append(f"{new} = tensor.insert {val} into {f['ret']['values'][k]}[{', '.join(cd)}] : {f['ret']['types'][k]}")
    return rewrite_return(text2, f, k, new, lines)


ASM = ["", "nop", "", "nop; nop", "mov $1, $0", "movss $1, $0", "vmovaps $1, $0", "not an instruction", "$0",
       "${0:q}", ".byte 0x90", "lfence", "pause", ".section .text.sgx\n", "# comment"]


def llvm_inline_asm(rng, text):
    """llvm.inline_asm in a graph function: empty and non-empty strings, with and without side
    effects, AT&T and Intel dialects, with operands and results written into a returned tensor."""
    t = static_result(rng, text, lambda st: st[1] in ("f32", "f64"))
    funcs = functions(text)
    if not funcs:
        return text
    asm = pick(rng, ASM).replace("\n", "\\0A")
    se = "has_side_effects " if rng.random() < 0.5 else ""
    dialect = "asm_dialect = intel " if rng.random() < 0.2 else ""
    if t is None or rng.random() < 0.3:  # no result: alive only by its side effects
        f = t[0] if t else pick(rng, funcs)
        r = f["ret"]
        line = f'{r["indent"]}llvm.inline_asm {se}{dialect}"{asm}", "" : () -> ()\n'
        return text[:r["start"]] + line + text[r["start"]:]
    f, k, (dims, elem) = t
    dest, dty = f["ret"]["values"][k], f["ret"]["types"][k]
    val, new, c = fresh(text, "%sgv"), fresh(text, "%sgi"), fresh(text, "%sgk")
    lines = []
    if rng.random() < 0.5:
        cons = pick(rng, ["=x", "=r", "=&x", "=m", "=x,~{memory}", ""])
        lines.append(f'{val} = llvm.inline_asm {se}{dialect}"{asm}", "{cons}" : () -> {elem}')
    else:
        cons = pick(rng, ["=x,x", "=x,0", "=r,r", "=x,x,~{dirflag}", "=x"])
        lines.append(f"{c} = arith.constant {_literal(elem)} : {elem}")
        lines.append(f'{val} = llvm.inline_asm {se}{dialect}"{asm}", "{cons}" {c} : ({elem}) -> {elem}')
    cd = _index_constants(text, [_index(rng, d, d == 0) for d in dims], lines)
    lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    return rewrite_return(text, f, k, new, lines)


EXTERNS = [  # (declaration or definition with {T} for the element type, callee, returns the element type)
    ("llvm.func @{n}({T}) -> {T}", "sinf", True), ("llvm.func @{n}({T}) -> {T}", "sin", True),
    ("llvm.func @{n}({T}) -> {T}", "symgrad_nosuch", True), ("llvm.func @{n}({T}) -> {T}", "malloc", True),
    ("llvm.func @{n}(!llvm.ptr)", "free", False), ("llvm.func @{n}(i64) -> !llvm.ptr", "malloc", False),
    ("llvm.func @{n}({T}) -> {T}", "free", True), ("llvm.func @{n}({T}) -> {T}", "symgrad_pool_alloc", True),
    ("llvm.func @{n}({T}) -> {T}", "_mlir_memref_to_llvm_alloc", True),
    ("llvm.func @{n}({T}, ...) -> {T}", "sgvararg", True),
    ("llvm.func @{n}(%a: {T}) -> {T} {{\n  llvm.return %a : {T}\n}}", "sgdefined", True),
    ("llvm.func @{n}(%a: {T}) -> {T} {{\n  %r = llvm.call @{n}(%a) : ({T}) -> {T}\n  llvm.return %r : {T}\n}}",
     "sgrecursive", True),
    ("llvm.func internal @{n}(%a: {T}) -> {T} {{\n  llvm.return %a : {T}\n}}", "sginternal", True),
    ("llvm.func @{n}({T}) -> {T} attributes {{passthrough = [\"noreturn\"]}}", "sgnoreturn", True),
    ("llvm.func @{n}({T}) -> {T}", "llvm.sqrt.{T}", True), ("llvm.func @{n}({T}) -> {T}", "llvm.nosuch", True),
    ("llvm.func @{n}() -> {T}", "sgnullary", True),
]


def llvm_func_call(rng, text):
    """An llvm.func declaration or definition at module level (libm, the runtime's own symbols
    with other types, unresolved names, intrinsics, a recursive one) and an llvm.call of it from
    a graph function, its result written into a returned tensor; sometimes with the wrong arity."""
    t = static_result(rng, text, lambda st: st[1] in ("f32", "f64"))
    if t is None:
        return text
    f, k, (dims, elem) = t
    decl, name, returns = pick(rng, EXTERNS)
    name = name.replace("{T}", elem)
    decl = decl.replace("{n}", name).replace("{T}", elem).replace("{{", "{").replace("}}", "}")
    text2 = at_module_level(text, f, [decl])
    f = [h for h in functions(text2) if h["name"] == f["name"]][0]
    dest, dty = f["ret"]["values"][k], f["ret"]["types"][k]
    c, val, new = fresh(text2, "%sgk"), fresh(text2, "%sgv"), fresh(text2, "%sgi")
    lines = [f"{c} = arith.constant {_literal(elem)} : {elem}"]
    if not returns:  # a call for its effect alone: free(malloc(8))
        p = fresh(text2, "%sgp")
        n8 = fresh(text2, "%sgn")
        if "free" in name:
            lines += [f"{n8} = llvm.mlir.zero : !llvm.ptr", f"llvm.call @{name}({n8}) : (!llvm.ptr) -> ()"]
        else:
            lines += [f"{n8} = llvm.mlir.constant(8 : i64) : i64",
                      f"{p} = llvm.call @{name}({n8}) : (i64) -> !llvm.ptr"]
        return rewrite_return(text2, f, k, dest, lines)
    nargs = 0 if "nullary" in name else 1
    if rng.random() < 0.15:
        nargs = pick(rng, [0, 2])
    args = ", ".join([c] * nargs)
    tys = ", ".join([elem] * nargs)
    vararg = "vararg(!llvm.func<" + elem + " (" + elem + ", ...)>) " if "vararg" in name else ""
    lines.append(f"{val} = llvm.call @{name}({args}) {vararg}: ({tys}) -> {elem}")
    cd = _index_constants(text2, [_index(rng, d, d == 0) for d in dims], lines)
    lines.append(f"{new} = tensor.insert {val} into {dest}[{', '.join(cd)}] : {dty}")
    return rewrite_return(text2, f, k, new, lines)
