"""The per-table memo: computed once per table, shared across with_trust only when trust-free."""

from __future__ import annotations

import copy
import gc
import pickle
import weakref
from typing import Any

import numpy as np
import pytest

from events._sample import sample
from influence import Events, Scorer, kernels
from influence.events import Memo
from influence.testing import small_world


class Counter:
    """A ``compute`` that counts its calls and returns a fresh array each time."""

    def __init__(self, value: Any = None) -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> Any:
        self.calls += 1
        return np.arange(3.0) if self.value is None else self.value


def trusted(events: Events, weight: float = 0.5) -> Events:
    return events.with_trust(np.full(len(events), weight))


def test_every_table_has_its_own_memo() -> None:
    ev, other = sample(), sample()
    assert isinstance(ev.memo, Memo)
    assert ev.memo is ev.memo
    assert ev.memo is not other.memo
    assert len(ev.memo) == 0
    assert ev.memo.base is None
    with pytest.raises(AttributeError, match="immutable"):
        ev.memo = Memo()  # type: ignore[misc]


def test_computed_once_per_key() -> None:
    ev = sample()
    compute = Counter()
    first = ev.memo.get(("k", 1.0), compute)
    assert ev.memo.get(("k", 1.0), compute) is first
    assert compute.calls == 1
    ev.memo.get(("k", 2.0), compute)
    assert compute.calls == 2
    assert ("k", 1.0) in ev.memo
    assert ("k", 3.0) not in ev.memo
    assert len(ev.memo) == 2
    assert repr(ev.memo) == "<Memo: 2 entries>"
    # another table with the same contents has its own entries
    sample().memo.get(("k", 1.0), compute)
    assert compute.calls == 3


def test_entries_are_read_only() -> None:
    ev = sample()
    array = ev.memo.get(("array",), Counter())
    pair = ev.memo.get(("tuple",), lambda: (np.zeros(2), np.ones(2), 3))
    table = ev.memo.get(("dict",), lambda: {"a": np.zeros(2), "b": "text"})
    for value in (array, *pair[:2], table["a"]):
        assert not value.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            value[0] = 1.0
    assert pair[2] == 3
    assert table["b"] == "text"


def test_a_failed_computation_is_not_kept() -> None:
    ev = sample()

    def fail() -> Any:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        ev.memo.get(("k",), fail)
    assert ("k",) not in ev.memo
    assert ev.memo.get(("k",), lambda: 7) == 7


def test_with_trust_shares_trust_free_entries_both_ways() -> None:
    plain = sample()
    weighted = trusted(plain)
    assert weighted.memo is not plain.memo
    assert weighted.memo.base is plain.memo
    compute = Counter()
    first = plain.memo.get(("free",), compute, uses_trust=False)
    assert weighted.memo.get(("free",), compute, uses_trust=False) is first
    assert compute.calls == 1
    # computed first on the weighted table, the entry is the plain table's
    second = weighted.memo.get(("free-2",), compute, uses_trust=False)
    assert plain.memo.get(("free-2",), compute, uses_trust=False) is second
    assert compute.calls == 2
    assert ("free-2",) in plain.memo
    assert ("free-2",) not in weighted.memo
    # every table made from the same plain table shares them
    again = trusted(plain, 0.25)
    assert again.memo.get(("free",), compute, uses_trust=False) is first
    assert trusted(weighted, 0.1).memo.get(("free",), compute, uses_trust=False) is first
    assert compute.calls == 2


def test_with_trust_does_not_share_trust_dependent_entries() -> None:
    plain = sample()
    half, quarter = trusted(plain, 0.5), trusted(plain, 0.25)
    compute = Counter()
    results = [t.memo.get(("weighted",), compute) for t in (plain, half, quarter)]
    assert compute.calls == 3
    assert results[0] is not results[1]
    assert results[1] is not results[2]
    assert half.memo.get(("weighted",), compute) is results[1]
    assert compute.calls == 3
    assert len(half.memo) == len(quarter.memo) == 1
    assert repr(half.memo) == "<Memo: 1 entries, sharing 1 trust-free>"


def test_with_trust_none_is_the_plain_table_memo() -> None:
    plain = sample()
    assert plain.with_trust(None) is plain
    weighted = trusted(plain)
    compute = Counter()
    value = plain.memo.get(("any",), compute)  # trust-dependent, on the plain table
    back = weighted.with_trust(None)
    assert back.trust is None
    assert back == plain
    assert back.memo is plain.memo
    assert back.memo.get(("any",), compute) is value
    assert compute.calls == 1


def test_views_and_sliced_trust_start_a_new_memo() -> None:
    plain = sample()
    compute = Counter()
    plain.memo.get(("free",), compute, uses_trust=False)
    assert plain.until(plain.end) is plain  # the same table, the same memo
    for view in (
        plain.until(plain.start),
        plain.select(np.ones(len(plain), dtype=bool)),
        plain.select(plain.time > plain.start).compact(),
    ):
        assert len(view.memo) == 0
        assert view.memo.base is None
    # a table with trust that with_trust did not make (a slice) has no trust-free table to
    # share with: its entries, trust-dependent ones included, are its own
    sliced = trusted(plain).select(np.ones(len(plain), dtype=bool))
    assert sliced.memo.base is None
    sliced.memo.get(("weighted",), compute)
    for made in (sliced.with_trust(np.ones(len(plain))), sliced.with_trust(None)):
        assert ("weighted",) not in made.memo
        assert made.memo.base is None or len(made.memo.base) == 0
        assert made.memo.get(("weighted",), compute, uses_trust=False) is not None
    assert compute.calls == 4


def test_clear_drops_this_memo_s_entries_only() -> None:
    plain = sample()
    weighted = trusted(plain)
    compute = Counter()
    weighted.memo.get(("free",), compute, uses_trust=False)
    weighted.memo.get(("weighted",), compute)
    weighted.memo.clear()
    assert len(weighted.memo) == 0
    assert ("free",) in plain.memo
    weighted.memo.get(("weighted",), compute)
    assert compute.calls == 3


def test_the_memo_lives_and_dies_with_the_table() -> None:
    ev = sample()
    kept = ev.memo.get(("array",), Counter())
    alive = weakref.ref(kept)
    del kept
    gc.collect()
    assert alive() is not None
    del ev
    gc.collect()
    assert alive() is None


def test_a_weighted_table_keeps_the_trust_free_entries_alive() -> None:
    plain = sample()
    weighted = trusted(plain)
    free = weakref.ref(plain.memo.get(("free",), Counter(), uses_trust=False))
    mine = weakref.ref(weighted.memo.get(("mine",), Counter()))
    del plain
    gc.collect()
    assert free() is not None
    assert weighted.memo.get(("free",), Counter(np.zeros(1)), uses_trust=False) is free()
    del weighted
    gc.collect()
    assert free() is None
    assert mine() is None


def test_kernels_shared_is_the_table_memo() -> None:
    plain = sample()
    weighted = trusted(plain)
    compute = Counter()
    value = kernels.shared(weighted, ("k",), compute, uses_trust=False)
    assert plain.memo.get(("k",), compute, uses_trust=False) is value
    assert kernels.shared(weighted, ("t",), compute) is weighted.memo.get(("t",), compute)
    assert ("t",) not in plain.memo
    assert compute.calls == 2
    assert not value.flags.writeable


def test_scores_from_the_memo_equal_a_fresh_run() -> None:
    events = small_world()
    first = Scorer().score(events)
    assert len(events.memo) > 0  # the components shared work through the memo
    again = Scorer().score(events)  # from the memo
    fresh = Scorer().score(small_world())
    for scores in (again, fresh):
        assert np.array_equal(scores.values, first.values)
        for name, part in first.parts.items():
            assert np.array_equal(scores.parts[name], part)


# ---------------------------------------------------------------- threads
def test_threads_asking_for_one_key_compute_it_once() -> None:
    import threading
    import time

    ev = Events.from_records([{"time": 1, "actor": "bob", "action": "like", "target": "ann"}])
    calls: list[int] = []
    start = threading.Barrier(8)

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)  # long enough for every other thread to arrive meanwhile
        return 7

    got: list[int] = []

    def ask() -> None:
        start.wait()
        got.append(ev.memo.get(("slow",), slow, uses_trust=False))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [7] * 8
    assert len(calls) == 1


def test_a_failed_computation_is_tried_again_by_the_next_caller() -> None:
    ev = Events.from_records([{"time": 1, "actor": "bob", "action": "like", "target": "ann"}])
    attempts: list[int] = []

    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first attempt fails")
        return 3

    with pytest.raises(RuntimeError, match="first attempt"):
        ev.memo.get(("flaky",), flaky)
    assert ev.memo.get(("flaky",), flaky) == 3
    assert ev.memo.get(("flaky",), flaky) == 3
    assert len(attempts) == 2


# --------------------------------------------------------------------------- pickling
@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy"])
def test_tables_pickle_and_copy_with_an_empty_memo(how: str) -> None:
    events = small_world()
    trusted = events.with_trust(np.linspace(0.1, 1.0, len(events)))
    scores = Scorer().score(events)  # fills the memo, and its locks
    assert len(events.memo._entries) > 0
    for table in (events, trusted):
        again = pickle.loads(pickle.dumps(table)) if how == "pickle" else getattr(copy, how)(table)
        assert type(again) is type(table)
        assert again == table
        assert (again.trust is None) == (table.trust is None)
        if table.trust is not None:
            assert again.trust is not None
            assert again.trust.tobytes() == table.trust.tobytes()
        assert not again.time.flags.writeable
        assert len(again.memo._entries) == 0  # work computed again when asked
    assert Scorer().score(pickle.loads(pickle.dumps(events))).values.tobytes() == (
        scores.values.tobytes()
    )
