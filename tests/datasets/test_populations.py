"""The genuine populations: the curator's links and the dormant star's silence."""

from __future__ import annotations

import numpy as np

from influence._time import DAY
from influence.components import Activity
from influence.datasets import World
from influence.events.actions import FOLLOW, POST


def test_curator_posts_about_200_links_a_day_that_are_engaged_with(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    mine = (cols["actor"] == "curator") & (cols["action"] == POST)
    per_day = np.bincount(((cols["time"][mine] - (world.end - 60 * DAY)) // DAY).astype(int))
    assert per_day.size == 60
    assert 190 <= per_day.mean() <= 210
    assert 140 <= per_day.min() <= per_day.max() <= 260
    assert Activity.link_only(world.events)[mine].all()
    assert all(t.startswith("https://") for t in cols["text"][mine].tolist())
    engaged = (cols["target"] == "curator") & (cols["action"] != FOLLOW)
    engagers = set(cols["actor"][engaged].tolist())
    assert len(engagers) > 100
    assert {world.labels[u] for u in engagers} == {"genuine"}
    assert mine.sum() / 5 < engaged.sum() < mine.sum()  # a fraction of the posts


def test_dormant_star_silent_for_the_last_three_weeks(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    own = cols["actor"] == "star"
    assert own.any()
    assert cols["time"][own].max() < world.end - 21 * DAY
    assert cols["time"][own].max() > world.end - 36 * DAY
    received = (cols["target"] == "star") & (cols["action"] != FOLLOW)
    assert received.sum() > 1000  # a big audience
    assert (cols["time"][received] > world.end - 21 * DAY).any()  # a trickle of late engagement
    assert world.truth["star"] < np.median(list(world.truth.values()))
