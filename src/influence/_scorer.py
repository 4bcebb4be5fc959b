"""Composition: signals weighted and summed, calibrated, then modifiers multiplied in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _registry, _validate
from ._component import Evidence, check_output, evidence_of, name_of, role_of
from ._events import Events
from ._scores import Scores
from ._timeparse import to_epoch
from .calibration import Calibration

Parts = tuple[tuple[str, Any], ...]
CONFIG_KEYS = ("signals", "weights", "modifiers", "calibration")


def _named(owner: str, param: str, value: Any) -> Parts:
    """Normalise components given as a sequence, ``(name, component)`` pairs or a mapping."""
    if value is None:
        return ()
    items: Iterable[Any] = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[str, Any]] = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, component = item
        else:
            name, component = None, item
        if not callable(component):
            under = "" if name is None else f" under {name!r}"
            raise ValueError(
                f"The {param!r} parameter of {owner} must hold callable components; "
                f"got {component!r}{under}"
            )
        if name is None:
            name = _registry.registered_name(component) or name_of(component)
        out.append((name, component))
    return tuple(out)


def _default_signals() -> Parts:
    from .components import Activity, Engagement, Longevity

    return (("engagement", Engagement()), ("activity", Activity()), ("longevity", Longevity()))


#: House weights by part name: engagement carries the score; activity (bounded by 1)
#: and longevity add a few points at most.
DEFAULT_WEIGHTS = {"engagement": 1.0, "activity": 0.5, "longevity": 0.25}


def _default_modifiers() -> Parts:
    from .components import Credibility, Inactivity, Reciprocity

    return (
        ("inactivity", Inactivity()),
        ("reciprocity", Reciprocity()),
        ("credibility", Credibility()),
    )


@dataclass(frozen=True)
class Scorer:
    r"""Compose components into a 0-100 influence score.

    .. math::

        \mathrm{score}_u = C\Big(\sum_i w_i\, s_i(u)\Big) \prod_j m_j(u)

    where :math:`s_i` are the signals, :math:`w_i` their weights, :math:`C`
    the fixed :class:`~influence.calibration.Calibration` and :math:`m_j \in [0, 1]`
    the modifiers.

    Parameters
    ----------
    signals : sequence of components, ``(name, component)`` pairs or mapping
        Evidence of influence. Names default to each component's registry name
        (or its ``name`` attribute, or a function's ``__name__``).
    weights : mapping of str to float, optional
        Weight per signal name; non-negative, not all zero. A signal without a
        weight gets the house default for its name (``engagement`` 1,
        ``activity`` 0.5, ``longevity`` 0.25) or 1.
    modifiers : sequence of components, pairs or mapping
        Factors in ``[0, 1]`` multiplied into the calibrated score.
    calibration : Calibration
        The fixed map from the weighted sum to 0-100.

    Examples
    --------
    >>> from influence import Scorer
    >>> from influence.components import DistinctEngagers
    >>> scorer = Scorer(signals=[DistinctEngagers(window_days=30)], modifiers=[])
    >>> Scorer.from_config(scorer.to_config()) == scorer
    True
    """

    signals: Parts = field(default_factory=_default_signals)
    weights: Mapping[str, float] | None = None
    modifiers: Parts = field(default_factory=_default_modifiers)
    calibration: Calibration = field(default_factory=Calibration)

    def __post_init__(self) -> None:
        signals = _named("Scorer", "signals", self.signals)
        modifiers = _named("Scorer", "modifiers", self.modifiers)
        if not signals:
            raise ValueError(
                "The 'signals' parameter of Scorer must name at least one signal. Got none."
            )
        names = [n for n, _ in signals + modifiers]
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
                "The 'signals' and 'modifiers' parameters of Scorer must give every part "
                f"a unique name; {repeated} repeat. Give components distinct names with "
                "(name, component) pairs."
            )
        for param, parts, expected in (
            ("signals", signals, "signal"),
            ("modifiers", modifiers, "modifier"),
        ):
            for name, component in parts:
                role = role_of(component)
                if role != expected:
                    raise ValueError(
                        f"The {param!r} parameter of Scorer holds {name!r}, whose "
                        f"role is {role!r}; allowed there: {expected!r}"
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
        object.__setattr__(self, "signals", signals)
        object.__setattr__(self, "modifiers", modifiers)
        object.__setattr__(self, "weights", weights)

    # ------------------------------------------------------------------ scoring
    def score(self, events: Events, as_of: Any = None) -> Scores:
        """Score every user with an event at or before *as_of*.

        Parameters
        ----------
        events : Events
        as_of : float, datetime or str, optional
            The scoring time; defaults to the latest event's time (never the
            wall clock). Events after it are ignored as if absent.

        Returns
        -------
        Scores
        """
        if not isinstance(events, Events):
            raise TypeError(
                f"events must be an influence.Events; got {type(events).__name__}. "
                "Build one with Events.from_records, from_arrays or read_csv."
            )
        when = events.end if as_of is None else to_epoch(as_of)
        window = events.until(when).compact() if when is not None else events
        n = window.n_users
        t = 0.0 if when is None else when
        assert self.weights is not None
        evidence: list[Evidence] = []
        raw = np.zeros(n)
        contributions = np.zeros((n, len(self.signals)))
        for j, (name, component) in enumerate(self.signals):
            ev = evidence_of(component, window, t)
            values = check_output(ev.values, n, where=f"signal {name!r}", role="signal")
            evidence.append(Evidence(values, ev.details))
            contributions[:, j] = self.weights[name] * values
            raw += contributions[:, j]
        calibrated = self.calibration(raw)
        factors = np.ones((n, len(self.modifiers)))
        for j, (name, component) in enumerate(self.modifiers):
            ev = evidence_of(component, window, t)
            values = check_output(ev.values, n, where=f"modifier {name!r}", role="modifier")
            evidence.append(Evidence(values, ev.details))
            factors[:, j] = values
        final = calibrated * np.prod(factors, axis=1)
        parts = np.empty((n, len(self.signals) + len(self.modifiers)))
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(raw[:, None] > 0, contributions / raw[:, None], 0.0)
        parts[:, : len(self.signals)] = calibrated[:, None] * share
        parts[:, len(self.signals) :] = _modifier_effects(calibrated, final, factors)
        named = self.signals + self.modifiers
        return Scores(
            users=window.users,
            values=final,
            parts=parts,
            names=tuple(n for n, _ in named),
            roles=("signal",) * len(self.signals) + ("modifier",) * len(self.modifiers),
            evidence=tuple(evidence),
            components=tuple(c for _, c in named),
            as_of=when,
            config=self.to_config(strict=False),
        )

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

        return {
            "signals": [entry(n, c) for n, c in self.signals],
            "weights": dict(self.weights),
            "modifiers": [entry(n, c) for n, c in self.modifiers],
            "calibration": {"midpoint": self.calibration.midpoint, "shape": self.calibration.shape},
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Scorer:
        """Rebuild a scorer from :meth:`to_config` data (components by registry name)."""
        if not isinstance(config, Mapping):
            raise ValueError(f"config must be a mapping; got {type(config).__name__}")
        unknown = sorted(set(config) - set(CONFIG_KEYS))
        if unknown:
            raise ValueError(f"config has unknown key(s) {unknown}; allowed: {list(CONFIG_KEYS)}")

        def parts(key: str) -> Parts:
            out = []
            for i, item in enumerate(config.get(key, [])):
                if not isinstance(item, Mapping) or "type" not in item:
                    raise ValueError(
                        f"config[{key!r}][{i}] must be a mapping with a 'type'; got {item!r}"
                    )
                extra = sorted(set(item) - {"name", "type", "params"})
                if extra:
                    raise ValueError(
                        f"config[{key!r}][{i}] has unknown key(s) {extra}; "
                        "allowed: ['name', 'type', 'params']"
                    )
                component = _registry.build(item["type"], item.get("params") or {})
                out.append((item.get("name") or item["type"], component))
            return tuple(out)

        kwargs: dict[str, Any] = {}
        if "signals" in config:
            kwargs["signals"] = parts("signals")
        if "modifiers" in config:
            kwargs["modifiers"] = parts("modifiers")
        if "weights" in config:
            kwargs["weights"] = config["weights"]
        if "calibration" in config:
            kwargs["calibration"] = Calibration(**config["calibration"])
        return cls(**kwargs)


def _modifier_effects(
    before: NDArray[np.float64], after: NDArray[np.float64], factors: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Split the total loss ``before - after`` among modifiers by their log-factors.

    The share of modifier *j* is ``ln m_j / sum_k ln m_k``: independent of
    the modifiers' order, and exact in total. Where some factor is zero the
    loss is shared equally among the zero factors.
    """
    n, k = factors.shape
    if k == 0:
        return np.zeros((n, 0))
    loss = after - before
    zero = factors <= 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(zero, 1.0, factors))
        total = logs.sum(axis=1, keepdims=True)
        share = np.where(total < 0, logs / total, 0.0)
    any_zero = zero.any(axis=1)
    if any_zero.any():
        share[any_zero] = zero[any_zero] / zero[any_zero].sum(axis=1, keepdims=True)
    return np.asarray(loss[:, None] * share, dtype=np.float64)
