"""Scoring: components composed into a calibrated 0-100 score, with its explanations.

- :mod:`~influence.scoring.scorer`: :class:`Scorer`, composition and attribution;
- :mod:`~influence.scoring.scores`: :class:`Scores` and :class:`Explanation`;
- :mod:`~influence.scoring.topical` and :mod:`~influence.scoring.topic_scores`: scores by
  topic (:meth:`Scorer.score_topics`) and :class:`TopicScores`;
- :mod:`~influence.scoring.platforms`, :mod:`~influence.scoring.platform_scores` and
  :mod:`~influence.scoring.platform_calibration`: scores per platform and overall
  (:meth:`Scorer.score_platforms`), :class:`PlatformScores` and the action weights per
  platform, :class:`PlatformCalibration`;
- :mod:`~influence.scoring.history` and :mod:`~influence.scoring.history_result`: scores
  at each date of a grid (:meth:`Scorer.history`), :class:`History` and :class:`Rise`;
- :mod:`~influence.scoring.attribution`: how the discounts' and modifiers' points split;
- :mod:`~influence.scoring.calibration`: :class:`Calibration`, raw values to 0-100;
- :mod:`~influence.scoring.config`: scorers to and from TOML/JSON files;
- :mod:`~influence.scoring.persist`: scores saved and loaded;
- :mod:`~influence.scoring.incremental` and :mod:`~influence.scoring.state_files`: a fitted
  :class:`ScoringState` that new events update (:meth:`Scorer.fit`), saved without pickle.
"""

from influence.scoring.calibration import Calibration
from influence.scoring.explanation import Explanation
from influence.scoring.history_result import History, Rise
from influence.scoring.incremental import ScoringState
from influence.scoring.platform_calibration import PlatformCalibration
from influence.scoring.platform_scores import PlatformScores
from influence.scoring.scorer import Scorer
from influence.scoring.scores import Scores
from influence.scoring.topic_scores import TopicScores

__all__ = [
    "Calibration",
    "Explanation",
    "History",
    "PlatformCalibration",
    "PlatformScores",
    "Rise",
    "Scorer",
    "Scores",
    "ScoringState",
    "TopicScores",
]
