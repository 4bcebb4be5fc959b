"""Method-by-metric tables of the evaluation reports: Markdown, plain text, HTML, pandas."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from types import MappingProxyType
from typing import Any

import numpy as np

from influence._time import DAY

Table = Mapping[str, Mapping[str, float]]


def fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else "n/a"


def span(seconds: float) -> str:
    for unit, size in (("day", DAY), ("hour", 3600.0), ("minute", 60.0)):
        if seconds >= size and seconds % size == 0:
            count = seconds / size
            return f"{count:g} {unit}" + ("" if count == 1 else "s")
    return f"{seconds:g} seconds"


def _best(
    table: Table, columns: Sequence[str], digits: Mapping[str, int], bold_best: bool
) -> dict[str, str]:
    """Per column, the best value as printed: values that print the same are equally best."""
    best: dict[str, str] = {}
    if bold_best:
        for column in columns:
            finite = [v[column] for v in table.values() if math.isfinite(v.get(column, math.nan))]
            if finite:
                best[column] = fmt(max(finite), digits[column])
    return best


def markdown(
    table: Table,
    columns: Sequence[str],
    digits: Mapping[str, int],
    bold_best: bool,
) -> str:
    best = _best(table, columns, digits, bold_best)
    lines = [
        "| method | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for method, row in table.items():
        cells = []
        for column in columns:
            text = fmt(row.get(column, math.nan), digits[column])
            if column in best and text == best[column]:
                text = f"**{text}**"
            cells.append(text)
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def html_table(
    title: str,
    table: Table,
    columns: Sequence[str],
    digits: Mapping[str, int],
    bold_best: bool,
) -> str:
    """Notebook display: the title, then the table with the best value per column in bold."""
    e = escape
    best = _best(table, columns, digits, bold_best)
    head = "".join(f"<th>{e(c)}</th>" for c in ("method", *columns))
    rows = []
    for method, row in table.items():
        cells = [f"<td>{e(method)}</td>"]
        for column in columns:
            text = fmt(row.get(column, math.nan), digits[column])
            shown = f"<b>{text}</b>" if column in best and text == best[column] else text
            cells.append(f"<td style='text-align:right'>{shown}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<div>{e(title)}<table><tr>{head}</tr>{''.join(rows)}</table></div>"


def text_table(table: Table, columns: Sequence[str], digits: Mapping[str, int]) -> str:
    width = max([len("method"), *(len(m) for m in table)])
    widths = [max(len(c), 7) for c in columns]
    head = "method".ljust(width) + "".join(f"  {c:>{w}}" for c, w in zip(columns, widths))
    rows = [head]
    for method, row in table.items():
        cells = "".join(
            f"  {fmt(row.get(c, math.nan), digits[c]):>{w}}" for c, w in zip(columns, widths)
        )
        rows.append(method.ljust(width) + cells)
    return "\n".join(rows)


def frame(table: Table, columns: Sequence[str], owner: str) -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{owner}.to_pandas needs pandas: pip install 'influence-score[pandas]'"
        ) from None
    frame = pd.DataFrame(
        [[row.get(c, math.nan) for c in columns] for row in table.values()],
        index=pd.Index(list(table), name="method"),
        columns=list(columns),
    )
    return frame


def freeze(table: Table) -> Table:
    return MappingProxyType(
        {
            str(m): MappingProxyType({str(k): float(v) for k, v in row.items()})
            for m, row in table.items()
        }
    )


def mean_table(tables: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, dict[str, float]]:
    """Each method's metrics averaged over the tables where they are defined (not ``nan``)."""
    out: dict[str, dict[str, float]] = {}
    for method in dict.fromkeys(m for t in tables for m in t):
        rows = [t[method] for t in tables if method in t]
        out[method] = {}
        for metric in dict.fromkeys(k for row in rows for k in row):
            found = np.array([row.get(metric, math.nan) for row in rows])
            finite = found[np.isfinite(found)]
            out[method][metric] = float(finite.mean()) if finite.size else math.nan
    return out


class MethodTable:
    """The views every method-by-metric report shares: text, Markdown, HTML and pandas.

    A report class (a frozen dataclass with a ``table``) inherits them and
    supplies ``_header()``, its one-line description.
    """

    table: Table

    def _header(self) -> str:  # pragma: no cover - every report defines it
        raise NotImplementedError

    @property
    def methods(self) -> tuple[str, ...]:
        """Method names, in table order."""
        return tuple(self.table)

    @property
    def metrics(self) -> tuple[str, ...]:
        """Metric names, in column order."""
        return tuple(dict.fromkeys(k for row in self.table.values() for k in row))

    def to_markdown(self, digits: int = 3, *, bold_best: bool = True) -> str:
        """The table as Markdown, the best value per metric (as printed) in bold."""
        return markdown(self.table, self.metrics, dict.fromkeys(self.metrics, digits), bold_best)

    def to_pandas(self) -> Any:
        """The table as a DataFrame: one row per method, one column per metric (needs pandas)."""
        return frame(self.table, self.metrics, type(self).__name__)

    def __str__(self) -> str:
        body = text_table(self.table, self.metrics, dict.fromkeys(self.metrics, 3))
        return f"{self._header()}\n{body}"

    def _repr_html_(self) -> str:
        """Notebook display: the header line and the table, best value per metric in bold."""
        digits = dict.fromkeys(self.metrics, 3)
        return html_table(self._header(), self.table, self.metrics, digits, bold_best=True)
