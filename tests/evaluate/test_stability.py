"""influence.evaluate.stability: rank_stability, churn measured beside prediction."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _evaluate_logs import DAY, counting, day, likes, weekly
from influence import Events
from influence.evaluate import (
    BASELINES,
    STABILITY_METRICS,
    RecencyReceived,
    StabilityReport,
    predictive_validity,
    rank_stability,
    received_count,
    rolling_validity,
    spearman,
)


# ---------------------------------------------------------------------------- rank_stability
def test_a_method_that_does_not_move_is_perfectly_stable() -> None:
    events = weekly()
    # nothing happens between day 26 and day 27: the all-history count cannot move
    report = rank_stability(events, [day(26), day(27)], counting(), baselines=["received_count"])
    assert report.table["received_count"] == {"spearman": 1.0, "precision@100": 1.0}
    assert report.table["scorer"]["spearman"] == pytest.approx(1.0)


def test_each_step_compares_a_method_with_itself_on_the_users_scored_at_both() -> None:
    events = weekly()
    cuts = [day(7), day(14), day(21), day(28)]
    report = rank_stability(events, cuts, counting(), baselines=["received_count"])
    assert isinstance(report, StabilityReport)
    assert report.cutoffs == tuple(cuts)
    assert len(report.steps) == 3
    users_at = [
        np.isin(
            np.arange(events.n_users),
            events.users.indices(counting().score(events.until(c), as_of=c).users.ids),
        )
        for c in cuts
    ]
    assert report.population == sum(int((a & b).sum()) for a, b in itertools.pairwise(users_at))
    for step, (a, b, first, second) in enumerate(zip(cuts, cuts[1:], users_at, users_at[1:])):
        both = first & second
        expected = spearman(
            received_count(events.until(a), a)[both], received_count(events.until(b), b)[both]
        )
        assert report.steps[step]["received_count"]["spearman"] == pytest.approx(expected)
    means = [s["received_count"]["spearman"] for s in report.steps]
    assert report.table["received_count"]["spearman"] == pytest.approx(float(np.mean(means)))


def test_a_short_time_scale_churns_more_than_a_long_one() -> None:
    events = weekly()
    cuts = [day(7), day(14), day(21), day(28)]
    report = rank_stability(
        events,
        cuts,
        counting(),
        metrics=["spearman", "precision@2"],
        baselines={
            "slow": RecencyReceived(),
            "fast": RecencyReceived(half_life_days=0.25, window_days=7.0),
        },
    )
    assert report.table["fast"]["spearman"] < report.table["slow"]["spearman"]
    assert report.table["fast"]["precision@2"] <= report.table["slow"]["precision@2"]
    assert report.methods == ("scorer", "slow", "fast")
    assert report.metrics == ("spearman", "precision@2")


def test_a_random_ranking_is_unstable() -> None:
    rng = np.random.default_rng(0)

    def noise(events: Events, as_of: float) -> np.ndarray:
        return rng.random(events.n_users)

    events = likes([(d / 4, f"u{d}", f"t{d % 40}") for d in range(400)])
    report = rank_stability(
        events,
        [day(30), day(60), day(90)],
        counting(),
        baselines={"noise": noise},
        metrics=["spearman", "precision@10"],
    )
    assert abs(report.table["noise"]["spearman"]) < 0.2
    assert report.table["scorer"]["spearman"] > 0.5
    assert report.table["noise"]["precision@10"] == pytest.approx(
        float(np.mean([s["noise"]["precision@10"] for s in report.steps]))
    )


def test_cutoff_order_does_not_matter() -> None:
    events = weekly()
    forward = rank_stability(events, [day(7), day(14), day(21)], counting())
    shuffled = rank_stability(events, [day(21), day(7), day(14)], counting())
    assert forward == shuffled
    assert forward.methods == ("scorer", *(n for n in BASELINES if n != "followers"))


def test_bad_cutoffs_and_parameters_are_named() -> None:
    events = weekly()
    with pytest.raises(ValueError, match=r"'cutoffs' parameter of rank_stability.*two distinct"):
        rank_stability(events, [day(7)])
    with pytest.raises(ValueError, match="two distinct"):
        rank_stability(events, [day(7), day(7)])
    with pytest.raises(ValueError, match="no events at or before the first cut-off"):
        rank_stability(events, [day(-5), day(7)])
    with pytest.raises(ValueError, match=r"'metrics' parameter of rank_stability.*'kendall'"):
        rank_stability(events, [day(7), day(14)], metrics=["kendall"])
    with pytest.raises(ValueError, match=r"'baselines' parameter of rank_stability.*'nope'"):
        rank_stability(events, [day(7), day(14)], baselines=["nope"])
    with pytest.raises(TypeError, match=r"influence\.Events"):
        rank_stability([], [day(7), day(14)])  # type: ignore[arg-type]


def test_a_baseline_of_the_wrong_shape_is_refused() -> None:
    events = weekly()
    with pytest.raises(ValueError, match="baseline 'short' must return 10 finite values"):
        rank_stability(events, [day(7), day(14)], baselines={"short": lambda ev, t: np.zeros(3)})


def test_the_report_prints_and_converts() -> None:
    report = rank_stability(weekly(), [day(7), day(14), day(21)], counting())
    text = str(report)
    assert text.startswith("Rank stability, mean over 2 steps from ")
    assert "user-steps" in text
    assert "scorer" in text
    markdown = report.to_markdown()
    assert markdown.splitlines()[0] == "| method | spearman | precision@100 |"
    pd = pytest.importorskip("pandas")
    frame = report.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["spearman", "precision@100"]
    assert frame.loc["scorer", "spearman"] == report.table["scorer"]["spearman"]


def test_ndcg_is_not_a_stability_metric() -> None:
    with pytest.raises(ValueError, match=r"rank metrics.*\['ndcg@10'\]"):
        rank_stability(weekly(), [day(7), day(14)], metrics=["spearman", "ndcg@10"])


# ---------------------------------------------------------------------------- properties
@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 29), st.integers(0, 5), st.integers(0, 5)),
        min_size=8,
        max_size=40,
    ),
    later=st.lists(
        st.tuples(st.integers(31, 40), st.integers(0, 7), st.integers(0, 7)),
        min_size=1,
        max_size=10,
    ),
)
def test_no_future_leakage(
    rows: list[tuple[int, int, int]], later: list[tuple[int, int, int]]
) -> None:
    # what happens after the last cut-off cannot change any step (users who only appear later
    # are not scored at any cut-off, so they are not compared either)
    def log(items: list[tuple[int, int, int]]) -> Events:
        return likes([(d, f"u{a}", f"u{b}") for d, a, b in items if a != b])

    past = log(rows)
    assume(past.start is not None and past.start <= day(10))
    cuts = [day(10), day(20), day(30)]
    options: dict[str, Any] = {"baselines": ["received_count", "distinct_engagers"]}
    before = rank_stability(past, cuts, counting(), **options)
    after = rank_stability(log(rows + later), cuts, counting(), **options)
    assert after.population == before.population
    for step_before, step_after in zip(before.steps, after.steps):
        for method, row in step_before.items():
            for metric, value in row.items():
                other = step_after[method][metric]
                assert (math.isnan(value) and math.isnan(other)) or value == pytest.approx(other)


# ---------------------------------------------------------------------------- from a rolling report
def test_a_rolling_report_gives_its_stability_without_rescoring() -> None:
    events = weekly()
    cuts = [day(7), day(14), day(21)]
    options: dict[str, Any] = {"baselines": ["received_count", "distinct_engagers"]}
    rolling = rolling_validity(events, cuts, 3 * DAY, counting(), **options)
    direct = rank_stability(events, cuts, counting(), **options)
    derived = rolling.stability()
    assert derived.cutoffs == direct.cutoffs
    assert derived.population == direct.population
    assert derived.methods == direct.methods
    for method, row in direct.table.items():
        for metric, value in row.items():
            assert derived.table[method][metric] == pytest.approx(value, nan_ok=True)
    receivers = rolling_validity(events, cuts, 3 * DAY, counting(), population="receivers")
    assert receivers.stability().population <= derived.population


def test_stability_of_a_report_needs_rolling_cutoffs_and_rank_metrics() -> None:
    events = weekly()
    one = predictive_validity(events, day(14), 3 * DAY, counting())
    with pytest.raises(ValueError, match=r"rolling report with two cut-offs or more.*has 1"):
        one.stability()
    rolling = rolling_validity(events, [day(7), day(14)], 3 * DAY, counting())
    with pytest.raises(ValueError, match=r"ValidityReport.stability must name rank metrics"):
        rolling.stability(["ndcg@10"])


def test_a_reports_stability_reads_its_own_rank_metrics_by_default() -> None:
    events = weekly()
    cuts = [day(7), day(14)]
    mixed = rolling_validity(
        events, cuts, 3 * DAY, counting(), metrics=["spearman", "ndcg@10", "precision@5"]
    )
    assert mixed.stability().metrics == ("spearman", "precision@5")
    only_ndcg = rolling_validity(events, cuts, 3 * DAY, counting(), metrics=["ndcg@10"])
    assert only_ndcg.stability().metrics == STABILITY_METRICS
