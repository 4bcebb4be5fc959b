"""The planted attacks: the spam account, the ring, the farm and the Sybils."""

from __future__ import annotations

import numpy as np

from influence._time import DAY
from influence.datasets import FARM_TEXTS, SPAM_TEXTS, World
from influence.events.actions import FOLLOW, LIKE, POST, SHARE


def test_spam_posts_100_to_300_a_day_with_a_handful_of_texts(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    mine = (cols["actor"] == "spam") & (cols["action"] == POST)
    assert (cols["actor"] == "spam").sum() == mine.sum()  # the spam account only posts
    day = ((cols["time"][mine] - (world.end - 60 * DAY)) // DAY).astype(int)
    per_day = np.bincount(day, minlength=60)
    assert per_day.size == 60
    assert per_day.min() >= 100
    assert per_day.max() <= 300
    assert set(cols["text"][mine].tolist()) <= set(SPAM_TEXTS)
    assert len(set(cols["text"][mine].tolist())) <= 5


def test_ring_members_share_each_others_every_post_within_minutes(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    ring = list(world.ring)
    created = dict(zip(cols["post"][cols["post"] != ""].tolist(), cols["time"][cols["post"] != ""]))
    posts = (cols["action"] == POST) & np.isin(cols["actor"], ring)
    assert posts.sum() > 100
    shares = (
        (cols["action"] == SHARE) & np.isin(cols["actor"], ring) & np.isin(cols["target"], ring)
    )
    delay = cols["time"][shares] - np.array([created[p] for p in cols["parent"][shares].tolist()])
    fast = delay < 6 * 3600
    assert np.median(delay) < 600
    assert np.quantile(delay, 0.9) < 1800
    # every ring post half a day old is shared within hours by every other member
    old = posts & (cols["time"] < world.end - 12 * 3600)
    sharers: dict[str, set[str]] = {p: set() for p in cols["post"][old].tolist()}
    for post, sharer in zip(
        cols["parent"][shares][fast].tolist(), cols["actor"][shares][fast].tolist()
    ):
        sharers.setdefault(post, set()).add(sharer)
    for post, author in zip(cols["post"][old].tolist(), cols["actor"][old].tolist()):
        assert sharers[post] == set(ring) - {author}
    # and ring members are otherwise ordinary: they get genuine engagement too
    from_genuine = np.isin(cols["target"], ring) & np.isin(cols["actor"], world.accounts("genuine"))
    assert len(set(cols["target"][from_genuine].tolist())) >= len(ring) // 2


def test_farm_and_sybils_are_fresh_and_single_minded(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    farm, sybils = world.accounts("farm"), world.accounts("sybil")
    for accounts, within in ((farm, 10), (sybils, 8)):
        own = np.isin(cols["actor"], accounts)
        first = {u: np.inf for u in accounts}
        for user, t in zip(cols["actor"][own].tolist(), cols["time"][own].tolist()):
            first[user] = min(first[user], t)
        assert min(first.values()) >= world.end - within * DAY
        assert max(first.values()) <= world.end
        assert not np.isin(cols["target"], accounts).any()  # nobody engages them
    # Sybils: created in a burst, follow and like the target, nothing else
    own = np.isin(cols["actor"], sybils)
    assert set(cols["target"][own].tolist()) == {world.sybil_target}
    assert set(cols["action"][own].tolist()) == {FOLLOW, LIKE}
    follows = own & (cols["action"] == FOLLOW)
    assert follows.sum() == len(sybils)
    assert np.ptp(cols["time"][follows]) <= 6 * 3600 + 3600
    assert world.truth[world.sybil_target] < np.median(list(world.truth.values()))
    # Farm: the spam account's every later post, plus a little camouflage
    own = np.isin(cols["actor"], farm)
    engaged = own & (cols["action"] != POST)
    assert np.mean(cols["target"][engaged] == "spam") > 0.98
    assert set(cols["text"][own & (cols["action"] == POST)].tolist()) <= set(FARM_TEXTS)
