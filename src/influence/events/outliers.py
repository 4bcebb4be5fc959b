"""Far-future rows: the latest events of a log when they stand far beyond the bulk of it.

One row dated 2206, or a time in milliseconds from the 1970s read as seconds (year 8900),
becomes the latest event, and the latest event is the default ``as_of``: every real
user then scores 0 and the bogus account leads. :func:`far_future` finds such rows by a
robust rule on order statistics (``np.partition``, linear in the rows), and
:func:`warn_far_future` says which they are when a default ``as_of`` is taken from the
data.

The rule
--------
Of *n* times, the tail of at most :math:`m` rows may be flagged, with

.. math::

    m = \\min\\bigl(\\max(10, \\lceil n / 1000 \\rceil), \\lceil n / 10 \\rceil\\bigr)

(a handful in any log of 100 rows or more, one in a thousand in a big one, never more
than a tenth). The bulk is what is left between the :math:`m` earliest and the
:math:`m` latest rows: it starts at :math:`s = t_{(m+1)}` and ends at
:math:`e = t_{(n-m)}` (order statistics, 1-based), it holds :math:`b = n - 2m` rows and
spans :math:`e - s`. A row is *far in the future* when its time exceeds

.. math::

    e + \\max(G, e - s) \\cdot \\max(1, B / b),
    \\qquad G = 90 \\text{ days}, \\; B = 20 .

- **A full span of the bulk.** A gap longer than everything the bulk covers is not a
  lull: if the bulk's :math:`b` rows came at a steady rate, the chance of no row in a gap
  of one span would be :math:`e^{-b}` (a Poisson process, Cox and Lewis 1966). A user who
  comes back after months in a log of a year, or a log that goes quiet for a while and
  resumes with more than :math:`m` rows, does not warn.
- **At least 90 days** (:math:`G`, the house's window, :data:`influence.STANDING`). Past
  it, every event of the bulk has left the house's window at the default ``as_of``: the
  harm this rule is there to prevent. It also keeps a bulk of one instant, or of a few
  minutes, from flagging the next day.
- **Small logs need more.** With fewer than :math:`B = 20` rows in the bulk the span and
  the floor are scaled by :math:`B / b`, so that the chance above stays below
  :math:`e^{-20}`; logs of one or two rows never warn.

On the real logs the project measures against (Higgs, CollegeMsg and Bitcoin OTC) and on
every generated world of :mod:`influence.datasets`, no row is flagged: the latest row
stands well inside one span of the bulk's end (``tests/events/test_outliers.py``).

What the rule guarantees: the flagged rows are the same whatever the order of the rows;
they are the latest rows (every flagged row is later than every other); moving a flagged
row later keeps it flagged. Adding rows inside the bulk (between :math:`s` and :math:`e`)
never un-flags a row, and while it changes neither :math:`m` (which grows by one per 1,000
rows past 10,000, and by one per 10 rows below 100) nor :math:`B / b` (1 once the bulk
holds 20 rows) it flags exactly the same rows. It can flag a row the smaller log did not:
a denser bulk makes the same gap more telling, and a log of three rows could never call
anything far.

References
----------
Cox, D. R. and Lewis, P. A. W. *The Statistical Analysis of Series of Events.* Methuen,
London, 1966 (the gaps of a Poisson process).
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence._time import DAY, STANDING
from influence.events.actions import ACTIONS
from influence.events.timeparse import format_time
from influence.exceptions import FarFutureWarning

if TYPE_CHECKING:
    from influence.events.table import Events

__all__ = [
    "EVIDENCE",
    "GAP_FLOOR",
    "FarFuture",
    "far_future",
    "far_future_sorted",
    "outside_level",
    "scan",
    "warn_far_future",
]

#: The smallest gap that can be far: the house's window, in seconds.
GAP_FLOOR = STANDING.window_days * DAY
#: Bulk rows needed for a gap of one span (or of :data:`GAP_FLOOR`) to be far.
EVIDENCE = 20
#: Rows named in a warning.
SHOWN = 3


@dataclass(frozen=True)
class FarFuture:
    """The rows far in the future of a log, and the bulk they stand beyond.

    Attributes
    ----------
    rows : ndarray of int64
        Positions of the far rows in the times given (for :func:`scan`, in the
        table's canonical order), latest last; empty when there is none.
    bulk_start, bulk_end : float
        The bulk's first and last times (epoch seconds): the times of the
        :math:`(m+1)`-th earliest and :math:`(m+1)`-th latest rows.
    threshold : float
        Rows later than this are far (``inf`` when the log is too small to say).
    end : float
        The latest time that is not far: the time to score at instead.
        ``nan`` (as are the bulk's times) when there are no times at all.
    """

    rows: NDArray[np.int64]
    bulk_start: float
    bulk_end: float
    threshold: float
    end: float

    def __len__(self) -> int:
        return int(self.rows.shape[0])


def tail_size(n: int) -> int:
    """:math:`m`, the most rows the rule may flag among *n* (0 when *n* < 3)."""
    if n < 3:
        return 0
    return min(max(10, math.ceil(n / 1000)), math.ceil(n / 10))


def _threshold(bulk_start: float, bulk_end: float, bulk_rows: int) -> float:
    scale = max(1.0, EVIDENCE / bulk_rows)
    return bulk_end + max(GAP_FLOOR, bulk_end - bulk_start) * scale


def far_future(times: ArrayLike) -> FarFuture:
    """The rows of *times* that stand far beyond the bulk of them, in any order.

    Linear in the number of times (two selections, ``np.partition``); the rule is in this
    module's documentation.

    Parameters
    ----------
    times : array-like of float
        Event times, epoch seconds, in any order.

    Returns
    -------
    FarFuture

    See Also
    --------
    scan : the same rule on an :class:`~influence.Events` table, computed once.
    warn_far_future : the warning a default ``as_of`` gives.

    Examples
    --------
    >>> import numpy as np
    >>> from influence.events.outliers import far_future
    >>> day = 86_400.0
    >>> times = np.r_[1.7e9 + day * np.arange(30), 7.4e9]  # 30 days in 2023, one in 2204
    >>> found = far_future(times)
    >>> found.rows.tolist(), bool(found.end == times[29])
    ([30], True)
    >>> len(far_future(np.r_[times[:30], times[29] + 20 * day]))  # a return 20 days later
    0
    """
    t = np.asarray(times, dtype=np.float64).ravel()
    n = t.shape[0]
    if n == 0:
        nan = float("nan")
        return FarFuture(np.zeros(0, dtype=np.int64), nan, nan, math.inf, nan)
    m = tail_size(n)
    if m == 0:
        low, high = float(t.min()), float(t.max())
        return FarFuture(np.zeros(0, dtype=np.int64), low, high, math.inf, high)
    # Two single selections (the second in place, on the lower part) beat one with two kth.
    part = np.partition(t, n - 1 - m)
    if m < n - 1 - m:
        part[: n - 1 - m].partition(m)
    start, stop = float(part[m]), float(part[n - 1 - m])
    limit = _threshold(start, stop, n - 2 * m)
    tail = part[n - 1 - m :]  # the m + 1 latest times: every far row is among them
    if not (tail > limit).any():
        return FarFuture(np.zeros(0, dtype=np.int64), start, stop, limit, float(tail.max()))
    rows = np.flatnonzero(t > limit)
    rows = rows[np.lexsort((rows, t[rows]))]
    return FarFuture(rows.astype(np.int64), start, stop, limit, float(tail[tail <= limit].max()))


def far_future_sorted(*times: NDArray[np.float64]) -> FarFuture:
    """:func:`far_future` of the union of sorted arrays of times (a state's events and a
    new batch), reading only their ends: the rule needs the :math:`m+1` earliest and latest
    times, which lie among each array's first and last :math:`m+1`. Its ``rows`` are
    positions in the union's sorted order.

    Examples
    --------
    >>> import numpy as np
    >>> day = 86_400.0
    >>> kept, batch = 1.7e9 + day * np.arange(30.0), np.array([1.7e9 + 30 * day, 7.4e9])
    >>> found = far_future_sorted(kept, batch)
    >>> found.rows.tolist(), bool(found.end == batch[0])
    ([31], True)
    >>> found.rows.tolist() == far_future(np.r_[kept, batch]).rows.tolist()
    True
    """
    arrays = [np.asarray(t, dtype=np.float64) for t in times if len(t)]
    n = sum(a.shape[0] for a in arrays)
    m = tail_size(n)
    if m == 0:
        return far_future(np.concatenate(arrays) if arrays else np.zeros(0))
    lows = np.sort(np.concatenate([a[: m + 1] for a in arrays]))
    highs = np.sort(np.concatenate([a[-(m + 1) :] for a in arrays]))
    start, stop = float(lows[m]), float(highs[-(m + 1)])
    limit = _threshold(start, stop, n - 2 * m)
    near = [int(np.searchsorted(a, limit, side="right")) for a in arrays]
    far = n - sum(near)
    end = max(float(a[k - 1]) for a, k in zip(arrays, near) if k)
    return FarFuture(np.arange(n - far, n, dtype=np.int64), start, stop, limit, end)


def scan(events: Events) -> FarFuture:
    """:func:`far_future` of an event table, computed once per table (:attr:`Events.memo`).

    The table's times are sorted (its canonical order), so the order statistics
    are read off directly; the rows are positions in that order.
    """
    return events.memo.get(("far future",), lambda: _sorted_scan(events.time), uses_trust=False)


def _sorted_scan(t: NDArray[np.float64]) -> FarFuture:
    n = t.shape[0]
    m = tail_size(n)
    if m == 0:
        return far_future(t)
    start, stop = float(t[m]), float(t[n - 1 - m])
    limit = _threshold(start, stop, n - 2 * m)
    first = int(np.searchsorted(t, limit, side="right"))
    rows = np.arange(first, n, dtype=np.int64)
    return FarFuture(rows, start, stop, limit, float(t[first - 1]))


def describe(events: Events, found: FarFuture) -> str:
    """The first :data:`SHOWN` far rows of *events*, as ``time actor action target``."""
    shown = []
    for row in found.rows[:SHOWN].tolist():
        target = int(events.target[row])
        whom = f" {events.users.id(target)!r}" if target >= 0 else ""
        action = ACTIONS[int(events.action[row])]
        actor = events.users.id(int(events.actor[row]))
        shown.append(f"{format_time(float(events.time[row]))} {actor!r} {action}{whom}")
    more = len(found) - len(shown)
    return "; ".join(shown) + (f"; and {more:,} more" if more else "")


def warn_far_future(
    events: Events, *, parameter: str = "as_of", option: str = "--as-of"
) -> FarFuture:
    """Warn (:class:`~influence.FarFutureWarning`) when the latest events are far rows.

    Called where a default scoring time is taken from the data (the latest
    event): the warning names the default, the rows and the time to pass instead,
    and points at the first line outside ``influence`` that led to it.

    Parameters
    ----------
    events : Events
    parameter : str, default "as_of"
        The parameter that would fix it, as the caller names it.
    option : str, default "--as-of"
        The same on the command line.

    Returns
    -------
    FarFuture
        What :func:`scan` found (no warning when it found no row).

    Examples
    --------
    >>> import warnings
    >>> from influence import Events, FarFutureWarning
    >>> from influence.events.outliers import warn_far_future
    >>> day = 86_400
    >>> ev = Events.from_records(
    ...     [{"time": 1_700_000_000 + k * day, "actor": f"u{k % 7}", "action": "like",
    ...       "target": "ann"} for k in range(60)]
    ...     + [{"time": "2206-01-01T00:00:00Z", "actor": "bogus", "action": "like",
    ...       "target": "ann"}])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     found = warn_far_future(ev)
    >>> len(found), caught[0].category is FarFutureWarning
    (1, True)
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    the default as_of is 2206-01-01T00:00:00Z, the latest event, but 1 row lies at least
    66,462 days past the rest of the log, which ends at 2024-01-12T22:13:20Z:
    2206-01-01T00:00:00Z 'bogus' like 'ann'. Pass as_of='2024-01-12T22:13:20Z' (--as-of on the
    command line) to use the end of the rest of the log instead, or correct or drop those rows.
    """
    found = scan(events)
    if not len(found):
        return found
    latest = float(events.time[-1])
    first = float(events.time[int(found.rows[0])])
    gap = math.floor((first - found.end) / DAY)
    rows = "1 row lies" if len(found) == 1 else f"{len(found):,} rows lie"
    end = format_time(found.end)
    warnings.warn(
        f"the default {parameter} is {format_time(latest)}, the latest event, but {rows} "
        f"at least {gap:,} days past the rest of the log, which ends at {end}: "
        f"{describe(events, found)}. Pass {parameter}={end!r} ({option} on the command line) "
        "to use the end of the rest of the log instead, or correct or drop those rows.",
        FarFutureWarning,
        stacklevel=outside_level(),
    )
    return found


def outside_level() -> int:
    """The ``stacklevel`` of :func:`warnings.warn`, called by this function's caller,
    that names the first frame outside the ``influence`` package (however deep the
    package's own calls are)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package + os.sep):
        frame, level = frame.f_back, level + 1
    return level
