"""Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
SC 2011; the Random123 library's threefry2x32): the block function behind `graph.random_bits`.

A counter-based generator is a keyed hash of a counter, so element i of a random tensor is a
function of (key, i) alone: the compiled kernel computes every element from its own index, in any
order and on any number of threads, and gets the same bits as the numpy reference. The rounds are
written once (`rounds`) over an arithmetic given by the caller, so the numpy reference (uint32
arrays) and the lowering (arith on i32, signless: additions wrap) cannot drift apart.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

#: Rotation amounts of Threefry-2x32 (Random123's R_32x2_*), used in turn, one per round.
ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)
#: Skein's key-schedule parity constant: the third key word is k0 ^ k1 ^ PARITY.
PARITY = 0x1BD11BDA
ROUNDS = 20
MASK32 = 0xFFFFFFFF


def rounds(k0, k1, c0, c1, add: Callable, xor: Callable, rotl: Callable, const: Callable):
    """The two output words of the block function on key (k0, k1) and counter (c0, c1).

    `add` (wrapping 32-bit), `xor`, `rotl(x, r)` and `const(python int)` are the arithmetic:
    numpy's on uint32 arrays or arith's on i32 values. A key injection after every 4 rounds."""
    ks = (k0, k1, xor(xor(k0, k1), const(PARITY)))
    x0, x1 = add(c0, ks[0]), add(c1, ks[1])
    for r in range(ROUNDS):
        x0 = add(x0, x1)
        x1 = xor(rotl(x1, ROTATIONS[r % 8]), x0)
        if r % 4 == 3:
            i = (r + 1) // 4
            x0 = add(x0, ks[i % 3])
            x1 = add(add(x1, ks[(i + 1) % 3]), const(i))
    return x0, x1


# ------------------------------------------------------------------ numpy (uint32 arrays)
def _np_rotl(x, r):
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def threefry2x32(key, counters):
    """The block function in numpy: key (2,) uint32, counters (2, n) uint32 -> (2, n) uint32.
    Vectorized over the n counters; uint32 array arithmetic wraps silently, as the hardware's."""
    key = np.asarray(key, np.uint32).reshape(2)
    c = np.asarray(counters, np.uint32).reshape(2, -1)
    k0, k1 = np.full(c.shape[1:], key[0], np.uint32), np.full(c.shape[1:], key[1], np.uint32)
    x0, x1 = rounds(k0, k1, c[0], c[1], add=np.add, xor=np.bitwise_xor, rotl=_np_rotl, const=np.uint32)
    return np.stack([x0, x1])


def key_words(key) -> np.ndarray:
    """A key array of int32, uint32 or int64 words as two uint32 words (int64 words: their low
    32 bits, the same bits a uint32 value stored in an int64 has)."""
    key = np.asarray(key)
    if key.shape != (2,) or key.dtype.kind not in "iu":
        raise ValueError(f"a key is a (2,) array of 32-bit words (int32, as symgrad.random.key makes), got "
                         f"{key.dtype}{list(key.shape)}")
    return (key.astype(np.int64) & MASK32).astype(np.uint32)


def random_bits(key, shape) -> np.ndarray:
    """Element i (flat, C order) of the result: word i % 2 of the block at counter i // 2, as a
    64-bit counter split (high, low) over the two counter words. Returned as int32 bits."""
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n, dtype=np.uint64)
    block = i >> np.uint64(1)
    counters = np.stack([(block >> np.uint64(32)).astype(np.uint32), (block & np.uint64(MASK32)).astype(np.uint32)])
    words = threefry2x32(key_words(key), counters)
    out = np.where((i & np.uint64(1)) == 0, words[0], words[1])
    return out.view(np.int32).reshape(tuple(shape))
