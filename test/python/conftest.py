"""pytest configuration for symgrad's suite (test/python mirrors the source tree).

Random inputs are seeded from the test's node id, so every test is
deterministic and independent of the order (or the xdist worker) it runs in.
Shared helpers live in sgtest.py next to this file.
"""
from __future__ import annotations

import os
import sys
import zlib

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def rng(request) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
