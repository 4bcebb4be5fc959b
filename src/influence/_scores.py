"""Results: per-user scores with parts that add up, and explanations."""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._component import Evidence, Explainable
from ._index import IdIndex
from ._timeparse import format_time


@dataclass(frozen=True)
class Explanation:
    """Why a user has their score: named parts, in points, that add up to it.

    Attributes
    ----------
    user : int or str
    score : float
        The score in ``[0, 100]``.
    parts : dict of str to float
        Each signal's contribution (positive) and each modifier's effect
        (zero or negative), in points; ``sum(parts.values()) == score`` to 1e-9.
    reasons : dict of str to str
        One sentence per part, in words a person reads.
    """

    user: Any
    score: float
    parts: dict[str, float]
    reasons: dict[str, str]

    def __str__(self) -> str:
        width = max((len(k) for k in self.parts), default=4)
        lines = [f"{self.user}: {self.score:.1f} / 100"]
        for name, points in self.parts.items():
            lines.append(f"  {name:<{width}}  {points:+6.1f}  {self.reasons[name]}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        scale = max([abs(v) for v in self.parts.values()] + [1e-12])
        for name, points in self.parts.items():
            width = round(100 * abs(points) / scale)
            colour = "#3a7" if points >= 0 else "#c44"
            rows.append(
                f"<tr><td>{html.escape(name)}</td><td style='text-align:right'>{points:+.1f}</td>"
                f"<td><div style='background:{colour};width:{width}px;height:0.8em'></div></td>"
                f"<td>{html.escape(self.reasons[name])}</td></tr>"
            )
        return (
            f"<div><b>{html.escape(str(self.user))}</b>: {self.score:.1f} / 100"
            f"<table>{''.join(rows)}</table></div>"
        )


class Scores:
    """Scores of every user in the scored window, with their parts.

    Produced by :meth:`Scorer.score`; immutable. Index it with a user id.

    Examples
    --------
    >>> from influence import Events, Scorer
    >>> ev = Events.from_records([
    ...     {"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"} for t in range(5)
    ... ])
    >>> scores = Scorer().score(ev)
    >>> scores.top(1)[0][0]
    'ann'
    >>> abs(sum(scores.explain("ann").parts.values()) - scores["ann"]) < 1e-9
    True
    """

    __slots__ = (
        "_as_of",
        "_components",
        "_config",
        "_evidence",
        "_names",
        "_parts",
        "_roles",
        "_users",
        "_values",
    )

    def __init__(
        self,
        *,
        users: IdIndex,
        values: NDArray[np.float64],
        parts: NDArray[np.float64],
        names: tuple[str, ...],
        roles: tuple[str, ...],
        evidence: tuple[Evidence, ...],
        components: tuple[object, ...],
        as_of: float | None,
        config: Mapping[str, Any],
    ) -> None:
        values.flags.writeable = False
        parts.flags.writeable = False
        self._users = users
        self._values = values
        self._parts = parts
        self._names = names
        self._roles = roles
        self._evidence = evidence
        self._components = components
        self._as_of = as_of
        self._config = dict(config)

    @property
    def users(self) -> IdIndex:
        """The scored users (those with an event at or before :attr:`as_of`)."""
        return self._users

    @property
    def values(self) -> NDArray[np.float64]:
        """Scores in user-index order (read-only float64 array)."""
        return self._values

    @property
    def parts(self) -> dict[str, NDArray[np.float64]]:
        """Points per part name, each an array in user-index order."""
        return {name: self._parts[:, j] for j, name in enumerate(self._names)}

    @property
    def part_names(self) -> tuple[str, ...]:
        """Names of the parts: signals first, then modifiers."""
        return self._names

    @property
    def components(self) -> dict[str, NDArray[np.float64]]:
        """Each component's own output (signal value or modifier factor) per user."""
        return {name: ev.values for name, ev in zip(self._names, self._evidence)}

    @property
    def as_of(self) -> float | None:
        """The scoring time (epoch seconds); ``None`` only for empty input."""
        return self._as_of

    @property
    def config(self) -> dict[str, Any]:
        """The configuration of the scorer that produced these scores."""
        return dict(self._config)

    def __len__(self) -> int:
        return len(self._users)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._users)

    def __contains__(self, user: object) -> bool:
        return user in self._users

    def __getitem__(self, user: object) -> float:
        return float(self._values[self._users.index(user)])

    def get(self, user: object, default: float | None = None) -> float | None:
        """The user's score, or *default* when the user was not scored."""
        return self[user] if user in self._users else default

    def to_dict(self) -> dict[Any, float]:
        """``{user: score}`` for every scored user."""
        return dict(zip(self._users.ids.tolist(), self._values.tolist()))

    def ranking(self) -> NDArray[np.int64]:
        """User indices best first; ties are broken by user id (ascending)."""
        return np.argsort(-self._values, kind="stable").astype(np.int64)

    def top(self, k: int = 10) -> list[tuple[Any, float]]:
        """The *k* best ``(user, score)`` pairs, best first, ties by user id."""
        if not isinstance(k, int) or k < 0:
            raise ValueError(f"k must be a non-negative integer; got {k!r}")
        order = self.ranking()[:k]
        ids = self._users.ids
        return [(ids[i].item(), float(self._values[i])) for i in order]

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per user (index order): ``user``, ``score`` and a key per part."""
        ids = self._users.ids.tolist()
        out = []
        for i, user in enumerate(ids):
            record: dict[str, Any] = {"user": user, "score": float(self._values[i])}
            record.update({n: float(self._parts[i, j]) for j, n in enumerate(self._names)})
            out.append(record)
        return out

    def to_pandas(self) -> Any:
        """A DataFrame with one row per user: ``user``, ``score`` and a column per part.

        Needs the ``pandas`` extra.
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Scores.to_pandas needs pandas: pip install 'influence-score[pandas]'"
            ) from None
        data: dict[str, Any] = {"user": self._users.ids, "score": self._values}
        data.update({n: self._parts[:, j] for j, n in enumerate(self._names)})
        return pd.DataFrame(data)

    def explain(self, user: object) -> Explanation:
        """Named parts in points that add up to the user's score, with reasons."""
        i = self._users.index(user)
        parts = {n: float(self._parts[i, j]) for j, n in enumerate(self._names)}
        reasons: dict[str, str] = {}
        for j, (name, component, ev) in enumerate(
            zip(self._names, self._components, self._evidence)
        ):
            points = parts[name]
            if isinstance(component, Explainable):
                facts = {k: v[i].item() for k, v in ev.details.items()}
                reasons[name] = component.reason(facts, points)
            elif self._roles[j] == "modifier":
                reasons[name] = f"{name}: factor {ev.values[i]:.3f} ({points:+.1f} points)"
            else:
                reasons[name] = f"{name}: value {ev.values[i]:.3g} ({points:+.1f} points)"
        return Explanation(
            user=self._users.id(i), score=float(self._values[i]), parts=parts, reasons=reasons
        )

    def __repr__(self) -> str:
        when = "" if self._as_of is None else f" as of {format_time(self._as_of)}"
        best = ", ".join(f"{u!r}: {s:.1f}" for u, s in self.top(3))
        more = ", ..." if len(self) > 3 else ""
        return f"<Scores: {len(self):,} users{when}; top {{{best}{more}}}>"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in ("user", "score", *self._names))
        rows = []
        for i in self.ranking()[:10]:
            cells = [html.escape(str(self._users.ids[i].item())), f"{self._values[i]:.1f}"]
            cells += [f"{self._parts[i, j]:+.1f}" for j in range(len(self._names))]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        when = "" if self._as_of is None else f" as of {format_time(self._as_of)}"
        return (
            f"<div><b>Scores</b>: {len(self):,} users{when} (top 10)"
            f"<table><tr>{head}</tr>{''.join(rows)}</table></div>"
        )
