"""How far back components read (``lookback_days``): declared, and true of every output.

A component's output at ``as_of`` must depend only on the events in
``(as_of - lookback_days, as_of]``: padding a log with any events before that changes
nothing for the users of the recent events (nor, for a discount, the weight of any
recent event). That is what lets ``read_duckdb(..., scorer=...)`` read a window and give
the whole log's scores (tests/engines/test_duckdb.py).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer
from influence.components import (
    Activity,
    Authenticity,
    Authority,
    Credibility,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Momentum,
    Reciprocity,
)
from influence.components.base import lookback_of, role_of

DAY = 86_400.0
HOUR = 3_600.0
AS_OF = 1_750_000_000.0
USERS = ["ann", "bob", "cy", "dee", "eve", "fay"]
ACTIONS = ["post", "reply", "share", "like", "mention", "follow"]

SHORT = Credibility(window_days=10, half_life_days=3, burst_days=3, cohort_days=1)
COMPONENTS: list[Any] = [
    Engagement(),
    Engagement(window_days=10, half_life_days=3),
    DistinctEngagers(window_days=10),
    Activity(window_days=10, half_life_days=3),
    Longevity(),
    Longevity(window_days=10, half_life_days=3, tau_days=0.5),
    Momentum(),
    Reciprocity(window_days=10, half_life_days=3, fast_minutes=600),
    Credibility(),
    SHORT,
    Authenticity(SHORT),
    Inactivity(),
    Inactivity(history_days=20, half_life_days=5),
    Authority(window_days=10, half_life_days=3),
    Authority(window_days=10, half_life_days=3, teleport=Authenticity(SHORT)),
]


def _record(
    k: int, time: float, actor: str, action: str, posts: list[tuple[str, str]], data: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {"time": time, "actor": actor, "action": action}
    if action == "post":
        record["post"] = f"p{k}"
        posts.append((f"p{k}", actor))
    elif action in ("reply", "share", "like") and posts and data.draw(st.booleans()):
        pid, author = data.draw(st.sampled_from(posts))
        record["parent"] = pid
        record["target"] = author
    else:
        record["target"] = data.draw(st.sampled_from(USERS))
    return record


def padded_log(data: Any, days: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Recent records, in ``(AS_OF - days, AS_OF]``, and earlier ones (up to two lookbacks
    before it, and exactly at its start): earlier posts that recent events engage, users
    who were active long ago, accounts first seen before the window. Every time is
    distinct, so that a row is known by its time."""
    span = min(days, 400.0) * DAY
    start = AS_OF - days * DAY
    posts: list[tuple[str, str]] = []
    earlier: list[dict[str, Any]] = []
    for k in range(data.draw(st.integers(0, 30))):
        back = 0.0 if k == 0 else data.draw(st.integers(0, 1000)) / 1000 * 2 * span
        actor, action = data.draw(st.sampled_from(USERS)), data.draw(st.sampled_from(ACTIONS))
        earlier.append(_record(k, start - back - k, actor, action, posts, data))
    recent: list[dict[str, Any]] = []
    for k in range(100, 100 + data.draw(st.integers(1, 30))):
        back = data.draw(st.integers(0, 999)) / 1000 * span
        actor, action = data.draw(st.sampled_from(USERS)), data.draw(st.sampled_from(ACTIONS))
        recent.append(_record(k, AS_OF - back - (k - 100), actor, action, posts, data))
    return recent, earlier


def assert_same_output(component: Any, recent: Events, whole: Events) -> None:
    """The component's output on *whole* equals that on *recent*: per user of *recent*,
    or per recent event for a discount."""
    got = component(whole, as_of=AS_OF)
    want = component(recent, as_of=AS_OF)
    if role_of(component) == "discount":
        cut = whole.time > AS_OF - lookback_of(component) * DAY
        assert np.array_equal(whole.time[cut], recent.time)
        np.testing.assert_allclose(got[cut], want, rtol=0, atol=1e-9)
        return
    ids = recent.users.ids
    np.testing.assert_allclose(got[whole.users.indices(ids)], want, rtol=0, atol=1e-9)


def _label(component: Any) -> str:
    return f"{type(component).__name__}-{lookback_of(component):g}d"


@pytest.mark.parametrize("component", COMPONENTS, ids=_label)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_output_depends_only_on_the_declared_lookback(component: Any, data: Any) -> None:
    recent, earlier = padded_log(data, lookback_of(component))
    assert_same_output(
        component, Events.from_records(recent), Events.from_records(recent + earlier)
    )


@pytest.mark.parametrize(
    "scorer",
    [Scorer.house(half_life_days=3, window_days=10), Scorer.trending()],
    ids=["house", "trending"],
)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_scores_depend_only_on_the_scorers_lookback(scorer: Scorer, data: Any) -> None:
    recent, earlier = padded_log(data, scorer.lookback_days)
    got = scorer.score(Events.from_records(recent + earlier), as_of=AS_OF).to_pandas()
    want = scorer.score(Events.from_records(recent), as_of=AS_OF).to_pandas()
    got, want = got.set_index("user"), want.set_index("user")
    np.testing.assert_allclose(got.loc[want.index].to_numpy(), want.to_numpy(), atol=1e-9)
    # Users seen only before the lookback have no signal left: they score 0.
    assert (got.drop(index=want.index)["score"] == 0).all()


def test_every_built_in_declares_a_finite_lookback() -> None:
    """The house parts read two windows at most, Inactivity its ``history_days``."""
    assert lookback_of(Engagement(window_days=30)) == 30
    assert lookback_of(Momentum()) == 7
    assert lookback_of(Reciprocity(window_days=30, fast_minutes=60)) == 30 + 1 / 24
    assert lookback_of(Longevity(window_days=30)) == 60
    assert lookback_of(Credibility(window_days=30)) == 60
    assert lookback_of(Authenticity(Credibility(window_days=30))) == 60
    assert lookback_of(Inactivity(history_days=365)) == 365
    assert lookback_of(Authority(window_days=30)) == 30
    assert lookback_of(Authority(window_days=30, teleport=Authenticity())) == 180


def test_a_component_that_declares_nothing_reads_all_history() -> None:
    def plain(events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)

    assert lookback_of(plain) == math.inf
    assert lookback_of(Authority(teleport=plain)) == math.inf
    assert Scorer(signals=[plain]).lookback_days == math.inf


@pytest.mark.parametrize("days", [0, -1.0, "90", True, None, float("nan")])
def test_a_lookback_that_is_not_a_positive_number_is_refused(days: Any) -> None:
    def plain(events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)

    plain.lookback_days = days  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="'lookback_days' of plain must be a positive number"):
        lookback_of(plain)


def test_an_old_post_engaged_now_is_out_of_view_for_longevity_and_inactivity() -> None:
    """The case of issue 15: a silent author whose post of long ago is liked today.

    The post is older than the lookback, so to Longevity its delay is unknown and to
    Inactivity the likes imply a post the log does not hold (they date the author): the
    whole log and the window give the same score."""
    old = AS_OF - 200 * DAY
    records = [{"time": old, "actor": "star", "action": "post", "post": "hit"}]
    records += [
        {"time": AS_OF - d * HOUR, "actor": f"fan{d}", "action": "like", "parent": "hit",
         "target": "star"}
        for d in range(1, 30)
    ]  # fmt: skip
    whole = Events.from_records(records)
    recent = Events.from_records(records[1:])
    for component in (Longevity(), Inactivity()):
        assert_same_output(component, recent, whole)
    star = whole.users.index("star")
    assert Inactivity()(whole, as_of=AS_OF)[star] == 1.0
    assert Longevity()(whole, as_of=AS_OF)[star] == 0.0


def test_accounts_active_before_the_lookback_are_judged_as_the_window_shows() -> None:
    """A Sybil cohort whose members also acted long ago (before the lookback): Credibility
    judges them on what its lookback shows, so the whole log and the window agree."""
    records: list[dict[str, Any]] = []
    for day in range(19):  # a community active over the whole lookback of 20 days
        for i, (a, b) in enumerate((("ann", "bob"), ("bob", "cy"), ("cy", "ann"))):
            records.append({"time": AS_OF - (day + 0.1 * i) * DAY, "actor": a,
                            "action": "mention", "target": b})  # fmt: skip
    for k in range(6):
        t = AS_OF - (2 - 0.1 * k) * DAY
        records.append({"time": t, "actor": "tgt", "action": "post", "post": f"t{k}"})
    for s in range(6):
        sybil = f"syb{s}"
        records.append({"time": AS_OF - 2.5 * DAY + s, "actor": sybil, "action": "follow",
                        "target": "tgt"})  # fmt: skip
        for k in range(6):
            records.append({"time": AS_OF - (2 - 0.1 * k) * DAY + 60 + s, "actor": sybil,
                            "action": "like", "parent": f"t{k}", "target": "tgt"})  # fmt: skip
    earlier = [
        {"time": AS_OF - (25 + s) * DAY, "actor": f"syb{s}", "action": "mention", "target": "ann"}
        for s in range(6)
    ]
    recent, whole = Events.from_records(records), Events.from_records(records + earlier)
    judged = SHORT(recent, as_of=AS_OF)
    assert judged[recent.actor == recent.users.index("syb0")].max() < 0.5  # a cohort, judged
    for component in (SHORT, Authenticity(SHORT)):
        assert_same_output(component, recent, whole)
