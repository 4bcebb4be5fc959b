"""score_spark: scores from statistics aggregated by Spark equal the in-memory scorer's.

Every comparison is against ``Scorer.score`` of the same window built in memory
(``Events`` from the same rows, cut to the scorer's lookback), to 1e-9; the house
scorer's (Credibility and Authenticity included) on a generated world of attacks
(cohorts, farms, props, junk, clockwork, links). One local session (two cores, two
shuffle partitions) serves the whole module.
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
    Authenticity,
    Authority,
    Credibility,
    DistinctEngagers,
    Engagement,
    Inactivity,
    Longevity,
    Momentum,
    Reciprocity,
)
from influence.datasets import load_collegemsg, synthetic
from influence.engines import SparkScores, score_spark
from influence.engines.from_stats import plan_of

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
    """About 8,000 events: genuine users, their good twins, a reciprocity ring, Sybils."""
    kinds = {"farm_size": 10, "n_sybils": 20, "ring_size": 8, "curator": False, "spam": False}
    return synthetic(seed=3, n_users=30, days=30, **kinds).events


@pytest.fixture(scope="module")
def source(spark: Any, world: Events, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The world as a Parquet log read by Spark."""
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path_factory.mktemp("log") / "world.parquet"
    pq.write_table(table_of(world), path)
    return spark.read.parquet(str(path))


@pytest.mark.slow
def test_a_generated_log_scores_as_in_memory(source: Any, world: Events) -> None:
    scorer = moved()
    as_of = float(world.time[-1])
    got = score_spark(source, scorer)
    assert got.why == ()
    assert set(got.placement.values()) == {"spark"}
    assert got.as_of == as_of
    assert_same(got, in_memory(world, scorer, as_of))
    assert got.stats is not None
    assert got.stats.pairs.source.size < got.stats.rows / 2  # pairs, not events, collected
    # each part as the component gives it on the trusted window
    trust = scorer.trust(world, as_of)
    assert trust.min() < 0.5  # the ring is discounted: the second pass is exercised
    assert Activity.link_only(world).any()  # and link-only posts weigh what they weigh
    trusted = world.with_trust(trust)
    index = {u: k for k, u in enumerate(got.users.tolist())}
    where = np.array([index[str(u)] for u in world.users.ids.tolist()])
    for name, component in scorer.signals + scorer.modifiers:
        want = component(trusted, as_of=as_of)
        assert np.max(np.abs(got.parts[name][where] - want)) <= TOLERANCE, name


@pytest.mark.slow
def test_another_time_scale_an_earlier_as_of_and_no_discounts(source: Any, world: Events) -> None:
    as_of = float(world.time[2 * len(world) // 3])
    plain = Scorer(signals=[Engagement(), Activity(), DistinctEngagers()], discounts=[],
                   modifiers=[])  # fmt: skip
    for scorer in (moved(window_days=14, half_life_days=5), plain):
        got = score_spark(source, scorer, as_of=as_of)
        assert got.why == ()
        assert_same(got, in_memory(world, scorer, as_of))


def test_other_parts_run_on_the_driver_and_say_so(source: Any, world: Events) -> None:
    scorer = Scorer(signals=[Engagement(), Momentum()], discounts=[], modifiers=[])
    got = score_spark(source, scorer)
    assert set(got.placement.values()) == {"driver"}
    assert got.stats is None
    assert any("Momentum" in reason for reason in got.why)
    assert_same(got, in_memory(world, scorer, float(world.time[-1])))
    mixed = Scorer(signals=[Engagement(), DistinctEngagers(30)], discounts=[], modifiers=[])
    assert "time scales" in plan_of(mixed).why[0]
    assert plan_of(moved(window_days=30)).why == ()
    assert plan_of(Scorer()).why == ()
    assert plan_of(Scorer()).credibility == Credibility()
    two = Scorer(discounts=[Credibility()], modifiers=[Authenticity(Credibility(cohort_days=2))])
    assert "judge" in plan_of(two).why[0]
    twice = Scorer(discounts=[Credibility(), ("again", Credibility())])
    assert "more than one" in plan_of(twice).why[0]


def test_rows_validation_must_judge_go_to_the_driver(spark: Any) -> None:
    rows = [(1.0, "bob", "like", "ann"), (2.0, "cy", "retweet", "ann"), (3.0, "dee", "like", None)]
    frame = spark.createDataFrame(rows, "time double, actor string, action string, target string")
    scorer = moved()
    got = score_spark(frame, scorer, errors="skip")
    assert "validation" in got.why[0]
    assert sorted(got.users.tolist()) == ["ann", "bob", "cy"]
    clean = score_spark(frame.filter("target is not null"), scorer)
    assert clean.why == ()
    assert np.allclose(clean.values, got.values, rtol=0, atol=TOLERANCE)


def test_scorer_is_checked(spark: Any) -> None:
    frame = spark.createDataFrame([(1.0, "bob", "like", "ann")], "time double, actor string, "
                                  "action string, target string")  # fmt: skip
    with pytest.raises(TypeError, match="'scorer' parameter of score_spark"):
        score_spark(frame, Engagement())  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.skipif(not COLLEGEMSG.exists(), reason="the CollegeMsg log is not here")
def test_a_slice_of_a_real_log_scores_as_in_memory(spark: Any) -> None:
    events = load_collegemsg(COLLEGEMSG)
    events = events.select(events.time <= events.time[0] + 60 * DAY).compact()
    scorer = moved()
    got = score_spark(spark.createDataFrame(table_of(events)), scorer)
    assert got.why == ()
    assert_same(got, in_memory(events, scorer, float(events.time[-1])))


@pytest.fixture(scope="module")
def attacks() -> Events:
    """About 37,000 events of a world of attacks: a farm, Sybil cohorts, a ring, a spammer
    (junk, clockwork) and a curator (links), with their good twins."""
    return synthetic(seed=5, n_users=40, days=30, farm_size=10, n_sybils=20, ring_size=6).events


@pytest.fixture(scope="module")
def attack_log(spark: Any, attacks: Events) -> Any:
    return spark.createDataFrame(table_of(attacks))


@pytest.mark.slow
def test_the_house_scorer_scores_on_spark(attack_log: Any, attacks: Events) -> None:
    scorer = Scorer()
    as_of = float(attacks.time[-1])
    got = score_spark(attack_log)
    assert got.why == ()
    assert set(got.placement.values()) == {"spark"}
    assert_same(got, in_memory(attacks, scorer, as_of))
    # Credibility's statistics are those of the window in memory
    assert got.stats is not None
    assert got.stats.credibility is not None
    judge = Credibility()
    window = attacks.select(attacks.time > as_of - scorer.lookback_days * DAY).compact()
    assert window.users.ids.tolist() == got.users.tolist()
    want = judge.statistics(window, as_of)
    mine = got.stats.credibility
    for name in ("first", "last", "appeared", "start", "gaps", "answerers"):
        assert np.array_equal(getattr(mine, name), getattr(want, name)), name
    for name in ("gap_sum", "gap_square"):
        assert np.allclose(getattr(mine, name), getattr(want, name), rtol=1e-12, atol=0), name
    for a, b in zip((*mine.pairs, *mine.content), (*want.pairs, *want.content)):
        assert np.array_equal(a, b)
    # the defences bite, and each part is the component's own on the trusted window
    facts = judge.credibility(window, as_of)
    for fact in ("prop", "farmed", "pooled", "junk", "links", "regular"):
        assert (facts[fact] > 0).any(), fact
    trust = scorer.trust(window, as_of)
    assert (trust == 0).any()
    assert (trust < 0.5).sum() > len(window) / 10
    trusted = window.with_trust(trust)
    for name, component in scorer.signals + scorer.modifiers:
        want_part = component(trusted, as_of=as_of)
        assert np.max(np.abs(got.parts[name] - want_part)) <= TOLERANCE, name
    assert got.parts["authenticity"].min() < 0.5


@pytest.mark.slow
def test_seeds_and_authenticity_without_the_discount(attack_log: Any, attacks: Events) -> None:
    as_of = float(attacks.time[2 * len(attacks) // 3])
    bots = [u for u in attacks.users.ids.tolist() if u.startswith("sybil")]
    judge = Credibility(trusted=(bots[0], "nobody"), distrusted=tuple(bots[1:4]))
    seeded = Scorer(discounts=[Reciprocity(), judge], modifiers=[Authenticity(judge)])
    alone = Scorer(discounts=[Reciprocity()], modifiers=[Inactivity(), Authenticity()])
    for scorer in (seeded, alone):
        got = score_spark(attack_log, scorer, as_of=as_of)
        assert got.why == ()
        assert_same(got, in_memory(attacks, scorer, as_of))


def small_log() -> list[tuple[float, str, str, str | None, str | None, str | None, str | None]]:
    """Posts of repeated, blank and link-only texts on a clock, answered and not, and the
    likes, replies and follows of a few accounts."""
    hour = 3600.0
    rows: list[tuple[float, str, str, str | None, str | None, str | None, str | None]] = []
    for k in range(14):
        rows.append((k * hour, "spam", "post", None, f"s{k}", None, "buy now"))
        rows.append((k * hour + 60, "links", "post", None, f"l{k}", None, f"https://x.io/{k}"))
        rows.append((k * 7 * hour, "ann", "post", None, f"a{k}", None, " " if k % 2 else f"hi {k}"))
        rows.append((k * 7 * hour + 300, "bob", "like", "ann", None, f"a{k}", None))
        rows.append((k * 7 * hour + 400, "cy", "reply", "ann", f"r{k}", f"a{k}", "nice"))
    rows += [(50 * hour, "bob", "like", "spam", None, "s3", None),
             (51 * hour, "cy", "follow", "bob", None, None, None)]  # fmt: skip
    return rows


def test_the_house_scorer_on_a_small_log(spark: Any) -> None:
    rows = small_log()
    schema = "time double, actor string, action string, target string, post string, " \
             "parent string, text string"  # fmt: skip
    names = ("time", "actor", "action", "target", "post", "parent", "text")
    events = Events.from_records([dict(zip(names, row)) for row in rows])
    got = score_spark(spark.createDataFrame(rows, schema))
    assert got.why == ()
    assert_same(got, in_memory(events, Scorer(), float(events.time[-1])))
    facts = Credibility().credibility(events, float(events.time[-1]))
    spam, ann = events.users.index("spam"), events.users.index("ann")
    assert facts["junk"][spam] > 0
    assert facts["regular"][spam] > 0
    assert facts["links"][events.users.index("links")] > 0
    assert facts["junk"][ann] == 0  # blank texts are no texts, not one repeated text
    assert got.stats is not None
    assert got.stats.credibility is not None
    assert got.stats.credibility.content.repeats[got.users.tolist().index("ann")] == 0
    posts_only = score_spark(spark.createDataFrame([r for r in rows if r[2] == "post"], schema))
    assert posts_only.why == ()
    assert np.array_equal(posts_only.values, np.zeros(3))


def test_ties_go_as_in_memory_when_ids_are_numbers(spark: Any) -> None:
    # 9 and 10 appear together; 100 likes both as often: its main target and anchor are
    # the lowest id, 9 in memory (integer ids), where Spark sorts "10" first.
    rows = [(0.0, "9", "mention", "10")]
    rows += [(DAY + k, "100", "like", target) for k in range(3) for target in ("9", "10")]
    rows += [(DAY + 9 + k, actor, "like", "10") for k in range(3) for actor in ("101", "102")]
    names = ("time", "actor", "action", "target")
    events = Events.from_records([dict(zip(names, row)) for row in rows])
    assert events.users.ids.dtype == np.int64
    frame = spark.createDataFrame(rows, "time double, actor string, action string, target string")
    got = score_spark(frame)
    assert got.why == ()
    want = in_memory(events, Scorer(), float(events.time[-1]))
    mine = got.to_dict()
    assert max(abs(mine[u] - want[u]) for u in want) <= TOLERANCE


def test_texts_of_separators_only_are_blank_as_reading_has_them(spark: Any) -> None:
    # U+001C..U+001F are white space to Python (reading drops such texts), not to Java's \s.
    rows = []
    for k in range(12):
        rows.append((k * 3600.0, "spam", "post", None, f"s{k}", None, "\x1c\x1f"))
        rows.append((k * 3600.0 + 60, f"f{k % 4}", "like", "spam", None, f"s{k}", None))
        rows.append((k * 3600.0 + 90, "ann", "post", None, f"a{k}", None, f"hello {k}"))
        rows.append((k * 3600.0 + 120, f"f{k % 4}", "reply", "ann", f"r{k}", f"a{k}", "nice"))
    names = ("time", "actor", "action", "target", "post", "parent", "text")
    events = Events.from_records([{k: v for k, v in zip(names, r) if v is not None} for r in rows])
    assert all(t.strip() for t in events.texts)  # reading left the separators out
    schema = ", ".join(f"{n} {'double' if n == 'time' else 'string'}" for n in names)
    got = score_spark(spark.createDataFrame(rows, schema), Scorer())
    assert got.why == ()
    assert_same(got, in_memory(events, Scorer(), rows[-1][0]))


def test_one_very_long_id_scores_as_in_memory(spark: Any) -> None:
    # Collected ids are not widened to the longest (text_ids): one 20,000-character id.
    long_id = "L" * 20_000
    rows = [(float(k), f"f{k % 30}", "like", "ann") for k in range(60)]
    rows += [(100.0 + k, long_id, "like", f"f{k}") for k in range(5)]
    rows += [(200.0, "ann", "like", long_id)]
    names = ("time", "actor", "action", "target")
    events = Events.from_records([dict(zip(names, row)) for row in rows])
    frame = spark.createDataFrame(rows, "time double, actor string, action string, target string")
    got = score_spark(frame)
    assert got.why == ()
    assert_same(got, in_memory(events, Scorer(), 200.0))


@pytest.mark.parametrize("house", [True, False])
def test_answers_older_than_a_parts_lookback_count_as_in_memory(
    spark: Any, tmp_path: Path, house: bool
) -> None:
    # 1% of the answers name any post, some long before or after it: each part reads a
    # post's answers within its own lookback, on Spark as in memory.
    from _mixed_log import mixed_log

    pq = pytest.importorskip("pyarrow.parquet")
    events = mixed_log(3)
    path = tmp_path / "mixed.parquet"
    pq.write_table(table_of(events), path)
    scorer = Scorer() if house else moved()
    as_of = float(events.time[-1])
    got = score_spark(spark.read.parquet(str(path)), scorer)
    assert got.why == ()
    assert_same(got, in_memory(events, scorer, as_of))
