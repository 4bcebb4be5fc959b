"""score_spark: scores from statistics aggregated by Spark equal the in-memory scorer's.

Every comparison is against ``Scorer.score`` of the same window built in memory
(``Events`` from the same rows, cut to the scorer's lookback), to 1e-9. One local
session (two cores, two shuffle partitions) serves the whole module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from influence import Events, Scorer
from influence._time import DAY
from influence.components import (
    Activity,
    Authority,
    Credibility,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Reciprocity,
)
from influence.datasets import load_collegemsg, synthetic
from influence.engines import SparkScores, score_spark

pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")

from pyspark.sql import SparkSession  # noqa: E402

COLLEGEMSG = Path("/work/shared/data/collegemsg/CollegeMsg.txt")
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("influence-score-spark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def table_of(events: Events) -> Any:
    """The events as an Arrow table of ids and action names (what a log holds)."""

    def ids(index: Any, codes: np.ndarray) -> Any:
        table = np.asarray([*index.ids.tolist(), ""], dtype=object)  # -1 reads the spare ""
        values = table[codes].astype(str)
        return pa.array(values.tolist(), mask=codes < 0, type=pa.string())

    actions = np.array(["post", "reply", "share", "like", "mention", "follow"], dtype=object)
    texts = np.array([*events.texts, ""], dtype=object)[events.text]
    return pa.table(
        {
            "time": pa.array(events.time),
            "actor": ids(events.users, events.actor),
            "action": pa.array(actions[events.action].tolist()),
            "target": ids(events.users, events.target),
            "post": ids(events.posts, events.post),
            "parent": ids(events.posts, events.parent),
            "text": pa.array(texts.tolist(), mask=events.text < 0, type=pa.string()),
        }
    )


def in_memory(events: Events, scorer: Scorer, as_of: float) -> dict[str, float]:
    """The in-memory scores of the window the scorer reads before *as_of*."""
    span = scorer.lookback_days * DAY
    window = events.select((events.time <= as_of) & (events.time > as_of - span)).compact()
    scores = scorer.score(window, as_of=as_of)
    return {str(u): float(v) for u, v in zip(scores.users.ids.tolist(), scores.values)}


def assert_same(got: SparkScores, want: dict[str, float]) -> None:
    assert sorted(got.users.tolist()) == sorted(want)
    mine = got.to_dict()
    worst = max((abs(mine[u] - want[u]) for u in want), default=0.0)
    assert worst <= TOLERANCE, worst
    assert any(v > 1 for v in want.values())  # not a test of zeros


def moved(**scale: float) -> Scorer:
    """A scorer of every part scored from statistics."""
    return Scorer(
        signals=[
            Engagement(**scale),
            Activity(**scale),
            Longevity(**scale),
            DistinctEngagers(window_days=scale.get("window_days", 90.0)),
            Authority(**scale),
        ],
        discounts=[Reciprocity(**scale)],
        modifiers=[Inactivity()],
    )


@pytest.fixture(scope="module")
def world() -> Events:
    return synthetic(seed=3, n_users=40, days=40, farm_size=20, n_sybils=40, ring_size=10).events


@pytest.mark.parametrize(
    "scorer",
    [moved(), moved(window_days=21, half_life_days=7)],
    ids=["house-scale", "weekly"],
)
def test_a_generated_log_scores_as_in_memory(spark: Any, world: Events, scorer: Scorer) -> None:
    frame = spark.createDataFrame(table_of(world))
    as_of = float(world.time[-1])
    got = score_spark(frame, scorer)
    assert got.why == ()
    assert set(got.placement.values()) == {"spark"}
    assert got.as_of == as_of
    assert_same(got, in_memory(world, scorer, as_of))
    assert got.stats is not None
    assert got.stats.pairs.source.size < got.stats.rows / 2  # pairs, not events, collected


def test_an_earlier_as_of_and_a_scorer_without_discounts(spark: Any, world: Events) -> None:
    frame = spark.createDataFrame(table_of(world))
    as_of = float(world.time[len(world) // 2])
    plain = Scorer(signals=[Engagement(), Activity(), DistinctEngagers()], discounts=[],
                   modifiers=[])  # fmt: skip
    for scorer in (moved(), plain):
        got = score_spark(frame, scorer, as_of=as_of)
        assert got.why == ()
        assert_same(got, in_memory(world, scorer, as_of))


def test_parts_equal_the_components_on_the_trusted_window(spark: Any, world: Events) -> None:
    scorer = moved()
    frame = spark.createDataFrame(table_of(world))
    got = score_spark(frame, scorer)
    events = Events.from_arrow(table_of(world))
    as_of = float(events.time[-1])
    trusted = events.with_trust(scorer.trust(events, as_of))
    index = {u: k for k, u in enumerate(got.users.tolist())}
    where = np.array([index[str(u)] for u in events.users.ids.tolist()])
    for name, component in scorer.signals + scorer.modifiers:
        want = component(trusted, as_of=as_of)
        assert np.max(np.abs(got.parts[name][where] - want)) <= TOLERANCE, name


def test_other_parts_run_on_the_driver_and_say_so(spark: Any, world: Events) -> None:
    scorer = Scorer(signals=[Engagement()], discounts=[Credibility()], modifiers=[])
    frame = spark.createDataFrame(table_of(world))
    got = score_spark(frame, scorer)
    assert set(got.placement.values()) == {"driver"}
    assert got.stats is None
    assert any("Credibility" in reason for reason in got.why)
    assert_same(got, in_memory(world, scorer, float(world.time[-1])))


def test_rows_validation_must_judge_go_to_the_driver(spark: Any) -> None:
    rows = [(1.0, "bob", "like", "ann"), (2.0, "cy", "retweet", "ann"), (3.0, "dee", "like", None)]
    frame = spark.createDataFrame(rows, "time double, actor string, action string, target string")
    scorer = moved()
    got = score_spark(frame, scorer, errors="skip")
    assert got.why and "validation" in got.why[0]
    assert sorted(got.users.tolist()) == ["ann", "bob", "cy"]
    clean = score_spark(frame.filter("target is not null"), scorer)
    assert clean.why == ()
    assert np.allclose(clean.values, got.values, rtol=0, atol=TOLERANCE)


def test_scorer_is_checked(spark: Any) -> None:
    frame = spark.createDataFrame([(1.0, "bob", "like", "ann")], "time double, actor string, "
                                  "action string, target string")  # fmt: skip
    with pytest.raises(TypeError, match="'scorer' parameter of score_spark"):
        score_spark(frame, Engagement())  # type: ignore[arg-type]


@pytest.mark.skipif(not COLLEGEMSG.exists(), reason="the CollegeMsg log is not here")
def test_a_slice_of_a_real_log_scores_as_in_memory(spark: Any) -> None:
    events = load_collegemsg(COLLEGEMSG)
    events = events.select(events.time <= events.time[0] + 60 * DAY).compact()
    scorer = moved()
    got = score_spark(spark.createDataFrame(table_of(events)), scorer)
    assert got.why == ()
    assert_same(got, in_memory(events, scorer, float(events.time[-1])))
