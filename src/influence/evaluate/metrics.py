"""Metrics of a ranking against what users then received: Spearman, NDCG@k, precision@k.

Pure functions on two float arrays (:func:`spearman`, :func:`ndcg_at_k`,
:func:`precision_at_k`), tie-aware, and the parser of the metric names the
reports take (``"spearman"``, ``"ndcg@K"``, ``"precision@K"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence import _validate
from influence.evaluate import bootstrap as _bootstrap

__all__ = ["ndcg_at_k", "precision_at_k", "spearman"]

FloatArray = NDArray[np.float64]


def _pair(owner: str, score: ArrayLike, truth: ArrayLike) -> tuple[FloatArray, FloatArray]:
    s = np.asarray(score, dtype=np.float64)
    t = np.asarray(truth, dtype=np.float64)
    if s.ndim != 1 or s.shape != t.shape:
        raise ValueError(
            f"{owner} needs two 1-D arrays of the same length; got shapes {s.shape} and {t.shape}"
        )
    if not (np.isfinite(s).all() and np.isfinite(t).all()):
        raise ValueError(f"{owner} needs finite values (no NaN or infinity)")
    return s, t


def _ranked(values: FloatArray, k: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The users who can reach the top *k* (``k >= 1``), best first, and where tie groups start.

    They are the users at or above the *k*-th largest value: a partition finds
    it, only the users strictly above it are sorted, and the whole tie group at
    it (which may run past the *k*-th place) follows, unsorted. The second array
    holds the positions, in the first, where a run of equal values begins.
    """
    if k >= values.size:
        users = _bootstrap.best_first(values)
    else:
        negated = -values
        kth = np.partition(negated, k - 1)[k - 1]
        above = np.flatnonzero(negated < kth)
        users = np.concatenate(
            [above[np.argsort(negated[above], kind="stable")], np.flatnonzero(negated == kth)]
        )
    ordered = values[users]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return users, starts


def _top_chances(values: FloatArray, k: int) -> tuple[NDArray[np.intp], FloatArray]:
    """The users who can be in the top *k*, and the chance each is, over random tie-breaks.

    1 for users strictly inside; for the tie group straddling the *k*-th place,
    the places it has left over its size.
    """
    users, starts = _ranked(values, k)
    sizes = np.diff(np.r_[starts, users.size])
    inside = np.minimum(sizes, k - starts)  # every group starts before the k-th place
    return users, np.repeat(inside / sizes, sizes)


def _largest(values: FloatArray, k: int) -> FloatArray:
    """The *k* largest values, in no particular order (one partition, no full sort)."""
    return values if k >= values.size else np.partition(values, values.size - k)[-k:]


def spearman(score: ArrayLike, truth: ArrayLike) -> float:
    """Spearman's rank correlation between scores and what users then received.

    The Pearson correlation of the two arrays' ranks, tied values sharing
    their average rank (the usual tie correction).

    Parameters
    ----------
    score, truth : array-like of float, shape (n,)
        Finite values, one per user, in the same order.

    Returns
    -------
    float
        In ``[-1, 1]``; ``nan`` when it is undefined: fewer than two users, or
        either array constant (for example nobody received anything).

    Examples
    --------
    >>> from influence.evaluate import spearman
    >>> spearman([3.0, 2.0, 1.0], [30, 20, 10]), spearman([3.0, 2.0, 1.0], [1, 2, 3])
    (1.0, -1.0)
    >>> spearman([1.0, 2.0, 3.0], [0, 0, 0])
    nan
    """
    from scipy.stats import rankdata  # here, not at the top: scipy.stats takes long to import

    s, t = _pair("spearman", score, truth)
    if s.size < 2:
        return math.nan
    rs = np.asarray(rankdata(s), dtype=np.float64)
    rt = np.asarray(rankdata(t), dtype=np.float64)
    rs -= rs.mean()
    rt -= rt.mean()
    denominator = math.sqrt(float(rs @ rs) * float(rt @ rt))
    if denominator == 0.0:
        return math.nan
    return float(np.clip(float(rs @ rt) / denominator, -1.0, 1.0))


def ndcg_at_k(score: ArrayLike, truth: ArrayLike, k: int) -> float:
    r"""Normalised discounted cumulative gain of the top *k* by score, ties averaged.

    .. math::

        \mathrm{DCG@}k = \sum_{r=1}^{k} \frac{\bar g_{(r)}}{\log_2(r + 1)}, \qquad
        \mathrm{NDCG@}k = \frac{\mathrm{DCG@}k}{\mathrm{IDCG@}k}

    where :math:`\bar g_{(r)}` is the mean truth (the gain, used linearly:
    engagement counts are heavy-tailed, so ``2**g - 1`` would overflow) of the
    users whose score ties with that of the user ranked :math:`r`-th, and IDCG
    the same sum with users in order of truth (where ties do not matter: tied
    users have equal gains). Equivalently, each member of a group of tied
    scores at ranks :math:`p..q` gets the average discount of those ranks,
    ranks beyond *k* counting 0:
    :math:`\frac{1}{q - p + 1}\sum_{r=p}^{\min(q, k)} 1/\log_2(r + 1)`.
    That is the exact expected DCG when tied users are put in a uniformly
    random order [1]_, so the result does not depend on the order of users:
    any permutation applied to both arrays leaves it unchanged.

    Parameters
    ----------
    score, truth : array-like of float, shape (n,)
        Finite values; *truth* must be non-negative.
    k : int
        Positive; when larger than ``n`` all users are ranked.

    Returns
    -------
    float
        In ``[0, 1]``; ``nan`` when nobody has positive truth (IDCG is 0) or
        the arrays are empty.

    References
    ----------
    .. [1] F. McSherry and M. Najork, "Computing information retrieval
       performance measures efficiently in the presence of tied scores",
       ECIR 2008, LNCS 4956, pp. 414-421. doi:10.1007/978-3-540-78646-7_38

    Examples
    --------
    >>> from influence.evaluate import ndcg_at_k
    >>> ndcg_at_k([3.0, 2.0, 1.0], [5, 1, 0], k=2)
    1.0
    >>> round(ndcg_at_k([1.0, 2.0, 3.0], [5, 1, 0], k=2), 4)  # (0 + 1/log2(3)) / (5 + 1/log2(3))
    0.112

    Two users tie for the one place: each is first half the time.

    >>> ndcg_at_k([1.0, 1.0], [0, 5], k=1), ndcg_at_k([1.0, 1.0], [5, 0], k=1)
    (0.5, 0.5)
    """
    s, t = _pair("ndcg_at_k", score, truth)
    k = _validate.integer("ndcg_at_k", "k", k, low=1)
    if (t < 0).any():
        raise ValueError("ndcg_at_k needs non-negative truth (gains)")
    k = min(k, s.size)
    if k == 0:
        return math.nan
    discount = _bootstrap.discount(k)
    ideal = float(-np.sort(-_largest(t, k)) @ discount)
    if ideal == 0.0:
        return math.nan
    users, starts = _ranked(s, k)
    sizes = np.diff(np.r_[starts, users.size])
    means = np.add.reduceat(t[users], starts) / sizes  # each tie group's mean gain
    ranks = np.minimum(sizes, k - starts)  # how many of the top k ranks each group holds
    found = float(np.repeat(means, ranks) @ discount)
    return min(found / ideal, 1.0)  # above 1 only by rounding


def precision_at_k(score: ArrayLike, truth: ArrayLike, k: int) -> float:
    r"""Share of the top *k* by score that are also in the top *k* by truth, ties averaged.

    Users tied on the value at the *k*-th place, by score or by truth, are
    not all in: the top *k* then depends on how the tie is broken. The
    result is the exact expectation when each tie is broken uniformly at
    random, independently by score and by truth [1]_:

    .. math::

        \mathrm{precision@}k = \frac{1}{k} \sum_u P_s(u)\, P_t(u)

    where :math:`P_s(u)` is the chance that user :math:`u` is in the top *k*
    by score: 1 strictly inside it, :math:`\ell / m` for each of the
    :math:`m` users tied on the score at the *k*-th place when :math:`\ell`
    places are left for them, 0 below; :math:`P_t(u)` likewise by truth. When
    fewer than *k* users have positive truth, the users who received nothing
    share the places left. The result does not depend on the order of users:
    any permutation applied to both arrays leaves it unchanged.

    Parameters
    ----------
    score, truth : array-like of float, shape (n,)
        Finite values.
    k : int
        Positive; when larger than ``n`` it is ``n`` (and the result is 1).

    Returns
    -------
    float
        In ``[0, 1]``; ``nan`` when the arrays are empty or every truth value
        is zero (there is no top to find).

    References
    ----------
    .. [1] F. McSherry and M. Najork, "Computing information retrieval
       performance measures efficiently in the presence of tied scores",
       ECIR 2008, LNCS 4956, pp. 414-421. doi:10.1007/978-3-540-78646-7_38

    Examples
    --------
    >>> from influence.evaluate import precision_at_k
    >>> precision_at_k([4.0, 3.0, 2.0, 1.0], [0, 9, 8, 1], k=2)
    0.5
    >>> round(precision_at_k([1.0, 1.0, 1.0], [0, 0, 5], k=1), 4)  # the receiver is first 1 in 3
    0.3333

    Only user 0 received anything; the second place by truth goes to one of
    the three others, so the second by score is in it one time in three,
    whichever user that is:

    >>> round(precision_at_k([9, 1, 0, 0], [5, 0, 0, 0], k=2), 4)  # (1 + 1/3) / 2
    0.6667
    >>> round(precision_at_k([9, 0, 1, 0], [5, 0, 0, 0], k=2), 4)
    0.6667
    """
    s, t = _pair("precision_at_k", score, truth)
    k = _validate.integer("precision_at_k", "k", k, low=1)
    k = min(k, s.size)
    if k == 0 or not t.any():
        return math.nan
    by_score, p_score = _top_chances(s, k)
    by_truth, p_truth = _top_chances(t, k)
    chance = np.zeros(t.size)
    chance[by_truth] = p_truth
    return float(p_score @ chance[by_score]) / k


def _parse_metric(name: str, owner: str = "predictive_validity") -> tuple[str, int]:
    """``("spearman", 0)``, ``("ndcg", K)`` or ``("precision", K)``, or an error naming *owner*."""
    if name == "spearman":
        return name, 0
    head, sep, tail = name.partition("@")
    if sep and head in ("ndcg", "precision") and tail.isdigit() and int(tail) > 0:
        return head, int(tail)
    raise ValueError(
        f"The 'metrics' parameter of {owner} must name metrics among "
        f"'spearman', 'ndcg@K' and 'precision@K' (K a positive integer). Got {name!r}."
    )


def _metric(
    name: str, owner: str = "predictive_validity"
) -> Callable[[FloatArray, FloatArray], float]:
    kind, k = _parse_metric(name, owner)
    if kind == "spearman":
        return spearman
    if kind == "ndcg":
        return lambda s, t: ndcg_at_k(s, t, k)
    return lambda s, t: precision_at_k(s, t, k)


def _metrics(
    value: Any, owner: str = "predictive_validity"
) -> dict[str, Callable[[FloatArray, FloatArray], float]]:
    names = [value] if isinstance(value, str) else list(value)
    if not names:
        raise ValueError(f"The 'metrics' parameter of {owner} must name a metric.")
    return {name: _metric(name, owner) for name in names}


def _rank_metrics(
    metrics: Iterable[str], owner: str
) -> dict[str, Callable[[FloatArray, FloatArray], float]]:
    measures = _metrics(metrics, owner)
    scaled = [name for name in measures if name.startswith("ndcg@")]
    if scaled:
        raise ValueError(
            f"The 'metrics' parameter of {owner} must name rank metrics, 'spearman' or "
            f"'precision@K': NDCG would read the next cut-off's values as gains, which depend "
            f"on each method's scale. Got {scaled}."
        )
    return measures
