"""Results: per-user scores with parts that add up, and explanations."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from influence.components.base import Evidence, Explainable
from influence.events.ids import IdIndex
from influence.events.timeparse import format_time
from influence.kernels import plural
from influence.scoring.explanation import Explanation, shown_id

#: A part's evidence, in part order: held, or a loader that gives it when first read.
EvidenceSource: TypeAlias = "tuple[Evidence, ...] | Callable[[], tuple[Evidence, ...]]"


def user_list(owner: str, users: Any) -> list[Any]:
    """*users* as a list of ids: a collection (list, set, array, ...) of single ids.

    Examples
    --------
    >>> user_list("Scores.only", ("ann", 5))
    ['ann', 5]
    >>> user_list("Scores.only", "ann")
    Traceback (most recent call last):
    ...
    TypeError: The 'users' parameter of Scores.only must be a collection of user ids ...
    """
    if isinstance(users, (str, bytes)) or not isinstance(users, Iterable):
        given = "the single id" if isinstance(users, (str, bytes)) else type(users).__name__
        raise TypeError(
            f"The 'users' parameter of {owner} must be a collection of user ids (a list, a "
            f"set, an array). Got {given} {users!r}; pass [{users!r}]."
        )
    found = users.tolist() if isinstance(users, np.ndarray) else list(users)
    nested = [u for u in found if isinstance(u, (list, tuple, set, dict, np.ndarray))]
    if nested:
        raise TypeError(
            f"The 'users' parameter of {owner} must be a collection of single user ids "
            f"(text or integers). Got {nested[0]!r} among them."
        )
    return found


def _rows_of(evidence: tuple[Evidence, ...], rows: NDArray[np.intp]) -> tuple[Evidence, ...]:
    """*evidence* of the users at *rows* alone."""
    return tuple(
        Evidence(
            np.asarray(ev.values)[rows],
            {name: np.asarray(value)[rows] for name, value in ev.details.items()},
        )
        for ev in evidence
    )


class _Rows:
    """A loader of the evidence that another loader gives, of the users at *rows* alone
    (:meth:`Scores.only` of scores whose evidence is not loaded yet)."""

    __slots__ = ("_load", "_rows")

    def __init__(self, load: Callable[[], tuple[Evidence, ...]], rows: NDArray[np.intp]) -> None:
        self._load, self._rows = load, rows

    @property
    def portable(self) -> bool:
        """Whether it pickles as it is (when the loader it reads does)."""
        return bool(getattr(self._load, "portable", False))

    def __call__(self) -> tuple[Evidence, ...]:
        return _rows_of(self._load(), self._rows)

    def __reduce__(self) -> tuple[type[_Rows], tuple[Any, NDArray[np.intp]]]:
        return (_Rows, (self._load, self._rows))


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
        evidence: EvidenceSource,
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
        """Names of the parts: signals first, then discounts, then modifiers."""
        return self._names

    @property
    def roles(self) -> dict[str, str]:
        """Each part's role by name: ``"signal"``, ``"discount"`` or ``"modifier"``."""
        return dict(zip(self._names, self._roles))

    @property
    def defences(self) -> tuple[str, ...]:
        """Names of the parts that defend against gaming: every discount, and every
        modifier whose component says it is one (``defence = True``, as
        :class:`~influence.components.Authenticity` does: the user's own credibility)."""
        return tuple(
            name
            for name, role, component in zip(self._names, self._roles, self._components)
            if role == "discount" or (role == "modifier" and getattr(component, "defence", False))
        )

    @property
    def evidence(self) -> dict[str, Evidence]:
        """Each part's evidence by name: the component's values and the facts its
        reason quotes (read-only arrays in user-index order)."""
        return dict(zip(self._names, self._held()))

    @property
    def components(self) -> dict[str, NDArray[np.float64]]:
        """Each component's own output per user: a signal's value (without the discounts,
        as its part and reason describe it), a modifier's factor, or for a discount the
        mean weight it left on the engagement the user received."""
        return {name: ev.values for name, ev in zip(self._names, self._held())}

    def _held(self) -> tuple[Evidence, ...]:
        """The evidence, loaded on first read when it was given as a loader (a
        :class:`~influence.History` date's, scored again), then kept."""
        evidence = self._evidence
        if callable(evidence):
            evidence = evidence()
            if len(evidence) != len(self._names):
                raise RuntimeError(
                    f"the evidence loader gave {len(evidence)} parts' evidence for "
                    f"{len(self._names)} parts"
                )
            self._evidence = evidence
        return evidence

    def _replaced(self, **fields: Any) -> Scores:
        """These scores with the given constructor *fields* in place of their own (such as
        ``evidence``: held, or a loader)."""
        own = {name.removeprefix("_"): getattr(self, name) for name in self.__slots__}
        return Scores(**{**own, **fields})

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the evidence itself, or with its loader when that pickles as it
        is (``portable``: a :class:`~influence.History` date's, which stays unscored)."""
        if callable(self._evidence) and not getattr(self._evidence, "portable", False):
            self._held()
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple):  # pickled by earlier versions: (None, {slot: value})
            state = state[1]
        for name in self.__slots__:
            setattr(self, name, state[name])

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

    def only(self, users: Iterable[object]) -> Scores:
        """The scores of *users* alone, with their parts and evidence, in id order.

        Those of *users* that are not scored here are left out (a user with no event yet
        at :attr:`as_of`); a user named twice is kept once. The rest is as it was:
        :attr:`as_of`, the parts, the components and the configuration.

        Parameters
        ----------
        users : iterable of user ids
            A collection of ids (a list, a set, an array): not one id on its own.

        Raises
        ------
        TypeError
            When *users* is one text id rather than a collection of them.

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> ev = Events.from_records([
        ...     {"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"}
        ...     for t in range(5)])
        >>> scores = Scorer().score(ev)
        >>> kept = scores.only(["fan3", "ann", "nobody"])
        >>> kept.users.ids.tolist(), kept["ann"] == scores["ann"]
        (['ann', 'fan3'], True)
        >>> kept.explain("ann").reasons == scores.explain("ann").reasons
        True
        """
        keys = user_list("Scores.only", users)
        found = self._users.indices(np.asarray(keys, dtype=object)) if keys else np.zeros(0, int)
        rows = np.unique(found[found >= 0])
        source = self._evidence
        evidence: EvidenceSource = (
            _Rows(source, rows)
            if callable(source)  # still not loaded: the loader of these rows' alone
            else _rows_of(source, rows)
        )
        return self._replaced(
            users=self._users.take(rows),
            values=self._values[rows],
            parts=self._parts[rows],
            evidence=evidence,
        )

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
        ids = self._users.ids[order].tolist()
        return [(u, float(self._values[i])) for u, i in zip(ids, order.tolist())]

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

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The scores as an Arrow stream: ``user``, ``score`` and a column per part.

        The Arrow PyCapsule interface, so that ``polars.DataFrame(scores)``,
        ``pyarrow.table(scores)`` and other Arrow consumers read the scores
        directly; rows in user-index order, as in :meth:`to_pandas`. Needs
        pyarrow.

        Parameters
        ----------
        requested_schema : PyCapsule, optional
            A consumer's preferred schema, honoured when the columns cast to it.

        Raises
        ------
        ImportError
            When pyarrow is not installed (``pip install 'influence-score[arrow]'``).
        """
        from influence.events.arrow import export_stream

        names = ("user", "score", *self._names)
        columns = [self._parts[:, j] for j in range(len(self._names))]
        arrays = (self._users.ids, self._values, *columns)
        return export_stream(names, arrays, requested_schema, "Scores.__arrow_c_stream__")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the scores to a file that :meth:`load` reads back.

        The file holds the scores, every part's points, each component's
        output and evidence (so :meth:`explain` gives the same reasons after
        loading), the user ids, :attr:`as_of`, the scorer's :attr:`config` and
        a format version. Nothing is pickled.

        Parameters
        ----------
        path : str or path-like
            ``.npz`` (numpy, always available) or ``.parquet`` (needs
            ``pyarrow``; one row per user, metadata in the schema). An
            existing file is replaced only once the new one is complete.

        Raises
        ------
        ValueError
            For another extension, or evidence that is not booleans, numbers
            or strings (possible only with custom components).
        ImportError
            For ``.parquet`` without ``pyarrow``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from influence import Events, Scorer, Scores
        >>> ev = Events.from_records([
        ...     {"time": t, "actor": f"fan{t}", "action": "like", "target": "ann"}
        ...     for t in range(5)])
        >>> scores = Scorer().score(ev)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "scores.npz"
        ...     scores.save(path)
        ...     loaded = Scores.load(path)
        >>> loaded["ann"] == scores["ann"], loaded.as_of == scores.as_of
        (True, True)
        >>> str(loaded.explain("ann")) == str(scores.explain("ann"))
        True
        """
        from influence.scoring.persist import save_scores

        save_scores(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Scores:
        """Read scores written by :meth:`save` (``.npz`` or ``.parquet``).

        Components are rebuilt from the stored configuration through the
        registry, so explanations give the same reasons. A component whose
        type is not registered in this process keeps its points, values and
        evidence but explains itself with a generic sentence.

        Raises
        ------
        FileNotFoundError
            When there is no such file.
        ValueError
            When the file does not match the schema (missing or unexpected
            arrays, wrong dtypes or shapes, an unknown format version); the
            message names the problem.

        Examples
        --------
        See :meth:`save`.
        """
        from influence.scoring.persist import load_scores

        return cls(**load_scores(path))

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write one row per user: ``user``, ``score``, then each part's points.

        Numbers are written with ``repr`` precision (they read back exactly).
        A text cell that a spreadsheet would run as a formula (starting with
        ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
        ``'``, which makes it plain text: user ids (and part names) are
        attacker-controlled in social-media data.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from influence import Events, Scorer
        >>> ev = Events.from_records([
        ...     {"time": 0, "actor": "=cmd()", "action": "like", "target": "ann"}])
        >>> scores = Scorer(discounts=[], modifiers=[]).score(ev)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "scores.csv"
        ...     scores.to_csv(path)
        ...     print(path.read_text())
        user,score,engagement,activity,longevity
        '=cmd(),0.0,0.0,0.0,0.0
        ann,10.801231695023585,10.801231695023585,0.0,0.0
        <BLANKLINE>
        """
        from influence.scoring.persist import write_csv

        write_csv(self, path)

    def explain(self, user: object) -> Explanation:
        """Named parts in points that add up to the user's score, with reasons.

        Raises ``KeyError`` for a user not scored here (no event at or before
        :attr:`as_of`)."""
        if user not in self._users:
            when = "" if self._as_of is None else f" at or before {format_time(self._as_of)}"
            raise KeyError(f"user {shown_id(user)!r} is not scored here: no event of theirs{when}")
        i = self._users.index(user)
        parts = {n: float(self._parts[i, j]) for j, n in enumerate(self._names)}
        reasons: dict[str, str] = {}
        for j, (name, component, ev) in enumerate(zip(self._names, self._components, self._held())):
            points = parts[name]
            if isinstance(component, Explainable):
                facts = {k: v[i].item() for k, v in ev.details.items()}
                # Reasons print points to one decimal: round here, and never say "-0.0".
                reasons[name] = component.reason(facts, round(points, 1) + 0.0)
            elif self._roles[j] == "modifier":
                reasons[name] = f"{name}: factor {ev.values[i]:.3f} ({points:+.1f} points)"
            elif self._roles[j] == "discount":
                reasons[name] = (
                    f"{name}: kept {100 * ev.values[i]:.0f}% of the engagement received "
                    f"({points:+.1f} points)"
                )
            else:
                reasons[name] = f"{name}: value {ev.values[i]:.3g} ({points:+.1f} points)"
        return Explanation(
            user=self._users.id(i), score=float(self._values[i]), parts=parts, reasons=reasons
        )

    def explanations_frame(self, users: Iterable[object] | None = None) -> Any:
        """Explanations as one DataFrame: a row per user and part, with the reason.

        Columns ``user``, ``score``, ``part``, ``role`` (signal, discount or
        modifier), ``points`` and ``reason``; users in the order given, parts in
        score order. Needs the ``pandas`` extra.

        Parameters
        ----------
        users : iterable of user ids, optional
            Default: the 10 best users, best first (as the notebook display).

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> ev = Events.from_records([
        ...     {"time": t, "actor": a, "action": "like", "target": "ann"}
        ...     for t, a in [(1, "bob"), (2, "cy")]])
        >>> frame = Scorer().score(ev).explanations_frame(["ann"])
        >>> frame.loc[frame.part == "engagement", ["user", "role"]].values.tolist()
        [['ann', 'signal']]
        >>> bool(abs(frame.points.sum() - frame.score.iloc[0]) < 1e-9)  # the parts add up
        True
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Scores.explanations_frame needs pandas: pip install 'influence-score[pandas]'"
            ) from None
        if isinstance(users, (str, bytes)):
            raise TypeError(
                f"Scores.explanations_frame takes a list of user ids; got the string {users!r} "
                f"(for one user, pass [{users!r}])"
            )
        chosen = (
            [self._users.id(i) for i in self.ranking()[:10].tolist()]
            if users is None
            else list(users)
        )
        rows = []
        for user in chosen:
            explanation = self.explain(user)
            for name, role in zip(self._names, self._roles):
                rows.append(
                    (
                        explanation.user,
                        explanation.score,
                        name,
                        role,
                        explanation.parts[name],
                        explanation.reasons[name],
                    )
                )
        columns = ["user", "score", "part", "role", "points", "reason"]
        return pd.DataFrame(rows, columns=columns)

    def __repr__(self) -> str:
        when = "" if self._as_of is None else f" as of {format_time(self._as_of)}"
        best = ", ".join(
            f"{shown_id(u)!r}: {s:.1f}" if isinstance(u, str) else f"{u!r}: {s:.1f}"
            for u, s in self.top(3)
        )
        more = ", ..." if len(self) > 3 else ""
        return f"<Scores: {plural(len(self), 'user')}{when}; top {{{best}{more}}}>"

    def _repr_html_(self) -> str:
        """Notebook display: the 10 best users with their score and its parts, in points."""
        e = html.escape
        head = "".join(f"<th>{e(h)}</th>" for h in ("rank", "user", "score", *self._names))
        right = "<td style='text-align:right'>"
        rows = []
        for rank, i in enumerate(self.ranking()[:10].tolist(), start=1):
            cells = [f"{right}{rank}</td>", f"<td>{e(shown_id(self._users.id(int(i))))}</td>"]
            cells.append(f"{right}<b>{self._values[i]:.1f}</b></td>")
            cells += [
                f"{right}{round(self._parts[i, j], 1) + 0.0:+.1f}</td>"
                for j in range(len(self._names))
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        when = "" if self._as_of is None else f" as of {e(format_time(self._as_of))}"
        shown = f"; the top {min(10, len(self))}" if len(self) else ""
        signals = [n for n, r in zip(self._names, self._roles) if r == "signal"]
        discounts = [n for n, r in zip(self._names, self._roles) if r == "discount"]
        modifiers = [n for n, r in zip(self._names, self._roles) if r == "modifier"]
        legend = f"signals (gains): {e(', '.join(signals) or 'none')}; "
        legend += f"discounts (losses): {e(', '.join(discounts) or 'none')}; "
        legend += f"modifiers (losses): {e(', '.join(modifiers) or 'none')}"
        return (
            f"<div><b>Scores</b>: {plural(len(self), 'user')}{when}{shown}, with the parts, "
            f"in points, that add up to each score<table><tr>{head}</tr>{''.join(rows)}</table>"
            f"<small>{legend}</small></div>"
        )
