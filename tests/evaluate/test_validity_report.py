"""influence.evaluate.validity_report: ValidityReport, its paired comparisons and decile tables."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from _evaluate_logs import CUT, DAY, day
from influence import Events
from influence.evaluate import (
    Comparison,
    ValidityReport,
    decile_table,
    ndcg_at_k,
    precision_at_k,
    predictive_validity,
    rolling_validity,
    spearman,
)

# ---------------------------------------------------------------------------- comparisons


def report_of(truth: Any, **methods: Any) -> ValidityReport:
    """A one-cut-off report over hand-made values, measured by the public metrics."""
    t = np.asarray(truth, dtype=np.float64)
    values = {name: np.asarray(v, dtype=np.float64) for name, v in methods.items()}
    table = {
        name: {
            "spearman": spearman(v, t),
            "ndcg@3": ndcg_at_k(v, t, 3),
            "precision@2": precision_at_k(v, t, 2),
        }
        for name, v in values.items()
    }
    return ValidityReport(
        table=table,
        cutoff=0.0,
        horizon=1.0,
        population=t.size,
        users=np.arange(t.size),
        truth=t,
        values=values,
    )


def test_compare_tells_a_better_ranking_from_a_worse_one() -> None:
    rng = np.random.default_rng(0)
    truth = rng.poisson(2.0, 400).astype(np.float64)
    good = truth + rng.normal(0, 0.5, 400)
    bad = rng.normal(0, 1, 400)
    report = report_of(truth, scorer=good, noise=bad)
    for metric in ("spearman", "ndcg@3", "precision@2"):
        ahead = report.compare(metric, "noise", resamples=200)
        assert isinstance(ahead, Comparison)
        assert ahead.difference == pytest.approx(
            report.table["scorer"][metric] - report.table["noise"][metric]
        )
        assert ahead.unit == "users"
        assert ahead.level == 0.95
        assert ahead.low <= ahead.high
    ahead = report.compare("spearman", "noise", resamples=200)
    assert ahead.verdict == "ahead"
    assert ahead.low > 0.5
    assert ahead.ahead == 1.0
    behind = report.compare("spearman", "scorer", method="noise", resamples=200)
    assert behind.verdict == "behind"
    assert behind.ahead == 0.0
    assert "behind" in str(behind)
    assert "noise - scorer on spearman" in str(behind)


def test_compare_is_paired_and_seeded() -> None:
    rng = np.random.default_rng(1)
    truth = rng.poisson(1.0, 300).astype(np.float64)
    score = truth + rng.normal(0, 1, 300)
    report = report_of(truth, scorer=score, same=score.copy())
    tie = report.compare("spearman", "same", resamples=50)
    assert (tie.difference, tie.low, tie.high, tie.ahead) == (0.0, 0.0, 0.0, 0.0)
    assert tie.verdict == "not distinguishable"
    # a method against a noisy copy of itself: the interval covers the observed difference
    report = report_of(truth, scorer=score, jitter=score + rng.normal(0, 0.3, 300))
    one = report.compare("spearman", "jitter", resamples=300, seed=7)
    assert one == report.compare("spearman", "jitter", resamples=300, seed=7)
    assert one != report.compare("spearman", "jitter", resamples=300, seed=8)
    assert one.low <= one.difference <= one.high
    narrow = report.compare("spearman", "jitter", resamples=300, seed=7, level=0.5)
    assert one.low <= narrow.low <= narrow.high <= one.high


def test_compare_on_a_rolling_report_resamples_cutoffs(tiny: Events) -> None:
    cutoffs = [day(d) for d in (5, 7, 9, 10, 11, 12, 13, 15)]
    report = rolling_validity(tiny, cutoffs, 5 * DAY, metrics=["ndcg@2"])
    c = report.compare("ndcg@2", "pagerank", resamples=100)
    assert c.unit == "cut-offs"
    per_run = [r.table["scorer"]["ndcg@2"] - r.table["pagerank"]["ndcg@2"] for r in report.runs]
    finite = [d for d in per_run if math.isfinite(d)]
    assert len(finite) >= 5
    assert c.difference == pytest.approx(np.mean(finite))
    assert min(finite) <= c.low <= c.high <= max(finite)
    # Too few cut-offs where both are defined: no interval (review: it said "ahead" on one)
    few = rolling_validity(tiny, [day(5), CUT, day(15)], 5 * DAY, metrics=["ndcg@2"])
    with pytest.raises(ValueError, match="at least 5"):
        few.compare("ndcg@2", "pagerank")
    # A baseline missing at some cut-offs is compared where it is present
    runs = tuple(
        ValidityReport(
            table={"scorer": {"m": 0.5 + k / 100}, **({"followers": {"m": 0.4}} if k % 2 else {})},
            cutoff=float(k), horizon=1.0, population=1,
        )
        for k in range(12)
    )  # fmt: skip
    mixed = ValidityReport(
        table={"scorer": {"m": 0.55}, "followers": {"m": 0.4}}, cutoff=0.0, horizon=1.0,
        population=12, runs=runs,
    )  # fmt: skip
    assert mixed.compare("m", "followers", resamples=50).difference == pytest.approx(0.16)


def test_compare_rejects_bad_arguments() -> None:
    report = report_of([0.0, 1.0, 2.0], scorer=[1.0, 2.0, 3.0], other=[3.0, 2.0, 1.0])
    for kwargs, message in [
        ({"metric": "auc", "baseline": "other"}, "'metric' parameter"),
        ({"metric": "spearman", "baseline": "nobody"}, "'baseline' parameter"),
        ({"metric": "spearman", "baseline": "other", "method": "x"}, "'method' parameter"),
        ({"metric": "spearman", "baseline": "other", "resamples": 5}, "'resamples' parameter"),
        ({"metric": "spearman", "baseline": "other", "resamples": 10.5}, "'resamples' parameter"),
        ({"metric": "spearman", "baseline": "other", "level": 1.0}, "'level' parameter"),
        ({"metric": "spearman", "baseline": "other", "seed": -1}, "'seed' parameter"),
    ]:
        with pytest.raises(ValueError, match=message):
            report.compare(**kwargs)
    bare = ValidityReport(table=report.table, cutoff=0.0, horizon=1.0, population=3)
    with pytest.raises(ValueError, match="no per-user values"):
        bare.compare("spearman", "other")


# ---------------------------------------------------------------------------- views


def small_report() -> ValidityReport:
    return ValidityReport(
        table={
            "scorer": {"spearman": 0.25, "ndcg@100": 0.651},
            "received_count": {"spearman": 0.334, "ndcg@100": math.nan},
        },
        cutoff=CUT,
        horizon=3 * DAY,
        population=1234,
    )


def test_report_markdown_and_text() -> None:
    report = small_report()
    assert report.to_markdown() == (
        "| method | spearman | ndcg@100 |\n"
        "|---|---:|---:|\n"
        "| scorer | 0.250 | **0.651** |\n"
        "| received_count | **0.334** | n/a |"
    )
    assert report.to_markdown(2, bold_best=False).splitlines()[2] == "| scorer | 0.25 | 0.65 |"
    text = str(report)
    assert text.splitlines()[0] == (
        "Predictive validity at 2023-11-24T22:13:20Z: 1,234 users, "
        "distinct_engagers received in the next 3 days"
    )
    assert text.splitlines()[1].split() == ["method", "spearman", "ndcg@100"]
    assert text.splitlines()[3].split() == ["received_count", "0.334", "n/a"]


def test_report_best_and_immutability() -> None:
    report = small_report()
    assert report.best("spearman") == "received_count"
    assert report.best("ndcg@100") == "scorer"  # nan is never best
    with pytest.raises(ValueError, match="unknown metric"):
        report.best("precision@5")
    nothing = ValidityReport({"scorer": {"spearman": math.nan}}, CUT, DAY, 3)
    with pytest.raises(ValueError, match="no method has a finite"):
        nothing.best("spearman")
    with pytest.raises(TypeError):
        report.table["scorer"]["spearman"] = 1.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        report.population = 3  # type: ignore[misc]


def test_report_to_pandas() -> None:
    pytest.importorskip("pandas")
    frame = small_report().to_pandas()
    assert list(frame.index) == ["scorer", "received_count"]
    assert list(frame.columns) == ["spearman", "ndcg@100"]
    assert frame.loc["received_count", "spearman"] == 0.334


# ---------------------------------------------------------------------------- deciles


def test_decile_table_hand_made() -> None:
    table = decile_table([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 3], bins=2)
    np.testing.assert_array_equal(table, [[1.5, 0.0, 0.0], [3.5, 2.0, 1.0]])
    score = np.arange(100.0)
    deciles = decile_table(score, score)
    assert deciles.shape == (10, 3)
    np.testing.assert_allclose(deciles[:, 0], np.arange(10) * 10 + 4.5)
    assert deciles[:, 2].sum() == pytest.approx(1.0)
    # ties: users 0..3 tie, so each half gets their mean truth, whatever the user order
    np.testing.assert_array_equal(decile_table([1.0] * 4, [5, 5, 0, 0], bins=2)[:, 1], [2.5, 2.5])
    np.testing.assert_array_equal(decile_table([1.0] * 4, [0, 0, 5, 5], bins=2)[:, 1], [2.5, 2.5])
    # a tie of 3 straddling the halves of 6: the block mean fills its places
    table = decile_table([9.0, 1.0, 1.0, 1.0, 0.0, 5.0], [6, 3, 0, 0, 1, 2], bins=2)
    np.testing.assert_allclose(table[:, 1], [(1 + 1 + 1) / 3, (6 + 2 + 1) / 3])


def test_decile_table_small_or_empty_input_gives_nan_rows() -> None:
    table = decile_table([1.0, 2.0], [0, 0], bins=4)
    assert np.isnan(table[:, 2]).all()  # no truth at all: shares undefined
    # two users, four groups: they land in groups 2 and 4 (quantile positions)
    assert np.isnan(table[[0, 2], 1]).all()
    assert table[[1, 3], 1].tolist() == [0.0, 0.0]
    assert np.isnan(decile_table([], [])).all()


def test_report_decile_means_one_cutoff_and_rolling(tiny: Events) -> None:
    report = predictive_validity(tiny, CUT, 10 * DAY)
    for method in report.methods:
        np.testing.assert_array_equal(
            report.decile_means(method, bins=2),
            decile_table(report.values[method], report.truth, bins=2)[:, 1],
        )
    rolling = rolling_validity(tiny, [CUT, day(12)], 5 * DAY)
    per_run = [decile_table(r.values["scorer"], r.truth, 2)[:, 1] for r in rolling.runs]
    np.testing.assert_allclose(rolling.decile_means(bins=2), np.nanmean(per_run, axis=0))
    with pytest.raises(ValueError, match="unknown method 'klout'"):
        report.decile_means("klout")
    with pytest.raises(TypeError, match=r"report\.decile_means"):
        decile_table(report, report.truth)  # type: ignore[arg-type]
