"""Times in: every accepted form of an event time, exact far from now, or rejected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from events._sample import HOUR, T0, follow, names
from influence import Events, InvalidEventError

PARIS_SUMMER = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize(
    "value",
    [
        T0,
        float(T0),
        np.int64(T0),
        np.float64(T0),
        dt.datetime(2024, 5, 1, 9, 0),
        dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 5, 1, 11, 0, tzinfo=PARIS_SUMMER),
        pd.Timestamp("2024-05-01T09:00:00Z"),
        "2024-05-01T09:00:00",
        "2024-05-01 09:00:00",
        "2024-05-01T09:00:00Z",
        "2024-05-01T09:00:00z",
        "2024-05-01T09:00:00+00:00",
        "2024-05-01T11:00:00+02:00",
        "2024-05-01T04:00:00-05:00",
        " 2024-05-01T09:00:00Z ",
        str(T0),
        f"{T0}.0",
        f" {T0} ",
        np.datetime64("2024-05-01T09:00:00"),
        np.datetime64("2024-05-01T09:00:00.000000000"),
    ],
    ids=repr,
)
def test_time_forms(value: Any) -> None:
    ev = Events.from_records([follow(time=value)])
    assert ev.time.tolist() == [float(T0)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, 1.5),
        ("1.25", 1.25),
        (-10, -10.0),
        ("2024-05-01T09:00:00.250Z", T0 + 0.25),
        (dt.date(2024, 5, 1), float(T0 - 9 * HOUR)),
        ("2024-05-01", float(T0 - 9 * HOUR)),
    ],
    ids=repr,
)
def test_time_values(value: Any, expected: float) -> None:
    assert Events.from_records([follow(time=value)]).time.tolist() == [expected]


def test_times_far_from_now_are_exact_or_rejected() -> None:
    # datetime64 beyond 2262 (where a cast to nanoseconds wraps around) is read exactly
    ev = Events.from_arrays(
        time=np.array(["2500-01-01", "1600-01-01"], dtype="datetime64[us]"),
        actor=np.array(["a", "b"]), action=np.array(["follow", "follow"]),
        target=np.array(["b", "a"]),
    )  # fmt: skip
    assert ev.time.tolist() == [-11676096000.0, 16725225600.0]
    # whole seconds in nanoseconds stay whole (a multiplication by 1e-9 would not)
    when = np.datetime64("2003-04-10T18:40:00", "ns")
    ev = Events.from_arrays(
        time=np.array([when - np.timedelta64(3600, "s"), when]),
        actor=np.array(["a", "b"]), action=np.array(["follow", "follow"]),
        target=np.array(["b", "a"]),
    )  # fmt: skip
    assert ev.time.tolist() == [1_049_996_400.0, 1_050_000_000.0]
    assert len(ev.until("2003-04-10T18:40:00Z")) == 2
    # outside the years 1-9999 (DuckDB's "infinity", epoch milliseconds): a bad time
    for value in (1_714_554_000_000, 1.7e12, -1e12, np.datetime64("294247-01-10T04:00:54")):
        with pytest.raises(InvalidEventError, match="years 1 to 9999") as caught:
            Events.from_records([follow(time=value)])
        assert ("milliseconds" in str(caught.value)) == (not isinstance(value, np.datetime64))
    ev = Events.from_records([follow(time=1.7e12), follow(time=T0)], errors="skip")
    assert ev.time.tolist() == [float(T0)]
    assert ev.report() == {"bad time": 1}


def test_mixed_time_forms_in_one_column() -> None:
    records = [
        follow(time="2024-05-01T10:00:00Z", actor="x"),
        follow(time=dt.datetime(2024, 5, 1, 9, 30), actor="y"),
        follow(time=T0, actor="z"),
    ]
    ev = Events.from_records(records)
    assert ev.time.tolist() == [float(T0), T0 + 1800.0, T0 + 3600.0]
    assert names(ev, "actor") == ["z", "y", "x"]


def test_the_milliseconds_hint_appears_for_numeric_text_too(tmp_path: Path) -> None:
    # Issue 15, section 2: a CSV (and so the command line) reads times as text.
    path = tmp_path / "ms.csv"
    path.write_text("time,actor,action,target\n1700000000000,ann,like,bob\n", encoding="utf-8")
    with pytest.raises(InvalidEventError, match="epoch milliseconds or microseconds"):
        Events.read_csv(path)
    with pytest.raises(InvalidEventError, match="epoch milliseconds or microseconds"):
        Events.from_records([{"time": " 1.7e12 ", "actor": "ann", "action": "like"}])
    with pytest.raises(InvalidEventError) as caught:  # a date out of range is not a unit slip
        Events.from_records([{"time": "10000-01-01", "actor": "ann", "action": "like"}])
    assert "milliseconds" not in str(caught.value)
