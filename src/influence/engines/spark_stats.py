"""The sufficient statistics of a scoring window, aggregated by Spark where the events are.

Two passes over the window's rows (:func:`first_pass`, :func:`second_pass`), each a few
``groupBy`` aggregations; only per-user results and the engagement-pair table reach the
driver (:mod:`influence.engines.stats` defines them). What is shuffled: the engagement
rows and the rows that answer a post, by post id (to join each with the post's creation),
then by ``(engager, target)`` pair; the rows by user for the per-user sums. Between the
passes the driver judges the pairs (:func:`influence.engines.from_stats.pair_keep`) and
sends the few it discounts back, broadcast to every task.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.engines.from_stats import Plan
from influence.engines.stats import PairStats, Sums, TrustedSums
from influence.events import actions as acts
from influence.events.ids import text_ids

__all__ = [
    "LINK_ONLY",
    "Rows",
    "arrow",
    "census",
    "pair_table",
    "per_user",
    "second_pass",
    "tagged",
    "user_index",
]

_ENGAGING = sorted(acts.ENGAGEMENTS)  # reply, share, like, mention: ACTION_COLUMNS' order
_ANSWERS = (acts.REPLY, acts.SHARE, acts.LIKE)  # what implies a post (post_answers)
_AMPLIFY = (acts.SHARE, acts.LIKE)
#: Activity's link-only post, as a Java regex (``(?iU)``: Python's IGNORECASE, Unicode \\s).
LINK_ONLY = r"(?iU)^\s*(?:(?:https?://|www\.)\S+\s*)+$"


class Rows:
    """The window's rows as Spark columns ``t, actor, a, target, post, parent, text``:
    times in epoch seconds, ids as text, actions as codes (``NULL`` where unknown)."""

    def __init__(self, frame: Any, functions: Any, as_of: float) -> None:
        self.frame, self.f, self.as_of = frame, functions, as_of

    def col(self, name: str) -> Any:
        return self.f.col(name)

    def other(self) -> Any:
        """Not a self-interaction (a post, with no target, is not one)."""
        f = self.f
        return f.col("target").isNull() | (f.col("actor") != f.col("target"))

    def since(self, days: float) -> Any:
        return self.f.col("t") > self.f.lit(self.as_of - days * DAY)

    def recency(self, window_days: float, half_life_days: float) -> Any:
        """:func:`influence.kernels.recency_weights` of each row's age, as a column."""
        f = self.f
        age = (f.lit(self.as_of) - f.col("t")) / f.lit(DAY)
        x = f.least(f.greatest(age / f.lit(window_days), f.lit(0.0)), f.lit(1.0))
        weight = f.pow(f.lit(2.0), -f.greatest(age, f.lit(0.0)) / f.lit(half_life_days)) * f.pow(
            f.cos(f.lit(0.5 * math.pi) * x), f.lit(2.0)
        )
        inside = (age >= f.lit(0.0)) & (age < f.lit(window_days))
        return f.when(inside, weight).otherwise(f.lit(0.0))


def _bad(rows: Rows) -> Any:
    """Rows validation would reject, or repair (a target known only from the parent post)."""
    f = rows.f
    a, target = f.col("a"), f.col("target")
    return (
        f.col("t").isNull()
        | f.col("actor").isNull()
        | a.isNull()
        | ((a == f.lit(acts.POST)) & (f.col("post").isNull() | target.isNotNull()))
        | ((a != f.lit(acts.POST)) & target.isNull())
    )


def user_index(users: NDArray[Any], ids: NDArray[Any]) -> NDArray[np.int64]:
    """Positions of *ids* in the sorted, distinct *users*."""
    return np.searchsorted(users, ids).astype(np.int64)


def arrow(frame: Any) -> dict[str, NDArray[Any]]:
    """The frame collected through Arrow: column name -> numpy array."""
    table = frame.toArrow()
    return {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}


def tagged(f: Any, parts: dict[str, tuple[Any, str, str]]) -> dict[str, tuple[Any, Any]]:
    """Several per-user results in one Spark job: each ``tag -> (frame, key, value)``
    as rows ``(tag, u, v)`` of one union, collected once; back by tag as (ids, values)."""
    union = None
    for tag, (frame, key, value) in parts.items():
        part = frame.select(
            f.lit(tag).alias("tag"),
            f.col(key).cast("string").alias("u"),
            f.col(value).cast("double").alias("v"),
        )
        union = part if union is None else union.unionAll(part)
    got = arrow(union)
    tags = got["tag"].astype(str)
    return {tag: (got["u"][tags == tag], got["v"][tags == tag]) for tag in parts}


def per_user(found: tuple[Any, Any], users: NDArray[Any], fill: float) -> NDArray[np.float64]:
    """Per user of *users*, the values *found* for some of them (ids, values); *fill* elsewhere."""
    ids, values = found
    out = np.full(users.size, fill)
    if ids.size:
        out[user_index(users, text_ids(ids))] = values.astype(np.float64)
    return out


def census(rows: Rows, plan: Plan) -> tuple[int, int, NDArray[Any], Sums]:
    """One job: the window's rows, those validation must judge (and repeated post
    ids), the users, and the per-user sums that do not depend on trust."""
    f, frame, col = rows.f, rows.frame, rows.col
    window = plan.window_days
    rho = rows.recency(window, plan.half_life_days)
    users = (
        frame.select(col("actor").alias("u"))
        .union(frame.filter(col("target").isNotNull()).select(col("target").alias("u")))
        .distinct()
        .withColumn("v", f.lit(0.0))
    )
    counts = frame.agg(
        f.count(f.lit(1)).alias("rows"), f.sum(f.when(_bad(rows), 1).otherwise(0)).alias("bad")
    ).withColumn("u", f.lit(None))
    repeated = (
        frame.filter(col("post").isNotNull())
        .groupBy("post")
        .count()
        .filter(col("count") > 1)
        .agg(f.count(f.lit(1)).alias("v"))
        .withColumn("u", f.lit(None))
    )
    own = frame.filter((col("a") == f.lit(acts.POST)) & rows.since(window))
    age = (f.lit(rows.as_of) - col("t")) / f.lit(DAY)
    late = f.greatest(age - f.lit(1.0), f.lit(0.0))
    if plan.exposure_days == 0:
        exposure = f.when(late > 0, 1.0).otherwise(0.0)
    else:
        exposure = f.least(f.lit(1.0), f.pow(late / f.lit(plan.exposure_days), 2.0))
    exposed = own.groupBy("actor").agg(f.sum(rho * exposure).alias("v"))
    # Reciprocity reads a post's answers within its lookback: the window and fast_minutes.
    answering = col("parent").isNotNull() & rows.other() & col("a").isin(*_ANSWERS)
    answering &= rows.since(window + plan.fast_minutes / (24.0 * 60.0))
    answered = frame.filter(answering).select(col("parent").alias("p")).distinct()
    covered = (
        own.join(answered, col("post") == col("p"))
        .groupBy("actor")
        .agg(f.count(f.lit(1)).alias("v"))
    )
    got = tagged(
        f,
        {
            "users": (users, "u", "v"),
            "rows": (counts, "u", "rows"),
            "bad": (counts, "u", "bad"),
            "repeated": (repeated, "u", "v"),
            "exposed": (exposed, "actor", "v"),
            "covered": (covered, "actor", "v"),
        },
    )
    ids = np.unique(text_ids(got["users"][0]))
    total = int(got["rows"][1].sum())
    bad = int(np.nan_to_num(got["bad"][1]).sum() + got["repeated"][1].sum())
    sums = Sums(
        exposed_posts=per_user(got["exposed"], ids, 0.0),
        answered_posts=per_user(got["covered"], ids, 0.0),
    )
    return total, bad, ids, sums


def pair_table(rows: Rows, plan: Plan, users: NDArray[Any]) -> PairStats:
    """One job: the engagement-pair table (the only table of more than one row per user)."""
    f, frame, col = rows.f, rows.frame, rows.col
    window, half = plan.window_days, plan.half_life_days
    posts = frame.filter(col("post").isNotNull()).select(
        col("post").alias("p"), col("actor").alias("author"), col("t").alias("created")
    )
    engaging = frame.filter(
        col("a").isin(*_ENGAGING)
        & col("target").isNotNull()
        & (col("actor") != col("target"))
        & rows.since(window)
    ).join(posts, col("parent") == col("p"), "left")
    rho = rows.recency(window, half)
    by_post = (col("author") == col("target")) & col("created").isNotNull()
    delay = col("t") - col("created")
    quick = by_post & (delay >= 0.0) & (delay <= f.lit(plan.fast_minutes * 60.0))
    amplify = col("a").isin(*_AMPLIFY)
    known = f.coalesce(
        by_post & (col("created") > f.lit(rows.as_of - plan.timed_days * DAY)), f.lit(False)
    )
    lasting = -f.expm1(-f.pow(f.greatest(delay, f.lit(0.0)) / f.lit(plan.tau_days * DAY), 2.0))

    def of(code: int, value: Any) -> Any:
        return f.when(col("a") == f.lit(code), value).otherwise(f.lit(0.0))

    aggregates = [
        f.count(f.lit(1)).alias("events"),
        f.min("t").alias("first"),
        f.max("t").alias("last"),
        f.sum(f.when(amplify, 1.0).otherwise(0.0)).alias("amplified"),
        f.sum(f.when(amplify & f.coalesce(quick, f.lit(False)), 1.0).otherwise(0.0)).alias("fast"),
        f.sum(f.when(known, 1).otherwise(0)).alias("timed"),
    ]
    for k in _ENGAGING:
        aggregates.append(f.sum(of(k, rho)).alias(f"r{k}"))
        aggregates.append(f.sum(of(k, f.when(known, rho).otherwise(0.0))).alias(f"tr{k}"))
        aggregates.append(f.sum(of(k, f.when(known, rho * lasting).otherwise(0.0))).alias(f"l{k}"))
    got = arrow(engaging.groupBy("actor", "target").agg(*aggregates))
    source = user_index(users, text_ids(got["actor"]))
    target = user_index(users, text_ids(got["target"]))
    order = np.argsort(source * max(users.size, 1) + target, kind="stable")

    def take(name: str, dtype: Any) -> NDArray[Any]:
        return np.asarray(got[name], dtype=dtype)[order]

    def stack(prefix: str) -> NDArray[np.float64]:
        columns = [take(f"{prefix}{k}", np.float64) for k in _ENGAGING]
        return np.stack(columns, axis=1) if order.size else np.zeros((0, len(_ENGAGING)))

    pairs = PairStats(
        source=source[order],
        target=target[order],
        events=take("events", np.int64),
        first=take("first", np.float64),
        last=take("last", np.float64),
        recency=stack("r"),
        amplified=take("amplified", np.float64),
        fast=take("fast", np.float64),
        timed=take("timed", np.int64),
        timed_recency=stack("tr"),
        lasting=stack("l"),
    )
    return pairs


def second_pass(rows: Rows, plan: Plan, users: NDArray[Any], discounted: Any) -> TrustedSums:
    """The per-user sums weighted by trust; *discounted* holds the pairs whose trust is
    below 1 (columns ``ka, kt, cred, recip``: what every row of the pair aimed at another
    account keeps, and what its engagement rows in the window keep besides), broadcast to
    every task."""
    f, col = rows.f, rows.col
    aimed = col("target").isNotNull() & (col("actor") != col("target"))
    engaging = aimed & col("a").isin(*_ENGAGING) & rows.since(plan.window_days)
    joined = rows.frame.join(
        f.broadcast(discounted), (col("actor") == col("ka")) & (col("target") == col("kt")), "left"
    )
    recip = f.when(engaging, f.coalesce(col("recip"), f.lit(1.0))).otherwise(f.lit(1.0))
    cred = f.when(aimed, f.coalesce(col("cred"), f.lit(1.0))).otherwise(f.lit(1.0))
    frame = joined.withColumn("tau", recip * cred)
    answering = col("parent").isNotNull() & rows.other() & col("a").isin(*_ANSWERS)
    answers = (  # Activity reads a post's answers within its lookback, the window
        frame.filter(answering & rows.since(plan.window_days))
        .groupBy(col("parent").alias("p"))
        .agg(f.sum("tau").alias("n"))
    )
    weights = dict(plan.activity_weights)
    kind = f.lit(0.0)
    for code, name in enumerate(acts.ACTIONS):
        kind = f.when(col("a") == f.lit(code), f.lit(weights[name])).otherwise(kind)
    link = (col("a") == f.lit(acts.POST)) & f.coalesce(col("text").rlike(LINK_ONLY), f.lit(False))
    kind = f.when(link, f.lit(weights["link_post"])).otherwise(kind)
    heard = f.when(col("post").isNotNull(), -f.expm1(-f.coalesce(col("n"), f.lit(0.0)))).otherwise(
        1.0
    )
    rho = rows.recency(plan.window_days, plan.half_life_days)
    activity = (
        frame.filter(rows.other() & rows.since(plan.window_days))
        .join(answers, col("post") == col("p"), "left")
        .groupBy("actor")
        .agg(f.sum(kind * rho * col("tau") * heard).alias("v"))
    )
    trusted = frame.filter(rows.since(plan.window_days) & (col("tau") > 0))
    present = (
        trusted.select(col("actor").alias("u"))
        .union(trusted.filter(col("target").isNotNull()).select(col("target").alias("u")))
        .distinct()
        .withColumn("v", f.lit(1.0))
    )
    recent = frame.filter(rows.since(plan.history_days))
    acted = recent.filter(rows.other()).groupBy("actor").agg(f.max("t").alias("v"))
    in_view = (
        recent.filter(col("post").isNotNull() & rows.other())
        .select(col("post").alias("p"))
        .distinct()
    )
    addressed = (
        recent.filter(col("target").isNotNull() & rows.other() & (col("tau") >= 0.5))
        .join(in_view, col("parent") == col("p"), "left")
        .filter(~(col("a").isin(*_ANSWERS) & col("p").isNotNull()))
        .groupBy("target")
        .agg(f.max("t").alias("v"))
    )
    got = tagged(
        f,
        {
            "activity": (activity, "actor", "v"),
            "present": (present, "u", "v"),
            "acted": (acted, "actor", "v"),
            "addressed": (addressed, "target", "v"),
        },
    )
    seen = per_user(got["acted"], users, -np.inf)
    return TrustedSums(
        activity=per_user(got["activity"], users, 0.0),
        present=per_user(got["present"], users, 0.0) > 0,
        last_seen=np.maximum(seen, per_user(got["addressed"], users, -np.inf)),
    )
