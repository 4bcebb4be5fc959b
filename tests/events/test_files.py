"""Opening event files: byte-order marks, gzip, missing files, the progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from events._sample import write, write_gz
from influence import Events
from influence.events.files import file_bar, open_text


def test_csv_with_a_byte_order_mark_is_read(tmp_path: Any) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbftime,actor,action,target\n1,ann,like,bob\n")
    assert len(Events.read_csv(path)) == 1


def test_open_text_reads_plain_and_gzip_keeping_line_endings(tmp_path: Path) -> None:
    text = "time,actor\r\n1,ann\n"
    plain = tmp_path / "a.csv"
    plain.write_bytes(text.encode())
    packed = write_gz(tmp_path / "a.csv.gz", text)
    for path in (plain, packed, str(plain)):
        with open_text(path, "utf-8") as handle:
            assert handle.read() == text


def test_open_text_names_a_missing_file(tmp_path: Path) -> None:
    with (
        pytest.raises(FileNotFoundError, match=r"no such file: .*nope\.csv"),
        open_text(tmp_path / "nope.csv", "utf-8"),
    ):
        pass


def test_open_text_counts_every_byte_into_a_bar(tmp_path: Path) -> None:
    class Tally:
        n = 0

        def update(self, n: float = 1) -> None:
            self.n += int(n)

    path = write(tmp_path / "a.jsonl", "x" * 5000 + "\n")
    bar = Tally()
    with open_text(path, "utf-8", bar) as handle:  # type: ignore[arg-type]
        assert len(handle.read()) == 5001
    assert bar.n == 5001


@pytest.mark.parametrize("setting", ["auto", False])
def test_file_bar_is_silent_for_small_files_or_when_off(tmp_path: Path, setting: Any) -> None:
    path = write(tmp_path / "a.csv", "time,actor,action\n")
    bar, shown = file_bar(path, setting, "test")
    assert shown is False
    with bar:
        bar.update(3)
