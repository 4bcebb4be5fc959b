"""A history's windows: each equal to ``until(date).compact()`` then the lookback's rows,
and each date's scores bitwise those of ``Scorer.score`` at that date."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Events, Scorer, Scores
from influence.events.base import COLUMNS
from influence.scoring.history import windows
from influence.scoring.history_windows import WindowCutter, first_rows

DAY = 86_400
T0 = 1_700_000_000


def mixed_log(seed: int, n: int = 1_500, days: int = 300, trust: bool = False) -> Events:
    """Text ids that sort apart from their first appearance, posts, texts, topics,
    platforms, self-interactions and exact duplicate rows, over more days than the house
    scorer's lookback (so that windows drop their oldest rows)."""
    rng = np.random.default_rng(seed)
    users = np.array([f"u{k:03d}" for k in rng.permutation(90)], dtype=object)
    time = T0 + np.sort(rng.integers(0, days * DAY, n)).astype(np.float64)
    time[rng.random(n) < 0.1] = T0  # ties at the start
    time.sort()
    actor = users[(rng.pareto(1.3, n) * 6).astype(np.int64) % users.size]
    target = np.array([users[k] for k in rng.integers(0, users.size, n)], dtype=object)
    action = rng.choice(["post", "reply", "share", "like", "mention"], n)
    target[action == "post"] = None
    selfish = rng.random(n) < 0.03
    target[selfish & (action != "post")] = actor[selfish & (action != "post")]
    post = np.array(
        [
            f"p{k}" if a in ("post", "reply", "share") else None
            for k, a in zip(rng.permutation(n), action)
        ],
        dtype=object,
    )
    # Answers name a recent post (rows are in time order), a few any post at all: one
    # made long before (beyond the lookback) or after.
    parent = np.array([None] * n, dtype=object)
    posted = np.flatnonzero(post != None)  # noqa: E711
    answers = np.flatnonzero(action != "post")
    recent = np.searchsorted(posted, answers) - 1 - rng.integers(0, 15, answers.size)
    anywhere = rng.integers(0, posted.size, answers.size)
    chosen = np.where(rng.random(answers.size) < 0.01, anywhere, np.maximum(recent, 0))
    parent[answers] = post[posted[chosen]]
    text = np.array(
        [["hi", "https://x.y", None, "more words"][k] for k in rng.integers(0, 4, n)], dtype=object
    )
    platform = np.array(["a", "b"], dtype=object)[rng.integers(0, 2, n)]
    topics = [[["ai"], ["ai", "ml"], None, ["news"]][k] for k in rng.integers(0, 4, n)]
    columns: dict[str, Any] = dict(
        time=time,
        actor=actor,
        action=action,
        target=target,
        post=post,
        parent=parent,
        text=text,
        platform=platform,
        topics=topics,
    )
    # Exact duplicates: some rows without a post id repeated right after themselves.
    twice = np.flatnonzero((post == None) & (rng.random(n) < 0.05))  # noqa: E711
    order = np.sort(np.concatenate([np.arange(n), twice]))
    repeated = {k: [v[i] for i in order] for k, v in columns.items()}
    events = Events.from_arrays(**repeated, errors="skip")
    if trust:
        events = events.with_trust(np.random.default_rng(seed).random(len(events)))
    return events


def cut_as_score_cuts(events: Events, when: float, first: int) -> Events:
    """The window as ``Scorer.score`` cuts the table, then the rows a history keeps: those
    from *first* on, and the older ones that name a post those name (found row by row)."""
    scored = events.until(when).compact()
    post, parent = scored.post.tolist(), scored.parent.tolist()
    named = (set(post[first:]) | set(parent[first:])) - {-1}
    keep = np.array(
        [r >= first or post[r] in named or parent[r] in named for r in range(len(scored))],
        dtype=bool,
    )
    return scored if keep.all() else scored.select(keep)


def test_first_rows_finds_the_first_row_mentioning_each_code() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(-1, 30, 200), rng.integers(-1, 30, 200)
    got = first_rows(31, 200, a, b)
    for code in range(31):
        rows = np.flatnonzero((a == code) | (b == code))
        assert got[code] == (rows[0] if rows.size else 200)


@pytest.mark.parametrize(("seed", "trust"), [(0, False), (1, True), (2, False)])
def test_each_window_is_the_table_until_its_date_compacted(seed: int, trust: bool) -> None:
    events = mixed_log(seed, trust=trust)
    assert events.report().get("exact duplicate (kept)", 0) > 0
    assert len(events.texts)
    assert len(events.topic_sets)
    assert len(events.platforms) == 2
    dates = np.linspace(float(events.time[0]) - DAY, float(events.time[-1]), 40)
    cutter = WindowCutter(events)
    spans = windows(events, dates, Scorer().lookback_days)
    assert any(first > 0 for first, _ in spans)
    assert any(cutter.older(first, stop).size for first, stop in spans)
    assert any(first == 0 for first, _ in spans)
    for when, (first, stop) in zip(dates.tolist(), spans):
        got, want = cutter.window(first, stop), cut_as_score_cuts(events, when, first)
        assert got == want
        assert got.report() == want.report()  # the exact duplicates it holds, too
        for name in COLUMNS:
            assert getattr(got, name).dtype == getattr(want, name).dtype
        assert got.texts == want.texts
        assert got.topic_sets == want.topic_sets
        assert np.array_equal(got.posts.ids, want.posts.ids)


def test_the_whole_table_is_its_own_last_window() -> None:
    events = Events.from_records(
        [
            {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
            {"time": 5, "actor": "cy", "action": "like", "target": "ann"},
        ]
    )
    assert WindowCutter(events).window(0, 2) is events  # its memo is shared


def assert_bitwise(got: Scores, want: Scores) -> None:
    """Users, scores, parts and every array of every part's evidence bit for bit."""
    assert np.array_equal(got.users.ids, want.users.ids)
    assert got.as_of == want.as_of
    assert got.part_names == want.part_names
    np.testing.assert_array_equal(got.values, want.values, strict=True)
    for name in want.part_names:
        np.testing.assert_array_equal(got.parts[name], want.parts[name], strict=True)
        mine, theirs = got.evidence[name], want.evidence[name]
        np.testing.assert_array_equal(mine.values, theirs.values, strict=True)
        assert mine.details.keys() == theirs.details.keys()
        for fact, value in theirs.details.items():
            np.testing.assert_array_equal(mine.details[fact], value, err_msg=fact, strict=True)


@pytest.mark.parametrize(("seed", "trust"), [(3, False), (4, True)])
def test_every_date_of_a_history_is_bitwise_a_scoring_at_that_date(seed: int, trust: bool) -> None:
    events = mixed_log(seed, n=2_500, days=320, trust=trust)
    scorer = Scorer()
    history = scorer.history(events, start=float(events.time[0]) + 20 * DAY, every="23D")
    assert len(history) >= 12
    for when, scores in history:
        assert_bitwise(scores, scorer.score(events, as_of=when))


def test_a_window_reaches_back_to_the_posts_its_rows_name() -> None:
    day0 = {"time": T0, "actor": "ann", "action": "post", "post": "a1"}
    early = {"time": T0 + DAY, "actor": "cy", "action": "like", "target": "ann", "parent": "a1"}
    rows = [day0, early]
    rows += [  # a steady stream of others' likes, so that old rows fall out of the lookback
        {"time": T0 + d * DAY, "actor": f"fan{d % 7}", "action": "like", "target": "dee"}
        for d in range(2, 260)
    ]
    rows.append(  # a reply, 250 days on, to ann's old post
        {
            "time": T0 + 250 * DAY,
            "actor": "bob",
            "action": "reply",
            "target": "ann",
            "parent": "a1",
            "post": "b1",
        }
    )
    events = Events.from_records(rows)
    scorer = Scorer()
    dates = np.array([T0 + 240 * DAY, T0 + 255 * DAY])
    (first, stop), (later, end) = windows(events, dates, scorer.lookback_days)
    assert first > 2
    assert later > 2
    cutter = WindowCutter(events)
    assert cutter.older(first, stop).size == 0
    assert cutter.older(later, end).tolist() == [0, 1]  # the post and its first like
    history = scorer.history(events, start=float(dates[0]), end=float(dates[1]), every="15D")
    for when, scores in history:
        assert_bitwise(scores, scorer.score(events, as_of=when))
