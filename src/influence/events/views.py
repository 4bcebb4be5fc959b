"""Views of an event table's columns: its id spaces compacted, and its rows as records."""

from __future__ import annotations

from typing import Any

import numpy as np

from influence.events import actions as _actions
from influence.events.assemble import Table
from influence.events.ids import index_map, remap, used

__all__ = ["compact_table", "records"]


def compact_table(t: Table) -> Table | None:
    """*t* without the users, posts, texts and topic sets no event mentions, in index
    order (``None`` when every one is mentioned: nothing to drop). The platform names
    (a handful) are kept as they are."""
    users = used(len(t.users), t.actor, t.target)
    posts = used(len(t.posts), t.post, t.parent)
    texts = used(len(t.texts), t.text)
    topics = used(len(t.topic_sets), t.topics)
    if users.all() and posts.all() and texts.all() and topics.all():
        return None
    user_map = np.cumsum(users, dtype=np.int64).astype(np.int32) - 1
    kept_texts, kept_topics = np.flatnonzero(texts).tolist(), np.flatnonzero(topics).tolist()
    return Table(
        time=t.time,
        actor=user_map[t.actor],
        target=remap(t.target, user_map),
        action=t.action,
        post=remap(t.post, index_map(posts)),
        parent=remap(t.parent, index_map(posts)),
        text=remap(t.text, index_map(texts)),
        platform=t.platform,
        topics=remap(t.topics, index_map(topics)),
        users=t.users.take(np.flatnonzero(users)),
        posts=t.posts.take(np.flatnonzero(posts)),
        texts=tuple(t.texts[i] for i in kept_texts),
        platforms=t.platforms,
        topic_sets=tuple(t.topic_sets[i] for i in kept_topics),
        rejected=t.rejected,
    )


def records(t: Table) -> list[dict[str, Any]]:
    """The rows of *t* as plain dicts (original ids, times in epoch seconds), in order."""
    users, posts = t.users.ids.tolist(), t.posts.ids.tolist()
    out: list[dict[str, Any]] = []
    for i in range(len(t.time)):
        record: dict[str, Any] = {
            "time": float(t.time[i]),
            "actor": users[t.actor[i]],
            "action": _actions.ACTIONS[t.action[i]],
        }
        if t.target[i] >= 0:
            record["target"] = users[t.target[i]]
        if t.post[i] >= 0:
            record["post"] = posts[t.post[i]]
        if t.parent[i] >= 0:
            record["parent"] = posts[t.parent[i]]
        if t.text[i] >= 0:
            record["text"] = t.texts[t.text[i]]
        if t.platforms[t.platform[i]] != "default":
            record["platform"] = t.platforms[t.platform[i]]
        if t.topics[i] >= 0:
            record["topics"] = list(t.topic_sets[t.topics[i]])
        out.append(record)
    return out
