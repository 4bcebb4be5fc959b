"""What the command line prints: escaped text, one-line messages, leaderboards and output files.

Ids, reasons and values come from the people being scored: a newline in an id would forge
a leaderboard row and an escape sequence would drive the terminal. Everything printed goes
through :func:`printable`, which escapes control and other non-printable characters the
way ``repr`` does (``\\n``, ``\\x1b``, ``\\u200b``) and leaves the rest as it is.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np

from influence.campaign.result import Campaign
from influence.events.timeparse import format_time
from influence.scoring.explanation import Explanation, shown_id
from influence.scoring.history_result import SHOWN_DELTAS, History, duration_text
from influence.scoring.scores import Scores

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(value: object) -> str:
    """``str(value)`` with every non-printable character escaped (``"a\\nb"`` -> ``a\\nb``)."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def shown(user: object) -> str:
    """A user id as a table cell: cut (:func:`~influence.scoring.explanation.shown_id`) and
    escaped, and in double quotes (its own quotes and backslashes escaped) when it holds a
    space or a quote, so that an id ending in spaces and a number cannot pass for more
    columns of the table."""
    text = shown_id(user)
    if " " in text or '"' in text or not text:
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return printable(text)


def printable_lines(text: str) -> str:
    """*text* (the library's own multi-line table) with each line made printable."""
    return "\n".join(printable(line) for line in text.split("\n"))


def one_line(exc: BaseException | str) -> str:
    """A message on one printable line: line breaks become spaces, the rest is escaped."""
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(exc)).strip()
    return printable(text) or type(exc).__name__


def leaderboard(scores: Scores, top: int) -> str:
    lines = [f"{'rank':>4}  {'user':<16} {'score':>6}"]
    for rank, (user, value) in enumerate(scores.top(top), start=1):
        lines.append(f"{rank:>4}  {shown(user):<16} {value:6.1f}")
    return "\n".join(lines)


def history_table(history: History, user: object) -> str:
    """One user's score at each date with its change over a day, a week and a month: the
    changes the history's dates allow (as in the notebook display), ``n/a`` at the dates
    too early for one, or where the user was not scored."""
    series = history.series(user)
    changes = []
    for days, label in SHOWN_DELTAS:
        try:
            changes.append((label, history.change(user, days)))
        except ValueError:  # the step does not divide it, or the history is too short
            continue
    head = f"{'time':<20} {'score':>6}" + "".join(f" {'Δ ' + lb:>8}" for lb, _ in changes)
    lines = [
        f"{shown(user)}: {len(history)} dates every {duration_text(history.every)}",
        head,
    ]
    for k, when in enumerate(series["time"].tolist()):
        score = series["score"][k]
        cells = [f"{format_time(when):<20}", "   n/a" if np.isnan(score) else f"{score:6.1f}"]
        for _, change in changes:
            cells.append(f"{'n/a':>8}" if np.isnan(change[k]) else f"{change[k]:+8.1f}")
        lines.append(" ".join(cells))
    return "\n".join(lines)


def campaign_table(chosen: Campaign) -> str:
    """A campaign's summary and its chosen accounts with their marginal reach, escaped."""
    priced = bool(np.isfinite(chosen.costs).any())
    score = "overall score" if chosen.topic is not None else "score"
    lines = [
        printable(chosen.summary()),
        f"{'rank':>4}  {'user':<16} {'marginal':>10} {'reach':>10} {'audience':>9} "
        f"{score:>11}" + (f" {'cost':>10}" if priced else ""),
    ]
    for i, user in enumerate(chosen.users):
        lines.append(
            f"{i + 1:>4}  {shown(user):<16} {chosen.gains[i]:10.1f} {chosen.curve[i]:10.1f} "
            f"{int(chosen.audience[i]):9,} {chosen.scores[i]:11.1f}"
            + (f" {chosen.costs[i]:10,.2f}" if priced else "")
        )
    if chosen.left_out:
        n = len(chosen.left_out)
        lines.append(
            f"\n{n:,} account{'' if n == 1 else 's'} with an audience left out; the first:"
        )
        for user, why in chosen.left_out[:5]:
            lines.append(f"  {shown(user):<16} {printable(why)}")
    return "\n".join(lines)


def explanation(explained: Explanation) -> str:
    """The explanation as :class:`Explanation` prints it, its id, names and reasons escaped."""
    user = explained.user
    safe = dataclasses.replace(
        explained,
        user=shown(user) if isinstance(user, str) else user,
        parts={printable(k): v for k, v in explained.parts.items()},
        reasons={printable(k): printable(v) for k, v in explained.reasons.items()},
    )
    return str(safe)


def flagged(scores: Scores, limit: int) -> list[tuple[str, float, str]]:
    """Users who lost the most points to the gaming defences (:attr:`Scores.defences`),
    with the biggest reason, escaped for printing."""
    parts = scores.parts
    defences = scores.defences
    if not defences:
        return []
    loss = np.sum([parts[name] for name in defences], axis=0)
    order = np.argsort(loss, kind="stable")[:limit]
    out = []
    for i in order:
        if loss[i] > -1.0:
            break
        user = scores.users.id(int(i))
        worst = min(defences, key=lambda name: parts[name][i])
        reason = scores.explain(user).reasons[worst]
        out.append((shown(user), float(loss[i]), printable(reason)))
    return out


def write(scores: Scores, path: Path) -> None:
    """Every user's score to *path* by its extension, through a temporary file next to it."""
    from influence.scoring import persist

    suffix = path.suffix.lower()
    if suffix == ".csv":
        scores.to_csv(path)
    elif suffix == ".json":
        persist.write_json(scores, path)
    else:
        scores.save(path)


def print_table(report: Any, style: str) -> None:
    """A report's text table, or its header line and Markdown table."""
    text = printable_lines(str(report))
    if style == "markdown":
        print(text.splitlines()[0])
        print()
        print(printable_lines(report.to_markdown()))
    else:
        print(text)
