"""Components evaluated side by side on worker threads, with results in a fixed order.

A scoring evaluates every discount and, when there are discounts, every signal on
the table as given; then every signal and modifier on the trusted table. The
components of one stage do not depend on each other, and most of their time is
spent in numpy calls that release the GIL (sorts, gathers, arithmetic), so
:class:`Lanes` runs them on a small thread pool: on two idle cores a house scoring
of 10M events took 5.5-5.9 s against 10-11 s on one thread (``INFLUENCE_THREADS=1``),
alternating in one process; ``bench/bench_scaling.py`` prints the scorer's wall time
beside its CPU time. The work they share (pair orders, per-post counts)
is computed once, by whichever asks first (:class:`~influence.events.memo.Memo`
is thread-safe).

The results do not depend on the threads. Each component computes what it
computes alone, and the scorer combines the results in the components' order (the
discounts' trust is multiplied in their declared order), so the scores are bit for
bit those of a run on one thread (``tests/scoring/test_lanes.py``).

The number of threads is ``min(2, os.cpu_count())`` unless the environment variable
``INFLUENCE_THREADS`` sets it (``1`` runs everything on the calling thread). Only
the built-in components run on worker threads: a scorer holding a component from
elsewhere evaluates everything on the calling thread, since nothing says that
component is safe to run beside another.

Examples
--------
>>> from influence.scoring.lanes import Lanes
>>> with Lanes(threads=2) as lanes:
...     later = lanes.submit(sum, [1, 2, 3])
...     lanes.map(len, ["ab", "abc"]), later.result()
([2, 3], 6)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["ENV", "Lanes", "builtin", "threads", "threads_for"]

#: The environment variable that sets the number of threads (a positive integer).
ENV = "INFLUENCE_THREADS"

T = TypeVar("T")


def threads() -> int:
    """The number of threads a scoring uses: ``INFLUENCE_THREADS``, or ``min(2, cores)``.

    Raises
    ------
    ValueError
        When ``INFLUENCE_THREADS`` is set to anything but a positive integer.
    """
    given = os.environ.get(ENV, "").strip()
    if not given:
        return max(1, min(2, os.cpu_count() or 1))
    if not given.isdigit() or int(given) < 1:
        raise ValueError(
            f"The environment variable {ENV} must be a positive integer (1 runs on the "
            f"calling thread). Got {given!r} instead."
        )
    return int(given)


def builtin(components: Iterable[object]) -> bool:
    """Whether every one of *components* is one of ``influence``'s own."""
    return all(type(c).__module__.startswith("influence.") for c in components)


def threads_for(components: Iterable[object]) -> int:
    """:func:`threads` when every one of *components* is built in, else 1."""
    return threads() if builtin(components) else 1


class Lanes:
    """A thread pool for one scoring, or the calling thread alone.

    Parameters
    ----------
    threads : int
        Worker threads; ``1`` (or less) runs every call on the calling thread, at once.
    """

    def __init__(self, threads: int) -> None:
        self._pool = ThreadPoolExecutor(threads, "influence") if threads > 1 else None

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """``function(*args)``, started now on a worker (or computed now, without one)."""
        if self._pool is not None:
            return self._pool.submit(function, *args)
        done: Future[T] = Future()
        try:
            done.set_result(function(*args))
        except Exception as error:  # raised by result(), as from a worker
            done.set_exception(error)
        return done

    def map(self, function: Callable[[Any], T], items: Iterable[Any]) -> list[T]:
        """``[function(item) for item in items]``, computed side by side, in *items*' order."""
        futures = [self.submit(function, item) for item in items]
        return [f.result() for f in futures]

    def __enter__(self) -> Lanes:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
