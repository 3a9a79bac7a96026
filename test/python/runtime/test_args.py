"""Bad arguments raise TypeError/ValueError naming the function, argument, expected and actual
type before native code runs; odd layouts are copied, never misread. The cases and their
documented outcomes are group "checks" of ../argcases.py (shared with hardening/test_arguments.py);
they run in a subprocess, so a crash cannot go unnoticed."""
from __future__ import annotations

import pytest

import argcases

GROUP = "checks"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return argcases.outcomes(GROUP, tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize("case", argcases.names(GROUP))
def test_call_gives_the_documented_outcome(outcomes, case):
    argcases.check(case, outcomes[case])


def test_every_case_ran(outcomes):
    assert list(outcomes) == argcases.names(GROUP)
    assert len(outcomes) >= 30
