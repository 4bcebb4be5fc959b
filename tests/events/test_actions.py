"""The action vocabulary: every accepted spelling reads as its canonical action."""

from __future__ import annotations

import pytest

from events._sample import T0, post
from influence import ACTIONS, Events


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        *[(name, name) for name in ACTIONS],
        ("retweet", "share"),
        ("repost", "share"),
        ("quote", "share"),
        ("comment", "reply"),
        ("favorite", "like"),
        ("favourite", "like"),
        ("reaction", "like"),
        ("ReTweet", "share"),
        ("QUOTE", "share"),
        ("Comment", "reply"),
        ("FAVOURITE", "like"),
        ("  Like  ", "like"),
        ("Follow", "follow"),
    ],
)
def test_action_spellings(spelling: str, canonical: str) -> None:
    if canonical == "post":
        record = post(action=spelling) | {"action": spelling}
    else:
        record = {"time": T0, "actor": "a", "action": spelling, "target": "b"}
    ev = Events.from_records([record])
    assert ACTIONS[ev.action[0]] == canonical
    assert ev.to_records()[0]["action"] == canonical


def test_renamed_action_values_are_checked() -> None:
    from influence.events.actions import renamed

    assert renamed({" RT ": "share", "re": "Reply", "fav": "favourite"}, "f") == {
        "rt": 2,
        "re": 1,
        "fav": 3,
    }
    assert renamed(None, "f") == {}
    with pytest.raises(ValueError, match=r"'RT' -> 'retweeted'; allowed actions: post"):
        renamed({"RT": "retweeted"}, "Events.read_csv")
    with pytest.raises(ValueError, match="maps 'rt' twice"):
        renamed({"RT": "share", "rt": "like"}, "f")
    with pytest.raises(TypeError, match="'actions' parameter of f must map"):
        renamed([("RT", "share")], "f")
