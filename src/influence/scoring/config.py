"""Scorer configuration files: TOML (or JSON) in, TOML (or JSON) out.

A :class:`~influence.Scorer` is fully described by :meth:`Scorer.to_config
<influence.Scorer.to_config>`: plain data naming each component by its
registry name, with its parameters, the weights and the calibration. This
module writes that data as TOML and reads it back:

- :func:`load_scorer` reads a ``.toml`` or ``.json`` file into a
  :class:`~influence.Scorer`; :func:`dump_scorer` writes one.
- :func:`to_toml` and :func:`from_toml` do the same with text.

Reading TOML uses the standard library's :mod:`tomllib` (Python 3.11+); on
Python 3.10 it needs the ``tomli`` package. Writing needs nothing: the small
writer here covers the configuration's shape (tables, arrays of tables,
strings, numbers, booleans, arrays, and nested components such as
Authority's ``teleport``). TOML has no null: a parameter set to ``None`` is
left out, which reads back as the component's default; :func:`to_toml`
refuses a configuration for which that would change the scorer.

Examples
--------
>>> from influence import Scorer
>>> from influence.components import Authority, DistinctEngagers
>>> from influence.config import from_toml, to_toml
>>> scorer = Scorer(signals=[Authority(teleport=DistinctEngagers(window_days=30))])
>>> text = to_toml(scorer)
>>> print(text[text.index("[signals.params.teleport]"):text.index("[weights]")].strip())
[signals.params.teleport]
type = "distinct_engagers"
<BLANKLINE>
[signals.params.teleport.params]
window_days = 30
>>> from_toml(text) == scorer
True
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from influence.scoring.safe_load import check_depth
from influence.scoring.scorer import Scorer

__all__ = [
    "dump_scorer",
    "dumps_toml",
    "from_toml",
    "load_scorer",
    "loads_toml",
    "read_config",
    "to_toml",
]

PathLike = str | os.PathLike[str]

#: The first line of every file :func:`to_toml` writes.
HEADER = (
    "# influence scorer configuration (influence.config.load_scorer reads it).\n"
    "# Components are named by their registry name; see docs/cli.md.\n"
)

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_INT64 = (-(2**63), 2**63 - 1)


# --------------------------------------------------------------------------- writing
def _key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"TOML keys must be strings; got {key!r}")
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value: Any, where: str) -> str:
    """A value written inline: scalars, arrays and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise ValueError(f"{where} = {value} does not fit TOML's 64-bit integers")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value)  # '1.5', '1e-09', 'inf', '-inf': all valid TOML floats
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        items = [
            f"{_key(k)} = {_value(v, f'{where}.{k}')}" for k, v in value.items() if v is not None
        ]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, (list, tuple)):
        if any(v is None for v in value):
            raise ValueError(f"{where} holds None, which TOML cannot write in an array")
        return "[" + ", ".join(_value(v, f"{where}[{i}]") for i, v in enumerate(value)) + "]"
    if value is None:
        raise ValueError(f"{where} is None, which TOML cannot write")
    raise TypeError(f"{where} = {value!r} ({type(value).__name__}) cannot be written as TOML")


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(v, Mapping) for v in value)
    )


def _table(data: Mapping[str, Any], path: tuple[str, ...], out: list[str]) -> None:
    """Append the key/value lines of *data*, then its sub-tables and arrays of tables."""
    where = ".".join(path) or "config"
    nested: list[tuple[str, Any]] = []
    for key, value in data.items():
        if value is None:  # TOML has no null: the key is left out
            continue
        if isinstance(value, Mapping) or _is_table_array(value):
            nested.append((key, value))
        else:
            out.append(f"{_key(key)} = {_value(value, f'{where}.{key}')}")
    for key, value in nested:
        sub = (*path, _key(key))
        if isinstance(value, Mapping):
            out.extend(["", f"[{'.'.join(sub)}]"])
            _table(value, sub, out)
        else:
            for item in value:
                out.extend(["", f"[[{'.'.join(sub)}]]"])
                _table(item, sub, out)


def dumps_toml(data: Mapping[str, Any]) -> str:
    """*data* (str keys; bools, ints, floats, strs, lists and mappings) as TOML text.

    Mappings become tables, non-empty lists of mappings arrays of tables, and
    ``None`` values in mappings are left out (TOML has no null).

    Examples
    --------
    >>> from influence.config import dumps_toml
    >>> print(dumps_toml({"a": 1, "t": {"b": [1.5, "x"]}, "rows": [{"c": True}, {"c": False}]}))
    a = 1
    <BLANKLINE>
    [t]
    b = [1.5, "x"]
    <BLANKLINE>
    [[rows]]
    c = true
    <BLANKLINE>
    [[rows]]
    c = false
    <BLANKLINE>
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"TOML documents are tables; got {type(data).__name__}")
    out: list[str] = []
    _table(data, (), out)
    return "\n".join(out).lstrip("\n") + "\n"


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_without_none(v) for v in value]
    return value


def to_toml(scorer: Scorer) -> str:
    """The configuration of *scorer* as TOML text, which :func:`from_toml` reads back.

    Parameters
    ----------
    scorer : Scorer
        Every component must be registered (see :func:`influence.register`).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When a component is not registered, or a parameter set to ``None``
        (which TOML cannot write) differs from that parameter's default.

    Examples
    --------
    >>> from influence import Scorer
    >>> from influence.config import to_toml
    >>> for line in to_toml(Scorer()).splitlines()[3:9]:
    ...     print(line)
    [[signals]]
    name = "engagement"
    type = "engagement"
    <BLANKLINE>
    [signals.params]
    window_days = 90.0
    """
    if not isinstance(scorer, Scorer):
        raise TypeError(f"to_toml needs an influence.Scorer; got {type(scorer).__name__}")
    config = scorer.to_config()
    if Scorer.from_config(_without_none(config)) != scorer:
        raise ValueError(
            "this scorer cannot be written as TOML: a parameter set to None differs from its "
            "default and TOML has no null; write JSON instead (dump_scorer(scorer, 'x.json'))"
        )
    return HEADER + "\n" + dumps_toml(config)


# --------------------------------------------------------------------------- reading
def _toml_reader() -> Any:
    """The ``tomllib`` module (Python 3.11+) or ``tomli`` (Python 3.10)."""
    name = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - Python 3.10 without tomli
        raise ImportError(
            "reading TOML on Python 3.10 needs the tomli package: pip install tomli "
            "(or use a .json configuration)"
        ) from None


def loads_toml(text: str) -> dict[str, Any]:
    """Parse TOML *text* into a dict (``tomllib``, or ``tomli`` on Python 3.10).

    Raises
    ------
    ValueError
        When *text* is not valid TOML; the message names the line and column.
    """
    reader = _toml_reader()
    try:
        data: dict[str, Any] = reader.loads(text)
    except reader.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None
    except RecursionError:
        raise ValueError("invalid TOML: nested too deeply to parse") from None
    check_depth(data, "the TOML document")
    return data


def _scorer(config: Any, where: str) -> Scorer:
    try:
        check_depth(config, "the configuration")
        return Scorer.from_config(config)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {exc}") from None
    except RecursionError:
        raise ValueError(f"{where}: the configuration is nested too deeply") from None


def from_toml(text: str) -> Scorer:
    """The scorer that TOML *text* (as :func:`to_toml` writes) describes.

    Raises
    ------
    ValueError
        When the text is not valid TOML or not a valid configuration.

    Examples
    --------
    >>> from influence import Scorer
    >>> from influence.config import from_toml
    >>> scorer = from_toml('''
    ... [[signals]]
    ... type = "distinct_engagers"
    ... params = { window_days = 30 }
    ... ''')
    >>> scorer.signals[0][0], scorer.modifiers == Scorer().modifiers
    ('distinct_engagers', True)
    """
    return _scorer(loads_toml(text), "invalid scorer configuration")


def read_config(path: PathLike) -> dict[str, Any]:
    """The configuration data in a ``.toml`` or ``.json`` file, not yet checked.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        When the extension is neither, or the file does not parse.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise ValueError(f"{file}: unknown configuration format {suffix!r}; use .toml or .json")
    if not file.is_file():
        raise FileNotFoundError(f"no such file: {file}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if suffix == ".toml":
        try:
            return loads_toml(text)
        except ValueError as exc:
            raise ValueError(f"{file}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{file}: invalid JSON: {exc.msg} (at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise ValueError(f"{file}: invalid JSON: nested too deeply to parse") from None
    try:
        check_depth(data, "the configuration")
    except ValueError as exc:
        raise ValueError(f"{file}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{file}: the configuration must be a JSON object; got {data!r:.40}")
    return data


def load_scorer(path: PathLike) -> Scorer:
    """Read a scorer from a ``.toml`` or ``.json`` configuration file.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`dump_scorer`, or by hand in the same shape:
        ``[[signals]]``, ``[[discounts]]`` and ``[[modifiers]]`` entries with a ``type`` (a
        registry name), an optional ``name`` and ``params``; a ``[weights]``
        table by part name; a ``[calibration]`` table. Keys left out take
        their defaults.

    Returns
    -------
    Scorer

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        When the file does not parse or does not describe a valid scorer; the
        message starts with the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from influence import Scorer
    >>> from influence.config import dump_scorer, load_scorer
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "scorer.toml"
    ...     dump_scorer(Scorer(), path)
    ...     load_scorer(path) == Scorer()
    True
    """
    return _scorer(read_config(path), os.fspath(path))


def dump_scorer(scorer: Scorer, path: PathLike) -> None:
    """Write *scorer*'s configuration to a ``.toml`` or ``.json`` file.

    Parameters
    ----------
    scorer : Scorer
        Every component must be registered.
    path : str or path-like
        Ends in ``.toml`` or ``.json``; the format follows the extension.

    Raises
    ------
    ValueError
        For another extension, an unregistered component, or (TOML only) a
        parameter set to ``None`` that differs from its default.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".toml":
        text = to_toml(scorer)
    elif suffix == ".json":
        text = json.dumps(scorer.to_config(), indent=2, allow_nan=False) + "\n"
    else:
        raise ValueError(f"{file}: unknown configuration format {suffix!r}; use .toml or .json")
    file.write_text(text, encoding="utf-8")
