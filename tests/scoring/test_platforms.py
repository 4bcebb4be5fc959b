"""Scores per platform and overall: accumulation, calibration, and defences judged globally."""

from __future__ import annotations

import json
import random
import zlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from influence import Events, PlatformCalibration, PlatformScores, Scorer, Scores
from influence.components import DistinctEngagers, Engagement, Inactivity
from influence.config import from_toml, to_toml
from influence.datasets import World, synthetic
from influence.testing import small_world_records

DAY = 86_400
ESTABLISHED = ("genuine", "curator", "dormant_star")


# --------------------------------------------------------------------------- helpers
def with_platforms(events: Events, platform: np.ndarray) -> Events:
    """*events* rebuilt with each row on the platform named by *platform* (one per row)."""
    users, posts = events.users.ids, events.posts.ids

    def ids(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
        out = np.empty(codes.shape[0], dtype=object)
        has = codes >= 0
        out[has] = table[codes[has]].tolist()
        return out

    texts = np.array([*events.texts, None], dtype=object)
    return Events.from_arrays(
        events.time,
        users[events.actor],
        events.action,
        ids(events.target, users),
        post=ids(events.post, posts),
        parent=ids(events.parent, posts),
        text=texts[events.text],
        platform=platform,
    )


def coin(ids: np.ndarray) -> np.ndarray:
    """0 or 1 per id, from a stable hash of it (the same in every world)."""
    return np.array([zlib.crc32(str(i).encode()) & 1 for i in ids.tolist()])


def by_thread(events: Events) -> np.ndarray:
    """Two platforms, each post and everything engaging it on one (its id's coin)."""
    post, user = coin(events.posts.ids), coin(events.users.ids)
    code = user[events.actor]
    code = np.where(events.post >= 0, post[np.maximum(events.post, 0)], code)
    code = np.where(events.parent >= 0, post[np.maximum(events.parent, 0)], code)
    return np.array(["a", "b"], dtype=object)[code]


def by_row(events: Events, seed: int = 1) -> np.ndarray:
    """Two platforms, every event on one at random (an attack spread over both)."""
    code = np.random.default_rng(seed).integers(0, 2, len(events))
    return np.array(["a", "b"], dtype=object)[code]


def on(records: list[dict[str, Any]], platform: str) -> list[dict[str, Any]]:
    return [{**r, "platform": platform} for r in records]


# --------------------------------------------------------------------------- the basics
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_platform_scores_as_the_score_itself(seed: int) -> None:
    ev = Events.from_records(on(small_world_records(seed), "tw"))
    plain = Scorer().score(ev)
    by_platform = Scorer().score_platforms(ev)
    assert by_platform.platforms == ("tw",)
    np.testing.assert_allclose(by_platform.overall.values, plain.values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(by_platform["tw"].values, plain.values, rtol=0, atol=1e-12)
    assert by_platform.overall.part_names[:3] == ("engagement@tw", "activity@tw", "longevity@tw")
    for name in ("reciprocity", "credibility", "inactivity", "authenticity"):
        np.testing.assert_allclose(by_platform.overall.parts[name], plain.parts[name], atol=1e-12)


@pytest.mark.parametrize("seed", [0, 4])
def test_parts_add_up_and_show_each_platforms_share(seed: int) -> None:
    by_platform = Scorer().score_platforms(Events.from_records(small_world_records(seed)))
    assert by_platform.platforms == ("default", "fb", "tw")  # posts on fb or tw, the rest not
    for scores in (*by_platform.scores, by_platform.overall):
        np.testing.assert_allclose(sum(scores.parts.values()), scores.values, atol=1e-9)
        assert ((scores.values >= 0) & (scores.values <= 100)).all()
    overall = by_platform.overall
    for user in overall.users:
        shares = by_platform.contributions(user)
        signals = sum(v for n, v in overall.explain(user).parts.items() if "@" in n)
        assert sum(shares.values()) == pytest.approx(signals, abs=1e-9)
        text = str(by_platform.explain(user))
        assert "engagement@fb" in text
        assert "engagement@tw" in text


def test_defences_and_modifiers_are_judged_on_the_whole_window() -> None:
    ev = Events.from_records(small_world_records(3))
    plain = Scorer().score(ev)
    by_platform = Scorer().score_platforms(ev)
    for scores in (*by_platform.scores, by_platform.overall):
        index = plain.users.indices(scores.users.ids)
        for name in ("reciprocity", "credibility", "inactivity", "authenticity"):
            assert np.array_equal(scores.components[name], plain.components[name][index])


def test_rows_in_any_order_give_the_same_platform_scores() -> None:
    records = small_world_records(5)
    shuffled = records[:]
    random.Random(2).shuffle(shuffled)
    first = Scorer().score_platforms(Events.from_records(records))
    second = Scorer().score_platforms(Events.from_records(shuffled))
    assert first.platforms == second.platforms
    assert first.events == second.events
    assert first.overall.to_dict() == second.overall.to_dict()
    for a, b in zip(first.scores, second.scores):
        assert a.to_dict() == b.to_dict()


def test_no_future_leakage() -> None:
    ev = Events.from_records(small_world_records(6))
    cut = ev.start + 10 * DAY  # type: ignore[operator]
    later = Scorer().score_platforms(ev, as_of=cut)
    cut_first = Scorer().score_platforms(ev.until(cut), as_of=cut)
    assert later.platforms == cut_first.platforms
    assert later.as_of == cut
    assert later.overall.to_dict() == cut_first.overall.to_dict()
    for a, b in zip(later.scores, cut_first.scores):
        assert a.to_dict() == b.to_dict()


def test_posts_on_one_platform_do_not_dilute_another_platforms_rate() -> None:
    rows = [{"time": 0, "actor": "ann", "action": "post", "post": "t1", "platform": "tw"}]
    rows += [{"time": 60 * i, "actor": f"f{i}", "action": "like", "parent": "t1",
              "platform": "tw"} for i in range(1, 8)]  # fmt: skip
    quiet = [{"time": 3600 * i, "actor": "ann", "action": "post", "post": f"q{i}",
              "platform": "fb"} for i in range(60)]  # fmt: skip
    as_of = 20 * DAY
    alone = Scorer().score_platforms(Events.from_records(rows), as_of=as_of)
    both = Scorer().score_platforms(Events.from_records(rows + quiet), as_of=as_of)
    engagement = [
        s["tw"].components["engagement"][s["tw"].users.index("ann")] for s in (both, alone)
    ]
    assert engagement[0] == pytest.approx(engagement[1], abs=1e-12)
    assert both["tw"]["ann"] >= alone["tw"]["ann"]  # and she is active: no inactivity
    assert both.overall["ann"] >= alone.overall["ann"] - 1e-9
    merged = Scorer().score(Events.from_records(on(rows + quiet, "tw")), as_of=as_of)
    assert merged["ann"] < alone.overall["ann"]  # on one network, the posts dilute the rate


def test_any_scorer_caller_trust_and_the_empty_log() -> None:
    ev = Events.from_records(small_world_records(7))
    scorer = Scorer(
        signals=[("people", DistinctEngagers())], discounts=[], modifiers=[Inactivity()]
    )
    by_platform = scorer.score_platforms(ev)
    assert by_platform.overall.part_names == (
        "people@default",
        "people@fb",
        "people@tw",
        "inactivity",
    )
    halved = Scorer().score_platforms(ev.with_trust(np.full(len(ev), 0.5))).overall
    assert (halved.values <= Scorer().score_platforms(ev).overall.values + 1e-9).all()
    empty = Scorer().score_platforms(Events.empty())
    assert empty.platforms == ()
    assert len(empty.overall) == 0
    assert empty.as_of is None


def test_results_read_naturally() -> None:
    by_platform = Scorer().score_platforms(Events.from_records(small_world_records(0)))
    assert isinstance(by_platform, PlatformScores)
    assert isinstance(by_platform.overall, Scores)
    assert list(by_platform) == ["default", "fb", "tw"]
    assert "fb" in by_platform
    assert len(by_platform) == 3
    assert by_platform.top(1)[0] == by_platform.overall.top(1)[0]
    best = by_platform.of("ann")
    assert [p for p, _ in best] == sorted(
        by_platform.platforms, key=lambda p: -by_platform[p]["ann"]
    )
    frame = by_platform.to_pandas()
    assert list(frame.columns) == ["user", "score", "score@default", "score@fb", "score@tw"]
    row = frame.set_index("user").loc["ann"]
    assert row["score@fb"] == pytest.approx(by_platform["fb"]["ann"])
    assert "PlatformScores" in repr(by_platform)
    assert "<table>" in by_platform._repr_html_()
    with pytest.raises(
        KeyError, match=r"platform 'mastodon' has no event.*\['default', 'fb', 'tw'\]"
    ):
        by_platform["mastodon"]
    with pytest.raises(TypeError, match=r"events must be an influence\.Events"):
        Scorer().score_platforms([])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- accumulation
@st.composite
def logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few users posting and engaging each other's posts, on platform "a"."""
    records: list[dict[str, Any]] = []
    posts: list[str] = []
    for k in range(draw(st.integers(1, 25))):
        actor = draw(st.sampled_from(["ann", "bob", "cy", "dee"]))
        time = draw(st.integers(0, 30 * 24)) * 3600
        if not posts or draw(st.booleans()):
            records.append({"time": time, "actor": actor, "action": "post", "post": f"p{k}"})
            posts.append(f"p{k}")
        else:
            action = draw(st.sampled_from(["like", "share", "reply", "mention"]))
            records.append({"time": time, "actor": actor, "action": action,
                            "parent": draw(st.sampled_from(posts))})  # fmt: skip
    return on(records, "a")


@st.composite
def new_platform(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A platform "b" on which some of the users post and get genuine engagement: its own
    accounts (fresh ones, as accounts on a new network are) engage them over days."""
    records: list[dict[str, Any]] = []
    for k in range(draw(st.integers(1, 4))):
        author = draw(st.sampled_from(["ann", "bob", "cy", "dee"]))
        start = draw(st.integers(0, 25 * 24)) * 3600
        records.append({"time": start, "actor": author, "action": "post", "post": f"b{k}"})
        for i in range(draw(st.integers(0, 6))):
            action = draw(st.sampled_from(["like", "share", "reply", "mention"]))
            delay = draw(st.integers(1, 5 * 24)) * 3600
            records.append({"time": start + delay, "actor": f"b_fan{k}_{i}", "action": action,
                            "parent": f"b{k}"})  # fmt: skip
    return on(records, "b")


@settings(max_examples=40, deadline=None)
@given(logs(), new_platform(), st.booleans())
def test_adding_a_platform_of_genuine_engagement_never_lowers_an_overall_score(
    first: list[dict[str, Any]], second: list[dict[str, Any]], calibrated: bool
) -> None:
    as_of = 31 * DAY  # the same scoring time on both sides
    both = Events.from_records(first + second)
    scorer = Scorer(platform_calibration=PlatformCalibration.fit(both) if calibrated else None)
    before = scorer.score_platforms(Events.from_records(first), as_of=as_of).overall
    after = scorer.score_platforms(both, as_of=as_of).overall
    for user in before.users:
        assert after[user] >= before[user] - 1e-9, user


@settings(max_examples=30, deadline=None)
@given(logs(), st.integers(1, 5), st.sampled_from(["like", "share", "reply"]))
def test_more_genuine_engagement_on_a_platform_never_lowers_the_overall_score(
    records: list[dict[str, Any]], fans: int, action: str
) -> None:
    first = next(r for r in records if r["action"] == "post")
    end = Events.from_records(records).end
    before = Scorer().score_platforms(Events.from_records(records), as_of=end).overall
    more = records + [
        {"time": end, "actor": f"fan{i}", "action": action, "parent": first["post"],
         "platform": "a"} for i in range(fans)
    ]  # fmt: skip
    after = Scorer().score_platforms(Events.from_records(more), as_of=end).overall
    assert after[first["actor"]] >= before[first["actor"]] - 1e-9


# --------------------------------------------------------------------------- calibration
def cheap_likes_and_rare_replies() -> list[dict[str, Any]]:
    """Platform "gram", where nearly everything is a like, and "forum", where replies are
    rare among shares and likes: the background that makes one cheap and the other dear."""
    rows: list[dict[str, Any]] = []
    for k in range(40):
        rows.append({"time": k * 600, "actor": f"g{k}", "action": "post", "post": f"gp{k}",
                     "platform": "gram"})  # fmt: skip
        rows.append({"time": k * 600, "actor": f"f{k}", "action": "post", "post": f"fp{k}",
                     "platform": "forum"})  # fmt: skip
        for i in range(19):
            rows.append({"time": k * 600 + 60 + i, "actor": f"gl{k}_{i}", "action": "like",
                         "parent": f"gp{k}", "platform": "gram"})  # fmt: skip
        rows.append({"time": k * 600 + 90, "actor": f"gr{k}", "action": "reply",
                     "parent": f"gp{k}", "platform": "gram"})  # fmt: skip
        for i, action in enumerate(["share"] * 9 + ["like"] * 10 + ["reply"]):
            rows.append({"time": k * 600 + 120 + i, "actor": f"fx{k}_{i}", "action": action,
                         "parent": f"fp{k}", "platform": "forum"})  # fmt: skip
    return rows


def test_a_like_where_likes_are_cheap_does_not_outweigh_a_reply_where_replies_are_rare() -> None:
    background = cheap_likes_and_rare_replies()
    test = [
        {"time": 30 * DAY, "actor": "liked", "action": "post", "post": "L", "platform": "gram"},
        {"time": 30 * DAY, "actor": "answered", "action": "post", "post": "R", "platform": "forum"},
    ]
    test += [{"time": 30 * DAY + 60 * i, "actor": f"lk{i}", "action": "like", "parent": "L",
              "platform": "gram"} for i in range(6)]  # fmt: skip
    test += [{"time": 30 * DAY + 60 * i, "actor": f"rp{i}", "action": "reply", "parent": "R",
              "platform": "forum"} for i in range(4)]  # fmt: skip
    ev = Events.from_records(background + test)
    calibration = PlatformCalibration.fit(ev)
    gram, forum = calibration.multipliers("gram"), calibration.multipliers("forum")
    assert gram["like"] < 1 < forum["reply"]
    as_of = 31 * DAY
    house = Scorer().score_platforms(ev, as_of=as_of).overall
    fitted = Scorer(platform_calibration=calibration).score_platforms(ev, as_of=as_of).overall
    # Six likes on "gram" outweigh four replies on "forum" with the house's weights ...
    assert house["liked"] > house["answered"]
    # ... not once each platform's actions are weighed by how rare they are there.
    assert fitted["liked"] < fitted["answered"]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["x", "y", "z"]), st.sampled_from(["reply", "share", "like", "mention"])
        ),
        min_size=1,
        max_size=60,
    )
)
def test_the_multipliers_follow_the_formula_and_average_one(pairs: list[tuple[str, str]]) -> None:
    rows = [{"time": i, "actor": f"u{i}", "action": a, "target": "t", "platform": p}
            for i, (p, a) in enumerate(pairs)]  # fmt: skip
    calibration = PlatformCalibration.fit(Events.from_records(rows))
    actions = ("reply", "share", "like", "mention")
    for platform in {p for p, _ in pairs}:
        n = np.array([sum(1 for p, a in pairs if p == platform and a == b) for b in actions])
        info = 1 - np.log((n + 1) / (n.sum() + 4))
        expected = info / np.dot(n / n.sum(), info)
        m = calibration.multipliers(platform)
        np.testing.assert_allclose([m[a] for a in actions], expected, rtol=1e-12)
        assert np.dot(n / n.sum(), [m[a] for a in actions]) == pytest.approx(1.0, rel=1e-12)
        rarer = [a for a, c in zip(actions, n) if c < n.max()]
        assert all(m[a] > m[actions[int(np.argmax(n))]] for a in rarer)
    assert calibration.multipliers("unseen") == dict.fromkeys(actions, 1.0)


def test_one_action_or_an_even_mix_keeps_the_house_weights() -> None:
    rows = [{"time": i, "actor": f"u{i}", "action": "like", "target": "t", "platform": "solo"}
            for i in range(10)]  # fmt: skip
    actions = ["reply", "share", "like", "mention"]
    rows += [{"time": i, "actor": f"v{i}", "action": actions[i % 4], "target": "t",
              "platform": "even"} for i in range(40)]  # fmt: skip
    cal = PlatformCalibration.fit(Events.from_records(rows))
    assert cal.multipliers("solo")["like"] == pytest.approx(1.0)
    assert all(v == pytest.approx(1.0) for v in cal.multipliers("even").values())


def test_calibration_scales_the_action_weights_of_the_signals_that_have_them() -> None:
    cal = PlatformCalibration({"p": {"like": 0.5, "reply": 2.0}})
    scaled = cal.apply(Engagement(), "p")
    assert (scaled.like_weight, scaled.reply_weight, scaled.share_weight) == (0.5, 4.0, 3.0)
    assert cal.apply(Engagement(), "q") == Engagement()
    assert cal.apply(DistinctEngagers(), "p") == DistinctEngagers()


def test_the_calibration_is_fixed_in_the_configuration() -> None:
    ev = Events.from_records(cheap_likes_and_rare_replies())
    scorer = Scorer(platform_calibration=PlatformCalibration.fit(ev))
    config = scorer.to_config()
    assert set(config["platform_calibration"]) == {"forum", "gram"}
    assert Scorer.from_config(json.loads(json.dumps(config))) == scorer
    assert from_toml(to_toml(scorer)) == scorer
    assert "platform_calibration" not in Scorer().to_config()  # unchanged without one
    # Fixed once fitted: later data with other people in it does not move the weights.
    more = Events.from_records(small_world_records(0))
    assert Scorer.from_config(config).score_platforms(more).overall.to_dict() == (
        scorer.score_platforms(more).overall.to_dict()
    )


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"p": {"poke": 1.0}}, r"names the action 'poke' for platform 'p'; allowed: \['reply'"),
        ({"p": {"like": 0.0}}, r"positive, finite multipliers; got 0.0 for 'like' on 'p'"),
        ({"p": {"like": float("nan")}}, "positive, finite"),
        ({"": {"like": 1.0}}, "platform names"),
        ([1, 2], "must be a mapping of platform"),
    ],
)
def test_bad_calibrations_name_the_parameter_and_the_value(weights: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PlatformCalibration(weights)


def test_bad_platform_calibration_on_the_scorer_is_refused() -> None:
    with pytest.raises(ValueError, match="'platform_calibration' parameter of Scorer"):
        Scorer(platform_calibration={"p": {"like": 1.0}})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="window_days"):
        PlatformCalibration.fit(Events.empty(), window_days=-1)
    assert PlatformCalibration.fit(Events.empty()).platforms == ()


# --------------------------------------------------------------------------- defences
@pytest.fixture(scope="module")
def worlds() -> dict[str, World]:
    small = {"n_users": 300, "days": 40.0}
    return {
        "on": synthetic(0, **small),
        "ring off": synthetic(0, ring=False, **small),
        "sybils off": synthetic(0, sybils=False, **small),
    }


def overall(world: World, split: Any) -> Scores:
    ev = with_platforms(world.events, split(world.events))
    return Scorer().score_platforms(ev, as_of=world.end).overall


def percentile(scores: Scores, genuine: list[str], user: str) -> float:
    return float(100.0 * np.mean(np.array([scores[g] for g in genuine]) < scores[user]))


@pytest.mark.slow
@pytest.mark.parametrize("split", [by_row, by_thread], ids=["by row", "by thread"])
def test_attacks_spread_over_two_platforms_are_still_caught(
    worlds: dict[str, World], split: Any
) -> None:
    world = worlds["on"]
    scores = overall(world, split)
    genuine = world.accounts(*ESTABLISHED)
    assert world.spam is not None
    assert world.sybil_target is not None
    assert percentile(scores, genuine, world.spam) < 40
    for kind in ("farm", "sybil"):
        assert max(percentile(scores, genuine, a) for a in world.accounts(kind)) < 40
    ring_off, sybils_off = overall(worlds["ring off"], split), overall(worlds["sybils off"], split)
    assert max(scores[m] - ring_off[m] for m in world.ring) <= 3.0
    assert scores[world.sybil_target] - sybils_off[world.sybil_target] <= 2.0


@pytest.mark.slow
def test_a_genuine_person_on_two_platforms_is_not_penalised(worlds: dict[str, World]) -> None:
    # The good twin of an attack spread over platforms: the same genuine activity, each
    # post and its engagement on one of two platforms, scores within 2 points or 5% of the
    # one-platform score, or higher.
    world = worlds["on"]
    one = Scorer().score(world.events, as_of=world.end)
    two = overall(world, by_thread)
    for user in world.accounts(*ESTABLISHED):
        assert two[user] >= one[user] - max(2.0, 0.05 * one[user]), user


def test_the_overall_score_saves_and_loads_with_its_explanations(tmp_path: Any) -> None:
    ev = Events.from_records(small_world_records(2))
    by_platform = Scorer(platform_calibration=PlatformCalibration.fit(ev)).score_platforms(ev)
    path = tmp_path / "overall.npz"
    by_platform.overall.save(path)
    back = Scores.load(path)
    assert back.to_dict() == by_platform.overall.to_dict()
    assert str(back.explain("ann")) == str(by_platform.explain("ann"))
