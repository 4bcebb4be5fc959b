"""The Authority component: PageRank over engagement, earned authority per user."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components._trusted_logs import trusted_log
from influence import Events, Scorer
from influence._time import DAY
from influence.components import Activity, Authority, Engagement
from influence.graph import engagement_graph, pagerank
from influence.testing import check_component

T0 = 1_700_000_000.0


def like(actor: str, target: str, t: float = T0) -> dict[str, Any]:
    return {"time": t, "actor": actor, "action": "like", "target": target}


@pytest.mark.parametrize(
    "component", [Authority(), Authority(teleport=Activity()), Authority(damping=0.5)], ids=repr
)
def test_conformance(component: Authority) -> None:
    check_component(component)


def values(records: list[dict[str, Any]], component: Any = None) -> dict[str, float]:
    events = Events.from_records(records)
    out = (component or Authority())(events, as_of=max(r["time"] for r in records))
    return dict(zip(events.users.ids.tolist(), out.tolist()))


def test_nobody_engaged_means_no_authority() -> None:
    v = values([like("a", "b"), like("c", "b")])
    assert v["a"] == 0.0
    assert v["c"] == 0.0
    assert v["b"] > 0.0


def test_authority_propagates_from_influential_engagers() -> None:
    fans = [like(f"fan{k}", "star") for k in range(20)]
    records = [*fans, like("star", "u"), like("nobody", "v")]
    auth = values(records)
    assert auth["u"] > 3 * auth["v"]
    events = Events.from_records(records)
    engagement = Engagement()(events, as_of=T0)
    assert engagement[events.users.index("u")] == engagement[events.users.index("v")]


def test_earned_authority_matches_its_formula() -> None:
    records = [like("a", "b"), like("b", "c"), like("c", "a"), like("d", "a"), like("a", "c")]
    events = Events.from_records(records)
    graph = engagement_graph(events, T0).toarray()
    rank = pagerank(graph, tol=1e-14)
    out = graph.sum(axis=1)
    earned = 0.85 * (graph / np.where(out > 0, out, 1)[:, None]).T @ rank
    expected = np.log1p(events.n_users * earned)
    assert Authority(tol=1e-14)(events, as_of=T0) == pytest.approx(expected, abs=1e-9)


def test_independent_of_population_size() -> None:
    base = [like("a", "b"), like("c", "b"), like("b", "d"), like("e", "d"), like("d", "a")]
    copy = [like(r["actor"] + "2", r["target"] + "2") for r in base]
    alone, doubled = values(base), values(base + copy)
    for user, value in alone.items():
        assert doubled[user] == pytest.approx(value, abs=1e-9)


def test_teleport_steers_authority_and_round_trips_in_config() -> None:
    records = [like("a", "b"), like("c", "d"), *(like("a", f"x{k}", T0 + k) for k in range(5))]
    plain = values(records)
    trusted = values(records, Authority(teleport=Activity(reach_gate=0.0)))
    # a is the active account: teleporting by activity favours what a engages.
    assert trusted["b"] / trusted["d"] > plain["b"] / plain["d"]
    scorer = Scorer(signals=[Engagement(), Authority(teleport=Activity())])
    rebuilt = Scorer.from_config(json.loads(json.dumps(scorer.to_config())))
    assert rebuilt == scorer


def test_zero_teleport_falls_back_to_uniform() -> None:
    def zeros(events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)

    records = [like("a", "b"), like("b", "c")]
    assert values(records, Authority(teleport=zeros)) == values(records)


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="'damping' parameter of Authority"):
        Authority(damping=1.0)
    with pytest.raises(ValueError, match="'teleport' parameter of Authority"):
        Authority(teleport=3)
    with pytest.raises(ValueError, match="'teleport' parameter of Authority"):
        Authority(teleport={"kind": "activity"})


def test_explanation_names_top_accounts() -> None:
    records = [like(f"fan{k}", "star", T0 + k) for k in range(150)]
    records += [like("star", "u", T0 + 200), like("fan1", "u", T0 + 201)]
    scores = Scorer(signals=[Authority()], modifiers=[]).score(Events.from_records(records))
    reason = scores.explain("u").reasons["authority"]
    assert reason.startswith("engaged by 2 accounts, 1 of them among the top 1% accounts")
    assert scores.explain("fan3").reasons["authority"] == "no authority: nobody engaged with them"


def test_credibility_as_teleport_gives_a_sybil_cohort_little_to_pass_on() -> None:
    from influence.components import Authenticity, Credibility

    genuine = [like(f"g{k}", f"g{(k + 1) % 30}", T0 + k * 3600.0) for k in range(30)]
    genuine += [like(f"g{k}", f"g{(k + 7) % 30}", T0 + k * 3600.0 + 60) for k in range(30)]
    genuine.append(like("g1", "weak", T0))
    # Each Sybil follows and likes three times: repetition is what marks a cohort member
    # (one action each is what a crowd of genuine newcomers does too, and is not judged).
    sybils = [
        {"time": T0 + 20 * 86400.0 + k * 60 + i, "actor": f"s{k}", "action": a, "target": "weak"}
        for k in range(100)
        for i, a in enumerate(("follow", "like", "like", "like"))
    ]
    records = genuine + sybils
    uniform = values(records)
    trust = values(records, Authority(teleport=Authenticity()))
    with pytest.raises(ValueError, match=r"Credibility.*is a discount"):
        Authority(teleport=Credibility())
    assert trust["weak"] < 0.5 * uniform["weak"]
    assert trust["g3"] >= uniform["g3"]


@given(st.integers(0, 2**32 - 1), st.floats(1.0, 30.0), st.booleans())
def test_population_is_the_window_users_left_some_trust(
    seed: int, days: float, trusted: bool
) -> None:
    """Read as a slice of the time-sorted rows: the users acting or aimed at in
    ``(as_of - span, as_of]`` by an event whose trust is not 0."""
    events = trusted_log(seed)
    events = events if trusted else events.with_trust(None)
    as_of, span = float(np.median(events.time)), days * DAY
    rows = (events.time <= as_of) & (events.time > as_of - span)
    if trusted:
        rows &= np.asarray(events.trust) > 0
    expected = np.zeros(events.n_users, dtype=bool)
    expected[events.actor[rows]] = True
    expected[events.target[rows & (events.target >= 0)]] = True
    np.testing.assert_array_equal(Authority.population(events, as_of, span), expected)


@given(st.integers(0, 2**32 - 1))
def test_engagers_are_the_edges_of_positive_weight(seed: int) -> None:
    """The details count the graph's edges of positive weight into each user, and those
    from the top 1% by rank (read from the CSR arrays: the COO form's counts)."""
    events = trusted_log(seed, size=2_000, users=150).with_trust(None)
    as_of = float(events.end)  # every user is in the window: PageRank's uniform teleport
    details = Authority().evidence(events, as_of=as_of).details
    coo = engagement_graph(events, as_of).tocoo()
    edge = coo.data > 0
    row, col = coo.row[edge], coo.col[edge]
    rank = pagerank(engagement_graph(events, as_of), tol=1e-9)  # Authority's tolerance
    n = events.n_users
    top = rank >= np.quantile(rank, 0.99)
    np.testing.assert_array_equal(details["engagers"], np.bincount(col, minlength=n))
    from_top = top[row] & (row != col)
    np.testing.assert_array_equal(details["top_engagers"], np.bincount(col[from_top], minlength=n))
    assert details["engagers"].dtype == details["top_engagers"].dtype == np.int64
