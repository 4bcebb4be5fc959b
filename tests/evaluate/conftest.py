"""Fixtures of the evaluate tests: the tiny log with a known future."""

from __future__ import annotations

import pytest

from _evaluate_logs import tiny_records
from influence import Events


@pytest.fixture(scope="module")
def tiny() -> Events:
    return Events.from_records(tiny_records())
