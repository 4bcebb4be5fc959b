"""Topic membership: own tags, hashtags, threads followed up, vectorised and order-free."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events
from influence.events import topics as topics_module
from influence.events.topics import HASHTAG, about, topic_index, topic_matrix, topic_names

TAGS = ["Travel", "travel", "FOOD", "tech", "Ünï"]
WORDS = ["#Travel", "#food", "hello", "#tech!", "C#", "#1", "##x", "#Ünï", "see#not"]


def membership(events: Events, hashtags: bool = False) -> dict[tuple[Any, ...], set[str]]:
    """Each event (by its time, actor and action: distinct in these logs) -> its topics."""
    matrix = topic_matrix(events, hashtags=hashtags).tocsr()
    names = topic_names(events, hashtags=hashtags)
    out: dict[tuple[Any, ...], set[str]] = {}
    for i, r in enumerate(events.to_records()):
        cols = matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]
        out[float(r["time"]), r["actor"], r["action"]] = {names[j] for j in cols}
    return out


def reference(records: list[dict[str, Any]], hashtags: bool) -> dict[tuple[Any, ...], set[str]]:
    """The definition, read literally, one record at a time (recursion up the thread)."""
    engaging = {"reply", "share", "like", "mention"}

    def own(r: dict[str, Any]) -> set[str]:
        tags = {t.strip().casefold() for t in r.get("topics", "").split(",") if t.strip()}
        if hashtags and r.get("text"):
            tags |= {t.casefold() for t in HASHTAG.findall(r["text"])}
        return tags

    creator = {r["post"]: r for r in records if "post" in r}

    def post_topics(post: str, seen: frozenset[str]) -> set[str]:
        r = creator.get(post)
        if r is None or post in seen:
            return set()
        out = own(r)
        if r["action"] in engaging and "parent" in r:
            out |= post_topics(r["parent"], seen | {post})
        return out

    result = {}
    for r in records:
        tags = own(r)
        if r["action"] in engaging and "parent" in r:
            tags |= post_topics(r["parent"], frozenset())
        result[float(r["time"]), r["actor"], r["action"]] = tags
    return result


@st.composite
def threads(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A small log of posts, replies and shares in threads, with likes and follows."""
    n = draw(st.integers(1, 12))
    records: list[dict[str, Any]] = []
    for i in range(n):
        action = draw(st.sampled_from(["post", "reply", "share"])) if i else "post"
        record: dict[str, Any] = {"time": i, "actor": f"u{i % 4}", "action": action}
        record["post"] = f"p{i}"
        if action != "post":
            parent = draw(st.integers(0, i - 1))
            record["parent"], record["target"] = f"p{parent}", f"u{parent % 4}"
        record["topics"] = ",".join(draw(st.lists(st.sampled_from(TAGS), max_size=2)))
        record["text"] = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3)))
        records.append(record)
    for j in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["like", "mention", "follow"]))
        record = {"time": n + j, "actor": f"f{j}", "action": action}
        record["target"] = "u0"
        if action != "follow":
            parent = draw(st.integers(0, n - 1))
            record["parent"], record["target"] = f"p{parent}", f"u{parent % 4}"
        if draw(st.booleans()):
            record["topics"] = draw(st.sampled_from(TAGS))
        records.append(record)
    return [{k: v for k, v in r.items() if v != ""} for r in records]


@settings(max_examples=60, deadline=None)
@given(threads(), st.booleans())
def test_membership_follows_the_definition(records: list[dict[str, Any]], tags: bool) -> None:
    assert membership(Events.from_records(records), tags) == reference(records, tags)


@settings(max_examples=30, deadline=None)
@given(threads(), st.randoms(use_true_random=False))
def test_order_of_the_rows_changes_nothing(
    records: list[dict[str, Any]], rng: random.Random
) -> None:
    shuffled = records[:]
    rng.shuffle(shuffled)
    first, second = Events.from_records(records), Events.from_records(shuffled)
    assert topic_names(first, hashtags=True) == topic_names(second, hashtags=True)
    assert membership(first, True) == membership(second, True)
    for topic in topic_names(first, hashtags=True):
        assert np.array_equal(
            about(first, topic, hashtags=True), about(second, topic, hashtags=True)
        )


def log() -> Events:
    return Events.from_records(
        [
            {"time": 1, "actor": "ann", "action": "post", "post": "p1", "topics": "Travel,Food"},
            {"time": 2, "actor": "bob", "action": "share", "parent": "p1", "post": "s1"},
            {"time": 3, "actor": "cy", "action": "like", "parent": "s1"},
            {"time": 4, "actor": "cy", "action": "reply", "parent": "p1", "topics": "rail"},
            {"time": 5, "actor": "dan", "action": "follow", "target": "ann", "topics": "x"},
            {"time": 6, "actor": "ann", "action": "post", "post": "p2", "text": "#Rail #café"},
            {"time": 7, "actor": "eve", "action": "like", "parent": "p2"},
        ]
    )


def test_tags_are_case_folded_and_threads_followed_up() -> None:
    ev = log()
    assert topic_names(ev) == ("food", "rail", "travel", "x")
    assert about(ev, "TRAVEL").tolist() == [True, True, True, True, False, False, False]
    assert about(ev, "rail").tolist() == [False, False, False, True, False, False, False]
    assert about(ev, "x").tolist() == [False, False, False, False, True, False, False]
    assert not about(ev, "no such topic").any()


def test_hashtags_only_when_asked() -> None:
    ev = log()
    assert "café" not in topic_names(ev)
    assert topic_names(ev, hashtags=True) == ("café", "food", "rail", "travel", "x")
    assert about(ev, "Rail", hashtags=True).tolist() == [0, 0, 0, 1, 0, 1, 1]
    assert about(ev, "café", hashtags=True)[-2:].all()


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#Higgs boson", ["Higgs"]),
        ("(#a_b), #c-d", ["a_b", "c"]),
        ("C# and ##x and #1 and #2024vote", ["2024vote"]),
        ("mail@x.org#frag #日本", ["日本"]),
    ],
)
def test_hashtag_pattern(text: str, tags: list[str]) -> None:
    assert HASHTAG.findall(text) == tags


def test_matrix_shape_and_index_agree() -> None:
    ev = log()
    matrix = topic_matrix(ev)
    assert matrix.shape == (len(ev), 4)
    assert matrix.dtype == bool
    index = topic_index(ev)
    for j, name in enumerate(index.names):
        rows = index.rows[index.starts[j] : index.starts[j + 1]]
        assert rows.tolist() == np.flatnonzero(about(ev, name)).tolist()
        assert rows.tolist() == np.flatnonzero(matrix.toarray()[:, j]).tolist()


def test_computed_once_per_table_and_shared_with_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Counting:
        def findall(self, text: str) -> list[str]:
            calls.append(text)
            return HASHTAG.findall(text)

    monkeypatch.setattr(topics_module, "HASHTAG", Counting())
    records = [
        {"time": t, "actor": f"u{t}", "action": "post", "post": f"p{t}", "text": "#same"}
        for t in range(50)
    ]
    ev = Events.from_records(records)
    first = topic_index(ev, hashtags=True)
    assert len(calls) == 1  # one distinct text, read once, not once per row
    assert (
        ev.with_trust(np.full(len(ev), 0.5)).memo.get(
            ("topic-index", True), lambda: None, uses_trust=False
        )
        is first
    )
    assert topic_index(ev, hashtags=True) is first
    assert len(calls) == 1
    assert not first.rows.flags.writeable


def test_a_cycle_of_posts_ends() -> None:
    records: list[dict[str, Any]] = [
        {"time": 1, "actor": "a", "action": "reply", "post": "p1", "parent": "p2", "target": "b"},
        {"time": 2, "actor": "b", "action": "reply", "post": "p2", "parent": "p1", "target": "a"},
        {"time": 3, "actor": "c", "action": "like", "parent": "p1"},
    ]
    records[0]["topics"], records[1]["topics"] = "x", "y"
    ev = Events.from_records(records)
    assert membership(ev) == reference(records, False)
    assert about(ev, "x").all()
    assert about(ev, "y").all()


def test_a_deep_thread_is_followed_to_its_root() -> None:
    depth = 300
    records = [{"time": 0, "actor": "root", "action": "post", "post": "p0", "topics": "deep"}]
    records += [
        {"time": i, "actor": f"u{i}", "action": "reply", "post": f"p{i}", "parent": f"p{i - 1}"}
        for i in range(1, depth)
    ]
    records.append({"time": depth, "actor": "z", "action": "like", "parent": f"p{depth - 1}"})
    assert about(Events.from_records(records), "deep").all()


def test_empty_and_untagged_tables() -> None:
    assert topic_names(Events.empty()) == ()
    assert topic_matrix(Events.empty()).shape == (0, 0)
    ev = Events.from_records([{"time": 1, "actor": "a", "action": "like", "target": "b"}])
    assert topic_names(ev, hashtags=True) == ()
    assert about(ev, "x").tolist() == [False]
    with pytest.raises(TypeError, match="topic must be a string"):
        about(ev, 3)  # type: ignore[arg-type]


def test_topic_name_reads_a_hashtag_as_its_tag() -> None:
    from influence.events.topics import topic_name

    assert topic_name("#Higgs") == "higgs" == topic_name("  HIGGS ")
    assert topic_name("#café") == "café"
    assert topic_name("C#") == "c#"  # no hashtag: as it is
    assert topic_name("#1") == "#1"  # a hashtag holds a letter
    assert topic_name("##music") == "##music"
