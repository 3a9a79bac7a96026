"""Mutations of valid IR text, for the adversarial-IR fuzzer (issue 6): `cases(seed, n)` is n
mutants of the seed texts (`corpus()`), each one to three mutations from MUTATORS. Every mutator
is a plain function of (rng, text), so a failing case is reproduced from its seed alone; the order
of MUTATORS is part of that (a seed's cases change if it does). `cases(..., mutators=
UPSTREAM_MUTATORS)` draws only the upstream-dialect kinds (issue 11), from seeds that parse.
"""
from __future__ import annotations

import numpy as np

from .irtext import pick
from .seeds import corpus, valid_corpus
from .structure import (change_results, duplicate_function, multi_block, nest_in_region, recursive_call,
                        rename_op, rewire_value, self_cycle)
from .tokens import (deep_nesting, drop_bracket, drop_token, duplicate_token, insert_bytes, replace_token,
                     swap_tokens, truncate)
from .typeattr import (add_attribute_dict, mutate_attribute, mutate_dim, mutate_element_type, mutate_number,
                       resize_everywhere, swap_type)
from .upstream_ops import llvm_func_call, llvm_global, llvm_inline_asm, tensor_index_ops
from .upstream_symbols import call_graph, llvm_attributes, llvm_dialect_module, odd_symbol_name

__all__ = ["MUTATORS", "UPSTREAM_MUTATORS", "cases", "corpus", "mutate", "valid_corpus"]

UPSTREAM_MUTATORS = [tensor_index_ops, llvm_global, llvm_inline_asm, llvm_func_call, call_graph, odd_symbol_name,
                     llvm_attributes, llvm_dialect_module]


MUTATORS = [drop_token, duplicate_token, swap_tokens, replace_token, truncate, drop_bracket, swap_type, mutate_dim,
            mutate_element_type, rename_op, mutate_attribute, add_attribute_dict, mutate_number, rewire_value,
            self_cycle, duplicate_function, nest_in_region, multi_block, recursive_call, deep_nesting, insert_bytes,
            change_results, resize_everywhere] + UPSTREAM_MUTATORS


def mutate(rng: np.random.Generator, text: str, mutators=None) -> tuple[bytes, list[str]]:
    """One to three mutations of `text` (from `mutators`, default MUTATORS); returns (bytes,
    names of the mutators applied)."""
    mutators = MUTATORS if mutators is None else mutators
    names = []
    out: str | bytes = text
    for _ in range(1 + int(rng.integers(3) if rng.random() < 0.4 else 0)):
        fn = pick(rng, mutators)
        if isinstance(out, bytes):  # after insert_bytes, mutate the text around the bytes
            out = fn(rng, out.decode("utf-8", "surrogateescape"))
            out = out.encode("utf-8", "surrogateescape") if isinstance(out, str) else out
        else:
            out = fn(rng, out)
        names.append(fn.__name__)
    return (out if isinstance(out, bytes) else out.encode("utf-8", "surrogateescape")), names



def cases(seed: int, n: int, max_lines: int | None = None, mutators=None) -> list[tuple[str, bytes]]:
    """n mutated texts from seed: (name, bytes). The name says the seed text, the case index and mutators.
    With `mutators` (e.g. UPSTREAM_MUTATORS), only those are applied, to seeds that parse."""
    rng = np.random.default_rng(seed)
    pool = corpus() if mutators is None else valid_corpus()
    seeds = [c for c in pool if max_lines is None or c[1].count("\n") <= max_lines]
    # Mutants of valid seeds get further (verifier, gradient pass, lowering): invalid.mlir's
    # chunks, already wrong, are drawn less often.
    weights = np.array([0.2 if "invalid" in name or "errors" in name else 1.0 for name, _ in seeds])
    weights /= weights.sum()
    out = []
    for k in range(n):
        name, text = seeds[int(rng.choice(len(seeds), p=weights))]
        data, how = mutate(rng, text, mutators)
        out.append((f"{seed}:{k}:{name}:{'+'.join(how)}", data))
    return out
