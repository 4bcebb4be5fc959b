"""select: audiences weighted by the defences, candidates and their reasons, costs, result."""

from __future__ import annotations

import math
import random
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer
from influence.campaign import FAKE_BELOW, Campaign, audiences, on_topic, select
from influence.datasets import World, synthetic

# Most worlds here are seconds long: too short to forecast, select says so and covers.
pytestmark = pytest.mark.filterwarnings("ignore::influence.campaign.ForecastWarning")

DAY = 86_400.0


@cache
def plain() -> World:
    return synthetic(seed=1)


@cache
def bought() -> World:
    return synthetic(seed=1, farm_customers=8)


def weight_of(events: Events, user: str) -> float:
    found = audiences(events)
    return float(found.weight()[found.users.index(user)])


def records(seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for _i in range(60):
        actor, target = f"p{rng.randrange(25)}", f"a{rng.randrange(6)}"
        action = rng.choice(["like", "share", "reply", "mention", "follow"])
        rows.append(
            {
                "time": float(rng.randrange(200 * 3600)),
                "actor": actor,
                "action": action,
                "target": target,
            }
        )
    return rows


def test_fake_engagers_add_no_reach() -> None:
    # The farm that sells engagement to customers: what it gives a genuine customer
    # adds (next to) nothing to the customer's credible audience.
    with_farm, without = bought(), plain()
    genuine = [u for u in with_farm.customers if not u.startswith("buyer")]
    assert genuine
    for user in genuine:
        assert weight_of(with_farm.events, user) <= weight_of(without.events, user) + 1.0
    for user in with_farm.customers:
        if user.startswith("buyer"):  # fresh customers whom only the farm engages
            assert weight_of(with_farm.events, user) <= 1.0
    # The spam account's farm (60 bots) reaches nobody.
    assert weight_of(without.events, "spam") == pytest.approx(0.0, abs=1e-6)
    # A Sybil cohort of 200 counts as at most 2 people at its target.
    found = audiences(without.events)
    target = found.users.index(without.sybil_target)
    assert found.size()[target] >= 150
    genuine = found.size()[target] - sum(1 for u, k in without.labels.items() if k == "sybil")
    assert found.weight()[target] <= genuine + 2.0 + 1e-6


def test_good_twin_a_viral_post_of_newcomers_is_reached_in_full() -> None:
    world = plain()
    found = audiences(world.events)
    viral = found.users.index("viral")
    newcomers = [u for u, kind in world.labels.items() if kind == "newcomer"]
    assert found.size()[viral] >= len(newcomers)
    # Within 5% of every engager counted in full.
    assert found.weight()[viral] >= 0.95 * found.size()[viral]
    chosen = select(world.events, k=5)
    assert "viral" in chosen.users
    assert "viral" not in dict(chosen.left_out)


def test_self_engagement_and_events_outside_the_window_count_for_nothing() -> None:
    rows = [
        {"time": 0.0, "actor": "old", "action": "like", "target": "ann"},
        {"time": 100 * DAY, "actor": "ann", "action": "like", "target": "ann"},
        {"time": 100 * DAY, "actor": "bob", "action": "like", "target": "ann"},
        {"time": 101 * DAY, "actor": "late", "action": "like", "target": "ann"},
    ]
    found = audiences(Events.from_records(rows), as_of=100 * DAY)
    ann = found.users.index("ann")
    assert found.size()[ann] == 1  # bob; not ann herself, not 'old' (101 days), not 'late'


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1_000), st.integers(0, 1_000))
def test_same_result_whatever_the_order_of_rows(seed: int, shuffle: int) -> None:
    rows = records(seed)
    mixed = rows[:]
    random.Random(shuffle).shuffle(mixed)
    one = select(Events.from_records(rows), k=3, frequency=2)
    two = select(Events.from_records(mixed), k=3, frequency=2)
    assert one.users == two.users
    assert one.gains.tolist() == two.gains.tolist()
    assert one.left_out == two.left_out
    assert np.array_equal(one.overlap, two.overlap)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1_000), st.integers(0, 5), st.integers(30, 99))
def test_more_genuine_engagement_never_lowers_an_audience(seed: int, who: int, fan: int) -> None:
    rows = records(seed)
    before = (
        weight_of(Events.from_records(rows), f"a{who}")
        if any(r["target"] == f"a{who}" for r in rows)
        else 0.0
    )
    more = [*rows, {"time": 100.0, "actor": f"p{fan}", "action": "reply", "target": f"a{who}"}]
    assert weight_of(Events.from_records(more), f"a{who}") >= before - 1e-9


def test_candidates_left_out_say_why() -> None:
    world = plain()
    scores = Scorer().score(world.events)
    low = sorted(scores.to_dict().items(), key=lambda kv: kv[1])
    floor = 5.0
    chosen = select(world.events, k=5, exclude=["viral"], min_score=floor, scores=scores)
    reasons = dict(chosen.left_out)
    assert reasons["viral"] == "excluded by the caller"
    assert "viral" not in chosen.users
    assert "viral" not in chosen.top_users
    below = [u for u, s in low if s < floor and u in reasons]
    assert below
    assert all(
        "below min_score" in reasons[u] or reasons[u].startswith("judged fake") for u in below
    )
    assert all(s >= floor for s in chosen.scores)
    assert all(s >= floor for s in (scores[u] for u in chosen.top_users))


def test_accounts_judged_fake_are_never_candidates() -> None:
    # Sybils that like each other have audiences (each other); the defences judge them fake.
    world = synthetic(seed=1, sybil_mesh=1)
    chosen = select(world.events, k=10)
    reasons = dict(chosen.left_out)
    sybils = [u for u, kind in world.labels.items() if kind == "sybil" and u in reasons]
    assert len(sybils) > 50
    assert all(reasons[u].startswith("judged fake: own credibility") for u in sybils)
    assert all(f"< {FAKE_BELOW}" in reasons[u] for u in sybils)
    assert not {world.labels.get(u) for u in chosen.users} & {"sybil", "farm", "spam"}


def test_topic_restricts_the_audience_not_the_defences() -> None:
    rows = [
        {"time": 1.0, "actor": "ann", "action": "post", "post": "t", "topics": ["travel"]},
        {"time": 1.0, "actor": "ann", "action": "post", "post": "f", "topics": ["food"]},
        {"time": 1.0, "actor": "bob", "action": "post", "post": "b", "topics": ["Travel"]},
    ]
    rows += [
        {"time": 10.0 + i, "actor": f"x{i}", "action": "like", "parent": "t"} for i in range(2)
    ]
    rows += [
        {"time": 20.0 + i, "actor": f"y{i}", "action": "like", "parent": "f"} for i in range(5)
    ]
    rows += [
        {"time": 30.0 + i, "actor": f"z{i}", "action": "share", "parent": "b"} for i in range(3)
    ]
    events = Events.from_records(rows)
    assert on_topic(events, "travel").sum() == 2 + 2 + 3
    overall = select(events, k=1)
    travel = select(events, k=1, topic="travel")
    assert overall.users == ("ann",)
    assert overall.reach == 7.0
    assert travel.users == ("bob",)
    assert travel.reach == 3.0
    assert travel.topic == "travel"
    # As a hashtag names its tag, whatever its case (and spaces around it).
    for spelt in ("#travel", " #TRAVEL ", "Travel"):
        again = select(events, k=1, topic=spelt)
        assert (again.users, again.reach, again.topic) == (("bob",), 3.0, "travel")
    with pytest.raises(ValueError, match="no event is about: '#food2'"):
        select(events, k=1, topic="#food2")


def test_a_tag_spelt_with_its_hash_is_still_found() -> None:
    rows = [
        {"time": 1.0, "actor": "ann", "action": "post", "post": "t", "topics": ["#music"]},
        {"time": 1.0, "actor": "bob", "action": "post", "post": "m", "topics": ["music"]},
        {"time": 2.0, "actor": "x", "action": "like", "parent": "t"},
        {"time": 3.0, "actor": "y", "action": "like", "parent": "m"},
        {"time": 4.0, "actor": "z", "action": "like", "parent": "m"},
    ]
    events = Events.from_records(rows)
    hashed = select(events, k=1, topic="#music", objective="coverage")
    plain = select(events, k=1, topic="music", objective="coverage")
    assert (hashed.users, hashed.topic) == (("ann",), "#music")
    assert (plain.users, plain.topic) == (("bob",), "music")


def test_budget_and_every_form_of_cost() -> None:
    world = plain()
    found = audiences(world.events)
    ids = list(found.users)
    cost = {u: 1.0 + (i % 7) * 10 for i, u in enumerate(ids)}
    chosen = select(world.events, budget=120, cost=cost)
    assert chosen.cost <= 120
    assert chosen.method in ("unit-cost", "cost-benefit")
    assert chosen.guarantee == pytest.approx((1 - 1 / math.e) / 2)
    assert chosen.reach >= chosen.top_reach - 1e-9 or chosen.method == "unit-cost"
    array = np.array([cost[u] for u in world.events.users])
    again = select(world.events, budget=120, cost=array)
    assert again.users == chosen.users
    pd = pytest.importorskip("pandas")
    series = select(world.events, budget=120, cost=pd.Series(cost))
    assert series.users == chosen.users


def test_cost_file_and_missing_costs(tmp_path) -> None:
    events = Events.from_records(records(3))
    path = tmp_path / "costs.csv"
    path.write_text("user,cost\na0,10\na1,20\n")
    chosen = select(events, budget=25, cost=path)
    reasons = dict(chosen.left_out)
    assert set(chosen.users) <= {"a0", "a1"}
    assert all(reasons[u] == "no cost given" for u in ("a2", "a3") if u in reasons)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs k"),
        ({"k": 0}, "'k' parameter of select"),
        ({"k": 2, "frequency": 0}, "'frequency' parameter of select"),
        ({"budget": 10}, "needs 'cost'"),
        ({"budget": 10, "cost": {"a0": -1}}, "positive, finite cost. Got -1 for 'a0'"),
        ({"budget": 10, "cost": [1.0]}, "one cost per user"),
        ({"k": 2, "window_days": 0}, "'window_days' parameter"),
    ],
)
def test_errors_name_the_parameter(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        select(Events.from_records(records(0)), **kwargs)


def test_result_is_plain_data_and_shows_itself() -> None:
    rows = [*records(5), {"time": 1.0, "actor": "p1", "action": "like", "target": "<b>x"}]
    chosen = select(Events.from_records(rows), k=3, objective="coverage")
    assert isinstance(chosen, Campaign)
    assert chosen.reach == pytest.approx(float(chosen.gains.sum()))
    assert np.allclose(chosen.overlap, chosen.overlap.T)
    weights = audiences(Events.from_records(rows)).weight()
    users = audiences(Events.from_records(rows)).users
    assert np.allclose(np.diag(chosen.overlap), [weights[users.index(u)] for u in chosen.users])
    with pytest.raises(ValueError, match="read-only"):
        chosen.gains[0] = 1.0
    assert "<b>x" not in chosen._repr_html_()
    pytest.importorskip("pandas")
    frame = chosen.to_pandas()
    assert frame["user"].tolist() == list(chosen.users)
    assert frame["reach"].iloc[-1] == pytest.approx(chosen.reach)
    assert chosen.left_out_to_pandas().shape == (len(chosen.left_out), 2)


def test_nothing_the_user_passed_is_mutated() -> None:
    events = Events.from_records(records(2))
    exclude = ["a1"]
    cost = {"a0": 3.0, "a1": 4.0, "a2": 5.0}
    before = events.to_records()
    select(events, budget=9, cost=cost, exclude=exclude)
    assert exclude == ["a1"]
    assert cost == {"a0": 3.0, "a1": 4.0, "a2": 5.0}
    assert events.to_records() == before


@settings(max_examples=30, deadline=None)
@given(
    st.integers(0, 1_000),
    st.integers(1, 4),
    st.floats(1.0, 30.0),
    st.lists(st.integers(1, 12), min_size=6, max_size=6),
    st.sampled_from(["expected", "coverage"]),
)
def test_with_k_and_a_budget_never_below_the_top_by_score(
    seed: int, k: int, budget: float, prices: list[int], objective: str
) -> None:
    # The trial's case: k = 5 and a budget, the greedy runs both beaten by the top 5 by
    # score within the budget. That set is feasible by construction and is one of the
    # candidates select compares, so this holds by design, not by a proven bound.
    events = Events.from_records(records(seed))
    cost = {f"a{i}": float(p) for i, p in enumerate(prices)}
    budget = max(budget, min(prices))  # someone fits (else: nobody can be chosen)
    chosen = select(events, k=k, budget=budget, cost=cost, objective=objective)
    assert chosen.reach >= chosen.top_reach - 1e-9
    assert chosen.cost <= budget + 1e-9
    assert len(chosen.users) <= k
    assert math.isnan(chosen.guarantee)
    assert chosen.method in {"unit-cost", "cost-benefit", "best single", "top by score"}


def walk_down(order: list[int], price: list[float], k: int | None, budget: float) -> list[int]:
    """The top by score within the budget, one account after another."""
    taken: list[int] = []
    spent = 0.0
    for i in order:
        if k is not None and len(taken) >= k:
            break
        if spent + price[i] <= budget:
            taken.append(i)
            spent += price[i]
    return taken


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 1.0, 2.5, 7.0]), st.sampled_from([0.1, 1.0, 3.0, 8.0])),
        min_size=1,
        max_size=30,
    ),
    st.one_of(st.none(), st.integers(1, 8)),
    st.floats(0.0, 25.0),
)
def test_top_by_score_walks_down_the_ranking_taking_what_fits(accounts, k, budget) -> None:
    from influence.campaign.select import _by_score

    standing = np.array([s for s, _ in accounts])
    price = np.array([p for _, p in accounts])
    eligible = np.arange(standing.size, dtype=np.int64)[::2].copy()  # some accounts only
    order = sorted(eligible.tolist(), key=lambda i: (-standing[i], i))
    found = _by_score(eligible, standing, k, price, budget)
    assert found.tolist() == walk_down(order, price.tolist(), k, budget)
    if k is not None:  # and without a budget, the first k of the ranking
        assert _by_score(eligible, standing, k, None, None).tolist() == order[:k]


def test_overlap_is_labelled_and_the_html_shows_costs_and_who_was_left_out() -> None:
    pytest.importorskip("pandas")
    events = Events.from_records(records(3))
    cost = {f"a{i}": float(i + 1) for i in range(6)}
    chosen = select(events, k=3, budget=7, cost=cost, exclude=["a0"], objective="coverage")
    frame = chosen.overlap_frame()
    assert list(frame.index) == list(frame.columns) == list(chosen.users)
    assert np.array_equal(frame.to_numpy(), chosen.overlap)
    page = chosen._repr_html_()
    assert "<th>cost</th>" in page
    assert "Left out" in page
    assert "a0: excluded by the caller" in page
    assert "cost" in str(chosen).splitlines()[1]


@pytest.mark.parametrize("given", [False, True])
def test_select_judges_the_discounts_once(monkeypatch, given: bool) -> None:
    # The audiences' trust and the standing scores share one judgement of the discounts,
    # whether select scores the window itself or is given the scores of the same table.
    from influence.components.reciprocity import Reciprocity

    calls: list[float] = []
    judge = Reciprocity.evidence

    def counted(self, events, *, as_of):
        calls.append(as_of)
        return judge(self, events, as_of=as_of)

    monkeypatch.setattr(Reciprocity, "evidence", counted)
    events = Events.from_records(records(4))
    scores = Scorer().score(events) if given else None
    chosen = select(events, k=2, scores=scores)
    assert len(calls) == 1
    trust = Scorer().trust(events)  # the same table: judged already
    assert len(calls) == 1
    assert not trust.flags.writeable
    assert chosen.users == select(Events.from_records(records(4)), k=2).users
    assert len(calls) == 2  # a fresh table is judged afresh
