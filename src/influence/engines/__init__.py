"""Logs bigger than memory, through an existing engine: read only the scoring window.

A scorer needs the events up to its scoring time and a few months before it
(the house components look back 90 days). A log of years, in Parquet or CSV
files or a Spark table, can be far bigger than memory; the window rarely is.
These readers let the engine (DuckDB on one machine, Spark on a cluster) scan
the log out of core, keep the window's rows and only the columns an event
has, and hand them over as Arrow data to :meth:`influence.Events.from_arrow`,
which validates them like any other input. Nothing here reimplements a scan,
a filter or a spill to disk.

- :func:`read_duckdb`: Parquet, CSV or JSON files (globs included), or a
  DuckDB relation (``duckdb`` extra).
- :func:`read_spark`: a Spark DataFrame (``spark`` extra, pyspark 4 or later).

Importing this module imports neither duckdb nor pyspark; each reader
imports its engine when called.

The window is ``(as_of - days, as_of]``. ``as_of`` defaults to the latest time
in the source, computed by the engine (never the wall clock). Rows whose time
the engine cannot read are passed on, not dropped, so that validation raises
on them or, with ``errors="skip"``, sets them aside and counts them: row
numbers in messages are then positions in the engine's output. Times given as
text are filtered by the engine with a margin of a day each side (its time
zone rules may differ from ours by up to 14 hours) and cut exactly once
parsed, so the window is the same whatever the engine's session time zone.

**What the window changes.** Scores computed from the window equal those
computed from the whole log when no component looks further back than
``days``. The house components look back 90 days, and two facts reach
further: :class:`~influence.components.Credibility` dates an account by the
first time it is seen, and :class:`~influence.components.Longevity` times
engagement from its post's creation, which must be in the data. On a generated
world of 400 days, the last 180 days (the default) give every user the score
the whole log gives (to 0.0001 points); an account silent for longer than the
window that comes back in a burst looks new inside it (docs/engines.md). A reply, share or like that
names only its ``parent`` post (no ``target``) needs that post in the window.

Examples
--------
>>> import duckdb  # doctest: +SKIP
>>> from influence import Scorer
>>> from influence.engines import read_duckdb
>>> events = read_duckdb("logs/2025-*.parquet", days=180)  # doctest: +SKIP
>>> scores = Scorer().score(events)  # doctest: +SKIP
"""

from influence.engines.duckdb import read_duckdb
from influence.engines.spark import read_spark
from influence.engines.window import DEFAULT_DAYS
from influence.exceptions import LookbackWarning

__all__ = [
    "DEFAULT_DAYS",
    "LookbackWarning",
    "read_duckdb",
    "read_spark",
]
