"""Action vocabulary: canonical names, integer codes and accepted synonyms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np

#: Canonical actions, in code order. The code of an action is its position here.
ACTIONS: Final[tuple[str, ...]] = ("post", "reply", "share", "like", "mention", "follow")

POST: Final = 0
REPLY: Final = 1
SHARE: Final = 2
LIKE: Final = 3
MENTION: Final = 4
FOLLOW: Final = 5

#: Accepted spellings (lower case) mapped to canonical action names.
SYNONYMS: Final[dict[str, str]] = {
    **{name: name for name in ACTIONS},
    "retweet": "share",
    "repost": "share",
    "quote": "share",
    "comment": "reply",
    "favorite": "like",
    "favourite": "like",
    "reaction": "like",
}

CODES: Final[dict[str, int]] = {
    spelling: ACTIONS.index(name) for spelling, name in SYNONYMS.items()
}

#: Actions that are directed at another user (all but ``post``).
INTERACTIONS: Final[frozenset[int]] = frozenset({REPLY, SHARE, LIKE, MENTION, FOLLOW})

#: Actions whose target may be resolved from the author of their ``parent`` post.
RESOLVABLE: Final[frozenset[int]] = frozenset({REPLY, SHARE, LIKE, MENTION})

#: Actions that may create a post id of their own (``post`` must, these may).
CREATES_POST: Final[frozenset[int]] = frozenset({POST, REPLY, SHARE})

#: Engagement actions: what other people do with a user's content.
ENGAGEMENTS: Final[frozenset[int]] = frozenset({REPLY, SHARE, LIKE, MENTION})

ALLOWED_TEXT: Final[str] = (
    ", ".join(ACTIONS)
    + " (synonyms: "
    + ", ".join(f"{k}->{v}" for k, v in SYNONYMS.items() if k != v)
    + ")"
)


def code_of(value: object) -> int | None:
    """Return the action code of a spelling or code, or ``None`` when unknown."""
    if isinstance(value, str):
        return CODES.get(value.strip().lower())
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value) if 0 <= int(value) < len(ACTIONS) else None
    return None


def renamed(mapping: object, owner: str) -> dict[str, int]:
    """A log's own action values -> action codes, checked: ``{"RT": "share"}`` reads ``RT``
    as a share.

    Keys are matched as :func:`code_of` matches spellings (spaces around them dropped,
    case ignored) and take precedence over the vocabulary; each value must be an action
    or a synonym. *owner* names the function in errors. ``None`` maps nothing.

    Examples
    --------
    >>> renamed({"RT": "share", "MT": "mention", "RE": "reply"}, "read_csv")
    {'rt': 2, 'mt': 4, 're': 1}
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise TypeError(
            f"The 'actions' parameter of {owner} must map the log's action values to actions "
            f"(e.g. {{'RT': 'share'}}); got {type(mapping).__name__} {mapping!r}"
        )
    out: dict[str, int] = {}
    for raw, action in mapping.items():
        code = code_of(action) if isinstance(action, str) else None
        if not isinstance(raw, str) or not raw.strip() or code is None:
            raise ValueError(
                f"The 'actions' parameter of {owner} must map non-empty text values to "
                f"actions; got {raw!r} -> {action!r}; allowed actions: {ALLOWED_TEXT}"
            )
        key = raw.strip().lower()
        if out.get(key, code) != code:
            raise ValueError(
                f"The 'actions' parameter of {owner} maps {raw!r} twice (values are matched "
                f"whatever their case), to two actions"
            )
        out[key] = code
    return out


def mask_of(codes: frozenset[int]) -> np.ndarray:
    """Boolean lookup table over action codes, for ``table[events.action]``."""
    table = np.zeros(len(ACTIONS), dtype=bool)
    table[list(codes)] = True
    return table
