"""Authenticity: a user's own credibility, as a factor on their score."""

from __future__ import annotations

import pytest

from influence import Events, Scorer
from influence.components import Authenticity, Credibility, Inactivity
from influence.testing import check_component

T0 = 1_700_000_000.0
DAY = 86_400.0


def test_authenticity_conformance_and_configuration() -> None:
    check_component(Authenticity())
    check_component(Authenticity(Credibility(min_posts=3)))
    built = Authenticity(credibility={"type": "credibility", "params": {"min_posts": 3}})  # type: ignore[arg-type]
    assert built == Authenticity(Credibility(min_posts=3))
    with pytest.raises(ValueError, match="'credibility' parameter of Authenticity"):
        Authenticity(credibility={"type": "engagement"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'credibility' parameter of Authenticity"):
        Authenticity(credibility=3)  # type: ignore[arg-type]


def test_a_junk_repeater_keeps_at_most_half_its_score() -> None:
    posts = [
        {"time": T0 + k * 977.0, "actor": "spam", "action": "post", "post": f"s{k}",
         "text": "buy acorns"}
        for k in range(40)
    ]  # fmt: skip
    fans = [
        {"time": T0 + k * 3600.0, "actor": f"fan{k}", "action": "like", "parent": f"s{k}"}
        for k in range(10)
    ]
    events = Events.from_records(posts + fans)
    scores = Scorer().score(events)
    plain = Scorer(modifiers=[("inactivity", Inactivity())]).score(events)
    # 39 of 40 posts repeat its one answered text: junk = 39 / (39 + 1 + 3). Its clockwork
    # timing does not count against it, since ten people engage it (a daily columnist
    # posts on a clock too).
    assert scores["spam"] <= (1 - 0.5 * 39 / 43) * plain["spam"] + 1e-9
    assert "on a clock" not in scores.explain("spam").reasons["authenticity"]
    assert "repeat the same texts" in scores.explain("spam").reasons["authenticity"]
