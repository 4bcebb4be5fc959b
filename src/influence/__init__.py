"""influence: trustworthy influence scores from social-media interaction logs.

The main objects: :class:`Events` (the validated event table), :class:`Scorer`
(composes components into a 0-100 score) and :class:`Scores` (results with
explanations). Components live in :mod:`influence.components`.
"""

from importlib.metadata import PackageNotFoundError, version

from ._actions import ACTIONS
from ._component import BaseComponent, Component, Evidence, Explainable
from ._events import Events, Rejection
from ._index import IdIndex
from ._registry import register
from ._scorer import Scorer
from ._scores import Explanation, Scores
from .calibration import Calibration
from .exceptions import ConvergenceWarning, HorizonWarning, InvalidEventError

try:
    __version__ = version("influence-score")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ACTIONS",
    "BaseComponent",
    "Calibration",
    "Component",
    "ConvergenceWarning",
    "Events",
    "Evidence",
    "Explainable",
    "Explanation",
    "HorizonWarning",
    "IdIndex",
    "InvalidEventError",
    "Rejection",
    "Scorer",
    "Scores",
    "__version__",
    "register",
]
