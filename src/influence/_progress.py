"""Progress bars for long work: ``tqdm.auto`` when installed and wanted, silent otherwise.

Functions that can take more than a couple of seconds take a keyword-only
``progress`` parameter:

- ``"auto"`` (the default): a bar only when the work is big (see the
  thresholds below) and someone is watching (standard error is a terminal, or the code
  runs in a Jupyter kernel), so small calls, cron jobs and logs piped to a file never
  get one;
- ``True``: a bar whatever the size; ``False``: never a bar.

A bar needs :mod:`tqdm` (``tqdm.auto``: a widget in Jupyter, text on the
terminal); without it every setting is silent. Setting the environment
variable ``INFLUENCE_PROGRESS=0`` turns every bar off, whatever the argument
(the test suite does so). tqdm's own warnings, such as the one about
``ipywidgets`` missing in a notebook, are suppressed: the bar falls back to
text instead.

Examples
--------
>>> from influence._progress import progress, wanted
>>> on = wanted("auto", big=False, owner="example")  # small work: no bar
>>> on
False
>>> sum(progress(range(4), on, "adding"))  # the iterable itself, untouched
6
>>> with progress(100, on, "reading") as bar:  # a total: a bar (here a silent one)
...     bar.update(100)
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import warnings
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Literal, Protocol, TypeVar, overload

__all__ = [
    "ENV",
    "EVENTS_WORK",
    "FILE_BYTES",
    "GRAPH_EDGES",
    "Bar",
    "Progress",
    "progress",
    "wanted",
]

T = TypeVar("T")

#: What a ``progress`` parameter takes.
Progress = bool | Literal["auto"]

#: Environment variable that turns every bar off when ``0``, ``false``, ``no`` or ``off``.
ENV = "INFLUENCE_PROGRESS"
_OFF = frozenset({"0", "false", "no", "off"})

#: ``progress="auto"`` thresholds: bytes of a file to read (a ``.gz`` file counts five
#: times its size), edges of a PageRank graph, and events scored by an evaluation
#: (summed over its cut-offs).
FILE_BYTES = 10_000_000
GRAPH_EDGES = 5_000_000
EVENTS_WORK = 5_000_000


class Bar(Protocol):
    """The part of a :class:`tqdm.tqdm` bar the library uses."""

    def update(self, n: float = 1) -> Any: ...

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> Any: ...

    def close(self) -> Any: ...

    def __enter__(self) -> Bar: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> Any: ...


class _Silent:
    """A bar that shows nothing: every method does nothing."""

    __slots__ = ()

    def update(self, n: float = 1) -> None:
        return None

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> _Silent:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


_SILENT = _Silent()


@functools.lru_cache(maxsize=1)
def _tqdm() -> Any:
    """``tqdm.auto.tqdm``, or ``None`` when tqdm is not installed (or cannot be imported).

    In a notebook without ipywidgets, importing ``tqdm.auto`` warns that
    ``IProgress`` is missing before falling back to text bars; that warning
    (and any other raised while importing) is suppressed.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module("tqdm.auto")
    except Exception:  # ImportError, or a broken IPython/ipywidgets install
        return None
    return module.tqdm


def disabled_by_environment() -> bool:
    """Whether ``INFLUENCE_PROGRESS`` turns bars off (``0``, ``false``, ``no``, ``off``)."""
    return os.environ.get(ENV, "").strip().lower() in _OFF


def wanted(setting: object, *, big: bool, owner: str) -> bool:
    """Whether to show a bar for work of the given size.

    Parameters
    ----------
    setting : {True, False, "auto"}
        The caller's ``progress`` argument.
    big : bool
        Whether the work is big enough for a bar under ``"auto"``.
    owner : str
        The function taking the argument, for the error message.

    Returns
    -------
    bool
        False when *setting* is False, when ``"auto"`` and the work is small or
        nobody is watching (:func:`watched`), when ``INFLUENCE_PROGRESS=0`` or when tqdm
        is not installed.

    Raises
    ------
    ValueError
        When *setting* is not True, False or ``"auto"``.

    Examples
    --------
    >>> wanted(False, big=True, owner="pagerank")
    False
    >>> wanted("yes", big=True, owner="pagerank")
    Traceback (most recent call last):
    ...
    ValueError: The 'progress' parameter of pagerank must be True, False or 'auto'. Got ...
    """
    auto = isinstance(setting, str) and setting == "auto"
    if not (auto or setting is True or setting is False):
        raise ValueError(
            f"The 'progress' parameter of {owner} must be True, False or 'auto'. "
            f"Got {setting!r} instead."
        )
    if setting is False or (auto and not (big and watched())) or disabled_by_environment():
        return False
    return _tqdm() is not None


def watched() -> bool:
    """Whether a bar would be seen: standard error is a terminal, or the code runs in a
    Jupyter (IPython) kernel, where ``tqdm.auto`` draws a widget."""
    stream = sys.stderr
    try:
        if stream is not None and stream.isatty():
            return True
    except (AttributeError, ValueError):  # a replaced or closed stream
        pass
    return "ipykernel" in sys.modules


@overload
def progress(work: int | None, enabled: bool, desc: str, **options: Any) -> Bar: ...


@overload
def progress(work: Iterable[T], enabled: bool, desc: str, **options: Any) -> Iterable[T]: ...


def progress(work: Iterable[T] | int | None, enabled: bool, desc: str, **options: Any) -> Any:
    """A progress bar over an iterable, or one to advance by hand towards a total.

    Parameters
    ----------
    work : iterable, int or None
        An iterable to wrap, or the total of a bar advanced with
        ``bar.update(n)`` (``None``: a counter without a total).
    enabled : bool
        From :func:`wanted`. When false, an iterable is returned as it is (no
        overhead per item) and a total gives a silent bar.
    desc : str
        Text shown before the bar.
    **options
        Passed to :class:`tqdm.tqdm` (``unit``, ``unit_scale``, ...).

    Returns
    -------
    iterable or Bar
        The bar (a ``tqdm`` object) or, disabled, the iterable or a silent bar.
        Bars are removed from the screen when they close (``leave=False``).
    """
    counting = work is None or isinstance(work, int)
    factory = _tqdm() if enabled else None
    if factory is None:
        return _SILENT if counting else work
    settings: dict[str, Any] = {"desc": desc, "leave": False, "dynamic_ncols": True, **options}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tqdm's notebook and monitor warnings
        if counting:
            return factory(total=work, **settings)
        return factory(work, **settings)
