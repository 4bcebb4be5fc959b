"""influence.evaluate.signed: where net-negative users fall in a ranking of signed ratings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from influence import Events
from influence.evaluate import Ratings, signed_rank_report


def test_signed_rank_report_constructed() -> None:
    # users 1..6: 6 is a fraudster (net -8) with one positive rating; 5 is rated down then up
    rater = np.array([1, 2, 3, 4, 1, 2, 3, 5, 1, 2])
    ratee = np.array([2, 3, 1, 1, 6, 6, 6, 5, 5, 5])
    rating = np.array([5, 3, 2, 2, 1, -5, -4, 9, -2, 4])
    ratings = Ratings(rater=rater, ratee=ratee, rating=rating, time=np.arange(10.0))
    good = rating > 0
    events = Events.from_arrays(
        time=ratings.time[good],
        actor=rater[good],
        action=np.full(int(good.sum()), 3),
        target=ratee[good],
    )
    report = signed_rank_report(
        events, ratings, baselines=["received_count"], tops=[0.2, 0.5], as_of=9.0
    )
    assert report.population == 6
    assert report.flagged == 1
    assert report.flagged_scored == 1
    # received_count (5's self-rating ignored): 1 -> 2, 2 -> 1, 3 -> 1, 4 -> 0, 5 -> 1, 6 -> 1
    # top 20% = 2 places: user 1, then one place shared by the 4 users tied at 1 (6 among them)
    row = report.table["received_count"]
    assert row["top 20%"] == pytest.approx(1 / 4)
    assert row["top 50%"] == pytest.approx(2 / 4)  # 3 places: user 1, then 2 shared by 4
    # average ranks ascending: 4 -> 1, {2,3,5,6} -> 3.5, 1 -> 6; percentile (3.5 - 0.5) / 6
    assert row["median percentile"] == pytest.approx(50.0)
    assert report.columns == ("top 20%", "top 50%", "median percentile")
    assert report.to_markdown().splitlines()[0] == (
        "| method | top 20% | top 50% | median percentile |"
    )
    assert "1 of 6 users" in str(report)
    # a ranking that ties everyone places the flagged user at chance: half of them in the top half
    flat = signed_rank_report(
        events, ratings, baselines={"flat": lambda e, t: np.zeros(e.n_users)}, tops=[0.5]
    )
    assert flat.table["flat"]["top 50%"] == 0.5
    assert flat.table["flat"]["median percentile"] == 50.0
    # by default as_of is the latest rating, even a negative one after the last endorsement
    assert signed_rank_report(events, ratings, baselines=[]).as_of == 9.0
    early = signed_rank_report(events, ratings, baselines=[], as_of=4.0)
    assert early.flagged == 0
    assert math.isnan(early.table["scorer"]["median percentile"])
    with pytest.raises(ValueError, match="'tops' parameter"):
        signed_rank_report(events, ratings, tops=[0.0])
