"""Targets of answers to posts made before the rows being read, from an earlier table.

A reply, share or like that gives only its ``parent`` post takes its target from the
post's author. Reading a day's file on its own, the post may be in an earlier day's file:
the readers' ``known_posts`` names that table (a :class:`~influence.ScoringState`'s
events, say), and :func:`resolve` gives such rows the author there, as reading all the
files at once would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from influence.events import actions as _actions
from influence.events.columns import unify
from influence.events.ids import is_text, join_text

if TYPE_CHECKING:
    from influence.events.base import EventColumns

__all__ = ["resolve", "validate_known_posts"]

_CREATES = _actions.mask_of(_actions.CREATES_POST)


def validate_known_posts(known: object) -> None:
    """Refuse, naming the parameter, a *known_posts* that is not an event table."""
    if known is not None and not all(
        hasattr(known, name) for name in ("posts", "post", "actor", "action", "users")
    ):
        hint = " (a ScoringState's events are state.events)" if hasattr(known, "events") else ""
        raise TypeError(
            f"known_posts must be an Events table or None{hint}; got {type(known).__name__}"
        )


def resolve(
    known: EventColumns,
    rows: NDArray[np.intp],
    parent: NDArray[Any],
    posts: NDArray[Any] | None,
    actor: NDArray[Any],
    target: NDArray[Any],
    users: NDArray[Any] | None,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any] | None, NDArray[np.bool_]]:
    """Give *rows* the author of their parent post in *known*, where it is one.

    *parent*, *actor* and *target* are a reader's id keys: positions in the vocabularies
    *posts* and *users* when those are given, the ids themselves otherwise
    (:func:`~influence.events.columns.id_pair`). Returns the actor and target keys and
    the users' vocabulary (the authors found join it, so the actor keys may be renumbered
    and both may turn to text, as :meth:`Events.concat <influence.Events.concat>` turns
    integer ids to text beside text ones), and which of *rows* found their post.

    Examples
    --------
    >>> from influence import Events
    >>> earlier = Events.from_records([
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p1"}])
    >>> parent, actor, target = (np.array(k, dtype=object) for k in (["p1"], ["bob"], [""]))
    >>> _, target, _, found = resolve(earlier, np.array([0]), parent, None, actor, target, None)
    >>> target.tolist(), found.tolist()
    (['ann'], [True])
    """
    wanted = parent[rows] if posts is None else posts[parent[rows]]
    author = np.full(len(known.posts), -1, dtype=np.int64)
    made = np.flatnonzero(_CREATES[known.action] & (known.post >= 0))
    author[known.post[made]] = known.actor[made]
    where = known.posts.indices(wanted)
    where[where >= 0] = author[where[where >= 0]]
    found = where >= 0
    if not found.any():
        return actor, target, users, found
    hit = rows[found]
    authors, which = np.unique(where[found], return_inverse=True)  # the distinct authors
    which = which.reshape(-1)
    if users is None:  # keys are ids, row by row
        actor, target, ids = unify(actor, target, known.users.ids[authors])
        if not is_text(target):
            target = target.astype(np.result_type(target, ids))  # a copy, wide enough
        elif target.dtype.kind == "U" and ids.dtype.itemsize <= target.dtype.itemsize:
            target = target.copy()
        else:  # as objects: a long author id does not widen every row's slot
            target, ids = target.astype(object), ids.astype(object)
        target[hit] = ids[which]
        return actor, target, None, found
    # Keys are positions in the vocabulary: the distinct authors join it, held as the
    # readers hold text (join_text), and the rows' keys are renumbered.
    old, ids = unify(users, known.users.ids[authors])
    merged = join_text([old, ids]) if is_text(old) else np.concatenate([old, ids])
    vocab, codes = np.unique(merged, return_inverse=True)
    codes = codes.reshape(-1)
    renumber = codes[: old.shape[0]]
    actor, target = renumber[actor], renumber[target]
    target[hit] = codes[old.shape[0] :][which]
    return actor, target, vocab, found
