"""The account labels of a generated world: every kind, the genuine ones, twins, attacks.

A name here is a value of :attr:`~influence.datasets.World.labels`, a key of
:attr:`~influence.datasets.World.twins` or a switch of :func:`~influence.datasets.synthetic`.
"""

from __future__ import annotations

__all__ = ["ATTACKS", "GENUINE_KINDS", "KINDS", "TWINS"]

#: Every account label, see :attr:`World.labels`.
KINDS: tuple[str, ...] = (
    "genuine",
    "curator",
    "dormant_star",
    "spam",
    "farm",
    "ring",
    "sybil",
    "broadcaster",
    "volume",
    "partners",
    "viral",
    "newcomer",
    "recipient",
    "link_poster",
    "community",
    "member",
)
#: Labels of the genuine accounts: those with a ground truth in :attr:`World.truth`.
GENUINE_KINDS: tuple[str, ...] = (
    "genuine",
    "curator",
    "dormant_star",
    "broadcaster",
    "partners",
    "viral",
    "newcomer",
    "recipient",
    "link_poster",
    "community",
    "member",
)
#: The keys of :attr:`World.twins`, the populations ``synthetic(twins=True)`` plants. Each
#: is also the label of its accounts, except ``"burst_poster"``, labelled ``"volume"``.
TWINS: tuple[str, ...] = (
    "broadcaster",
    "burst_poster",
    "partners",
    "viral",
    "newcomer",
    "recipient",
    "link_poster",
    "community",
    "member",
)
#: The switches of :func:`synthetic` that plant an attack: ``synthetic(**dict.fromkeys(ATTACKS,
#: False))`` is the same world without any.
ATTACKS: tuple[str, ...] = ("spam", "ring", "sybils")
#: Labels of the twins whose label is not their key in :attr:`World.twins`.
_TWIN_LABELS = {"burst_poster": "volume"}
