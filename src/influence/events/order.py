"""The canonical order of an event table's rows, which depends only on their contents.

:func:`canonical` orders rows by time, action, actor and target (then the rest), so that
any permutation of the input gives the same table: one sort of a packed int64 key, none
when the rows come in that order already.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["canonical"]


def canonical(
    time: NDArray[np.float64],
    action: NDArray[np.int8],
    actor: NDArray[np.int32],
    target: NDArray[np.int32],
    rest: list[np.ndarray],
    *,
    n_users: int,
) -> tuple[
    NDArray[np.float64], NDArray[np.int8], NDArray[np.int32], NDArray[np.int32], list[np.ndarray]
]:
    """Reorder rows into the canonical order: time, action, actor, target, then the rest.

    The order depends only on the rows' contents, so any permutation of the
    input yields the same table. Cost: one check that time is sorted (free for
    logs, which usually are), at most one ``argsort`` of time (none for whole
    seconds), and one argsort of a packed int64 key of (time rank, action, actor,
    target), none when that key is sorted already; with too many users and
    distinct times for one key, one such argsort per block of times that packs
    (:func:`_by_blocks`). Rows equal in all of those are ordered by the remaining
    columns with a ``lexsort`` over just those rows.
    """
    n = time.shape[0]
    if n == 0:
        return time, action, actor, target, rest
    order: NDArray[np.intp] | None = None
    group: NDArray[np.int64] | None = None
    ubits = max(int(n_users + 1).bit_length(), 1)
    sorted_time = bool(np.all(time[1:] >= time[:-1]))
    if not sorted_time:
        # Whole-second times over a span that fits the key need no sort of their
        # own: the offset from the earliest time is the time's rank, in order.
        low, span = float(time.min()), float(time.max() - time.min())
        if int(span).bit_length() + 3 + 2 * ubits <= 63 and bool(
            np.array_equal(time, np.floor(time))
        ):
            group = (time - low).astype(np.int64)
        else:
            order = np.argsort(time)  # ties are settled by the packed key below
            time = time[order]
    if group is None:
        group = _ranks(time, ubits)
    top = group[-1] if order is not None or sorted_time else group.max()  # ranks: ascending
    gbits = max(int(top).bit_length(), 1)
    a = action if order is None else action[order]
    s = actor if order is None else actor[order]
    t = target if order is None else target[order]
    second: NDArray[np.intp] | None
    if gbits + 3 + 2 * ubits <= 63:
        key = _packed(group, a, s, t, ubits)
        # adaptive: logs come nearly sorted, and often sorted already (no reordering then)
        second = None if bool(np.all(key[1:] >= key[:-1])) else np.argsort(key, kind="stable")
    elif 3 + 2 * ubits < 63:  # too many users and distinct times to pack in one key
        second = _by_blocks(group, a, s, t, ubits)
        key = None
    else:  # too many users to pack even without time: order only the rows that tie on time
        second = np.arange(n)
        tie = np.zeros(n, dtype=bool)
        same_time = group[1:] == group[:-1]
        tie[1:] |= same_time
        tie[:-1] |= same_time
        idx = np.flatnonzero(tie)
        if idx.size:
            second[idx] = idx[np.lexsort((t[idx], s[idx], a[idx], group[idx]))]
        key = None
    if second is None:
        final = order
    else:
        final = second if order is None else order[second]
        time = time[second]
        a, s, t = a[second], s[second], t[second]
        if key is not None:
            key = key[second]
        else:
            group = group[second]
    rest = [r if _constant(r) else (r.copy() if final is None else r[final]) for r in rest]
    rest_varies = [r for r in rest if not _constant(r)]
    if rest_varies:
        if key is not None:
            same = key[1:] == key[:-1]
        else:
            same = (
                (group[1:] == group[:-1])
                & (a[1:] == a[:-1])
                & (s[1:] == s[:-1])
                & (t[1:] == t[:-1])
            )
        if same.any():
            tied = np.zeros(n, dtype=bool)
            tied[1:] |= same
            tied[:-1] |= same
            idx = np.flatnonzero(tied)
            run = np.concatenate(([0], np.cumsum(~same[idx[:-1]] | (np.diff(idx) != 1))))
            sub = np.lexsort((*(r[idx] for r in reversed(rest_varies)), run))
            for r in rest_varies:
                r[idx] = r[idx[sub]]
    return time, a, s, t, rest


def _ranks(time: NDArray[np.float64], ubits: int) -> NDArray[np.int64]:
    """Per row of sorted *time*, a number that orders the distinct times as they stand.

    Whole seconds over a span that fits the packed key are their offset from the first
    (no pass of their own); other times are ranked by a running count of changes.
    """
    whole = time.astype(np.int64)  # times are in range (years 1 to 9999): no overflow
    span = int(whole[-1] - whole[0])
    if span.bit_length() + 3 + 2 * ubits <= 63 and bool(np.all(whole == time)):
        whole -= whole[0]
        return whole
    group = np.empty(time.shape[0], dtype=np.int64)
    group[0] = 0
    np.cumsum(time[1:] != time[:-1], dtype=np.int64, out=group[1:])
    return group


def _packed(
    group: NDArray[np.int64],
    action: NDArray[np.int8],
    actor: NDArray[np.int32],
    target: NDArray[np.int32],
    ubits: int,
) -> NDArray[np.int64]:
    """The key (group, action, actor, target + 1) packed in one int64, built in *group*."""
    key = group
    key <<= 3 + 2 * ubits
    part = action.astype(np.int64)
    part <<= 2 * ubits
    key |= part
    np.left_shift(actor, ubits, out=part, dtype=np.int64)
    key |= part
    np.add(target, 1, out=part, dtype=np.int64)
    key |= part
    return key


def _by_blocks(
    group: NDArray[np.int64],
    action: NDArray[np.int8],
    actor: NDArray[np.int32],
    target: NDArray[np.int32],
    ubits: int,
) -> NDArray[np.intp]:
    """The stable order by (group, action, actor, target) of rows whose *group* ascends,
    when the four do not pack into one int64: the rows in blocks of consecutive groups
    narrow enough to pack with the rest (``2**(60 - 2 * ubits)`` groups each), each block
    sorted by its packed key (a stable argsort, fast on the nearly sorted keys of logs),
    and the blocks kept in order. The same order as a ``lexsort`` of the four, several
    times faster: one Python step per block, not per row."""
    shift = 60 - 2 * ubits
    offset = group - group[0]
    block = offset >> shift
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1], True])
    order = np.empty(group.shape[0], dtype=np.intp)
    for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist()):  # blocks, not rows
        key = _packed(
            offset[lo:hi] & ((1 << shift) - 1), action[lo:hi], actor[lo:hi], target[lo:hi], ubits
        )
        ascending = bool(np.all(key[1:] >= key[:-1]))
        order[lo:hi] = np.arange(lo, hi) if ascending else lo + np.argsort(key, kind="stable")
    return order


def _constant(values: np.ndarray) -> bool:
    return values.size == 0 or bool(values.min() == values.max())
