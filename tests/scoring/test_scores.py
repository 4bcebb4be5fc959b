"""Scores and Explanation: access, ranking, export and display."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from influence import Events, Explanation, Scorer, Scores
from influence.components import DistinctEngagers, Inactivity, Reciprocity
from influence.datasets import EPOCH
from influence.testing import small_world

HOUR = 3600.0


SCORER = Scorer()
SIGNALS = tuple(name for name, _ in SCORER.signals)
DISCOUNTS = tuple(name for name, _ in SCORER.discounts)
MODIFIERS = tuple(name for name, _ in SCORER.modifiers)
PARTS = SIGNALS + DISCOUNTS + MODIFIERS


@pytest.fixture(scope="module")
def scores() -> Scores:
    return SCORER.score(small_world())


@pytest.fixture(scope="module")
def tied() -> Scores:
    """zed, amy and kim receive identical engagement (a three-way tie); lou gets more."""
    records: list[dict[str, Any]] = []
    for star in ["zed", "amy", "kim"]:
        for j, fan in enumerate(["f1", "f2", "f3"]):
            records.append(
                {"time": EPOCH + j * HOUR, "actor": fan, "action": "like", "target": star}
            )
    for j, fan in enumerate(["f1", "f2", "f3", "f4", "f5"]):
        records.append({"time": EPOCH + j * HOUR, "actor": fan, "action": "share", "target": "lou"})
    return Scorer().score(Events.from_records(records))


def test_getitem_in_range(scores: Scores) -> None:
    for user in scores:
        value = scores[user]
        assert isinstance(value, float)
        assert 0.0 <= value <= 100.0
    assert max(scores.values) > 0


def test_len_iter_contains(scores: Scores) -> None:
    users = list(scores)
    assert len(scores) == len(users) == 8
    assert users == sorted(users)
    assert users == ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]
    assert "ann" in scores
    assert "nobody" not in scores
    assert 3 not in scores
    assert None not in scores


def test_unknown_user_is_a_key_error(scores: Scores) -> None:
    with pytest.raises(KeyError, match="nobody"):
        scores["nobody"]
    with pytest.raises(KeyError, match="nobody"):
        scores.explain("nobody")


def test_to_dict(scores: Scores) -> None:
    as_dict = scores.to_dict()
    assert list(as_dict) == list(scores)
    assert as_dict == {user: scores[user] for user in scores}
    assert all(type(v) is float for v in as_dict.values())
    assert all(type(k) is str for k in as_dict)


def test_top_is_best_first(scores: Scores) -> None:
    top = scores.top(5)
    assert len(top) == 5
    values = [v for _, v in top]
    assert values == sorted(values, reverse=True)
    assert top[0][1] == max(scores.values)
    assert all(scores[u] == v for u, v in top)
    assert len(scores.top()) == 8  # default k=10, only 8 users
    assert scores.top(100) == scores.top(8)


def test_top_breaks_ties_by_user_id(tied: Scores) -> None:
    assert tied["zed"] == tied["amy"] == tied["kim"] > 0
    assert tied["lou"] > tied["amy"]
    top = tied.top(4)
    assert [u for u, _ in top] == ["lou", "amy", "kim", "zed"]
    assert [u for u, _ in tied.top(2)] == ["lou", "amy"]
    ranking = tied.ranking()
    assert [tied.users.id(int(i)) for i in ranking[:4]] == ["lou", "amy", "kim", "zed"]


def test_top_zero_and_negative(scores: Scores) -> None:
    assert scores.top(0) == []
    with pytest.raises(ValueError, match="-1"):
        scores.top(-1)
    with pytest.raises(ValueError, match="non-negative integer"):
        scores.top(2.5)  # type: ignore[arg-type]


def test_to_records(scores: Scores) -> None:
    records = scores.to_records()
    assert len(records) == len(scores)
    assert [r["user"] for r in records] == list(scores)
    for record in records:
        assert list(record) == ["user", "score", *PARTS]
        assert record["score"] == scores[record["user"]]
        parts = sum(record[name] for name in PARTS)
        assert parts == pytest.approx(record["score"], abs=1e-9)


def test_to_pandas(scores: Scores) -> None:
    pd = pytest.importorskip("pandas")
    frame = scores.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["user", "score", *PARTS]
    assert len(frame) == len(scores)
    assert frame["user"].tolist() == list(scores)
    assert np.array_equal(frame["score"].to_numpy(), scores.values)
    for name in PARTS:
        assert np.array_equal(frame[name].to_numpy(), scores.parts[name])


def test_to_pandas_with_custom_parts() -> None:
    pytest.importorskip("pandas")
    scorer = Scorer(
        signals=[("wide", DistinctEngagers()), ("narrow", DistinctEngagers(window_days=3))],
        discounts=[("trades", Reciprocity())],
        modifiers=[("decay", Inactivity()), ("fast", Inactivity(half_life_days=3))],
    )
    frame = scorer.score(small_world()).to_pandas()
    assert list(frame.columns) == ["user", "score", "wide", "narrow", "trades", "decay", "fast"]


def test_repr_is_short(scores: Scores) -> None:
    text = repr(scores)
    assert text.startswith("<Scores: 8 users as of ")
    assert "\n" not in text
    assert len(text) < 160
    assert text.endswith(", ...}>")
    best = scores.top(1)[0][0]
    assert repr(best) in text


def test_repr_of_empty_scores() -> None:
    assert repr(Scorer().score(Events.empty())) == "<Scores: 0 users; top {}>"


def test_repr_counts_one_user_in_the_singular() -> None:
    one = Events.from_records([{"time": 0, "actor": "ann", "action": "post", "post": "p1"}])
    scores = Scorer().score(one)
    assert repr(scores).startswith("<Scores: 1 user as of ")
    assert "<b>Scores</b>: 1 user as of " in scores._repr_html_()
    assert repr(one).startswith("<Events: 1 event, 1 user, ")


def test_repr_html(scores: Scores) -> None:
    html = scores._repr_html_()
    assert "<table>" in html
    assert "</table>" in html
    assert "<th>user</th>" in html
    for name in PARTS:
        assert f"<th>{name}</th>" in html
    assert html.count("<tr>") == 1 + len(scores)  # header + rows (<= 10 users)


def test_repr_html_escapes_ids() -> None:
    events = Events.from_records(
        [{"time": EPOCH, "actor": "<b>x</b>", "action": "like", "target": "a&b"}]
    )
    html = Scorer().score(events)._repr_html_()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "a&amp;b" in html


def test_scores_values_are_read_only(scores: Scores) -> None:
    with pytest.raises(ValueError, match="read-only"):
        scores.values[0] = 100.0
    with pytest.raises(ValueError, match="read-only"):
        scores.parts[PARTS[0]][0] = 100.0
    with pytest.raises(AttributeError):
        scores.values = np.zeros(len(scores))  # type: ignore[misc]


def test_exports_do_not_alias_internal_state(scores: Scores) -> None:
    before = scores.values.copy()
    as_dict = scores.to_dict()
    as_dict["ann"] = -1.0
    records = scores.to_records()
    records[0]["score"] = -1.0
    config = scores.config
    config["weights"] = {}
    assert np.array_equal(scores.values, before)
    assert scores.config["weights"] == SCORER.weights


def test_components_and_part_names(scores: Scores) -> None:
    assert scores.part_names == PARTS
    components = scores.components
    assert list(components) == list(PARTS)
    for name in SIGNALS:
        assert np.all(components[name] >= 0)
        assert np.all(scores.parts[name] >= 0)
    for name in DISCOUNTS + MODIFIERS:
        assert np.all((components[name] >= 0) & (components[name] <= 1))
        assert np.all(scores.parts[name] <= 1e-9)


def test_explanation(scores: Scores) -> None:
    user = scores.top(1)[0][0]
    explanation = scores.explain(user)
    assert isinstance(explanation, Explanation)
    assert explanation.user == user
    assert explanation.score == scores[user]
    assert list(explanation.parts) == list(explanation.reasons) == list(PARTS)
    assert sum(explanation.parts.values()) == pytest.approx(explanation.score, abs=1e-9)


def test_explanation_str(scores: Scores) -> None:
    user = scores.top(1)[0][0]
    explanation = scores.explain(user)
    lines = str(explanation).splitlines()
    assert lines[0] == f"{user}: {explanation.score:.1f} / 100"
    assert len(lines) == 1 + len(PARTS)
    for line, name in zip(lines[1:], PARTS):
        assert line.strip().startswith(name)
        assert f"{round(explanation.parts[name], 1) + 0.0:+.1f}" in line  # never "-0.0"
        assert explanation.reasons[name] in line


def test_explanation_repr_html(scores: Scores) -> None:
    user = scores.top(1)[0][0]
    explanation = scores.explain(user)
    html = explanation._repr_html_()
    assert "<table>" in html
    assert html.count("<tr>") == len(PARTS)
    assert f"<b>{user}</b>" in html
    for name in PARTS:
        assert f"<td>{name}</td>" in html


def test_explanation_repr_html_escapes_reasons() -> None:
    explanation = Explanation(
        user="<u>", score=10.0, parts={"a<b": 12.0, "m": -2.0}, reasons={"a<b": "x&y", "m": "<i>"}
    )
    html = explanation._repr_html_()
    assert "&lt;u&gt;" in html
    assert "a&lt;b" in html
    assert "x&amp;y" in html
    assert "<i>" not in html
    assert "#c44" in html  # negative part drawn in red
    assert "#3a7" in html


def test_explanations_frame(scores: Scores) -> None:
    pd = pytest.importorskip("pandas")
    frame = scores.explanations_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["user", "score", "part", "role", "points", "reason"]
    best = [u for u, _ in scores.top(10)]
    n_parts = len(scores.part_names)
    assert frame.user.tolist() == [u for u in best for _ in range(n_parts)]
    assert frame.part.tolist()[:n_parts] == list(scores.part_names)
    for user, rows in frame.groupby("user", sort=False):
        explanation = scores.explain(user)
        assert rows.points.sum() == pytest.approx(explanation.score, abs=1e-9)
        assert rows.reason.tolist() == list(explanation.reasons.values())
        assert set(rows.role) <= {"signal", "discount", "modifier"}
    chosen = scores.explanations_frame([best[-1], best[0]])
    assert chosen.user.unique().tolist() == [best[-1], best[0]]
    with pytest.raises(KeyError):
        scores.explanations_frame(["nobody-by-this-name"])
    with pytest.raises(TypeError, match=r"list of user ids; got the string 'u1'.*\['u1'\]"):
        scores.explanations_frame("u1")  # not one user per letter


def test_displays_cut_a_very_long_id() -> None:
    from influence.scoring.explanation import SHOWN_ID

    long = "x" * 50_000
    ev = Events.from_records(
        [{"time": t, "actor": f"f{t}", "action": "like", "target": long} for t in range(5)]
    )
    scores = Scorer().score(ev)
    assert scores.top(1)[0][0] == long  # the data keeps the id whole
    assert len(repr(scores)) < 200
    assert len(scores._repr_html_()) < 5_000
    text = str(scores.explain(long))
    assert text.startswith("x" * (SHOWN_ID - 1) + "\u2026: ")


# --------------------------------------------------------------------------- only
def test_only_keeps_the_named_users_as_they_were() -> None:
    world = small_world(seed=4)
    scores = Scorer().score(world)
    ids = scores.users.ids.tolist()
    wanted = [ids[3], ids[0], ids[3], "nobody at all"]
    kept = scores.only(wanted)
    assert kept.users.ids.tolist() == sorted({ids[0], ids[3]})
    assert kept.as_of == scores.as_of
    assert kept.part_names == scores.part_names
    for user in kept.users.ids.tolist():
        assert kept[user] == scores[user]
        assert kept.explain(user).parts == scores.explain(user).parts
        assert kept.explain(user).reasons == scores.explain(user).reasons
    assert len(scores.only([])) == 0
    assert scores.only(np.asarray(ids[:2])).users.ids.tolist() == ids[:2]
    with pytest.raises(TypeError, match=r"collection of user ids .* Got int 5"):
        scores.only(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"single user ids .* Got \['ann'\] among them"):
        scores.only([["ann"]])
    with pytest.raises(TypeError, match="pass \\['ann'\\]"):
        scores.only("ann")


def test_only_of_every_user_is_the_same_scores(tmp_path: Path) -> None:
    scores = Scorer().score(small_world(seed=5))
    again = scores.only(scores.users.ids)
    np.testing.assert_array_equal(again.values, scores.values)
    for name in scores.part_names:
        np.testing.assert_array_equal(again.parts[name], scores.parts[name])
    again.save(tmp_path / "only.npz")
    assert Scores.load(tmp_path / "only.npz").to_dict() == scores.to_dict()
