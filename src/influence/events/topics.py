"""Topic membership: which events are about which topic, from tags, hashtags and threads.

An event is *about* a topic :math:`T` when

- its own ``topics`` hold :math:`T` (tags are case-folded: ``Travel`` is ``travel``), or,
  with ``hashtags=True``, its ``text`` holds the hashtag ``#T``; or
- it engages a post (a reply, share, like or mention whose ``parent`` is that post: the
  engagement actions of :data:`influence.events.actions.ENGAGEMENTS`) that is about
  :math:`T`. A post is about what its creating event (the row whose ``post`` is the post)
  is about, so membership follows a thread up: a like of a share of a post about travel
  is about travel.

The work is vectorised and done once per table (:attr:`Events.memo
<influence.Events.memo>`): the distinct tag sets and, with ``hashtags=True``, the distinct
texts are read once each (not once per row); the events' own tags are one sparse row
gather; the thread is followed by pointer doubling over the posts (each round doubles the
length of the thread read, so a chain of depth :math:`d` takes :math:`\\lceil \\log_2 d
\\rceil` rounds). The cost is linear in events plus tags, times that logarithm for deep
threads.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from influence.events import actions as _actions
from influence.events.table import Events

__all__ = [
    "HASHTAG",
    "TopicIndex",
    "about",
    "topic_events",
    "topic_index",
    "topic_matrix",
    "topic_name",
    "topic_names",
]

#: A hashtag in a text: ``#`` not preceded by a word character or another ``#``, then
#: Unicode word characters (letters, digits and ``_`` of any script) holding at least one
#: letter, so that ``#Higgs``, ``#café`` and ``#2024election`` are tags and ``C#``,
#: ``##`` and ``#1`` are not. The tag is the part after ``#``, case-folded.
HASHTAG: Final = re.compile(r"(?<![\w#])#(\w*[^\W\d_]\w*)")

_ENGAGES = _actions.mask_of(_actions.ENGAGEMENTS)
_CREATES = _actions.mask_of(_actions.CREATES_POST)


class TopicIndex(NamedTuple):
    """Per-event topic membership in compressed sparse row form.

    ``names`` are the topics (case-folded, sorted); the topics of event ``i`` are
    ``names[j]`` for ``j`` in ``indices[indptr[i]:indptr[i + 1]]`` (sorted, distinct).
    ``rows`` and ``starts`` are the same membership by topic: the events about topic
    ``j`` are ``rows[starts[j]:starts[j + 1]]``, in table order.
    """

    names: tuple[str, ...]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    rows: NDArray[np.int64]
    starts: NDArray[np.int64]


def topic_index(events: Events, *, hashtags: bool = False) -> TopicIndex:
    """Which events are about which topic, computed once per table (read-only arrays).

    Parameters
    ----------
    events : Events
    hashtags : bool, default False
        Also take topics from the hashtags in each event's ``text`` (see :data:`HASHTAG`).

    Returns
    -------
    TopicIndex

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p1", "topics": "Travel"},
    ...     {"time": 2, "actor": "bob", "action": "like", "parent": "p1"},
    ... ])
    >>> index = topic_index(ev)
    >>> index.names, index.rows.tolist()
    (('travel',), [0, 1])
    """
    key = ("topic-index", bool(hashtags))
    return events.memo.get(key, lambda: _build(events, bool(hashtags)), uses_trust=False)


def topic_names(events: Events, *, hashtags: bool = False) -> tuple[str, ...]:
    """The topics some event of *events* is about, case-folded and sorted.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p1",
    ...      "topics": "Travel, food", "text": "Lisbon! #Travel #tram"},
    ... ])
    >>> topic_names(ev), topic_names(ev, hashtags=True)
    (('food', 'travel'), ('food', 'tram', 'travel'))
    """
    return topic_index(events, hashtags=hashtags).names


def topic_matrix(events: Events, *, hashtags: bool = False) -> sp.csr_array:
    """Membership as a boolean sparse matrix: events (rows) by :func:`topic_names` (columns).

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p1", "topics": "a,b"},
    ...     {"time": 2, "actor": "bob", "action": "share", "parent": "p1", "topics": "c"},
    ... ])
    >>> topic_matrix(ev).toarray().astype(int).tolist()
    [[1, 1, 0], [1, 1, 1]]
    """
    index = topic_index(events, hashtags=hashtags)
    data = np.ones(index.indices.size, dtype=bool)
    shape = (len(events), len(index.names))
    return sp.csr_array((data, index.indices.copy(), index.indptr.copy()), shape=shape)


def about(events: Events, topic: str, *, hashtags: bool = False) -> NDArray[np.bool_]:
    """Per event, whether it is about *topic* (case-folded; a topic no event has: all false).

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p1", "text": "#Higgs boson"},
    ...     {"time": 2, "actor": "bob", "action": "reply", "parent": "p1", "post": "p2"},
    ...     {"time": 3, "actor": "cy", "action": "like", "parent": "p2"},
    ...     {"time": 4, "actor": "cy", "action": "like", "target": "bob"},
    ... ])
    >>> about(ev, "HIGGS", hashtags=True).tolist()
    [True, True, True, False]
    """
    if not isinstance(topic, str):
        raise TypeError(f"topic must be a string; got {type(topic).__name__} {topic!r}")
    index = topic_index(events, hashtags=hashtags)
    out = np.zeros(len(events), dtype=bool)
    j = int(np.searchsorted(index.names, topic.casefold())) if index.names else 0
    if j < len(index.names) and index.names[j] == topic.casefold():
        out[index.rows[index.starts[j] : index.starts[j + 1]]] = True
    return out


def topic_name(topic: str) -> str:
    """The tag a topic as someone types it names: spaces around it dropped, a hashtag
    read as :data:`HASHTAG` reads one in a text (the part after ``#``), case-folded.

    Examples
    --------
    >>> topic_name(" #Music "), topic_name("Travel"), topic_name("C#")
    ('music', 'travel', 'c#')
    """
    text = topic.strip()
    tag = HASHTAG.fullmatch(text)
    return (tag.group(1) if tag else text).casefold()


def topic_events(events: Events, topic: str, *, hashtags: bool = False) -> Events:
    """The events about *topic* (case-folded), in table order, with the same user table.

    As ``events.select(about(events, topic))``, reading only the topic's rows.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p1", "topics": "Travel"},
    ...     {"time": 2, "actor": "bob", "action": "like", "parent": "p1"},
    ...     {"time": 3, "actor": "bob", "action": "like", "target": "cy"},
    ... ])
    >>> topic_events(ev, "travel") == ev.select(about(ev, "travel"))
    True
    """
    index = topic_index(events, hashtags=hashtags)
    folded = topic.casefold() if isinstance(topic, str) else topic
    j = int(np.searchsorted(index.names, folded)) if index.names else 0
    if not isinstance(topic, str) or j >= len(index.names) or index.names[j] != folded:
        return events.select(about(events, topic, hashtags=hashtags))
    return events._slice(index.rows[index.starts[j] : index.starts[j + 1]])


# ---------------------------------------------------------------------------- the work
def _tags_of(groups: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Case-folded, de-duplicated tags per group, and every tag met."""
    folded = [sorted({t.casefold() for t in group}) for group in groups]
    return sorted({t for group in folded for t in group}), folded


def _codes(
    groups: list[list[str]], names: tuple[str, ...]
) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """CSR ``(indptr, indices)`` of each group's tags as positions in *names*, plus an
    empty last row (read by the index ``-1``)."""
    position = {name: j for j, name in enumerate(names)}
    lengths = np.array([len(g) for g in groups] + [0], dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    flat = [position[t] for g in groups for t in g]
    return indptr, np.asarray(flat, dtype=np.int32)


def _gather(
    indptr: NDArray[np.int64], indices: NDArray[np.int32], rows: NDArray[np.integer]
) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """CSR of the rows *rows* of the CSR ``(indptr, indices)``: one vectorised gather
    (a row ``-1`` reads the last row)."""
    rows = np.where(np.asarray(rows) < 0, indptr.size - 2, rows)
    starts, lengths = indptr[rows], indptr[rows + 1] - indptr[rows]
    out_ptr = np.concatenate(([0], np.cumsum(lengths)))
    offsets = np.repeat(starts - out_ptr[:-1], lengths) + np.arange(out_ptr[-1])
    return out_ptr.astype(np.int64), indices[offsets]


def _union(
    a: tuple[NDArray[np.int64], NDArray[np.int32]],
    b: tuple[NDArray[np.int64], NDArray[np.int32]],
    k: int,
) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """Row-wise union of two CSR structures with the same number of rows, rows sorted."""
    n = a[0].size - 1
    if b[1].size == 0:
        return a
    rows = np.arange(n, dtype=np.int64)
    row = np.concatenate((np.repeat(rows, np.diff(a[0])), np.repeat(rows, np.diff(b[0]))))
    width = max(k, 1)
    key = np.sort(row * width + np.concatenate((a[1], b[1])))
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    counts = np.bincount(key // width, minlength=n)
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64), (key % width).astype(np.int32)


def _build(events: Events, hashtags: bool) -> TopicIndex:
    n = len(events)
    set_names, set_groups = _tags_of([list(s) for s in events.topic_sets])
    text_groups: list[list[str]] = []
    names_met = set(set_names)
    if hashtags:
        text_names, text_groups = _tags_of([HASHTAG.findall(t) for t in events.texts])
        names_met.update(text_names)
    names = tuple(sorted(names_met))
    k = len(names)
    # The events' own tags: one gather from the distinct tag sets (and texts).
    own = _gather(*_codes(set_groups, names), events.topics)  # -1 reads the empty last row
    if hashtags:
        own = _union(own, _gather(*_codes(text_groups, names), events.text), k)
    # Each post's topics: its creating event's own; then up the thread by pointer doubling.
    n_posts = len(events.posts)
    creators = np.flatnonzero((events.post >= 0) & _CREATES[events.action])
    creator = np.full(n_posts + 1, n, dtype=np.int64)  # n: an empty row appended below
    creator[events.post[creators]] = creators
    own_plus = (np.append(own[0], own[0][-1]), own[1])
    post_tags = _gather(*own_plus, creator)
    up = np.full(n_posts + 1, n_posts, dtype=np.int64)  # n_posts: the empty last post
    engaging = creators[_ENGAGES[events.action[creators]] & (events.parent[creators] >= 0)]
    up[events.post[engaging]] = events.parent[engaging]
    for _ in range(max(1, int(np.ceil(np.log2(n_posts + 2))))):
        if not (up[:n_posts] < n_posts).any():
            break
        post_tags = _union(post_tags, _gather(*post_tags, up), k)
        up = up[up]
    # Each event: its own topics, and those of the post it engages.
    parent = np.where(_ENGAGES[events.action] & (events.parent >= 0), events.parent, n_posts)
    indptr, indices = _union(own, _gather(*post_tags, parent), k)
    # The same membership by topic: events about topic j, in table order.
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    small = np.uint8 if k <= 256 else np.uint16 if k <= 65_536 else np.int32
    order = np.argsort(indices.astype(small), kind="stable")  # a radix sort for small codes
    starts = np.concatenate(([0], np.cumsum(np.bincount(indices, minlength=k)))).astype(np.int64)
    return TopicIndex(names, indptr, indices, row[order], starts)
