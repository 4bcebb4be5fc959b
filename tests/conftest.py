"""Shared test set-up."""

from __future__ import annotations

import os

# No progress bars in tests, whatever a function's ``progress`` default: they would
# write to stderr and, in a notebook-like environment, could warn. Tests of the bars
# themselves remove the variable with ``monkeypatch``.
os.environ["INFLUENCE_PROGRESS"] = "0"
