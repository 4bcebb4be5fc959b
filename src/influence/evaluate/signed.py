"""Signed ratings: where the users whose received ratings are net negative fall in a ranking.

For trust networks such as Bitcoin OTC, where the positive ratings are the
engagement and the negative ones accusations (:func:`signed_rank_report`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence.datasets.loaders import Ratings
from influence.evaluate.baselines import Baseline, _baselines
from influence.evaluate.protocol import ScorerLike
from influence.evaluate.reports import frame as _frame
from influence.evaluate.reports import freeze as _freeze
from influence.evaluate.reports import html_table as _html_table
from influence.evaluate.reports import markdown as _markdown
from influence.evaluate.reports import text_table as _text_table
from influence.events.outliers import warn_far_future
from influence.events.table import Events
from influence.events.timeparse import format_time, to_epoch
from influence.scoring.scorer import Scorer

__all__ = ["Ratings", "SignedRankReport", "signed_rank_report"]

FloatArray = NDArray[np.float64]


def _placement(
    values: FloatArray, flagged: NDArray[np.bool_], tops: Sequence[float]
) -> dict[str, float]:
    from scipy.stats import rankdata  # here, not at the top: scipy.stats takes long to import

    n = values.size
    ordered = np.sort(values)[::-1]
    percentile = 100.0 * (np.asarray(rankdata(values), dtype=np.float64) - 0.5) / n
    out: dict[str, float] = {}
    count = int(flagged.sum())
    mine = values[flagged]
    for q in tops:
        size = math.ceil(q * n)
        edge = ordered[size - 1]
        above = int((values > edge).sum())
        tied = int((values == edge).sum())
        # users tied at the edge share the places left: the expected share under random tie order
        inside = (mine > edge).sum() + (mine == edge).sum() * (size - above) / tied
        out[_top_name(q)] = float(inside) / count if count else math.nan
    out["median percentile"] = float(np.median(percentile[flagged])) if count else math.nan
    return out


def _top_name(q: float) -> str:
    return f"top {100 * q:g}%"


@dataclass(frozen=True)
class SignedRankReport:
    """Where users whose received ratings are net negative fall in each ranking.

    Attributes
    ----------
    table : mapping
        ``{method: {column: value}}``. ``"top 1%"`` (and so on): the share of
        the flagged users ranked in the top 1% (by chance: 0.01); users tied
        at the edge of the top share the places left, each counting for the
        probability that a random order of the tie puts them inside.
        ``"median percentile"``: their median percentile (100 = the top; tied
        users share their average rank, so chance is about 50).
    as_of : float
        The scoring time.
    population : int
        Users ranked: everyone in the ratings at or before :attr:`as_of`.
    flagged : int
        Users among them whose received ratings sum to less than zero.
    flagged_scored : int
        Flagged users the scorer scored (those with an event in the scored
        table, for Bitcoin OTC a positive rating given or received); the
        others rank with a score of 0.
    tops : tuple of float
    """

    table: Mapping[str, Mapping[str, float]]
    as_of: float
    population: int
    flagged: int
    flagged_scored: int
    tops: tuple[float, ...] = (0.01, 0.1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _freeze(self.table))

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names: one per top share, then the median percentile."""
        return (*(_top_name(q) for q in self.tops), "median percentile")

    def _digits(self) -> dict[str, int]:
        return {c: (1 if c == "median percentile" else 3) for c in self.columns}

    def to_markdown(self) -> str:
        """The table as Markdown (no bold: lower is better here)."""
        return _markdown(self.table, self.columns, self._digits(), bold_best=False)

    def to_pandas(self) -> Any:
        """The table as a DataFrame, one row per method (needs pandas)."""
        return _frame(self.table, self.columns, "SignedRankReport")

    def _header(self) -> str:
        return (
            f"Net-negative users in the ranking ({self.flagged:,} of {self.population:,} users "
            f"as of {format_time(self.as_of)}; {self.flagged_scored:,} of them scored)"
        )

    def __str__(self) -> str:
        return f"{self._header()}\n{_text_table(self.table, self.columns, self._digits())}"

    def _repr_html_(self) -> str:
        """Notebook display: the header line and the table (no bold: lower is better here)."""
        return _html_table(
            self._header(), self.table, self.columns, self._digits(), bold_best=False
        )


def signed_rank_report(
    events: Events,
    ratings: Ratings,
    scorer: ScorerLike | None = None,
    *,
    as_of: Any = None,
    baselines: Mapping[str, Baseline] | Iterable[str] | None = None,
    tops: Sequence[float] = (0.01, 0.1),
) -> SignedRankReport:
    """Where users with net-negative received ratings land when ratings are endorsements.

    On a trust network (Bitcoin OTC) the positive ratings are the engagement
    (:func:`influence.datasets.load_bitcoin_otc` reads them as likes) and the
    negative ones accusations. A user whose received ratings sum to less than
    zero is likely a fraudster and should not rank high. Each method (the
    scorer, then the baselines, computed on ``events`` up to *as_of*) ranks
    everyone who appears in the ratings up to *as_of*; users the method does
    not cover (no positive rating given or received) count as 0.

    Parameters
    ----------
    events : Events
        The endorsements (positive ratings).
    ratings : Ratings
        All ratings, as returned by
        :func:`influence.datasets.load_bitcoin_otc_ratings`;
        self-ratings are ignored.
    scorer : Scorer, optional
        Default ``Scorer()``.
    as_of : float, datetime or str, optional
        Default: the latest time in *events* or *ratings* (with a
        :class:`~influence.FarFutureWarning` when the latest events stand far
        beyond the bulk of them).
    baselines : mapping or iterable of str, optional
        As for :func:`predictive_validity`.
    tops : sequence of float, default (0.01, 0.1)
        Top fractions to report, each in ``(0, 1]``.

    Returns
    -------
    SignedRankReport

    Examples
    --------
    >>> import numpy as np
    >>> from influence import Events
    >>> from influence.evaluate import Ratings, signed_rank_report
    >>> ratings = Ratings(rater=np.array([1, 3, 2, 2, 3, 1, 2]),
    ...                   ratee=np.array([2, 2, 3, 1, 1, 4, 4]),
    ...                   rating=np.array([5, 3, 2, 2, 4, 1, -10]), time=np.arange(7.0))
    >>> good = ratings.rating > 0
    >>> events = Events.from_arrays(time=ratings.time[good], actor=ratings.rater[good],
    ...                             action=np.full(int(good.sum()), 3), target=ratings.ratee[good])
    >>> report = signed_rank_report(events, ratings, baselines=["received_count"], tops=[0.5])
    >>> report.flagged  # user 4: +1 - 10 < 0
    1
    >>> dict(report.table["received_count"])  # users 1 and 2 (two raters each) are the top half
    {'top 50%': 0.0, 'median percentile': 25.0}
    """
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    tops = tuple(
        _validate.number("signed_rank_report", "tops", q, low=0.0, high=1.0, low_open=True)
        for q in tops
    )
    if events.end is None:
        raise ValueError("signed_rank_report needs events (the endorsements); got none")
    times = np.asarray(ratings.time, dtype=np.float64)
    if as_of is None:
        warn_far_future(events)
        when = max(events.end, float(times.max())) if times.size else events.end
    else:
        when = to_epoch(as_of)
    rated = times <= when
    rater = np.asarray(ratings.rater)[rated]
    ratee = np.asarray(ratings.ratee)[rated]
    rating = np.asarray(ratings.rating, dtype=np.float64)[rated]
    past = events.until(when)
    scores = (Scorer() if scorer is None else scorer).score(past, as_of=when)
    ids = np.union1d(np.union1d(rater, ratee), scores.users.ids)
    n = ids.size
    other = rater != ratee
    net = np.bincount(
        np.searchsorted(ids, ratee[other]), weights=rating[other], minlength=n
    ).astype(np.float64)
    flagged = net < 0

    values: dict[str, FloatArray] = {"scorer": np.zeros(n)}
    values["scorer"][np.searchsorted(ids, scores.users.ids)] = scores.values
    covered = events.users.indices(ids)
    has = covered >= 0
    for name, func in _baselines(baselines, past, when).items():
        result = np.asarray(func(past, when), dtype=np.float64)
        column = np.zeros(n)
        column[has] = result[covered[has]]
        values[name] = column
    scored = np.zeros(n, dtype=bool)
    scored[np.searchsorted(ids, scores.users.ids)] = True
    return SignedRankReport(
        table={m: _placement(v, flagged, tops) for m, v in values.items()},
        as_of=when,
        population=n,
        flagged=int(flagged.sum()),
        flagged_scored=int((flagged & scored).sum()),
        tops=tops,
    )
