"""The defence audit's report: one row per defence, as text, Markdown, HTML or pandas."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

from numpy.typing import NDArray

from influence.evaluate.reports import fmt, span
from influence.events.timeparse import format_time

__all__ = ["MIN_MATCHED", "DefenceAudit", "DefenceRow"]

#: Fewest matched discounted users (or user-cut-offs) on which an audit gives a verdict: a
#: bootstrap of a handful of users cannot show how much they vary.
MIN_MATCHED = 10

Verdict = Literal[
    "discounted receive less", "no difference shown", "discounted receive more", "too few to tell"
]


@dataclass(frozen=True)
class DefenceRow:
    """One defence's line of a :class:`DefenceAudit`.

    Attributes
    ----------
    defence : str
        The part's name in the scorer.
    role : {"discount", "modifier"}
    scored : int
        Users scored (for several cut-offs: user-cut-offs, summed over them).
    touched : int
        Those the defence discounts: their score without it is positive and
        it takes at least the audit's threshold of that score away.
    users : ndarray
        The distinct ids of the users it discounts, sorted (at several
        cut-offs a user touched at more than one counts once here).
    matched : int
        Discounted users in a stratum that also holds spared users, on whom
        the comparison is made (``touched - matched`` had no one to match).
    discounted_mean : float
        Mean outcome (what the matched discounted users receive in the
        horizon); ``nan`` when none is matched.
    spared_mean : float
        The spared users' mean outcome at the same undefended score: each
        stratum's spared mean, weighted by the discounted users in it.
    difference : float
        ``discounted_mean - spared_mean``.
    low, high : float
        Percentile bootstrap interval of the difference at the audit's level.
    strata_used : int
        Strata (at several cut-offs: cut-off-strata) holding both discounted
        and spared users.
    strata_dropped : int
        Non-empty strata left out for holding only one of the two.
    """

    defence: str
    role: str
    scored: int
    touched: int
    users: NDArray[Any] = field(repr=False, compare=False)
    matched: int
    discounted_mean: float
    spared_mean: float
    difference: float
    low: float
    high: float
    strata_used: int
    strata_dropped: int

    @property
    def share(self) -> float:
        """Share of the scored users the defence discounts (``nan`` with none scored)."""
        return self.touched / self.scored if self.scored else math.nan

    @property
    def ratio(self) -> float:
        """``discounted_mean / spared_mean``: 0.5, the discounted receive half as much."""
        if not self.spared_mean > 0:
            return math.nan
        return self.discounted_mean / self.spared_mean

    @property
    def verdict(self) -> Verdict:
        """``"discounted receive less"`` (the interval is below 0), ``"discounted receive more"``
        (above 0: the defence misfires), ``"no difference shown"`` (it straddles 0), or
        ``"too few to tell"`` (fewer than 10 matched discounted users: too few for a bootstrap
        to show how much they vary)."""
        if self.matched < MIN_MATCHED:
            return "too few to tell"
        if self.high < 0:
            return "discounted receive less"
        if self.low > 0:
            return "discounted receive more"
        return "no difference shown"


_FRAME_COLUMNS = (
    "role",
    "scored",
    "touched",
    "touched_users",
    "share",
    "matched",
    "discounted_mean",
    "spared_mean",
    "difference",
    "low",
    "high",
    "ratio",
    "strata_used",
    "strata_dropped",
    "verdict",
)


@dataclass(frozen=True)
class DefenceAudit:
    """Who each defence discounts, and whether they go on to receive less than those it spares.

    Returned by :func:`defence_audit`; one :class:`DefenceRow` per defence.
    ``audit["credibility"]`` is the row of that defence.

    Attributes
    ----------
    rows : tuple of DefenceRow
    cutoffs : tuple of float
        The cut-offs (epoch seconds), in the order given.
    horizon : float
        Length of the window after each cut-off, seconds.
    target : str
        The outcome: ``"distinct_engagers"`` or ``"engagements"`` received
        from others in ``(cutoff, cutoff + horizon]``.
    threshold : float
        Share of the undefended score a defence must take away to discount a user.
    strata : int
        Quantile strata of the undefended score (per cut-off).
    level : float
        Coverage of the intervals.
    resamples : int
        Bootstrap draws.
    """

    rows: tuple[DefenceRow, ...]
    cutoffs: tuple[float, ...]
    horizon: float
    target: str
    threshold: float
    strata: int
    level: float
    resamples: int

    @property
    def defences(self) -> tuple[str, ...]:
        """The audited defences, in row order."""
        return tuple(r.defence for r in self.rows)

    def __getitem__(self, defence: str) -> DefenceRow:
        for row in self.rows:
            if row.defence == defence:
                return row
        raise KeyError(f"no defence {defence!r} in this audit; it has {list(self.defences)}")

    def _columns(self) -> tuple[str, ...]:
        pooled = ("touched users",) if len(self.cutoffs) > 1 else ()
        return (
            "defence",
            "scored",
            "touched",
            *pooled,
            "share",
            "discounted",
            "matched spared",
            "difference",
            f"{self.level:.0%} interval",
            "ratio",
            "strata",
            "verdict",
        )

    def _cells(self, row: DefenceRow) -> tuple[str, ...]:
        pooled = (f"{row.users.size:,}",) if len(self.cutoffs) > 1 else ()
        unmatched = row.touched - row.matched
        return (
            row.defence,
            f"{row.scored:,}",
            f"{row.touched:,}" + (f" ({unmatched:,} unmatched)" if unmatched else ""),
            *pooled,
            _percent(row.share),
            fmt(row.discounted_mean, 3),
            fmt(row.spared_mean, 3),
            "n/a" if math.isnan(row.difference) else f"{row.difference:+.3f}",
            "n/a" if math.isnan(row.low) else f"[{row.low:+.3f}, {row.high:+.3f}]",
            fmt(row.ratio, 2),
            f"{row.strata_used} ({row.strata_dropped} dropped)",
            row.verdict,
        )

    def _header(self) -> str:
        if len(self.cutoffs) == 1:
            when = f"at {format_time(self.cutoffs[0])}"
        else:
            when = (
                f"over {len(self.cutoffs)} cut-offs from {format_time(min(self.cutoffs))} "
                f"to {format_time(max(self.cutoffs))}"
            )
        return (
            f"Defence audit {when}: {self.target} received in the next {span(self.horizon)}; "
            f"discounted = {self.threshold:.0%} or more of the undefended score taken away; "
            f"{self.strata} strata, {self.resamples:,} draws"
        )

    def to_markdown(self) -> str:
        """The table as Markdown, one row per defence."""
        columns = self._columns()
        lines = ["| " + " | ".join(columns) + " |", "|---|" + "---:|" * (len(columns) - 2) + "---|"]
        for row in self.rows:
            cells = (c.replace("|", "\\|") for c in self._cells(row))
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def to_pandas(self) -> Any:
        """The rows as a DataFrame indexed by defence, numbers unrounded (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "DefenceAudit.to_pandas needs pandas: pip install 'influence-score[pandas]'"
            ) from None
        records = [
            {
                "role": r.role,
                "scored": r.scored,
                "touched": r.touched,
                "touched_users": int(r.users.size),
                "share": r.share,
                "matched": r.matched,
                "discounted_mean": r.discounted_mean,
                "spared_mean": r.spared_mean,
                "difference": r.difference,
                "low": r.low,
                "high": r.high,
                "ratio": r.ratio,
                "strata_used": r.strata_used,
                "strata_dropped": r.strata_dropped,
                "verdict": r.verdict,
            }
            for r in self.rows
        ]
        index = pd.Index(list(self.defences), name="defence")
        return pd.DataFrame(records, index=index, columns=list(_FRAME_COLUMNS))

    def __str__(self) -> str:
        columns = self._columns()
        table = [columns, *(self._cells(r) for r in self.rows)]
        widths = [max(len(line[j]) for line in table) for j in range(len(columns))]
        lines = [
            "  ".join(c.rjust(w) if j else c.ljust(w) for j, (c, w) in enumerate(zip(line, widths)))
            for line in table
        ]
        return "\n".join([self._header(), *lines])

    def _repr_html_(self) -> str:
        """Notebook display: the header line and the table."""
        e = escape
        head = "".join(f"<th>{e(c)}</th>" for c in self._columns())
        rows = []
        for row in self.rows:
            cells = self._cells(row)
            tds = [f"<td>{e(cells[0])}</td>"]
            tds += [f"<td style='text-align:right'>{e(c)}</td>" for c in cells[1:]]
            rows.append("<tr>" + "".join(tds) + "</tr>")
        return f"<div>{e(self._header())}<table><tr>{head}</tr>{''.join(rows)}</table></div>"


def _percent(share: float) -> str:
    """A share as a percentage, a tiny positive one as ``<0.01%`` rather than ``0.00%``."""
    if math.isnan(share):
        return "n/a"
    return "<0.01%" if 0 < share < 0.0001 else f"{share:.2%}"
