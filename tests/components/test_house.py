"""The house preset: its components, their time scale, and the scorer that reads them."""

from __future__ import annotations

from influence import Scorer
from influence._time import STANDING, TimeScale
from influence.components import (
    Activity,
    Authenticity,
    Credibility,
    Engagement,
    Inactivity,
    Longevity,
    Reciprocity,
)
from influence.components.house import EQUAL_ACTION_WEIGHTS, house_parts


def test_the_house_components() -> None:
    signals, discounts, modifiers = house_parts()
    assert [(n, type(c)) for n, c in signals] == [
        ("engagement", Engagement),
        ("activity", Activity),
        ("longevity", Longevity),
    ]
    assert [(n, type(c)) for n, c in discounts] == [
        ("reciprocity", Reciprocity),
        ("credibility", Credibility),
    ]
    assert [(n, type(c)) for n, c in modifiers] == [
        ("inactivity", Inactivity),
        ("authenticity", Authenticity),
    ]
    engagement = dict(signals)["engagement"]
    for weight in ("reply_weight", "share_weight", "like_weight", "mention_weight"):
        assert getattr(engagement, weight) == 1.0 == EQUAL_ACTION_WEIGHTS[weight]
    assert dict(modifiers)["inactivity"] == Inactivity()


def test_authenticity_shares_the_credibility_discounts_judge() -> None:
    _, discounts, modifiers = house_parts(TimeScale(7, 21))
    assert dict(modifiers)["authenticity"].credibility is dict(discounts)["credibility"]


def test_the_time_scale_reaches_every_standing_component() -> None:
    scale = TimeScale(half_life_days=7, window_days=21)
    signals, discounts, modifiers = house_parts(scale)
    for name, component in signals + discounts:
        assert (component.half_life_days, component.window_days) == (7, 21), name
    assert dict(modifiers)["inactivity"] == Inactivity()  # its own grace and half-life
    assert house_parts() == house_parts(STANDING)
    assert dict(house_parts()[0])["engagement"].window_days == STANDING.window_days


def test_cached_so_scorers_on_one_scale_share_the_components() -> None:
    assert house_parts(TimeScale(7, 21)) is house_parts(TimeScale(7.0, 21.0))
    assert house_parts(TimeScale(7, 21)) is not house_parts(TimeScale(7, 28))


def test_the_scorer_reads_the_preset() -> None:
    scorer = Scorer.house(half_life_days=7, window_days=21)
    signals, discounts, modifiers = house_parts(TimeScale(7, 21))
    assert (scorer.signals, scorer.discounts, scorer.modifiers) == (signals, discounts, modifiers)
    default = Scorer()
    assert (default.signals, default.discounts, default.modifiers) == house_parts()
