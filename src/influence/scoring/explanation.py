"""Why a user has their score: named parts, in points, that add up to it, with reasons."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SHOWN_ID", "Explanation", "shown_id"]

#: Characters of an id shown in displays (reprs, tables, explanations); longer ids are cut.
SHOWN_ID = 40


def shown_id(user: object) -> str:
    """A user id as displays show it: its text, cut to :data:`SHOWN_ID` characters with
    an ellipsis, so that one very long id cannot flood a table or a notebook.

    Examples
    --------
    >>> from influence.scoring.explanation import shown_id
    >>> shown_id("ann"), shown_id(12), len(shown_id("x" * 1000))
    ('ann', '12', 40)
    """
    text = str(user)
    return text if len(text) <= SHOWN_ID else text[: SHOWN_ID - 1] + "\u2026"


@dataclass(frozen=True)
class Explanation:
    """Why a user has their score: named parts, in points, that add up to it.

    Attributes
    ----------
    user : int or str
    score : float
        The score in ``[0, 100]``.
    parts : dict of str to float
        Each signal's contribution (positive, before the discounts), each
        discount's and each modifier's effect (usually zero or negative), in
        points; ``sum(parts.values()) == score`` to 1e-9.
    reasons : dict of str to str
        One sentence per part, in words a person reads.
    """

    user: Any
    score: float
    parts: dict[str, float]
    reasons: dict[str, str]

    def __str__(self) -> str:
        width = max((len(k) for k in self.parts), default=4)
        lines = [f"{shown_id(self.user)}: {self.score:.1f} / 100"]
        for name, points in self.parts.items():
            shown = round(points, 1) + 0.0  # no "-0.0" for a vanishing loss
            lines.append(f"  {name:<{width}}  {shown:+6.1f}  {self.reasons[name]}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Notebook display: a signed bar per part about one zero line, with its reason.

        Gains (signals) are green bars to the right of the line, losses
        (discounts, modifiers) red bars to its left, all on one scale.
        """
        e = html.escape
        finite = [abs(v) for v in self.parts.values() if np.isfinite(v)]
        scale = max([*finite, 1e-12])
        rows = []
        for name, points in self.parts.items():
            width = round(80 * abs(points) / scale) if np.isfinite(points) else 0
            colour = "#3a7" if points >= 0 else "#c44"
            bar = (
                f"<div title='{points:+.3f} points' style='display:inline-block;"
                f"background:{colour};width:{width}px;height:0.8em'></div>"
            )
            shown = round(points, 1) + 0.0  # never "-0.0"
            rows.append(
                f"<tr><td>{e(name)}</td><td style='text-align:right'>{shown:+.1f}</td>"
                f"<td style='text-align:right;width:80px;padding-right:0'>"
                f"{bar if points < 0 else ''}</td>"
                f"<td style='text-align:left;width:80px;padding-left:0;"
                f"border-left:1px solid #888'>{bar if points >= 0 else ''}</td>"
                f"<td style='text-align:left'>{e(self.reasons[name])}</td></tr>"
            )
        return (
            f"<div><b>{e(shown_id(self.user))}</b>: {self.score:.1f} / 100 "
            f"(the parts add up to the score, in points)"
            f"<table>{''.join(rows)}</table></div>"
        )
