"""The door to :mod:`influence.scoring.calibration`, kept for ``influence.calibration`` imports."""

from influence.scoring.calibration import Calibration

__all__ = ["Calibration"]
