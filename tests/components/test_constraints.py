"""The declared parameter constraints: what each allows, and the error for what it does not."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from influence import _validate
from influence.components import Activity, Authenticity, Credibility, Inactivity
from influence.components.constraints import (
    NON_NEGATIVE,
    POSITIVE,
    Integers,
    Interval,
    Nested,
    Options,
    SequenceOf,
    validate,
)


# --------------------------------------------------------------------------- Interval
@pytest.mark.parametrize(
    ("closed", "low_open", "high_open"),
    [
        ("both", False, False),
        ("left", False, True),
        ("right", True, False),
        ("neither", True, True),
    ],
)
@pytest.mark.parametrize(
    "value", [-1, 0, 0.0, 0.5, 1, 1.0, 2.5, True, math.nan, math.inf, "1", None]
)
def test_interval_says_what_validate_number_says(
    closed: Any, low_open: bool, high_open: bool, value: Any
) -> None:
    def outcome(check: Any) -> str:
        try:
            check()
        except ValueError as error:
            return str(error)
        return "ok"

    constraint = Interval(0.0, 1.0, closed=closed)
    expected = outcome(
        lambda: _validate.number(
            "Owner", "p", value, low=0.0, high=1.0, low_open=low_open, high_open=high_open
        )
    )
    assert outcome(lambda: constraint.check("Owner", "p", value)) == expected


def test_interval_keeps_the_value_as_given() -> None:
    assert type(POSITIVE.check("C", "p", 21)) is int
    assert POSITIVE.check("C", "p", np.float64(0.5)) == 0.5


def test_interval_ends() -> None:
    with pytest.raises(
        ValueError, match=r"'p' parameter of C must be a number in the range \(0, inf\)"
    ):
        POSITIVE.check("C", "p", 0)
    assert NON_NEGATIVE.check("C", "p", 0) == 0
    with pytest.raises(ValueError, match=r"in the range \[0, inf\)\. Got -1e-09 instead\."):
        NON_NEGATIVE.check("C", "p", -1e-9)
    with pytest.raises(ValueError, match=r"range \(-inf, 3\]"):
        Interval(high=3).check("C", "p", 4)
    with pytest.raises(ValueError, match="'closed' parameter of Interval"):
        Interval(0, 1, closed="open")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Integers
def test_integers() -> None:
    assert Integers(1).check("C", "n", 3) == 3
    value = Integers(1).check("C", "n", np.int64(3))
    assert value == 3
    assert type(value) is int
    for bad in (0, 2.5, 3.0, True, "3", None):
        with pytest.raises(ValueError, match=r"'n' parameter of C must be an integer in the range"):
            Integers(1).check("C", "n", bad)
    with pytest.raises(ValueError, match=r"\[1, 5\]\. Got 6 instead\."):
        Integers(1, 5).check("C", "n", 6)


# --------------------------------------------------------------------------- Options
def test_options() -> None:
    assert Options("mean", "max").check("C", "how", "max") == "max"
    with pytest.raises(
        ValueError, match=r"'how' parameter of C must be one of \['mean', 'max'\]\. Got 'sum'"
    ):
        Options("mean", "max").check("C", "how", "sum")
    assert Options("a", "b") == Options("a", "b")
    assert Options("a", "b").values == ("a", "b")


# --------------------------------------------------------------------------- SequenceOf
def test_sequence_of() -> None:
    assert SequenceOf("user ids").check("C", "ids", ["a", "b"]) == ("a", "b")
    assert SequenceOf("user ids").check("C", "ids", ()) == ()
    for bad in ("ann", b"ann", 3, None):
        with pytest.raises(
            ValueError, match=r"'ids' parameter of C must be a sequence of user ids"
        ):
            SequenceOf("user ids").check("C", "ids", bad)


# --------------------------------------------------------------------------- Nested
def test_nested_of_a_kind() -> None:
    nested = Nested(Credibility)
    judge = Credibility(min_posts=3)
    assert nested.check("C", "judge", judge) is judge
    assert nested.check("C", "judge", {"params": {"min_posts": 3}}) == judge  # type defaults
    assert nested.check("C", "judge", {"type": "credibility"}) == Credibility()
    shape = r"given as a mapping, must be \{'type': 'credibility', 'params': \{\.\.\.\}\}"
    with pytest.raises(ValueError, match=shape):
        nested.check("C", "judge", {"type": "engagement"})
    with pytest.raises(ValueError, match=shape):
        nested.check("C", "judge", {"kind": "credibility"})
    with pytest.raises(ValueError, match=r"'judge' parameter of C must be a Credibility\. Got 3"):
        nested.check("C", "judge", 3)
    with pytest.raises(ValueError, match=r"must be a Credibility\. Got None"):
        nested.check("C", "judge", None)


def test_nested_any_component() -> None:
    nested = Nested(optional=True)
    assert nested.check("C", "part", None) is None
    built = nested.check("C", "part", {"type": "activity", "params": {"window_days": 30}})
    assert built == Activity(window_days=30)
    with pytest.raises(ValueError, match=r"must be \{'type': name, 'params': \{\.\.\.\}\}"):
        nested.check("C", "part", {"params": {}})
    with pytest.raises(ValueError, match="unknown component 'nothing'"):
        nested.check("C", "part", {"type": "nothing"})
    with pytest.raises(ValueError, match=r"'part' parameter of C must be a component or None"):
        nested.check("C", "part", 3)
    with pytest.raises(ValueError, match="must be a component or None"):
        nested.check("C", "part", Activity)  # a class, not a component
    with pytest.raises(ValueError, match=r"must be a component\. Got None"):
        Nested().check("C", "part", None)


# --------------------------------------------------------------------------- validate
def test_validate_checks_in_order_and_sets_normal_forms_on_frozen_objects() -> None:
    @dataclass(frozen=True)
    class Plain:
        ids: Any = ("a",)
        rate: float = 1.0

    plain = Plain(ids=["x", "y"])
    validate(plain, {"ids": SequenceOf("ids"), "rate": POSITIVE})
    assert plain.ids == ("x", "y")
    with pytest.raises(ValueError, match="'ids' parameter of Plain"):  # the first declared
        validate(Plain(ids=3, rate=-1.0), {"ids": SequenceOf("ids"), "rate": POSITIVE})


def test_built_ins_convert_from_configuration_like_before() -> None:
    assert Credibility(trusted=["ann"]).trusted == ("ann",)
    assert Authenticity({"type": "credibility"}) == Authenticity()  # type: ignore[arg-type]
    assert Inactivity(grace_days=0).grace_days == 0
