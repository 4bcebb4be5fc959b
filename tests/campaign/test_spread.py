"""Spread within hops: RR estimates against possible worlds, IMM against brute force."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable

import numpy as np
import pytest
import scipy.sparse as sp

from influence import Events
from influence.campaign import expected_reach, forecast, lazy_greedy, select
from influence.campaign.greedy import Coverage
from influence.campaign.spread import (
    RRSets,
    imm,
    influence_graph,
    marginal_gains,
    node_selection,
    rr_sets,
)

DAY = 86_400.0
GUARANTEE = 1.0 - 1.0 / math.e


def tiny_graph(seed: int, n: int, edges: int) -> sp.csr_array:
    """A random graph of *edges* distinct edges u -> v (u != v), chance[u, v] = p."""
    rng = np.random.default_rng(seed)
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    picked = rng.choice(len(pairs), size=edges, replace=False)
    rows = [pairs[i][0] for i in picked]
    cols = [pairs[i][1] for i in picked]
    probability = rng.choice([0.2, 0.5, 0.7, 1.0], size=edges)
    return sp.csr_array((probability, (rows, cols)), shape=(n, n))


def exact_spreads(chance: sp.csr_array, hops: int, sets: Iterable[tuple[int, ...]]) -> list[float]:
    """sigma_h(S) by enumerating every live-edge world: the people within h live steps."""
    coo = chance.tocoo()
    edges = list(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()))
    n = chance.shape[0]
    wanted = list(sets)
    out = [0.0] * len(wanted)
    for live in itertools.product((False, True), repeat=len(edges)):
        weight = 1.0
        out_edges: list[list[int]] = [[] for _ in range(n)]
        for on, (u, v, p) in zip(live, edges):
            weight *= p if on else 1.0 - p
            if on:
                out_edges[u].append(v)
        if weight == 0.0:
            continue
        for i, seeds in enumerate(wanted):
            reached, frontier = set(seeds), set(seeds)
            for _ in range(hops):
                frontier = {w for u in frontier for w in out_edges[u]} - reached
                reached |= frontier
            out[i] += weight * len(reached)
    return out


@pytest.mark.parametrize("graph_seed", [0, 1, 2])
@pytest.mark.parametrize("hops", [1, 2, 3])
def test_rr_estimate_matches_the_possible_worlds(graph_seed: int, hops: int) -> None:
    chance = tiny_graph(graph_seed, n=6, edges=9)
    sets = [(0,), (1, 3), (2, 4, 5)]
    truth = exact_spreads(chance, hops, sets)
    sample = rr_sets(influence_graph(chance), 20_000, hops=hops, seed=graph_seed)
    for seeds, exact in zip(sets, truth):
        found = sample.estimate(seeds, level=0.999)
        share = exact / 6
        error = 6 * math.sqrt(share * (1 - share) / sample.count)
        assert abs(found.value - exact) <= 4 * error + 1e-12
        assert found.low - 1e-12 <= exact <= found.high + 1e-12


def test_more_hops_reach_further_and_depth_is_a_bound() -> None:
    # A chain 0 -> 1 -> 2 -> 3 that is always live: h hops reach h + 1 people.
    chain = sp.csr_array(([1.0, 1.0, 1.0], ([0, 1, 2], [1, 2, 3])), shape=(4, 4))
    graph = influence_graph(chain)
    for hops in (1, 2, 3, 4):
        sample = rr_sets(graph, 400, hops=hops, seed=0)
        found = sample.estimate([0], level=0.999)
        assert found.low <= min(hops + 1, 4) <= found.high
        # every set holds its root and exactly the nodes within `hops` of it, backwards
        sizes = np.diff(sample.indptr)
        roots = sample.nodes[sample.indptr[1:] - 1]  # the largest node of a chain's set
        assert np.array_equal(sizes, np.minimum(roots, hops) + 1)


def test_hops_one_is_the_direct_expected_reach_plus_each_seed_itself() -> None:
    # sigma_1(S) + sum n_u = f(S) + sum_{v in S} prod_{u in S} (1 - q_uv): with one hop the
    # cascade is the direct audience; a seed counts itself, where the direct reach counts
    # it only when another seed reaches it. The newcomers are the same modular term.
    for seed in range(4):
        chance = tiny_graph(seed, n=6, edges=10)
        newcomers = np.random.default_rng(seed).choice([0.0, 0.5, 2.0], size=6)
        dense = chance.toarray()
        for seeds in [(0,), (1, 2), (0, 3, 5)]:
            direct = expected_reach(chance, newcomers, seeds)
            itself = sum(np.prod([1 - dense[u, v] for u in seeds]) for v in seeds)
            (exact,) = exact_spreads(chance, 1, [seeds])
            assert exact + newcomers[list(seeds)].sum() == pytest.approx(direct + itself)
            sample = rr_sets(influence_graph(chance), 20_000, hops=1, seed=seed)
            found = sample.estimate(seeds, newcomers, level=0.999)
            assert found.low <= direct + itself <= found.high


def test_same_seed_same_sets_and_choice() -> None:
    graph = influence_graph(tiny_graph(5, n=8, edges=20))
    one, two = rr_sets(graph, 3_000, seed=7), rr_sets(graph, 3_000, seed=7)
    assert np.array_equal(one.indptr, two.indptr)
    assert np.array_equal(one.nodes, two.nodes)
    other = rr_sets(graph, 3_000, seed=8)
    assert not np.array_equal(one.nodes, other.nodes)
    first, again = imm(graph, 3, seed=4), imm(graph, 3, seed=4)
    assert first.chosen.tolist() == again.chosen.tolist()
    assert first.gains.tolist() == again.gains.tolist()
    assert first.sets.count == again.sets.count
    assert first.sampled == again.sampled


def test_node_selection_is_the_greedy_on_the_sets() -> None:
    # The bincount greedy chooses as CELF does on the same coverage (ties: smaller index).
    graph = influence_graph(tiny_graph(3, n=9, edges=25))
    sample = rr_sets(graph, 2_000, hops=2, seed=1)
    owners = sample.owners()
    weight = np.full(owners.size, sample.n / sample.count)
    member = sp.csr_array((weight, (sample.nodes, owners)), shape=(sample.n, sample.count))
    chosen, gains, covered = node_selection(sample, 4, candidates=[0, 2, 3, 5, 6, 8])
    celf = lazy_greedy(Coverage(member, 1), np.array([0, 2, 3, 5, 6, 8]), k=4)
    assert chosen.tolist() == celf.chosen.tolist()
    assert np.allclose(gains, celf.gains)
    assert np.allclose(marginal_gains(sample, chosen), gains)
    assert covered == np.count_nonzero(sample.hit(chosen))
    assert sample.estimate(chosen).value == pytest.approx(gains.sum())


def test_imm_reaches_its_guarantee_against_brute_force() -> None:
    at_optimum = 0
    for seed in range(12):
        chance = tiny_graph(100 + seed, n=7, edges=10)
        pairs = list(itertools.combinations(range(7), 2))
        truth = dict(zip(pairs, exact_spreads(chance, 2, pairs)))
        best = max(truth.values())
        found = imm(influence_graph(chance), 2, hops=2, epsilon=0.3, seed=seed)
        got = truth[tuple(sorted(found.chosen.tolist()))]  # type: ignore[index]
        assert got >= (GUARANTEE - 0.3) * best
        at_optimum += got >= best - 1e-9
    assert at_optimum >= 9  # usually at the optimum itself


def test_imm_draws_as_the_martingale_bounds_say() -> None:
    # theta = ceil(lambda* / LB), LB from the sampling phase: smaller epsilon, more sets.
    graph = influence_graph(tiny_graph(9, n=8, edges=20))
    coarse, fine = imm(graph, 2, epsilon=0.5, seed=0), imm(graph, 2, epsilon=0.25, seed=0)
    n, k = 8, 2
    ell = 1.0 + math.log(2) / math.log(n)
    log_cnk = math.log(math.comb(n, k))
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt(GUARANTEE * (log_cnk + ell * math.log(n) + math.log(2)))
    for found, eps in ((coarse, 0.5), (fine, 0.25)):
        star = 2 * n * (GUARANTEE * alpha + beta) ** 2 / eps**2
        assert found.sets.count == math.ceil(star / found.lower_bound)
        assert 1.0 <= found.lower_bound <= n
    assert fine.sets.count > 3 * coarse.sets.count


def chain_events(trusted: bool) -> tuple[Events, np.ndarray]:
    """'fan' engages 'ann' every other day; twelve people engage 'fan' (enough pairs to fit
    the forecast on). The trust of fan's engagement of ann is 0 when *trusted* is False
    (a fake engager)."""
    rows: list[dict[str, object]] = []
    for day in range(0, 60, 2):
        rows.append({"time": day * DAY, "actor": "fan", "action": "reply", "target": "ann"})
        for i in range(12):
            rows.append(
                {"time": day * DAY + 60 * (i + 1), "actor": f"p{i}", "action": "like",
                 "target": "fan"}
            )  # fmt: skip
    events = Events.from_records(rows)
    trust = np.ones(len(events))
    if not trusted:
        fan, ann = events.users.index("fan"), events.users.index("ann")
        trust[(events.actor == fan) & (events.target == ann)] = 0.0
    return events, trust


def test_fake_engagers_propagate_nothing() -> None:
    for trusted in (True, False):
        events, trust = chain_events(trusted)
        seen = forecast(events, horizon_days=10, trust=trust)
        ann = seen.users.index("ann")
        sample = rr_sets(influence_graph(seen.chance), 5_000, hops=2, seed=0)
        spread = sample.estimate([ann], level=0.999)
        people = [seen.users.index(f"p{i}") for i in range(12)]
        beyond = np.count_nonzero(sample.hit([ann]) & sample.hit(people))
        if trusted:  # the good twin: the fan returns surely, and so do the people
            assert spread.low > 4.0
            assert beyond > 0
        else:  # ann alone, in her own sets: the fake fan carries nobody onward
            assert beyond == 0
            assert spread.low <= 1.0 <= spread.high
            assert np.all(np.diff(sample.indptr)[sample.hit([ann])] == 1)


def records(seed: int) -> list[dict[str, object]]:
    """Everyone both engages and is engaged, over 60 days: two hops to go."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for _ in range(150):
        actor, target = rng.sample([f"u{i}" for i in range(14)], 2)
        action = rng.choice(["like", "share", "reply", "mention"])
        rows.append(
            {"time": float(rng.randrange(60 * 24)) * 3600, "actor": actor, "action": action,
             "target": target}
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("seed", [0, 1])
def test_select_spread_is_the_same_whatever_the_order_of_rows(seed: int) -> None:
    rows = records(seed)
    mixed = rows[:]
    random.Random(seed + 10).shuffle(mixed)
    one = select(Events.from_records(rows), k=3, objective="spread", seed=seed)
    two = select(Events.from_records(mixed), k=3, objective="spread", seed=seed)
    assert one.users == two.users
    assert one.gains.tolist() == two.gains.tolist()
    assert np.array_equal(one.overlap, two.overlap)
    assert one.interval == two.interval
    assert one.samples == two.samples > 0
    assert one.objective == "spread"
    assert one.hops == 2
    assert one.method == "IMM"
    assert one.guarantee == pytest.approx(GUARANTEE - 0.5)
    low, high = one.interval or (0.0, 0.0)
    assert low <= high
    assert one.reach == pytest.approx(float(one.gains.sum()))
    assert one.top_gains.shape == (len(one.top_users),)


def test_select_spread_one_hop_chooses_by_the_direct_reach_plus_itself() -> None:
    events = Events.from_records(records(3))
    direct = select(events, k=1, objective="expected")
    one_hop = select(events, k=1, objective="spread", hops=1, epsilon=0.1)
    # One account: sigma_1 = its direct expected reach + 1 (itself), up to sampling.
    assert one_hop.interval is not None
    assert one_hop.interval[0] - 1.0 <= direct.gains[0] <= one_hop.interval[1] - 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 2, "objective": "spread", "frequency": 2}, "'spread', takes k and frequency 1"),
        ({"k": 2, "objective": "spread", "hops": 0}, "'hops'"),
        ({"k": 2, "objective": "spread", "epsilon": 0.7}, "'epsilon'"),
        ({"k": 2, "objective": "spread", "seed": -1}, "'seed'"),
    ],
)
def test_errors_name_the_parameter(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        select(Events.from_records(records(0)), **kwargs)  # type: ignore[arg-type]


def test_empty_sets_estimate_says_nothing() -> None:
    empty = RRSets(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), n=3, hops=2)
    found = empty.estimate([0])
    assert (found.value, found.low, found.high, found.sets) == (0.0, 0.0, 3.0, 0)
