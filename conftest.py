"""Optional extras, for the whole suite: tests/, the documented examples and the doctests in src/.

A test, doctest or documented example that needs an optional package skips when the
package is absent, with a reason that names it: ``pytest.importorskip``'s "could not
import 'duckdb'", a ``skipif`` "needs pyarrow", or, for a doctest or a documented
example that imports the package, :func:`skip_without_extras`. So the README's
``pip install -e ".[test]" && pytest`` passes without the other extras.

With ``INFLUENCE_REQUIRE_EXTRAS=1`` (CI's run with every extra installed) such a skip
fails instead, so no extra's tests go unrun without anyone noticing.
"""

from __future__ import annotations

import ast
import doctest
import importlib.util
import os
import re
from collections.abc import Callable, Generator
from typing import Any

import pytest

# Optional package -> the extra that installs it (pyproject.toml).
EXTRAS = {
    "pandas": "pandas",
    "polars": "test",
    "pyarrow": "arrow",
    "duckdb": "duckdb",
    "pyspark": "spark",
    "matplotlib": "plot",
    "tqdm": "progress",
    "mkdocs": "docs",
    "igraph": "bench",
    "sknetwork": "bench",
}
REQUIRE_EXTRAS = os.environ.get("INFLUENCE_REQUIRE_EXTRAS") == "1"
# A skip's reason that says an optional package is missing.
MISSING_EXTRA = re.compile(r"could not import|\b(?:" + "|".join(EXTRAS) + r")\b")


def skip_without_extras(source: str) -> None:
    """Skip the running test when *source* imports an optional package that is not installed."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # the test itself reports it
        return
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module.partition(".")[0])
    for module in sorted(modules & EXTRAS.keys()):
        if importlib.util.find_spec(module) is None:
            pytest.skip(
                f"could not import {module!r}: pip install 'influence-score[{EXTRAS[module]}]'"
            )


@pytest.fixture(name="skip_without_extras")
def _skip_without_extras() -> Callable[[str], None]:
    """:func:`skip_without_extras`, for a test that runs code it reads (tests/test_docs.py)."""
    return skip_without_extras


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A doctest that imports an absent optional package skips (its +SKIP lines aside)."""
    test = getattr(item, "dtest", None)  # a DoctestItem's doctest.DocTest
    if test is not None:
        for example in test.examples:
            if not example.options.get(doctest.SKIP):
                skip_without_extras(example.source)


def _fail_if_extra_missing(report: Any) -> None:
    """With INFLUENCE_REQUIRE_EXTRAS=1, turn a skip for a missing extra into a failure."""
    if not (REQUIRE_EXTRAS and report.skipped and not hasattr(report, "wasxfail")):
        return
    reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
    if MISSING_EXTRA.search(reason):
        report.outcome = "failed"
        report.longrepr = f"INFLUENCE_REQUIRE_EXTRAS=1, yet skipped for a missing extra: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    _fail_if_extra_missing(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield  # a module that skips as a whole (pytest.importorskip at module level)
    _fail_if_extra_missing(outcome.get_result())
