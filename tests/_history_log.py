"""A generated log longer than the house scorer's lookback, for the history tests."""

from __future__ import annotations

import numpy as np

from influence import Events

DAY = 86_400
T0 = 1_700_000_000


def long_log(days: int = 400, n: int = 4_000, users: int = 120, seed: int = 0) -> Events:
    """Posts with replies, shares and likes over *days* days (longer than the house
    scorer's 180-day lookback, so that old events fall out of each date's window),
    with a quiet month in the middle (dates whose window holds the same rows)."""
    rng = np.random.default_rng(seed)
    n_posts = n // 5
    post_time = np.sort(rng.integers(0, days * DAY, n_posts)).astype(np.float64)
    quiet = (post_time > 200 * DAY) & (post_time < 230 * DAY)
    post_time[quiet] -= 40 * DAY
    post_time.sort()
    author = (rng.pareto(1.2, n_posts) * 5).astype(np.int64) % users
    n_eng = n - n_posts
    parent = rng.integers(0, n_posts, n_eng)
    actor = rng.integers(0, users, n_eng)
    eng_time = post_time[parent] + rng.exponential(6 * 3600.0, n_eng).round()
    action = rng.choice(np.array([1, 2, 3], dtype=np.int8), n_eng)
    return Events.from_arrays(
        time=T0 + np.concatenate([post_time, eng_time]),
        actor=np.concatenate([author, actor]),
        action=np.concatenate([np.zeros(n_posts, dtype=np.int8), action]),
        target=np.concatenate([np.full(n_posts, np.nan), author[parent].astype(np.float64)]),
        post=np.concatenate([np.arange(n_posts, dtype=np.float64), np.full(n_eng, np.nan)]),
        parent=np.concatenate([np.full(n_posts, np.nan), parent.astype(np.float64)]),
    )
