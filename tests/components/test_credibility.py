"""Credibility: farms and Sybil cohorts count for little; quiet genuine accounts are untouched."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Events, Scorer
from influence.components import Credibility
from influence.components.cohorts import CohortPool
from influence.datasets import synthetic
from influence.kernels import engagement_pairs, saturate
from influence.testing import check_component

T0 = 1_700_000_000.0
DAY = 86_400.0
END = T0 + 30 * DAY


def credibility(records: list[dict[str, Any]], **params: Any) -> dict[str, float]:
    events = Events.from_records(records)
    values = Credibility(**params).credibility(events, END)["credibility"]
    return dict(zip(events.users.ids.tolist(), values.tolist()))


def established(n: int = 30) -> list[dict[str, Any]]:
    """Accounts active for weeks, engaging several others and engaged in turn."""
    out = []
    for k in range(n):
        for d in range(0, 25, 5):
            out.append(
                {
                    "time": T0 + d * DAY + k * 60,
                    "actor": f"old{k}",
                    "action": "reply",
                    "target": f"old{(k + d + 1) % n}",
                }
            )
    return out


def sybils(target: str, count: int, at: float) -> list[dict[str, Any]]:
    out = []
    for k in range(count):
        t = at + k * 60.0
        out += [
            {"time": t, "actor": f"syb{k}", "action": "follow", "target": target},
            {"time": t + 30, "actor": f"syb{k}", "action": "like", "target": target},
        ]
    return out


def test_conformance() -> None:
    check_component(Credibility())
    check_component(Credibility(trusted=("ann",), distrusted=("bob",)))


def test_a_sybil_cohort_on_a_weak_account_has_no_credibility() -> None:
    records = [
        *established(),
        {"time": T0, "actor": "old1", "action": "like", "target": "weak"},
        *sybils("weak", 150, END - 4 * DAY),
    ]
    cred = credibility(records)
    # A follow and a like each: repeating, 63%; the cohort shares the credit of 2 accounts.
    assert max(cred[f"syb{k}"] for k in range(150)) < 0.4
    assert sum(cred[f"syb{k}"] for k in range(150)) < 0.4 * 150
    assert min(cred[f"old{k}"] for k in range(30)) == 1.0
    # Liking three times: nearly no credibility left.
    more = [
        *records,
        *(
            dict(r, time=r["time"] + 10 + i)
            for i in range(2)
            for r in sybils("weak", 150, END - 4 * DAY)
            if r["action"] == "like"
        ),
    ]
    cred = credibility(more)
    assert max(cred[f"syb{k}"] for k in range(150)) < 0.1


def test_the_attack_gains_its_target_almost_nothing() -> None:
    base = [
        *established(),
        {"time": T0, "actor": "old1", "action": "like", "target": "weak"},
        {"time": T0 + DAY, "actor": "old2", "action": "share", "target": "weak"},
    ]
    attacked = base + sybils("weak", 200, END - 4 * DAY)
    before = Scorer().score(Events.from_records(base), as_of=END)["weak"]
    after = Scorer().score(Events.from_records(attacked), as_of=END)["weak"]
    assert after - before <= 3.0
    reason = Scorer().score(Events.from_records(attacked), as_of=END).explain("weak")
    assert "200 of 202 engagers look like a farm or Sybil cohort" in reason.reasons["credibility"]


def test_quiet_one_off_engagers_of_a_popular_account_are_not_suspects() -> None:
    # Higgs-like: hundreds of new accounts retweet one popular account once, on one day,
    # while established accounts engage it too (here 60 of 360; in the Higgs log the median
    # popular account has 44% of its audience in such cohorts, the 99th percentile 90%).
    records = (
        established(60)
        + [
            {"time": T0 + k * DAY / 4, "actor": f"old{k}", "action": "share", "target": "cern"}
            for k in range(60)
        ]
        + [
            {"time": END - DAY + k, "actor": f"new{k}", "action": "share", "target": "cern"}
            for k in range(300)
        ]
    )
    cred = credibility(records)
    assert min(cred[f"new{k}"] for k in range(300)) == 1.0


def test_repeated_junk_lowers_an_accounts_own_credibility() -> None:
    rng = np.random.default_rng(0)
    times = np.sort(rng.uniform(T0, END, 300))  # people post at irregular times
    junk = [
        {
            "time": float(t),
            "actor": "spam",
            "action": "post",
            "post": f"s{k}",
            "text": ["acorn", "sniff", "jump jump jump"][k % 3],
        }
        for k, t in enumerate(times)
    ]
    links = [
        {
            "time": float(t),
            "actor": "curator",
            "action": "post",
            "post": f"c{k}",
            "text": f"https://example.org/{k}",
        }
        for k, t in enumerate(times)
    ]
    audience = [
        {"time": T0 + k, "actor": f"reader{k}", "action": "share", "parent": f"c{k}"}
        for k in range(5)
    ]
    cred = credibility(junk + links + audience)
    assert cred["spam"] < 0.6
    assert cred["curator"] == pytest.approx(1.0, abs=0.01)  # five readers: a lonely 0.7%


def test_link_only_posting_that_nobody_answers_lowers_credibility() -> None:
    rng = np.random.default_rng(1)
    times = np.sort(rng.uniform(T0, END, 100))
    links = [
        {
            "time": float(t),
            "actor": "linker",
            "action": "post",
            "post": f"l{k}",
            "text": f"https://spam.example/{k}",
        }
        for k, t in enumerate(times)
    ]
    # 100 link-only posts nobody answers: links = 100 / (100 + 0 + 3).
    assert credibility(links)["linker"] == pytest.approx(1 - 0.5 * 100 / 103)


def test_clockwork_timing_lowers_credibility() -> None:
    rng = np.random.default_rng(2)
    clockwork = [
        {"time": T0 + k * 900.0, "actor": "bot", "action": "like", "target": f"x{k % 40}"}
        for k in range(200)
    ]
    human = [
        {"time": float(t), "actor": "human", "action": "like", "target": f"y{k % 40}"}
        for k, t in enumerate(np.sort(rng.uniform(T0, END, 200)))
    ]
    cred = credibility(clockwork + human)
    assert cred["bot"] == pytest.approx(0.5)
    assert cred["human"] == 1.0


def test_engagement_from_discredited_accounts_does_not_make_an_account_credible() -> None:
    # A Sybil whose only "audience" is known-bad accounts: the second pass counts the
    # engagement it received by the engagers' credibility, i.e. as none.
    records = [*established(), *sybils("weak", 150, END - 4 * DAY)]
    records += [
        {"time": END - 3 * DAY + k, "actor": f"bad{k}", "action": "like", "target": "syb0"}
        for k in range(5)
    ]
    bad = tuple(f"bad{k}" for k in range(5))
    # As lonely as its fellow Sybils (a follow and a like each: see the test above).
    judged = credibility(records, distrusted=bad)
    assert judged["syb0"] == pytest.approx(judged["syb1"])
    assert judged["syb0"] < 0.4
    # Five accounts liking it once each are not a farm (nothing comes back): counted as
    # credible engagement, they shield it, as would engagers with a history in the log.
    assert credibility(records)["syb0"] > 0.5
    history = [
        {"time": T0 + k * 60.0, "actor": f"bad{k}", "action": "reply", "target": "old0"}
        for k in range(5)
    ]
    assert credibility(records + history)["syb0"] > 0.5
    judged = credibility(records + history, distrusted=bad)
    assert judged["syb0"] == pytest.approx(judged["syb1"])


def test_seeds_override() -> None:
    records = [*established(), *sybils("weak", 50, END - 4 * DAY)]
    cred = credibility(records, trusted=("syb0",), distrusted=("old0",))
    assert cred["syb0"] == 1.0
    assert cred["old0"] == 0.0
    with pytest.raises(ValueError, match="both trusted and distrusted"):
        Credibility(trusted=("a",), distrusted=("a",))
    with pytest.raises(ValueError, match="'trusted' parameter of Credibility"):
        Credibility(trusted="ann")


def test_factor_is_one_without_suspects() -> None:
    events = Events.from_records(established())
    assert np.all(Credibility()(events, as_of=END) == 1.0)


def spread_farm(bots: int, customers: int, at: float) -> list[dict[str, Any]]:
    """Fresh bots that each like every customer twice: half established, half new."""
    return [
        {"time": at + b * 600.0 + c * 60.0 + r, "actor": f"bot{b}", "action": "like",
         "target": f"old{c}" if c < customers // 2 else f"new{c}"}
        for b in range(bots)
        for c in range(customers)
        for r in (0.0, 30.0)
    ]  # fmt: skip


def test_a_farm_spread_over_many_customers_is_judged_by_its_crowd() -> None:
    # No bot is single-purpose (each spreads its likes over ten customers), but all are
    # fresh and engaged by no one, and they make up their customers' audiences.
    records = [*established(), *spread_farm(40, 10, END - 5 * DAY)]
    events = Events.from_records(records)
    facts = Credibility().credibility(events, END)
    cred = dict(zip(events.users.ids.tolist(), facts["credibility"].tolist()))
    farmed = dict(zip(events.users.ids.tolist(), facts["farmed"].tolist()))
    assert max(cred[f"bot{b}"] for b in range(40)) < 0.01
    assert min(farmed[f"new{c}"] for c in range(5, 10)) > 0.99
    assert min(cred[f"old{k}"] for k in range(30)) == 1.0
    keep = Credibility().evidence(events, as_of=END).values
    bot = np.char.startswith(events.users.ids[events.actor].astype(str), "bot")
    assert keep[bot].max() < 1e-3  # to customers old and new alike
    assert keep[~bot].min() == 1.0  # established accounts' engagement untouched
    # In a log shorter than `burst_days`, nobody's whole life is in view: nobody is fresh.
    short = [r for r in records if r["time"] >= END - 10 * DAY]
    facts = Credibility().credibility(Events.from_records(short), END)
    assert not facts["prop"].any()
    assert not facts["farmed"].any()


def test_passing_likers_of_a_popular_account_are_not_a_farm() -> None:
    """One-off likers spread over months are fresh and engaged by no one, but a farm's bots
    come back; more casual likers must never lower a score (found in review)."""
    rng = np.random.default_rng(0)
    fans = [f"fan{i}" for i in range(20)]
    base: list[dict[str, Any]] = []
    for d in range(120):
        base.append({"time": T0 + d * DAY, "actor": "star", "action": "post", "post": f"s{d}"})
        base += [
            {"time": T0 + d * DAY + 3600 + i, "actor": f, "action": "like", "parent": f"s{d}"}
            for i, f in enumerate(fans)
            if (d + i) % 3 == 0
        ]
    scores = []
    for likers in (0, 20, 80):
        days = rng.integers(15, 120, likers)
        casual = [
            {"time": T0 + int(d) * DAY + 5000 + j, "actor": f"casual{j}", "action": "like",
             "parent": f"s{d}"}
            for j, d in enumerate(days)
        ]  # fmt: skip
        events = Events.from_records(base + casual)
        keep = Credibility()(events, as_of=events.end)
        casual_rows = np.char.startswith(events.users.ids[events.actor].astype(str), "cas")
        assert np.all(keep[casual_rows] == 1.0)
        scores.append(Scorer().score(events)["star"])
    assert scores[0] < scores[1] < scores[2]


def test_a_community_of_newcomers_is_not_a_farm() -> None:
    """Newcomers who post and answer each other have a life of their own (found in review)."""
    rng = np.random.default_rng(1)
    records = established()
    new = [f"new{i}" for i in range(20)]
    for d in range(20, 30):
        records += [
            {"time": T0 + d * DAY + 7200 + i * 60, "actor": u, "action": "post", "post": f"{u}_{d}"}
            for i, u in enumerate(new)
        ]
        records += [
            {"time": T0 + d * DAY + 9000 + i * 60 + int(v), "actor": u,
             "action": ("like", "reply", "share")[int(v) % 3], "parent": f"new{v}_{d}"}
            for i, u in enumerate(new)
            for v in rng.choice(20, 4, replace=False)
            if v != i
        ]  # fmt: skip
    cred = credibility(records)
    assert min(cred[u] for u in new) == 1.0


def test_one_newcomer_writing_to_many_is_not_a_farm() -> None:
    # Good twin of the farm rule (CollegeMsg): a new student writes twice to each of twenty
    # people whom one established account also writes to. Nobody has written back yet, so
    # the newcomer looks like a prop, and it is half of each audience; but one account is
    # not a farm. Three such accounts working the same twenty people are a crowd.
    def newcomers(count: int) -> list[dict[str, Any]]:
        return [
            {"time": T0 + 27 * DAY + k * 600 + j * 60 + s * 7, "actor": f"new{s}",
             "action": "mention", "target": f"r{k}"}
            for s in range(count) for k in range(20) for j in range(2)
        ]  # fmt: skip

    known = [
        {"time": T0 + 20 * DAY + k, "actor": f"old{k}", "action": "mention", "target": f"r{k}"}
        for k in range(20)
    ]
    for count, farmed in ((1, False), (3, True)):
        events = Events.from_records(established() + known + newcomers(count))
        facts = Credibility().credibility(events, END)
        value = facts["farmed"][events.users.indices(np.array([f"r{k}" for k in range(20)]))]
        assert (value.min() > 0.5) if farmed else (value.max() == 0.0), (count, value)


def test_repeated_texts_are_judged_against_answered_posts() -> None:
    # Good twin: a columnist who says "good morning" three times among thirty answered
    # posts keeps nearly all its credibility; junk = 3 / (3 + 31 + 3).
    posts = [
        {"time": T0 + d * 0.5 * DAY, "actor": "col", "action": "post", "post": f"c{d}",
         "text": "good morning" if d < 4 else f"column {d}"}
        for d in range(34)
    ]  # fmt: skip
    answers = [
        {"time": T0 + d * 0.5 * DAY + 600, "actor": f"old{d % 30}", "action": "like",
         "parent": f"c{d}"}
        for d in range(3, 34)
    ]  # fmt: skip
    got = credibility(established() + posts + answers)["col"]
    assert got == pytest.approx(1 - 0.5 * 3 / 37)
    # ... and a spammer cannot dilute its repeats with fresh texts nobody answers.
    spam = [
        {"time": T0 + k * 900.0, "actor": "spam", "action": "post", "post": f"s{k}",
         "text": "buy acorns"}
        for k in range(40)
    ]  # fmt: skip
    padding = [
        {"time": T0 + k * 900.0 + 450, "actor": "spam", "action": "post", "post": f"p{k}",
         "text": f"fresh text {k}"}
        for k in range(100)
    ]  # fmt: skip
    junk = Credibility().credibility
    plain = Events.from_records(established() + spam)
    padded = Events.from_records(established() + spam + padding)
    assert junk(padded, END)["junk"][padded.users.index("spam")] == pytest.approx(
        junk(plain, END)["junk"][plain.users.index("spam")]
    )


def test_event_values_are_the_formula_on_every_event() -> None:
    """The discount works out its factors only for props and cohort members (the others'
    are exactly 1): every event still reads the written formula."""
    events = synthetic(seed=4, sybil_mesh=5, farm_customers=4, ring_mixing=0.3).events
    judge = Credibility()
    as_of = float(events.time.max())
    facts = judge.credibility(events, as_of)
    base, prop, farmed, pooled = facts["base"], facts["prop"], facts["farmed"], facts["pooled"]
    assert (prop > 0).any()  # both shortcuts are exercised
    assert (pooled > 0).any()
    source, target, sums, _, _ = engagement_pairs(
        events,
        as_of,
        window_days=judge.window_days,
        half_life_days=judge.half_life_days,
        selectivity_per_day=judge.selectivity_per_day,
    )
    account = base[source] * (1.0 - prop[source] * farmed[target])
    pool = CohortPool(
        source, target, saturate(sums) * account, pooled, facts["group"], events.n_users, 1.0
    )
    aimed = np.flatnonzero(
        (events.target >= 0) & (events.actor != events.target) & (events.time <= as_of)
    )
    actor, aimed_at = events.actor[aimed], events.target[aimed]
    expected = np.ones(len(events))
    expected[aimed] = (
        base[actor] * (1.0 - prop[actor] * farmed[aimed_at]) * pool.factor(actor, aimed_at)
    )
    np.testing.assert_array_equal(judge.evidence(events, as_of=as_of).values, expected)
