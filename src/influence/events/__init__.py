"""Events: the validated, immutable, columnar event table and everything that builds it.

Data enters the library once, here: :class:`Events` validates the rows, interns the user
ids, orders the table canonically and hands every component the same columns. The modules:

- :mod:`~influence.events.table`: :class:`Events` itself, its constructors and views;
- :mod:`~influence.events.readers`: the constructors' work (records, arrays, pandas, CSV,
  JSON Lines, Arrow) and the column-mapping rules (:func:`~influence.events.readers.field_map`);
- :mod:`~influence.events.concat`: appending tables (:meth:`Events.concat`,
  :meth:`Events.append`), equal to building from all their rows;
- :mod:`~influence.events.files`: opening files, gzip and a progress bar over the bytes read;
- :mod:`~influence.events.memo`: :class:`~influence.events.memo.Memo`, the per-table memo
  of work the components share (:attr:`Events.memo`);
- :mod:`~influence.events.display`: the repr and the notebook HTML;
- :mod:`~influence.events.assemble` and :mod:`~influence.events.columns`: validation of
  rows and columns, and the canonical order;
- :mod:`~influence.events.ids`: :class:`IdIndex`, ids interned to dense indices;
- :mod:`~influence.events.actions`: the action vocabulary;
- :mod:`~influence.events.timeparse`: times in, times out;
- :mod:`~influence.events.outliers`: far-future rows, the latest ones when they stand far
  beyond the bulk of the log (the default ``as_of`` would be theirs);
- :mod:`~influence.events.arrow`: the Arrow doors (PyCapsule interface).
"""

from influence.events.actions import ACTIONS
from influence.events.ids import IdIndex
from influence.events.memo import Memo
from influence.events.table import Events, Rejection

__all__ = ["ACTIONS", "Events", "IdIndex", "Memo", "Rejection"]
