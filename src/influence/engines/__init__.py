"""Logs bigger than memory, through an existing engine: read only the scoring window.

A scorer needs the events up to its scoring time and a few months before it
(the house scorer reads 180 days). A log of years, in Parquet or CSV
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

**What a scorer reads.** Every component declares how far back it reads
(``lookback_days``) and :attr:`influence.Scorer.lookback_days` is the longest of
its parts': 180 days for the house and the trending scorers. Given the scorer
(``scorer=``), the readers read exactly that (``days="auto"``, the default;
180 days, :data:`DEFAULT_DAYS`, without a scorer), and the scores of the window
equal those of the whole log at the same ``as_of`` for every user in the
window (users seen only before it score 0 in the whole log). A window shorter
than the scorer reads gives a :class:`LookbackWarning` naming the parts that
read further back and how far (docs/engines.md). A reply, share or like that
names only its ``parent`` post (no ``target``) needs that post in the window.

Examples
--------
>>> import duckdb  # doctest: +SKIP
>>> from influence import Scorer
>>> from influence.engines import read_duckdb
>>> scorer = Scorer()
>>> events = read_duckdb("logs/2025-*.parquet", scorer=scorer)  # doctest: +SKIP
>>> scores = scorer.score(events)  # doctest: +SKIP
"""

from influence.engines.duckdb import read_duckdb
from influence.engines.spark import read_spark
from influence.engines.spark_score import SparkScores, score_spark
from influence.engines.window import DEFAULT_DAYS
from influence.exceptions import LookbackWarning

__all__ = [
    "DEFAULT_DAYS",
    "LookbackWarning",
    "read_duckdb",
    "SparkScores",
    "read_spark",
    "score_spark",
]
