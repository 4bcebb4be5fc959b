"""Interaction pairs: each (actor, target) pair's interactions, and whether any engages."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from influence.events import actions as _actions
from influence.events.table import Events
from influence.pairs import rows_in_pair_order

__all__ = ["InteractionPairs", "interaction_pairs"]

_ENGAGEMENT = _actions.mask_of(_actions.ENGAGEMENTS)


class InteractionPairs(NamedTuple):
    """Distinct ``(source, target)`` pairs sorted by ``source * n_users + target``, with
    their ``counts`` of interactions and whether any of them is an engagement
    (``engaged``). All ``int32`` (user indices are, and a count is at most the events):
    Credibility keeps them for the whole scoring run."""

    source: NDArray[np.int32]
    target: NDArray[np.int32]
    counts: NDArray[np.int32]
    engaged: NDArray[np.bool_]


def interaction_pairs(events: Events, mask: NDArray[np.bool_]) -> InteractionPairs:
    """The pairs of the rows where *mask* is true (all aimed at another user).

    The rows come in pair order (:func:`~influence.pairs.rows_in_pair_order`, a filter
    of the table's one sort), so each pair is one run of them: counts and "any
    engagement" are read run by run, in order, with no per-row pair index to scatter.

    Examples
    --------
    >>> import numpy as np
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "cy", "action": "follow", "target": "ann"},
    ...     {"time": 2, "actor": "cy", "action": "like", "target": "ann"},
    ...     {"time": 3, "actor": "bob", "action": "follow", "target": "ann"},
    ... ])
    >>> pairs = interaction_pairs(ev, np.ones(3, dtype=bool))
    >>> [ev.users.ids[pairs.source].tolist(), pairs.counts.tolist(), pairs.engaged.tolist()]
    [['bob', 'cy'], [1, 2], [False, True]]
    """
    ordered = rows_in_pair_order(events, mask)
    key, width = ordered.key, max(events.n_users, 1)
    new = np.empty(key.size, dtype=bool)
    new[:1] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    unique = key[starts]
    engaged = _ENGAGEMENT[events.action[ordered.rows]]
    source, target = np.divmod(unique, width)
    return InteractionPairs(
        source.astype(np.int32),
        target.astype(np.int32),
        np.diff(starts, append=key.size).astype(np.int32),
        np.logical_or.reduceat(engaged, starts) if starts.size else np.zeros(0, dtype=bool),
    )
