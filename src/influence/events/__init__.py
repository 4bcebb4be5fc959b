"""Events: the validated, immutable, columnar event table and everything that builds it.

Data enters the library once, here: :class:`Events` validates the rows, interns the user
ids, orders the table canonically and hands every component the same columns. The modules:

- :mod:`~influence.events.table`: :class:`Events` itself, its constructors and views;
- :mod:`~influence.events.assemble` and :mod:`~influence.events.columns`: validation of
  rows and columns, and the canonical order;
- :mod:`~influence.events.ids`: :class:`IdIndex`, ids interned by hashing;
- :mod:`~influence.events.actions`: the action vocabulary;
- :mod:`~influence.events.timeparse`: times in, times out;
- :mod:`~influence.events.arrow`: the Arrow doors (PyCapsule interface).
"""

from influence.events.actions import ACTIONS
from influence.events.ids import IdIndex
from influence.events.table import Events, Rejection

__all__ = ["ACTIONS", "Events", "IdIndex", "Rejection"]
