"""Far-future rows: the rule on hand-made logs, twins, real logs, generated worlds, properties."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, FarFutureWarning
from influence.datasets import synthetic
from influence.datasets.loaders import load_bitcoin_otc, load_collegemsg, load_higgs
from influence.events.outliers import (
    EVIDENCE,
    GAP_FLOOR,
    far_future,
    far_future_sorted,
    scan,
    tail_size,
    warn_far_future,
)
from influence.events.timeparse import LATEST

DAY = 86_400.0
START = 1_714_521_600.0  # 2024-05-01T00:00:00Z
Y2206 = 7_447_420_800.0  # 2206-01-01T00:00:00Z: centuries ahead, as a typo makes it
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def spread(n: int, days: float, seed: int = 0) -> np.ndarray:
    """*n* times drawn uniformly over *days* days from START."""
    return START + np.random.default_rng(seed).uniform(0, days * DAY, n)


def log_of(times: np.ndarray, actors: list[str] | None = None) -> Events:
    """Likes of ann by u0..u6 (or by *actors*), one per time."""
    n = len(times)
    actor = np.array(actors if actors is not None else [f"u{k % 7}" for k in range(n)])
    return Events.from_arrays(
        time=np.asarray(times), actor=actor, action=np.array(["like"] * n), target=np.full(n, "ann")
    )


def flagged_times(times: np.ndarray) -> np.ndarray:
    return np.sort(np.asarray(times)[far_future(times).rows])


# ---------------------------------------------------------------- what must warn
def test_one_row_centuries_ahead_is_flagged_and_only_it() -> None:
    times = np.r_[spread(500, 30), Y2206]
    found = far_future(times)
    assert found.rows.tolist() == [500]
    assert found.end == times[:500].max()
    assert found.bulk_end < found.end < found.threshold < Y2206


def test_a_time_in_milliseconds_read_as_seconds() -> None:
    # A 2024 time in milliseconds is past the year 9999: refused when read, so it cannot
    # become the default as_of.
    ms = int(START * 1000)
    assert ms >= LATEST
    ev = Events.from_arrays(
        time=np.r_[spread(50, 10), ms], actor=np.arange(51), action=np.full(51, 3),
        target=np.zeros(51, dtype=int), errors="skip",
    )  # fmt: skip
    assert len(ev) == 50
    assert len(ev.rejected) == 1
    assert "milliseconds" in ev.rejected[0].reason
    # One from the 1970s in milliseconds passes (year 8900 as seconds): it is flagged.
    stamp = 220_000_000_000.0  # 1976-12-21 in milliseconds
    assert stamp < LATEST
    assert far_future(np.r_[spread(50, 10), stamp]).rows.tolist() == [50]


def test_a_handful_of_far_rows_are_all_flagged() -> None:
    times = np.r_[spread(1_000, 60), Y2206 + DAY * np.arange(5)]
    assert sorted(far_future(times).rows.tolist()) == list(range(1_000, 1_005))
    # ties: the same far row five times over
    times = np.r_[spread(1_000, 60), np.full(5, Y2206)]
    assert len(far_future(times)) == 5


def test_far_rows_come_latest_last_and_scan_agrees() -> None:
    times = np.r_[Y2206 + DAY, spread(300, 20), Y2206]
    found = far_future(times)
    assert found.rows.tolist() == [301, 0]
    on_table = scan(log_of(times))
    assert on_table.rows.tolist() == [300, 301]
    assert (on_table.threshold, on_table.end) == (found.threshold, found.end)


# ---------------------------------------------------------------- what must not warn
def test_a_genuine_returner_is_not_flagged() -> None:
    # Good twin: a year of activity, the whole log quiet for 100 days, then one user comes
    # back with one row. The gap is over the 90-day floor but within the bulk's span.
    year = spread(2_000, 365)
    returner = year.max() + 100 * DAY
    assert len(far_future(np.r_[year, returner])) == 0
    # ... while the same row centuries ahead is flagged.
    assert len(far_future(np.r_[year, Y2206])) == 1


def test_a_log_that_resumes_after_a_long_quiet_is_not_flagged() -> None:
    # Two months, four months of silence, then a week of activity by many rows (more than
    # the tail): the resumption is part of the bulk.
    first = spread(3_000, 60)
    resumed = first.max() + 120 * DAY + np.random.default_rng(1).uniform(0, 7 * DAY, 40)
    times = np.r_[first, resumed]
    assert tail_size(len(times)) < 40
    assert len(far_future(times)) == 0


def test_a_sparse_last_day_is_not_flagged() -> None:
    # Thirty busy days, then a last day with two rows hours apart, then a straggler a
    # week later: a log that fades out.
    busy = spread(30_000, 30)
    last = busy.max() + np.array([6, 20]) * 3_600.0
    times = np.r_[busy, last, last[-1] + 7 * DAY]
    assert len(far_future(times)) == 0


def test_ties_and_an_instant_log() -> None:
    instant = np.full(1_000, START)
    assert len(far_future(instant)) == 0
    assert len(far_future(np.r_[instant, START + 30 * DAY])) == 0  # within the 90-day floor
    found = far_future(np.r_[instant, Y2206])
    assert found.rows.tolist() == [1_000]
    assert found.end == START


def test_tiny_logs_warn_only_for_an_enormous_gap() -> None:
    assert len(far_future([])) == 0
    assert np.isnan(far_future([]).end)
    assert len(far_future([START])) == 0
    assert len(far_future([START, Y2206])) == 0  # two rows: which one is wrong?
    three = np.array([START, START + DAY])
    assert len(far_future(np.r_[three, START + 2 * 365 * DAY])) == 0  # two years: not enough
    assert far_future(np.r_[three, Y2206]).rows.tolist() == [2]
    # the bulk of a tiny log needs EVIDENCE / b times the floor
    n = 5
    assert tail_size(n) == 1
    need = GAP_FLOOR * EVIDENCE / (n - 2)
    base = START + np.arange(n - 1) * 60.0
    assert len(far_future(np.r_[base, base[-2] + need * 0.99])) == 0
    assert len(far_future(np.r_[base, base[-2] + need * 1.01])) == 1


def test_a_bimodal_log_is_not_an_outlier() -> None:
    # More rows than the tail in the future: two parts of a log, not a few stray rows.
    # The rule flags at most tail_size(n) rows; this is its documented limit.
    times = np.r_[spread(1_000, 30), np.full(200, Y2206)]
    assert len(far_future(times)) == 0


# ---------------------------------------------------------------- real logs, worlds
REAL = {
    "higgs": (load_higgs, DATA / "higgs" / "higgs-activity_time.txt.gz", 3_600.0),
    "collegemsg": (load_collegemsg, DATA / "collegemsg" / "CollegeMsg.txt", DAY),
    "bitcoin-otc": (load_bitcoin_otc, DATA / "bitcoin-otc" / "soc-sign-bitcoinotc.csv", 7 * DAY),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_no_real_log_warns_at_any_point_of_its_history(name: str) -> None:
    load, path, step = REAL[name]
    if not path.exists():
        pytest.skip(f"real data not available: {path} (see ../shared/data/README.md)")
    events = load(path)
    assert len(scan(events)) == 0
    assert len(far_future(np.r_[events.time, Y2206])) == 1
    # The log as it stood at every step of its history: no prefix warns either.
    t = events.time
    cuts = np.searchsorted(t, np.arange(t[0] + step, t[-1], step), side="right")
    for cut in np.unique(cuts):
        found = far_future(t[:cut])
        assert len(found) == 0, (name, cut, found)


@pytest.mark.parametrize(
    "options",
    [
        {"seed": 0},
        {"seed": 1, "days": 20.0, "future_days": 5.0},
        {"seed": 2, "n_users": 100, "days": 7.0, "future_days": 1.0},
        {"seed": 3, "farm_customers": 20, "sybil_mesh": 4, "ring_mixing": 0.3},
    ],
)
def test_no_generated_world_warns(options: dict[str, float]) -> None:
    world = synthetic(**options)  # type: ignore[arg-type]
    assert len(scan(world.events)) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_far_future(world.events)


# ---------------------------------------------------------------- the warning, the report
def test_the_warning_names_the_default_the_rows_and_the_fix() -> None:
    ev = log_of(np.r_[spread(200, 30), Y2206], [f"u{k % 7}" for k in range(200)] + ["bogus"])
    with pytest.warns(FarFutureWarning) as caught:
        found = warn_far_future(ev, parameter="end", option="--end")
    message = str(caught[0].message)
    assert caught[0].filename == __file__
    assert "the default end is 2206-01-01T00:00:00Z" in message
    assert "1 row lies at least" in message
    assert "'bogus' like 'ann'" in message  # ids as repr shows them
    end = ev.time[-2]
    assert found.end == end
    from influence.events.timeparse import format_time

    assert f"Pass end={format_time(end)!r} (--end on the command line)" in message


def test_the_warning_shows_three_rows_and_counts_the_rest() -> None:
    ev = log_of(np.r_[spread(2_000, 30), Y2206 + DAY * np.arange(6)])
    with pytest.warns(FarFutureWarning, match="6 rows lie .*; and 3 more"):
        warn_far_future(ev)


def test_report_counts_far_future_rows() -> None:
    ev = log_of(np.r_[spread(200, 30), Y2206, Y2206])
    assert ev.report() == {"far future (kept)": 2}
    assert log_of(spread(200, 30)).report() == {}


# ---------------------------------------------------------------- properties
def times_strategy() -> st.SearchStrategy[list[float]]:
    bulk = st.lists(st.floats(0, 400 * DAY), min_size=0, max_size=120)
    far = st.lists(st.floats(400 * DAY, 200 * 365 * DAY), min_size=0, max_size=12)
    return st.builds(lambda a, b: [START + x for x in a + b], bulk, far)


@settings(max_examples=150, deadline=None)
@given(times_strategy(), st.randoms(use_true_random=False))
def test_invariant_to_row_order_and_only_the_latest_rows(times: list[float], rng: object) -> None:
    t = np.array(times)
    found = far_future(t)
    order = np.array(rng.sample(range(len(t)), len(t)), dtype=int)  # type: ignore[attr-defined]
    shuffled = far_future(t[order])
    np.testing.assert_array_equal(flagged_times(t[order]), flagged_times(t))
    np.testing.assert_equal(
        (shuffled.threshold, shuffled.bulk_end), (found.threshold, found.bulk_end)
    )
    assert len(found) <= tail_size(len(t))
    if len(found):
        rest = np.delete(t, found.rows)
        assert t[found.rows].min() > rest.max() == found.end
        later = t.copy()
        later[found.rows[-1]] += 365 * DAY  # a flagged row moved later stays flagged
        assert found.rows[-1] in far_future(later).rows
    # the sorted path of Events agrees with the partition path
    if len(t):
        np.testing.assert_array_equal(log_of(t).time[scan(log_of(t)).rows], flagged_times(t))


@settings(max_examples=150, deadline=None)
@given(times_strategy(), st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_rows_added_inside_the_bulk_never_unflag_a_row(
    times: list[float], where: list[float]
) -> None:
    t = np.array(times)
    found = far_future(t)
    if not np.isfinite(found.threshold):
        return
    added = found.bulk_start + np.array(where) * (found.bulk_end - found.bulk_start)
    grown = np.r_[t, added]
    after = far_future(grown)
    assert set(found.rows.tolist()) <= set(after.rows.tolist())
    same_tail = tail_size(len(grown)) == tail_size(len(t))
    big_bulk = len(t) - 2 * tail_size(len(t)) >= EVIDENCE
    if same_tail and big_bulk:  # the documented case: exactly the same rows
        assert after.threshold == found.threshold
        assert after.rows.tolist() == found.rows.tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 3e9, allow_nan=False), min_size=0, max_size=400),
    st.lists(st.floats(0.0, 3e9, allow_nan=False), min_size=0, max_size=60),
    st.lists(st.floats(7e9, 8e9, allow_nan=False), min_size=0, max_size=5),
)
def test_far_future_sorted_reads_the_union_as_far_future_does(
    kept: list[float], batch: list[float], typos: list[float]
) -> None:
    # A state's sorted times and a sorted batch (with, maybe, a few mistyped years).
    a, b = np.sort(np.asarray(kept)), np.sort(np.asarray(batch + typos))
    got = far_future_sorted(a, b)
    want = far_future(np.concatenate([a, b]))
    assert len(got) == len(want)
    assert (got.bulk_start, got.bulk_end, got.threshold) == (
        want.bulk_start, want.bulk_end, want.threshold,
    ) or not (a.size + b.size)  # fmt: skip
    assert got.end == want.end or np.isnan(want.end)
