"""The validated, columnar event table every component reads."""

from __future__ import annotations

import contextlib
import csv
import gzip
import html
import io
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence._progress import FILE_BYTES, Bar, Progress, progress, wanted
from influence.events import actions as _actions
from influence.events import arrow as _arrow
from influence.events.assemble import FIELDS, Errors, Rejection, Table, assemble, validate_errors
from influence.events.ids import IdIndex
from influence.events.timeparse import format_time, to_epoch

__all__ = ["Events", "Rejection"]

PathLike = str | os.PathLike[str]


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _field_map(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Event field -> source column name, defaulting to the field's own name."""
    mapping = {field: field for field in FIELDS}
    if columns is None:
        return mapping
    if not isinstance(columns, Mapping):
        raise TypeError(
            f"columns must be a mapping from event field to column name; got {columns!r}"
        )
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        flipped = {v: k for k, v in columns.items() if k not in FIELDS and v in FIELDS}
        hint = (
            f"; columns maps event field -> your column name, so {unknown} looks reversed: "
            f"write {flipped!r} for those"
            if flipped
            else ""
        )
        raise ValueError(
            f"columns has unknown event field(s) {unknown}; allowed: {list(FIELDS)}{hint}"
        )
    mapping.update(columns)
    return mapping


def require_columns(mapping: Mapping[str, str], names: Sequence[str], where: str) -> None:
    """Raise naming the required columns *names* lacks, and how to map them."""
    fields = [f for f in ("time", "actor", "action") if mapping[f] not in names]
    if fields:
        missing = [mapping[f] for f in fields]
        raise ValueError(
            f"{where} lacks required column(s) {missing}; has {list(names)}. Map event fields "
            f"to your columns with columns={{field: column}}, e.g. columns={{{fields[0]!r}: ...}}"
        )


#: The per-event columns of an :class:`Events` table.
COLUMNS = ("action", "actor", "parent", "platform", "post", "target", "text", "time", "topics")


class Events:
    """A validated, immutable, columnar table of interaction events.

    Build it with one of the constructors: :meth:`from_records`,
    :meth:`from_arrays`, :meth:`read_csv`, :meth:`read_jsonl`,
    :meth:`from_pandas` or :meth:`from_arrow`. Rows are validated once, users are interned to dense
    ``int32`` indices (see :attr:`users`), and rows are stored in a canonical
    order (time, action, actor, target, ...) that depends only on their
    contents, so that any ordering of the same input gives the same table and
    therefore the same scores.

    Columns (read-only numpy arrays, one entry per event):

    ``time`` (float64, epoch seconds UTC), ``actor`` and ``target`` (int32 user
    indices, ``target == -1`` for posts), ``action`` (int8 codes into
    :data:`influence.ACTIONS`), ``post`` and ``parent`` (int32 indices into
    :attr:`posts`, ``-1`` when absent), ``text`` (int32 into :attr:`texts`),
    ``platform`` (int16 into :attr:`platforms`) and ``topics`` (int32 into
    :attr:`topic_sets`), ``-1`` when absent.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": "2024-05-01T09:00:00Z", "actor": "ann", "action": "post", "post": "p1"},
    ...     {"time": "2024-05-01T10:00:00Z", "actor": "bob", "action": "retweet", "parent": "p1"},
    ...     {"time": "2024-05-01T11:00:00Z", "actor": "cy", "action": "poke", "target": "ann"},
    ... ], errors="skip")
    >>> len(ev), len(ev.rejected), ev.users.id(int(ev.target[1]))
    (2, 1, 'ann')
    >>> ev.report()
    {'unknown action': 1}
    """

    __slots__ = ("_table", *COLUMNS, "trust", "_plain", "__weakref__")

    _table: Table
    time: NDArray[np.float64]
    actor: NDArray[np.int32]
    target: NDArray[np.int32]
    action: NDArray[np.int8]
    post: NDArray[np.int32]
    parent: NDArray[np.int32]
    text: NDArray[np.int32]
    platform: NDArray[np.int16]
    topics: NDArray[np.int32]
    trust: NDArray[np.float64] | None
    _plain: Events | None

    def __init__(
        self,
        table: Table,
        trust: NDArray[np.float64] | None = None,
        plain: Events | None = None,
    ) -> None:
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "trust", None if trust is None else _readonly(trust))
        # The same table without trust, when this one was made from it by with_trust: work
        # that does not depend on trust is shared between the two (see components._common).
        object.__setattr__(self, "_plain", plain)
        for name in COLUMNS:
            object.__setattr__(self, name, _readonly(getattr(table, name)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Events is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Events is immutable; cannot delete {name!r}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        errors: Errors = "raise",
        columns: Mapping[str, str] | None = None,
    ) -> Events:
        """Build from an iterable of mappings, one per event.

        Parameters
        ----------
        records : iterable of mapping
            Each mapping holds the fields ``time``, ``actor``, ``action`` and, as
            the action needs, ``target``, ``post``, ``parent``; optionally ``text``,
            ``platform``, ``topics`` and ``id``.
        errors : {"raise", "skip"}, default "raise"
            ``"raise"``: the first bad row raises :class:`InvalidEventError`.
            ``"skip"``: bad rows are set aside in :attr:`rejected`.
        columns : mapping, optional
            Event field -> key in the records, when the keys differ.

        Returns
        -------
        Events

        Raises
        ------
        InvalidEventError
            With ``errors="raise"``, for the first row that cannot be read.
        """
        validate_errors(errors)
        mapping = _field_map(columns)
        cols: dict[str, list[Any]] = {field: [] for field in FIELDS}
        present = dict.fromkeys(FIELDS, False)
        n = 0
        extra: dict[int, tuple[str, str]] = {}
        for i, record in enumerate(records):
            n += 1
            if not isinstance(record, Mapping):
                extra[i] = ("bad row", f"a {type(record).__name__} is not a mapping of fields")
                for field in FIELDS:
                    cols[field].append(None)
                continue
            for field in FIELDS:
                value = record.get(mapping[field])
                if value is not None:
                    present[field] = True
                cols[field].append(value)
        data = {
            f: (cols[f] if present[f] or f in ("time", "actor", "action") else None) for f in FIELDS
        }
        return cls(assemble(data, n, errors=errors, extra=extra))

    @classmethod
    def from_arrays(
        cls,
        time: Any,
        actor: Any,
        action: Any,
        target: Any = None,
        *,
        post: Any = None,
        parent: Any = None,
        text: Any = None,
        platform: Any = None,
        topics: Any = None,
        id: Any = None,
        errors: Errors = "raise",
    ) -> Events:
        """Build from columns, the fast path for data that is already numeric.

        Integer ``actor``/``target`` arrays, numeric or ``datetime64`` ``time``
        and integer action codes (positions in :data:`influence.ACTIONS`) go
        through vectorised numpy only; string and object arrays are accepted
        too and read element by element. A missing ``target`` is ``NaN`` in a
        float array or ``None`` in an object array.

        Parameters
        ----------
        time, actor, action, target, post, parent, text, platform, topics, id : array-like
            One entry per event; see :class:`Events` for their meaning.
        errors : {"raise", "skip"}, default "raise"

        Returns
        -------
        Events

        Examples
        --------
        >>> import numpy as np
        >>> from influence import Events
        >>> ev = Events.from_arrays(
        ...     time=np.array([10.0, 20.0]), actor=np.array([1, 2]),
        ...     action=np.array([4, 4]), target=np.array([2, 1]))
        >>> len(ev), len(ev.users)
        (2, 2)
        """
        validate_errors(errors)
        data = {
            "time": time,
            "actor": actor,
            "action": action,
            "target": target,
            "post": post,
            "parent": parent,
            "text": text,
            "platform": platform,
            "topics": topics,
            "id": id,
        }
        n = len(time)
        return cls(assemble(data, n, errors=errors))

    @classmethod
    def read_csv(
        cls,
        path: PathLike,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        delimiter: str = ",",
        encoding: str = "utf-8-sig",
        progress: Progress = "auto",
    ) -> Events:
        """Read a CSV file with a header row (``.gz`` is decompressed).

        Rows are numbered by their line in the file (the header is line 1) in
        error messages and in :attr:`rejected`. A ``topics`` cell is split on
        commas.

        Parameters
        ----------
        path : str or path-like
        columns : mapping, optional
            Event field -> header name, when they differ.
        errors : {"raise", "skip"}, default "raise"
        delimiter : str, default ","
        encoding : str, default "utf-8-sig"
            UTF-8, with or without the byte-order mark spreadsheets write.
        progress : {"auto", True, False}, default "auto"
            A progress bar over the bytes read (needs tqdm); ``"auto"``: only
            for files of 10 MB or more (2 MB gzipped), about two seconds of
            reading and validation. ``INFLUENCE_PROGRESS=0`` in the environment
            turns it off.

        Examples
        --------
        >>> import os, tempfile
        >>> from influence import Events
        >>> path = os.path.join(tempfile.mkdtemp(), "events.csv")
        >>> with open(path, "w") as f:
        ...     _ = f.write("time,actor,action,target\\n2024-05-01T09:00:00Z,bob,follow,ann\\n")
        >>> Events.read_csv(path, progress=False)
        <Events: 1 events, 2 users, 2024-05-01T09:00:00Z .. 2024-05-01T09:00:00Z>
        """
        validate_errors(errors)
        mapping = _field_map(columns)
        bar, shown = _file_bar(path, progress, "Events.read_csv")
        with bar:
            with _open_text(path, encoding, bar if shown else None) as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                try:
                    header = [h.strip() for h in next(reader)]
                except StopIteration:
                    header = []
                require_columns(mapping, header, f"{os.fspath(path)}: the header")
                where = {f: header.index(mapping[f]) for f in FIELDS if mapping[f] in header}
                cols: dict[str, list[Any]] = {f: [] for f in where}
                lines: list[int] = []
                extra: dict[int, tuple[str, str]] = {}
                width = len(header)
                for row in reader:
                    if not row:
                        continue
                    pos = len(lines)
                    lines.append(reader.line_num)
                    if len(row) != width:
                        extra[pos] = ("bad row", f"{len(row)} cells where the header has {width}")
                    for f, j in where.items():
                        cols[f].append(row[j] if j < len(row) else None)
            bar.set_postfix_str("validating")
            data: dict[str, Any] = {f: cols.get(f) for f in FIELDS}
            table = assemble(
                data,
                len(lines),
                errors=errors,
                rows=np.array(lines, dtype=np.int64),
                unit="line",
                extra=extra,
            )
        return cls(table)

    @classmethod
    def read_jsonl(
        cls,
        path: PathLike,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        encoding: str = "utf-8",
        progress: Progress = "auto",
    ) -> Events:
        """Read a JSON Lines file, one object per line (``.gz`` is decompressed).

        Blank lines are ignored; a line that is not a JSON object is a bad row.
        Rows are numbered by their line in the file.

        Parameters
        ----------
        path : str or path-like
        columns : mapping, optional
            Event field -> key in the objects, when they differ.
        errors : {"raise", "skip"}, default "raise"
        encoding : str, default "utf-8"
        progress : {"auto", True, False}, default "auto"
            A progress bar over the bytes read (needs tqdm); ``"auto"``: only
            for files of 10 MB or more (2 MB gzipped).
        """
        validate_errors(errors)
        mapping = _field_map(columns)
        cols: dict[str, list[Any]] = {f: [] for f in FIELDS}
        lines: list[int] = []
        extra: dict[int, tuple[str, str]] = {}
        bar, shown = _file_bar(path, progress, "Events.read_jsonl")
        with bar:
            with _open_text(path, encoding, bar if shown else None) as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    pos = len(lines)
                    lines.append(number)
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        record = None
                        extra[pos] = ("bad row", f"invalid JSON ({exc.msg} at column {exc.colno})")
                    else:
                        if not isinstance(record, dict):
                            kind = "null" if record is None else type(record).__name__
                            extra[pos] = ("bad row", f"a JSON {kind} is not an object")
                            record = None
                    for f in FIELDS:
                        cols[f].append(record.get(mapping[f]) if record else None)
            bar.set_postfix_str("validating")
            data = {
                f: (
                    v if any(x is not None for x in v) or f in ("time", "actor", "action") else None
                )
                for f, v in cols.items()
            }
            table = assemble(
                data,
                len(lines),
                errors=errors,
                rows=np.array(lines, dtype=np.int64),
                unit="line",
                extra=extra,
            )
        return cls(table)

    @classmethod
    def from_pandas(
        cls, frame: Any, *, columns: Mapping[str, str] | None = None, errors: Errors = "raise"
    ) -> Events:
        """Build from a pandas DataFrame (needs the ``pandas`` extra).

        Columns are taken as numpy arrays: numeric and ``datetime64`` columns
        take the vectorised path; the DataFrame is not modified. A DataFrame of
        another library that speaks Arrow (polars, for one) is read by
        :meth:`from_arrow`.
        """
        validate_errors(errors)
        if _arrow.is_arrow(frame) and not _is_pandas(frame):
            return cls.from_arrow(frame, columns=columns, errors=errors)
        if not hasattr(frame, "columns"):
            hint = (
                " (for a list of dicts, use Events.from_records)" if isinstance(frame, list) else ""
            )
            raise TypeError(
                f"Events.from_pandas needs a pandas DataFrame; got {type(frame).__name__}{hint}"
            )
        mapping = _field_map(columns)
        names = list(frame.columns)
        require_columns(mapping, names, "the DataFrame")
        data: dict[str, Any] = {}
        for field in FIELDS:
            name = mapping[field]
            if name not in names:
                data[field] = None
                continue
            series = frame[name]
            if str(series.dtype).startswith("datetime64") and getattr(series.dt, "tz", None):
                series = series.dt.tz_convert("UTC").dt.tz_localize(None)
            dtype = series.dtype
            if getattr(dtype, "kind", "O") in "iufM" and not series.hasnans:
                data[field] = series.to_numpy(copy=True)
            elif getattr(dtype, "kind", "O") == "f":
                data[field] = series.to_numpy(dtype=np.float64, copy=True)
            else:
                data[field] = series.to_numpy(dtype=object, copy=True)
        return cls(assemble(data, len(frame), errors=errors))

    @classmethod
    def from_arrow(
        cls, data: Any, *, columns: Mapping[str, str] | None = None, errors: Errors = "raise"
    ) -> Events:
        """Build from Arrow data: a pyarrow table, a polars DataFrame, ... (needs pyarrow).

        Accepts any object with ``__arrow_c_stream__`` (the Arrow PyCapsule
        interface: pyarrow ``Table`` and ``RecordBatchReader``, polars
        ``DataFrame``, DuckDB results, ...) or ``__arrow_c_array__`` (a
        ``RecordBatch``); a stream is read to its end. Timestamp and date
        columns (with or without a time zone) are read as UTC times, numeric
        columns take the vectorised path, and dictionary (categorical) columns
        are decoded. Rows are validated exactly as by the other constructors,
        and numbered from 0 in messages.

        Parameters
        ----------
        data : Arrow tabular data
        columns : mapping, optional
            Event field -> column name, when they differ.
        errors : {"raise", "skip"}, default "raise"

        Returns
        -------
        Events

        Raises
        ------
        ImportError
            When pyarrow is not installed (``pip install 'influence-score[arrow]'``).
        TypeError
            When *data* does not offer Arrow data.
        ValueError
            When a required column is missing; :class:`InvalidEventError` for
            a bad row with ``errors="raise"``.

        Examples
        --------
        >>> from influence import Events
        >>> import polars as pl  # doctest: +SKIP
        >>> frame = pl.DataFrame({"time": [1714554000, 1714557600],  # doctest: +SKIP
        ...                       "actor": ["bob", "cy"], "action": ["like", "share"],
        ...                       "target": ["ann", "ann"]})
        >>> Events.from_arrow(frame)  # doctest: +SKIP
        <Events: 2 events, 3 users, 2024-05-01T09:00:00Z .. 2024-05-01T10:00:00Z>
        >>> Events.from_pandas(frame) == Events.from_arrow(frame)  # doctest: +SKIP
        True
        """
        validate_errors(errors)
        mapping = _field_map(columns)
        table = _arrow.read_table(data, "Events.from_arrow")
        names = _arrow.column_names(table)
        require_columns(mapping, names, "the Arrow data")
        arrays: dict[str, Any] = {}
        for field in FIELDS:
            name = mapping[field]
            count = names.count(name)
            if count > 1:
                raise ValueError(f"Arrow data has {count} columns named {name!r}; expected one")
            column = table.column(name) if count else None
            ids = field in ("actor", "action", "target", "post", "parent", "id", "platform")
            arrays[field] = None if column is None else _arrow.to_numpy(column, ids=ids)
        return cls(assemble(arrays, int(table.num_rows), errors=errors))

    @classmethod
    def empty(cls) -> Events:
        """An event table with no rows and no users."""
        return cls.from_arrays(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8))

    # ------------------------------------------------------------------ views
    @property
    def users(self) -> IdIndex:
        """Users: ``users.index(user_id) -> int`` and ``users.id(i) -> user_id``."""
        return self._table.users

    @property
    def n_users(self) -> int:
        """Number of users (actors and targets)."""
        return len(self._table.users)

    @property
    def posts(self) -> IdIndex:
        """Post ids named by ``post`` or ``parent``."""
        return self._table.posts

    @property
    def texts(self) -> tuple[str, ...]:
        """Distinct texts, sorted; ``text`` indexes into it."""
        return self._table.texts

    @property
    def platforms(self) -> tuple[str, ...]:
        """Distinct platform names, sorted; ``platform`` indexes into it."""
        return self._table.platforms

    @property
    def topic_sets(self) -> tuple[tuple[str, ...], ...]:
        """Distinct sorted tuples of topic tags; ``topics`` indexes into it."""
        return self._table.topic_sets

    @property
    def rejected(self) -> tuple[Rejection, ...]:
        """Rows set aside, each unpacking as ``(row, reason)``, in row order."""
        return self._table.rejected

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-event columns (not the id tables)."""
        return sum(getattr(self, name).nbytes for name in COLUMNS)

    def report(self) -> dict[str, int]:
        """Count of rejected rows per kind of problem, most frequent first."""
        return dict(Counter(r.kind for r in self.rejected).most_common())

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @property
    def start(self) -> float | None:
        """Time of the earliest event (epoch seconds), ``None`` when empty."""
        return float(self.time[0]) if len(self) else None

    @property
    def end(self) -> float | None:
        """Time of the latest event (epoch seconds), ``None`` when empty."""
        return float(self.time[-1]) if len(self) else None

    def action_counts(self) -> dict[str, int]:
        """Number of events per action name (all actions listed, zeros included)."""
        counts = np.bincount(self.action, minlength=len(_actions.ACTIONS))
        return {name: int(c) for name, c in zip(_actions.ACTIONS, counts)}

    def is_self(self) -> NDArray[np.bool_]:
        """Mask of self-interactions (``actor == target``); they count for nothing."""
        return np.asarray(self.actor == self.target)

    def until(self, as_of: Any) -> Events:
        """The events at or before *as_of*, with the same user table (a cheap slice)."""
        cut = to_epoch(as_of)
        stop = int(np.searchsorted(self.time, cut, side="right"))
        if stop == len(self):
            return self
        return self._slice(np.s_[:stop])

    def _slice(self, rows: Any, **tables: Any) -> Events:
        t = self._table
        fields = {name: getattr(t, name)[rows] for name in COLUMNS}
        keep = {
            name: getattr(t, name)
            for name in ("users", "posts", "texts", "platforms", "topic_sets", "rejected")
        }
        keep.update(tables)
        trust = None if self.trust is None else self.trust[rows]
        return Events(Table(**fields, **keep), trust)

    def select(self, mask: NDArray[np.bool_]) -> Events:
        """The events where *mask* is true, with the same user table."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self),):
            raise ValueError(f"mask must have shape ({len(self)},); got {mask.shape}")
        return self._slice(mask)

    def compact(self) -> Events:
        """Drop users, posts, texts and topic sets that no event mentions.

        Index order is kept, so the compacted table scores the same. The platform
        names (a handful) are kept as they are.
        """
        users = _used(self.n_users, self.actor, self.target)
        posts = _used(len(self.posts), self.post, self.parent)
        texts = _used(len(self.texts), self.text)
        topics = _used(len(self.topic_sets), self.topics)
        if users.all() and posts.all() and texts.all() and topics.all():
            return self
        t = self._table
        user_map = np.cumsum(users, dtype=np.int64).astype(np.int32) - 1
        kept_texts, kept_topics = np.flatnonzero(texts).tolist(), np.flatnonzero(topics).tolist()
        return Events(
            Table(
                time=t.time,
                actor=user_map[t.actor],
                target=_remap(t.target, user_map),
                action=t.action,
                post=_remap(t.post, _index_map(posts)),
                parent=_remap(t.parent, _index_map(posts)),
                text=_remap(t.text, _index_map(texts)),
                platform=t.platform,
                topics=_remap(t.topics, _index_map(topics)),
                users=t.users.take(np.flatnonzero(users)),
                posts=t.posts.take(np.flatnonzero(posts)),
                texts=tuple(t.texts[i] for i in kept_texts),
                platforms=t.platforms,
                topic_sets=tuple(t.topic_sets[i] for i in kept_topics),
                rejected=t.rejected,
            ),
            self.trust,
        )

    def with_trust(self, trust: ArrayLike | None) -> Events:
        """The same events, each engagement weighted by how much it is trusted.

        *trust* holds one weight in ``[0, 1]`` per event (row order); the
        :class:`~influence.Scorer` sets it from its discounts (Reciprocity,
        Credibility) before the signals read the table, so that engagement
        from a ring or a Sybil counts for what it is worth. ``None`` means
        every event is fully trusted. The columns are shared, not copied.

        Examples
        --------
        >>> from influence import Events
        >>> ev = Events.from_records([
        ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
        ...     {"time": 2, "actor": "cy", "action": "like", "target": "ann"},
        ... ])
        >>> ev.with_trust([1.0, 0.25]).trust.tolist()
        [1.0, 0.25]
        >>> ev.trust is None
        True
        """
        plain = self if self.trust is None else self._plain
        if trust is None:
            return self if self.trust is None else (plain or Events(self._table))
        weights = np.array(trust, dtype=np.float64)
        if weights.shape != (len(self),):
            raise ValueError(
                f"trust must hold one weight per event ({len(self)}); got shape {weights.shape}"
            )
        if len(self) and not (
            np.all(np.isfinite(weights)) and weights.min() >= 0.0 and weights.max() <= 1.0
        ):
            raise ValueError("trust weights must be finite and in [0, 1]")
        return Events(self._table, weights, plain)

    def to_records(self) -> list[dict[str, Any]]:
        """The events as plain dicts (original ids, ISO times), in canonical order."""
        users, posts = self.users.ids.tolist(), self.posts.ids.tolist()
        out: list[dict[str, Any]] = []
        for i in range(len(self)):
            record: dict[str, Any] = {
                "time": float(self.time[i]),
                "actor": users[self.actor[i]],
                "action": _actions.ACTIONS[self.action[i]],
            }
            if self.target[i] >= 0:
                record["target"] = users[self.target[i]]
            if self.post[i] >= 0:
                record["post"] = posts[self.post[i]]
            if self.parent[i] >= 0:
                record["parent"] = posts[self.parent[i]]
            if self.text[i] >= 0:
                record["text"] = self.texts[self.text[i]]
            if self.platforms[self.platform[i]] != "default":
                record["platform"] = self.platforms[self.platform[i]]
            if self.topics[i] >= 0:
                record["topics"] = list(self.topic_sets[self.topics[i]])
            out.append(record)
        return out

    def __repr__(self) -> str:
        if not len(self):
            span = "empty"
        else:
            span = f"{format_time(self.time[0])} .. {format_time(self.time[-1])}"
        rejected = f", {len(self.rejected):,} rejected" if self.rejected else ""
        return f"<Events: {len(self):,} events, {self.n_users:,} users, {span}{rejected}>"

    def _repr_html_(self) -> str:
        """Notebook display: size, time span, events per action and rejected rows."""
        return _events_html(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Events):
            return NotImplemented
        if len(self) != len(other) or not np.array_equal(self.users.ids, other.users.ids):
            return False
        mine, theirs = self._table, other._table
        same_tables = (
            np.array_equal(mine.posts.ids, theirs.posts.ids)
            and mine.texts == theirs.texts
            and mine.platforms == theirs.platforms
            and mine.topic_sets == theirs.topic_sets
        )
        same_trust = (self.trust is None and other.trust is None) or np.array_equal(
            np.ones(len(self)) if self.trust is None else self.trust,
            np.ones(len(other)) if other.trust is None else other.trust,
        )
        return (
            same_tables
            and same_trust
            and all(np.array_equal(getattr(self, n), getattr(other, n)) for n in COLUMNS)
        )

    __hash__ = None  # type: ignore[assignment]


def _used(size: int, *columns: np.ndarray) -> NDArray[np.bool_]:
    """Which of *size* codes the columns mention (``-1``, absent, mentions none)."""
    used = np.zeros(size + 1, dtype=bool)  # the spare last slot takes the -1s
    for column in columns:
        used[column] = True
    return used[:size]


def _index_map(used: NDArray[np.bool_]) -> NDArray[np.int32]:
    """Old code -> new code for the kept codes (in order)."""
    return np.cumsum(used, dtype=np.int64).astype(np.int32) - 1


def _remap(codes: np.ndarray, mapping: np.ndarray) -> NDArray[np.int32]:
    """*codes* translated through *mapping*, keeping ``-1`` (absent) as ``-1``."""
    out = np.full(codes.shape, -1, dtype=np.int32)
    has = codes >= 0
    out[has] = mapping[codes[has]]
    return out


def _is_pandas(obj: object) -> bool:
    """Whether *obj* is a pandas object (checked without importing pandas)."""
    return any(cls.__module__.split(".")[0] == "pandas" for cls in type(obj).__mro__)


def _file_bar(path: PathLike, setting: Progress, owner: str) -> tuple[Bar, bool]:
    """A bar over the bytes of *path* (silent when not wanted) and whether it shows."""
    name = os.fspath(path)
    size = os.path.getsize(name) if os.path.isfile(name) else 0
    big = size * (5 if name.endswith(".gz") else 1) >= FILE_BYTES
    shown = wanted(setting, big=big, owner=owner)
    label = f"reading {os.path.basename(name)}"
    return progress(size, shown, label, unit="B", unit_scale=True, unit_divisor=1024), shown


class _Counted(io.RawIOBase):
    """A raw binary file that reports every byte read to a progress bar."""

    def __init__(self, raw: io.FileIO, bar: Bar) -> None:
        super().__init__()
        self._raw = raw
        self._bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        count = self._raw.readinto(buffer)
        if count:
            self._bar.update(count)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


@contextlib.contextmanager
def _open_text(path: PathLike, encoding: str, bar: Bar | None = None) -> Iterator[IO[str]]:
    """*path* as text (``.gz`` decompressed), counting the bytes read into *bar*."""
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"no such file: {name}")
    with contextlib.ExitStack() as stack:
        binary: io.BufferedIOBase
        if bar is None:
            binary = stack.enter_context(open(name, "rb"))
        else:
            raw = _Counted(stack.enter_context(open(name, "rb", buffering=0)), bar)
            binary = stack.enter_context(io.BufferedReader(raw, buffer_size=1 << 20))
        if name.endswith(".gz"):
            binary = stack.enter_context(gzip.GzipFile(fileobj=binary, mode="rb"))
        yield stack.enter_context(io.TextIOWrapper(binary, encoding=encoding, newline=""))


def _events_html(events: Events) -> str:
    """The HTML of :meth:`Events._repr_html_`; every text is escaped."""
    e = html.escape
    n = len(events)
    head = (
        f"<b>Events</b>: {n:,} events, {events.n_users:,} users, {len(events.posts):,} posts, "
        f"{len(events.rejected):,} rejected rows"
    )
    if n:
        start, end = float(events.time[0]), float(events.time[-1])
        days = (end - start) / 86_400.0
        head += f"<br>{e(format_time(start))} .. {e(format_time(end))} ({days:,.1f} days)"
    if events.platforms != ("default",):
        head += f"<br>platforms: {e(', '.join(events.platforms))}"
    right = "<td style='text-align:right'>"
    actions = "".join(
        f"<tr><td>{e(name)}</td>{right}{count:,}</td>"
        f"{right}{(100.0 * count / n if n else 0.0):.1f}%</td></tr>"
        for name, count in events.action_counts().items()
    )
    tables = [f"<table><tr><th>action</th><th>events</th><th>share</th></tr>{actions}</table>"]
    if events.rejected:
        kinds = "".join(
            f"<tr><td>{e(kind)}</td>{right}{count:,}</td></tr>"
            for kind, count in events.report().items()
        )
        shown = events.rejected[:5]
        examples = "".join(f"<li>{e(r.reason)}</li>" for r in shown)
        more = len(events.rejected) - len(shown)
        if more:
            examples += f"<li>... and {more:,} more (<code>events.rejected</code>)</li>"
        tables.append(
            f"<div><table><tr><th>rejected</th><th>rows</th></tr>{kinds}</table>"
            f"<ul style='margin:0.3em 0;padding-left:1.2em'>{examples}</ul></div>"
        )
    body = "".join(tables)
    return f"<div>{head}<div style='display:flex;gap:2em;align-items:flex-start'>{body}</div></div>"
