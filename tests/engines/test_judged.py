"""Credibility's weights from statistics equal its evidence on the table (no Spark needed).

The tables an engine aggregates (:class:`~influence.engines.stats.PairStats`,
:class:`~influence.engines.spark_credibility.AimedPairs`) are built here from the
events in numpy, so that the driver's half of ``score_spark`` is checked against the
in-memory components alone.
"""

from __future__ import annotations

import numpy as np
import pytest

from influence import Events
from influence._time import DAY
from influence.components import Credibility
from influence.components.credibility_stats import Seeds
from influence.datasets import synthetic
from influence.engines.judged import counted, judge_in_order, judged, ranked, seeds_among
from influence.engines.spark_credibility import AimedPairs
from influence.engines.stats import ACTION_COLUMNS, PairStats
from influence.events import actions
from influence.kernels import engagement_between, recency_weights


def aimed_pairs(events: Events, as_of: float, window_days: float) -> tuple[AimedPairs, np.ndarray]:
    """The aimed pairs of *events*, and each row's pair (-1: not aimed)."""
    n = events.n_users
    aimed = (events.target >= 0) & (events.actor != events.target) & (events.time <= as_of)
    rows = np.flatnonzero(aimed)
    keys, inverse = np.unique(events.actor[rows] * n + events.target[rows], return_inverse=True)
    inside = events.time[rows] > as_of - window_days * DAY
    follow = inside & (events.action[rows] == actions.FOLLOW)
    pair_of = np.full(len(events), -1)
    pair_of[rows] = inverse
    found = AimedPairs(
        keys // n,
        keys % n,
        np.bincount(inverse, weights=inside, minlength=keys.size).astype(np.int64),
        np.bincount(inverse, weights=follow, minlength=keys.size).astype(np.int64),
    )
    return found, pair_of


def pair_stats(events: Events, as_of: float, window_days: float, half_life: float) -> PairStats:
    """The engagement pairs' counts, first times and recency sums per action."""
    n = events.n_users
    rows = np.flatnonzero(engagement_between(events, as_of - window_days * DAY, as_of))
    keys, inverse = np.unique(events.actor[rows] * n + events.target[rows], return_inverse=True)
    rho = recency_weights(as_of - events.time[rows], window_days, half_life)
    codes = [actions.ACTIONS.index(name) for name in ACTION_COLUMNS]
    recency = np.stack(
        [
            np.bincount(inverse, weights=rho * (events.action[rows] == c), minlength=keys.size)
            for c in codes
        ],
        axis=1,
    )
    first = np.full(keys.size, np.inf)
    np.minimum.at(first, inverse, events.time[rows])
    zeros = np.zeros(keys.size)
    return PairStats(
        source=keys // n,
        target=keys % n,
        events=np.bincount(inverse, minlength=keys.size),
        first=first,
        last=first,
        recency=recency,
        amplified=zeros,
        fast=zeros,
        timed=zeros.astype(np.int64),
        timed_recency=recency,
        lasting=recency,
    )


@pytest.fixture(scope="module")
def attacks() -> Events:
    return synthetic(seed=5, n_users=40, days=30, farm_size=10, n_sybils=20, ring_size=6).events


def test_the_weight_of_each_aimed_pair_is_credibility_s_weight_of_its_rows(
    attacks: Events,
) -> None:
    judge = Credibility()
    as_of = float(attacks.time[-1])
    aimed, pair_of = aimed_pairs(attacks, as_of, judge.window_days)
    pairs = pair_stats(attacks, as_of, judge.window_days, judge.half_life_days)
    facts = judge.judge(judge.statistics(attacks, as_of), judge.seeds(attacks))
    keep = judged(judge, facts, aimed, pairs, as_of)
    want = judge(attacks, as_of=as_of)
    got = np.where(pair_of >= 0, keep[pair_of], 1.0)
    assert np.max(np.abs(got - want)) <= 1e-12
    assert (want < 0.5).sum() > len(attacks) / 10  # the discount bites


def test_an_account_counts_if_one_of_its_interactions_keeps_trust() -> None:
    # pairs: 0->1 engagement, 0->2 follow, 1->0 engagement, 2->0 engagement and follow
    aimed = AimedPairs(
        np.array([0, 0, 1, 2]),
        np.array([1, 2, 0, 0]),
        np.array([1, 1, 2, 2]),
        np.array([0, 1, 0, 1]),
    )
    cred = np.array([1.0, 0.0, 0.5, 0.5])
    recip = np.array([0.0, 1.0, 0.0, 0.0])
    # 0: its engagement lost to reciprocity, its follow to credibility; 1: its engagement
    # to reciprocity; 2: its follow keeps credibility's 0.5.
    assert counted(aimed, cred, recip, 4).tolist() == [False, False, True, False]
    assert counted(aimed, np.ones(4), np.ones(4), 4).tolist() == [True, True, True, False]


def test_seeds_are_found_among_text_ids() -> None:
    users = np.array(["10", "7", "ann"])
    judge = Credibility(trusted=(7, "nobody"), distrusted=("ann",))
    seeds = seeds_among(judge, users)
    assert seeds.trusted.tolist() == [1]
    assert seeds.distrusted.tolist() == [2]
    assert seeds_among(judge, np.array([], dtype=str)).trusted.tolist() == []


def tied_log() -> list[tuple[float, int, str, int]]:
    """9 and 10 appear together; 100 likes both as often (a tie: its main target and
    anchor are the lowest id, 9 as numbers, 10 as text, where 101 and 102's are)."""
    rows = [(0.0, 9, "mention", 10)]
    rows += [(DAY + k, 100, "like", target) for k in range(3) for target in (9, 10)]
    rows += [(DAY + 9 + k, actor, "like", 10) for k in range(3) for actor in (101, 102)]
    return rows


def test_ties_are_broken_in_the_order_of_the_in_memory_table() -> None:
    events = Events.from_records(
        [{"time": t, "actor": a, "action": act, "target": b} for t, a, act, b in tied_log()]
    )
    judge, as_of = Credibility(), float(events.time[-1])
    want = judge.credibility(events, as_of)
    # the statistics as an engine gives them, users in text order (10, 100, ..., 9)
    ids = events.users.ids
    as_text = np.argsort(ids.astype(str), kind="stable")
    stats = ranked(judge.statistics(events, as_of), as_text)
    seeds = Seeds(ids.size, np.zeros(0, np.int64), np.zeros(0, np.int64))
    back = judge_in_order(judge, stats, seeds, np.argsort(ids[as_text], kind="stable"))
    for name in want:
        assert np.array_equal(back[name], want[name][as_text]), name
    plain = judge_in_order(judge, stats, seeds, None)  # as text: 100 joins 101 and 102
    assert not np.array_equal(plain["credibility"], want["credibility"][as_text])
