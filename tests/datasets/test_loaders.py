"""influence.datasets.loaders on small files: the readers of the real logs the evaluation uses."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from influence.datasets.loaders import (
    load_bitcoin_otc,
    load_bitcoin_otc_ratings,
    load_collegemsg,
    load_higgs,
)


def test_loaders_read_small_files(tmp_path: Path) -> None:
    higgs = tmp_path / "higgs.txt.gz"
    higgs.write_bytes(gzip.compress(b"2 1 100 RT\n3 1 101 MT\n1 3 102 RE\n3 3 103 RT"))
    events = load_higgs(higgs)
    assert events.action_counts() == {
        "post": 0,
        "reply": 1,
        "share": 2,
        "like": 0,
        "mention": 1,
        "follow": 0,
    }
    plain = tmp_path / "higgs.txt"
    plain.write_bytes(b"2 1 100 RT\n\n3 1 101 MT\n")  # a blank line: the careful path
    assert len(load_higgs(plain)) == 2
    college = tmp_path / "college.txt"
    college.write_text("1 2 10\n2 1 20\n")
    assert load_collegemsg(college).action_counts()["mention"] == 2
    otc = tmp_path / "otc.csv"
    otc.write_bytes(b"1,2,5,100\r\n2,1,-3,110\r\n3,1,1,120\r\n")
    ratings = load_bitcoin_otc_ratings(otc)
    assert ratings.rating.tolist() == [5, -3, 1]
    assert ratings.time.dtype == np.float64
    assert len(load_bitcoin_otc(otc)) == 2
    with pytest.raises(ValueError, match="1 non-positive"):
        load_bitcoin_otc(otc, negative="raise")


def test_loaders_name_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "higgs.txt"
    bad.write_text("2 1 100 RT\n3 1 101 XX\n")
    with pytest.raises(ValueError, match="line 2 is not"):
        load_higgs(bad)
    ragged = tmp_path / "college.txt"
    ragged.write_text("1 2 10\n2 1\n3 4 30\n")
    with pytest.raises(ValueError, match="line 2 is not"):
        load_collegemsg(ragged)
    shifted = tmp_path / "shifted.txt"
    shifted.write_text("1 2 10 7\n2 1\n")  # six numbers, two lines, but not three per line
    with pytest.raises(ValueError, match="line 1 is not"):
        load_collegemsg(shifted)
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_higgs(tmp_path / "missing.gz")
    with pytest.raises(ValueError, match="'negative' parameter"):
        load_bitcoin_otc(bad, negative="keep")  # type: ignore[arg-type]
