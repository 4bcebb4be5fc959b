"""The constructors of :class:`~influence.Events`: every way in reads through one validation."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from influence._progress import Progress
from influence.events import readers as _readers
from influence.events.assemble import Errors
from influence.events.base import EventColumns
from influence.events.files import PathLike
from influence.exceptions import InvalidEventError

if TYPE_CHECKING:
    from typing_extensions import Self

    from influence.events.table import Events

__all__ = ["EventConstructors"]


@contextlib.contextmanager
def _named(path: PathLike) -> Iterator[None]:
    """A bad row's :class:`InvalidEventError` names the file it is in, as well as its line."""
    try:
        yield
    except InvalidEventError as exc:
        where = os.fspath(path)
        if str(exc).startswith(f"{where}: "):
            raise
        raise InvalidEventError(
            f"{where}: {exc}", row=exc.row, field=exc.field, value=exc.value, kind=exc.kind
        ) from None


class EventConstructors(EventColumns):
    """The base of :class:`~influence.Events` that holds its constructors, each of which
    validates its input once (:func:`influence.events.assemble.assemble`)."""

    __slots__ = ()

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        errors: Errors = "raise",
        columns: Mapping[str, str] | None = None,
        dedupe: bool = False,
        known_posts: Events | None = None,
    ) -> Self:
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
        known_posts : Events, optional
            Posts made before these rows (the events of a
            :class:`~influence.ScoringState`, read one file a day): a reply, share, like
            or mention that gives only its ``parent``, a post not in these rows, takes its
            target from the post's author there, as reading all the rows together
            would. Posts are not copied: only the targets are filled in.

        Returns
        -------
        Events

        Raises
        ------
        InvalidEventError
            With ``errors="raise"``, for the first row that cannot be read.
        """
        return cls(
            _readers.from_records(
                records, errors=errors, columns=columns, dedupe=dedupe, known_posts=known_posts
            )
        )

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
        known_posts: Events | None = None,
    ) -> Self:
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
        known_posts : Events, optional
            Posts made before these rows (``state.events``): an answer that names
            only its parent post takes its target there, as for :meth:`from_records`.

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
                known_posts=known_posts,
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
        known_posts: Events | None = None,
        actions: Mapping[str, str] | None = None,
    ) -> Self:
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
        known_posts : Events, optional
            Posts made before these rows (``state.events``): an answer that names
            only its parent post takes its target there, as for :meth:`from_records`.
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
        with _named(path):
            table = _readers.read_csv(
                path,
                columns=columns,
                errors=errors,
                delimiter=delimiter,
                encoding=encoding,
                progress=progress,
                header=header,
                constants=constants,
                dedupe=dedupe,
                known_posts=known_posts,
                actions=actions,
            )
        return cls(table)

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
        known_posts: Events | None = None,
        actions: Mapping[str, str] | None = None,
    ) -> Self:
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
        known_posts : Events, optional
            Posts made before these rows (``state.events``): an answer that names
            only its parent post takes its target there, as for :meth:`from_records`.
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
        with _named(path):
            table = _readers.read_jsonl(
                path,
                columns=columns,
                errors=errors,
                encoding=encoding,
                progress=progress,
                constants=constants,
                dedupe=dedupe,
                known_posts=known_posts,
                actions=actions,
            )
        return cls(table)

    @classmethod
    def from_pandas(
        cls,
        frame: Any,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        dedupe: bool = False,
        known_posts: Events | None = None,
    ) -> Self:
        """Build from a pandas DataFrame (needs the ``pandas`` extra).

        Numeric and ``datetime64`` columns take the vectorised path; the frame is
        not modified. A DataFrame of another library that speaks Arrow (polars)
        is read by :meth:`from_arrow`. *columns*, *errors*, *dedupe* and *known_posts* are as for
        :meth:`from_records`.
        """
        return cls(
            _readers.from_pandas(
                frame, columns=columns, errors=errors, dedupe=dedupe, known_posts=known_posts
            )
        )

    @classmethod
    def read_parquet(
        cls,
        path: PathLike,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        dedupe: bool = False,
        known_posts: Events | None = None,
    ) -> Self:
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
        known_posts : Events, optional
            Posts made before these rows (``state.events``): an answer that names
            only its parent post takes its target there, as for :meth:`from_records`.

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
        with _named(path):
            table = _readers.read_parquet(
                path, columns=columns, errors=errors, dedupe=dedupe, known_posts=known_posts
            )
        return cls(table)

    @classmethod
    def from_arrow(
        cls,
        data: Any,
        *,
        columns: Mapping[str, str] | None = None,
        errors: Errors = "raise",
        dedupe: bool = False,
        known_posts: Events | None = None,
    ) -> Self:
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
        known_posts : Events, optional
            Posts made before these rows (``state.events``): an answer that names
            only its parent post takes its target there, as for :meth:`from_records`.

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
        return cls(
            _readers.from_arrow(
                data, columns=columns, errors=errors, dedupe=dedupe, known_posts=known_posts
            )
        )
