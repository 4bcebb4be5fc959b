"""The driver-side helpers of the Spark statistics (no Spark needed)."""

from __future__ import annotations

import numpy as np

from influence.engines.spark_stats import user_index
from influence.events.ids import text_ids


def test_text_ids_keep_fixed_width_for_even_ids_and_objects_for_one_long_one() -> None:
    even = np.array(["ann", "bob", 12], dtype=object)
    assert text_ids(even).dtype.kind == "U"
    assert text_ids(even).tolist() == ["ann", "bob", "12"]
    uneven = np.array([f"u{i}" for i in range(1000)] + ["x" * 100_000], dtype=object)
    got = text_ids(uneven)
    assert got.dtype.kind == "O"  # fixed width would be 1,001 slots of 100,000 characters
    assert got.tolist() == uneven.tolist()
    fixed = np.array(["a", "b"])
    assert text_ids(fixed) is fixed


def test_user_index_finds_object_ids_among_sorted_users() -> None:
    users = np.unique(text_ids(np.array(["x" * 50_000, "ann", "bob"], dtype=object)))
    found = user_index(users, text_ids(np.array(["bob", "x" * 50_000], dtype=object)))
    assert users[found].tolist() == ["bob", "x" * 50_000]
