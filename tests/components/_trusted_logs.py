"""Random logs with posts, answers to them and trust mostly 1, for the signals' trust paths."""

from __future__ import annotations

import numpy as np

from influence import Events


def trusted_log(seed: int, size: int = 400, users: int = 40) -> Events:
    """A log of *size* events over 40 days: posts, and replies, shares, likes and mentions
    of them or of nobody's post, with trust 1 on all but one event in twenty."""
    rng = np.random.default_rng(seed)
    time = np.sort(rng.uniform(0.0, 40 * 86_400.0, size))
    action = rng.choice(
        np.array([0, 1, 2, 3, 4, 5], dtype=np.int8), size, p=[0.3, 0.15, 0.1, 0.3, 0.1, 0.05]
    )
    actor = rng.integers(0, users, size)
    is_post = action == 0
    post = np.where(is_post, np.cumsum(is_post) - 1.0, np.nan)
    made = np.flatnonzero(is_post)
    parent = np.full(size, np.nan)
    target = rng.integers(0, users, size).astype(np.float64)
    if made.size:
        pick = made[rng.integers(0, made.size, size)]
        answers = ~is_post & (action != 5) & (rng.random(size) < 0.8) & (pick < np.arange(size))
        parent[answers] = post[pick[answers]]
        target[answers] = actor[pick[answers]]  # an answer names the post's author
    target[is_post] = np.nan
    events = Events.from_arrays(
        time=time, actor=actor, action=action, target=target, post=post, parent=parent
    )
    levels = np.array([0.0, 0.3, 0.5, 1.0 - 2.0**-53])[rng.integers(0, 4, len(events))]
    return events.with_trust(np.where(rng.random(len(events)) < 0.05, levels, 1.0))
