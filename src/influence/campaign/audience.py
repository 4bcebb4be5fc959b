"""Audiences: who engaged each account's content in the window, each exposure at its trust.

The audience of an account :math:`u` is the set of distinct other people :math:`v` who
engaged with its content (a reply, share, like or mention aimed at :math:`u`:
:data:`influence.events.actions.ENGAGEMENTS`) in ``(as_of - window, as_of]``. Each
exposure :math:`(u, v)` carries a weight in ``[0, 1]``, the largest trust the house
discounts give one of the events of :math:`v` aimed at :math:`u`:

.. math::

    a_{uv} = \\max_{e:\\, v \\to u} \\tau_e, \\qquad \\tau_e = \\prod_k d_k(e),

with :math:`d_k` the scorer's discounts (Reciprocity and Credibility in the house), the
same per-event trust :class:`~influence.Scorer` sets on :attr:`Events.trust
<influence.Events.trust>` before its signals read the table. Credibility's
:math:`\\tau_e` carries the engager's own credibility (repeated texts, clockwork
timing, farm bots) and its cohort's share (a Sybil cohort counts as at most
``2 * cohort_credit`` people at a target), and nothing of what a farm's prop gives a
farmed target; Reciprocity's, what is traded quid pro quo. Bought or fake engagers
therefore reach (almost) nobody, and a crowd of genuine newcomers keeps its full weight.
Self-engagement is not an exposure.

The audiences are one ``scipy.sparse`` CSR matrix, accounts by people, reduced from the
engagement in the table's pair order (the sort of packed int64 keys its scoring made)
and transposed once (no loop over events).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence._time import STANDING
from influence.campaign.pairgroups import by_account, starts, unit
from influence.events.ids import IdIndex
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.events.topics import about, topic_name, topic_names
from influence.kernels import received_engagement
from influence.pairs import rows_in_pair_order
from influence.scoring.scorer import Scorer

__all__ = ["Audiences", "audiences", "engaged_rows", "on_topic"]


@dataclass(frozen=True)
class Audiences:
    """Each account's audience in the window, as a sparse matrix of exposure weights.

    Attributes
    ----------
    users : IdIndex
        The accounts and people (rows and columns share it: the window's users).
    matrix : scipy.sparse.csr_array
        ``matrix[u, v]`` is :math:`a_{uv}`, the trust of the exposure of person *v* to
        account *u*; absent when *v* did not engage *u* in the window. Rows sorted
        by column; read-only data.
    as_of : float
        The end of the window (epoch seconds).
    window_days : float
        Its length.
    topic : str or None
        The topic the engagement was restricted to, if any.
    """

    users: IdIndex
    matrix: Any
    as_of: float
    window_days: float
    topic: str | None

    def size(self) -> NDArray[np.int64]:
        """Per account, the number of distinct people in its audience."""
        return np.asarray(np.diff(self.matrix.indptr), dtype=np.int64)

    def weight(self) -> NDArray[np.float64]:
        """Per account, its audience's summed weight (its reach alone, frequency 1)."""
        return np.asarray(
            np.bincount(
                np.repeat(np.arange(len(self.users)), self.size()),
                weights=self.matrix.data,
                minlength=len(self.users),
            ),
            dtype=np.float64,
        )


def on_topic(events: Events, topic: str, *, hashtags: bool = False) -> NDArray[np.bool_]:
    """Rows about *topic*: tagged with it, or engaging a post that is, up the thread.

    A like carries no topics of its own: it is about what the post it likes is about
    (:func:`influence.events.topics.about`). With *hashtags*, a ``#tag`` in a row's text
    tags it too, as for :meth:`Scorer.score_topics <influence.Scorer.score_topics>`.
    Case is ignored, and a hashtag names its tag (``"#Travel"`` is ``"travel"``) unless
    some tag is spelt with the ``#``.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "ann", "action": "post", "post": "p", "topics": ["travel"]},
    ...     {"time": 2, "actor": "bob", "action": "like", "parent": "p"},
    ...     {"time": 3, "actor": "cy", "action": "like", "target": "ann"},
    ... ])
    >>> on_topic(ev, "Travel").tolist(), on_topic(ev, "#travel").tolist()
    ([True, True, False], [True, True, False])
    """
    if not isinstance(topic, str) or not topic.strip():
        raise ValueError(f"The 'topic' parameter must be a non-empty string. Got {topic!r}.")
    name = topic.strip().casefold()  # as given, else as a hashtag names its tag
    if name not in topic_names(events, hashtags=hashtags):
        name = topic_name(topic)
    return about(events, name, hashtags=hashtags)


def audiences(
    events: Events,
    *,
    as_of: Any = None,
    window_days: float = STANDING.window_days,
    topic: str | None = None,
    scorer: Scorer | None = None,
    trust: NDArray[np.float64] | None = None,
    hashtags: bool = False,
) -> Audiences:
    """Every account's audience in ``(as_of - window_days, as_of]``, exposures weighted.

    Parameters
    ----------
    events : Events
        The log. Events after *as_of* are ignored; the discounts judge the whole log up
        to *as_of* (a farm cannot hide inside a topic).
    as_of : float, datetime or str, optional
        The end of the window; the latest event's time by default (never the clock).
    window_days : float, default 90
        The window's length (the house standing window).
    topic : str, optional
        Count only engagement about this topic (:func:`on_topic`).
    hashtags : bool, default False
        Also read ``#tags`` in the text as topics (:func:`on_topic`).
    scorer : Scorer, optional
        Whose discounts weigh the exposures; the house scorer by default.
    trust : array of float, optional
        Per-event trust of ``events.until(as_of).compact()`` already computed
        (:meth:`Scorer.trust <influence.Scorer.trust>`), to skip computing it again.

    Returns
    -------
    Audiences

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 1, "actor": "bob", "action": "like", "target": "ann"},
    ...     {"time": 2, "actor": "bob", "action": "share", "target": "ann"},
    ...     {"time": 3, "actor": "cy", "action": "reply", "target": "ann"},
    ...     {"time": 4, "actor": "ann", "action": "like", "target": "ann"},
    ... ])
    >>> found = audiences(ev)
    >>> found.size()[found.users.index("ann")], found.matrix.nnz
    (np.int64(2), 2)
    """
    if not isinstance(events, Events):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    days = _validate.number("audiences", "window_days", window_days, low=0.0, low_open=True)
    window, t, picked, trust = engaged_rows(
        "audiences", events, as_of, days, topic, hashtags, scorer, trust
    )
    mask = np.zeros(len(window), dtype=bool)
    mask[picked] = True
    matrix = incidence(window, mask, trust)
    return Audiences(window.users, matrix, t, days, None if topic is None else topic.strip())


def engaged_rows(
    owner: str,
    events: Events,
    as_of: Any,
    days: float,
    topic: str | None,
    hashtags: bool,
    scorer: Scorer | None,
    trust: NDArray[np.float64] | None,
) -> tuple[Events, float, NDArray[np.intp], NDArray[np.float64]]:
    """The window, its time, the engagement received in its last *days* (about *topic*)
    and every event's trust (the scorer's discounts unless given): what audiences and
    the forecast read."""
    when = events.end if as_of is None else to_epoch(as_of)
    window = events.until(when).compact() if when is not None else events
    t = 0.0 if when is None else float(when)
    rows = received_engagement(window, t, days)
    if topic is not None:
        rows &= on_topic(window, topic, hashtags=hashtags)
    picked = np.flatnonzero(rows)
    if trust is None:
        judge = Scorer() if scorer is None else scorer
        trust = judge.trust(window, t) if picked.size else np.ones(len(window))
    elif np.shape(trust) != (len(window),):
        raise ValueError(
            f"The 'trust' parameter of {owner} must hold one weight per event of the window "
            f"({len(window)}). Got shape {np.shape(trust)}."
        )
    return window, t, picked, np.asarray(trust, dtype=np.float64)


def incidence(events: Events, mask: NDArray[np.bool_], weight: NDArray[np.float64]) -> Any:
    """The ``n x n`` CSR matrix, accounts by people, of the largest *weight* (clipped to
    ``[0, 1]``) per ``(target, actor)`` pair of the rows of *mask*.

    The rows in the table's pair order (:func:`influence.pairs.rows_in_pair_order`: the
    sort its scoring made, or one of the selection), the maximum per pair with
    ``np.maximum.reduceat``, whatever the order of the rows, and one transposition to
    put the accounts in rows.
    """
    order = rows_in_pair_order(events, mask)
    first = starts(order.key)[1]
    best = np.asarray(weight, dtype=np.float64)[order.rows]
    best = np.maximum.reduceat(best, first) if first.size else np.zeros(0)
    return by_account(order.key[first], events.n_users, unit(best))[0]
