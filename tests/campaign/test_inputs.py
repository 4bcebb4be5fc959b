"""What select is told, checked: topics, excluded ids, costs; and "nobody can be chosen"."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from influence import Events
from influence.campaign import select

# These worlds span days: too short for a 30-day forecast, select says so and covers.
pytestmark = pytest.mark.filterwarnings("ignore::influence.campaign.ForecastWarning")


def numbered(seed: int = 0) -> Events:
    """Integer ids: accounts 1..5 engaged by people 10..40 over a few days."""
    rng = random.Random(seed)
    rows = [
        {
            "time": i * 3600.0 + rng.uniform(0, 3000),
            "actor": rng.randrange(10, 40),
            "action": "reply",
            "target": rng.randrange(1, 6),
            "topics": ["travel"] if i % 2 else ["food"],
        }
        for i in range(200)
    ]
    return Events.from_records(rows)


def test_an_unknown_topic_is_an_error_listing_the_topics() -> None:
    with pytest.raises(
        ValueError, match=r"no event is about: 'nosuch'; allowed: \['food', 'travel'\]"
    ):
        select(numbered(), k=3, topic="nosuch")
    assert select(numbered(), k=3, topic="Travel").users  # topics match case-blind


def test_hashtag_topics_are_read_with_hashtags_true() -> None:
    rows = [
        {"time": float(i), "actor": f"a{i % 3}", "action": "post", "post": f"p{i}",
         "text": "off to #Travel" if i % 3 == 0 else "lunch"}
        for i in range(30)
    ]  # fmt: skip
    rows += [
        {"time": 100.0 + i, "actor": f"f{i}", "action": "like", "parent": f"p{i % 30}"}
        for i in range(90)
    ]
    events = Events.from_records(rows)
    with pytest.raises(ValueError, match="hashtags=True also reads"):
        select(events, k=2, topic="travel")
    chosen = select(events, k=2, topic="travel", hashtags=True)
    assert chosen.users == ("a0",)  # only a0 posts about #travel
    assert chosen.topic == "travel"


def test_unknown_ids_in_exclude_are_an_error_naming_them() -> None:
    with pytest.raises(ValueError, match=r"'exclude' parameter of select names 1 id .*'typo'"):
        select(numbered(), k=3, exclude=[1, "typo"])
    # "2" and 2 are the same integer id.
    assert 2 not in select(numbered(), k=5, exclude=["2"]).users


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"k": 3, "min_score": 101}, "below min_score"),
        ({"k": 3, "exclude": [1, 2, 3, 4, 5]}, "5 excluded by the caller"),
        ({"budget": 0.5, "cost": dict.fromkeys(range(1, 6), 1.0)}, "5 cost more than the budget"),
        ({"k": 3, "as_of": -1e6}, "no event at or before as_of"),
    ],
)
def test_nobody_can_be_chosen_is_a_one_line_error_saying_why(options, why) -> None:
    with pytest.raises(ValueError, match="nobody can be chosen") as caught:
        select(numbered(), **options)
    assert why in str(caught.value)
    assert "\n" not in str(caught.value)


def test_cost_ids_are_matched_by_the_logs_id_rule(tmp_path: Path) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("user,cost\n1,10\n 2 ,10\n3,10\n4,10\n5,10\n999,1\n", encoding="utf-8")
    chosen = select(numbered(), k=2, budget=20, cost=costs)  # 999: no account, ignored
    assert len(chosen.users) == 2
    assert chosen.cost == 20.0
    for spelt in ("1543.0", "01"):
        costs.write_text(f"user,cost\n2,10\n{spelt},10\n", encoding="utf-8")
        with pytest.raises(ValueError, match=rf"costs.csv, line 3: a cost for '{spelt}'"):
            select(numbered(), k=2, budget=20, cost=costs)
    with pytest.raises(ValueError, match="not an id as the log writes them"):
        select(numbered(), k=2, budget=20, cost={1.0: 10.0})
    with pytest.raises(ValueError, match="none of its 2 ids is a user of the log"):
        select(numbered(), k=2, budget=20, cost={"x": 1.0, 999: 2.0})


def test_a_bad_cost_names_the_file_and_line(tmp_path: Path) -> None:
    costs = tmp_path / "costs.csv"
    costs.write_text("user,cost\n1,10\n2,ten\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"costs.csv, line 3: the cost of '2' .* got 'ten'"):
        select(numbered(), k=2, budget=20, cost=costs)
