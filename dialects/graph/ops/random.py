"""Random bits: `graph.random_bits(key) {shape}`, the one random op; uniform, normal, bernoulli,
split and dropout are compositions of it (dialects/graph/prng.py).

Counter-based (Threefry-2x32, threefry.py): the key is an operand, a (2,) tensor of 32-bit words,
so a training loop passes a fresh key each step as an ordinary runtime argument and the kernel is
not recompiled; the shape is an attribute. Bits are integers: no gradient flows through them.
"""
from __future__ import annotations

import numpy as np
import mlir.ir as ir
from mlir.dialects import arith, linalg, tensor

from .. import threefry
from ..attrs import INTS
from ..emit import Tensor, emit
from ..registry import OpDef, Sample, register
from ..shape_rules import require_dtype
from ..types import INT_DTYPES, ShapeError, TensorType, shape_str


def _infer(key, shape):
    require_dtype("key", key, INT_DTYPES)
    if key.shape != (2,):
        raise ShapeError(f"operand 'key' must have shape 2 (two 32-bit key words), got {shape_str(key.shape)} "
                         f"({key})")
    if any(d < 0 for d in shape):
        raise ShapeError(f"shape {tuple(shape)} has a negative dimension")
    return TensorType(tuple(shape), "i32")


def _api(key, shape=()):
    """symgrad.random_bits(key, shape): the raw bits (see symgrad.random.bits for numpy keys)."""
    if not isinstance(key, Tensor):
        raise TypeError(f"symgrad.random_bits: expected a symbolic key tensor, got {type(key).__name__} "
                        f"(symgrad.random.bits takes numpy keys too)")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in shape):
        raise TypeError(f"symgrad.random_bits: shape must be a tuple of integers, got {shape!r}")
    return emit("random_bits", key, shape=tuple(int(d) for d in shape))


def _lower(lw, key, shape):
    """One parallel linalg.generic over the result: each element hashes its own flat index, so
    the loop may be split over threads in any way. The key words come in as rank-0 tensors
    (broadcast to every element); the rounds are arith on i32, whose additions wrap."""
    out = lw.result
    rank = out.rank
    i32, i64 = ir.IntegerType.get_signless(32), ir.IntegerType.get_signless(64)
    word_type = lw.mlir_type(lw.operand_types[0])
    words = [lw.reshape(_slice1(key, word_type, w), ()) for w in range(2)]
    strides = [int(np.prod(out.shape[d + 1:], dtype=np.int64)) for d in range(rank)]
    scalar_map = ir.AffineMap.get(rank, 0, [])
    ident = ir.AffineMap.get_identity(rank)

    def c32(v):
        return arith.constant(i32, v - (1 << 32) if v >= 1 << 31 else v)

    def body(k0, k1, _out):
        if k0.type != i32:
            k0, k1 = arith.trunci(i32, k0), arith.trunci(i32, k1)
        flat = arith.constant(i64, 0)
        for d in range(rank):
            if out.shape[d] > 1:
                term = arith.index_cast(i64, linalg.IndexOp(d).result)
                flat = arith.addi(flat, arith.muli(term, arith.constant(i64, strides[d])))
        block = arith.shrui(flat, arith.constant(i64, 1))
        c0 = arith.trunci(i32, arith.shrui(block, arith.constant(i64, 32)))
        c1 = arith.trunci(i32, block)
        x0, x1 = threefry.rounds(
            k0, k1, c0, c1, add=arith.addi, xor=arith.xori, const=c32,
            rotl=lambda x, r: arith.ori(arith.shli(x, c32(r)), arith.shrui(x, c32(32 - r))))
        odd = arith.cmpi(arith.CmpIPredicate.ne, arith.andi(flat, arith.constant(i64, 1)), arith.constant(i64, 0))
        return arith.select(odd, x1, x0)

    return lw.generic(words, [scalar_map, scalar_map], lw.empty(out), ident, ["parallel"] * rank, body)


def _slice1(key, word_type, w):
    """key[w:w+1] as a (1,) tensor."""
    et = ir.RankedTensorType(word_type).element_type
    return tensor.extract_slice(ir.RankedTensorType.get([1], et), key, [], [], [], [w], [1], [1])


register(OpDef(
    name="random_bits", summary="Uniformly random 32-bit words (i32 bits) from a counter-based generator "
                                "(Threefry-2x32, 20 rounds, Random123's): element i (flat, C order) is word "
                                "i % 2 of the block at counter i // 2 under `key`, so the same key gives the same "
                                "bits interpreted and compiled, on any number of threads. `key` is two 32-bit "
                                "words (i32, or i64 holding uint32 values: their low 32 bits).",
    operands=("key",), attrs={"shape": INTS}, infer=_infer,
    ref=lambda key, shape: threefry.random_bits(key, shape),
    shape_rule="`key` of shape 2 (i32 or i64); result shape `shape`, element type i32",
    nondiff="random bits are integers, which carry no gradient (and its key never requires grad)",
    api_name="random_bits", api=_api, lower=_lower, domain=(-3.0, 3.0),
    samples=(Sample((TensorType((2,), "i32"),), {"shape": (3, 4)}),
             Sample((TensorType((2,), "i64"),), {"shape": (5,)}),
             Sample((TensorType((2,), "i32"),), {"shape": ()}),
             Sample((TensorType((2,), "i32"),), {"shape": (2, 1, 3)}))))
