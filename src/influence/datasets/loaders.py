"""Loaders for the public interaction logs used to validate the scores.

The data is not shipped with the package: every loader takes the path of a
file the caller downloaded (SNAP / KONECT distributions, or the copies in
``../shared/data`` beside a checkout). Each reads the whole file with a few
vectorised numpy passes and builds :class:`~influence.Events` through the
numeric fast path of :meth:`Events.from_arrays`. A ``.gz`` file (by name or by
its magic bytes) is decompressed.
"""

from __future__ import annotations

import gzip
import os
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence.events import actions as _actions
from influence.events.table import Events

__all__ = [
    "Ratings",
    "load_bitcoin_otc",
    "load_bitcoin_otc_ratings",
    "load_collegemsg",
    "load_higgs",
]

PathLike = str | os.PathLike[str]

#: Higgs interaction types -> action codes: RT (retweet) is a share, MT a
#: mention, RE a reply.
HIGGS_ACTIONS: dict[str, int] = {"RT": _actions.SHARE, "MT": _actions.MENTION, "RE": _actions.REPLY}


def _read_bytes(path: PathLike) -> bytes:
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"no such file: {name}")
    with open(name, "rb") as handle:
        data = handle.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def _slow_parse(data: bytes, ncols: int, name: str, what: str) -> NDArray[np.int64]:
    """Line-by-line parse, only when the fast path failed: names the first bad line."""
    rows: list[list[int]] = []
    for number, line in enumerate(data.splitlines(), start=1):
        cells = line.split()
        if not cells:
            continue
        try:
            if len(cells) != ncols:
                raise ValueError
            rows.append([int(c) for c in cells])
        except ValueError:
            text = line.decode("utf-8", errors="replace")
            raise ValueError(f"{name}: line {number} is not {what}; got {text!r}") from None
    return np.array(rows, dtype=np.int64).reshape(-1, ncols)


def _parse_ints(data: bytes, ncols: int, name: str, what: str) -> NDArray[np.int64]:
    """Whitespace-separated integers, *ncols* per line, as an ``(n, ncols)`` array.

    One C-level pass (``np.fromstring``) plus a vectorised count of the
    fields on each line; when a line does not hold exactly *ncols* fields or a
    field is not an integer (stray text, blank lines, ragged rows), a
    line-by-line parse either reads the file or names its first bad line.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        try:
            flat = np.fromstring(data, dtype=np.int64, sep=" ")
        except (DeprecationWarning, ValueError):
            flat = None
    if flat is not None and _fields_per_line_are(data, ncols):
        return flat.reshape(-1, ncols)
    return _slow_parse(data, ncols, name, what)


def _fields_per_line_are(data: bytes, ncols: int) -> bool:
    """Whether every line of *data* holds exactly *ncols* whitespace-separated fields."""
    if not data:
        return True
    buf = np.frombuffer(data, dtype=np.uint8)
    newline = buf == 10
    blank = newline | (buf == 32) | (buf == 9) | (buf == 13)
    starts = ~blank
    starts[1:] &= blank[:-1]  # a field starts after whitespace or at the beginning
    ends = np.flatnonzero(newline)
    line = np.searchsorted(ends, np.flatnonzero(starts))  # the line each field is on
    lines = ends.size + (0 if data.endswith(b"\n") else 1)
    return bool(np.all(np.bincount(line, minlength=lines) == ncols))


def load_higgs(path: PathLike) -> Events:
    """Load the Higgs Twitter activity log (SNAP ``higgs-activity_time.txt.gz``).

    Each line is ``actor target unixtime type``: ``RT`` (the actor retweeted
    the target) becomes a ``share``, ``MT`` a ``mention`` and ``RE`` a
    ``reply``. The log has no posts, likes or follows; user ids are the
    anonymised integers of the file. The full file is 563,069 events among
    304,691 users, 2012-07-01 to 2012-07-07 UTC.

    Parameters
    ----------
    path : str or path-like
        The file, gzipped (as distributed) or plain text.

    Returns
    -------
    Events

    Raises
    ------
    FileNotFoundError
        When *path* does not exist.
    ValueError
        Naming the first line that is not four fields with a known type.

    Examples
    --------
    >>> import gzip, os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "higgs.txt.gz")
    >>> with gzip.open(path, "wb") as f:
    ...     _ = f.write(b"2 1 1341100972 RT\\n3 1 1341100980 MT\\n1 3 1341101000 RE\\n")
    >>> events = load_higgs(path)
    >>> events.action_counts()["share"], len(events.users)
    (1, 3)
    >>> folder.cleanup()
    """
    name = os.fspath(path)
    data = _read_bytes(path)
    for token, code in HIGGS_ACTIONS.items():
        data = data.replace(b" " + token.encode(), b" %d" % code)
    table = _parse_ints(data, 4, name, "'actor target unixtime type' with type RT, MT or RE")
    codes = table[:, 3]
    known = np.isin(codes, list(HIGGS_ACTIONS.values()))
    if not known.all():
        line = int(np.flatnonzero(~known)[0]) + 1
        raise ValueError(f"{name}: line {line} has an interaction type other than RT, MT or RE")
    return Events.from_arrays(
        time=table[:, 2].astype(np.float64),
        actor=table[:, 0],
        action=codes.astype(np.int8),
        target=table[:, 1],
    )


def load_collegemsg(path: PathLike) -> Events:
    """Load the CollegeMsg private-message log (SNAP ``CollegeMsg.txt``).

    Each line is ``sender receiver unixtime``; a message is a ``mention`` of
    the receiver by the sender (direct attention from one person to another).
    The full file is 59,835 messages among 1,899 users, 2004-04-15 to
    2004-10-26.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Events

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "CollegeMsg.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("1 2 1082040961\\n3 4 1082155839\\n5 2 1082414391\\n")
    >>> events = load_collegemsg(path)
    >>> len(events), events.action_counts()["mention"]
    (3, 3)
    >>> folder.cleanup()
    """
    name = os.fspath(path)
    table = _parse_ints(_read_bytes(path), 3, name, "'sender receiver unixtime'")
    return Events.from_arrays(
        time=table[:, 2].astype(np.float64),
        actor=table[:, 0],
        action=np.full(table.shape[0], _actions.MENTION, dtype=np.int8),
        target=table[:, 1],
    )


@dataclass(frozen=True, eq=False)
class Ratings:
    """Signed ratings, one entry per rating: who rated whom, how and when.

    Attributes
    ----------
    rater, ratee : ndarray of int64
        User ids as in the file.
    rating : ndarray of int64
        The rating (Bitcoin OTC: -10, a fraudster, to +10, total trust; never 0).
    time : ndarray of float64
        Epoch seconds UTC.
    """

    rater: NDArray[np.int64]
    ratee: NDArray[np.int64]
    rating: NDArray[np.int64]
    time: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.rating.shape[0])


def load_bitcoin_otc_ratings(path: PathLike) -> Ratings:
    """Read the Bitcoin OTC ratings file (SNAP ``soc-sign-bitcoinotc.csv``) as raw arrays.

    Each line is ``rater,ratee,rating,unixtime``, no header, CRLF line endings.
    The full file is 35,592 ratings among 5,881 users, about 10% negative.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Ratings
        All ratings, negative ones included, in file order.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "otc.csv")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"6,2,4,1289241912\\r\\n6,5,2,1289241942\\r\\n1,15,-10,1289243140\\r\\n")
    >>> ratings = load_bitcoin_otc_ratings(path)
    >>> len(ratings), ratings.rating.tolist()
    (3, [4, 2, -10])
    >>> folder.cleanup()
    """
    name = os.fspath(path)
    data = _read_bytes(path).replace(b",", b" ")
    table = _parse_ints(data, 4, name, "'rater,ratee,rating,unixtime'")
    return Ratings(
        rater=table[:, 0].copy(),
        ratee=table[:, 1].copy(),
        rating=table[:, 2].copy(),
        time=table[:, 3].astype(np.float64),
    )


def load_bitcoin_otc(path: PathLike, *, negative: Literal["drop", "raise"] = "drop") -> Events:
    """Load Bitcoin OTC ratings as endorsements: each positive rating is a ``like``.

    A positive rating (``+1`` to ``+10``) is the rater vouching for the ratee,
    read as a ``like`` of the ratee (its size is not kept). A negative rating
    is an accusation, not engagement, so it never becomes an event; read the
    negative ratings with :func:`load_bitcoin_otc_ratings` (for example to
    find likely fraudsters, see :func:`influence.evaluate.signed_rank_report`).
    Users who only ever received or gave negative ratings are therefore absent
    from the returned table.

    Parameters
    ----------
    path : str or path-like
    negative : {"drop", "raise"}, default "drop"
        ``"drop"``: leave negative ratings out. ``"raise"``: raise
        ``ValueError`` if the file holds any (for callers who expect
        positive-only input).

    Returns
    -------
    Events

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "otc.csv")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"6,2,4,1289241912\\r\\n6,5,2,1289241942\\r\\n1,15,-10,1289243140\\r\\n")
    >>> events = load_bitcoin_otc(path)
    >>> len(events), events.action_counts()["like"], events.users.ids.tolist()
    (2, 2, [2, 5, 6])
    >>> folder.cleanup()
    """
    _validate.choice("load_bitcoin_otc", "negative", negative, ("drop", "raise"))
    ratings = load_bitcoin_otc_ratings(path)
    positive = ratings.rating > 0
    if negative == "raise" and not positive.all():
        raise ValueError(
            f"{os.fspath(path)} holds {int((~positive).sum()):,} non-positive ratings; "
            "pass negative='drop' to leave them out"
        )
    return Events.from_arrays(
        time=ratings.time[positive],
        actor=ratings.rater[positive],
        action=np.full(int(positive.sum()), _actions.LIKE, dtype=np.int8),
        target=ratings.ratee[positive],
    )
