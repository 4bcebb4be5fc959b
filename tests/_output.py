"""Reading what the command line prints (shared by the CLI tests)."""

from __future__ import annotations


def leaderboard(out: str) -> list[list[str]]:
    """The rows of the leaderboard table (rank, user, score) printed in *out*."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == ["rank", "user", "score"])
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows
