"""A generated log with what real logs hold and tidy ones do not (shared by the tests of
history windows and of incremental updates)."""

from __future__ import annotations

from typing import Any

import numpy as np

from influence import Events

DAY = 86_400
T0 = 1_700_000_000


def mixed_log(seed: int, n: int = 1_500, days: int = 300, trust: bool = False) -> Events:
    """Text ids that sort apart from their first appearance, posts, texts, topics,
    platforms, self-interactions and exact duplicate rows, over more days than the house
    scorer's lookback (so that windows drop their oldest rows)."""
    rng = np.random.default_rng(seed)
    users = np.array([f"u{k:03d}" for k in rng.permutation(90)], dtype=object)
    time = T0 + np.sort(rng.integers(0, days * DAY, n)).astype(np.float64)
    time[rng.random(n) < 0.1] = T0  # ties at the start
    time.sort()
    actor = users[(rng.pareto(1.3, n) * 6).astype(np.int64) % users.size]
    target = np.array([users[k] for k in rng.integers(0, users.size, n)], dtype=object)
    action = rng.choice(["post", "reply", "share", "like", "mention"], n)
    target[action == "post"] = None
    selfish = rng.random(n) < 0.03
    target[selfish & (action != "post")] = actor[selfish & (action != "post")]
    post = np.array(
        [
            f"p{k}" if a in ("post", "reply", "share") else None
            for k, a in zip(rng.permutation(n), action)
        ],
        dtype=object,
    )
    # Answers name a recent post (rows are in time order), a few any post at all: one
    # made long before (beyond the lookback) or after.
    parent = np.array([None] * n, dtype=object)
    posted = np.flatnonzero(post != None)  # noqa: E711
    answers = np.flatnonzero(action != "post")
    recent = np.searchsorted(posted, answers) - 1 - rng.integers(0, 15, answers.size)
    anywhere = rng.integers(0, posted.size, answers.size)
    chosen = np.where(rng.random(answers.size) < 0.01, anywhere, np.maximum(recent, 0))
    parent[answers] = post[posted[chosen]]
    text = np.array(
        [["hi", "https://x.y", None, "more words"][k] for k in rng.integers(0, 4, n)], dtype=object
    )
    platform = np.array(["a", "b"], dtype=object)[rng.integers(0, 2, n)]
    topics = [[["ai"], ["ai", "ml"], None, ["news"]][k] for k in rng.integers(0, 4, n)]
    columns: dict[str, Any] = dict(
        time=time,
        actor=actor,
        action=action,
        target=target,
        post=post,
        parent=parent,
        text=text,
        platform=platform,
        topics=topics,
    )
    # Exact duplicates: some rows without a post id repeated right after themselves.
    twice = np.flatnonzero((post == None) & (rng.random(n) < 0.05))  # noqa: E711
    order = np.sort(np.concatenate([np.arange(n), twice]))
    repeated = {k: [v[i] for i in order] for k, v in columns.items()}
    events = Events.from_arrays(**repeated, errors="skip")
    if trust:
        events = events.with_trust(np.random.default_rng(seed).random(len(events)))
    return events
