"""How an event table shows itself: the one-line repr, the report and the notebook HTML."""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

from influence._time import DAY
from influence.events.outliers import scan
from influence.events.timeparse import format_time

if TYPE_CHECKING:
    from influence.events.table import Events

__all__ = ["events_html", "events_report", "events_repr"]


def _count(count: int, word: str) -> str:
    """``"1 user"``, ``"2,048 users"``."""
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def events_repr(events: Events) -> str:
    """``<Events: n events, m users, first .. last[, k rejected]>``."""
    if not len(events):
        span = "empty"
    else:
        span = f"{format_time(events.time[0])} .. {format_time(events.time[-1])}"
    rejected = f", {len(events.rejected):,} rejected" if events.rejected else ""
    counts = f"{_count(len(events), 'event')}, {_count(events.n_users, 'user')}"
    return f"<Events: {counts}, {span}{rejected}>"


def events_report(events: Events, duplicates: int) -> dict[str, int]:
    """:meth:`Events.report`: rows set aside per kind, then the rows kept worth a look."""
    counts = dict(Counter(r.kind for r in events.rejected).most_common())
    if duplicates:
        counts["exact duplicate (kept)"] = duplicates
    far = len(scan(events))
    if far:
        counts["far future (kept)"] = far
    return counts


def events_html(events: Events) -> str:
    """The HTML of :meth:`Events._repr_html_`; every text is escaped."""
    e = html.escape
    n = len(events)
    head = (
        f"<b>Events</b>: {_count(n, 'event')}, {_count(events.n_users, 'user')}, "
        f"{_count(len(events.posts), 'post')}, "
        f"{len(events.rejected):,} rejected rows"
    )
    if n:
        start, end = float(events.time[0]), float(events.time[-1])
        days = (end - start) / DAY
        head += f"<br>{e(format_time(start))} .. {e(format_time(end))} ({days:,.1f} days)"
    if events.platforms != ("default",):
        head += f"<br>platforms: {e(', '.join(events.platforms))}"
    right = "<td style='text-align:right'>"
    actions = "".join(
        f"<tr><td>{e(name)}</td>{right}{count:,}</td>"
        f"{right}{(100.0 * count / n if n else 0.0):.1f}%</td></tr>"
        for name, count in events.action_counts().items()
    )
    tables = [f"<table><tr><th>action</th><th>events</th><th>share</th></tr>{actions}</table>"]
    if events.rejected:
        kinds = "".join(
            f"<tr><td>{e(kind)}</td>{right}{count:,}</td></tr>"
            for kind, count in events.report().items()
        )
        shown = events.rejected[:5]
        examples = "".join(f"<li>{e(r.reason)}</li>" for r in shown)
        more = len(events.rejected) - len(shown)
        if more:
            examples += f"<li>... and {more:,} more (<code>events.rejected</code>)</li>"
        tables.append(
            f"<div><table><tr><th>rejected</th><th>rows</th></tr>{kinds}</table>"
            f"<ul style='margin:0.3em 0;padding-left:1.2em'>{examples}</ul></div>"
        )
    body = "".join(tables)
    return f"<div>{head}<div style='display:flex;gap:2em;align-items:flex-start'>{body}</div></div>"
