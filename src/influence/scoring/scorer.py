"""Composition: signals weighted and summed, calibrated, then modifiers multiplied in."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence._memory import reuses_memory
from influence._time import STANDING, TRENDING, TimeScale
from influence.components import registry as _registry
from influence.components.base import (
    Evidence,
    check_output,
    evidence_of,
    lookback_of,
    name_of,
    role_of,
)
from influence.components.house import EQUAL_ACTION_WEIGHTS, house_parts
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.scoring.arguments import named_components, scorer_arguments
from influence.scoring.attribution import Kept, compose, discount_shares
from influence.scoring.calibration import Calibration
from influence.scoring.incremental import Fitting
from influence.scoring.lanes import Lanes, threads_for
from influence.scoring.platform_calibration import PlatformCalibration, check_platform_calibration
from influence.scoring.platforms import PlatformScoring
from influence.scoring.scores import Scores
from influence.scoring.topical import TopicScoring
from influence.scoring.window import scoring_window

if TYPE_CHECKING:
    from influence.scoring.history_result import History

Parts = tuple[tuple[str, Any], ...]
_PARAM_OF_ROLE = {"signal": "signals", "discount": "discounts", "modifier": "modifiers"}


#: The house time scale of standing (days), from :data:`influence._time.STANDING`.
HOUSE_HALF_LIFE_DAYS = STANDING.half_life_days
HOUSE_WINDOW_DAYS = STANDING.window_days


#: The trending time scale (days), from :data:`influence._time.TRENDING`.
TRENDING_HALF_LIFE_DAYS = TRENDING.half_life_days
TRENDING_WINDOW_DAYS = TRENDING.window_days
#: Trending calibration: 50 points at ln(1 + 10), about ten people's worth of engagement
#: in the last hours.
TRENDING_MIDPOINT = 2.4


@functools.lru_cache(maxsize=8)
def _house_parts(half_life_days: float, window_days: float) -> tuple[Parts, Parts, Parts]:
    """The house signals, discounts and modifiers, with standing on the given time scale.

    The preset is :func:`influence.components.house.house_parts` (cached: the components
    are immutable, so scorers built on one time scale share them).
    """
    return house_parts(TimeScale(half_life_days, window_days))


def _default_signals() -> Parts:
    return _house_parts(HOUSE_HALF_LIFE_DAYS, HOUSE_WINDOW_DAYS)[0]


#: House weights by part name: engagement (standing over 90 days) carries the standing
#: score, momentum (who engages now, over hours) the trending one; activity (bounded by 1)
#: and longevity add a few points at most.
DEFAULT_WEIGHTS = {"engagement": 1.0, "momentum": 1.0, "activity": 0.5, "longevity": 0.25}


def _default_discounts() -> Parts:
    return _house_parts(HOUSE_HALF_LIFE_DAYS, HOUSE_WINDOW_DAYS)[1]


def _default_modifiers() -> Parts:
    return _house_parts(HOUSE_HALF_LIFE_DAYS, HOUSE_WINDOW_DAYS)[2]


@dataclass(frozen=True)
class Scorer(TopicScoring, PlatformScoring, Fitting):
    r"""Compose components into a 0-100 influence score.

    .. math::

        \tau_e = \prod_k d_k(e), \qquad
        \mathrm{score}_u = C\Big(\sum_i w_i\, s_i(u;\, \tau)\Big) \prod_j m_j(u)

    where :math:`d_k(e) \in [0, 1]` are the discounts, one weight per event
    (how far it is trusted: quid-pro-quo rings, Sybil and farm cohorts count
    for little), :math:`\tau` their product, set on the table as
    :attr:`Events.trust <influence.Events.trust>` before the signals
    :math:`s_i` read it, :math:`w_i` the signals' weights, :math:`C` the fixed
    :class:`~influence.calibration.Calibration` and :math:`m_j \in [0, 1]` the
    modifiers.

    Each score splits into parts that add up to it: each signal's share of
    :math:`C` computed *without* the discounts, each discount's share of the
    points the discounts remove (split by how much each one discounted of the
    events aimed at the user and by the user, recency-weighted), and each
    modifier's share of the remaining loss (split by log-factors).

    Parameters
    ----------
    signals : sequence of components, ``(name, component)`` pairs or mapping
        Evidence of influence. Names default to each component's registry name
        (or its ``name`` attribute, or a function's ``__name__``).
    weights : mapping of str to float, optional
        Weight per signal name; non-negative, not all zero. A signal without a
        weight gets the house default for its name (``engagement`` 1,
        ``momentum`` 1, ``activity`` 0.5, ``longevity`` 0.25) or 1.
    discounts : sequence of components, pairs or mapping
        Per-event trust weights in ``[0, 1]``, multiplied together and into
        every signal's input. Default: :class:`~influence.components.Reciprocity`
        and :class:`~influence.components.Credibility`.
    modifiers : sequence of components, pairs or mapping
        Factors in ``[0, 1]`` multiplied into the calibrated score, judged on
        the table with the discounts' trust. Default:
        :class:`~influence.components.Inactivity` and
        :class:`~influence.components.Authenticity`.
    calibration : Calibration
        The fixed map from the weighted sum to 0-100.
    platform_calibration : PlatformCalibration, optional
        Action weights per platform (:class:`~influence.PlatformCalibration`), read by
        :meth:`score_platforms`; ``None``: every platform weighs actions as the house
        does. :meth:`score` reads the log as one network.

    Examples
    --------
    >>> from influence import Scorer
    >>> from influence.components import DistinctEngagers
    >>> scorer = Scorer(signals=[DistinctEngagers(window_days=30)], discounts=[], modifiers=[])
    >>> Scorer.from_config(scorer.to_config()) == scorer
    True
    """

    signals: Parts = field(default_factory=_default_signals)
    weights: Mapping[str, float] | None = None
    discounts: Parts = field(default_factory=_default_discounts)
    modifiers: Parts = field(default_factory=_default_modifiers)
    calibration: Calibration = field(default_factory=Calibration)
    platform_calibration: PlatformCalibration | None = None

    def __post_init__(self) -> None:
        signals = named_components("Scorer", "signals", self.signals)
        discounts = named_components("Scorer", "discounts", self.discounts)
        modifiers = named_components("Scorer", "modifiers", self.modifiers)
        if not signals:
            raise ValueError(
                "The 'signals' parameter of Scorer must name at least one signal. Got none."
            )
        for param, parts, expected in (
            ("signals", signals, "signal"),
            ("discounts", discounts, "discount"),
            ("modifiers", modifiers, "modifier"),
        ):
            for name, component in parts:
                role = role_of(component)
                if role != expected:
                    raise ValueError(
                        f"The {param!r} parameter of Scorer holds {name!r}, whose "
                        f"role is {role!r}; allowed there: {expected!r}. Pass it in "
                        f"{_PARAM_OF_ROLE[role]!r} instead."
                    )
        names = [n for n, _ in signals + discounts + modifiers]
        reserved = sorted({"user", "score"} & set(names))
        if reserved:
            raise ValueError(
                f"Scorer part names {reserved} are reserved for the user and score columns of "
                "Scores.to_pandas, to_csv and Arrow output; give the components other names "
                "with (name, component) pairs."
            )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(
                "The 'signals', 'discounts' and 'modifiers' parameters of Scorer must give "
                f"every part a unique name; {repeated} repeat. Give components distinct "
                "names with (name, component) pairs."
            )
        signal_names = tuple(n for n, _ in signals)
        given = _validate.weights_by_name("Scorer", "weights", self.weights or {}, signal_names)
        weights = {n: given.get(n, DEFAULT_WEIGHTS.get(n, 1.0)) for n in signal_names}
        if not any(weights.values()):
            raise ValueError(
                f"The 'weights' parameter of Scorer must not be all zero. Got {weights}."
            )
        if not isinstance(self.calibration, Calibration):
            raise ValueError(
                f"The 'calibration' parameter of Scorer must be a Calibration. "
                f"Got {self.calibration!r} instead."
            )
        check_platform_calibration("Scorer", self.platform_calibration)
        object.__setattr__(self, "signals", signals)
        object.__setattr__(self, "discounts", discounts)
        object.__setattr__(self, "modifiers", modifiers)
        object.__setattr__(self, "weights", weights)

    # ------------------------------------------------------------------ scoring
    @reuses_memory
    def score(self, events: Events, as_of: Any = None) -> Scores:
        """Score every user with an event at or before *as_of*.

        Parameters
        ----------
        events : Events
        as_of : float, datetime or str, optional
            The scoring time; defaults to the latest event's time (never the
            wall clock), with a :class:`~influence.FarFutureWarning` when the
            latest events stand far beyond the bulk of the log
            (:mod:`influence.events.outliers`). Events after it are ignored as if
            absent.

        Returns
        -------
        Scores
        """
        window, when, t = scoring_window(events, as_of)
        return self._scores(window, when, t)

    @reuses_memory
    def history(
        self,
        events: Events,
        start: Any = None,
        end: Any = None,
        every: Any = "1D",
        *,
        users: Iterable[object] | None = None,
        keep_evidence: bool = False,
        progress: bool | str = "auto",
    ) -> History:
        """Every user's score and parts at each date from *start* to *end*, *every* apart, as
        :meth:`score` gives them (only *users*' when given; a date's evidence scored again
        when first read, unless *keep_evidence*):
        :func:`influence.scoring.history.history` (docs/history.md)."""
        from influence.scoring.history import history

        return history(
            self,
            events,
            start,
            end,
            every,
            users=users,
            keep_evidence=keep_evidence,
            progress=progress,  # type: ignore[arg-type]
        )

    def _scores(self, window: Events, when: float | None, t: float) -> Scores:
        """The scores of a window (users and rows as :func:`scoring_window` gives them).

        Each stage's components run side by side (:mod:`influence.scoring.lanes`): the
        discounts, and the signals on the table as given (they tell what the discounts
        cost, and need no trust); then the signals and modifiers on the trusted table.
        """
        assert self.weights is not None
        named = self.signals + self.discounts + self.modifiers
        threads = threads_for(c for _, c in named)
        with Lanes(threads) as lanes:
            judging = self._judging(window, t, lanes)
            given = self.signals if self.discounts else ()
            full_jobs = [lanes.submit(evidence_of, c, window, t) for _, c in given]
            trusted, discount_evidence, removed = self._discount(window, t, judging)
            judging = None  # the futures hold the discounts' row-sized weights
            raw_jobs = [lanes.submit(evidence_of, c, trusted, t) for _, c in self.signals]
            factors, modifier_evidence = self._modify(trusted, t, lanes)
            raw, contributions, evidence = self._combine([j.result() for j in raw_jobs], window)
            full = raw
            if self.discounts:
                full, contributions, evidence = self._combine(
                    [j.result() for j in full_jobs], window
                )
        evidence += discount_evidence + modifier_evidence
        final, parts = compose(self.calibration, raw, full, contributions, removed, factors)
        k_s, k_d = len(self.signals), len(self.discounts)
        return Scores(
            users=window.users,
            values=final,
            parts=parts,
            names=tuple(n for n, _ in named),
            roles=("signal",) * k_s + ("discount",) * k_d + ("modifier",) * len(self.modifiers),
            evidence=tuple(evidence),
            components=tuple(c for _, c in named),
            as_of=when,
            config=self.to_config(strict=False),
        )

    @reuses_memory
    def trust(self, events: Events, as_of: Any = None) -> NDArray[np.float64]:
        r"""Per event, the trust :math:`\tau_e` the discounts give it, as :meth:`score` sets it.

        The discounts' product times any trust already on the table, judged on the
        events at or before *as_of* (default: the latest event's time): float64 in
        ``[0, 1]``, one per row of ``events.until(as_of)``, in its order, read-only. The
        judgement is made once per table and shared with :meth:`score` on the same table
        (:attr:`Events.memo <influence.Events.memo>`), whichever is called first;
        :func:`influence.campaign.select` weighs audiences by it. Judged as :meth:`score` judges.

        Examples
        --------
        >>> from influence import Events, Scorer
        >>> ev = Events.from_records([
        ...     {"time": 0, "actor": "bob", "action": "like", "target": "ann"},
        ...     {"time": 1, "actor": "cy", "action": "like", "target": "ann"},
        ... ])
        >>> Scorer(discounts=[]).trust(ev).tolist()
        [1.0, 1.0]
        """
        if not isinstance(events, Events):
            raise TypeError(f"events must be an influence.Events; got {type(events).__name__}")
        when = events.end if as_of is None else to_epoch(as_of)
        window = events.until(when) if when is not None else events
        t = 0.0 if when is None else when
        with Lanes(threads_for(c for _, c in self.discounts)) as lanes:
            return self._judge(window, t, self._judging(window, t, lanes))[0]

    def _judging(self, window: Events, as_of: float, lanes: Lanes) -> list[Future[Evidence]] | None:
        """Each discount's evidence on *window*, started on *lanes*; ``None`` when the
        judgement is already in the table's memo (:meth:`_judge`)."""
        key = self._judge_key(as_of)
        if key is not None and key in window.memo:
            return None
        return [lanes.submit(evidence_of, c, window, as_of) for _, c in self.discounts]

    def _judge_key(self, as_of: float) -> tuple[Any, ...] | None:
        key = ("scorer-judge", self.discounts, float(as_of))
        try:
            hash(key)
        except TypeError:
            return None
        return key

    def _judge(
        self, window: Events, as_of: float, judging: list[Future[Evidence]] | None = None
    ) -> tuple[NDArray[np.float64], list[Kept], list[Mapping[str, Any]]]:
        """Per-event trust (the table's own times each discount's weight), each discount's
        weights below 1 (:data:`~influence.scoring.attribution.Kept`: rows and weights) and
        details, judged on the window as given, once per table, discounts and time (in
        :attr:`Events.memo <influence.Events.memo>`: :meth:`trust` and :meth:`score` share
        it); discounts that cannot be hashed are judged every time. *judging*: the
        discounts' evidence already started (:meth:`_judging`)."""
        key = self._judge_key(as_of)
        if key is None:
            return self._judge_now(window, as_of, judging)

        def compute() -> tuple[Any, ...]:
            trust, keeps, details = self._judge_now(window, as_of, judging)
            return (trust, *keeps, tuple(details))  # each array flagged read-only

        kept = window.memo.get(key, compute)
        return kept[0], list(kept[1:-1]), list(kept[-1])

    def _judge_now(
        self, window: Events, as_of: float, judging: list[Future[Evidence]] | None = None
    ) -> tuple[NDArray[np.float64], list[Kept], list[Mapping[str, Any]]]:
        """:meth:`_judge`, computed: the discounts' weights multiplied in their order; of
        each discount's weights, only the rows below 1 are kept (most rows keep all)."""
        trust = np.ones(len(window)) if window.trust is None else window.trust.copy()
        keeps: list[Kept] = []
        details: list[Mapping[str, Any]] = []
        for j, (name, component) in enumerate(self.discounts):
            ev = judging[j].result() if judging else evidence_of(component, window, as_of)
            keep = check_output(ev.values, len(window), where=f"discount {name!r}", role="discount")
            keeps.append(Kept.of(keep))
            details.append(ev.details)
            trust = trust * keep
        return np.asarray(trust, dtype=np.float64), keeps, details

    def _discount(
        self, window: Events, as_of: float, judging: list[Future[Evidence]] | None = None
    ) -> tuple[Events, list[Evidence], NDArray[np.float64]]:
        """The window with the discounts' trust, each discount's evidence (the mean weight
        it kept on the engagement each user received) and its share of the points removed.

        Per-event trust, judged on the window as given. Trust the caller set on the table
        (Events.with_trust) is kept and multiplied by the discounts'.
        """
        trust, keeps, details = self._judge(window, as_of, judging)
        kept, removed = discount_shares(
            window, as_of, keeps, [_scale_of(c) for _, c in self.discounts]
        )
        evidence = [Evidence(kept[:, j], d) for j, d in enumerate(details)]
        trusted = window.with_trust(trust, copy=False) if self.discounts else window
        return trusted, evidence, removed

    def _modify(
        self, trusted: Events, as_of: float, lanes: Lanes | None = None
    ) -> tuple[NDArray[np.float64], list[Evidence]]:
        """Each modifier's factor per user (a column each), judged on the trusted table."""
        n = trusted.n_users
        factors = np.ones((n, len(self.modifiers)))
        found = (lanes or Lanes(1)).map(
            lambda c: evidence_of(c, trusted, as_of), [c for _, c in self.modifiers]
        )
        evidence: list[Evidence] = []
        for j, ((name, _), ev) in enumerate(zip(self.modifiers, found)):
            values = check_output(ev.values, n, where=f"modifier {name!r}", role="modifier")
            evidence.append(Evidence(values, ev.details))
            factors[:, j] = values
        return factors, evidence

    def _signals(
        self, events: Events, as_of: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], list[Evidence]]:
        """The weighted sum of the signals, each one's weighted value, and their evidence."""
        return self._combine([evidence_of(c, events, as_of) for _, c in self.signals], events)

    def _combine(
        self, found: list[Evidence], events: Events
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], list[Evidence]]:
        """:meth:`_signals` from each signal's evidence (*found*, in the signals' order)."""
        assert self.weights is not None
        n = events.n_users
        raw = np.zeros(n)
        contributions = np.zeros((n, len(self.signals)))
        evidence: list[Evidence] = []
        for j, ((name, _), ev) in enumerate(zip(self.signals, found)):
            values = check_output(ev.values, n, where=f"signal {name!r}", role="signal")
            evidence.append(Evidence(values, ev.details))
            contributions[:, j] = self.weights[name] * values
            raw += contributions[:, j]
        return raw, contributions, evidence

    @property
    def lookbacks(self) -> dict[str, float]:
        """Days before ``as_of`` each part reads, by name (``inf``: all history)."""
        return {n: lookback_of(c) for n, c in self.signals + self.discounts + self.modifiers}

    @property
    def lookback_days(self) -> float:
        """Days before ``as_of`` the scores depend on: the longest of :attr:`lookbacks`;
        ``read_duckdb(..., scorer=self)`` reads that much (docs/engines.md)."""
        return max(self.lookbacks.values())

    # ------------------------------------------------------------------ config
    def to_config(self, *, strict: bool = True) -> dict[str, Any]:
        """The configuration as plain JSON-compatible data.

        Components are referred to by their registered name; with
        ``strict=True`` (the default) an unregistered component is an error,
        since :meth:`from_config` could not rebuild it.
        """
        assert self.weights is not None

        def entry(name: str, component: Any) -> dict[str, Any]:
            kind = _registry.registered_name(component)
            if kind is None:
                if strict:
                    raise ValueError(
                        f"component {name!r} ({component!r}) is not registered; "
                        "decorate it with influence.register to serialise it"
                    )
                kind = name_of(component)
            return {"name": name, "type": kind, "params": _registry.params_of(component)}

        config = {
            "signals": [entry(n, c) for n, c in self.signals],
            "weights": dict(self.weights),
            "discounts": [entry(n, c) for n, c in self.discounts],
            "modifiers": [entry(n, c) for n, c in self.modifiers],
            "calibration": {"midpoint": self.calibration.midpoint, "shape": self.calibration.shape},
        }
        if self.platform_calibration is not None:
            config["platform_calibration"] = self.platform_calibration.to_config()
        return config

    @classmethod
    def house(
        cls,
        *,
        half_life_days: float = HOUSE_HALF_LIFE_DAYS,
        window_days: float = HOUSE_WINDOW_DAYS,
    ) -> Scorer:
        """The house scorer with its standing on another time scale.

        ``Scorer.house()`` is ``Scorer()``. The time scale of standing (how
        long engagement keeps counting) is a product decision: a shorter one
        re-ranks people more from one week to the next, and forecasts the next
        days better on some logs (CollegeMsg) and worse on others (Bitcoin OTC);
        docs/validation.md, "Time scales", measures both. It is set here in
        one place, consistently: Engagement, Activity, Longevity, Reciprocity,
        Credibility and the credibility inside Authenticity take
        *half_life_days* and *window_days*; Inactivity (how silence decays a
        score) keeps its own. What happens now, over hours, is
        :meth:`Scorer.trending`.

        Parameters
        ----------
        half_life_days : float, default 30
            Age at which engagement counts half; positive.
        window_days : float, default 90
            Engagement older than this counts nothing; positive.

        Examples
        --------
        >>> from influence import Scorer
        >>> Scorer.house() == Scorer()
        True
        >>> weekly = Scorer.house(half_life_days=7, window_days=21)
        >>> dict(weekly.signals)["engagement"].window_days
        21
        """
        _time_scale("Scorer.house", half_life_days, window_days)
        signals, discounts, modifiers = _house_parts(half_life_days, window_days)
        return cls(signals=signals, discounts=discounts, modifiers=modifiers)

    @classmethod
    def trending(
        cls,
        *,
        half_life_days: float = TRENDING_HALF_LIFE_DAYS,
        window_days: float = TRENDING_WINDOW_DAYS,
    ) -> Scorer:
        """The trending score: who people are engaging *now*, on a scale of hours.

        The standing score (``Scorer()``) is stable on purpose: a weekend off
        costs almost nothing, and nothing in it works on a scale of hours. What
        is hot right now is this other score, built from the same parts: the
        :class:`~influence.components.Momentum` signal (distinct people engaging
        a user, a 6-hour half-life inside a 7-day window, every kind of
        engagement one person: attention now, whatever form it takes; on
        Higgs the standing score's action weights cost the forecast 0.016 of
        NDCG@100, docs/validation.md), the house discounts
        (quid-pro-quo rings and fake cohorts count for as little here as in the
        standing score) and :class:`~influence.components.Authenticity`, with
        its own :class:`~influence.calibration.Calibration`: 50 points for
        about ten people's worth of engagement in the last hours. No inactivity
        modifier: momentum itself fades within a day or two of silence.

        Parameters
        ----------
        half_life_days : float, default 0.25
            Age at which engagement counts half; positive.
        window_days : float, default 7
            Engagement older than this counts nothing; positive.

        Examples
        --------
        >>> from influence import Scorer
        >>> hot = Scorer.trending()
        >>> [name for name, _ in hot.signals], hot.calibration.midpoint
        (['momentum'], 2.4)
        >>> Scorer.from_config(hot.to_config()) == hot
        True
        """
        _time_scale("Scorer.trending", half_life_days, window_days)
        return _trending(float(half_life_days), float(window_days))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Scorer:
        """Rebuild a scorer from :meth:`to_config` data (components by registry name)."""
        return cls(**scorer_arguments(config))


def _time_scale(owner: str, half_life_days: float, window_days: float) -> None:
    """Check a time scale given to a preset (both positive numbers)."""
    for name, value in (("half_life_days", half_life_days), ("window_days", window_days)):
        _validate.number(owner, name, value, low=0.0, low_open=True)


@functools.lru_cache(maxsize=8)
def _trending(half_life_days: float, window_days: float) -> Scorer:
    from influence.components import Momentum

    _, discounts, modifiers = _house_parts(HOUSE_HALF_LIFE_DAYS, HOUSE_WINDOW_DAYS)
    return Scorer(
        signals=(
            (
                "momentum",
                Momentum(
                    half_life_days=half_life_days,
                    window_days=window_days,
                    **EQUAL_ACTION_WEIGHTS,
                ),
            ),
        ),
        discounts=discounts,
        modifiers=tuple((n, c) for n, c in modifiers if n == "authenticity"),
        calibration=Calibration(midpoint=TRENDING_MIDPOINT),
    )


def _scale_of(component: Any) -> TimeScale:
    """The time scale a component judges on: its own ``half_life_days`` and
    ``window_days`` where it has them, else the standing scale."""
    half = getattr(component, "half_life_days", None)
    window = getattr(component, "window_days", None)
    if isinstance(half, (int, float)) and isinstance(window, (int, float)):
        return TimeScale(half_life_days=float(half), window_days=float(window))
    return STANDING
