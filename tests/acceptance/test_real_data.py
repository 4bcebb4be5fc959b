"""Validity on the real data sets in ../shared/data (skipped when absent).

A first check of predictive validity: score on the events before a cut-off and
compare with what each user receives after it. The full harness, with its
baselines and reports, is `influence.evaluate` (a later issue); these tests
guard that the house scorer stays predictive and handles real logs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from influence import Events, Scorer

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
HIGGS = DATA / "higgs" / "higgs-activity_time.txt.gz"
COLLEGE = DATA / "collegemsg" / "CollegeMsg.txt"
CODES = {"RT": 2, "MT": 4, "RE": 1}  # retweet -> share, mention, reply


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not available: {path} (see ../shared/data/README.md)")
    return path


def ndcg_at(k: int, score: np.ndarray, relevance: np.ndarray) -> float:
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    top = np.argsort(-score, kind="stable")[:k]
    ideal = np.sort(relevance)[::-1][:k]
    return float((relevance[top] * discount).sum() / (ideal * discount).sum())


def future_received(events: Events, cut: float, scored_ids: np.ndarray) -> np.ndarray:
    later = events.select(events.time > cut)
    other = later.actor != later.target
    received = np.bincount(later.target[other], minlength=events.n_users).astype(float)
    return received[events.users.indices(scored_ids)]


@pytest.fixture(scope="module")
def higgs() -> Events:
    raw = np.loadtxt(need(HIGGS), dtype=str)
    action = np.array([CODES[t] for t in raw[:, 3]], dtype=np.int8)
    return Events.from_arrays(
        time=raw[:, 2].astype(float),
        actor=raw[:, 0].astype(np.int64),
        action=action,
        target=raw[:, 1].astype(np.int64),
    )


def test_higgs_loads_whole(higgs: Events) -> None:
    assert len(higgs) == 563_069
    assert higgs.n_users == 304_691
    assert higgs.action_counts()["share"] == 354_930


def test_higgs_scores_predict_what_users_receive_next(higgs: Events) -> None:
    cut = 1_341_100_800 + 4 * 86_400 - 1  # 2012-07-01..04 scored, 05..07 compared
    scores = Scorer().score(higgs, as_of=cut)
    future = future_received(higgs, cut, scores.users.ids)
    assert ndcg_at(100, scores.values, future) > 0.6
    assert spearmanr(scores.values, future)[0] > 0.2
    assert scores.values.min() >= 0.0
    assert scores.values.max() < 100.0


def test_collegemsg_weekly_scores_predict_next_week() -> None:
    raw = np.loadtxt(need(COLLEGE), dtype=np.int64)
    events = Events.from_arrays(
        time=raw[:, 2].astype(float),
        actor=raw[:, 0],
        action=np.full(len(raw), 4, dtype=np.int8),
        target=raw[:, 1],
    )
    assert len(events) == 59_835
    week = 7 * 86_400.0
    assert events.start is not None
    cut = events.start + 8 * week
    scores = Scorer().score(events, as_of=cut)
    later = events.select((events.time > cut) & (events.time <= cut + week))
    pairs = np.unique(later.target.astype(np.int64) * events.n_users + later.actor)
    distinct = np.bincount(pairs // events.n_users, minlength=events.n_users).astype(float)
    future = distinct[events.users.indices(scores.users.ids)]
    assert spearmanr(scores.values, future)[0] > 0.3
