r"""Calibration per platform: each action weighed by how rare it is on its platform.

A like on a platform where everyone likes everything says less than a reply on a platform
where replies are rare. :class:`PlatformCalibration` holds, per platform and engagement
action, a multiplier of the signals' action weights, fitted once from a log
(:meth:`PlatformCalibration.fit`) and then fixed in the scorer's configuration, so that
scores do not depend on who else is in later data.

The multiplier of action :math:`a` on platform :math:`P` is its information content
relative to the platform's average:

.. math::

    \tilde p_{P,a} = \frac{n_{P,a} + 1}{n_P + 4}, \qquad
    I_{P,a} = -\ln \tilde p_{P,a}, \qquad
    m_{P,a} = \frac{1 + I_{P,a}}{\sum_b \frac{n_{P,b}}{n_P}\,(1 + I_{P,b})}

with :math:`n_{P,a}` the engagement events of action :math:`a` (reply, share, like,
mention) on :math:`P` and :math:`n_P` their sum. :math:`I` is the information an event of
that action carries (Shannon), smoothed by Laplace's rule so that an action never seen
still has a finite weight; :math:`1 + I` is the smoothed inverse document frequency of
information retrieval (Sparck Jones 1972: a term's weight grows with the logarithm of how
rare it is), and the denominator, one plus the platform's smoothed entropy, makes the
multipliers average exactly 1 over the platform's engagement events: calibration moves
weight from a platform's cheap actions to its rare ones without making the platform as a
whole weigh more or less. A platform with one action, or with every action equally
common, keeps the house weights (every :math:`m_{P,a} = 1`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from influence import _validate
from influence._time import DAY
from influence.events import actions as _actions
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.kernels import engagement_between

__all__ = ["CALIBRATED_ACTIONS", "PlatformCalibration", "check_platform_calibration"]

#: The engagement actions a calibration weighs, in this order.
CALIBRATED_ACTIONS = ("reply", "share", "like", "mention")
_CODES = np.array([_actions.CODES[a] for a in CALIBRATED_ACTIONS])
_OWNER = "PlatformCalibration"


@dataclass(frozen=True)
class PlatformCalibration:
    r"""Per platform and action, a multiplier of the signals' action weights.

    The multipliers scale the ``reply_weight``, ``share_weight``, ``like_weight`` and
    ``mention_weight`` of every signal that has them
    (:class:`~influence.components.Engagement`, :class:`~influence.components.Momentum`)
    when :meth:`Scorer.score_platforms <influence.Scorer.score_platforms>` reads a
    platform's events. Platforms the calibration does not name, and actions a platform's
    table leaves out, keep the house weights (multiplier 1). Fit it with :meth:`fit`; the
    formula is in :mod:`influence.scoring.platform_calibration`.

    Parameters
    ----------
    weights : mapping of str to mapping of str to float
        Platform name -> action (``"reply"``, ``"share"``, ``"like"``, ``"mention"``) ->
        multiplier, positive and finite. Stored sorted, as plain tuples.

    References
    ----------
    .. [1] K. Sparck Jones, "A statistical interpretation of term specificity and its
       application in retrieval", Journal of Documentation 28(1), 1972.
    .. [2] S. Robertson, "Understanding inverse document frequency: on theoretical
       arguments for IDF", Journal of Documentation 60(5), 2004.
    .. [3] C. E. Shannon, "A mathematical theory of communication", Bell System
       Technical Journal 27, 1948.

    See Also
    --------
    influence.Scorer.score_platforms : scores per platform and overall.

    Examples
    --------
    >>> from influence import Events
    >>> from influence.scoring.platform_calibration import PlatformCalibration
    >>> rows = [{"time": i, "actor": f"u{i}", "action": "like", "target": "ann",
    ...          "platform": "insta"} for i in range(18)]
    >>> rows += [{"time": 20 + i, "actor": f"v{i}", "action": "reply", "target": "ann",
    ...           "platform": "insta"} for i in range(2)]
    >>> cal = PlatformCalibration.fit(Events.from_records(rows))
    >>> {a: round(m, 2) for a, m in cal.multipliers("insta").items()}
    {'reply': 2.17, 'share': 2.95, 'like': 0.87, 'mention': 2.95}
    >>> cal.multipliers("elsewhere")["like"]  # platforms it was not fitted on: the house's
    1.0
    """

    weights: Any

    def __post_init__(self) -> None:
        if not isinstance(self.weights, Mapping) and not isinstance(self.weights, tuple):
            raise ValueError(
                f"The 'weights' parameter of {_OWNER} must be a mapping of platform -> "
                f"{{action: multiplier}}; got {type(self.weights).__name__}"
            )
        items = self.weights.items() if isinstance(self.weights, Mapping) else self.weights
        table: dict[str, tuple[tuple[str, float], ...]] = {}
        for item in items:
            if not (isinstance(item, tuple) and len(item) == 2):
                raise ValueError(
                    f"The 'weights' parameter of {_OWNER} must pair each platform with its "
                    f"multipliers; got {item!r}"
                )
            platform, actions = item
            if not isinstance(platform, str) or not platform:
                raise ValueError(
                    f"The 'weights' parameter of {_OWNER} must be keyed by platform names "
                    f"(non-empty strings); got {platform!r}"
                )
            pairs = actions.items() if isinstance(actions, Mapping) else actions
            found: dict[str, float] = {}
            for action, value in pairs:
                if action not in CALIBRATED_ACTIONS:
                    raise ValueError(
                        f"The 'weights' parameter of {_OWNER} names the action {action!r} "
                        f"for platform {platform!r}; allowed: {list(CALIBRATED_ACTIONS)}"
                    )
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                if not ok or not (math.isfinite(value) and value > 0):
                    raise ValueError(
                        f"The 'weights' parameter of {_OWNER} must hold positive, finite "
                        f"multipliers; got {value!r} for {action!r} on {platform!r}"
                    )
                found[action] = float(value)
            table[platform] = tuple((a, found[a]) for a in CALIBRATED_ACTIONS if a in found)
        object.__setattr__(self, "weights", tuple(sorted(table.items())))

    @classmethod
    def fit(
        cls, events: Events, *, as_of: Any = None, window_days: float | None = None
    ) -> PlatformCalibration:
        """The calibration of *events*: each platform's multipliers from its action counts.

        Counts the engagement events (reply, share, like, mention of another user) per
        platform and action, at or before *as_of* (default: the latest event) and, with
        *window_days*, after ``as_of - window_days``. Platforms without engagement are
        left out (they keep the house weights). Cost: one pass of ``np.bincount``.

        Parameters
        ----------
        events : Events
        as_of : float, datetime or str, optional
        window_days : float, optional
            Count only the last *window_days* days; default: the whole log.

        Returns
        -------
        PlatformCalibration
        """
        if not isinstance(events, Events):
            raise TypeError(
                f"PlatformCalibration.fit needs an influence.Events; got {type(events).__name__}"
            )
        if window_days is not None:
            _validate.number(
                "PlatformCalibration.fit", "window_days", window_days, low=0.0, low_open=True
            )
        when = events.end if as_of is None else to_epoch(as_of)
        if when is None:
            return cls({})
        start = -np.inf if window_days is None else when - window_days * DAY
        keep = engagement_between(events, start, when)
        slot = np.full(len(_actions.ACTIONS), -1)
        slot[_CODES] = np.arange(_CODES.size)
        k = _CODES.size
        rows = np.flatnonzero(keep)
        key = events.platform[rows].astype(np.int64) * k + slot[events.action[rows]]
        counts = np.bincount(key, minlength=len(events.platforms) * k).reshape(-1, k)
        weights: dict[str, dict[str, float]] = {}
        for j, platform in enumerate(events.platforms):
            n = counts[j].astype(np.float64)
            total = float(n.sum())
            if total == 0:
                continue
            info = 1.0 - np.log((n + 1.0) / (total + k))
            m = info / float(np.dot(n / total, info))
            weights[platform] = dict(zip(CALIBRATED_ACTIONS, m.tolist()))
        return cls(weights)

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms the calibration names, sorted."""
        return tuple(p for p, _ in self.weights)

    def multipliers(self, platform: str) -> dict[str, float]:
        """The multiplier of each action on *platform* (1 where the calibration is silent)."""
        given = dict(dict(self.weights).get(platform, ()))
        return {a: given.get(a, 1.0) for a in CALIBRATED_ACTIONS}

    def apply(self, component: Any, platform: str) -> Any:
        """*component* with its action weights multiplied by *platform*'s multipliers.

        Components without the four ``*_weight`` fields (or unchanged multipliers) come
        back as they are.
        """
        names = {f.name for f in fields(component)} if _is_dataclass(component) else set()
        wanted = {f"{a}_weight" for a in CALIBRATED_ACTIONS}
        m = self.multipliers(platform)
        if not wanted <= names or all(v == 1.0 for v in m.values()):
            return component
        scaled = {f"{a}_weight": getattr(component, f"{a}_weight") * m[a] for a in m}
        return replace(component, **scaled)

    def to_config(self) -> dict[str, dict[str, float]]:
        """Plain data, platform -> action -> multiplier (JSON and TOML)."""
        return {p: dict(actions) for p, actions in self.weights}

    @classmethod
    def from_config(cls, config: Any) -> PlatformCalibration:
        """The calibration :meth:`to_config` wrote."""
        if not isinstance(config, Mapping):
            raise ValueError(
                "config['platform_calibration'] must be a mapping of platform -> "
                f"{{action: multiplier}}; got {type(config).__name__}"
            )
        return cls(config)


def check_platform_calibration(owner: str, value: Any) -> None:
    """Refuse a ``platform_calibration`` that is neither a :class:`PlatformCalibration`
    nor ``None``."""
    if value is not None and not isinstance(value, PlatformCalibration):
        raise ValueError(
            f"The 'platform_calibration' parameter of {owner} must be a PlatformCalibration "
            f"or None. Got {value!r} instead."
        )


def _is_dataclass(obj: Any) -> bool:
    return hasattr(type(obj), "__dataclass_fields__")
