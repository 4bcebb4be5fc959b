"""Results by platform: a Scores per platform and the overall score that adds them up."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from influence.events.timeparse import format_time
from influence.kernels import plural
from influence.scoring.explanation import Explanation
from influence.scoring.scores import Scores

#: Separates a signal's name from its platform's in the overall score's parts.
SEPARATOR = "@"


@dataclass(frozen=True)
class PlatformScores:
    """Scores per platform, and one overall score whose parts show each platform's share.

    Produced by :meth:`Scorer.score_platforms <influence.Scorer.score_platforms>`;
    immutable. Each platform's :class:`~influence.Scores` holds the users with an event on
    it; :attr:`overall` holds every user of the window, its signal parts named
    ``signal@platform`` (``engagement@twitter``), which add up, with the discounts' and
    the modifiers' parts, to the overall score (:meth:`explain`, :meth:`contributions`).

    Attributes
    ----------
    platforms : tuple of str
        The platforms with an event in the window, sorted.
    scores : tuple of Scores
        One per platform, in the order of :attr:`platforms`.
    overall : Scores
        The overall score: every platform's signals added up, then calibrated, then the
        modifiers (docs/platforms.md).
    events : tuple of int
        The number of events on each platform in the window.
    as_of : float or None
        The scoring time (epoch seconds); ``None`` only for empty input.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> rows = [{"time": 0, "actor": "ann", "action": "post", "post": "t1", "platform": "tw"},
    ...         {"time": 0, "actor": "ann", "action": "post", "post": "f1", "platform": "fb"}]
    >>> rows += [{"time": 1 + i, "actor": f"fan{i}", "action": "share", "parent": "t1",
    ...           "platform": "tw"} for i in range(4)]
    >>> rows += [{"time": 9, "actor": "pal", "action": "reply", "parent": "f1",
    ...           "platform": "fb"}]
    >>> by_platform = Scorer().score_platforms(Events.from_records(rows))
    >>> by_platform.platforms, by_platform.events
    (('fb', 'tw'), (2, 5))
    >>> [(p, round(s, 1)) for p, s in by_platform.of("ann")]
    [('tw', 24.5), ('fb', 11.2)]
    >>> {p: round(v, 1) for p, v in by_platform.contributions("ann").items()}
    {'fb': 8.7, 'tw': 22.3}
    >>> round(by_platform.overall["ann"], 1)  # more than either platform alone
    31.0
    """

    platforms: tuple[str, ...]
    scores: tuple[Scores, ...]
    overall: Scores
    events: tuple[int, ...]
    as_of: float | None

    def __post_init__(self) -> None:
        if not (len(self.platforms) == len(self.scores) == len(self.events)):
            raise ValueError(
                "PlatformScores needs one Scores and one event count per platform; got "
                f"{len(self.platforms)} platforms, {len(self.scores)} Scores, "
                f"{len(self.events)} counts"
            )
        if list(self.platforms) != sorted(set(self.platforms)):
            raise ValueError(
                "The 'platforms' of PlatformScores must be distinct and sorted; got "
                f"{self.platforms!r}"
            )
        for scores in (*self.scores, self.overall):
            if not isinstance(scores, Scores):
                raise ValueError(
                    f"The 'scores' and 'overall' of PlatformScores must be Scores; got "
                    f"{type(scores).__name__}"
                )

    def __len__(self) -> int:
        return len(self.platforms)

    def __iter__(self) -> Iterator[str]:
        return iter(self.platforms)

    def __contains__(self, platform: object) -> bool:
        return platform in self.platforms

    def for_platform(self, platform: str) -> Scores:
        """The scores on *platform*: every user with an event on it.

        Raises
        ------
        KeyError
            When no event of the window is on *platform*; the message lists those scored.
        """
        if platform not in self.platforms:
            raise KeyError(
                f"platform {platform!r} has no event in the window; scored platforms: "
                f"{list(self.platforms)}"
            )
        return self.scores[self.platforms.index(platform)]

    def __getitem__(self, platform: str) -> Scores:
        return self.for_platform(platform)

    def top(self, k: int = 10) -> list[tuple[Any, float]]:
        """The *k* best ``(user, overall score)`` pairs, best first (ties by user id)."""
        return self.overall.top(k)

    def of(self, user: object) -> list[tuple[str, float]]:
        """*user*'s score on each platform they are on, best first (ties by platform)."""
        found = [
            (platform, float(scores[user]))
            for platform, scores in zip(self.platforms, self.scores)
            if user in scores
        ]
        found.sort(key=lambda pair: -pair[1])
        return found

    def contributions(self, user: object) -> dict[str, float]:
        """Each platform's points in *user*'s overall score: the sum of its signal parts
        (``signal@platform``), before the discounts and modifiers take their share."""
        parts = self.overall.explain(user).parts
        out = dict.fromkeys(self.platforms, 0.0)
        for name, points in parts.items():
            _, sep, platform = name.rpartition(SEPARATOR)
            if sep and platform in out and self.overall.roles[name] == "signal":
                out[platform] += points
        return out

    def explain(self, user: object) -> Explanation:
        """Named parts in points that add up to *user*'s overall score, with reasons."""
        return self.overall.explain(user)

    def to_pandas(self) -> Any:
        """One row per user: ``user``, the overall ``score`` and ``score@platform`` for
        each platform (NaN where the user has no event on it), best overall first."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "PlatformScores.to_pandas needs pandas: pip install 'influence-score[pandas]'"
            ) from None
        order = self.overall.ranking()
        ids = self.overall.users.ids
        data: dict[str, Any] = {"user": ids[order], "score": self.overall.values[order]}
        for platform, scores in zip(self.platforms, self.scores):
            column = np.full(len(ids), np.nan)
            where = self.overall.users.indices(scores.users.ids)
            column[where] = scores.values
            data[f"score{SEPARATOR}{platform}"] = column[order]
        return pd.DataFrame(data)

    def __repr__(self) -> str:
        when = "" if self.as_of is None else f" as of {format_time(self.as_of)}"
        return (
            f"<PlatformScores: {plural(len(self.platforms), 'platform')}{when}: "
            f"{list(self.platforms)}, {plural(len(self.overall), 'user')}>"
        )

    def _repr_html_(self) -> str:
        """Notebook display: per platform, its events and its three best users."""
        e = html.escape
        rows = []
        for platform, scores, count in zip(self.platforms, self.scores, self.events):
            best = ", ".join(f"{e(str(u))} <b>{s:.1f}</b>" for u, s in scores.top(3) if s > 0)
            rows.append(
                f"<tr><td>{e(platform)}</td><td style='text-align:right'>{count:,}</td>"
                f"<td>{best or '-'}</td></tr>"
            )
        best = ", ".join(f"{e(str(u))} <b>{s:.1f}</b>" for u, s in self.overall.top(3) if s > 0)
        rows.append(f"<tr><td><i>overall</i></td><td></td><td>{best or '-'}</td></tr>")
        head = "".join(f"<th>{h}</th>" for h in ("platform", "events", "top 3"))
        when = "" if self.as_of is None else f" as of {e(format_time(self.as_of))}"
        return (
            f"<div><b>PlatformScores</b>: {plural(len(self.platforms), 'platform')}{when}; "
            f"defences judged on the whole log<table><tr>{head}</tr>{''.join(rows)}</table></div>"
        )
