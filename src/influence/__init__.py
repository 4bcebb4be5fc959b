"""influence: trustworthy influence scores from social-media interaction logs.

The main objects: :class:`Events` (the validated event table), :class:`Scorer`
(composes components into a 0-100 score) and :class:`Scores` (results with
explanations). Components live in :mod:`influence.components`.
"""

from influence._time import STANDING, TRENDING, TimeScale
from influence._version import VERSION
from influence.components.base import BaseComponent, Component, Evidence, Explainable
from influence.components.registry import register
from influence.events.actions import ACTIONS
from influence.events.ids import IdIndex
from influence.events.table import Events, Rejection
from influence.exceptions import (
    ConvergenceWarning,
    FarFutureWarning,
    HorizonWarning,
    InvalidEventError,
    LookbackWarning,
)
from influence.scoring.calibration import Calibration
from influence.scoring.explanation import Explanation
from influence.scoring.history_result import History, Rise
from influence.scoring.incremental import ScoringState
from influence.scoring.platform_calibration import PlatformCalibration
from influence.scoring.platform_scores import PlatformScores
from influence.scoring.scorer import Scorer
from influence.scoring.scores import Scores
from influence.scoring.topic_scores import TopicScores

__version__ = VERSION

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
    "FarFutureWarning",
    "History",
    "HorizonWarning",
    "IdIndex",
    "InvalidEventError",
    "LookbackWarning",
    "PlatformCalibration",
    "PlatformScores",
    "Rejection",
    "Rise",
    "Scorer",
    "STANDING",
    "Scores",
    "ScoringState",
    "TRENDING",
    "TimeScale",
    "TopicScores",
    "__version__",
    "register",
]
