"""Identity links: one person's accounts merged, equal to the table built from mapped rows."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, Scorer
from influence.events.links import link
from influence.testing import small_world_records


def mapped(records: list[dict[str, Any]], mapping: dict[Any, Any]) -> list[dict[str, Any]]:
    """The rows with each mapped account written as its person (targets spelled out)."""
    out = []
    for record in records:
        row = dict(record)
        for field in ("actor", "target"):
            if field in row and row[field] in mapping:
                row[field] = mapping[row[field]]
        out.append(row)
    return out


def spelled_out(events: Events) -> list[dict[str, Any]]:
    """The table's rows, each with its (resolved) target written in."""
    return events.to_records()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equal_to_the_table_built_from_the_mapped_rows(seed: int) -> None:
    ev = Events.from_records(small_world_records(seed))
    mapping = {"ann": "A", "bob": "A", "cy": "C", "unknown-account": "Z"}
    linked = ev.link(mapping)
    expected = Events.from_records(mapped(spelled_out(ev), mapping))
    assert linked == expected
    assert linked.users.ids.tolist() == expected.users.ids.tolist()
    assert "Z" not in linked.users  # accounts no event mentions are ignored


def test_the_three_forms_of_mapping_agree() -> None:
    ev = Events.from_records(small_world_records(3))
    as_dict = ev.link({"ann": "p1", "dee": "p1"})
    as_series = ev.link(pd.Series({"ann": "p1", "dee": "p1"}))
    as_arrays = ev.link((np.array(["ann", "dee"]), np.array(["p1", "p1"])))
    as_function = link(ev, [["ann", "dee"], ["p1", "p1"]])
    assert as_dict == as_series == as_arrays == as_function


def test_engagement_between_ones_own_accounts_is_self_interaction_and_counts_for_nothing() -> None:
    rows = [
        {"time": 0, "actor": "ann_tw", "action": "post", "post": "t1", "platform": "tw"},
        {"time": 5, "actor": "ann_fb", "action": "share", "parent": "t1", "platform": "fb"},
        {"time": 6, "actor": "ann_fb", "action": "reply", "parent": "t1", "platform": "fb"},
        {"time": 7, "actor": "ann_tw", "action": "like", "target": "ann_fb", "platform": "tw"},
        {"time": 8, "actor": "bob", "action": "like", "parent": "t1", "platform": "tw"},
    ]
    ev = Events.from_records(rows)
    linked = ev.link({"ann_tw": "ann", "ann_fb": "ann"})
    assert linked.is_self().sum() == 3
    genuine = Events.from_records([r for r in mapped(rows, {}) if r["actor"] == "bob" or
                                   r["action"] == "post"]).link({"ann_tw": "ann"})  # fmt: skip
    scores = Scorer().score(linked)
    assert scores["ann"] == pytest.approx(Scorer().score(genuine)["ann"], abs=1e-9)
    before = Scorer().score(ev)
    assert before["ann_tw"] > scores["ann"]  # the sock puppet's engagement counted before


def test_integer_and_text_ids_follow_the_one_rule() -> None:
    ev = Events.from_records(
        [
            {"time": 0, "actor": 12, "action": "like", "target": 7},
            {"time": 1, "actor": 13, "action": "like", "target": 7},
        ]
    )
    linked = ev.link({"12": 100, 13: "100"})  # "12" is the id 12; 100 and "100" one person
    assert linked.users.ids.tolist() == [7, 100]
    assert linked.users.ids.dtype.kind == "i"
    texts = ev.link({12: "ann"})
    assert texts.users.ids.tolist() == ["13", "7", "ann"]
    assert texts == Events.from_records(mapped(spelled_out(ev), {12: "ann"}))


def test_trust_is_carried_with_its_rows() -> None:
    ev = Events.from_records(small_world_records(4))
    weight = (ev.time % 977.0) / 977.0  # a function of each row's time
    linked = ev.with_trust(weight).link({"eve": "E", "ann": "E"})
    assert linked.trust is not None
    np.testing.assert_array_equal(linked.trust, (linked.time % 977.0) / 977.0)
    assert linked.with_trust(None) == ev.link({"eve": "E", "ann": "E"})


def test_mapping_an_account_to_itself_changes_nothing() -> None:
    ev = Events.from_records(small_world_records(5))
    assert ev.link({"ann": "ann", "bob": "bob"}) == ev
    assert ev.link({}) == ev


def test_a_person_id_that_is_an_unmapped_account_is_refused() -> None:
    ev = Events.from_records(small_world_records(0))
    with pytest.raises(ValueError, match=r"'mapping'.*person id 'bob'.*unmapped.*Map 'bob' too"):
        ev.link({"ann": "bob"})
    merged = ev.link({"ann": "bob", "bob": "bob"})  # mapped explicitly: merged
    assert "ann" not in merged.users
    assert "bob" in merged.users


def test_a_mapping_that_is_not_many_to_one_is_refused() -> None:
    ev = Events.from_records(small_world_records(0))
    with pytest.raises(ValueError, match=r"many-to-one.*'ann' is mapped to both 'x' and 'y'"):
        ev.link((["ann", "ann"], ["x", "y"]))
    with pytest.raises(ValueError, match="many-to-one"):
        ev.link(pd.Series(["x", "y"], index=["nobody", "nobody"]))  # unknown accounts too
    assert ev.link((["ann", "ann"], ["x", "x"])) == ev.link({"ann": "x"})


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"ann": None}, r"the person None \(entry 0\) is not one"),
        ({"ann": 1.5}, r"the person 1.5 \(entry 0\) is not one"),
        ({True: "x"}, r"the account True \(entry 0\) is not one"),
        ((["ann"], ["x", "y"]), r"equally long; got shapes \(1,\) and \(2,\)"),
        (42, r"must be a dict, a pandas Series or two arrays.*got int"),
    ],
)
def test_bad_mappings_name_the_parameter_and_the_value(mapping: Any, message: str) -> None:
    ev = Events.from_records(small_world_records(0))
    with pytest.raises(ValueError, match=message):
        ev.link(mapping)


def test_the_input_is_not_mutated_and_the_empty_table_links() -> None:
    ev = Events.from_records(small_world_records(1))
    before = ev.to_records()
    mapping = {"ann": "x"}
    ev.link(mapping)
    assert ev.to_records() == before
    assert mapping == {"ann": "x"}
    assert len(Events.empty().link({"a": "b"})) == 0


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 50),
    st.dictionaries(
        st.sampled_from(["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]),
        st.sampled_from(["P", "Q", "R"]),
        max_size=8,
    ),
    st.randoms(use_true_random=False),
)
def test_any_mapping_in_any_row_order(
    seed: int, mapping: dict[str, str], rnd: random.Random
) -> None:
    records = small_world_records(seed)
    shuffled = records[:]
    rnd.shuffle(shuffled)
    ev, other = Events.from_records(records), Events.from_records(shuffled)
    linked = ev.link(mapping)
    assert linked == other.link(mapping)
    assert linked == Events.from_records(mapped(spelled_out(ev), mapping))


@pytest.mark.parametrize("integer_users", [False, True])
def test_one_very_long_account_id_does_not_widen_the_lookup(integer_users: bool) -> None:
    # Fixed-width text would take 2,001 slots of 50,000 characters (400 MB) in the lookup
    # and in the many-to-one check; the ids' own total length is about 60,000 characters.
    import tracemalloc

    n = 2000
    long_id = "x" * 50_000
    actors: list[Any] = list(range(n)) if integer_users else [f"a{i}" for i in range(n)]
    if not integer_users:
        actors[0] = long_id
    events = Events.from_arrays(
        time=np.arange(n, dtype=float), actor=actors, action=["like"] * n, target=[n] * n
    )
    mapping = {actor: f"p{i % 7}" for i, actor in enumerate(actors)}
    mapping[long_id + "y"] = "p0"  # an account the table does not hold
    tracemalloc.start()
    try:
        linked = events.link(mapping)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    assert linked.n_users == 8  # the seven persons and the target
    assert len(linked) == n
