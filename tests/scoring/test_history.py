"""Scorer.history: each date's scores are exactly those of Scorer.score at that date."""

from __future__ import annotations

import datetime
import math
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _history_log import DAY, T0, long_log
from influence import Events, Scorer, Scores
from influence.components import DistinctEngagers, Inactivity
from influence.scoring.history import MAX_DATES, every_seconds
from influence.scoring.history_result import History, Rise

USERS = ["ann", "bob", "cy", "dee", "eve", "fay"]
ACTIONS = ["post", "reply", "share", "like", "mention", "follow"]


def plain_signal(events: Events, *, as_of: float) -> Any:
    """A third-party signal with no declared lookback: it reads all history."""
    received = events.target[(events.target >= 0) & (events.time <= as_of)]
    return np.log1p(np.bincount(received, minlength=events.n_users).astype(np.float64))


SCORERS = {
    "house": Scorer(),
    "trending": Scorer.trending(),
    "custom": Scorer(
        signals=[("engagers", DistinctEngagers(7)), ("plain", plain_signal)],
        modifiers=[("inactivity", Inactivity())],
    ),
}


def assert_same(got: Scores, want: Scores) -> None:
    """Users, scores, parts and every part's evidence equal to 1e-9."""
    assert np.array_equal(got.users.ids, want.users.ids)
    assert got.as_of == want.as_of
    assert got.part_names == want.part_names
    np.testing.assert_allclose(got.values, want.values, rtol=0, atol=1e-9)
    for name in want.part_names:
        np.testing.assert_allclose(got.parts[name], want.parts[name], rtol=0, atol=1e-9)
        mine, theirs = got.evidence[name], want.evidence[name]
        np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=1e-9)
        assert mine.details.keys() == theirs.details.keys()
        for fact in theirs.details:
            np.testing.assert_allclose(
                mine.details[fact], theirs.details[fact], rtol=0, atol=1e-9, err_msg=fact
            )


def assert_exact(history: History, scorer: Scorer, events: Events) -> None:
    for when, scores in history:
        assert_same(scores, scorer.score(events, as_of=when))


@pytest.mark.parametrize("name", sorted(SCORERS))
def test_each_date_is_exactly_a_scoring_at_that_date(name: str) -> None:
    events, scorer = long_log(), SCORERS[name]
    history = scorer.history(events, start=T0 + 150 * DAY, every="31D")
    assert len(history) >= 8  # dates past the 180-day lookback, and in the quiet month
    assert_exact(history, scorer, events)


def test_dates_before_the_first_event_have_no_users() -> None:
    events = long_log(days=30, n=500)
    history = Scorer().history(events, start=T0 - 2 * DAY, every="1D")
    assert len(history.scores[0]) == 0
    assert len(history.scores[-1]) == events.n_users
    assert_exact(history, Scorer(), events)


@st.composite
def event_logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Small logs over 40 days: every action, replies to posts, ties in time."""
    records: list[dict[str, Any]] = []
    posts: list[tuple[str, str]] = []
    for k in range(draw(st.integers(1, 30))):
        actor, action = draw(st.sampled_from(USERS)), draw(st.sampled_from(ACTIONS))
        record: dict[str, Any] = {
            "time": T0 + draw(st.integers(0, 40 * 24)) * 3600,
            "actor": actor,
            "action": action,
        }
        if action == "post":
            record["post"] = f"p{k}"
            posts.append((f"p{k}", actor))
        elif action in ("reply", "share", "like") and posts and draw(st.booleans()):
            record["parent"], record["target"] = draw(st.sampled_from(posts))
        else:
            record["target"] = draw(st.sampled_from(USERS))
        records.append(record)
    return records


@settings(max_examples=25, deadline=None)
@given(event_logs(), st.randoms(use_true_random=False))
def test_history_is_exact_and_ignores_the_order_of_rows(
    records: list[dict[str, Any]], rnd: random.Random
) -> None:
    events = Events.from_records(records)
    history = Scorer().history(events, every="5D")
    assert_exact(history, Scorer(), events)
    shuffled = records[:]
    rnd.shuffle(shuffled)
    again = Scorer().history(Events.from_records(shuffled), every="5D")
    assert np.array_equal(again.dates, history.dates)
    for (_, one), (_, other) in zip(history, again):
        assert one.to_dict() == other.to_dict()


@settings(max_examples=25, deadline=None)
@given(event_logs(), event_logs(), st.integers(0, 40))
def test_events_after_a_date_never_change_its_scores(
    past: list[dict[str, Any]], future: list[dict[str, Any]], cut_days: int
) -> None:
    cut = T0 + cut_days * DAY
    before = [r for r in past if r["time"] <= cut]
    later = [  # all after the cut: engagement from the same people, and newcomers
        {"time": r["time"] + cut + 1 - T0, "actor": r["actor"], "action": "like", "target": t}
        for r, t in zip(future, ["ann", "newcomer"] * len(future))
    ]
    if not before:
        return
    alone = Scorer().history(Events.from_records(before), end=cut, every="3D")
    grown = Scorer().history(Events.from_records(before + later), end=cut, every="3D")
    assert np.array_equal(alone.dates, grown.dates)
    for (_, one), (_, other) in zip(alone, grown):
        assert_same(other, one)


def test_dates_default_from_the_data_and_end_on_the_last_event() -> None:
    events = long_log(days=20, n=300)
    history = Scorer().history(events, every="7D")
    assert history.dates[-1] == events.end
    assert history.dates[0] >= events.start > history.dates[0] - 7 * DAY
    assert np.allclose(np.diff(history.dates), 7 * DAY)
    empty = Scorer().history(Events.empty())
    assert len(empty) == 0
    assert repr(empty) == "<History: no dates>"


@pytest.mark.parametrize(
    ("every", "seconds"),
    [
        ("1D", DAY),
        ("7D", 7 * DAY),
        ("12h", 12 * 3600),
        (" 30min", 1800),
        ("1.5h", 5400),
        ("2W", 14 * DAY),
        ("1d", DAY),
        ("1H", 3600),
        ("1 day", DAY),
        ("3 hours", 3 * 3600),
        ("2 weeks", 14 * DAY),
        (datetime.timedelta(hours=6), 6 * 3600),
        (90, 90),
        (0.5, 0.5),
    ],
)
def test_every_takes_text_timedeltas_and_seconds(every: Any, seconds: float) -> None:
    assert every_seconds("Scorer.history", every) == seconds


@pytest.mark.parametrize(
    "every", ["1 month", "1 fortnight", "D", "-1D", "0h", 0, -5, True, None, math.inf]
)
def test_a_bad_every_names_the_parameter_the_choices_and_the_value(every: Any) -> None:
    with pytest.raises(ValueError, match=r"'every' parameter of Scorer.history") as info:
        Scorer().history(long_log(days=5, n=50), every=every)
    assert "'1D'" in str(info.value)
    assert repr(every) in str(info.value)


def test_bad_spans_are_refused_with_the_parameter_named() -> None:
    events = long_log(days=5, n=50)
    with pytest.raises(ValueError, match=r"'start' parameter.*at or before 'end'"):
        Scorer().history(events, start=T0 + 9 * DAY, end=T0)
    with pytest.raises(ValueError, match=f"at most {MAX_DATES:,}"):
        Scorer().history(events, every="1s")
    with pytest.raises(ValueError, match=r"'end' parameter.*at or after the first event"):
        Scorer().history(events, end=events.start - DAY)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"influence.Events"):
        Scorer().history(events.to_records())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'progress' parameter"):
        Scorer().history(events, progress="yes")


def ramp() -> Events:
    """ann posts once; a new fan likes her post every day; bob joins on day 5."""
    records = [{"time": T0, "actor": "ann", "action": "post", "post": "p"}]
    records += [
        {"time": T0 + d * DAY, "actor": f"fan{d}", "action": "like", "target": "ann", "parent": "p"}
        for d in range(1, 15)
    ]
    records.append({"time": T0 + 5 * DAY, "actor": "bob", "action": "mention", "target": "cy"})
    return Events.from_records(records)


def test_delta_is_the_change_since_days_before_and_nan_for_newcomers() -> None:
    events = ramp()
    history = Scorer().history(events, every="1D")
    for days in (1, 7):
        delta = history.delta(days)
        now, then = Scorer().score(events), Scorer().score(events, as_of=events.end - days * DAY)
        assert delta["ann"] == pytest.approx(now["ann"] - then["ann"], abs=1e-9)
        assert set(delta) == set(now)
    assert math.isnan(history.delta(14)["bob"])
    assert not math.isnan(history.delta(7)["bob"])
    at = T0 + 6 * DAY
    assert math.isnan(history.delta(1, at=at)["fan6"])
    with pytest.raises(ValueError, match=r"'days' parameter of History.delta"):
        history.delta(30)
    with pytest.raises(ValueError, match=r"'days' parameter of History.delta"):
        history.delta(0.5)
    with pytest.raises(ValueError, match="'at' parameter of History"):
        history.delta(1, at=T0 + 0.5 * DAY)


def test_rising_lists_who_rose_most_with_the_parts_that_moved_and_why() -> None:
    events = ramp()
    history = Scorer().history(events, every="1D")
    rises = history.rising(n=3, days=7)
    assert rises
    assert rises[0].user == "ann"
    changes = [r.change for r in rises]
    assert changes == sorted(changes, reverse=True)
    assert all(c > 0 for c in changes)
    top = rises[0]
    assert isinstance(top, Rise)
    assert sum(top.parts.values()) == pytest.approx(top.change, abs=1e-9)
    assert top.after - top.before == pytest.approx(top.change, abs=1e-12)
    now = Scorer().score(events).explain("ann")
    assert top.reasons[0].startswith("+")
    assert " engagement: " in top.reasons[0]
    assert now.reasons["engagement"] in top.reasons[0]
    assert "ann" in str(top)
    assert top.reasons[0] in str(top)
    assert history.rising(n=0) == []
    with pytest.raises(ValueError, match=r"'n' parameter of History.rising"):
        history.rising(n=-1)


def test_series_scores_at_and_posts() -> None:
    events = ramp()
    history = Scorer().history(events, every="1D")
    series = history.series("bob")
    assert set(series) == {"time", "score", *history.part_names}
    early = series["time"] < T0 + 5 * DAY
    assert np.isnan(series["score"][early]).all()
    assert not np.isnan(series["score"][~early]).any()
    ann = history.series("ann")
    at = history.dates[3]
    assert ann["score"][3] == Scorer().score(events, as_of=at)["ann"]
    assert history.scores_at(at) is history.scores[3]
    assert history.scores_at(datetime.datetime.fromtimestamp(at, tz=datetime.timezone.utc))[
        "ann"
    ] == pytest.approx(ann["score"][3])
    with pytest.raises(ValueError, match="'date' parameter of History must be one of its dates"):
        history.scores_at(at + 1)
    with pytest.raises(KeyError, match="nobody"):
        history.series("nobody")
    assert history.posts("ann").tolist() == [T0]
    assert history.posts("bob").size == 0
    assert history.posts("nobody").size == 0


def test_long_table_as_records_and_frame() -> None:
    events = ramp()
    history = Scorer().history(events, every="7D")
    records = history.to_records()
    assert len(records) == sum(len(s) for s in history.scores)
    assert list(records[0])[:3] == ["user", "time", "score"]
    assert set(records[0]) == {"user", "time", "score", *history.part_names}
    last = [r for r in records if r["time"] == history.dates[-1]]
    assert {r["user"]: r["score"] for r in last} == history.scores[-1].to_dict()
    pd = pytest.importorskip("pandas")
    frame = history.to_pandas()
    assert list(frame.columns) == ["user", "time", "score", *history.part_names]
    assert len(frame) == len(records)
    assert frame["time"].iloc[-1] == pd.Timestamp(history.dates[-1], unit="s", tz="UTC")
    assert frame["score"].tolist() == [r["score"] for r in records]


def test_history_is_immutable_and_its_display_escapes_ids() -> None:
    events = Events.from_records(
        [
            {"time": T0, "actor": "<b>x</b>", "action": "like", "target": "<script>y"},
            {"time": T0 + DAY, "actor": "z", "action": "like", "target": "<script>y"},
        ]
    )
    history = Scorer().history(events, every="1D")
    page = history._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;y" in page
    assert "<b>x</b>" not in page
    assert "Δ day" in page
    assert "Δ week" not in page
    with pytest.raises(AttributeError):
        history.dates = np.zeros(2)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        history.dates[0] = 0.0
    assert "2 dates" in repr(history)
    assert "every 1 day" in repr(history)
    forged = Events.from_records(
        [
            {"time": T0, "actor": "a", "action": "like", "target": "v\u2028  +99.0 fake"},
            {"time": T0 + DAY, "actor": "b", "action": "like", "target": "v\u2028  +99.0 fake"},
        ]
    )
    rise = Scorer().history(forged, every="1D").rising(days=1)[0]
    assert "\u2028" not in str(rise)  # the id cannot start a line of its own
    assert str(rise).count("\n") == len(rise.reasons)


def test_change_is_one_users_delta_at_every_date() -> None:
    history = Scorer().history(ramp(), every="1D")
    with pytest.raises(ValueError, match=r"no date has one 30 days before it"):
        history.change("ann", 30)  # a 15-day history, as delta(30) is refused
    for days in (1, 7):
        change = history.change("ann", days)
        assert change.shape == history.dates.shape
        for k, when in enumerate(history.dates.tolist()):
            try:
                want = history.delta(days, at=when)["ann"]
            except ValueError:  # the date days before is not in the history
                want = math.nan
            assert change[k] == pytest.approx(want, abs=1e-12, nan_ok=True)
    assert np.isnan(history.change("bob", 1)[:6]).all()
    with pytest.raises(ValueError, match=r"'days' parameter of History.change"):
        history.change("ann", 0)


# --------------------------------------------------------------------------- some users only
def test_a_history_of_some_users_is_the_whole_history_restricted_to_them() -> None:
    events = long_log(days=60, n=1_500, users=40, seed=3)
    # The user of the latest event first acts late: absent from the early dates.
    late = events.users.ids[events.actor[-1]]
    watched = [int(events.users.ids[0]), int(late), int(events.users.ids[7])]
    whole = Scorer().history(events, every="7D")
    some = Scorer().history(events, every="7D", users=watched)
    np.testing.assert_array_equal(some.dates, whole.dates)
    assert set(some.users.ids.tolist()) == set(watched)
    for all_of_them, these in zip(whole.scores, some.scores):
        assert set(these.users.ids.tolist()) == set(watched) & set(all_of_them.users.ids.tolist())
        for user in these.users.ids.tolist():
            assert these[user] == all_of_them[user]
            assert these.explain(user).parts == all_of_them.explain(user).parts
            assert these.explain(user).reasons == all_of_them.explain(user).reasons
    for days in (7, 14):
        assert some.delta(days=days) == {u: whole.delta(days=days)[u] for u in watched}


def test_users_that_have_no_event_are_named() -> None:
    events = long_log(days=30, n=500, users=20, seed=1)
    with pytest.raises(ValueError, match=r"'users' parameter of Scorer.history .* 1 of them "):
        Scorer().history(events, users=[int(events.users.ids[0]), 10**9])
    with pytest.raises(TypeError, match=r"collection of user ids .* pass \['ann'\]"):
        Scorer().history(events, users="ann")
