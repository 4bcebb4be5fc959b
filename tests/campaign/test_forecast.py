"""The forecast: no look at the future, order invariance, monotone evidence, the defences."""

from __future__ import annotations

import os
import random
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events
from influence.campaign import ForecastWarning, forecast, select
from influence.campaign.forecast import fit
from influence.campaign.pairgroups import sorted_pairs
from influence.datasets import World, load_collegemsg, synthetic
from influence.events.timeparse import to_epoch

DAY = 86_400.0
AS_OF = 60 * DAY


@cache
def plain() -> World:
    return synthetic(seed=1)


@cache
def bought() -> World:
    return synthetic(seed=1, farm_customers=8)


def records(seed: int) -> list[dict[str, object]]:
    """Sixty days of engagement among 25 people and 6 accounts, some pairs returning."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for _ in range(120):
        rows.append(
            {
                "time": float(rng.randrange(60 * 24)) * 3600.0,
                "actor": f"p{rng.randrange(25)}",
                "action": rng.choice(["like", "share", "reply", "mention"]),
                "target": f"a{rng.randrange(6)}",
            }
        )
    return rows


def alone(events: Events, user: str, **options: object) -> float:
    seen = forecast(events, as_of=AS_OF, horizon_days=10, **options)
    return float(seen.expected()[seen.users.index(user)])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1_000), st.integers(1, 5))
def test_events_after_as_of_change_nothing(seed: int, later: int) -> None:
    rows = records(seed)
    future = [
        {"time": AS_OF + i * 3600.0, "actor": f"p{i}", "action": "reply", "target": "a0"}
        for i in range(1, later + 1)
    ]
    one = forecast(Events.from_records(rows), as_of=AS_OF, horizon_days=10)
    two = forecast(Events.from_records(rows + future), as_of=AS_OF, horizon_days=10)
    assert np.array_equal(one.model.thresholds, two.model.thresholds)
    assert np.array_equal(one.model.probabilities, two.model.probabilities)
    assert np.array_equal(one.model.arrivals, two.model.arrivals)
    assert one.model.newcomer_cap == two.model.newcomer_cap
    assert np.array_equal(one.newcomers, two.newcomers)
    assert (one.chance != two.chance).nnz == 0
    picked = select(Events.from_records(rows), k=3, as_of=AS_OF, horizon_days=10)
    again = select(Events.from_records(rows + future), k=3, as_of=AS_OF, horizon_days=10)
    assert picked.users == again.users
    assert picked.gains.tolist() == again.gains.tolist()


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1_000), st.integers(0, 1_000))
def test_same_forecast_whatever_the_order_of_rows(seed: int, shuffle: int) -> None:
    rows = records(seed)
    mixed = rows[:]
    random.Random(shuffle).shuffle(mixed)
    one = forecast(Events.from_records(rows), horizon_days=10)
    two = forecast(Events.from_records(mixed), horizon_days=10)
    assert (one.chance != two.chance).nnz == 0
    assert np.array_equal(one.newcomers, two.newcomers)
    picked = select(Events.from_records(rows), k=3, frequency=2, horizon_days=10)
    again = select(Events.from_records(mixed), k=3, frequency=2, horizon_days=10)
    assert picked.users == again.users
    assert picked.gains.tolist() == again.gains.tolist()
    assert np.array_equal(picked.overlap, again.overlap)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 1_000), st.integers(0, 5), st.integers(0, 40), st.booleans())
def test_more_genuine_engagement_never_lowers_an_accounts_expected_reach(
    seed: int, who: int, fan: int, fixed: bool
) -> None:
    # One more reply at as_of, by a known engager or a newcomer: the account's expected
    # reach alone never drops, with the calibration refitted or held fixed.
    rows = records(seed)
    account = f"a{who}"
    before = Events.from_records(rows)
    more = Events.from_records(
        [*rows, {"time": AS_OF, "actor": f"p{fan}", "action": "reply", "target": account}]
    )
    seen = forecast(before, as_of=AS_OF, horizon_days=10)
    options = {"model": seen.model} if fixed else {}
    old = float(seen.expected()[seen.users.index(account)]) if account in seen.users else 0.0
    assert alone(more, account, **options) >= old - 1e-9


def test_the_return_map_is_monotone_and_learnt_from_the_past_only() -> None:
    # Two kinds of pairs: daily correspondents, who keep writing, and one-off likers,
    # who never come back. The fitted map gives the first a high chance, the second none.
    rng = random.Random(0)  # at irregular hours: clockwork timing is a bot's
    rows = [
        {
            "time": d * DAY + rng.uniform(0, DAY - 60),
            "actor": f"friend{i}",
            "action": "reply",
            "target": "ann",
            "text": f"reply {d} {i}",
        }
        for d in range(60)
        for i in range(5)
    ]
    rows += [
        {"time": d * DAY + 30.0, "actor": f"once{d}", "action": "like", "target": "ann"}
        for d in range(60)
    ]
    seen = forecast(Events.from_records(rows), horizon_days=10)
    model = seen.model
    assert model.calibrated
    assert np.all(np.diff(model.probabilities) >= 0)
    ann = seen.users.index("ann")
    friend = seen.users.index("friend0")
    assert seen.exposure[ann, friend] > 0.5
    assert seen.chance[ann, friend] == pytest.approx(seen.exposure[ann, friend])  # p = 1
    late = max(seen.users.index(f"once{d}") for d in (58, 59))
    assert seen.chance[ann, late] == pytest.approx(0.0)
    # One newcomer a day: about ten expected in the next ten days.
    assert 5.0 <= seen.newcomers[ann] <= 15.0


def test_without_a_past_to_calibrate_on_it_warns_forecasts_nothing_and_covers() -> None:
    rows = [{"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"} for t in range(6)]
    events = Events.from_records(rows)
    with pytest.warns(ForecastWarning, match="too little before as_of"):
        seen = forecast(events)
    assert not seen.model.calibrated
    assert seen.newcomers.sum() == 0.0
    assert seen.chance.sum() == 0.0  # never p = 1 for want of data
    with pytest.warns(ForecastWarning):
        chosen = select(events, k=1)
    assert chosen.objective == "coverage"
    assert not chosen.calibrated
    assert chosen.reach == select(events, k=1, objective="coverage").reach == 6.0


def test_a_log_shorter_than_the_horizon_shrinks_it_and_says_so() -> None:
    # Eight days of daily replies: a 30-day horizon cannot be fitted, four days can.
    rows = [
        {"time": d * DAY + i * 3600.0 + 60.0 * d, "actor": f"p{i}", "action": "reply",
         "target": "ann"}
        for d in range(8)
        for i in range(12)
    ]  # fmt: skip
    events = Events.from_records(rows)
    span = (events.end - events.start) / DAY
    with pytest.warns(ForecastWarning, match=f"forecasting {span / 2:.3g} days instead"):
        chosen = select(events, k=1, horizon_days=30)
    assert chosen.objective == "expected"
    assert chosen.calibrated
    assert chosen.horizon_days == pytest.approx(span / 2)
    assert chosen.model is not None
    assert chosen.model.horizon_days == chosen.horizon_days
    assert f"in the next {span / 2:.3g} days" in chosen.summary()


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1_000), st.integers(1, 6), st.sampled_from([1.0, 5.0, 10.0, 30.0]))
def test_the_expected_reach_never_exceeds_the_people_who_could_be_reached(
    seed: int, k: int, horizon: float
) -> None:
    events = Events.from_records(records(seed))
    seen = forecast(events, as_of=AS_OF, horizon_days=horizon)
    chosen = select(events, k=k, as_of=AS_OF, horizon_days=horizon)
    assert chosen.reach <= seen.plausible() + 1e-9
    # The newcomers of all accounts together never exceed those of the last horizon.
    assert seen.newcomers.sum() <= seen.model.newcomer_cap + 1e-9
    assert chosen.newcomers.sum() >= 0.0


def test_fake_engagers_reach_nobody_and_bring_no_newcomers() -> None:
    clean, farmed = forecast(plain().events), forecast(bought().events)
    assert clean.expected()[clean.users.index("spam")] == pytest.approx(0.0, abs=1e-6)
    for user in bought().customers:
        at = farmed.users.index(user)
        if user.startswith("buyer"):  # fresh customers only the farm engages
            assert farmed.expected()[at] <= 1.0
        else:  # what the farm adds to a genuine customer is (next to) nothing
            mine = clean.expected()[clean.users.index(user)]
            assert farmed.expected()[at] <= mine + 0.05 * mine + 2.0
    chosen = select(bought().events, k=10)
    assert not {bought().labels.get(u) for u in chosen.users} & {"sybil", "farm", "spam"}


def test_good_twin_a_viral_post_of_newcomers_is_chosen_for_its_newcomers() -> None:
    world = plain()
    seen = forecast(world.events)
    viral = seen.users.index("viral")
    newcomers = [u for u, kind in world.labels.items() if kind == "newcomer"]
    # Its crowd of genuine newcomers arrived in the last ten days: they count in n_u at
    # (almost) full trust, and make it the account with the most newcomers expected.
    assert seen.newcomers[viral] == pytest.approx(seen.newcomers.max())
    audience = seen.exposure[[viral]].toarray().ravel()
    assert audience.sum() >= 0.95 * np.count_nonzero(audience) >= 0.95 * len(newcomers)
    chosen = select(world.events, k=5)
    at = chosen.users.index("viral")  # shrunk like every busy account, still chosen
    assert chosen.newcomers[at] == pytest.approx(seen.newcomers[viral])
    assert chosen.newcomers[at] == pytest.approx(chosen.newcomers.max())


def test_fit_reads_nothing_after_as_of() -> None:
    # fit on entries up to as_of equals fit on the same entries plus later ones.
    rows = records(7)
    events = Events.from_records(rows)
    options = {
        "as_of": 50 * DAY,
        "window_days": 90.0,
        "horizon_days": 10.0,
        "half_life_days": 5.0,
        "n_users": events.n_users,
    }
    early = events.until(50 * DAY)
    pairs = sorted_pairs(early.actor, early.target, early.time, np.ones(len(early)), events.n_users)
    every = sorted_pairs(
        events.actor, events.target, events.time, np.ones(len(events)), events.n_users
    )
    one, two = fit(*pairs, **options), fit(*every, **options)
    assert np.array_equal(one.probabilities, two.probabilities)
    assert np.array_equal(one.arrivals, two.arrivals)
    assert (one.newcomer_cap, one.newcomer_people) == (two.newcomer_cap, two.newcomer_people)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"objective": "reach"}, "'objective' parameter of select must be one of"),
        ({"horizon_days": 0}, "'horizon_days' parameter of select"),
        ({"half_life_days": -1}, "'half_life_days' parameter of forecast"),
    ],
)
def test_errors_name_the_parameter(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        select(Events.from_records(records(0)), k=2, **kwargs)


COLLEGEMSG = (
    Path(os.environ.get("INFLUENCE_DATA", "/work/shared/data")) / "collegemsg/CollegeMsg.txt"
)


@pytest.mark.skipif(not COLLEGEMSG.exists(), reason="needs the CollegeMsg log")
def test_collegemsg_forecast_is_bounded_by_what_the_log_saw() -> None:
    # The trial's case: a month into a growing log, a pooled newcomer ratio credited
    # ten accounts with more people than the whole log holds.
    events = load_collegemsg(COLLEGEMSG)
    as_of = to_epoch("2004-06-01")
    seen = forecast(events, as_of=as_of)
    chosen = select(events, k=10, as_of=as_of, scores=None)
    people = len(np.unique(events.until(as_of).actor))
    assert chosen.calibrated
    assert chosen.model is not None
    assert chosen.reach <= seen.plausible() <= people + seen.model.newcomer_people
    assert seen.newcomers.sum() <= seen.model.newcomer_cap + 1e-6
    # No account is credited more newcomers than the busiest account attracted in the
    # horizon before as_of (m is an average of what accounts of similar rate got).
    window = events.until(as_of)
    recent = window.time > as_of - 30 * DAY
    busiest = np.bincount(window.target[recent], minlength=window.n_users).max()
    assert seen.newcomers.max() <= busiest
