"""Authenticity: a user's own credibility, as a factor on their score."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from influence import Events, Scorer
from influence.components import Authenticity, Credibility, Inactivity
from influence.components.house import house_parts
from influence.testing import check_component

T0 = 1_700_000_000.0
DAY = 86_400.0


def test_authenticity_conformance_and_configuration() -> None:
    check_component(Authenticity())
    check_component(Authenticity(Credibility(min_posts=3)))
    built = Authenticity(credibility={"type": "credibility", "params": {"min_posts": 3}})  # type: ignore[arg-type]
    assert built == Authenticity(Credibility(min_posts=3))
    with pytest.raises(ValueError, match="'credibility' parameter of Authenticity"):
        Authenticity(credibility={"type": "engagement"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'credibility' parameter of Authenticity"):
        Authenticity(credibility=3)  # type: ignore[arg-type]


def test_a_junk_repeater_keeps_at_most_half_its_score() -> None:
    posts = [
        {"time": T0 + k * 977.0, "actor": "spam", "action": "post", "post": f"s{k}",
         "text": "buy acorns"}
        for k in range(40)
    ]  # fmt: skip
    fans = [
        {"time": T0 + k * 3600.0, "actor": f"fan{k}", "action": "like", "parent": f"s{k}"}
        for k in range(10)
    ]
    events = Events.from_records(posts + fans)
    scores = Scorer().score(events)
    plain = Scorer(modifiers=[("inactivity", Inactivity())]).score(events)
    # 39 of 40 posts repeat its one answered text: junk = 39 / (39 + 1 + 3). Its clockwork
    # timing does not count against it, since ten people engage it (a daily columnist
    # posts on a clock too).
    assert scores["spam"] <= (1 - 0.5 * 39 / 43) * plain["spam"] + 1e-9
    assert "on a clock" not in scores.explain("spam").reasons["authenticity"]
    assert "repeat the same texts" in scores.explain("spam").reasons["authenticity"]


# A genuine newcomer to an established community: first seen four days before the end, it
# follows old3 and engages it twice (one purpose, in a burst), and one old account likes it.
END = T0 + 30 * DAY
JOINED = END - 4 * DAY


def community() -> list[dict[str, Any]]:
    """Accounts active for weeks, engaging several others and engaged in turn, and the
    newcomer."""
    out: list[dict[str, Any]] = [
        {"time": T0 + d * DAY + k * 60, "actor": f"old{k}", "action": "reply",
         "target": f"old{(k + d + 1) % 30}"}
        for k in range(30)
        for d in range(0, 25, 5)
    ]  # fmt: skip
    return [
        *out,
        {"time": JOINED, "actor": "new", "action": "follow", "target": "old3"},
        {"time": JOINED + 600, "actor": "new", "action": "like", "target": "old3"},
        {"time": JOINED + 7200, "actor": "new", "action": "reply", "target": "old3"},
        {"time": JOINED + 9000, "actor": "old5", "action": "like", "target": "new"},
    ]


def bots(count: int) -> list[dict[str, Any]]:
    """*count* fresh accounts that follow and like old3 in the newcomer's hours."""
    out: list[dict[str, Any]] = []
    for k in range(count):
        t = JOINED + 60.0 * k
        out += [
            {"time": t, "actor": f"bot{k}", "action": "follow", "target": "old3"},
            {"time": t + 30, "actor": f"bot{k}", "action": "like", "target": "old3"},
        ]
    return out


def house_with(credibility: Credibility, *extra: tuple[str, Any]) -> Scorer:
    signals, discounts, _ = house_parts()
    judged = tuple((n, credibility if n == "credibility" else c) for n, c in discounts)
    return Scorer(
        signals=signals,
        discounts=(*judged, *extra),
        modifiers=(("inactivity", Inactivity()), ("authenticity", Authenticity(credibility))),
    )


def distrusting(names: set[str]) -> Any:
    """A discount that trusts nothing the accounts *names* do (and everything else)."""

    def discount(events: Events, *, as_of: float) -> np.ndarray:
        ids = [events.users.index(u) for u in names if u in events.users]
        return np.where(np.isin(events.actor, ids) & (events.time <= as_of), 0.0, 1.0)

    discount.role = "discount"  # type: ignore[attr-defined]
    return discount


def within(after: float, before: float) -> bool:
    """The good twins' margin: 2 points or 5%."""
    return abs(after - before) <= max(2.0, 0.05 * before)


@pytest.mark.parametrize("count", [5, 50])
def test_flagged_bots_cannot_frame_a_newcomer_engaging_their_target(count: int) -> None:
    # The framing attack: bots pointed at the newcomer's target in the same hours make the
    # newcomer look like one of a fresh, single-purpose cohort. Bots the operator flagged
    # (Credibility's seeds, or a discount of their own that trusts nothing they do) are
    # nobody's peers: the newcomer keeps its score.
    flagged = {f"bot{k}" for k in range(count)}
    genuine = Events.from_records(community())
    attacked = Events.from_records(community() + bots(count))
    seeded = house_with(Credibility(distrusted=tuple(sorted(flagged))))
    before, after = seeded.score(genuine, as_of=END), seeded.score(attacked, as_of=END)
    assert before["new"] > 5.0
    for user in ("new", "old3"):
        assert within(after[user], before[user]), user
    assert "single-purpose" not in after.explain("new").reasons["authenticity"]
    # flagged by a discount of the operator's own: the newcomer's authenticity is untouched
    # (old3 may lose a little: the Credibility discount does not see other discounts' trust)
    own = house_with(Credibility(), ("flagged", distrusting(flagged)))
    before, after = own.score(genuine, as_of=END), own.score(attacked, as_of=END)
    assert within(after["new"], before["new"])
    assert (
        after.explain("new").reasons["authenticity"]
        == before.explain("new").reasons["authenticity"]
    )
    # Unflagged, the same bots still make a cohort with the newcomer (the documented limit:
    # a genuine account that acts like a cohort member is judged as one).
    plain = house_with(Credibility()).score(attacked, as_of=END)
    assert "single-purpose" in plain.explain("new").reasons["authenticity"]


def test_fully_distrusted_accounts_are_no_cohort_peers_on_a_trusted_table() -> None:
    # Three newcomers act alike on old3; the trust the scorer's discounts set takes one
    # of them out entirely (trust 0 on every interaction): the other two pool without it.
    records = community() + bots(3)
    events = Events.from_records(records)
    judge = Credibility()
    plain = judge.credibility(events, END)
    gone = events.users.index("bot0")
    trust = np.where(events.actor == gone, 0.0, 1.0)
    trusted = judge.credibility(events.with_trust(trust), END)
    without = Events.from_records([r for r in records if r["actor"] != "bot0"])
    alone = judge.credibility(without, END)
    for user in ("new", "bot1", "bot2"):
        i, j = events.users.index(user), without.users.index(user)
        assert trusted["cohort"][i] == plain["cohort"][i] - 1 == alone["cohort"][j]
        assert trusted["credibility"][i] == pytest.approx(alone["credibility"][j])
        assert trusted["credibility"][i] > plain["credibility"][i]
    # its own standing is the one judged without trust (being distrusted helps no one)
    assert trusted["credibility"][gone] == plain["credibility"][gone]
    assert trusted["cohort"][gone] == plain["cohort"][gone]


def test_cohort_membership_is_not_weighted_by_partial_trust() -> None:
    # Trust below 1 on a member's events is, in the house scorer, mostly the cohort
    # discount itself: weighting membership by it would count a cohort's suspicion against
    # itself (fifty Sybils kept at 1/50 each would pool as one and be cleared). Only
    # trust 0 takes an account out; a table trusted in part shares the trust-free facts.
    events = Events.from_records(community() + bots(50))
    judge = Credibility()
    plain = judge.credibility(events, END)
    partly = judge.credibility(events.with_trust(np.full(len(events), 1e-3)), END)
    assert partly is plain
    assert judge.credibility(events.with_trust(None), END) is plain
