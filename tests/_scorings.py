"""Counting the scorings a piece of code runs (shared by the state and CLI tests)."""

from __future__ import annotations

from typing import Any

import pytest

from influence import Events, Scorer


def counted_scorings(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """From now on, the ``as_of`` of every window :class:`Scorer` scores, in order."""
    calls: list[float | None] = []
    scores_of = Scorer._scores

    def counted(self: Scorer, window: Events, when: float | None, t: float) -> Any:
        calls.append(when)
        return scores_of(self, window, when, t)

    monkeypatch.setattr(Scorer, "_scores", counted)
    return calls
