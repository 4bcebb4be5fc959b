"""Users and posts interned to dense indices: the IdIndex two-way map."""

from __future__ import annotations

import numpy as np
import pytest

from events._sample import T0, follow, names, sample
from influence import Events, IdIndex
from influence.events.ids import held, index_map, join_text, remap, text_array, used


class TestUsers:
    def test_mixed_int_and_str_ids(self) -> None:
        ev = Events.from_records(
            [
                follow(actor=1, target="bob"),
                follow(actor="bob", target=10, time=T0 + 1),
                follow(actor=2, target=1, time=T0 + 2),
                follow(actor=np.int64(2), target="1", time=T0 + 3),
            ]
        )
        assert ev.users.ids.dtype.kind == "U"
        assert list(ev.users) == ["1", "10", "2", "bob"]
        assert ev.users.index(1) == ev.users.index("1") == 0
        assert ev.users.index(np.int64(10)) == 1
        assert 2 in ev.users
        assert "2" in ev.users
        assert 3 not in ev.users
        assert ev.users.indices([1, "bob", 99]).tolist() == [0, 3, -1]
        # whitespace is ignored, by index and indices alike
        assert ev.users.indices([" bob", "1 ", "\tbob\n"]).tolist() == [3, 0, 3]
        assert ev.users.index(" bob") == 3
        assert names(ev, "actor") == ["1", "bob", "2", "2"]
        assert names(ev, "target") == ["bob", "10", "1", "1"]

    def test_int_ids_stay_ints(self) -> None:
        ev = Events.from_records([follow(actor=3, target=-7), follow(actor=10**12, target=3)])
        assert ev.users.ids.dtype == np.int64
        assert list(ev.users) == [-7, 3, 10**12]
        assert ev.users.id(2) == 10**12
        assert type(ev.users.id(0)) is int
        assert ev.users.index("3") == 1
        assert "3" in ev.users
        assert "x" not in ev.users
        assert ev.users.indices(["3", "x", -7]).tolist() == [1, -1, 0]
        assert ev.users.indices([" 3", "-7 "]).tolist() == [1, 0]
        assert ev.users.indices(np.array([3, 4, 10**12], dtype=np.int64)).tolist() == [1, -1, 2]
        assert ev.users.indices(np.array([3], dtype=np.uint8)).tolist() == [1]

    def test_whole_floats_are_int_ids(self) -> None:
        ev = Events.from_records([follow(actor=1.0, target=2)])
        assert list(ev.users) == [1, 2]

    def test_two_way_mapping(self) -> None:
        ev = sample()
        users = ev.users
        assert isinstance(users, IdIndex)
        assert len(users) == ev.n_users == 5
        for i, user in enumerate(["ann", "bob", "cy", "dan", "eve"]):
            assert users.index(user) == i
            assert users.id(i) == user
            assert user in users
        assert users.indices(np.array(["eve", "zed", "ann"])).tolist() == [4, -1, 0]
        assert users.indices([]).tolist() == []
        assert "zed" not in users
        assert None not in users
        assert 1.5 not in users
        with pytest.raises(KeyError, match="zed"):
            users.index("zed")
        with pytest.raises(IndexError):
            users.id(5)
        with pytest.raises(IndexError):
            users.id(-1)
        assert repr(users) == "IdIndex(['ann', 'bob', 'cy', 'dan', 'eve'], n=5)"

    def test_ids_are_sorted_whatever_the_input_order(self) -> None:
        records = [follow(actor=a, target=b) for a, b in [("zed", "amy"), ("kim", "bo")]]
        for order in (records, records[::-1]):
            ev = Events.from_records(order)
            assert list(ev.users) == ["amy", "bo", "kim", "zed"]
            assert np.all(ev.users.ids[1:] > ev.users.ids[:-1])

    def test_users_ids_are_read_only(self) -> None:
        ids = sample().users.ids
        with pytest.raises(ValueError, match="read-only"):
            ids[0] = "zzz"

    def test_posts_index(self) -> None:
        ev = sample()
        assert ev.posts.index("r1") == 1
        assert ev.posts.id(0) == "p1"


class TestRenumbering:
    def test_used_codes(self) -> None:
        assert used(4, np.array([0, 2, -1]), np.array([2, -1])).tolist() == [
            True,
            False,
            True,
            False,
        ]
        assert used(0, np.array([-1, -1])).tolist() == []

    def test_index_map_and_remap_keep_order_and_absence(self) -> None:
        kept = np.array([True, False, True, True])
        mapping = index_map(kept)
        assert mapping.dtype == np.int32
        assert mapping[kept].tolist() == [0, 1, 2]
        codes = np.array([3, -1, 0, 2], dtype=np.int32)
        assert remap(codes, mapping).tolist() == [2, -1, 0, 1]
        assert remap(codes, mapping).dtype == np.int32


class TestTextArrays:
    """Text ids are held fixed-width while compact, as Python strings otherwise."""

    def test_text_array_is_fixed_width_while_compact(self) -> None:
        assert text_array(["ann", "bob"]).dtype == np.dtype("<U3")
        assert text_array([]).dtype.kind == "U"
        many = [f"u{i}" for i in range(100_000)]
        assert text_array([*many, "x" * 20]).dtype.kind == "U"  # 20 wide: within 4 x total
        assert text_array([*many, "x" * 20_000]).dtype.kind == "O"

    def test_join_text_decides_on_the_whole(self) -> None:
        short = text_array([f"u{i}" for i in range(10_000)])
        long = text_array(["x" * 20_000])
        assert short.dtype.kind == "U"
        assert long.dtype.kind == "U"
        joined = join_text([short, long])
        assert joined.dtype.kind == "O"
        assert joined.tolist() == [*short.tolist(), *long.tolist()]
        assert join_text([short, short]).dtype.kind == "U"

    def test_held_converts_either_way(self) -> None:
        objects = np.empty(2, dtype=object)
        objects[:] = ["ann", "bob"]
        assert held(objects).dtype.kind == "U"
        wide = np.array([f"u{i}" for i in range(10_000)] + ["x" * 20_000])
        assert held(wide).dtype.kind == "O"
        assert held(np.array([1, 2])).dtype.kind == "i"

    def test_an_index_of_objects_finds_ids_as_a_fixed_width_one(self) -> None:
        texts = sorted([f"u{i}" for i in range(10_000)] + ["x" * 20_000])
        ragged, fixed = IdIndex(text_array(texts)), IdIndex(np.array(texts))
        assert ragged.ids.dtype.kind == "O"
        assert fixed.ids.dtype.kind == "U"
        keys = ["u5", " u17 ", "x" * 20_000, "nobody", 12]
        assert ragged.indices(keys).tolist() == fixed.indices(keys).tolist()
        assert [ragged.index(k) for k in keys[:3]] == [fixed.index(k) for k in keys[:3]]
        assert ragged.id(10_000) == "x" * 20_000
        assert "u5" in ragged
        assert "u" not in ragged
        assert list(ragged) == list(fixed)

    def test_an_object_index_refuses_what_is_not_text(self) -> None:
        mixed = np.empty(2, dtype=object)
        mixed[:] = ["ann", 3]
        with pytest.raises(TypeError, match="object array of str"):
            IdIndex(mixed)
