"""Notebook display: Events, Scores and Explanation as HTML, well formed and escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from influence import Events, Explanation, Scorer, Scores
from influence.testing import small_world

T0 = 1_714_554_000  # 2024-05-01T09:00:00Z
VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}
BLOCKS = {"br", "div", "li", "td", "th", "tr", "table", "ul"}  # text on both sides is apart


class Balance(HTMLParser):
    """Checks that every tag is closed in order and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in BLOCKS:
            self.text.append(" ")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()
        if tag in BLOCKS:
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> Balance:
    parser = Balance()
    parser.feed(markup)
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser


def text_of(markup: str) -> str:
    return " ".join("".join(parse(markup).text).split())


# ---------------------------------------------------------------------- Events


def test_events_html_summarises_the_table() -> None:
    events = small_world()
    markup = events._repr_html_()
    text = text_of(markup)
    assert f"{len(events)} events, {events.n_users} users, {len(events.posts)} posts" in text
    assert "0 rejected rows" in text
    days = (events.time[-1] - events.time[0]) / 86_400
    assert f"({days:,.1f} days)" in text
    assert "platforms: default, fb, tw" in text
    counts = events.action_counts()
    for name, count in counts.items():
        share = 100 * count / len(events)
        assert re.search(rf"\b{name} {count:,} {share:.1f}%", text), name


def test_events_html_lists_rejected_rows() -> None:
    records = [
        {"time": T0, "actor": "a", "action": "follow", "target": "b"},
        *({"time": T0, "actor": "a", "action": f"<poke{i}>", "target": "b"} for i in range(7)),
        {"time": "never", "actor": "a", "action": "follow", "target": "b"},
    ]
    events = Events.from_records(records, errors="skip")
    markup = events._repr_html_()
    text = text_of(markup)
    assert "1 event, 2 users, 0 posts, 8 rejected rows" in text
    assert "unknown action 7" in text
    assert "bad time 1" in text
    assert markup.count("<li>") == 6  # five reasons, then how many more
    assert "... and 3 more" in text
    assert "<poke" not in markup  # every value escaped
    assert "&lt;poke0&gt;" in markup


def test_events_html_escapes_platform_names() -> None:
    events = Events.from_records(
        [{"time": T0, "actor": "a", "action": "follow", "target": "b", "platform": "<i>x</i>"}]
    )
    markup = events._repr_html_()
    assert "<i>" not in markup
    assert "&lt;i&gt;x&lt;/i&gt;" in markup
    parse(markup)


def test_empty_events_html() -> None:
    text = text_of(Events.empty()._repr_html_())
    assert "0 events, 0 users, 0 posts, 0 rejected rows" in text
    assert "days" not in text
    assert "post 0 0.0%" in text


# ---------------------------------------------------------------------- Scores


@pytest.fixture(scope="module")
def scores() -> Scores:
    return Scorer().score(small_world())


def test_scores_html_shows_the_top_ten_with_parts() -> None:
    records = [
        {"time": T0 + i, "actor": f"fan{j}", "action": "like", "target": f"star{i:02d}"}
        for i in range(14)
        for j in range(i + 1)
    ]
    scores = Scorer().score(Events.from_records(records))
    markup = scores._repr_html_()
    parse(markup)
    rows = re.findall(r"<tr>(.*?)</tr>", markup)
    assert len(rows) == 11  # header + ten users
    header = re.findall(r"<th>(.*?)</th>", rows[0])
    assert header == ["rank", "user", "score", *scores.part_names]
    for rank, (row, (user, value)) in enumerate(zip(rows[1:], scores.top(10)), start=1):
        cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        assert cells[:3] == [str(rank), user, f"{value:.1f}"]
        parts = scores.explain(user).parts
        assert cells[3:] == [f"{round(parts[n], 1) + 0.0:+.1f}" for n in scores.part_names]
    assert "-0.0" not in markup
    text = text_of(markup)
    assert f"{len(scores)} users as of" in text
    assert "the top 10" in text
    assert "signals (gains): engagement, activity, longevity" in text
    assert "discounts (losses): reciprocity, credibility" in text
    assert "modifiers (losses): inactivity, authenticity" in text


def test_scores_html_escapes(scores: Scores) -> None:
    events = Events.from_records(
        [{"time": T0, "actor": "<script>", "action": "like", "target": "a&b"}]
    )
    markup = Scorer().score(events)._repr_html_()
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    parse(markup)


def test_empty_scores_html() -> None:
    markup = Scorer().score(Events.empty())._repr_html_()
    parse(markup)
    assert "0 users" in text_of(markup)
    assert markup.count("<tr>") == 1


# ---------------------------------------------------------------------- Explanation


def bar_cells(markup: str) -> list[tuple[str, str]]:
    """(left cell, right cell) around the zero line, per part."""
    return re.findall(
        r"<td style='text-align:right;width:80px[^>]*>(.*?)</td>"
        r"<td style='text-align:left;width:80px[^>]*>(.*?)</td>",
        markup,
    )


def width(cell: str) -> int:
    found = re.search(r"width:(\d+)px", cell)
    return int(found.group(1)) if found else 0


def test_explanation_bars_are_signed_and_to_scale() -> None:
    explanation = Explanation(
        user="ann",
        score=30.0,
        parts={"reach": 40.0, "activity": 10.0, "decay": -20.0, "quiet": -1e-15},
        reasons={"reach": "r", "activity": "a", "decay": "d", "quiet": "q"},
    )
    markup = explanation._repr_html_()
    parse(markup)
    cells = bar_cells(markup)
    assert len(cells) == 4
    (reach_l, reach_r), (act_l, act_r), (decay_l, decay_r), (quiet_l, quiet_r) = cells
    assert reach_l == act_l == decay_r == quiet_r == ""  # gains right, losses left
    assert (width(reach_r), width(act_r), width(decay_l), width(quiet_l)) == (80, 20, 40, 0)
    assert "#3a7" in reach_r
    assert "#c44" in decay_l
    assert "title='-20.000 points'" in decay_l
    text = text_of(markup)
    assert "ann: 30.0 / 100" in text
    assert "quiet +0.0" in text  # a tiny loss never shows as -0.0
    assert "reach +40.0" in text
    assert "decay -20.0" in text


def test_explanation_html_of_real_scores(scores: Scores) -> None:
    user = scores.top(1)[0][0]
    explanation = scores.explain(user)
    markup = explanation._repr_html_()
    parse(markup)
    assert len(bar_cells(markup)) == len(explanation.parts)
    for reason in explanation.reasons.values():
        assert reason in text_of(markup)


def test_explanation_html_escapes() -> None:
    explanation = Explanation(
        user="<u>", score=1.0, parts={"<p>": 1.0}, reasons={"<p>": "'<b>' & \"x\""}
    )
    markup = explanation._repr_html_()
    assert "<u>" not in markup
    assert "<p>" not in markup
    assert "&lt;u&gt;" in markup
    assert "&#x27;&lt;b&gt;&#x27; &amp; &quot;x&quot;" in markup
    parse(markup)


def test_explanation_html_without_parts() -> None:
    markup = Explanation(user="x", score=0.0, parts={}, reasons={})._repr_html_()
    parse(markup)
    assert "x: 0.0 / 100" in text_of(markup)


def test_evaluation_reports_display_their_tables() -> None:
    from influence.evaluate import (
        Ratings,
        predictive_validity,
        rank_stability,
        received_count,
        signed_rank_report,
    )

    records = [
        {"time": t, "actor": a, "action": "like", "target": b}
        for t, a, b in [
            (1, "bob", "<ann>"),
            (2, "cy", "<ann>"),
            (3, "<ann>", "bob"),
            (11, "bob", "<ann>"),
            (12, "dee", "cy"),
            (21, "cy", "<ann>"),
        ]
    ]
    events = Events.from_records(records)
    validity = predictive_validity(
        events, 10, 10, baselines={"received_count": received_count, "<i>odd</i>": received_count}
    )
    stability = rank_stability(events, [10, 20], baselines=["received_count"])
    ratings = Ratings(
        rater=events.actor, ratee=events.target, rating=events.actor * 0 + 1, time=events.time
    )
    signed = signed_rank_report(events, ratings, baselines=["received_count"], tops=[0.5])
    for report in (validity, stability, signed):
        markup = report._repr_html_()
        parse(markup)  # balanced tags
        text = text_of(markup)
        assert str(report).splitlines()[0] in text  # the header line
        for method in report.table:
            assert method in text
    assert "<i>" not in validity._repr_html_()  # names are escaped, and shown as given
    assert "<i>odd</i>" in text_of(validity._repr_html_())
    assert "<b>" in validity._repr_html_()  # best value per metric in bold
    assert "<b>" not in signed._repr_html_()  # lower is better: nothing in bold
