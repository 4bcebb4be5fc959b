"""Credibility's statistics aggregated by Spark: the tables its judge reads, and the aimed pairs.

:func:`credibility_tables` computes, with Spark DataFrame operations over the window's
rows (:class:`~influence.engines.spark_stats.Rows`), the
:class:`~influence.components.credibility_stats.CredibilityStats` that
:meth:`Credibility.judge <influence.components.Credibility.judge>` reads, and the table
of every ``(actor, target)`` pair aimed at another account (:class:`AimedPairs`), which
the judge's trust is given on. What is shuffled: the acting rows by actor (first and last
times, the gaps between consecutive rows, by a window function), the posts by author and
text, the engagement rows by parent post (joined with the post's author), the aimed rows
by pair; what is collected: per-user results and the aimed-pair table.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.components import Credibility
from influence.components.conduct import ContentCounts
from influence.components.credibility_stats import CredibilityStats
from influence.components.interactions import InteractionPairs
from influence.engines.spark_stats import LINK_ONLY, Rows, arrow, per_user, user_index
from influence.engines.window import require_module
from influence.events import actions as acts
from influence.events.ids import text_ids

__all__ = ["AimedPairs", "credibility_tables"]

_ENGAGING = sorted(acts.ENGAGEMENTS)
_ANSWERS = (acts.REPLY, acts.SHARE, acts.LIKE)
#: A text of white space only, which reading leaves out: Python's ``str.isspace``, which
#: holds the separators U+001C-U+001F besides what Java's Unicode ``\s`` holds.
_BLANK = r"(?U)^[\s\x1c-\x1f]*$"


class AimedPairs(NamedTuple):
    """Every ``(source, target)`` pair of rows aimed at another account in the scored
    span, sorted by ``source * n_users + target``; ``interactions`` counts its rows in
    Credibility's window, ``follows`` those that are follows (the others are engagement)."""

    source: NDArray[np.int64]
    target: NDArray[np.int64]
    interactions: NDArray[np.int64]
    follows: NDArray[np.int64]


def credibility_tables(
    rows: Rows, judge: Credibility, users: NDArray[Any]
) -> tuple[CredibilityStats, AimedPairs]:
    """Two Spark jobs: the per-user statistics, then the aimed-pair table."""
    f, frame, col = rows.f, rows.frame, rows.col
    window, lookback = judge.window_days, judge.lookback_days
    acting = frame.filter(rows.other() & rows.since(lookback))
    in_window = rows.since(window)
    first_last = acting.groupBy("actor").agg(f.min("t").alias("first"), f.max("t").alias("last"))
    upon = acting.filter(col("target").isNotNull()).groupBy("target").agg(f.min("t").alias("v"))
    start = acting.agg(f.min("t").alias("v")).withColumn("u", f.lit(None))
    # Posts in the window: repeated texts, answered texts, link-only and other answered posts.
    answering = col("parent").isNotNull() & rows.other() & col("a").isin(*_ANSWERS)
    answered = (  # a post's answers within the lookback, as the content counts read them
        frame.filter(answering & rows.since(lookback))
        .select(col("parent").alias("p"))
        .distinct()
        .withColumn("heard", f.lit(True))
    )
    posts = (
        frame.filter((col("a") == f.lit(acts.POST)) & in_window)
        .withColumn("text", f.when(~col("text").rlike(_BLANK), col("text")))  # blank: none
        .join(answered, col("post") == col("p"), "left")
        .withColumn("heard", f.coalesce(col("heard"), f.lit(False)))
        .withColumn("link", f.coalesce(col("text").rlike(LINK_ONLY), f.lit(False)))
    )

    def count_if(condition: Any) -> Any:
        return f.sum(f.when(condition, 1).otherwise(0))

    content = posts.groupBy("actor").agg(
        f.count(f.lit(1)).alias("posts"),
        (count_if(col("text").isNotNull()) - f.countDistinct("text")).alias("repeats"),
        f.countDistinct(f.when(col("heard"), col("text"))).alias("answered"),
        count_if(col("link")).alias("link_only"),
        count_if(~col("link") & col("heard")).alias("other"),
    )
    # Gaps between an account's consecutive acting rows in the window.
    spec = require_module("pyspark.sql.window", "spark", "score_spark").Window
    window_spec = spec.partitionBy("actor").orderBy("t")
    gap = col("t") - f.lag("t").over(window_spec)
    gaps = (
        acting.filter(in_window)
        .select("actor", gap.alias("g"))
        .filter(col("g").isNotNull())
        .groupBy("actor")
        .agg(
            f.count(f.lit(1)).alias("gaps"),
            f.sum("g").alias("gap_sum"),
            f.sum(col("g") * col("g")).alias("gap_square"),
        )
    )
    # Distinct others engaging posts of an account's own created in the lookback.
    origins = frame.filter(col("post").isNotNull() & rows.since(lookback)).select(
        col("post").alias("op"), col("actor").alias("author")
    )
    answerers = (
        frame.filter(col("a").isin(*_ENGAGING) & col("parent").isNotNull() & in_window)
        .join(origins, col("parent") == col("op"))
        .filter(col("author") != col("actor"))
        .groupBy("author")
        .agg(f.countDistinct("actor").alias("v"))
    )
    got = _wide(
        f,
        {
            "first_last": (first_last, "actor", ("first", "last")),
            "upon": (upon, "target", ("v",)),
            "start": (start, "u", ("v",)),
            "answerers": (answerers, "author", ("v",)),
            "content": (content, "actor", ContentCounts._fields),
            "gaps": (gaps, "actor", ("gaps", "gap_sum", "gap_square")),
        },
    )
    aimed = _aimed_pairs(rows, window, users)
    as_of = rows.as_of
    first = per_user(got["first_last"]["first"], users, as_of)
    last = per_user(got["first_last"]["last"], users, -np.inf)
    burst = (last - first) <= judge.burst_days * DAY
    starts = got["start"]["v"][1]
    interacting = np.flatnonzero(aimed.interactions > 0)
    engaged = aimed.interactions[interacting] > aimed.follows[interacting]
    stats = CredibilityStats(
        pairs=InteractionPairs(
            aimed.source[interacting].astype(np.int32),
            aimed.target[interacting].astype(np.int32),
            aimed.interactions[interacting].astype(np.int32),
            engaged,
        ),
        first=first,
        last=last,
        appeared=np.minimum(first, per_user(got["upon"]["v"], users, np.inf)),
        start=float(starts[0]) if starts.size and np.isfinite(starts[0]) else float(as_of),
        content=ContentCounts(
            repeats=per_user(got["content"]["repeats"], users, 0.0),
            answered=per_user(got["content"]["answered"], users, 0.0),
            link_only=per_user(got["content"]["link_only"], users, 0.0),
            other=per_user(got["content"]["other"], users, 0.0),
            posts=per_user(got["content"]["posts"], users, 0.0).astype(np.int64),
        ),
        gaps=per_user(got["gaps"]["gaps"], users, 0.0),
        gap_sum=per_user(got["gaps"]["gap_sum"], users, 0.0),
        gap_square=per_user(got["gaps"]["gap_square"], users, 0.0),
        answerers=np.where(burst, per_user(got["answerers"]["v"], users, 0.0), 0.0),
    )
    return stats, aimed


def _wide(
    f: Any, parts: dict[str, tuple[Any, str, tuple[str, ...]]]
) -> dict[str, dict[str, tuple[Any, Any]]]:
    """Several per-user tables in one Spark job: each ``tag -> (frame, key, columns)`` as
    rows ``(tag, u, v0, v1, ...)`` of one union (each table aggregated once), collected
    once; back by tag and column as (ids, values)."""
    width = max(len(columns) for _, _, columns in parts.values())
    union = None
    for tag, (frame, key, columns) in parts.items():
        values = [f.col(c).cast("double").alias(f"v{k}") for k, c in enumerate(columns)]
        values += [f.lit(None).cast("double").alias(f"v{k}") for k in range(len(columns), width)]
        part = frame.select(f.lit(tag).alias("tag"), f.col(key).cast("string").alias("u"), *values)
        union = part if union is None else union.unionAll(part)
    got = arrow(union)
    tags = got["tag"].astype(str)
    out: dict[str, dict[str, tuple[Any, Any]]] = {}
    for tag, (_, _, columns) in parts.items():
        mine = tags == tag
        out[tag] = {c: (got["u"][mine], got[f"v{k}"][mine]) for k, c in enumerate(columns)}
    return out


def _aimed_pairs(rows: Rows, window_days: float, users: NDArray[Any]) -> AimedPairs:
    """One job: the pairs of rows aimed at another account, with their interactions and
    follows in the window."""
    f, col = rows.f, rows.col
    inside = rows.since(window_days)
    follow = inside & (col("a") == f.lit(acts.FOLLOW))
    got = arrow(
        rows.frame.filter(col("target").isNotNull() & (col("actor") != col("target")))
        .groupBy("actor", "target")
        .agg(
            f.sum(f.when(inside, 1).otherwise(0)).alias("n"),
            f.sum(f.when(follow, 1).otherwise(0)).alias("follows"),
        )
    )
    source = user_index(users, text_ids(got["actor"]))
    target = user_index(users, text_ids(got["target"]))
    order = np.argsort(source * max(users.size, 1) + target, kind="stable")
    return AimedPairs(
        source[order],
        target[order],
        np.asarray(got["n"], dtype=np.int64)[order],
        np.asarray(got["follows"], dtype=np.int64)[order],
    )
