"""Scoring on Spark: the window aggregated where it is, scored from its statistics.

:func:`score_spark` computes a window's sufficient statistics
(:mod:`influence.engines.stats`) with Spark DataFrame operations
(:mod:`influence.engines.spark_stats`, and Credibility's with
:mod:`influence.engines.spark_credibility`), collects the per-user results and the pair
tables, and scores from them on the driver (:mod:`influence.engines.from_stats`,
Credibility's judgement with :mod:`influence.engines.judged`). A scorer with parts that
are not scored from statistics, or a window that needs validation's judgement, is scored
on the driver instead (:func:`influence.engines.read_spark`, then
:meth:`influence.Scorer.score`), and the result says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.components.base import evidence_of
from influence.engines.from_stats import pair_keep, plan_of, score_from_stats
from influence.engines.judged import judgement
from influence.engines.spark import read_spark, spark_log
from influence.engines.spark_credibility import credibility_tables
from influence.engines.spark_stats import Rows, census, pair_table, second_pass
from influence.engines.stats import WindowStats
from influence.engines.window import require_module
from influence.events import actions as acts
from influence.events.assemble import Errors, validate_errors
from influence.events.ids import text_ids, typed
from influence.events.readers import field_map, require_columns
from influence.events.timeparse import to_epoch
from influence.scoring.scorer import Scorer

__all__ = ["SparkScores", "score_spark"]

_OWNER = "score_spark"


@dataclass(frozen=True)
class SparkScores:
    """Scores computed with Spark, and where each part ran.

    Attributes
    ----------
    users : ndarray of str
        The user ids of the window, as text.
    values : ndarray of float64
        Each user's score, equal to :meth:`influence.Scorer.score` of the same window.
    parts : mapping of str to ndarray of float64
        Each signal's values with the discounts' trust (what enters the score) and each
        modifier's factor, by part name.
    placement : mapping of str to str
        Each part's name (discounts too) -> ``"spark"`` (its statistics aggregated by
        Spark, the formula applied to them on the driver: PageRank, the quid-pro-quo
        judgement and Credibility's run on the pair tables there) or ``"driver"`` (the
        window collected and scored in memory).
    why : tuple of str
        Why the window was scored on the driver; empty when Spark scored it.
    as_of : float or None
        The scoring time (``None``: an empty window).
    stats : WindowStats or None
        The statistics scored (``None`` when scored on the driver).
    """

    users: NDArray[np.str_]
    values: NDArray[np.float64]
    parts: Mapping[str, NDArray[np.float64]]
    placement: Mapping[str, str]
    why: tuple[str, ...]
    as_of: float | None
    stats: WindowStats | None

    def to_dict(self) -> dict[str, float]:
        """User id -> score."""
        return dict(zip(self.users.tolist(), self.values.tolist()))


def score_spark(
    frame: Any,
    scorer: Scorer | None = None,
    *,
    as_of: Any = None,
    columns: Mapping[str, str] | None = None,
    errors: Errors = "raise",
) -> SparkScores:
    """Score the window a scorer reads, aggregated by Spark where the events are.

    The window is what *scorer* reads before *as_of*
    (:attr:`influence.Scorer.lookback_days`, as :func:`read_spark` reads it). For a
    scorer of Engagement, Activity, DistinctEngagers, Longevity, Authority (without
    teleport), Reciprocity, Inactivity, Credibility and Authenticity (one judge) on one
    time scale (the house scorer is one), Spark computes the window's sufficient
    statistics in two passes and only the per-user results and the pair tables
    (engagement pairs; with Credibility, every pair aimed at another account) reach the
    driver, which applies the components' formulas to them (docs/engines.md, "Scoring on
    Spark"). Any other scorer, a time column of text, or a window with rows validation
    would reject or repair (a missing field, a target known only from the parent post, a
    repeated post id) is scored on the driver: :func:`read_spark` (with *errors*) then
    :meth:`influence.Scorer.score`.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        The log.
    scorer : Scorer, optional
        Default ``Scorer()``, the house scorer.
    as_of, columns, errors
        As for :func:`read_spark`.

    Returns
    -------
    SparkScores

    Examples
    --------
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from influence import Scorer
    >>> from influence.components import DistinctEngagers, Engagement, Reciprocity
    >>> from influence.engines import score_spark
    >>> spark = SparkSession.builder.master("local[1]").getOrCreate()  # doctest: +SKIP
    >>> log = spark.createDataFrame(  # doctest: +SKIP
    ...     [(1, "bob", "like", "ann"), (5, "cy", "share", "ann"), (9, "ann", "reply", "cy")],
    ...     "time long, actor string, action string, target string")
    >>> scorer = Scorer(signals=[Engagement(), DistinctEngagers()], discounts=[Reciprocity()],
    ...                 modifiers=[])
    >>> result = score_spark(log, scorer)  # doctest: +SKIP
    >>> dict(result.placement)  # doctest: +SKIP
    {'engagement': 'spark', 'distinct_engagers': 'spark', 'reciprocity': 'spark'}
    """
    validate_errors(errors)
    scorer = Scorer() if scorer is None else scorer
    if not isinstance(scorer, Scorer):
        raise TypeError(
            f"The 'scorer' parameter of {_OWNER} must be an influence.Scorer. "
            f"Got {type(scorer).__name__} instead."
        )
    plan = plan_of(scorer)
    names, open_log = spark_log(frame)
    mapping = field_map(columns)
    require_columns(mapping, names, f"{_OWNER}: the source")
    log = open_log(mapping["time"])
    when = None if as_of is None else to_epoch(as_of)
    why = list(plan.why)
    if log.margin > 0:
        why.append("the time column is text (the driver parses it)")
    end = when if when is not None else log.latest()
    if end is None:
        why.append("no readable time")
    if why:
        return _on_driver(frame, scorer, when, columns, errors, tuple(why))
    assert end is not None
    functions = require_module("pyspark.sql.functions", "spark", _OWNER)
    rows = Rows(
        _rows(frame, log.seconds, mapping, names, functions, end, plan.span_days), functions, end
    )
    rows.frame = rows.frame.persist()
    try:
        total, bad, users, sums = census(rows, plan)
        if bad:
            why.append(
                f"{bad} rows need validation (a missing or unknown field, a target "
                "known only from the parent post, or a repeated post id)"
            )
            return _on_driver(frame, scorer, when, columns, errors, tuple(why))
        pairs = pair_table(rows, plan, users)
        judge = plan.credibility
        tables = None if judge is None else credibility_tables(rows, judge, users)
        reciprocity = pair_keep(scorer, pairs, sums, users.size)
        order = _memory_order(users)
        found = judgement(scorer, judge, tables, pairs, reciprocity, users, end, order)
        cut = np.flatnonzero((found.credibility < 1.0) | (found.reciprocity < 1.0))
        pa = require_module("pyarrow", "spark", _OWNER)
        discounted = frame.sparkSession.createDataFrame(
            pa.table(
                {
                    "ka": pa.array(users[found.source[cut]], type=pa.string()),
                    "kt": pa.array(users[found.target[cut]], type=pa.string()),
                    "cred": pa.array(found.credibility[cut], type=pa.float64()),
                    "recip": pa.array(found.reciprocity[cut], type=pa.float64()),
                }
            )
        )
        trusted = second_pass(rows, plan, users, discounted)
    finally:
        rows.frame.unpersist()
    credibility = None if tables is None else tables[0]
    stats = WindowStats(users.astype(object), end, total, pairs, sums, trusted, credibility)
    values, parts = score_from_stats(scorer, stats, found.keep, found.own)
    named = scorer.signals + scorer.discounts + scorer.modifiers
    return SparkScores(
        users=users,
        values=values,
        parts=parts,
        placement={name: "spark" for name, _ in named},
        why=(),
        as_of=end,
        stats=stats,
    )


def _rows(
    frame: Any,
    seconds: Any,
    mapping: Mapping[str, str],
    names: list[str],
    f: Any,
    as_of: float,
    span_days: float,
) -> Any:
    """The window's rows as :class:`~influence.engines.spark_stats.Rows` columns, and
    the rows with no readable time (counted as problems)."""

    def column(field: str, kind: str = "string") -> Any:
        name = mapping[field]
        if name not in names:
            return f.lit(None).cast(kind)
        return f.col("`" + name.replace("`", "``") + "`").cast(kind)

    raw = f.col("`" + mapping["action"].replace("`", "``") + "`")
    spelled = f.lower(f.trim(raw.cast("string")))
    codes = f.create_map(*[x for k, v in acts.CODES.items() for x in (f.lit(k), f.lit(v))])
    kind = frame.schema[mapping["action"]].dataType.typeName()
    if kind in ("byte", "short", "integer", "long"):
        code = f.when((raw >= 0) & (raw < len(acts.ACTIONS)), raw.cast("int"))
    else:
        code = codes[spelled]
    inside = (seconds <= f.lit(as_of)) & (seconds > f.lit(as_of - span_days * DAY))
    return frame.filter(seconds.isNull() | inside).select(
        seconds.alias("t"),
        column("actor").alias("actor"),
        code.alias("a"),
        column("target").alias("target"),
        column("post").alias("post"),
        column("parent").alias("parent"),
        column("text").alias("text"),
    )


def _memory_order(users: NDArray[Any]) -> NDArray[np.intp] | None:
    """The users in the order of an in-memory table's (:func:`influence.events.ids.typed`:
    ids that are all integers in decimal are sorted as numbers, *users* as text);
    ``None`` when it is theirs."""
    _, rank = typed(users)
    if rank is None:
        return None
    order = np.empty(rank.size, dtype=np.intp)
    order[rank] = np.arange(rank.size)
    return order


def _on_driver(
    frame: Any,
    scorer: Scorer,
    when: float | None,
    columns: Mapping[str, str] | None,
    errors: Errors,
    why: tuple[str, ...],
) -> SparkScores:
    """The window collected by :func:`read_spark` and scored in memory."""
    events = read_spark(frame, as_of=when, columns=columns, errors=errors, scorer=scorer)
    t = when if when is not None else events.end
    scores = scorer.score(events, as_of=t)
    parts = dict(scores.components)
    if t is not None:
        trusted = events.with_trust(scorer.trust(events, t)) if scorer.discounts else events
        for name, component in scorer.signals:
            parts[name] = np.asarray(evidence_of(component, trusted, t).values)
    for name, _ in scorer.discounts:
        del parts[name]
    named = scorer.signals + scorer.discounts + scorer.modifiers
    return SparkScores(
        users=text_ids(events.users.ids),  # integer ids written in decimal
        values=scores.values,
        parts=parts,
        placement={name: "driver" for name, _ in named},
        why=why,
        as_of=t,
        stats=None,
    )
