"""How an event table shows itself: the one-line repr."""

from __future__ import annotations

from events._sample import T0, follow, sample
from influence import Events


class TestRepr:
    def test_repr(self) -> None:
        assert repr(sample()) == (
            "<Events: 6 events, 5 users, 2024-05-01T09:00:00Z .. 2024-05-01T14:00:00Z>"
        )
        ev = Events.from_records([follow(time=T0 + 0.5), follow(action="poke")], errors="skip")
        assert repr(ev) == (
            "<Events: 1 event, 2 users, 2024-05-01T09:00:00.500000Z .. "
            "2024-05-01T09:00:00.500000Z, 1 rejected>"
        )

    def test_repr_thousands(self) -> None:
        ev = Events.from_records([follow(actor=i, target=i + 1, time=i) for i in range(1500)])
        assert repr(ev).startswith("<Events: 1,500 events, 1,501 users, 1970-01-01T00:00:00Z")
