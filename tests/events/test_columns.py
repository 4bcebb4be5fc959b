"""Bad values in one field: each is rejected with its row, field, kind and a clear message."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from events._sample import GOOD, GOOD_AFTER, T0, follow, post
from influence import ACTIONS, Events, InvalidEventError, Rejection

ALLOWED_TIME = "allowed: epoch seconds, a datetime or an ISO 8601 string"
ALLOWED_ID = "allowed: a string or an integer"


# (case id, bad record, field, kind, value, message fragments)
BAD_RECORDS: list[tuple[str, Any, str, str, Any, list[str]]] = [
    (
        "time absent",
        {"actor": "a", "action": "follow", "target": "b"},
        "time",
        "missing field",
        None,
        ["field 'time' is missing"],
    ),
    ("time None", follow(time=None), "time", "missing field", None, ["field 'time' is missing"]),
    ("time empty", follow(time=""), "time", "missing field", "", ["field 'time' is missing"]),
    ("time blank", follow(time="   "), "time", "missing field", "   ", ["field 'time' is missing"]),
    ("time NaT", follow(time=pd.NaT), "time", "missing field", pd.NaT, ["field 'time' is missing"]),
    (
        "time unparseable",
        follow(time="yesterday"),
        "time",
        "bad time",
        "yesterday",
        ["field 'time'", "'yesterday'", ALLOWED_TIME],
    ),
    (
        "time bad date",
        follow(time="2024-13-45"),
        "time",
        "bad time",
        "2024-13-45",
        ["field 'time'", "'2024-13-45'", ALLOWED_TIME],
    ),
    (
        "time NaN",
        follow(time=float("nan")),
        "time",
        "bad time",
        math.nan,
        ["field 'time'", "finite", "nan", ALLOWED_TIME],
    ),
    (
        "time inf",
        follow(time=float("inf")),
        "time",
        "bad time",
        math.inf,
        ["field 'time'", "finite", "inf", ALLOWED_TIME],
    ),
    (
        "time -inf",
        follow(time=-math.inf),
        "time",
        "bad time",
        -math.inf,
        ["field 'time'", "finite", "-inf", ALLOWED_TIME],
    ),
    (
        "time str inf",
        follow(time="inf"),
        "time",
        "bad time",
        "inf",
        ["field 'time'", "finite", "'inf'", ALLOWED_TIME],
    ),
    (
        "time bool",
        follow(time=True),
        "time",
        "bad time",
        True,
        ["field 'time'", "True", ALLOWED_TIME],
    ),
    ("time list", follow(time=[1]), "time", "bad time", [1], ["field 'time'", "[1]", ALLOWED_TIME]),
    (
        "actor absent",
        {"time": T0, "action": "follow", "target": "b"},
        "actor",
        "missing field",
        None,
        ["field 'actor' is missing"],
    ),
    (
        "actor None",
        follow(actor=None),
        "actor",
        "missing field",
        None,
        ["field 'actor' is missing"],
    ),
    ("actor empty", follow(actor=""), "actor", "missing field", "", ["field 'actor' is missing"]),
    (
        "actor blank",
        follow(actor=" \t"),
        "actor",
        "missing field",
        " \t",
        ["field 'actor' is missing"],
    ),
    (
        "actor fraction",
        follow(actor=1.5),
        "actor",
        "bad id",
        1.5,
        ["field 'actor'", "1.5", ALLOWED_ID],
    ),
    (
        "actor bool",
        follow(actor=True),
        "actor",
        "bad id",
        True,
        ["field 'actor'", "True", ALLOWED_ID],
    ),
    (
        "actor list",
        follow(actor=["a"]),
        "actor",
        "bad id",
        ["a"],
        ["field 'actor'", "['a']", ALLOWED_ID],
    ),
    (
        "actor too big",
        follow(actor=2**70),
        "actor",
        "bad id",
        2**70,
        ["field 'actor'", str(2**70), ALLOWED_ID],
    ),
    (
        "target fraction",
        follow(target=0.5),
        "target",
        "bad id",
        0.5,
        ["field 'target'", "0.5", ALLOWED_ID],
    ),
    (
        "action absent",
        {"time": T0, "actor": "a", "target": "b"},
        "action",
        "missing field",
        None,
        ["field 'action' is missing"],
    ),
    (
        "action None",
        follow(action=None),
        "action",
        "missing field",
        None,
        ["field 'action' is missing"],
    ),
    (
        "action empty",
        follow(action=""),
        "action",
        "missing field",
        "",
        ["field 'action' is missing"],
    ),
    (
        "action unknown",
        follow(action="poke"),
        "action",
        "unknown action",
        "poke",
        [
            "field 'action'",
            "unknown action 'poke'",
            "allowed: ",
            *ACTIONS,
            "retweet->share",
            "comment->reply",
            "favourite->like",
        ],
    ),
    (
        "action list",
        follow(action=["like"]),
        "action",
        "unknown action",
        ["like"],
        ["field 'action'", "unknown action ['like']", "allowed: ", *ACTIONS],
    ),
    (
        "reply no target",
        {"time": T0, "actor": "a", "action": "reply"},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a reply event needs a target or a 'parent' post"],
    ),
    (
        "share no target",
        {"time": T0, "actor": "a", "action": "retweet"},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a share event needs a target or a 'parent' post"],
    ),
    (
        "like no target",
        {"time": T0, "actor": "a", "action": "like", "target": ""},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a like event needs a target or a 'parent' post"],
    ),
    (
        "mention no target",
        {"time": T0, "actor": "a", "action": "mention", "target": None},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a mention event needs a target or a 'parent' post"],
    ),
    (
        "follow no target",
        {"time": T0, "actor": "a", "action": "follow", "parent": "p1"},
        "target",
        "unresolved target",
        None,
        ["field 'target' is missing", "a follow event needs a target"],
    ),
    (
        "parent unknown",
        {"time": T0, "actor": "a", "action": "like", "parent": "p9"},
        "target",
        "unresolved target",
        "p9",
        [
            "field 'target' is missing",
            "'parent' 'p9' is not a post in the data",
            "the like's target is unknown",
        ],
    ),
    (
        "post without post id",
        {"time": T0, "actor": "a", "action": "post"},
        "post",
        "missing field",
        None,
        ["field 'post' is missing", "a post event needs the id of the post it creates"],
    ),
    (
        "post with target",
        post(post_id="p2", target="bob"),
        "target",
        "bad value",
        "bob",
        ["field 'target'", "a post has no target", "'bob'", "use a 'mention' event"],
    ),
    (
        "duplicate post id",
        post(post_id="p1", time=T0 + 1),
        "post",
        "duplicate post",
        "p1",
        ["post id 'p1' repeats row 0 (first kept)"],
    ),
    (
        "duplicate post id by reply",
        {"time": T0 + 1, "actor": "b", "action": "reply", "target": "ann", "post": "p1"},
        "post",
        "duplicate post",
        "p1",
        ["post id 'p1' repeats row 0 (first kept)"],
    ),
    (
        "not a mapping",
        ["time", "actor"],
        "",
        "bad row",
        None,
        ["a list is not a mapping of fields"],
    ),
    ("None record", None, "", "bad row", None, ["a NoneType is not a mapping of fields"]),
    (
        "text not a string",
        follow(text={"a": 1}),
        "text",
        "bad value",
        {"a": 1},
        ["field 'text'", "{'a': 1}", "is not a string"],
    ),
    (
        "platform not a string",
        follow(platform=["x"]),
        "platform",
        "bad value",
        ["x"],
        ["field 'platform'", "['x']", "is not a string"],
    ),
    (
        "topics not tags",
        follow(topics=5),
        "topics",
        "bad value",
        5,
        ["field 'topics'", "5", "allowed: a list of strings or one comma-separated string"],
    ),
    (
        "topics non-string tag",
        follow(topics=["a", 1]),
        "topics",
        "bad value",
        ["a", 1],
        ["field 'topics'", "['a', 1]", "non-string tag"],
    ),
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if a is pd.NaT:
        return b is pd.NaT
    return bool(a == b)


@pytest.mark.parametrize(
    ("bad", "field", "kind", "value", "fragments"),
    [case[1:] for case in BAD_RECORDS],
    ids=[case[0] for case in BAD_RECORDS],
)
class TestBadRecords:
    def test_raise(self, bad: Any, field: str, kind: str, value: Any, fragments: list[str]) -> None:
        with pytest.raises(InvalidEventError) as info:
            Events.from_records([GOOD, bad, GOOD_AFTER])
        error = info.value
        assert isinstance(error, ValueError)
        message = str(error)
        assert message.startswith("row 1: ")
        if field:
            assert f"'{field}'" in message or f"{field} id" in message
        for fragment in fragments:
            assert fragment in message
        assert error.row == 1
        assert error.field == field
        assert error.kind == kind
        assert _same(error.value, value)

    def test_skip(self, bad: Any, field: str, kind: str, value: Any, fragments: list[str]) -> None:
        records = [GOOD, bad, GOOD_AFTER]
        ev = Events.from_records(records, errors="skip")
        assert len(ev) == 2
        assert len(ev) + len(ev.rejected) == len(records)
        assert ev == Events.from_records([GOOD, GOOD_AFTER])
        (rejection,) = ev.rejected
        assert isinstance(rejection, Rejection)
        row, reason = rejection
        assert row == rejection.row == 1
        assert reason == rejection.reason
        assert rejection.kind == kind
        assert reason.startswith("row 1: ")
        for fragment in fragments:
            assert fragment in reason
        assert ev.report() == {kind: 1}
        with pytest.raises(InvalidEventError) as info:
            Events.from_records(records)
        assert str(info.value) == reason
