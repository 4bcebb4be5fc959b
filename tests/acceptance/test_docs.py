"""The code in README.md and docs/ runs, and printed output shown in the docs is what it prints.

A ```python block is executed; when the very next block is ```text, the
block's printed output must equal it: exactly, but for numbers printed with all their
digits (``repr`` of a float, 12 significant digits or more), which must agree to 1e-12
relative, so that the last bits of a sum that numpy computes otherwise from one release to
the next do not fail a page whose text is right. A block that imports an optional
package skips, with a reason naming its extra, when that package is absent
(``skip_without_extras``, from the conftest.py at the project root).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
#: A float printed with all its digits: 12 significant digits or more.
LONG_FLOAT = re.compile(r"-?\d+\.\d{11,}(?:e[-+]?\d+)?|-?\d{12,}\.\d+")


def same_output(out: str, expected: str) -> bool:
    """*out* equals *expected*, long floats (:data:`LONG_FLOAT`) to 1e-12 relative."""
    if out == expected:
        return True
    text_out, text_expected = LONG_FLOAT.split(out), LONG_FLOAT.split(expected)
    floats_out, floats_expected = LONG_FLOAT.findall(out), LONG_FLOAT.findall(expected)
    return (
        text_out == text_expected
        and len(floats_out) == len(floats_expected)
        and all(
            math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-300)
            for a, b in zip(floats_out, floats_expected)
        )
    )


def examples() -> list[tuple[str, str, str | None]]:
    found = []
    for page in PAGES:
        blocks = BLOCK.findall(page.read_text())
        for k, (lang, code) in enumerate(blocks):
            if lang != "python":
                continue
            expected = (
                blocks[k + 1][1] if k + 1 < len(blocks) and blocks[k + 1][0] == "text" else None
            )
            found.append((f"{page.relative_to(ROOT)}#{k}", code, expected))
    return found


@pytest.mark.parametrize(("where", "code", "expected"), examples(), ids=[e[0] for e in examples()])
def test_documented_code_runs(
    where: str, code: str, expected: str | None, skip_without_extras: Callable[[str], None]
) -> None:
    skip_without_extras(code)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        # dont_inherit: run the code as a reader would, not under this module's
        # `from __future__ import annotations` (which breaks dataclasses defined in exec)
        exec(compile(code, where, "exec", dont_inherit=True), {"__name__": "__docs__"})
    if expected is not None and not same_output(out.getvalue(), expected):
        assert out.getvalue() == expected


def test_long_floats_agree_to_their_last_bits_and_nothing_else_moves() -> None:
    assert same_output("x 0.09441140653147559,1\n", "x 0.09441140653147449,1\n")
    assert not same_output("x 0.09441140653147559,1\n", "x 0.09441140653157559,1\n")
    assert not same_output("x 0.09441140653147559,2\n", "x 0.09441140653147449,1\n")
    assert not same_output("x 0.094,1\n", "x 0.095,1\n")  # short numbers: exactly
