"""Engagement entries grouped by pair: runs of packed keys, reductions per pair, matrices.

The forecast (:mod:`influence.campaign.forecast`) reads the engagement entries sorted by
packed ``person * n + account`` int64 keys, then time, and reduces each pair's run of
entries with ``reduceat``; the matrices by account are one transposition of the distinct
pairs. No loop over entries or pairs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from influence._time import DAY
from influence.pairs import stable_order

__all__ = [
    "Groups",
    "by_account",
    "groups",
    "inside",
    "labels_by_score",
    "run_sums",
    "sorted_pairs",
    "starts",
    "unit",
]


class Groups(NamedTuple):
    """Per-pair reductions of the sorted entries inside one time interval."""

    key: NDArray[np.int64]  # the pairs, ascending
    trust: NDArray[np.float64]  # a: the largest trust of the pair's events
    first: NDArray[np.float64]  # the time of its first event
    score: NDArray[np.float64]  # s: recency-weighted distinct days


def inside(
    key: NDArray[np.int64],
    time: NDArray[np.float64],
    trust: NDArray[np.float64],
    low: float,
    high: float,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """The entries with ``low < time <= high`` (the arrays themselves when all are)."""
    kept = (time > low) & (time <= high)
    if bool(np.all(kept)):
        return key, time, trust
    return key[kept], time[kept], trust[kept]


def starts(key: NDArray[Any]) -> tuple[NDArray[np.bool_], NDArray[np.intp]]:
    """Where each run of equal (sorted) keys starts: as a mask, and as positions."""
    new = np.empty(key.size, dtype=bool)
    new[:1] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    return new, np.flatnonzero(new)


def groups(
    key: NDArray[np.int64],
    time: NDArray[np.float64],
    trust: NDArray[np.float64],
    low: float,
    high: float,
    half_life: float,
) -> Groups:
    """Reduce the entries (sorted by pair, then time) with ``low < time <= high``."""
    k, t, w = inside(key, time, trust, low, high)
    if not k.size:
        empty = np.zeros(0)
        return Groups(np.zeros(0, dtype=np.int64), empty, empty, empty)
    new, start = starts(k)
    day = np.floor(t / DAY)
    last = np.empty(k.size, dtype=bool)
    last[-1] = True
    np.not_equal(day[1:], day[:-1], out=last[:-1])
    last[:-1] |= new[1:]
    decay = np.zeros(k.size)
    decay[last] = np.exp2(-(high - t[last]) / (half_life * DAY))
    return Groups(
        key=k[start],
        trust=unit(np.maximum.reduceat(w, start)),
        first=t[start],
        score=np.add.reduceat(decay, start),
    )


def labels_by_score(
    score: NDArray[np.float64], returned: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """The distinct scores ascending, how many pairs have each, and how many returned.

    Two sorts of values (no argsort): of every score, and of the returned pairs', each
    of which is one of the distinct scores (found by one search in sorted order).
    """
    every = np.sort(score)
    first = starts(every)[1]
    thresholds = every[first]
    count = np.diff(first, append=every.size)
    at = np.searchsorted(thresholds, np.sort(score[returned]))
    hits = np.bincount(at, minlength=thresholds.size)
    return thresholds, count, hits.astype(np.float64)


def unit(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """*values* (a fresh array) clipped to ``[0, 1]`` in place."""
    np.minimum(values, 1.0, out=values)
    np.maximum(values, 0.0, out=values)
    return values


def run_sums(values: NDArray[np.float64], start: NDArray[np.intp]) -> NDArray[np.float64]:
    """Sums of the runs of *values* beginning at *start* (added in order)."""
    if not start.size:
        return np.zeros(0)
    return np.asarray(np.add.reduceat(values, start), dtype=np.float64)


def sorted_pairs(
    person: NDArray[np.integer[Any]],
    account: NDArray[np.integer[Any]],
    time: NDArray[np.float64],
    trust: NDArray[np.float64],
    n: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """The entries sorted by packed key ``person * n + account``, then time.

    One stable sort (:func:`influence.pairs.stable_order`): the rows come in time order,
    so each pair's stay in it. :func:`forecast` takes the same order from the table's
    pair order instead (:func:`influence.pairs.rows_in_pair_order`).
    """
    key = person.astype(np.int64) * max(n, 1) + account.astype(np.int64)
    order, ordered = stable_order(key)
    return ordered, np.asarray(time)[order], np.asarray(trust, dtype=np.float64)[order]


def by_account(
    keys: NDArray[np.int64], n: int, first: NDArray[np.float64], second: Any = None
) -> list[Any]:
    """Read-only ``n x n`` CSR matrices, accounts by people, of *first* (and *second*)
    at the sorted, unique packed keys ``person * n + account``.

    Built by person and transposed once (a counting pass, no sort; the indices come out
    sorted within each account), the values moving with their indices: two values
    travel as the real and imaginary parts of one complex number, so that each pair is
    moved once. Indices are int32 when they fit (half the memory traffic).
    """
    width = max(n, 1)
    people, accounts = keys // width, keys % width
    small = max(n, keys.size) < np.iinfo(np.int32).max
    index = np.int32 if small else np.int64
    indptr = np.zeros(n + 1, dtype=index)
    np.cumsum(np.bincount(people, minlength=n), out=indptr[1:])
    data: NDArray[Any] = np.asarray(first, dtype=np.float64)
    if second is not None:
        data = np.empty(keys.size, dtype=np.complex128)
        data.real, data.imag = first, second
    by_person = sp.csr_array((data, accounts.astype(index), indptr), shape=(n, n))
    moved = sp.csr_array(by_person.T)  # CSC of the transpose, converted to CSR
    parts = [moved.data] if second is None else [moved.data.real, moved.data.imag]
    out = []
    for part in parts:
        matrix = sp.csr_array(
            (np.ascontiguousarray(part, dtype=np.float64), moved.indices, moved.indptr),
            shape=(n, n),
        )
        matrix.data.flags.writeable = False
        out.append(matrix)
    return out
