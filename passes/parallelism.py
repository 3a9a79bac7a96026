"""The two constants of symgrad's multi-core code, shared by the passes that cut work into tasks.

`CHUNKS` is how many parts tile-rows and partition-reductions cut a big function or reduction
into: fixed at compile time, so a sum is always K partial sums added in order and 1 thread and N
threads give the same bits. `MIN_WORK` is the work below which a loop or a reduction stays
sequential (why these values: docs/design/passes-parallel-loops.md).
"""
from __future__ import annotations

#: Parts per big function (tile-rows) or reduction (partition-reductions), whatever the thread count.
CHUNKS = 16
#: Innermost iterations below which a loop stays sequential (~50-150 us on one core), so that each
#: of the up to 8 blocks per thread that async-parallel-for makes is well above a task's cost.
MIN_WORK = 1 << 17
