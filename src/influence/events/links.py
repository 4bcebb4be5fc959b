"""Identity links: one person's accounts on several platforms merged into one user.

:func:`link` (and :meth:`Events.link <influence.Events.link>`) takes a mapping from
account ids to person ids and rebuilds the table with each mapped account replaced by its
person: the actor and target columns are recoded, the ids interned again under the one
rule for their type (:func:`influence.events.ids.typed`), and the rows put back in the
canonical order (:func:`influence.events.assemble.canonical`), so that the result equals
the table built at once from the rows with the persons written in. Engagement between one
person's own accounts becomes self-interaction (``actor == target``,
:meth:`Events.is_self <influence.Events.is_self>`), which every component counts for
nothing.

The work is a lookup over the distinct ids (the mapping's accounts against the table's
users, one sort each) and a recoding of the two user columns, then one canonical sort:
linear in events plus the mapping, with no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from influence.events import columns as _columns
from influence.events.assemble import Table
from influence.events.base import EventColumns
from influence.events.ids import IdIndex, intern, remap, text_ids
from influence.events.order import canonical

if TYPE_CHECKING:
    from influence.events.table import Events

__all__ = ["link"]

_OWNER = "Events.link"


def link(events: Events, mapping: Any) -> Events:
    """The events with the accounts of one person merged into one user, the person.

    Parameters
    ----------
    events : Events
    mapping : dict, pandas Series, or a pair of array-likes
        Account id -> person id: a mapping (``{"ann@twitter": "ann"}``), a pandas Series
        indexed by account, or two equally long array-likes ``(accounts, persons)``.
        Ids are read by the table's rule (an integer id and its canonical decimal text
        are one id). The mapping is applied once, not followed in chains: with
        ``{"a": "b", "b": "c"}`` the account ``a`` becomes the person ``b`` and the
        account ``b`` the person ``c``.

    Returns
    -------
    Events
        A new validated table: actor and target are persons (or the account itself where
        the mapping leaves it out), ids re-interned and rows in canonical order, equal to
        the table built at once from the rows with the persons written in. Posts, texts,
        platforms, topics, trust and the rejected rows are kept; users no event mentions
        are dropped (as :meth:`Events.compact <influence.Events.compact>` drops them).

    Raises
    ------
    ValueError
        When *mapping* is not one of the accepted forms; when an account or person id is
        missing or not an id (a string, or an integer within int64); when one account is
        mapped to two different persons (a mapping must be many-to-one); or when a person
        id is also the id of an account of the log that the mapping leaves unmapped: the
        two would merge silently. Map that account too (to the person itself to merge
        it, or to another id to keep it apart).

    Notes
    -----
    Accounts of the mapping that no event mentions are ignored: one mapping of a whole
    population of accounts can be applied to any window of the log. Mapping an account
    to its own id is allowed and changes nothing.

    See Also
    --------
    influence.Scorer.score_platforms : scores per platform and an overall score that
        adds the platforms up.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "ann_tw", "action": "post", "post": "p1", "platform": "twitter"},
    ...     {"time": 1, "actor": "bob", "action": "share", "parent": "p1", "platform": "twitter"},
    ...     {"time": 2, "actor": "ann_fb", "action": "like", "target": "ann_tw",
    ...      "platform": "facebook"},
    ... ])
    >>> linked = ev.link({"ann_tw": "ann", "ann_fb": "ann"})
    >>> linked.users.ids.tolist(), linked.is_self().tolist()
    (['ann', 'bob'], [False, False, True])
    """
    if not isinstance(events, EventColumns):
        raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
    events = events.compact()
    accounts, persons = _pairs(mapping)
    users = events.users.ids
    _many_to_one(accounts, persons)
    where = _lookup(users, accounts)
    found = where >= 0
    user_of, person_of = where[found], persons[found]
    # The new id of every user: its person where mapped, its own id otherwise.
    mapped = np.zeros(users.shape[0], dtype=bool)
    mapped[user_of] = True
    both = _columns.unify(users, person_of)
    if both[0].dtype.kind == "i":
        new_ids = both[0].copy()
    else:
        new_ids = np.empty(users.shape[0], dtype=object)
        new_ids[:] = both[0].tolist() if both[0].dtype.kind == "U" else both[0]
    new_ids[user_of] = both[1]
    uniques, (codes,) = intern(new_ids)
    _collisions(codes, mapped, users, uniques)
    t = events._table
    trust = [] if events.trust is None else [events.trust]
    time, action, actor, target, rest = canonical(
        t.time,
        t.action,
        codes[t.actor],
        remap(t.target, codes),
        [t.post, t.parent, t.platform, t.text, t.topics, *trust],
        n_users=int(uniques.shape[0]),
    )
    table = Table(
        time=time,
        actor=actor,
        target=target,
        action=action,
        post=rest[0],
        parent=rest[1],
        text=rest[3],
        platform=rest[2],
        topics=rest[4],
        users=IdIndex(uniques),
        posts=t.posts,
        texts=t.texts,
        platforms=t.platforms,
        topic_sets=t.topic_sets,
        rejected=t.rejected,
        duplicates=t.duplicates,
    )
    return type(events)(table, rest[5] if trust else None)


def _pairs(mapping: Any) -> tuple[np.ndarray, np.ndarray]:
    """The accounts and persons of *mapping*, each judged as ids (refused when not ids)."""
    keys: Any
    values: Any
    if isinstance(mapping, Mapping):
        keys, values = list(mapping.keys()), list(mapping.values())
    elif hasattr(mapping, "index") and hasattr(mapping, "to_numpy"):  # a pandas Series
        keys, values = np.asarray(mapping.index.to_numpy()), np.asarray(mapping.to_numpy())
    elif isinstance(mapping, (tuple, list)) and len(mapping) == 2:
        keys, values = np.asarray(mapping[0]), np.asarray(mapping[1])
        if keys.ndim != 1 or values.ndim != 1 or len(keys) != len(values):
            raise ValueError(
                f"The 'mapping' parameter of {_OWNER} as two arrays (accounts, persons) needs "
                f"them one-dimensional and equally long; got shapes {keys.shape} and "
                f"{values.shape}"
            )
    else:
        raise ValueError(
            f"The 'mapping' parameter of {_OWNER} must be a dict, a pandas Series or two "
            f"arrays (accounts, persons), account id -> person id; got {type(mapping).__name__}"
        )
    out = []
    for role, items in (("account", keys), ("person", values)):
        ids, missing, problems = _columns.ids(_columns.as_array(items), len(items), role)
        bad = sorted(set(problems) | set(np.flatnonzero(missing).tolist()))
        if bad:
            raise ValueError(
                f"The 'mapping' parameter of {_OWNER} must map account ids to person ids "
                f"(strings, or integers from -2**63 to 2**63-1); the {role} {items[bad[0]]!r} "
                f"(entry {bad[0]}) is not one"
            )
        out.append(ids)
    return out[0], out[1]


def _lookup(users: np.ndarray, accounts: np.ndarray) -> NDArray[np.int64]:
    """Each account's index among the sorted *users*, ``-1`` when absent.

    Compared as integers when both are integers, as their decimal text otherwise (the
    rule for the type of ids: ``12`` and ``"12"`` are one id, ``"012"`` another).
    """
    if users.shape[0] == 0 or accounts.shape[0] == 0:
        return np.full(accounts.shape[0], -1, dtype=np.int64)
    if users.dtype.kind == "i" and accounts.dtype.kind == "i":
        space, keys, order = users, accounts, None
    else:
        space = users.astype(str) if users.dtype.kind == "i" else users
        keys = text_ids(accounts)
        order = np.argsort(space, kind="stable") if users.dtype.kind == "i" else None
        space = space if order is None else space[order]
    pos = np.minimum(np.searchsorted(space, keys), space.shape[0] - 1)
    hit = space[pos] == keys
    index = pos if order is None else order[pos]
    return np.where(hit, index, -1).astype(np.int64)


def _many_to_one(accounts: np.ndarray, persons: np.ndarray) -> None:
    """Refuse an account mapped to two different persons (checked on the whole mapping)."""
    if accounts.shape[0] < 2:
        return
    keys = accounts if accounts.dtype.kind == "i" else text_ids(accounts)
    values = persons if persons.dtype.kind == "i" else text_ids(persons)
    order = np.argsort(keys, kind="stable")
    same = keys[order][1:] == keys[order][:-1]
    differ = same & (values[order][1:] != values[order][:-1])
    if differ.any():
        i = int(np.flatnonzero(differ)[0])
        first, second = order[i], order[i + 1]
        raise ValueError(
            f"The 'mapping' parameter of {_OWNER} must be many-to-one (each account one "
            f"person); the account {_plain(accounts[first])!r} is mapped to both "
            f"{_plain(persons[first])!r} and {_plain(persons[second])!r}"
        )


def _collisions(
    codes: NDArray[np.int32], mapped: NDArray[np.bool_], users: np.ndarray, uniques: np.ndarray
) -> None:
    """Refuse a person id that is also the id of an account the mapping leaves unmapped."""
    n = int(uniques.shape[0])
    by_mapped = np.bincount(codes[mapped], minlength=n)
    by_unmapped = np.bincount(codes[~mapped], minlength=n)
    clash = np.flatnonzero((by_mapped > 0) & (by_unmapped > 0))
    if clash.size:
        person = uniques[clash[:1]].tolist()[0]
        accounts = users[mapped & (codes == clash[0])][:3].tolist()
        raise ValueError(
            f"The 'mapping' parameter of {_OWNER} maps the accounts {accounts} to the person "
            f"id {person!r}, which is also an account of the log that the mapping leaves "
            f"unmapped: the two would merge silently. Map {person!r} too (to {person!r} to "
            "merge it into that person, or to another id to keep it apart)"
        )


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value
