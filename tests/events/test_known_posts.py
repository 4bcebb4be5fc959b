"""Reading a later file with ``known_posts``: answers to earlier posts take their targets
from the posts' authors there, and the tables add up to reading every row at once."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, InvalidEventError
from influence.events.readers import read_csv as read_csv_table

ACTIONS = ("post", "reply", "share", "like", "mention")


def answers_log(seed: int, n: int, integer_ids: bool) -> dict[str, list[Any]]:
    """Rows in time order whose answers name an earlier post and, half the time, no
    target (it comes from the post's author)."""
    rng = np.random.default_rng(seed)
    users: list[Any] = [k * 7 if integer_ids else f"u{k}" for k in range(8)]
    rows: dict[str, list[Any]] = {f: [] for f in ("time", "actor", "action", "target")}
    rows |= {"post": [], "parent": []}
    made: list[Any] = []
    for i in range(n):
        action = ACTIONS[int(rng.integers(0, len(ACTIONS)))]
        if action in ("reply", "share", "like") and not made:
            action = "post"
        actor = users[int(rng.integers(0, len(users)))]
        post = (
            (1000 + i if integer_ids else f"p{i}") if action in ("post", "reply", "share") else None
        )
        parent = (
            made[int(rng.integers(0, len(made)))] if action in ("reply", "share", "like") else None
        )
        target = None
        if action == "mention" or (parent is not None and rng.random() < 0.5):
            target = users[int(rng.integers(0, len(users)))]
        for field, value in zip(rows, (float(i // 3), actor, action, target, post, parent)):
            rows[field].append(value)
        if post is not None:
            made.append(post)
    return rows


def part(rows: dict[str, list[Any]], start: int, stop: int) -> dict[str, list[Any]]:
    return {k: v[start:stop] for k, v in rows.items()}


def records(rows: dict[str, list[Any]]) -> list[dict[str, Any]]:
    keys = list(rows)
    return [{k: v for k, v in zip(keys, values) if v is not None} for values in zip(*rows.values())]


@given(
    seed=st.integers(0, 2**16),
    cut=st.floats(0.05, 0.95),
    integer_ids=st.booleans(),
    how=st.sampled_from(["records", "arrays", "csv", "csv-by-row"]),
)
@settings(max_examples=40, deadline=None)
def test_a_later_part_read_with_known_posts_adds_up_to_all_rows(
    seed: int, cut: float, integer_ids: bool, how: str
) -> None:
    rows = answers_log(seed, 60, integer_ids)
    k = int(cut * 60)
    whole = Events.from_records(records(rows))
    earlier = Events.from_records(records(part(rows, 0, k)))
    later_rows = part(rows, k, 60)
    if how == "records":
        later = Events.from_records(records(later_rows), known_posts=earlier)
    elif how == "arrays":
        later = Events.from_arrays(**later_rows, known_posts=earlier)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "later.csv"
            lines = ["time,actor,action,target,post,parent"]
            lines += [
                ",".join("" if v is None else str(v) for v in values)
                for values in zip(*later_rows.values())
            ]
            path.write_text("\n".join(lines) + "\n")
            if how == "csv":
                later = Events.read_csv(path, progress=False, known_posts=earlier)
            else:
                later = Events(
                    read_csv_table(path, progress=False, fast=False, known_posts=earlier)
                )
    assert Events.concat([earlier, later]) == whole
    assert Events.concat([earlier, later]).to_records() == whole.to_records()


@pytest.mark.parametrize("kind", ["pandas", "arrow", "parquet", "jsonl"])
def test_every_reader_takes_known_posts(kind: str, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    earlier = Events.from_records([{"time": 1, "actor": "ann", "action": "post", "post": "p1"}])
    frame = pd.DataFrame(
        {
            "time": [2.0, 3.0],
            "actor": ["bob", "cy"],
            "action": ["like", "share"],
            "parent": ["p1", "p1"],
            "post": [None, "s1"],
        }
    )
    if kind == "pandas":
        later = Events.from_pandas(frame, known_posts=earlier)
    elif kind == "arrow":
        later = Events.from_arrow(pa.Table.from_pandas(frame), known_posts=earlier)
    elif kind == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pandas(frame), tmp_path / "later.parquet")
        later = Events.read_parquet(tmp_path / "later.parquet", known_posts=earlier)
    else:
        path = tmp_path / "later.jsonl"
        frame.to_json(path, orient="records", lines=True)
        later = Events.read_jsonl(path, progress=False, known_posts=earlier)
    assert [later.users.id(int(t)) for t in later.target] == ["ann", "ann"]
    assert Events.concat([earlier, later]) == Events.from_records(
        [*earlier.to_records(), *later.to_records()]
    )


def test_an_unknown_parent_is_still_refused_and_the_message_says_where_it_looked() -> None:
    earlier = Events.from_records([{"time": 1, "actor": "ann", "action": "post", "post": "p1"}])
    later = [{"time": 2, "actor": "bob", "action": "like", "parent": "p9"}]
    with pytest.raises(InvalidEventError, match="'p9' is not a post in the data nor among"):
        Events.from_records(later, known_posts=earlier)
    skipped = Events.from_records(later, known_posts=earlier, errors="skip")
    assert len(skipped) == 0
    assert skipped.report() == {"unresolved target": 1}


def test_a_post_of_this_file_comes_before_a_known_one_and_a_given_target_is_kept() -> None:
    # The same post id in both: the rows' own post wins, as reading them together (the
    # concat then refuses the post created twice). A row with its target keeps it.
    earlier = Events.from_records([{"time": 1, "actor": "ann", "action": "post", "post": "p1"}])
    later = Events.from_records(
        [
            {"time": 2, "actor": "bob", "action": "post", "post": "p1"},
            {"time": 3, "actor": "cy", "action": "like", "parent": "p1"},
            {"time": 4, "actor": "dan", "action": "like", "parent": "p1", "target": "cy"},
        ],
        known_posts=earlier,
    )
    assert [later.users.id(int(t)) for t in later.target[1:]] == ["bob", "cy"]


def test_integer_ids_beside_text_known_posts_turn_to_text_as_concat_does() -> None:
    earlier = Events.from_records([{"time": 1, "actor": "zed", "action": "post", "post": "100"}])
    later = Events.from_records(
        [{"time": 2, "actor": 7, "action": "like", "parent": 100}], known_posts=earlier
    )
    assert later.users.ids.tolist() == ["7", "zed"]
    assert later.users.id(int(later.target[0])) == "zed"
    whole = Events.from_records(
        [
            {"time": 1, "actor": "zed", "action": "post", "post": "100"},
            {"time": 2, "actor": "7", "action": "like", "parent": "100"},
        ]
    )
    assert Events.concat([earlier, later]) == whole


def test_known_posts_must_be_an_event_table_and_the_error_says_what_to_pass() -> None:
    class State:  # what a ScoringState looks like from here: it holds events
        events = None

    rows = [{"time": 2, "actor": "bob", "action": "like", "target": "ann"}]
    with pytest.raises(TypeError, match=r"known_posts must be an Events table or None \(a "):
        Events.from_records(rows, known_posts=State())
    with pytest.raises(TypeError, match="known_posts must be an Events table or None; got list"):
        Events.from_records(rows, known_posts=[])  # type: ignore[arg-type]


def test_without_known_posts_the_error_points_to_them() -> None:
    with pytest.raises(InvalidEventError, match="read these rows with known_posts=that table"):
        Events.from_records([{"time": 2, "actor": "bob", "action": "like", "parent": "p1"}])


@pytest.mark.parametrize("how", ["csv", "arrays"])
def test_one_long_author_id_does_not_widen_every_id(how: str, tmp_path: Path) -> None:
    # The known author's id is 2,000 characters; the 5,000 readers' are short. Held as
    # text of such uneven lengths is held (objects), not 5,000 slots of 2,000 characters.
    long = "L" * 2_000
    earlier = Events.from_records([{"time": 1, "actor": long, "action": "post", "post": "p1"}])
    n = 5_000
    if how == "csv":
        path = tmp_path / "later.csv"
        rows = "".join(f"{i + 2},u{i},like,p1\n" for i in range(n))
        path.write_text("time,actor,action,parent\n" + rows)
        later = Events.read_csv(path, progress=False, known_posts=earlier)
    else:
        later = Events.from_arrays(
            np.arange(2.0, n + 2.0),
            np.array([f"u{i}" for i in range(n)]),
            np.full(n, "like"),
            parent=np.full(n, "p1"),
            known_posts=earlier,
        )
    assert later.users.ids.nbytes < 1_000_000  # 5,001 ids, not 5,001 x 8,000 bytes
    assert {later.users.id(int(t)) for t in later.target} == {long}
