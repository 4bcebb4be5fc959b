"""influence.plot, drawn with the Agg backend: what is on the Axes, not how it looks."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import numpy as np
import pytest

from influence import Events, Explanation, Scorer, Scores
from influence.testing import small_world

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

from influence import plot  # noqa: E402  (after the backend is chosen)


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scores() -> Scores:
    return Scorer().score(small_world())


def bars(ax: object) -> list[object]:
    return [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- score_distribution


def test_distribution_counts_every_user(scores: Scores) -> None:
    ax = plot.score_distribution(scores, bins=10)
    heights = [p.get_height() for p in bars(ax)]
    assert len(heights) == 10
    assert sum(heights) == len(scores)
    expected, _ = np.histogram(scores.values, bins=np.linspace(0, 100, 11))
    assert heights == expected.tolist()
    assert ax.get_xlim() == (0.0, 100.0)
    assert ax.get_xlabel() == "score"
    assert ax.get_title() == f"Score distribution ({len(scores)} users)"


def test_distribution_marks_the_median(scores: Scores) -> None:
    ax = plot.score_distribution(scores)
    (line,) = ax.get_lines()
    median = float(np.median(scores.values))
    assert list(line.get_xdata()) == [median, median]
    assert any(t.get_text() == f"median {median:.1f}" for t in ax.texts)


def test_distribution_on_given_axes_from_an_array() -> None:
    _, (left, right) = plt.subplots(1, 2)
    out = plot.score_distribution([0.0, 10.0, 99.0, 100.0], ax=right, bins=4, log=True)
    assert out is right
    assert not bars(left)
    assert [p.get_height() for p in bars(right)] == [2, 0, 0, 2]
    assert right.get_yscale() == "log"


def test_distribution_of_nobody() -> None:
    ax = plot.score_distribution(Scorer().score(Events.empty()), bins=5)
    assert [p.get_height() for p in bars(ax)] == [0] * 5
    assert not ax.get_lines()


@pytest.mark.parametrize("bins", [0, -1, 2.5, True, "10"])
def test_distribution_bad_bins(bins: object) -> None:
    with pytest.raises(ValueError, match="'bins' parameter of score_distribution"):
        plot.score_distribution([1.0], bins=bins)  # type: ignore[arg-type]


@pytest.mark.parametrize("values", [[-1.0], [101.0], [float("nan")], [[1.0, 2.0]]])
def test_distribution_bad_scores(values: list[object]) -> None:
    with pytest.raises(ValueError, match="score_distribution needs"):
        plot.score_distribution(values)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- breakdown


def test_breakdown_is_a_waterfall(scores: Scores) -> None:
    user = scores.top(1)[0][0]
    explanation = scores.explain(user)
    ax = plot.breakdown(scores, user)
    drawn = bars(ax)
    names = list(explanation.parts)
    assert len(drawn) == len(names) + 1
    running = 0.0
    for patch, name in zip(drawn, names):
        points = explanation.parts[name]
        assert patch.get_y() == pytest.approx(running)  # starts where the last part ended
        assert patch.get_height() == pytest.approx(points)  # signed: modifiers go down
        colour = plot.GAIN if points >= 0 else plot.LOSS
        assert matplotlib.colors.same_color(patch.get_facecolor(), colour)
        running += points
    final = drawn[-1]
    assert (final.get_y(), final.get_height()) == (0.0, pytest.approx(explanation.score))
    assert running == pytest.approx(explanation.score, abs=1e-9)
    assert matplotlib.colors.same_color(final.get_facecolor(), plot.TOTAL)
    assert [t.get_text() for t in ax.get_xticklabels()] == [*names, "score"]
    assert ax.get_title() == f"{user}: {explanation.score:.1f} / 100"
    labels = [t.get_text() for t in ax.texts]
    assert labels[-1] == f"{explanation.score:.1f}"
    assert "-0.0" not in labels


def test_breakdown_of_a_modified_score() -> None:
    explanation = Explanation(
        user="ann",
        score=30.0,
        parts={"reach": 40.0, "activity": 5.0, "decay": -15.0, "quiet": -0.0},
        reasons={"reach": "", "activity": "", "decay": "", "quiet": ""},
    )
    ax = plot.breakdown(explanation)
    tops = [(p.get_y(), p.get_y() + p.get_height()) for p in bars(ax)]
    assert tops == [(0.0, 40.0), (40.0, 45.0), (45.0, 30.0), (30.0, 30.0), (0.0, 30.0)]
    assert [t.get_text() for t in ax.texts] == ["+40.0", "+5.0", "-15.0", "+0.0", "30.0"]
    assert ax.get_ylim()[0] == 0.0
    assert ax.get_ylim()[1] >= 45.0


def test_breakdown_arguments(scores: Scores) -> None:
    with pytest.raises(ValueError, match="needs the user"):
        plot.breakdown(scores)
    with pytest.raises(ValueError, match="takes a user only with scores"):
        plot.breakdown(scores.explain("ann"), "ann")
    with pytest.raises(TypeError, match="needs an Explanation or Scores"):
        plot.breakdown({"ann": 1.0})  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="nobody"):
        plot.breakdown(scores, "nobody")


# ---------------------------------------------------------------------- top


def test_top_bars_best_first(scores: Scores) -> None:
    ax = plot.top(scores, k=5)
    drawn = bars(ax)
    best = scores.top(5)
    assert len(drawn) == 5
    assert [p.get_width() for p in drawn] == [value for _, value in best]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [str(user) for user, _ in best]
    assert ax.yaxis_inverted()  # the first (best) bar is at the top
    assert [t.get_text() for t in ax.texts] == [f"{value:.1f}" for _, value in best]
    assert ax.get_title() == f"Top 5 of {len(scores)} users"


def test_top_with_fewer_users_than_k_and_given_axes(scores: Scores) -> None:
    _, ax = plt.subplots()
    assert plot.top(scores, k=100, ax=ax) is ax
    assert len(bars(ax)) == len(scores)


@pytest.mark.parametrize("k", [0, -3, 1.5, True])
def test_top_bad_k(scores: Scores, k: object) -> None:
    with pytest.raises(ValueError, match="'k' parameter of top"):
        plot.top(scores, k=k)  # type: ignore[arg-type]


def test_top_needs_scores() -> None:
    with pytest.raises(TypeError, match="top needs Scores"):
        plot.top([1.0, 2.0])  # type: ignore[arg-type]


# ---------------------------------------------------------------------- without matplotlib


def test_without_matplotlib_the_error_names_the_extra(
    scores: Scores, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # import now fails
    for draw in (
        lambda: plot.score_distribution(scores),
        lambda: plot.breakdown(scores, "ann"),
        lambda: plot.top(scores),
    ):
        with pytest.raises(ImportError, match=r"needs matplotlib.*influence-score\[plot\]"):
            draw()


def test_reach_curve_draws_the_greedy_against_the_top_by_score() -> None:
    from influence.campaign import select

    rows = [
        {"time": float(t), "actor": f"fan{t % 5}", "action": "like", "target": f"a{t % 3}"}
        for t in range(15)
    ]
    chosen = select(Events.from_records(rows), k=2, objective="coverage")
    ax = plot.reach_curve(chosen)
    greedy, top = ax.get_lines()
    assert greedy.get_xdata().tolist() == list(range(1, len(chosen.curve) + 1))
    assert greedy.get_ydata().tolist() == chosen.curve.tolist()
    assert top.get_ydata().tolist() == chosen.top_curve.tolist()
    assert matplotlib.colors.same_color(greedy.get_color(), plot.GAIN)
    with pytest.raises(TypeError, match="needs a Campaign"):
        plot.reach_curve(object())  # type: ignore[arg-type]
    plt.close("all")


def test_reach_curve_under_a_budget_is_against_the_cumulative_cost() -> None:
    from influence.campaign import select

    rows = [
        {"time": float(t), "actor": f"fan{t % 7}", "action": "like", "target": f"a{t % 4}"}
        for t in range(28)
    ]
    cost = {"a0": 5.0, "a1": 1.0, "a2": 2.0, "a3": 3.0}
    chosen = select(Events.from_records(rows), budget=6, cost=cost, objective="coverage")
    ax = plot.reach_curve(chosen)
    greedy, top, *_ = ax.get_lines()
    assert greedy.get_xdata().tolist() == np.cumsum(chosen.costs).tolist()
    assert top.get_xdata().tolist() == np.cumsum(chosen.top_costs).tolist()
    assert chosen.method in greedy.get_label() or "CELF" in greedy.get_label()
    assert ax.get_xlabel().startswith("cumulative cost")
    plt.close("all")


# ---------------------------------------------------------------------- history


def labels(ax: object) -> list[str]:
    """The labels of the lines drawn with one (the zero line has none)."""
    return [t for t in (line.get_label() for line in ax.get_lines()) if not t.startswith("_")]  # type: ignore[attr-defined]


def _ramp_history() -> object:
    day = 86_400
    records = [{"time": day, "actor": "ann", "action": "post", "post": "p"}]
    records += [
        {"time": d * day, "actor": f"fan{d}", "action": "like", "target": "ann", "parent": "p"}
        for d in range(2, 9)
    ]
    records.append({"time": 5 * day, "actor": "ann", "action": "post", "post": "q"})
    records.append({"time": 0, "actor": "bob", "action": "mention", "target": "cy"})
    return Scorer().history(Events.from_records(records), every="1D")


def test_history_draws_the_score_its_parts_and_own_posts() -> None:
    history = _ramp_history()
    ax = plot.history(history, "ann")  # type: ignore[arg-type]
    lines = {line.get_label(): line for line in ax.get_lines()}
    series = history.series("ann")  # type: ignore[attr-defined]
    assert np.array_equal(lines["score"].get_ydata(), series["score"], equal_nan=True)
    moving = [n for n in history.part_names if np.nan_to_num(series[n]).any()]  # type: ignore[attr-defined]
    assert "engagement" in moving
    assert "reciprocity" not in lines
    for name in moving:
        assert np.array_equal(lines[name].get_ydata(), series[name], equal_nan=True)
    posts = lines["own posts"]
    assert len(posts.get_xdata()) == 2
    assert not np.any(posts.get_ydata())
    assert np.isnan(series["score"][0])  # ann's first event is a day after the first date


def test_history_draws_chosen_parts_or_none() -> None:
    history = _ramp_history()
    ax = plot.history(history, "ann", parts=["engagement"])  # type: ignore[arg-type]
    assert labels(ax) == ["score", "engagement", "own posts"]
    ax = plot.history(history, "bob", parts=False)  # type: ignore[arg-type]
    assert labels(ax) == ["score"]  # no posts, no parts
    with pytest.raises(KeyError, match="no part named"):
        plot.history(history, "ann", parts=["nope"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of part names"):
        plot.history(history, "ann", parts="engagement")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="nobody"):
        plot.history(history, "nobody")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="History"):
        plot.history(Scorer().score(small_world()), "ann")  # type: ignore[arg-type]
