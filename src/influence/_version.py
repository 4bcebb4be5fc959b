"""The installed version of the library, read once from the package metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("influence-score")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    VERSION = "0+unknown"

__all__ = ["VERSION"]
