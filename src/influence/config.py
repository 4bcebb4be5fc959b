"""The door to :mod:`influence.scoring.config`, kept for ``influence.config`` imports."""

from influence.scoring.config import (
    dump_scorer,
    dumps_toml,
    from_toml,
    load_scorer,
    loads_toml,
    read_config,
    to_toml,
)

__all__ = [
    "dump_scorer",
    "dumps_toml",
    "from_toml",
    "load_scorer",
    "loads_toml",
    "read_config",
    "to_toml",
]
