"""Opening event files: text decoding, gzip, and a progress bar over the bytes read."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
from collections.abc import Iterator
from typing import IO, Any

from influence import _progress
from influence._progress import FILE_BYTES, Bar, Progress, wanted

__all__ = ["PathLike", "file_bar", "open_text"]

#: A file name: a string or anything :func:`os.fspath` accepts.
PathLike = str | os.PathLike[str]


def file_bar(path: PathLike, setting: Progress, owner: str) -> tuple[Bar, bool]:
    """A bar over the bytes of *path* (silent when not wanted) and whether it shows.

    ``"auto"`` shows it for files of :data:`~influence._progress.FILE_BYTES` or more,
    counting a ``.gz`` file as five times its size; *owner* names the caller in the
    message when tqdm is missing.
    """
    name = os.fspath(path)
    size = os.path.getsize(name) if os.path.isfile(name) else 0
    big = size * (5 if name.endswith(".gz") else 1) >= FILE_BYTES
    shown = wanted(setting, big=big, owner=owner)
    label = f"reading {os.path.basename(name)}"
    bar = _progress.progress(size, shown, label, unit="B", unit_scale=True, unit_divisor=1024)
    return bar, shown


class _Counted(io.RawIOBase):
    """A raw binary file that reports every byte read to a progress bar."""

    def __init__(self, raw: io.FileIO, bar: Bar) -> None:
        super().__init__()
        self._raw = raw
        self._bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        count = self._raw.readinto(buffer)
        if count:
            self._bar.update(count)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


@contextlib.contextmanager
def open_text(path: PathLike, encoding: str, bar: Bar | None = None) -> Iterator[IO[str]]:
    """*path* as text (``.gz`` decompressed), counting the bytes read into *bar*.

    Lines keep their endings as written (``newline=""``), as the csv module wants.

    Raises
    ------
    FileNotFoundError
        When *path* does not exist, naming it.
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"no such file: {name}")
    with contextlib.ExitStack() as stack:
        binary: io.BufferedIOBase
        if bar is None:
            binary = stack.enter_context(open(name, "rb"))
        else:
            raw = _Counted(stack.enter_context(open(name, "rb", buffering=0)), bar)
            binary = stack.enter_context(io.BufferedReader(raw, buffer_size=1 << 20))
        if name.endswith(".gz"):
            binary = stack.enter_context(gzip.GzipFile(fileobj=binary, mode="rb"))
        yield stack.enter_context(io.TextIOWrapper(binary, encoding=encoding, newline=""))
