"""Large temporary arrays reused, not page-faulted back, while a scoring runs (glibc only).

numpy takes every array from ``malloc``. glibc serves a block above its *mmap
threshold* with a fresh ``mmap`` and gives it back with ``munmap`` when it is freed;
the threshold starts at 128 KiB and adapts upward to at most 32 MiB
(``mallopt(3)``). A scoring of 10M events makes hundreds of event-sized
temporaries (80 MB each for float64), all above that ceiling, so each one is
mapped, zero-filled page by page on first touch and unmapped again: measured on
this project's benchmark machine, ``x * 2.0`` over 10M float64 costs 4.8 ns per
element in a fresh array against 1.2 ns when the block is reused, and the same
house scorer on the same 10M events took 30-32 s without reuse and 24 s with it,
alternating in one process, with the same peak memory and bit-identical scores
(before the components' own speed work of December 2026). At 1M events the
temporaries (8 MB) fall under the adapted threshold and are reused anyway, which
is why the cost per event grew with the log.

:func:`reusing_memory` wraps the long entry points (:meth:`Scorer.score
<influence.Scorer.score>` and its relatives): while the outermost one runs, the
mmap threshold is raised to 1 GiB, so event-sized blocks come from the heap and
are reused, the trim threshold to 2 GiB, so the heap is not shrunk between two
temporaries, and the number of arenas is held to one: a thread's own arena is a
64 MiB heap, from which glibc maps every larger block afresh whatever the
threshold, so the scorer's worker threads (:mod:`influence.scoring.lanes`) share
the main one. When it ends, the thresholds are set to glibc's adapted ceiling
(32 MiB and 64 MiB, what a long-running numpy program reaches by itself), the
arena limit to glibc's default (8 per core) and
``malloc_trim(0)`` returns the heap's free pages to the operating system, so the
process holds no more memory after a scoring than glibc would have left it.

glibc fixes the arena limit itself the first time a thread needs a new arena (later
``mallopt`` calls do not change it), and hands a starting thread an arena that an ended
thread left before it looks at the limit at all. So a limit set only while scoring did not
hold after a reader: the reader's worker threads, and pyarrow's, had made arenas of their
own, left when they ended, and the scorer's threads took those (at 10M events, 0.5 GB and
0.2 GB in two thread arenas besides the main one at the end of a scoring after
``Events.read_csv``). :func:`one_arena` holds the limit to one while a reader runs, so
that its threads make no arena either; in practice, then, the threads of a process that
read or scored through this module share the main arena for good.

:func:`gives_back` wraps the readers: they run inside :func:`one_arena`, and when one
returns, the memory its Arrow data and temporaries held goes back to the system (pyarrow's
pool, ``release_unused``, and ``malloc_trim(0)``): reading 10M events from Parquet left
1.8 GB resident for a table of 0.23 GB, and a scoring after it peaked at 4.6 GB; with the
memory given back, 0.5 GB and 3.4 GB. The readers also give back the Arrow data as soon as
its columns are converted, before validating (:func:`give_back`).

Nothing is done where the C library is not glibc (macOS, Windows, musl), or when
the environment variable ``INFLUENCE_REUSE_MEMORY`` is ``0`` (``false``, ``no``,
``off``). Nested and concurrent calls share one setting: it is made by the first to
enter and undone by the last to leave (the arena limit by the last reader or scoring).

References
----------
.. [1] The GNU C Library, ``mallopt(3)``: ``M_MMAP_THRESHOLD``, ``M_TRIM_THRESHOLD``,
   ``M_ARENA_MAX`` and the dynamic mmap threshold; ``malloc_trim(3)``.

Examples
--------
>>> import numpy as np
>>> from influence._memory import reusing_memory
>>> with reusing_memory():
...     float(np.ones(3).sum())
3.0
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["ENV", "give_back", "gives_back", "one_arena", "reusing_memory", "reuses_memory"]

#: The environment variable that turns the policy off (``0``, ``false``, ``no``, ``off``).
ENV = "INFLUENCE_REUSE_MEMORY"

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_DURING = (2**30, 2**31 - 1, 1)  # mmap, trim, arenas: an event-sized block stays in the heap
# After: glibc's adapted ceiling (DEFAULT_MMAP_THRESHOLD_MAX) and its default arena limit.
_AFTER = (32 * 2**20, 64 * 2**20, 8 * (os.cpu_count() or 1))

_lock = threading.Lock()
_depth = 0  # scorings running (reusing_memory)
_reading = 0  # readers running (gives_back)

F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def _glibc() -> Any:
    """glibc's handle, or ``None`` when the C library is another one."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # pragma: no cover - glibc without its usual soname
        return None


def _off() -> bool:
    return os.environ.get(ENV, "").strip().lower() in {"0", "false", "no", "off"}


def _set(libc: Any, mmap: int, trim: int, arenas: int) -> None:
    libc.mallopt(_M_MMAP_THRESHOLD, ctypes.c_int(mmap))
    libc.mallopt(_M_TRIM_THRESHOLD, ctypes.c_int(trim))
    libc.mallopt(_M_ARENA_MAX, ctypes.c_int(arenas))


@contextmanager
def reusing_memory() -> Iterator[None]:
    """Within the block, glibc reuses freed large arrays (see the module's docstring)."""
    global _depth
    libc = None if _off() else _glibc()
    if libc is None:
        yield
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            _set(libc, *_DURING)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                mmap, trim, arenas = _AFTER
                _set(libc, mmap, trim, 1 if _reading else arenas)  # a reader still runs
                libc.malloc_trim(ctypes.c_size_t(0))


def reuses_memory(function: F) -> F:
    """Decorate *function* to run inside :func:`reusing_memory`."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reusing_memory():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def give_back() -> None:
    """Return the memory freed so far to the system: pyarrow's pool (when pyarrow is
    loaded) and glibc's heap (not while a scoring runs: it reuses that memory)."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()
    libc = _glibc()
    if libc is not None:
        with _lock:
            if _depth == 0:
                libc.malloc_trim(ctypes.c_size_t(0))


@contextmanager
def one_arena() -> Iterator[None]:
    """Within the block, threads that start allocating share glibc's main arena (see the
    module's docstring); the limit is put back when the last block (or scoring) ends."""
    global _reading
    libc = None if _off() else _glibc()
    if libc is None:
        yield
        return
    with _lock:
        _reading += 1
        if _reading == 1 and _depth == 0:
            libc.mallopt(_M_ARENA_MAX, ctypes.c_int(1))
    try:
        yield
    finally:
        with _lock:
            _reading -= 1
            if _reading == 0 and _depth == 0:
                libc.mallopt(_M_ARENA_MAX, ctypes.c_int(_AFTER[2]))


def gives_back(function: F) -> F:
    """Decorate *function* to run inside :func:`one_arena` and :func:`give_back` when it
    returns (its locals gone)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with one_arena():
            try:
                return function(*args, **kwargs)
            finally:
                give_back()

    return wrapper  # type: ignore[return-value]
