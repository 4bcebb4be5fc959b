"""Method-by-metric tables of the evaluation reports: Markdown, plain text, HTML, pandas."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from types import MappingProxyType
from typing import Any

from .components._common import DAY

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
