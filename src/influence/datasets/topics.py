r"""Topics in the generated world: interests, the topics of posts, and the truth per topic.

With ``synthetic(topics=K)`` every ordinary user (ring members included) has interests: one
to three of the :math:`K` topics (one plus a Poisson number of mean 0.7 more, at most three),
drawn by popularity (topic :math:`k` in proportion to :math:`1/(k+1)`), with shares drawn
from a flat Dirichlet. Each of their posts is about one topic, drawn by those shares. An
engager :math:`v` is drawn for a post about :math:`T` in proportion to
:math:`a_v\,(\varepsilon + [T \in I_v])`, their activity times their interest
(:math:`\varepsilon` = :data:`STRAY`: people mostly engage with what they are interested in).

The truth per topic is the expected number of distinct genuine engagers per day of a
user's posts about :math:`T` in the future window: with :math:`r_u` the user's posting
rate, :math:`s_{uT}` their share of posts about :math:`T`, :math:`m_u` the engagements per
post and :math:`p_{Tv}` engager :math:`v`'s share of the engagement with posts about
:math:`T`,

.. math::

    \mathrm{truth}_T(u) = \frac{1}{F} \sum_{v \ne u} 1 - e^{-r_u s_{uT} H(m_u p_{Tv})},
    \qquad
    \mathrm{truth}(u) = \frac{1}{F} \sum_{v \ne u} 1 - e^{-\sum_T r_u s_{uT} H(m_u p_{Tv})}

summed over genuine engagers (posts about each topic are independent Poisson processes;
:math:`H` is :func:`~influence.datasets.truth._landing_table`'s integral, :math:`F` the
future window in days).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY

#: Topic names of the generated world, most popular first (``synthetic(topics=K)`` uses
#: the first *K*).
TOPIC_NAMES: Final = (
    "news", "music", "sport", "food", "travel", "tech", "film", "games",
    "science", "books", "fashion", "health", "art", "finance", "politics", "pets",
    "cars", "garden", "history", "comedy", "space", "design", "crafts", "chess",
)  # fmt: skip

#: The weight of an engager for a post about a topic outside their interests (1 inside).
STRAY: Final = 0.1


def _interests(rng: np.random.Generator, n: int, k: int) -> NDArray[np.float64]:
    """Each user's share of posts per topic (rows sum to 1; zero outside their interests)."""
    popularity = 1.0 / np.arange(1, k + 1)
    count = np.minimum(1 + rng.poisson(0.7, n), min(3, k))
    keys = rng.random((n, k)) ** (1.0 / popularity)  # weighted sampling without replacement
    ranked = np.argsort(-keys, axis=1, kind="stable")
    chosen = np.arange(k)[None, :] < count[:, None]
    shares = np.zeros((n, k))
    weights = rng.gamma(1.0, 1.0, (n, k)) * chosen
    np.put_along_axis(shares, ranked, weights / weights.sum(axis=1, keepdims=True), axis=1)
    return shares


def _post_topics(
    rng: np.random.Generator, shares: NDArray[np.float64], author: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The topic of each post, drawn by its author's shares."""
    cumulative = np.cumsum(shares[author], axis=1)
    draw = rng.random(author.size)[:, None] * cumulative[:, -1:]
    chosen = np.minimum((cumulative <= draw).sum(axis=1), shares.shape[1] - 1)
    return np.asarray(chosen, dtype=np.int64)


def _affinity(activity: NDArray[np.float64], shares: NDArray[np.float64]) -> NDArray[np.float64]:
    """Engager weights per topic (a column each): activity times interest."""
    return np.asarray(activity[:, None] * (STRAY + (shares > 0)), dtype=np.float64)


def _landing(x: NDArray[np.float64], table: tuple[NDArray[np.float64], ...]) -> NDArray[np.float64]:
    """:math:`H(x)` read from the log-log table, linear below its first node, 0 at 0."""
    log_x, log_h = table
    lx = np.log(np.maximum(x, 1e-300))
    below = lx < log_x[0]
    lh = np.where(below, lx + (log_h[0] - log_x[0]), np.interp(lx, log_x, log_h))
    return np.asarray(np.where(x > 0, np.exp(lh), 0.0), dtype=np.float64)


def _topic_truth(
    rate: NDArray[np.float64],
    mean: NDArray[np.float64],
    shares: NDArray[np.float64],
    affinity: NDArray[np.float64],
    genuine: NDArray[np.bool_],
    table: tuple[NDArray[np.float64], ...],
    future_days: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per genuine ordinary user: the overall truth and the truth per topic (a column each),
    in distinct genuine engagers per day over the future window."""
    k = shares.shape[1]
    p = affinity / affinity.sum(axis=0, keepdims=True)  # engager shares per topic
    posters = np.flatnonzero(genuine)
    engagers = np.flatnonzero(genuine)
    overall = np.zeros(posters.size)
    by_topic = np.zeros((posters.size, k))
    step = max(1, 2_000_000 // max(engagers.size * k, 1))
    for start in range(0, posters.size, step):  # chunks of posters: bounded memory
        u = posters[start : start + step]
        x = mean[u, None, None] * p[None, engagers, :]  # poster x engager x topic
        exponent = (rate[u] / DAY)[:, None, None] * shares[u, None, :] * _landing(x, table)
        exponent[u[:, None] == engagers[None, :]] = 0.0  # no self-engagement
        by_topic[start : start + step] = -np.expm1(-exponent).sum(axis=1)
        overall[start : start + step] = -np.expm1(-exponent.sum(axis=2)).sum(axis=1)
    return overall / future_days + 0.0, by_topic / future_days + 0.0  # no -0.0
