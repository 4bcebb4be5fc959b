"""Conformance checks every component must pass, and small shared test worlds.

Third-party components run the same checks as the built-ins::

    from influence.testing import check_component
    check_component(MyComponent())

or, to get one pytest case per check::

    import pytest
    from influence.testing import component_checks

    @pytest.mark.parametrize("check", component_checks(MyComponent()), ids=str)
    def test_my_component(check):
        check()
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence._time import DAY
from influence.components import registry
from influence.components.base import Explainable, Role, lookback_of, role_of
from influence.events.table import COLUMNS, Events

__all__ = ["Check", "check_component", "component_checks", "small_world", "small_world_records"]

T0 = 1_700_000_000.0


def small_world_records(seed: int = 0) -> list[dict[str, Any]]:
    """Records of a small, varied world: posts, every action, self-interactions, ids.

    Eight users over 20 days; ``seed`` varies the details but not the shape.
    """
    rng = random.Random(seed)
    users = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]
    records: list[dict[str, Any]] = []
    posts: list[tuple[str, str]] = []
    for k in range(30):
        author = rng.choice(users[:5])
        pid = f"p{k}"
        posts.append((pid, author))
        records.append(
            {
                "time": T0 + rng.uniform(0, 18 * DAY),
                "actor": author,
                "action": "post",
                "post": pid,
                "text": rng.choice(["hello", "news", "link http://x"]),
                "platform": rng.choice(["tw", "fb"]),
                "topics": ["a", "b"][: k % 3],
            }
        )
    for _ in range(120):
        actor = rng.choice(users)
        action = rng.choice(["reply", "share", "like", "mention", "follow", "like"])
        event: dict[str, Any] = {
            "time": T0 + rng.uniform(0, 20 * DAY),
            "actor": actor,
            "action": action,
        }
        if action in ("reply", "share", "like") and rng.random() < 0.7:
            pid, _author = rng.choice(posts)
            event["parent"] = pid
        else:
            event["target"] = rng.choice(users)
        records.append(event)
    for k, record in enumerate(records):
        record["id"] = f"e{k}"
    return records


def small_world(seed: int = 0) -> Events:
    """:func:`small_world_records` as an :class:`~influence.Events` table."""
    return Events.from_records(small_world_records(seed))


@dataclass(frozen=True)
class Check:
    """One named conformance check, bound to a component; call it to run."""

    name: str
    run: Callable[[], None]

    def __call__(self) -> None:
        self.run()

    def __str__(self) -> str:
        return self.name


def _call(component: Any, events: Events, as_of: float) -> NDArray[np.float64]:
    return component(events, as_of=as_of)  # type: ignore[no-any-return]


def _size(events: Events, role: Role) -> int:
    """Expected output length: one value per user, or per event for a discount."""
    return len(events) if role == "discount" else events.n_users


def _assert_valid(values: Any, size: int, role: Role, what: str) -> None:
    assert isinstance(values, np.ndarray), f"{what}: returned {type(values).__name__}, not ndarray"
    assert values.dtype == np.float64, f"{what}: dtype {values.dtype}, expected float64"
    per = "event" if role == "discount" else "user"
    assert values.shape == (size,), (
        f"{what}: shape {values.shape}, expected ({size},), one value per {per}"
    )
    assert np.all(np.isfinite(values)), f"{what}: non-finite values"
    assert np.all(values >= 0.0), f"{what}: negative values (min {values.min()})"
    if role in ("modifier", "discount"):
        assert np.all(values <= 1.0), f"{what}: {role} above 1 (max {values.max()})"


def component_checks(component: Any, *, role: Role | None = None, seed: int = 0) -> list[Check]:
    """The named checks for *component*, each a callable :class:`Check`."""
    kind: Role = role or role_of(component)
    records = small_world_records(seed)
    events = Events.from_records(records)
    assert events.end is not None
    mid = T0 + 12 * DAY
    end = events.end

    def output_contract() -> None:
        for as_of in (mid, end, end + 30 * DAY):
            values = _call(component, events, as_of)
            _assert_valid(values, _size(events, kind), kind, f"as_of={as_of}")

    def deterministic() -> None:
        first, second = _call(component, events, end), _call(component, events, end)
        assert np.array_equal(first, second), "two calls on the same input differ"

    def order_invariant() -> None:
        shuffled = list(records)
        random.Random(seed + 1).shuffle(shuffled)
        other = Events.from_records(shuffled)
        assert np.array_equal(_call(component, events, end), _call(component, other, end)), (
            "output changed when the input rows were shuffled"
        )

    def input_not_mutated() -> None:
        events = Events.from_records(records)  # a fresh table, seen by no earlier check
        snapshot = {name: getattr(events, name).copy() for name in COLUMNS}
        users = events.users.ids.copy()
        _call(component, events, mid)
        for name, before in snapshot.items():
            assert np.array_equal(getattr(events, name), before), f"column {name!r} was mutated"
        assert np.array_equal(events.users.ids, users), "the user table was mutated"

    def future_ignored() -> None:
        full = _call(component, events, mid)
        past = events.until(mid)
        if kind == "discount":  # rows are events: the past is a prefix, the future unjudged
            assert np.all(full[len(past) :] == 1.0), "a discount must leave events after as_of at 1"
            full = full[: len(past)]
        assert np.array_equal(full, _call(component, past, mid)), (
            "events after as_of changed the output"
        )
        compact = past.compact()
        kept = (
            np.arange(len(past)) if kind == "discount" else events.users.indices(compact.users.ids)
        )
        assert np.array_equal(full[kept], _call(component, compact, mid)), (
            "users or posts that appear only after as_of changed the output"
        )

    def self_interactions_ignored() -> None:
        extra = [
            {"time": T0 + (3 + k) * DAY, "actor": u, "action": a, "target": u}
            for k, (u, a) in enumerate(
                zip(
                    ["ann", "bob", "cy", "dee", "eve"],
                    ["reply", "share", "like", "mention", "follow"],
                )
            )
        ]
        more = Events.from_records([*records, *extra])
        theirs = _call(component, more, end)
        if kind == "discount":  # compare the rows both tables have
            times = T0 + (3 + np.arange(len(extra))) * DAY
            added = np.isin(more.time, times) & (more.actor == more.target)
            theirs = theirs[~added]
        assert np.array_equal(_call(component, events, end), theirs), (
            "self-interactions (actor == target) changed the output"
        )

    def full_trust_is_no_trust() -> None:
        trusted = events.with_trust(np.ones(len(events)))
        assert np.array_equal(_call(component, events, end), _call(component, trusted, end)), (
            "a table whose events are all fully trusted (Events.trust all 1) gave another "
            "output than the same table without trust"
        )

    def empty_input() -> None:
        _assert_valid(_call(component, Events.empty(), T0), 0, kind, "empty events")

    def nothing_in_window() -> None:
        values = _call(component, events, T0 - DAY)
        _assert_valid(values, _size(events, kind), kind, "as_of before all events")
        if kind == "signal":
            assert np.all(values == 0.0), "a signal must be zero when no event is in the window"
        if kind == "discount":
            assert np.all(values == 1.0), "a discount must leave events after as_of at 1"

    def one_user() -> None:
        single = Events.from_records([{"time": T0, "actor": "solo", "action": "post", "post": "p"}])
        _assert_valid(_call(component, single, T0), 1, kind, "one user")

    def explains() -> None:
        if not isinstance(component, Explainable):
            return
        evidence = component.evidence(events, as_of=end)
        assert np.array_equal(evidence.values, _call(component, events, end)), (
            "evidence().values differs from __call__"
        )
        for key, array in evidence.details.items():
            assert np.shape(array) == (events.n_users,), f"details[{key!r}] has the wrong shape"
        for i in range(events.n_users):
            facts = {k: v[i].item() for k, v in evidence.details.items()}
            text = component.reason(facts, 1.0)
            assert isinstance(text, str), "reason() must return a string"
            assert text, "reason() must return a non-empty string"

    def lookback_honoured() -> None:
        # The output at as_of depends only on (as_of - lookback_days, as_of]: a copy of the
        # world further back (its posts liked again now) changes nothing for the recent users.
        days = lookback_of(component)
        if days > 100_000:  # all history (or near enough): nothing to check
            return
        shift = (days + 21.0) * DAY + (end - T0)

        def older(record: dict[str, Any]) -> dict[str, Any]:
            moved = {**record, "time": record["time"] - shift, "id": f"old-{record['id']}"}
            for key in ("post", "parent"):
                if key in record:
                    moved[key] = f"old-{record[key]}"
            return moved

        copy = [older(r) for r in records]
        authors = {r["post"]: r["actor"] for r in copy if r["action"] == "post"}
        again = [
            {"time": end - k * 60.0, "actor": actor, "action": "like", "parent": post,
             "target": authors[post], "id": f"again{k}"}
            for k, (actor, post) in enumerate(zip(["fay", "gus", "hal"], sorted(authors)))
        ]  # fmt: skip
        recent = Events.from_records([*records, *again])
        whole = Events.from_records([*records, *again, *copy])
        want, got = _call(component, recent, end), _call(component, whole, end)
        if kind == "discount":
            got = got[whole.time > end - shift + 20 * DAY]
        else:
            got = got[whole.users.indices(recent.users.ids)]
        same = got.shape == want.shape and np.allclose(got, want, rtol=0.0, atol=1e-9)
        assert same, (
            f"events more than lookback_days={days:g} before as_of changed the output; "
            "declare a longer lookback_days (math.inf: all history)"
        )

    def params_round_trip() -> None:
        # As Scorer.to_config writes a component and Scorer.from_config builds it again
        # (scikit-learn's check_estimator: get_params, then set_params).
        kind = registry.registered_name(component)
        instance = dataclasses.is_dataclass(component) and not isinstance(component, type)
        if kind is None and not instance:
            return  # an unregistered function: no configuration can name it
        try:
            params = json.loads(json.dumps(registry.params_of(component)))
        except TypeError as exc:
            raise AssertionError(f"its parameters cannot be written to a config: {exc}") from None
        rebuilt = registry.build(kind, params) if kind else type(component)(**params)
        differ = [
            f.name
            for f in (dataclasses.fields(component) if instance else ())
            if f.init and getattr(rebuilt, f.name, None) != getattr(component, f.name)
        ]
        assert rebuilt == component, (
            f"its parameters do not round-trip: written to a config ({params}) and built "
            f"again, it is {rebuilt!r}, not {component!r}"
            + (f" (parameters that differ: {differ})" if differ else "")
        )

    checks = [
        output_contract,
        deterministic,
        order_invariant,
        input_not_mutated,
        future_ignored,
        self_interactions_ignored,
        full_trust_is_no_trust,
        empty_input,
        nothing_in_window,
        one_user,
        explains,
        lookback_honoured,
        params_round_trip,
    ]
    label = (
        getattr(component, "name", None)
        or getattr(component, "__name__", None)
        or type(component).__name__
    )
    return [Check(f"{label}:check_{c.__name__}", c) for c in checks]


def check_component(component: Any, *, role: Role | None = None) -> None:
    """Run every conformance check on *component*; the first failure raises.

    Raises
    ------
    AssertionError
        Naming the check that failed and what it saw.

    Examples
    --------
    >>> from influence.components import DistinctEngagers
    >>> check_component(DistinctEngagers())
    """
    for check in iter_checks(component, role=role):
        try:
            check()
        except AssertionError as exc:
            raise AssertionError(f"{check.name} failed: {exc}") from None


def iter_checks(component: Any, *, role: Role | None = None) -> Iterator[Check]:
    yield from component_checks(component, role=role)
