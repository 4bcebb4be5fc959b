"""The good twins: their accounts, labels and truth, and each twin's behaviour."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from influence import Events
from influence._time import DAY
from influence.components import Activity
from influence.datasets import GENUINE_KINDS, TWINS, World, synthetic
from influence.events.actions import FOLLOW, LIKE, MENTION, POST, REPLY, SHARE

Columns = Callable[[Events], dict[str, np.ndarray]]


def digest(cols: dict[str, np.ndarray]) -> str:
    """A fingerprint of a log read as columns: every column, times to the millisecond."""
    h = hashlib.sha256()
    h.update(np.round(cols["time"], 3).tobytes())
    for name in ("actor", "action", "target", "post", "parent", "text"):
        h.update("\x00".join(map(str, cols[name].tolist())).encode())
    return h.hexdigest()[:16]


def test_twins_off_is_the_world_before_them(
    plain: World, small_args: dict[str, Any], columns: Columns, twin_labels: set[str]
) -> None:
    # Pinned from the generator before the twins existed: with twins=False nothing moved.
    small = synthetic(seed=0, **small_args, twins=False)
    assert small.twins == {}
    assert set(small.labels.values()).isdisjoint(twin_labels)
    assert (len(small.events), len(small.labels), len(small.truth)) == (29_749, 173, 112)
    assert digest(columns(small.events)) == "128df00ff263cc4c"
    assert round(sum(small.truth.values()), 6) == 53.086077
    assert round(sum(small.quality.values()), 6) == 149.805727
    assert len(plain.events) == 177_161
    assert digest(columns(plain.events)) == "1b9c8bb4f124198b"


def test_twins_only_add_their_own_accounts_and_events(
    world: World, cols: dict[str, np.ndarray], plain: World, columns: Columns
) -> None:
    twin_ids = [u for ids in world.twins.values() for u in ids]
    assert set(twin_ids) == set(world.labels) - set(plain.labels)
    assert {u: world.labels[u] for u in plain.labels} == plain.labels
    assert {u: world.truth[u] for u in plain.truth} == plain.truth
    assert {u: world.quality[u] for u in plain.quality} == plain.quality
    # Every event without a twin in it is an event of the plain world, in the same order.
    other = ~(np.isin(cols["actor"], twin_ids) | np.isin(cols["target"], twin_ids))
    before = columns(plain.events)
    for name, values in before.items():
        assert np.array_equal(cols[name][other], values), name
    assert int((~other).sum()) == len(world.events) - len(plain.events) > 5000


def test_twin_accounts_labels_and_truth(world: World, twin_labels: set[str]) -> None:
    assert tuple(world.twins) == TWINS
    assert world.twins["broadcaster"] == ("broadcaster0", "broadcaster1")
    assert world.twins["burst_poster"] == ("burst",)
    assert world.twins["partners"] == ("partner0", "partner1", "partner2", "partner3")
    assert world.twins["recipient"] == ("recipient0", "recipient1", "recipient2")
    assert (world.twins["viral"], world.twins["link_poster"]) == (("viral",), ("links",))
    assert world.twins["community"] == ("host",)
    assert len(world.twins["newcomer"]) == 300
    assert len(world.twins["member"]) == 25
    for key, ids in world.twins.items():
        label = "volume" if key == "burst_poster" else key
        assert list(ids) == world.accounts(label)
    assert {world.labels[u] for ids in world.twins.values() for u in ids} == twin_labels
    assert twin_labels - {"volume"} < set(GENUINE_KINDS)
    assert "burst" not in world.truth
    assert {world.truth[u] for u in world.twins["newcomer"]} == {0.0}
    assert world.truth["broadcaster0"] > world.truth["links"] > world.truth["host"]
    assert world.truth["host"] > world.truth["viral"] > world.truth["partner0"]


def own(cols: dict[str, np.ndarray], user: str) -> np.ndarray:
    return np.asarray(cols["actor"] == user)


def day_of(world: World, times: np.ndarray) -> np.ndarray:
    return ((times - (world.end - 60 * DAY)) // DAY).astype(int)


def engagers_per_post(cols: dict[str, np.ndarray], posts: np.ndarray) -> np.ndarray:
    """Distinct engagers of each of *posts*."""
    engaged = np.isin(cols["parent"], posts)
    pairs = set(zip(cols["parent"][engaged].tolist(), cols["actor"][engaged].tolist()))
    count = dict.fromkeys(posts.tolist(), 0)
    for post, _ in pairs:
        count[post] += 1
    return np.array(list(count.values()))


def test_broadcasters_post_once_a_day_at_their_hour(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    for user in world.twins["broadcaster"]:
        mine = own(cols, user)
        assert set(cols["action"][mine].tolist()) == {POST}  # never likes, shares or replies
        times = cols["time"][mine]
        assert np.array_equal(np.bincount(day_of(world, times)), np.ones(60))
        hour = (times - world.end) % DAY
        assert np.ptp(hour) <= 8 * 3600
        assert np.ptp(hour) > 7 * 3600  # uniform over +-4 hours
        assert len(set(cols["text"][mine].tolist())) == 60
        per_post = engagers_per_post(cols, cols["post"][mine])
        assert 12 <= per_post.mean() <= 19
        received = (cols["target"] == user) & (cols["action"] != FOLLOW)
        assert {world.labels[u] for u in cols["actor"][received].tolist()} == {"genuine"}
        assert np.mean(cols["action"][received] == LIKE) > 0.6


def test_the_burst_poster_repeats_40_posts_a_day_with_one_engaged(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    mine = own(cols, "burst")
    assert set(cols["action"][mine].tolist()) == {POST}
    times, texts = cols["time"][mine], cols["text"][mine]
    day = day_of(world, times)
    assert np.array_equal(np.bincount(day), np.full(60, 40))
    for d in range(60):
        today = day == d
        assert len(set(texts[today].tolist())) == 1
        assert np.ptp(times[today]) <= 20 * 60
    engaged = set(cols["parent"][cols["target"] == "burst"].tolist())
    assert np.array_equal(
        np.bincount(day_of(world, times[np.isin(cols["post"][mine], list(engaged))])), np.ones(60)
    )
    # the same engagement a day as a broadcaster
    received = (cols["target"] == "burst").sum() / 60
    daily = (cols["target"] == "broadcaster0").sum() / 60
    assert 0.7 < received / daily < 1.4


def test_partners_reply_to_each_other_within_minutes_for_months(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    created = dict(zip(cols["post"][cols["post"] != ""].tolist(), cols["time"][cols["post"] != ""]))
    partners = world.twins["partners"]
    for a, b in ((partners[0], partners[1]), (partners[2], partners[3])):
        talk = np.isin(cols["actor"], [a, b]) & np.isin(cols["target"], [a, b])
        assert set(cols["action"][talk].tolist()) == {REPLY}
        assert (cols["actor"][talk] == a).sum() > 20
        assert (cols["actor"][talk] == b).sum() > 20
        delay = cols["time"][talk] - np.array([created[p] for p in cols["parent"][talk].tolist()])
        assert np.median(delay) < 3600
        days = np.unique(day_of(world, cols["time"][talk]))
        assert days.size >= 0.6 * 60  # every day or two, all along the log
        assert days.min() <= 3
        assert days.max() >= 56
        for user in (a, b):  # and a few others engage them
            others = (cols["target"] == user) & ~np.isin(cols["actor"], [a, b])
            assert 3 <= len(set(cols["actor"][others].tolist())) <= 8


def test_the_viral_post_brings_newcomers_who_act_once(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    newcomers = list(world.twins["newcomer"])
    theirs = np.isin(cols["actor"], newcomers)
    assert np.array_equal(np.unique(cols["actor"][theirs]), newcomers)  # each exactly once
    assert theirs.sum() == 300
    assert set(cols["parent"][theirs].tolist()) == {"viral-post"}
    assert set(cols["target"][theirs].tolist()) == {"viral"}
    assert not np.isin(cols["target"], newcomers).any()  # nobody engages them
    actions = cols["action"][theirs]
    assert set(actions.tolist()) == {LIKE, SHARE, REPLY}
    assert 0.5 < np.mean(actions == LIKE) < 0.7
    posted = cols["time"][cols["post"] == "viral-post"]
    assert posted.tolist() == [world.end - 10 * DAY]
    delay = cols["time"][theirs] - posted[0]
    assert delay.min() > 0
    assert 4 * 3600 < delay.mean() < 8 * 3600
    # an ordinary history otherwise: its other posts, engaged by genuine users
    regular = own(cols, "viral") & (cols["action"] == POST) & (cols["post"] != "viral-post")
    assert regular.sum() > 20
    assert cols["time"][regular].min() < world.end - 50 * DAY
    engaged = (cols["target"] == "viral") & ~theirs
    assert {world.labels[u] for u in cols["actor"][engaged].tolist()} == {"genuine"}


def test_recipients_receive_mentions_and_barely_act(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    for user in world.twins["recipient"]:
        received = cols["target"] == user
        assert set(cols["action"][received].tolist()) == {MENTION}
        assert set(cols["parent"][received].tolist()) == {""}
        senders = set(cols["actor"][received].tolist())
        assert 3 <= len(senders) <= 6
        assert {world.labels[u] for u in senders} == {"genuine"}
        assert received.sum() > 20
        assert np.diff(np.sort(cols["time"][received])).max() < 15 * DAY
    sent = own(cols, "recipient0")
    assert sent.sum() == 1
    assert cols["action"][sent].tolist() == [MENTION]
    assert cols["time"][sent].tolist() == [world.end - 50 * DAY]
    assert world.labels[str(cols["target"][sent][0])] == "genuine"
    assert not own(cols, "recipient1").any()
    assert not own(cols, "recipient2").any()


def test_the_link_poster_posts_distinct_links_that_are_engaged(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    mine = own(cols, "links")
    assert set(cols["action"][mine].tolist()) == {POST}
    assert 150 <= mine.sum() <= 210  # about 3 a day
    texts = cols["text"][mine].tolist()
    assert len(set(texts)) == len(texts)
    assert all(t.startswith("https://example.org/") for t in texts)
    assert Activity.link_only(world.events)[mine].all()
    assert 4 <= engagers_per_post(cols, cols["post"][mine]).mean() <= 7


def test_the_community_joins_together_and_engages_its_host_and_itself(
    world: World, cols: dict[str, np.ndarray]
) -> None:
    members = list(world.twins["member"])
    theirs = np.isin(cols["actor"], members)
    first = {u: np.inf for u in members}
    for user, t in zip(cols["actor"][theirs].tolist(), cols["time"][theirs].tolist()):
        first[user] = min(first[user], t)
    joined = np.array(list(first.values()))
    assert joined.min() >= world.end - 12 * DAY
    assert np.ptp(joined) <= 1.25 * DAY  # within a day (and the minutes to a first follow)
    assert not np.isin(cols["target"], members)[cols["time"] < joined.min()].any()
    follows = theirs & (cols["action"] == FOLLOW) & (cols["target"] == "host")
    assert sorted(cols["actor"][follows].tolist()) == members
    fellows = theirs & (cols["action"] == FOLLOW) & np.isin(cols["target"], members)
    pairs = set(zip(cols["actor"][fellows].tolist(), cols["target"][fellows].tolist()))
    assert len(pairs) == fellows.sum() == 3 * 25
    # They like and reply to the host's posts, and post and engage each other, every day.
    to_host = theirs & (cols["target"] == "host") & (cols["action"] != FOLLOW)
    assert set(cols["action"][to_host].tolist()) == {LIKE, REPLY}
    assert to_host.sum() > 30
    among = theirs & np.isin(cols["target"], members) & (cols["action"] != FOLLOW)
    assert set(cols["action"][among].tolist()) == {LIKE, REPLY}
    assert not (cols["actor"][among] == cols["target"][among]).any()
    assert np.unique(day_of(world, cols["time"][among])).size >= 10
    posts = theirs & (cols["action"] == POST)
    assert len(set(cols["actor"][posts].tolist())) == 25
    assert (among.sum() / posts.sum()) > 3
    # The host is established: it posted, and was engaged by genuine users, from the start.
    host = own(cols, "host") & (cols["action"] == POST)
    assert cols["time"][host].min() < world.end - 55 * DAY
    before = (cols["target"] == "host") & (cols["time"] < joined.min())
    assert before.sum() > 20


def test_twins_fit_in_a_short_log(columns: Columns) -> None:
    world = synthetic(seed=1, n_users=60, days=10.0, ring_size=5)
    cols = columns(world.events)
    start = world.end - 10 * DAY
    assert cols["time"].min() > start
    assert world.events.end is not None
    assert world.events.end <= world.end
    newcomers = np.isin(cols["actor"], world.twins["newcomer"])
    assert newcomers.sum() == 300  # every newcomer still inside the log
    assert cols["time"][cols["post"] == "viral-post"].tolist() == [world.end - 10 * DAY / 6]
    members = np.isin(cols["actor"], world.twins["member"])
    assert cols["time"][members].min() >= world.end - 2 * DAY
    assert len(set(cols["actor"][members].tolist())) == 25
    assert cols["time"][own(cols, "recipient0")].tolist() == [start + 10 * DAY / 6]
    for user in world.twins["broadcaster"]:
        assert (own(cols, user)).sum() == 10
    assert set(world.truth) == set(world.accounts(*GENUINE_KINDS))
