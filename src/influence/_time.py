"""Time units and the time scales the house scores are judged on, set in one place."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DAY", "HOUR", "STANDING", "TRENDING", "TimeScale"]

#: Seconds in an hour and in a day: event times are epoch seconds.
HOUR = 3_600.0
DAY = 86_400.0


@dataclass(frozen=True)
class TimeScale:
    """How far back a score looks and how fast what it sees ages, in days.

    Every house component reads its defaults from :data:`STANDING`, and the
    :class:`~influence.Scorer` attributes its discounts on the scale of its
    components, so a scale is set in one place.

    Parameters
    ----------
    half_life_days : float
        Age at which an event weighs half as much as a new one.
    window_days : float
        Events older than this weigh nothing.
    """

    half_life_days: float
    window_days: float

    def __post_init__(self) -> None:
        for name in ("half_life_days", "window_days"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
                raise ValueError(
                    f"The {name!r} parameter of TimeScale must be a number > 0. "
                    f"Got {value!r} instead."
                )


#: The standing score's scale: Klout's 90-day window, a 30-day half-life.
STANDING = TimeScale(half_life_days=30.0, window_days=90.0)
#: The trending score's scale: what engages people now, over hours.
TRENDING = TimeScale(half_life_days=0.25, window_days=7.0)
