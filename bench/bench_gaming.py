"""Benchmark: how far the planted adversaries of ``synthetic`` game a scorer.

Builds the default world of :func:`influence.datasets.synthetic` (every attack
on), the same world with the ring off, with the Sybils off and with all attacks
off, scores each at the end of its log with the house ``Scorer()`` (and, with
``--config``, with a scorer read from JSON) and prints every gaming-resistance
target with the measured value and PASS or FAIL:

- the spam account, every farm account and every Sybil score below the median
  genuine account (percentiles are among the established genuine accounts: the
  ordinary genuine users, the curator and the dormant star; the good twins'
  300 one-shot newcomers, who score 0 by design, are left out of the reference);
- a ring member gains at most 3 points from the ring (score with the ring on
  minus off); the Sybil target gains at most 3 points from the Sybils;
- the adaptive attacks: Sybils that like each other (``sybil_mesh=10``); a
  farm that spreads its engagement over 10 customers (``farm_customers=10``):
  every customer gains at most 3 points over the world without the farm
  (a fresh customer's whole score is its gain) and every bot stays below the
  median; a ring whose members send half their interactions to genuine users
  (``ring_mixing=0.5``): a member gains at most 3 points over the same world
  with the ring off (the members still talking to genuine users; the gain
  over the plain ring-off world, their own conversation included, is shown
  too);
- genuine accounts move at most 1 point (median of the absolute change) when
  all attacks are switched on;
- Spearman's rho between the score and the ground truth (``World.truth``)
  among the genuine accounts is at least 0.85, attacks on and off;
- the curator scores in the top quartile of the genuine accounts.

It is a report, not a test: it exits 0 whatever fails.

Usage: ``python bench/bench_gaming.py [--seed N] [--config scorer.json]``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from influence import Scorer
from influence.datasets import ATTACKS, World, synthetic

#: The worlds the targets need: keyword switches of ``synthetic`` per name.
WORLDS: dict[str, dict[str, bool]] = {
    "default": {},
    "ring off": {"ring": False},
    "sybils off": {"sybils": False},
    "attacks off": dict.fromkeys(ATTACKS, False),
    "sybil mesh": {"sybil_mesh": 10},
    "spam off": {"spam": False},
    "farm spread": {"farm_customers": 10},
    "ring mixing": {"ring_mixing": 0.5},
    "ring mixing off": {"ring_mixing": 0.5, "ring": False},
}

#: The reference for percentiles: the established genuine accounts (the genuine kinds of the
#: world before its good twins). The twins' one-shot newcomers score 0 by design; counted
#: here they would rank any account with a hair of engagement above a third of "genuine".
ESTABLISHED = ("genuine", "curator", "dormant_star")


@dataclass(frozen=True)
class Row:
    target: str
    measured: str
    passed: bool


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def score_map(scorer: Scorer, world: World) -> dict[str, float]:
    """Score of every account of the world at its end (0 for accounts not scored)."""
    scores = scorer.score(world.events, as_of=world.end).to_dict()
    return {user: float(scores.get(user, 0.0)) for user in world.labels}


def percentile(value: float, reference: np.ndarray) -> float:
    """Percent of *reference* below *value* (ties count half)."""
    below = np.mean(reference < value) + 0.5 * np.mean(reference == value)
    return float(100.0 * below)


def measure(worlds: dict[str, World], scores: dict[str, dict[str, float]]) -> list[Row]:
    world, on, off = worlds["default"], scores["default"], scores["attacks off"]
    genuine = world.accounts(*ESTABLISHED)
    reference = np.array([on[u] for u in genuine])
    rows: list[Row] = []

    assert world.spam is not None
    spam = percentile(on[world.spam], reference)
    rows.append(Row("spam account below the median (percentile < 50)", f"{spam:.1f}", spam < 50))
    for kind, name in (("farm", "farm"), ("sybil", "Sybil")):
        worst = max(percentile(on[u], reference) for u in world.accounts(kind))
        rows.append(
            Row(f"every {name} account below the median (max pct < 50)", f"{worst:.1f}", worst < 50)
        )

    ring_off = scores["ring off"]
    gain = np.array([on[u] - ring_off[u] for u in world.ring])
    rows.append(
        Row(
            f"ring member gain from the ring of {len(world.ring)} <= 3 points (max)",
            f"max {gain.max():+.2f}, median {np.median(gain):+.2f}",
            bool(gain.max() <= 3.0),
        )
    )
    target = world.sybil_target
    sybil_gain = on[target] - scores["sybils off"][target]
    n_sybils = len(world.accounts("sybil"))
    rows.append(
        Row(
            f"Sybil target gain from {n_sybils} Sybils <= 3 points",
            f"{sybil_gain:+.2f} ({scores['sybils off'][target]:.1f} -> {on[target]:.1f})",
            sybil_gain <= 3.0,
        )
    )

    mesh = scores["sybil mesh"]
    mesh_gain = mesh[target] - scores["sybils off"][target]
    mesh_worst = max(
        percentile(mesh[u], np.array([mesh[g] for g in genuine])) for u in world.accounts("sybil")
    )
    rows.append(
        Row(
            "Sybil mesh (each also likes 10 Sybils): target gain <= 3, all below median",
            f"{mesh_gain:+.2f}, max pct {mesh_worst:.1f}",
            mesh_gain <= 3.0 and mesh_worst < 50,
        )
    )

    spread_world, spread = worlds["farm spread"], scores["farm spread"]
    spam_off = scores["spam off"]
    fresh = set(spread_world.accounts("spam"))
    paid = {u: spread[u] - spam_off.get(u, 0.0) for u in spread_world.customers}
    paid_genuine = max(g for u, g in paid.items() if u not in fresh)
    paid_fresh = max(g for u, g in paid.items() if u in fresh)
    spread_reference = np.array([spread[g] for g in genuine])
    bots = max(percentile(spread[u], spread_reference) for u in spread_world.accounts("farm"))
    rows.append(
        Row(
            f"farm spread over {len(paid)} customers: customer gain <= 3 (max), bots below median",
            f"genuine {paid_genuine:+.2f}, fresh {paid_fresh:+.2f}, bot max pct {bots:.1f}",
            max(paid.values()) <= 3.0 and bots < 50,
        )
    )
    mixing, talk_only = scores["ring mixing"], scores["ring mixing off"]
    mix_gain = np.array([mixing[u] - talk_only[u] for u in world.ring])
    talk_gain = np.array([mixing[u] - ring_off[u] for u in world.ring])
    rows.append(
        Row(
            "ring mixing in conversation (half its interactions): member gain <= 3 (max)",
            f"max {mix_gain.max():+.2f}, median {np.median(mix_gain):+.2f}"
            f" (with their talk {talk_gain.max():+.2f})",
            bool(mix_gain.max() <= 3.0),
        )
    )

    move = np.abs(np.array([on[u] - off[u] for u in genuine]))
    rows.append(
        Row(
            "genuine accounts move <= 1 point, attacks on vs off (median)",
            f"median {np.median(move):.3f}, p90 {np.quantile(move, 0.9):.3f}, max {move.max():.2f}",
            bool(np.median(move) <= 1.0),
        )
    )
    truth = np.array([world.truth[u] for u in genuine])
    for label, values in (("on", on), ("off", off)):
        rho = float(spearmanr([values[u] for u in genuine], truth)[0])
        rows.append(
            Row(f"Spearman(score, truth) >= 0.85, attacks {label}", f"{rho:.3f}", rho >= 0.85)
        )

    assert world.curator is not None
    curator = percentile(on[world.curator], reference)
    rows.append(
        Row("curator in the top quartile (percentile >= 75)", f"{curator:.1f}", curator >= 75)
    )
    return rows


def report(title: str, rows: list[Row]) -> None:
    width = max(len(r.target) for r in rows)
    measured = max(len(r.measured) for r in rows)
    print(f"\n{title}")
    print(f"  {'target':<{width}}  {'measured':<{measured}}  result")
    for r in rows:
        print(f"  {r.target:<{width}}  {r.measured:<{measured}}  {'PASS' if r.passed else 'FAIL'}")
    print(f"  {sum(r.passed for r in rows)}/{len(rows)} targets pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--config", default=None, help="also measure a scorer read from JSON")
    args = parser.parse_args()

    scorers: dict[str, Scorer] = {"house Scorer()": Scorer()}
    if args.config:
        config = json.loads(Path(args.config).read_text())
        scorers[f"Scorer.from_config({args.config})"] = Scorer.from_config(config)

    worlds: dict[str, World] = {}
    for name, switches in WORLDS.items():
        worlds[name], seconds = timed(lambda s=switches: synthetic(seed=args.seed, **s))
        print(f"world {name:<15} {worlds[name].events}  built in {seconds:.2f} s")
    default = worlds["default"]
    kinds = {k: len(default.accounts(k)) for k in sorted(set(default.labels.values()))}
    print(f"default world accounts: {kinds}")

    for title, scorer in scorers.items():
        scores: dict[str, dict[str, float]] = {}
        total = 0.0
        for name, world in worlds.items():
            scores[name], seconds = timed(lambda s=scorer, w=world: score_map(s, w))
            total += seconds
        report(f"{title}: {len(worlds)} worlds scored in {total:.2f} s", measure(worlds, scores))


if __name__ == "__main__":
    main()
