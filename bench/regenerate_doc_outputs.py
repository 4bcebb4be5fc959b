"""Rewrite the ```text block after each ```python block in README.md and docs/ with its output.

The docs test (tests/test_docs.py) checks that each such text block is exactly what
the code prints; after an intended change of output (a score change, a reworded
reason), run ``python bench/regenerate_doc_outputs.py`` and review the diff.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def regenerate(page: Path) -> bool:
    text = page.read_text()
    blocks = list(FENCE.finditer(text))
    pieces: list[str] = []
    last = 0
    changed = False
    for k, block in enumerate(blocks):
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        if block.group(1) != "python" or nxt is None or nxt.group(1) != "text":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = compile(block.group(2), str(page), "exec", dont_inherit=True)
            exec(code, {"__name__": "__docs__"})
        if out.getvalue() != nxt.group(2):
            changed = True
        pieces.append(text[last : nxt.start()])
        pieces.append(f"```text\n{out.getvalue()}```")
        last = nxt.end()
    pieces.append(text[last:])
    if changed:
        page.write_text("".join(pieces))
    return changed


def main() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        if regenerate(page):
            print(f"updated {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
