"""The validated, immutable, columnar event table every component reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence._progress import Progress
from influence.events import actions as _actions
from influence.events import concat as _concat
from influence.events import display as _display
from influence.events import links as _links
from influence.events import readers as _readers
from influence.events import views as _views
from influence.events.assemble import Errors, Rejection
from influence.events.base import COLUMNS, EventColumns
from influence.events.files import PathLike
from influence.events.memo import Memo
from influence.events.timeparse import to_epoch

__all__ = ["COLUMNS", "Events", "Rejection"]


class Events(EventColumns):
    """A validated, immutable, columnar table of interaction events.

    Build it with one of the constructors: :meth:`from_records`,
    :meth:`from_arrays`, :meth:`read_csv`, :meth:`read_jsonl`,
    :meth:`from_pandas` or :meth:`from_arrow`. Rows are validated once, users are interned to dense
    ``int32`` indices (see :attr:`users`; ids are int64 or text by one rule whatever the
    constructor, see :class:`~influence.IdIndex`), and rows are stored in a canonical
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

    Every row is an event: two rows equal in every field, without an ``id``, are two
    events and count twice. :meth:`report` counts them (``"exact duplicate (kept)"``);
    ``dedupe=True`` on any constructor keeps the first of each and sets the others aside
    (kind ``"exact duplicate"``). Rows with distinct ``id`` values are never duplicates.

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

    __slots__ = ()

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        errors: Errors = "raise",
        columns: Mapping[str, str] | None = None,
        dedupe: bool = False,
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
        dedupe : bool, default False
            Keep one of each set of exact duplicate rows (equal in every field, no
            ``id``); the others are set aside in :attr:`rejected`. Without it they
            count as separate events, and :meth:`report` counts them.

        Returns
        -------
        Events

        Raises
        ------
        InvalidEventError
            With ``errors="raise"``, for the first row that cannot be read.
        """
        return cls(_readers.from_records(records, errors=errors, columns=columns, dedupe=dedupe))

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
        dedupe: bool = False,
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
        dedupe : bool, default False
            Drop exact duplicate rows, as :meth:`from_records` does.

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
        return cls(
            _readers.from_arrays(
                time,
                actor,
                action,
                target,
                post=post,
                parent=parent,
                text=text,
                platform=platform,
                topics=topics,
                id=id,
                errors=errors,
                dedupe=dedupe,
            )
        )

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
        header: bool = True,
        constants: Mapping[str, str] | None = None,
        dedupe: bool = False,
        actions: Mapping[str, str] | None = None,
    ) -> Events:
        """Read a CSV file (``.gz`` is decompressed), with a header row or without.

        With pyarrow (the ``arrow`` extra) the file is split by its multithreaded
        reader whenever that reads it as the csv module would (UTF-8, no quote, no
        blank line), row by row otherwise: the result is the same. Rows are numbered
        by their line in messages and :attr:`rejected`; a ``topics`` cell is split
        on commas; a quote left open is a bad row (as is a cell over 131,072
        characters), and the next line is read. Ids are integers when every id is
        one in canonical decimal (``12``, not ``012``), text otherwise.

        Parameters
        ----------
        path : str or path-like
        columns : mapping, optional
            Event field -> column name, when they differ; without a header the
            columns are named by position, ``"1"``, ``"2"``, ... (as ``cut -f``).
        errors : {"raise", "skip"}, default "raise"
        delimiter : str, default ","
            ``"\\t"`` for a tab-separated file.
        encoding : str, default "utf-8-sig"
            UTF-8, with or without the byte-order mark spreadsheets write.
        progress : {"auto", True, False}, default "auto"
            A progress bar over the bytes read (needs tqdm); ``"auto"``: for
            files of 10 MB or more (2 MB gzipped). ``INFLUENCE_PROGRESS=0`` in
            the environment turns it off.
        header : bool, default True
            ``False``: the first line is a row too. Without *columns*, column
            *k* is then the *k*-th field of ``time, actor, action, target, post,
            parent, text, platform, topics, id``.
        constants : mapping, optional
            Event field -> one value for every row, for a field the file has no
            column for: message and email logs have no action, so
            ``constants={"action": "mention"}``. A field both read from a column
            and given a constant is an error.
        dedupe : bool, default False
            Drop exact duplicate rows, as :meth:`from_records` does.
        actions : mapping, optional
            The log's own action values -> actions (case ignored): ``{"RT": "share"}``.

        Raises
        ------
        ValueError
            When a required column is missing, the header names a column read
            twice, a field is both mapped and constant, *actions* is not one; an
            :class:`InvalidEventError` for a bad row with ``errors="raise"``.

        Examples
        --------
        >>> import os, tempfile
        >>> from influence import Events
        >>> path = os.path.join(tempfile.mkdtemp(), "events.csv")
        >>> with open(path, "w") as f:
        ...     _ = f.write("time,actor,action,target\\n2024-05-01T09:00:00Z,bob,follow,ann\\n")
        >>> Events.read_csv(path, progress=False)
        <Events: 1 event, 2 users, 2024-05-01T09:00:00Z .. 2024-05-01T09:00:00Z>

        An email log without a header (sender, recipient, unix time), tab-separated:

        >>> path = os.path.join(tempfile.mkdtemp(), "email.tsv")
        >>> with open(path, "w") as f:
        ...     _ = f.write("bob\\tann\\t1714554000\\ncy\\tann\\t1714557600\\n")
        >>> ev = Events.read_csv(path, header=False, delimiter="\\t", progress=False,
        ...                      columns={"actor": "1", "target": "2", "time": "3"},
        ...                      constants={"action": "mention"})
        >>> ev.action_counts()["mention"], ev.users.ids.tolist()
        (2, ['ann', 'bob', 'cy'])
        """
        return cls(
            _readers.read_csv(
                path,
                columns=columns,
                errors=errors,
                delimiter=delimiter,
                encoding=encoding,
                progress=progress,
                header=header,
                constants=constants,
                dedupe=dedupe,
                actions=actions,
            )
        )

    @classmethod
    def read_jsonl(
        cls,
        path: PathLike,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        encoding: str = "utf-8-sig",
        progress: Progress = "auto",
        constants: Mapping[str, str] | None = None,
        dedupe: bool = False,
        actions: Mapping[str, str] | None = None,
    ) -> Events:
        """Read a JSON Lines file, one object per line (``.gz`` is decompressed).

        Blank lines are ignored; a line that is not a JSON object is a bad row.
        Rows are numbered by their line in the file. A byte-order mark before
        the first line is ignored. Ids are typed as :meth:`read_csv` types them.

        Parameters
        ----------
        path : str or path-like
        columns : mapping, optional
            Event field -> key in the objects, when they differ.
        errors : {"raise", "skip"}, default "raise"
        encoding : str, default "utf-8-sig"
            UTF-8, with or without a byte-order mark.
        progress : {"auto", True, False}, default "auto"
            As for :meth:`read_csv`.
        constants : mapping, optional
            Event field -> one value for every row, as for :meth:`read_csv`; a
            field some object has, or that *columns* maps, is an error.
        dedupe : bool, default False
            Drop exact duplicate rows, as :meth:`from_records` does.
        actions : mapping, optional
            The log's own action values -> actions, as for :meth:`read_csv`.

        Examples
        --------
        >>> import os, tempfile
        >>> from influence import Events
        >>> path = os.path.join(tempfile.mkdtemp(), "mail.jsonl")
        >>> with open(path, "w") as f:
        ...     _ = f.write('{"ts": 1714554000, "from": "bob", "to": "ann"}\\n')
        >>> Events.read_jsonl(path, progress=False, constants={"action": "mention"},
        ...     columns={"time": "ts", "actor": "from", "target": "to"}).action_counts()["mention"]
        1
        """
        return cls(
            _readers.read_jsonl(
                path,
                columns=columns,
                errors=errors,
                encoding=encoding,
                progress=progress,
                constants=constants,
                dedupe=dedupe,
                actions=actions,
            )
        )

    @classmethod
    def from_pandas(
        cls,
        frame: Any,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        dedupe: bool = False,
    ) -> Events:
        """Build from a pandas DataFrame (needs the ``pandas`` extra).

        Numeric and ``datetime64`` columns take the vectorised path; the frame is
        not modified. A DataFrame of another library that speaks Arrow (polars)
        is read by :meth:`from_arrow`. *columns*, *errors* and *dedupe* are as for
        :meth:`from_records`.
        """
        return cls(_readers.from_pandas(frame, columns=columns, errors=errors, dedupe=dedupe))

    @classmethod
    def read_parquet(
        cls,
        path: PathLike,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        dedupe: bool = False,
    ) -> Events:
        """Read a Parquet file of events (needs pyarrow, the ``arrow`` extra).

        Read as :meth:`from_arrow` reads a table, with rows numbered from 1 in
        messages, as for the other files. For logs bigger than memory,
        :func:`influence.engines.read_duckdb` reads only the scoring window.

        Parameters
        ----------
        path : str or path-like
        columns : mapping, optional
            Event field -> column name, when they differ.
        errors : {"raise", "skip"}, default "raise"
        dedupe : bool, default False
            Drop exact duplicate rows, as :meth:`from_records` does.

        Returns
        -------
        Events

        Raises
        ------
        ImportError
            When pyarrow is not installed.
        FileNotFoundError
            When there is no such file.
        ValueError
            When the file is not readable Parquet or a required column is
            missing; :class:`InvalidEventError` for a bad row with
            ``errors="raise"``.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import pyarrow as pa, pyarrow.parquet as pq
        >>> from influence import Events
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "log.parquet"
        ...     pq.write_table(pa.table({"time": [0, 60], "actor": ["bob", "cy"],
        ...                              "action": ["like", "share"],
        ...                              "target": ["ann", "ann"]}), path)
        ...     events = Events.read_parquet(path)
        >>> len(events), events.users.ids.tolist()
        (2, ['ann', 'bob', 'cy'])
        """
        return cls(_readers.read_parquet(path, columns=columns, errors=errors, dedupe=dedupe))

    @classmethod
    def from_arrow(
        cls,
        data: Any,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        dedupe: bool = False,
    ) -> Events:
        """Build from Arrow data: a pyarrow table, a polars DataFrame, ... (needs pyarrow).

        Accepts any object with ``__arrow_c_stream__`` (pyarrow ``Table`` and
        ``RecordBatchReader``, polars ``DataFrame``, DuckDB results, ...) or
        ``__arrow_c_array__`` (a ``RecordBatch``); a stream is read to its end.
        Timestamps and dates are read as UTC times; numeric columns, and text or
        dictionary columns of ids and actions (each distinct value judged once),
        in bulk. Rows are validated as by the other constructors, numbered from 0.

        Parameters
        ----------
        data : Arrow tabular data
        columns : mapping, optional
            Event field -> column name, when they differ.
        errors : {"raise", "skip"}, default "raise"
        dedupe : bool, default False
            Drop exact duplicate rows, as :meth:`from_records` does.

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
        return cls(_readers.from_arrow(data, columns=columns, errors=errors, dedupe=dedupe))

    @classmethod
    def concat(cls, tables: Sequence[Events]) -> Events:
        """Several tables as one, equal to building it from all their rows at once.

        *tables* is a sequence (``Events.concat([a, b])``). Ids follow the one rule over
        all the tables (integer ids and text ids give text ids, and the indices may
        change); rows take the canonical order; rejected rows are kept, each numbered in
        its own input; rows of a table without :attr:`trust` weigh 1.
        :func:`influence.events.concat.concat` gives every rule, its limits and the cost.

        Examples
        --------
        >>> from influence import Events
        >>> a = Events.from_records([{"time": 1, "actor": 12, "action": "follow", "target": 3}])
        >>> b = Events.from_records([{"time": 2, "actor": "ann", "action": "follow", "target": 3}])
        >>> Events.concat([a, b]).users.ids.tolist()
        ['12', '3', 'ann']
        """
        return _concat.concat(tables)

    def append(self, new: Events) -> Events:
        """These events and the *new* ones as one table: ``Events.concat([self, new])``.

        Examples
        --------
        >>> from influence import Events
        >>> like = {"action": "like", "target": "ann"}
        >>> day1 = Events.from_records([{"time": 1, "actor": "bob", **like}])
        >>> day2 = Events.from_records([{"time": 90000, "actor": "cy", **like}])
        >>> day1.append(day2)
        <Events: 2 events, 3 users, 1970-01-01T00:00:01Z .. 1970-01-02T01:00:00Z>
        """
        if not isinstance(new, EventColumns):
            raise TypeError(
                "new must be an Events table (build it first: "
                f"events.append(Events.from_records(rows))); got {type(new).__name__}"
            )
        return _concat.concat([self, new])

    @classmethod
    def empty(cls) -> Events:
        """An event table with no rows and no users."""
        return cls.from_arrays(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8))

    def report(self) -> dict[str, int]:
        """Count of rejected rows per kind of problem, most frequent first.

        Exact duplicate rows kept (they count twice; see :class:`Events`) are counted
        last, as ``"exact duplicate (kept)"``; with ``dedupe=True`` the dropped ones are
        rejected rows of kind ``"exact duplicate"``. The latest rows, when they stand far
        beyond the bulk of the log (:mod:`influence.events.outliers`), are counted as
        ``"far future (kept)"``: the default ``as_of`` would be theirs.
        """
        return _display.events_report(self, self._table.duplicates)

    def action_counts(self) -> dict[str, int]:
        """Number of events per action name (all actions listed, zeros included)."""
        counts = np.bincount(self.action, minlength=len(_actions.ACTIONS))
        return {name: int(c) for name, c in zip(_actions.ACTIONS, counts)}

    def is_self(self) -> NDArray[np.bool_]:
        """Mask of self-interactions (``actor == target``); they count for nothing."""
        return np.asarray(self.actor == self.target)

    def link(self, mapping: Any) -> Events:
        """The events with the accounts of one person, across platforms, merged into one user.

        *mapping* takes account ids to person ids: a dict, a pandas Series, or two arrays
        ``(accounts, persons)``. Engagement between one person's own accounts becomes
        self-interaction, which counts for nothing. :func:`influence.events.links.link`
        gives the rules, the errors and an example.
        """
        return _links.link(self, mapping)

    def until(self, as_of: Any) -> Events:
        """The events at or before *as_of*, with the same user table (a cheap slice)."""
        cut = to_epoch(as_of)
        stop = int(np.searchsorted(self.time, cut, side="right"))
        if stop == len(self):
            return self
        return self._slice(np.s_[:stop])

    def select(self, mask: NDArray[np.bool_]) -> Events:
        """The events where *mask* is true, with the same user table."""
        return self._slice(_views.row_mask(mask, len(self)))

    def compact(self) -> Events:
        """Drop users, posts, texts and topic sets that no event mentions.

        Index order is kept, so the compacted table scores the same; platform names
        are kept as they are. A table found compact is remembered so (its memo).
        """
        if ("compact",) not in self._memo:
            table = _views.compact_table(self._table)
            if table is not None:
                return Events(table, self.trust)
            self._memo.get(("compact",), lambda: True)
        return self

    def with_trust(self, trust: ArrayLike | None, *, copy: bool = True) -> Events:
        """The same events, each engagement weighted by how much it is trusted.

        *trust* holds one weight in ``[0, 1]`` per event (row order); the :class:`~influence.Scorer`
        sets it from its discounts (Reciprocity, Credibility) before the signals read the
        table, so that engagement from a ring or a Sybil counts for what it is worth. ``None``
        means every event is fully trusted. The columns are shared; the weights copied, unless
        ``copy=False`` and *trust* is a read-only float64 array owning its memory, kept as it
        is (the caller promises never to change it).

        Examples
        --------
        >>> from influence import Events
        >>> ev = Events.from_records([
        ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
        ...     {"time": 2, "actor": "cy", "action": "like", "target": "ann"},
        ... ])
        >>> ev.with_trust([1.0, 0.25]).trust.tolist(), ev.trust is None
        ([1.0, 0.25], True)
        """
        return self._retrusted(trust, copy=copy)

    @property
    def memo(self) -> Memo:
        """Work computed once for this table and shared by every component that reads it.

        ``events.memo.get(key, compute, uses_trust=...)`` returns ``compute()``, computed
        the first time *key* is asked for, read-only; the memo lives and dies with the
        table. A table made by :meth:`with_trust` shares the trust-free entries
        (``uses_trust=False``) of the table it was made from, and keeps the entries that
        read :attr:`trust` to itself. See :class:`influence.events.memo.Memo`.
        """
        return self._memo

    def to_records(self) -> list[dict[str, Any]]:
        """The events as plain dicts (original ids, times in epoch seconds), in canonical order."""
        return _views.records(self._table)

    def __repr__(self) -> str:
        return _display.events_repr(self)

    def _repr_html_(self) -> str:
        """Notebook display: size, time span, events per action and rejected rows."""
        return _display.events_html(self)
