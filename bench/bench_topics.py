"""Benchmark: topic scores for 20 topics against one overall scoring, in the same run.

Builds a heavy-tailed random log (Zipf-like authors, posts with parents, times over 60
days) whose posts carry one topic each (Zipf-like over the topics; a fifth carry a second
one), engagement inheriting its post's topics. Times, each cold (the table's memo
cleared first), the default ``Scorer().score`` (the baseline), topic membership
(``topic_index``) and ``Scorer().score_topics`` over every topic, and prints the ratio
of each to the baseline. The target: 20 topics cost at most about 1.5 overall scorings.

Usage: ``python bench/bench_topics.py [--events N] [--topics K]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from influence import Events, Scorer
from influence.events.topics import topic_index


def best_of(repeat: int, events: Events, func: Callable[[], object]) -> float:
    """Best time of *repeat* cold runs (the table's memo cleared before each)."""
    times = []
    for _ in range(repeat):
        events.memo.clear()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def topical_log(n: int, users: int, topics: int, seed: int = 0) -> Events:
    rng = np.random.default_rng(seed)
    n_posts = n // 5
    author = (rng.pareto(1.2, n_posts) * 10).astype(np.int64) % users
    post_time = np.sort(rng.integers(0, 60 * 86_400, n_posts)).astype(np.float64)
    n_eng = n - n_posts
    parent = rng.integers(0, n_posts, n_eng)
    actor = rng.integers(0, users, n_eng)
    eng_time = post_time[parent] + rng.exponential(6 * 3600.0, n_eng).round()
    action = rng.choice(np.array([1, 2, 3, 4], dtype=np.int8), n_eng, p=[0.15, 0.2, 0.6, 0.05])
    names = np.array([f"topic{k:02d}" for k in range(topics)], dtype=object)
    weight = 1.0 / np.arange(1, topics + 1)
    first = rng.choice(topics, n_posts, p=weight / weight.sum())
    second = rng.integers(0, topics, n_posts)
    both = rng.random(n_posts) < 0.2
    tags = np.where(both, names[first] + "," + names[second], names[first])
    return Events.from_arrays(
        time=np.concatenate([post_time, eng_time]),
        actor=np.concatenate([author, actor]),
        action=np.concatenate([np.zeros(n_posts, dtype=np.int8), action]),
        target=np.concatenate([np.full(n_posts, np.nan), author[parent].astype(np.float64)]),
        post=np.concatenate([np.arange(n_posts, dtype=np.float64), np.full(n_eng, np.nan)]),
        parent=np.concatenate([np.full(n_posts, np.nan), parent.astype(np.float64)]),
        topics=np.concatenate([tags, np.full(n_eng, None, dtype=object)]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    events = topical_log(args.events, args.users, args.topics)
    scorer = Scorer()
    overall = best_of(args.repeat, events, lambda: scorer.score(events))
    index = best_of(args.repeat, events, lambda: topic_index(events))
    by_topic = best_of(args.repeat, events, lambda: scorer.score_topics(events))
    sizes = np.diff(topic_index(events).starts)
    print(
        f"{len(events):,} events, {events.n_users:,} users, {sizes.size} topics "
        f"({sizes.sum() / len(events):.2f} topic memberships per event)"
    )
    print(f"Scorer().score (baseline)      {overall:7.2f} s   1.00")
    print(f"topic_index (membership)       {index:7.2f} s   {index / overall:.2f}")
    print(f"Scorer().score_topics (all)    {by_topic:7.2f} s   {by_topic / overall:.2f}")


if __name__ == "__main__":
    main()
