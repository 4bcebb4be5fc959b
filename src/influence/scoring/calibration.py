"""The fixed map from a combined raw value to the 0-100 score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from influence import _validate
from influence.components.registry import closest

__all__ = ["Calibration"]


@dataclass(frozen=True)
class Calibration:
    r"""Map a non-negative raw value to a score in ``[0, 100)``.

    .. math::

        \mathrm{score}(x) = 100 \, \frac{(x / s)^{\alpha}}{1 + (x / s)^{\alpha}}

    with *midpoint* :math:`s` (the raw value scored 50) and *shape*
    :math:`\alpha \in (0, 1]`. The map is fixed and monotone, so a user's score
    does not depend on who else is in the data (unlike a percentile rank), and
    it is concave, so gains get harder near the top as with Klout: with
    :math:`\alpha = 1`, going from 50 to 60 takes 1.5 times the raw value,
    from 80 to 90 2.25 times and from 90 to 99 eleven times.

    Parameters
    ----------
    midpoint : float, default 4.0
        Raw value that scores 50. Must be positive.
    shape : float, default 1.0
        Exponent :math:`\alpha` in ``(0, 1]``; smaller spreads low scores out.

    Examples
    --------
    >>> Calibration(midpoint=2.0)([0.0, 2.0, 6.0]).tolist()
    [0.0, 50.0, 75.0]
    """

    midpoint: float = 4.0
    shape: float = 1.0

    def __post_init__(self) -> None:
        _validate.number("Calibration", "midpoint", self.midpoint, low=0.0, low_open=True)
        _validate.number("Calibration", "shape", self.shape, low=0.0, high=1.0, low_open=True)
        object.__setattr__(self, "midpoint", float(self.midpoint))
        object.__setattr__(self, "shape", float(self.shape))

    @classmethod
    def from_config(cls, config: Any) -> Calibration:
        """The ``calibration`` table of a scorer's configuration, its keys checked by name.

        Examples
        --------
        >>> Calibration.from_config({"midpoint": 2.0})
        Calibration(midpoint=2.0, shape=1.0)
        """
        allowed = [f.name for f in fields(cls)]
        if not isinstance(config, Mapping):
            raise ValueError(
                f"config['calibration'] must be a mapping with keys {allowed}; "
                f"got {type(config).__name__}"
            )
        unknown = sorted(str(k) for k in set(config) - set(allowed))
        if unknown:
            hint = closest(unknown[0], allowed) or ";"
            raise ValueError(
                f"config['calibration'] has unknown key(s) {unknown}{hint} allowed: {allowed}"
            )
        return cls(**config)

    def __call__(self, raw: ArrayLike) -> NDArray[np.float64]:
        x = np.asarray(raw, dtype=np.float64)
        if np.any(x < 0) or not np.all(np.isfinite(x)):
            raise ValueError("raw values must be finite and non-negative")
        r = (x / self.midpoint) ** self.shape
        return np.asarray(100.0 * r / (1.0 + r), dtype=np.float64)

    def inverse(self, score: ArrayLike) -> NDArray[np.float64]:
        """The raw value that maps to *score* (in ``[0, 100)``)."""
        s = np.asarray(score, dtype=np.float64) / 100.0
        if np.any(s < 0) or np.any(s >= 1):
            raise ValueError("scores must lie in [0, 100)")
        return np.asarray(self.midpoint * (s / (1.0 - s)) ** (1.0 / self.shape), dtype=np.float64)
