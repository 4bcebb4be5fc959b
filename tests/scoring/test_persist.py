"""Saving and loading Scores, CSV and JSON export, and scorer configuration files (TOML)."""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from influence import Calibration, Events, Scorer, Scores, register
from influence.components import Authority, Credibility, DistinctEngagers, Inactivity
from influence.config import (
    dump_scorer,
    dumps_toml,
    from_toml,
    load_scorer,
    loads_toml,
    read_config,
    to_toml,
)
from influence.scoring.persist import FORMULA_PREFIXES, neutralise, write_json
from influence.testing import small_world

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "config-example.toml"
HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
FORMATS = [
    "npz",
    pytest.param("parquet", marks=pytest.mark.skipif(not HAS_PYARROW, reason="needs pyarrow")),
]


@pytest.fixture(scope="module")
def scores() -> Scores:
    return Scorer().score(small_world())


@pytest.fixture(scope="module")
def int_scores() -> Scores:
    rng = np.random.default_rng(0)
    n = 200
    events = Events.from_arrays(
        time=np.sort(rng.uniform(0, 30 * 86400, n)),
        actor=rng.integers(-5, 40, n),
        action=np.full(n, 3),
        target=rng.integers(-5, 40, n),
    )
    return Scorer().score(events)


def _same(a: Scores, b: Scores) -> None:
    assert np.array_equal(a.users.ids, b.users.ids)
    assert a.users.ids.dtype == b.users.ids.dtype
    assert np.array_equal(a.values, b.values)
    assert a.part_names == b.part_names
    for name in a.part_names:
        assert np.array_equal(a.parts[name], b.parts[name])
        assert np.array_equal(a.components[name], b.components[name])
    assert a.as_of == b.as_of
    assert a.config == b.config
    for user in a:
        assert a.explain(user) == b.explain(user)


# --------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_string_ids(scores: Scores, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"scores.{fmt}"
    scores.save(path)
    loaded = Scores.load(path)
    _same(scores, loaded)
    assert loaded.users.ids.dtype.kind == "U"
    assert "distinct users engaged" in loaded.explain("ann").reasons["engagement"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_integer_ids(int_scores: Scores, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"scores.{fmt}"
    int_scores.save(str(path))
    loaded = Scores.load(str(path))
    _same(int_scores, loaded)
    assert loaded.users.ids.dtype == np.int64
    assert loaded.users.ids.min() < 0  # negative ids survive


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_empty(tmp_path: Path, fmt: str) -> None:
    empty = Scorer().score(Events.empty())
    path = tmp_path / f"empty.{fmt}"
    empty.save(path)
    loaded = Scores.load(path)
    assert len(loaded) == 0
    assert loaded.as_of is None
    assert loaded.part_names == empty.part_names


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_nested_teleport(tmp_path: Path, fmt: str) -> None:
    scorer = Scorer(
        signals=[Authority(teleport=DistinctEngagers(window_days=30)), DistinctEngagers()],
        modifiers=[Inactivity(grace_days=2.0)],
        weights={"authority": 2.0},
    )
    scores = scorer.score(small_world(1))
    path = tmp_path / f"authority.{fmt}"
    scores.save(path)
    loaded = Scores.load(path)
    _same(scores, loaded)
    assert Scorer.from_config(loaded.config) == scorer


def _unregistered(events: Events, *, as_of: float) -> np.ndarray:
    return np.ones(events.n_users)


def test_unregistered_component_explains_generically(tmp_path: Path) -> None:
    scores = Scorer(signals=[("mine", _unregistered), DistinctEngagers()]).score(small_world())
    path = tmp_path / "scores.npz"
    scores.save(path)
    loaded = Scores.load(path)
    _same(scores, loaded)  # the original explains it generically too
    assert loaded.explain("ann").reasons["mine"].startswith("mine: value 1")


def test_npz_layout_has_no_object_arrays(scores: Scores, tmp_path: Path) -> None:
    path = tmp_path / "scores.npz"
    scores.save(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    assert {"meta", "users", "values", "parts", "components"} <= set(arrays)
    assert "details/engagement/engagers" in arrays
    assert all(a.dtype.kind != "O" for a in arrays.values())
    assert arrays["users"].dtype.kind == "U"
    assert arrays["parts"].shape == (len(scores), len(scores.part_names))
    meta = json.loads(str(arrays["meta"]))
    assert meta["format"] == "influence.scores"
    assert meta["version"] == 1
    assert meta["as_of"] == scores.as_of
    assert meta["config"] == scores.config
    assert meta["names"] == list(scores.part_names)


def test_save_replaces_an_existing_file(scores: Scores, tmp_path: Path) -> None:
    path = tmp_path / "scores.npz"
    path.write_bytes(b"old")
    scores.save(path)
    _same(scores, Scores.load(path))
    assert [p.name for p in tmp_path.iterdir()] == ["scores.npz"]  # no temporary file left


def test_save_refuses_object_evidence(tmp_path: Path) -> None:
    @dataclass(frozen=True)
    class Odd:
        name: ClassVar[str] = "odd"

        def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
            return np.zeros(events.n_users)

        def evidence(self, events: Events, *, as_of: float) -> Any:
            from influence import Evidence

            facts = np.empty(events.n_users, dtype=object)
            facts[:] = [{"a": 1}] * events.n_users
            return Evidence(np.zeros(events.n_users), {"facts": facts})

        def reason(self, details: Any, points: float) -> str:
            return "odd"

    scores = Scorer(signals=[Odd()], modifiers=[]).score(small_world())
    with pytest.raises(ValueError, match="evidence 'facts' of part 'odd'"):
        scores.save(tmp_path / "odd.npz")
    assert not (tmp_path / "odd.npz").exists()


def test_string_evidence_is_stored_as_unicode(tmp_path: Path) -> None:
    @dataclass(frozen=True)
    class Labelled:
        name: ClassVar[str] = "labelled"

        def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
            return np.zeros(events.n_users)

        def evidence(self, events: Events, *, as_of: float) -> Any:
            from influence import Evidence

            labels = np.array(["x"] * events.n_users, dtype=object)
            return Evidence(np.zeros(events.n_users), {"label": labels})

        def reason(self, details: Any, points: float) -> str:
            return f"label {details['label']}"

    scores = Scorer(signals=[Labelled()], modifiers=[]).score(small_world())
    scores.save(tmp_path / "labelled.npz")
    with np.load(tmp_path / "labelled.npz", allow_pickle=False) as archive:
        assert archive["details/labelled/label"].dtype.kind == "U"


def test_bad_extensions_and_missing_files(scores: Scores, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown format '\.pkl'.*\.npz or \.parquet"):
        scores.save(tmp_path / "scores.pkl")
    with pytest.raises(ValueError, match="unknown format"):
        Scores.load(tmp_path / "scores.pickle")
    with pytest.raises(FileNotFoundError, match="no such file"):
        Scores.load(tmp_path / "absent.npz")
    with pytest.raises(FileNotFoundError, match="no such directory"):
        scores.save(tmp_path / "absent" / "scores.npz")


# --------------------------------------------------------------------------- schema refusal
def _arrays(scores: Scores, tmp_path: Path) -> dict[str, np.ndarray]:
    path = tmp_path / "good.npz"
    scores.save(path)
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in arrays.items():
            with archive.open(f"{key}.npy", "w") as handle:
                np.lib.format.write_array(handle, array, allow_pickle=False)
    return path


def _meta(arrays: dict[str, np.ndarray], **changes: Any) -> np.ndarray:
    meta = json.loads(str(arrays["meta"]))
    meta.update(changes)
    return np.array(json.dumps(meta))


def _drop(key: str) -> Callable[[dict[str, np.ndarray]], None]:
    return lambda a: a.pop(key)


def _set(key: str, value: Callable[[dict[str, np.ndarray]], np.ndarray]) -> Any:
    return lambda a: a.__setitem__(key, value(a))


def _remove_meta_key(key: str) -> Any:
    def change(a: dict[str, np.ndarray]) -> None:
        meta = json.loads(str(a["meta"]))
        del meta[key]
        a["meta"] = np.array(json.dumps(meta))

    return change


REFUSALS = {
    "missing values": (_drop("values"), "missing array 'values'"),
    "missing meta": (_drop("meta"), "missing array 'meta'"),
    "missing details": (
        _drop("details/engagement/engagers"),
        "missing array 'details/engagement/engagers'",
    ),
    "float32 values": (
        _set("values", lambda a: a["values"].astype(np.float32)),
        "array 'values' has dtype float32",
    ),
    "parts shape": (_set("parts", lambda a: a["parts"][:, :2]), "array 'parts' has shape"),
    "ids as floats": (
        _set("users", lambda a: np.arange(len(a["values"]), dtype=float)),
        "array 'users' has dtype float64",
    ),
    "unsorted ids": (_set("users", lambda a: a["users"][::-1].copy()), "sorted and unique"),
    "non-finite": (
        _set("values", lambda a: np.full_like(a["values"], np.nan)),
        "non-finite",
    ),
    "extra array": (_set("notes", lambda a: np.zeros(3)), r"unexpected array\(s\) \['notes'\]"),
    "version 2": (_set("meta", lambda a: _meta(a, version=2)), "format version 2 is not supported"),
    "version text": (
        _set("meta", lambda a: _meta(a, version="1")),
        "format version must be an integer",
    ),
    "other format": (
        _set("meta", lambda a: _meta(a, format="something")),
        "not an influence scores file",
    ),
    "meta not json": (_set("meta", lambda a: np.array("{oops")), "metadata is not JSON"),
    "meta not 0-d": (
        _set("meta", lambda a: np.array([str(a["meta"])])),
        "'meta' must be a 0-d unicode array",
    ),
    "meta lacks as_of": (_remove_meta_key("as_of"), r"metadata lacks \['as_of'\]"),
    "bad role": (
        _set("meta", lambda a: _meta(a, roles=["boss"] * 6)),
        "metadata 'roles'",
    ),
    "bad as_of": (_set("meta", lambda a: _meta(a, as_of="yesterday")), "metadata 'as_of'"),
    "config differs": (
        _set("meta", lambda a: _meta(a, config=Scorer(modifiers=[]).to_config())),
        "differ from the stored parts",
    ),
    "config bad params": (
        _set(
            "meta",
            lambda a: _meta(
                a,
                config={
                    **Scorer().to_config(),
                    "signals": [
                        {"name": "engagement", "type": "engagement", "params": {"colour": 1}},
                        *Scorer().to_config()["signals"][1:],
                    ],
                },
            ),
        ),
        "part 'engagement' cannot be rebuilt",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_npz_schema_refusals(scores: Scores, tmp_path: Path, case: str) -> None:
    change, message = REFUSALS[case]
    arrays = _arrays(scores, tmp_path)
    change(arrays)
    path = _write_npz(tmp_path / "bad.npz", arrays)
    with pytest.raises(ValueError, match=message) as info:
        Scores.load(path)
    assert str(info.value).startswith(f"{path}: not valid saved scores: ")


def test_object_array_is_refused_without_unpickling(scores: Scores, tmp_path: Path) -> None:
    arrays = _arrays(scores, tmp_path)
    path = _write_npz(tmp_path / "object.npz", arrays)
    with zipfile.ZipFile(path, "a") as archive, archive.open("evil.npy", "w") as handle:
        header = {"descr": "|O", "fortran_order": False, "shape": (1,)}
        np.lib.format.write_array_header_1_0(handle, header)
        handle.write(b"not a pickle, and never unpickled")
    with pytest.raises(ValueError, match="'evil' is an object array"):
        Scores.load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"hello", r"not an \.npz archive"), (b"", r"not an \.npz archive")],
)
def test_non_archives_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "junk.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        Scores.load(path)


def test_npy_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.npz"
    with open(path, "wb") as handle:
        np.save(handle, np.arange(3), allow_pickle=False)
    with pytest.raises(ValueError, match=r"not an \.npz archive"):
        Scores.load(path)


def test_parquet_refusals(scores: Scores, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "scores.parquet"
    scores.save(path)
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"influence.scores"])

    def refuse(bad: Any, message: str) -> None:
        target = tmp_path / "bad.parquet"
        pq.write_table(bad, target)
        with pytest.raises(ValueError, match=message):
            Scores.load(target)

    refuse(table.replace_schema_metadata(None), "no 'influence.scores' metadata")
    newer = json.dumps({**meta, "version": 7})
    refuse(table.replace_schema_metadata({"influence.scores": newer}), "format version 7")
    refuse(table.drop_columns(["parts/activity"]), r"missing column\(s\) \['parts/activity'\]")
    extra = table.append_column("notes", pa.array(["x"] * table.num_rows))
    refuse(extra, r"unexpected column\(s\) \['notes'\]")
    as_text = table.set_column(1, "score", pa.array([str(v) for v in scores.values]))
    refuse(as_text, "column 'score' has type string; expected float64")
    nulls = table.set_column(1, "score", pa.array([None] * table.num_rows, pa.float64()))
    refuse(nulls, "column 'score' has 8 missing value")
    (tmp_path / "text.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        Scores.load(tmp_path / "text.parquet")


def test_parquet_without_pyarrow(
    scores: Scores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match="needs pyarrow"):
        scores.save(tmp_path / "scores.parquet")


# --------------------------------------------------------------------------- CSV and JSON
def test_neutralise() -> None:
    for prefix in FORMULA_PREFIXES:
        assert neutralise(prefix + "x") == "'" + prefix + "x"
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}
    for safe in ["ann", "a=b", "1+1", "'quoted", "", " x"]:
        assert neutralise(safe) == safe


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_content(scores: Scores, tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    scores.to_csv(path)
    rows = _read_csv(path)
    assert rows[0] == ["user", "score", *scores.part_names]
    assert [r[0] for r in rows[1:]] == list(scores.users)
    for row, record in zip(rows[1:], scores.to_records()):
        assert float(row[1]) == record["score"]  # repr precision: exact
        assert [float(x) for x in row[2:]] == [record[n] for n in scores.part_names]
    assert "-0.0" not in {field for row in rows for field in row}


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    ids = ["=SUM(A1:A9)", "+1", "-2", "@cmd", '=HYPERLINK("x","y")', "a,b", 'q"uote', "a=b"]
    events = Events.from_records(
        [{"time": t, "actor": user, "action": "like", "target": "idol"} for t, user in
         enumerate(ids)]
    )  # fmt: skip
    scorer = Scorer(signals=[("=evil", DistinctEngagers())], discounts=[], modifiers=[])
    scores = scorer.score(events)
    path = tmp_path / "scores.csv"
    scores.to_csv(path)
    rows = _read_csv(path)
    assert rows[0] == ["user", "score", "'=evil"]
    cells = {r[0] for r in rows[1:]}
    expected = {("'" + u if u[0] in "=+-@" else u) for u in [*ids, "idol"]}
    assert cells == expected
    for cell in cells:
        assert cell[0] not in "=+-@\t\r"


def test_csv_integer_ids_are_numbers(int_scores: Scores, tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    int_scores.to_csv(path)
    users = [int(r[0]) for r in _read_csv(path)[1:]]  # negative ids are numbers, not quoted
    assert users == list(int_scores.users)


def test_json_records(scores: Scores, tmp_path: Path) -> None:
    path = tmp_path / "scores.json"
    write_json(scores, path)
    assert json.loads(path.read_text()) == scores.to_records()
    empty = Scorer().score(Events.empty())
    write_json(empty, path)
    assert json.loads(path.read_text()) == []


# --------------------------------------------------------------------------- TOML
def _custom() -> Scorer:
    return Scorer(
        signals=[
            ("reach", Authority(teleport=DistinctEngagers(window_days=30), damping=0.8)),
            ('we"ird\\name', DistinctEngagers(window_days=7)),
        ],
        weights={"reach": 2.5, 'we"ird\\name': 0.5},
        discounts=[Credibility(trusted=("ann", "b\tob"), distrusted=(3,))],
        modifiers=[Inactivity()],
        calibration=Calibration(midpoint=7.5, shape=0.75),
    )


@pytest.mark.parametrize(
    "make", [Scorer, _custom, lambda: Scorer(modifiers=[]), lambda: Scorer(discounts=[])]
)
def test_toml_round_trip(make: Callable[[], Scorer], tmp_path: Path) -> None:
    scorer = make()
    assert from_toml(to_toml(scorer)) == scorer
    assert loads_toml(to_toml(scorer)) == _without_none(scorer.to_config())
    for suffix in (".toml", ".json"):
        path = tmp_path / f"scorer{suffix}"
        dump_scorer(scorer, path)
        assert load_scorer(path) == scorer


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def test_toml_nested_teleport_text() -> None:
    text = to_toml(_custom())
    assert "[signals.params.teleport]" in text
    assert "[signals.params.teleport.params]" in text
    assert '[weights]\nreach = 2.5\n"we\\"ird\\\\name" = 0.5\n' in text
    assert 'trusted = ["ann", "b\\tob"]' in text
    assert "distrusted = [3]" in text


def test_dumps_toml_values() -> None:
    data = {
        "floats": [0.1, 1e-9, 1e300, -2.5, math.inf, -math.inf, 3.0],
        "ints": [0, -(2**63), 2**63 - 1],
        "flags": [True, False],
        "text": 'tab\tnew\nline \x01 \x7f é "q" \\',
        "nested": {"empty": {}, "list": [], "mixed": [1, "a", [2, 3], {"k": "v"}]},
        "rows": [{"a": 1, "sub": {"b": 2}, "deeper": [{"c": 3}]}, {"a": 2}],
        "odd key.with dots": {"x y": 1},
        "dropped": None,
    }
    parsed = loads_toml(dumps_toml(data))
    expected = {k: v for k, v in data.items() if k != "dropped"}
    assert parsed == expected
    assert math.isnan(loads_toml(dumps_toml({"x": math.nan}))["x"])


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ({"big": 2**64}, ValueError, "64-bit"),
        ({"a": [1, None]}, ValueError, "None"),
        ({"a": object()}, TypeError, "cannot be written as TOML"),
        ({1: 2}, TypeError, "keys must be strings"),
    ],
)
def test_dumps_toml_refuses(data: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        dumps_toml(data)


@register("test_persist_optional")
@dataclass(frozen=True)
class _WithOptional:
    name: ClassVar[str] = "test_persist_optional"
    cap: float | None = 1.0

    def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
        return np.zeros(events.n_users)


def test_to_toml_refuses_what_toml_cannot_say(tmp_path: Path) -> None:
    assert from_toml(to_toml(Scorer(signals=[_WithOptional()]))) == Scorer(
        signals=[_WithOptional()]
    )
    with pytest.raises(ValueError, match="TOML has no null"):
        to_toml(Scorer(signals=[_WithOptional(cap=None)]))
    dump_scorer(Scorer(signals=[_WithOptional(cap=None)]), tmp_path / "ok.json")  # JSON can
    assert load_scorer(tmp_path / "ok.json") == Scorer(signals=[_WithOptional(cap=None)])
    with pytest.raises(ValueError, match="not registered"):
        to_toml(Scorer(signals=[_unregistered]))


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("s.toml", "[[signals]\n", r"s\.toml: invalid TOML: .*line 1"),
        ("s.toml", '[[signals]]\ntype = "nope"\n', r"s\.toml: unknown component 'nope'"),
        ("s.toml", "[calibration]\nmidpoint = -1\n", "midpoint"),
        ("s.toml", 'colour = "red"\n', r"unknown key\(s\) \['colour'\]"),
        ("s.toml", "[[signals]]\nparams = {}\n", "must be a mapping with a 'type'"),
        ("s.json", "{oops", r"s\.json: invalid JSON: .*line 1"),
        ("s.json", "[1]", "must be a JSON object"),
        ("s.yaml", "a: 1", r"unknown configuration format '\.yaml'"),
    ],
)
def test_load_scorer_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_scorer(path)


def test_load_scorer_missing_and_binary(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_scorer(tmp_path / "absent.toml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_config(tmp_path / "bin.toml")
    with pytest.raises(ValueError, match="unknown configuration format"):
        dump_scorer(Scorer(), tmp_path / "scorer.yaml")


def test_toml_reader_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    with pytest.raises(ImportError, match="pip install tomli"):
        loads_toml("a = 1")


def test_example_config_is_the_default_scorer() -> None:
    assert load_scorer(EXAMPLE) == Scorer()
    assert EXAMPLE.read_text(encoding="utf-8") == to_toml(Scorer()), (
        "docs/config-example.toml is out of date: regenerate it with "
        "influence.config.dump_scorer(Scorer(), 'docs/config-example.toml')"
    )


def test_hand_written_toml_uses_defaults() -> None:
    scorer = from_toml(
        '[[signals]]\ntype = "engagement"\nparams = { half_life_days = 10 }\n'
        "[weights]\nengagement = 2\n"
    )
    assert scorer.signals[0][1] == type(scorer.signals[0][1])(half_life_days=10)
    assert scorer.weights == {"engagement": 2}
    assert scorer.modifiers == Scorer().modifiers
