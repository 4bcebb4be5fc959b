"""Reciprocity: quid-pro-quo rings lose what they traded; friendship and fans are untouched."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence import Events, Scorer, pairs
from influence.components import Inactivity, Reciprocity
from influence.components.reciprocity import quid_pro_quo
from influence.testing import check_component

T0 = 1_700_000_000.0
DAY = 86_400.0


def with_reciprocity() -> Scorer:
    scorer = Scorer()
    assert ("reciprocity", Reciprocity()) in scorer.discounts  # the house scorer has it
    return scorer


def ring_records(members: list[str], days: int = 30) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in range(days):
        for k, author in enumerate(members):
            t = T0 + d * DAY + k * 60
            out.append({"time": t, "actor": author, "action": "post", "post": f"{author}-{d}"})
            out += [
                {"time": t + 120, "actor": other, "action": "share", "parent": f"{author}-{d}"}
                for other in members
                if other != author
            ]
    return out


def genuine_records(user: str, fans: int, days: int = 30) -> list[dict[str, Any]]:
    """Fans who like *user* every third day and otherwise lead ordinary, varied lives."""
    out = [
        {
            "time": T0 + d * DAY + 3600 + k,
            "actor": f"{user}-fan{k}",
            "action": "like",
            "target": user,
        }
        for d in range(0, days, 3)
        for k in range(fans)
    ]
    for k in range(fans):
        fan = f"{user}-fan{k}"
        out += [
            {"time": T0 + k * DAY / fans, "actor": fan, "action": a, "target": f"{fan}-pal{j}"}
            for j, a in enumerate(["reply", "mention", "share", "like"] * 3)
        ]
        out.append(
            {"time": T0 + k * DAY / fans, "actor": f"{fan}-pal0", "action": "reply", "target": fan}
        )
    return out


def test_conformance() -> None:
    check_component(Reciprocity())
    check_component(Reciprocity(free_exchanges=0.0, scale=1.0))


def test_quid_pro_quo_by_hand() -> None:
    # pairs sorted by source * n + target: 0->1 and 1->0 trade 20 shares each way; 2->0 is a fan;
    # 0 and 1 also amplify 3 (60 each), so each gives the other a quarter of its amplification.
    source, target = np.array([0, 0, 1, 1, 2]), np.array([1, 3, 0, 3, 0])
    amplified = np.array([20.0, 60.0, 20.0, 60.0, 20.0])
    q = quid_pro_quo(source, target, amplified, 4)
    boost = 1.0 + 4 * 0.25  # exclusivity 0.25, no timing given
    assert q[0] == pytest.approx(1 - np.exp(-17 * boost / 5))
    assert q[2] == q[0]
    assert q[4] == 0.0
    assert q[1] == 0.0  # 0 -> 3 is one-way
    # fast returns both ways make the same volume more suspect
    quick = quid_pro_quo(source, target, amplified, 4, fast=amplified)
    assert quick[0] == pytest.approx(1 - np.exp(-17 * boost * 2 / 5))
    # a few mutual likes are free; replies and mentions are not amplification at all
    few = quid_pro_quo(source, target, np.array([3.0, 0.0, 2.0, 0.0, 0.0]), 4, fast=np.ones(5))
    assert np.all(few == 0.0)


def test_a_dense_ring_is_found_even_with_little_volume_per_pair() -> None:
    members = np.arange(12)
    pairs = np.array([(a, b) for a in members for b in members if a != b])
    order = np.argsort(pairs[:, 0] * 12 + pairs[:, 1])
    source, target = pairs[order, 0], pairs[order, 1]
    q = quid_pro_quo(source, target, np.full(source.size, 2.0), 12)  # 2 each way: below free
    assert np.all(q == pytest.approx(1 - np.exp(-(10 - 2) / 4)))


def test_a_pure_ring_member_gains_nothing_from_the_ring() -> None:
    members = [f"r{i}" for i in range(25)]
    scores = with_reciprocity().score(Events.from_records(ring_records(members)))
    assert max(scores[m] for m in members) < 3.0
    reason = scores.explain("r0").reasons["reciprocity"]
    assert "100% of received engagement came from 24 accounts that return it in kind" in reason


def test_a_ring_member_with_a_real_audience_gains_at_most_3_points() -> None:
    members = [f"r{i}" for i in range(25)]
    alone = genuine_records("r0", fans=15)
    both = alone + ring_records(members)
    scorer = with_reciprocity()
    base = scorer.score(Events.from_records(alone))["r0"]
    ringed = scorer.score(Events.from_records(both))["r0"]
    assert ringed - base <= 3.0
    undefended = Scorer(discounts=[], modifiers=[("inactivity", Inactivity())])
    assert undefended.score(Events.from_records(both))["r0"] - base > 5  # without it, it pays


def test_occasional_mutual_replies_are_not_punished() -> None:
    records = [
        {"time": T0 + k * 5 * DAY, "actor": a, "action": "reply", "target": b}
        for k in range(3)
        for a, b in (("ann", "bob"), ("bob", "ann"))
    ]
    events = Events.from_records(records)
    assert np.all(Reciprocity()(events, as_of=T0 + 20 * DAY) == 1.0)


def test_one_way_fans_are_not_punished() -> None:
    events = Events.from_records(genuine_records("ann", fans=40))
    assert np.all(Reciprocity()(events, as_of=T0 + 30 * DAY) == 1.0)


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="'scale' parameter of Reciprocity"):
        Reciprocity(scale=0.0)
    with pytest.raises(ValueError, match="'free_exchanges' parameter of Reciprocity"):
        Reciprocity(free_exchanges=-1.0)


def test_events_older_than_the_window_take_their_pair_weight() -> None:
    members = [f"r{i}" for i in range(6)]
    recent = ring_records(members, days=30)
    # the old shares: the same pairs as the recent ones, long before the 90-day window
    shares = [r for r in recent if r["action"] == "share"]
    authors = {r["post"]: r["actor"] for r in recent if r["action"] == "post"}
    old = [
        {"time": r["time"] - 200 * DAY, "actor": r["actor"], "action": "share",
         "target": authors[r["parent"]]}
        for r in shares
    ]  # fmt: skip
    events = Events.from_records(recent + old)
    as_of = T0 + 30 * DAY
    keep = Reciprocity()(events, as_of=as_of)
    early = events.time < T0 - 100 * DAY
    assert early.sum() == len(old)
    assert np.all(keep[early] < 0.1)  # judged on the window, applied to the whole pair
    window = (events.time > as_of - 90 * DAY) & (events.action == 2)
    assert np.all(keep[window] < 0.1)


def test_posts_logged_after_as_of_do_not_make_returns_fast() -> None:
    # Two accounts share each other's posts within minutes; the posts are logged later than
    # the shares (clock skew) or after the scoring time: neither may change the judgement.
    rows = []
    for d in range(20):
        for a, b in (("ann", "bob"), ("bob", "ann")):
            t = T0 + d * DAY
            rows.append(
                {"time": t, "actor": b, "action": "share", "parent": f"{a}{d}", "target": a}
            )
            rows.append({"time": t + 2 * DAY, "actor": a, "action": "post", "post": f"{a}{d}"})
    events = Events.from_records(rows)  # fmt: skip
    as_of = T0 + 20 * DAY
    whole = Reciprocity()(events, as_of=as_of)
    past = events.until(as_of)
    assert np.array_equal(whole[: len(past)], Reciprocity()(past, as_of=as_of))


@pytest.mark.parametrize("seed", range(5))
def test_common_partners_match_the_matrix_square(seed: int) -> None:
    import scipy.sparse as sp

    from influence.components.reciprocity import common_partners

    rng = np.random.default_rng(seed)
    n = 60
    a, b = rng.integers(0, n, 400), rng.integers(0, n, 400)
    a[:50] = 0  # a hub
    keep = a != b
    both = np.unique(np.concatenate([a[keep] * n + b[keep], b[keep] * n + a[keep]]))
    s, t = both // n, both % n
    graph = sp.csr_array((np.ones(s.size), (s, t)), shape=(n, n))
    expected = np.asarray((graph @ graph)[s, t]).ravel()
    np.testing.assert_array_equal(common_partners(s, t, n), expected)


# The reverse-pair and common-partner look-ups as they were before they sorted their
# needles (random-access searchsorted): slow references for the rewrite, bit for bit.


def old_reverse(forward: np.ndarray, backward: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pos = np.minimum(np.searchsorted(forward, backward), forward.size - 1)
    return pos, forward[pos] == backward


def old_common_partners(source: np.ndarray, target: np.ndarray, n_users: int) -> np.ndarray:
    width = max(n_users, 1)
    key = source * width + target
    degree = np.bincount(source, minlength=width)
    start = np.concatenate(([0], np.cumsum(degree)))[:-1]
    low = np.where(degree[source] <= degree[target], source, target)
    high = source + target - low
    lengths = degree[low]
    owner = np.repeat(np.arange(source.size), lengths)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    partner = target[start[low][owner] + offset]
    probe = high[owner] * width + partner
    pos = np.minimum(np.searchsorted(key, probe), key.size - 1)
    return np.bincount(owner[key[pos] == probe], minlength=source.size)


def old_quid_pro_quo(
    source: np.ndarray,
    target: np.ndarray,
    amplified: np.ndarray,
    n_users: int,
    fast: np.ndarray,
    posts: np.ndarray,
) -> np.ndarray:
    """quid_pro_quo as it was, with the house parameters."""
    if source.size == 0:
        return np.zeros(0)
    width = max(n_users, 1)
    forward = source * width + target
    pos, found = old_reverse(forward, target * width + source)
    back = np.where(found, amplified[pos], 0.0)
    mutual = np.minimum(amplified, back)
    total = np.bincount(source, weights=amplified, minlength=width)
    exclusive = np.divide(
        amplified, total[source], out=np.zeros(source.size), where=total[source] > 0
    )
    exclusive = np.minimum(exclusive, np.where(found, exclusive[pos], 0.0))
    share = np.divide(fast, amplified, out=np.zeros(source.size), where=amplified > 0)
    quick = np.minimum(share, np.where(found, share[pos], 0.0))
    boost = (1.0 + quick) * (1.0 + 4.0 * exclusive)
    heavy = -np.expm1(-np.maximum(mutual - 3.0, 0.0) * boost / 5.0)
    pairs = mutual >= 1.0
    common = np.zeros(source.size)
    if pairs.any():
        common[pairs] = old_common_partners(source[pairs], target[pairs], width)
    ring = -np.expm1(-np.maximum(common - 2.0, 0.0) / 4.0)
    covered = np.divide(amplified, posts[target], out=np.ones(source.size), where=posts[target] > 0)
    covered = np.minimum(np.minimum(covered, np.where(found, covered[pos], 0.0)), 1.0)
    return np.where(pairs, 1.0 - (1.0 - heavy) * (1.0 - ring * covered), 0.0)


@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=40),
    st.integers(0, 2**32 - 1),
    st.sampled_from([1, 5, 1 << 16]),
)
def test_quid_pro_quo_and_common_partners_match_the_random_access_versions(
    edges: list[tuple[int, int]], seed: int, block: int
) -> None:
    from influence.components import reciprocity
    from influence.components.reciprocity import common_partners

    n = 8
    keys = np.unique([a * n + b for a, b in edges if a != b]).astype(np.int64)
    source, target = keys // n, keys % n
    rng = np.random.default_rng(seed)
    amplified = rng.integers(0, 12, keys.size).astype(np.float64)
    fast = np.minimum(amplified, rng.integers(0, 4, keys.size))
    posts = rng.integers(0, 3, n).astype(np.float64)
    both = np.unique(np.concatenate([keys, target * n + source]))
    s, t = both // n, both % n
    with pytest.MonkeyPatch.context() as patch:  # blocks of a few probes; sorted needles
        patch.setattr(reciprocity, "BLOCK", block)
        patch.setattr(pairs, "CACHED", 0 if block == 5 else 1 << 18)
        new = quid_pro_quo(source, target, amplified, n, fast=fast, posts=posts)
        common = common_partners(s, t, n)
    np.testing.assert_array_equal(new, old_quid_pro_quo(source, target, amplified, n, fast, posts))
    np.testing.assert_array_equal(common, old_common_partners(s, t, n))


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=30),
    st.integers(0, 2**32 - 1),
)
def test_quid_pro_quo_with_self_pairs_matches_the_random_access_version(
    edges: list[tuple[int, int]], seed: int
) -> None:
    n = 6
    keys = np.unique(np.array([a * n + b for a, b in edges], dtype=np.int64))
    source, target = keys // n, keys % n
    rng = np.random.default_rng(seed)
    amplified = rng.integers(0, 12, keys.size).astype(np.float64) / rng.integers(1, 3)
    fast = np.minimum(amplified, rng.integers(0, 4, keys.size))
    posts = rng.integers(0, 3, n).astype(np.float64)
    new = quid_pro_quo(source, target, amplified, n, fast=fast, posts=posts)
    np.testing.assert_array_equal(new, old_quid_pro_quo(source, target, amplified, n, fast, posts))


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 3)), max_size=40))
def test_mutual_pairs_are_the_pairs_amplified_both_ways(edges: list[tuple[int, int, int]]) -> None:
    from influence.components.reciprocity import mutual_pairs

    n = 7
    weight = {a * n + b: float(w) for a, b, w in edges}
    keys = np.array(sorted(weight), dtype=np.int64)
    amplified = np.array([weight[k] for k in keys.tolist()])
    source, target = keys // n, keys % n
    pair, reverse = mutual_pairs(source, target, amplified, n)
    expected = [
        i
        for i, (a, b) in enumerate(zip(source.tolist(), target.tolist()))
        if weight[a * n + b] >= 1 and weight.get(b * n + a, 0.0) >= 1
    ]
    assert pair.tolist() == expected
    assert np.array_equal(source[pair[reverse]], target[pair])
    assert np.array_equal(target[pair[reverse]], source[pair])
