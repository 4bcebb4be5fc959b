"""Hostile saved scores and configurations: refused for the true reason, in little memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import influence
from influence import Scorer, Scores
from influence.config import from_toml, load_scorer, loads_toml
from influence.scoring import persist, safe_load
from influence.testing import small_world

MB = 2**20


def _meta(**changes: Any) -> np.ndarray:
    meta = {
        "format": "influence.scores",
        "version": 1,
        "as_of": None,
        "config": {"signals": [], "discounts": [], "modifiers": []},
        "names": [],
        "roles": [],
        "details": {},
        "library": "0",
    }
    meta.update(changes)
    return np.array(json.dumps(meta))


def _write(archive: zipfile.ZipFile, key: str, array: np.ndarray) -> None:
    with archive.open(f"{key}.npy", "w", force_zip64=True) as handle:
        np.lib.format.write_array(handle, array, allow_pickle=False)


def _header(archive: zipfile.ZipFile, key: str, descr: str, shape: tuple[int, ...], data: bytes
            = b"", *, zeros: int = 0) -> None:  # fmt: skip
    """A member with the given header, then *data*, then *zeros* zero bytes (deflated)."""
    with archive.open(f"{key}.npy", "w", force_zip64=True) as handle:
        header = {"descr": descr, "fortran_order": False, "shape": shape}
        np.lib.format.write_array_header_1_0(handle, header)
        handle.write(data)
        block = bytes(MB)
        while zeros:
            step = min(zeros, MB)
            handle.write(block[:step])
            zeros -= step


def _npz(
    path: Path,
    build: Callable[[zipfile.ZipFile], None],
    without: tuple[str, ...] = (),
    **arrays: np.ndarray,
) -> Path:
    """An archive of meta, 8 users and empty parts (*arrays* replacing any, *without* left
    out), then what *build* adds."""
    base: dict[str, np.ndarray] = {
        "meta": _meta(),
        "users": np.arange(8),
        "values": np.zeros(8),
        "parts": np.zeros((8, 0)),
        "components": np.zeros((8, 0)),
    }
    base.update(arrays)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in base.items():
            if key not in without:
                _write(archive, key, array)
        build(archive)
    return path


@pytest.fixture
def traced() -> Iterator[Callable[[], float]]:
    """Peak traced memory, in MB, since the fixture started."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def _refused(path: Path, message: str) -> str:
    with pytest.raises(ValueError, match=message) as info:
        Scores.load(path)
    text = str(info.value)
    assert text.startswith(f"{path}: not valid saved scores: ")
    assert "\n" not in text
    return text


def test_the_valid_layout_loads(tmp_path: Path) -> None:
    path = _npz(tmp_path / "ok.npz", lambda a: None)
    loaded = Scores.load(path)
    assert len(loaded) == 8
    assert loaded.part_names == ()


def test_tiny_file_declaring_a_huge_shape(tmp_path: Path, traced: Callable[[], float]) -> None:
    def huge(archive: zipfile.ZipFile) -> None:
        _header(archive, "values", "<f8", (10**12,), bytes(64))

    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        _write(archive, "meta", _meta())
        _write(archive, "users", np.arange(8))
        huge(archive)
    _refused(
        path,
        r"array 'values' is truncated: its header declares float64 \(1000000000000,\) "
        r"\(8000000000000 bytes\) but the member holds 64 bytes",
    )
    assert traced() < 4


def test_deflated_bomb_inconsistent_with_the_users(
    tmp_path: Path, traced: Callable[[], float]
) -> None:
    n = 40_000_000  # 320 MB of zeros in a file of about 300 KB
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "meta", _meta())
        _write(archive, "users", np.arange(8))
        _header(archive, "values", "<f8", (n,), zeros=8 * n)
    assert path.stat().st_size < 2 * MB
    tracemalloc.reset_peak()
    _refused(path, r"array 'values' has shape \(40000000,\); expected \(8,\) \(one row per user\)")
    assert traced() < 4


def test_bomb_of_repeated_users_is_refused_at_the_first_chunk(
    tmp_path: Path, traced: Callable[[], float]
) -> None:
    n = 20_000_000  # shapes consistent with each other; the ids are all 0
    path = tmp_path / "users.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "meta", _meta())
        _header(archive, "users", "<i8", (n,), zeros=8 * n)
        _header(archive, "values", "<f8", (n,), zeros=8 * n)
        _header(archive, "parts", "<f8", (n, 0))
        _header(archive, "components", "<f8", (n, 0))
    tracemalloc.reset_peak()
    _refused(path, r"array 'users': ids must be sorted and unique")
    assert traced() < 8


def test_truncated_member(tmp_path: Path) -> None:
    path = _npz(
        tmp_path / "cut.npz", lambda a: _header(a, "values", "<f8", (8,), bytes(40)), ("values",)
    )
    text = _refused(path, r"array 'values' is truncated: .* \(64 bytes\) but the member holds 40")
    assert "object array" not in text


def test_member_with_bytes_beyond_its_shape(tmp_path: Path) -> None:
    path = _npz(
        tmp_path / "long.npz", lambda a: _header(a, "values", "<f8", (8,), bytes(72)), ("values",)
    )
    _refused(path, r"array 'values' holds 8 bytes more than its header declares")


def test_object_member_is_refused_as_an_object_array(tmp_path: Path) -> None:
    path = _npz(
        tmp_path / "object.npz", lambda a: _header(a, "values", "|O", (8,), b"x" * 64), ("values",)
    )
    _refused(path, r"array 'values' is an object array, which is never read \(no pickle\)")


def test_members_that_are_not_arrays(tmp_path: Path) -> None:
    def text(archive: zipfile.ZipFile) -> None:
        archive.writestr("notes.txt", "hello")

    _refused(_npz(tmp_path / "text.npz", text), r"member 'notes.txt' is not an \.npy array")

    def garbage(archive: zipfile.ZipFile) -> None:
        archive.writestr("values2.npy", b"\x93NUMPY\x09\x09rest")

    _refused(_npz(tmp_path / "garbage.npz", garbage), r"array 'values2' has \.npy format version")

    def no_magic(archive: zipfile.ZipFile) -> None:
        archive.writestr("values2.npy", b"plain bytes, no magic string")

    _refused(
        _npz(tmp_path / "magic.npz", no_magic), r"array 'values2' has no readable \.npy header"
    )


def test_a_member_stored_twice(tmp_path: Path) -> None:
    def twice(archive: zipfile.ZipFile) -> None:
        with pytest.warns(UserWarning, match="Duplicate name"):
            _write(archive, "values", np.ones(8))

    _refused(_npz(tmp_path / "twice.npz", twice), r"array 'values' is stored twice")


def test_metadata_declaring_a_huge_text(tmp_path: Path, traced: Callable[[], float]) -> None:
    path = tmp_path / "meta.npz"
    with zipfile.ZipFile(path, "w") as archive:
        _header(archive, "meta", "<U100000000", (), bytes(16))
    _refused(path, r"array 'meta' is truncated")
    assert traced() < 4


def test_metadata_larger_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _npz(tmp_path / "ok.npz", lambda a: None)
    monkeypatch.setattr(persist, "MAX_META_BYTES", 100)
    _refused(path, r"array 'meta' declares \d+ bytes of metadata")


@pytest.mark.parametrize(
    ("depth", "message"),
    [(100_000, "the metadata is nested too deeply to parse"), (100, "more than 64 levels deep")],
)
def test_deeply_nested_metadata(tmp_path: Path, depth: int, message: str) -> None:
    text = str(_meta())
    deep = text.replace('"signals": []', '"signals": ' + "[" * depth + "]" * depth)
    path = _npz(tmp_path / "deep.npz", lambda a: None, meta=np.array(deep))
    _refused(path, message)


def test_memory_error_is_a_one_line_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _npz(tmp_path / "ok.npz", lambda a: None)

    def no_memory(*args: Any, **kwargs: Any) -> np.ndarray:
        raise MemoryError

    monkeypatch.setattr(safe_load.np, "empty", no_memory)
    _refused(path, r"array 'meta' .* does not fit in memory")


def test_fortran_order_and_big_endian_members_load(tmp_path: Path) -> None:
    scores = Scorer().score(small_world())
    path = tmp_path / "scores.npz"
    scores.save(path)
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["parts"] = np.asfortranarray(arrays["parts"])
    arrays["values"] = arrays["values"].astype(">f8")
    other = tmp_path / "other.npz"
    with zipfile.ZipFile(other, "w") as archive:
        for key, array in arrays.items():
            _write(archive, key, array)
    loaded = Scores.load(other)
    assert np.array_equal(loaded.values, scores.values)
    for name in scores.part_names:
        assert np.array_equal(loaded.parts[name], scores.parts[name])


# --------------------------------------------------------------------------- parquet
def _parquet(path: Path, rows: int, columns: dict[str, Any], meta: np.ndarray) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    schema = pa.schema(list(columns.items()), metadata={"influence.scores": str(meta)})
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, MB):
            k = min(MB, rows - start)
            data = {name: pa.array(np.zeros(k)).cast(kind) for name, kind in columns.items()}
            writer.write_table(pa.table(data, schema=schema))
    return path


def test_parquet_schema_is_checked_before_any_column_is_read(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    rows = 30_000_000  # 240 MB a column, once decoded; about 400 KB on disk
    columns = {"user": pa.int64(), "score": pa.float64(), "notes": pa.float64()}
    path = _parquet(tmp_path / "extra.parquet", rows, columns, _meta())
    assert path.stat().st_size < 2 * MB
    script = textwrap.dedent(
        f"""
        import resource
        from influence import Scores
        def peak():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        Scores.load({str(tmp_path / "ok.parquet")!r})  # warm: pyarrow loaded
        base = peak()
        try:
            Scores.load({str(path)!r})
        except ValueError as exc:
            print(round(peak() - base), exc)
        """
    )
    Scores.load(_npz(tmp_path / "ok.npz", lambda a: None)).save(tmp_path / "ok.parquet")
    env = {**os.environ, "PYTHONPATH": str(Path(influence.__file__).parents[1])}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout
    grown, message = out.split(" ", 1)
    assert "unexpected column(s) ['notes']" in message
    assert int(grown) < 32  # MB of resident memory; reading the columns took over 700


def test_parquet_column_types(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    text = {"user": pa.int64(), "score": pa.string()}
    _refused(
        _parquet(tmp_path / "t.parquet", 3, text, _meta()),
        r"column 'score' has type string; expected float64",
    )
    small = {"user": pa.int64(), "score": pa.float32()}
    _refused(
        _parquet(tmp_path / "f.parquet", 3, small, _meta()),
        r"column 'score' has type float; expected float64",
    )
    ids = {"user": pa.float64(), "score": pa.float64()}
    _refused(
        _parquet(tmp_path / "u.parquet", 3, ids, _meta()),
        r"column 'user' has type double; expected integers or strings",
    )
    named = _meta(names=["engagement"], roles=["signal"])
    _refused(
        _parquet(tmp_path / "n.parquet", 3, {"user": pa.int64(), "score": pa.float64()}, named),
        r"missing column\(s\) \['parts/engagement', 'components/engagement'\]",
    )


def test_parquet_deeply_nested_metadata(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    deep = str(_meta()).replace('"signals": []', '"signals": ' + "[" * 50_000 + "]" * 50_000)
    columns = {"user": pa.int64(), "score": pa.float64()}
    _refused(
        _parquet(tmp_path / "d.parquet", 3, columns, np.array(deep)),
        "the metadata is nested too deeply to parse",
    )


# --------------------------------------------------------------------------- configurations
@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.json", '{"signals": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ("b.json", '{"weights": ' + "[" * 200 + "]" * 200 + "}", "more than 64 levels deep"),
        ("c.toml", "a = " + "[" * 100_000 + "]" * 100_000, "nested too deeply to parse"),
        ("d.toml", "a = " + "[" * 200 + "]" * 200, "more than 64 levels deep"),
    ],
)
def test_deeply_nested_configurations(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        load_scorer(path)
    assert str(info.value).startswith(str(path))


def test_deep_teleport_chain_is_a_value_error() -> None:
    inner = "{type='activity'}"
    for _ in range(2000):
        inner = f"{{type='authority', params={{teleport={inner}}}}}"
    with pytest.raises(ValueError, match="nested too deeply"):
        from_toml(f"[[signals]]\ntype = 'authority'\nparams = {{teleport = {inner}}}\n")
    with pytest.raises(ValueError, match="nested too deeply"):
        loads_toml(f"x = {inner}\n")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"signals": [{"type": "engagement", "params": {"window_dayz": 3}}]},
            r"unknown parameter 'window_dayz' of Engagement; did you mean 'window_days'\? "
            r"allowed: \['window_days', 'half_life_days'",
        ),
        ({"signals": [{"type": "engagment"}]}, r"did you mean 'engagement'\? registered: \["),
        ({"signalz": []}, r"unknown key\(s\) \['signalz'\]; did you mean 'signals'\? allowed"),
    ],
)
def test_misspelt_configuration_files(tmp_path: Path, config: dict[str, Any], message: str) -> None:
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=message) as info:
        load_scorer(path)
    assert str(info.value).startswith(f"{path}: ")


def test_encrypted_or_unknown_compression_members(tmp_path: Path) -> None:
    path = _npz(tmp_path / "odd.npz", lambda a: None)
    data = bytearray(path.read_bytes())
    # set the "encrypted" flag bit of every local and central header
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flag_at] |= 1
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    _refused(path, r"array 'meta' cannot be read \(.*encrypted")


def test_ids_declared_far_wider_than_they_are(tmp_path: Path, traced: Callable[[], float]) -> None:
    n, width = 2000, 20_000  # 160 MB of ids as declared, 16 KB as they are
    ids = np.array([f"user{i:05d}" for i in range(n)])
    path = tmp_path / "wide.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "meta", _meta())
        with archive.open("users.npy", "w", force_zip64=True) as handle:
            np.lib.format.write_array(handle, ids.astype(f"<U{width}"), allow_pickle=False)
        _write(archive, "values", np.zeros(n))
        _write(archive, "parts", np.zeros((n, 0)))
        _write(archive, "components", np.zeros((n, 0)))
    assert path.stat().st_size < 2 * MB
    tracemalloc.reset_peak()
    loaded = Scores.load(path)
    assert traced() < 16
    assert np.array_equal(loaded.users.ids, ids)
    assert loaded.users.ids.dtype == ids.dtype


def test_an_old_file_with_one_very_long_id_loads_without_widening_every_id(
    tmp_path: Path, traced: Callable[[], float]
) -> None:
    # Written fixed-width, as files were before the UTF-8 layout: one id 20,000 long
    # among 2,000 short ones. Read back, the ids are held as objects, not 160 MB wide.
    ids = np.array([f"user{i:05d}" for i in range(2000)] + ["z" * 20_000])
    path = tmp_path / "old.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "meta", _meta())
        _write(archive, "users", ids)
        _write(archive, "values", np.zeros(ids.size))
        _write(archive, "parts", np.zeros((ids.size, 0)))
        _write(archive, "components", np.zeros((ids.size, 0)))
    del ids
    tracemalloc.reset_peak()
    loaded = Scores.load(path)
    assert traced() < 16
    assert loaded.users.ids.dtype.kind == "O"
    assert loaded.users.ids[-1] == "z" * 20_000
    assert loaded.users.ids[0] == "user00000"


def _utf8_users(texts: list[str]) -> dict[str, np.ndarray]:
    encoded = [t.encode() for t in texts]
    return {
        "users.utf8": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "users.ends": np.cumsum([len(e) for e in encoded]).astype(np.int64),
    }


def _utf8_npz(path: Path, users: dict[str, np.ndarray], n: int = 3) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "meta", _meta())
        for key, array in users.items():
            _write(archive, key, array)
        _write(archive, "values", np.zeros(n))
        _write(archive, "parts", np.zeros((n, 0)))
        _write(archive, "components", np.zeros((n, 0)))
    return path


def test_the_utf8_layout_loads(tmp_path: Path) -> None:
    path = _utf8_npz(tmp_path / "ok.npz", _utf8_users(["ann", "bob", "zoë"]))
    assert Scores.load(path).users.ids.tolist() == ["ann", "bob", "zoë"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda u: {**u, "users.ends": np.array([3, 2, 8])}, "does not end each id within"),
        (lambda u: {**u, "users.ends": np.array([3, 6, 99])}, "does not end each id within"),
        (lambda u: {**u, "users.ends": np.array([-1, 6, 8])}, "does not end each id within"),
        (
            lambda u: {**u, "users.utf8": np.frombuffer(b"annbob\xff\xfe", dtype=np.uint8)},
            "is not UTF-8",
        ),
        (lambda u: _utf8_users(["bob", "ann", "cy"]), "sorted and unique"),
        (lambda u: _utf8_users(["ann", "ann", "cy"]), "sorted and unique"),
        (lambda u: {"users.utf8": u["users.utf8"]}, "missing array 'users'"),
        (lambda u: {**u, "users": np.arange(3)}, "stored in two layouts"),
        (lambda u: {**u, "users.ends": np.array([3.0, 6.0, 8.0])}, "'users.ends' has dtype"),
        (lambda u: {**u, "users.utf8": np.zeros(8, dtype=np.int16)}, "'users.utf8' has dtype"),
    ],
)
def test_a_bad_utf8_layout_is_refused(
    tmp_path: Path, change: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]], message: str
) -> None:
    users = change(_utf8_users(["ann", "bob", "cy"]))
    _refused(_utf8_npz(tmp_path / "bad.npz", users), message)
