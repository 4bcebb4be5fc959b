"""The code in README.md and docs/ runs, and printed output shown in the docs is what it prints.

A ```python block is executed; when the very next block is ```text, the
block's printed output must equal it exactly. A block that imports an optional
package skips, with a reason naming its extra, when that package is absent
(``skip_without_extras``, from the conftest.py at the project root).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


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
    if expected is not None:
        assert out.getvalue() == expected
