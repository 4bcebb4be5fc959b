"""influence.evaluate.defence_audit: who each defence discounts, and what they receive next."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from influence import ACTIONS, Events, HorizonWarning, Scorer
from influence.components import DistinctEngagers
from influence.datasets import load_collegemsg, synthetic
from influence.evaluate import DEFENCES, DefenceAudit, defence_audit, rolling_cutoffs

DAY = 86_400.0
CUT = 100.0  # the hand-made logs' cut-off: past events in [1, 100), future in (100, 200)
LIKE = ACTIONS.index("like")
COLLEGE = Path(__file__).resolve().parents[3] / "shared" / "data" / "collegemsg" / "CollegeMsg.txt"


@dataclass(frozen=True)
class Halve:
    """A modifier that halves the score of the chosen users: a defence that discounts them."""

    chosen: frozenset[str]
    name: ClassVar[str] = "halve"
    role: ClassVar[str] = "modifier"

    def __call__(self, events: Events, *, as_of: float) -> np.ndarray:
        return np.where(np.isin(events.users.ids, sorted(self.chosen)), 0.5, 1.0)


def halving(chosen: Any) -> Scorer:
    """Distinct engagers, calibrated, with :class:`Halve` as the only modifier."""
    return Scorer(
        signals=[DistinctEngagers(window_days=30)],
        discounts=[],
        modifiers=[Halve(frozenset(chosen))],
    )


def fan_log(future_mean: np.ndarray, seed: int) -> tuple[Events, list[str]]:
    """Targets ``t000``, ... each liked by 1-5 distinct fans before :data:`CUT` (five levels of
    undefended score) and by a Poisson number (mean ``future_mean[i]``) of new fans after."""
    rng = np.random.default_rng(seed)
    targets = [f"t{i:03d}" for i in range(future_mean.size)]
    time, actor, target = [], [], []
    for i, name in enumerate(targets):
        for j in range(1 + i % 5):
            time.append(rng.uniform(1.0, CUT - 1.0))
            actor.append(f"f{i:03d}_{j}")
            target.append(name)
        for j in range(int(rng.poisson(future_mean[i]))):
            time.append(rng.uniform(CUT + 1.0, 2 * CUT - 1.0))
            actor.append(f"g{i:03d}_{j}")
            target.append(name)
    events = Events.from_arrays(
        time=np.array(time),
        actor=np.array(actor),
        action=np.full(len(time), LIKE),
        target=np.array(target),
    )
    return events, targets


@pytest.fixture(scope="module")
def world() -> Any:
    return synthetic(seed=0, n_users=150, days=30, farm_size=30, n_sybils=60)


def audit_of(world: Any, **options: Any) -> DefenceAudit:
    return defence_audit(world.events, world.end - 2 * DAY, 2 * DAY, n_boot=200, **options)


# ---------------------------------------------------------------------------- generated worlds
def test_on_a_generated_world_each_defence_discounts_its_attackers(world: Any) -> None:
    audit = audit_of(world)
    assert audit.defences == DEFENCES
    # The ring, and only the ring (a member whose trade was a small part of its score is
    # discounted by less than the threshold).
    ring = set(audit["reciprocity"].users)
    assert ring <= set(world.ring)
    assert len(ring) >= 0.8 * len(world.ring)
    credibility = audit["credibility"]
    assert set(credibility.users) == {world.sybil_target, world.spam}
    assert credibility.touched == 2
    assert audit["credibility"].role == "discount"
    assert audit["authenticity"].role == "modifier"
    for row in audit.rows:
        assert row.scored == world.events.until(world.end - 2 * DAY).compact().n_users
        assert row.matched <= row.touched == row.users.size  # one cut-off: units are users


def test_credibility_discounts_the_customers_of_a_farm_and_meshed_sybils() -> None:
    farm = synthetic(seed=0, n_users=150, days=30, farm_size=30, n_sybils=60, farm_customers=6)
    touched = set(audit_of(farm, defences="credibility")["credibility"].users)
    assert {*farm.customers, farm.sybil_target} <= touched
    mesh = synthetic(seed=0, n_users=150, days=30, farm_size=30, n_sybils=60, sybil_mesh=5)
    audit = audit_of(mesh, defences=["credibility", "authenticity"])
    sybils = set(mesh.accounts("sybil"))
    assert sybils <= set(audit["credibility"].users)
    # The Sybils, and the good twins' volume account (one text 40 times a day).
    volume = set(mesh.accounts("volume"))
    assert set(audit["authenticity"].users) == sybils | volume
    assert audit["authenticity"].share == pytest.approx(
        (60 + len(volume)) / audit["authenticity"].scored
    )


def test_a_row_does_not_depend_on_the_other_defences_audited(world: Any) -> None:
    alone = audit_of(world, defences=["credibility"])
    assert alone.defences == ("credibility",)
    assert alone["credibility"] == audit_of(world)["credibility"]


def test_several_cut_offs_pool_user_cut_offs(world: Any) -> None:
    cuts = [world.end - 4 * DAY, world.end - 2 * DAY]
    single = [defence_audit(world.events, c, 2 * DAY, n_boot=50) for c in cuts]
    pooled = defence_audit(world.events, cuts, 2 * DAY, n_boot=50)
    assert pooled.cutoffs == tuple(cuts)
    for name in DEFENCES:
        row = pooled[name]
        assert row.scored == sum(s[name].scored for s in single)
        assert row.touched == sum(s[name].touched for s in single)
        assert row.matched == sum(s[name].matched for s in single)
        assert row.strata_used == sum(s[name].strata_used for s in single)
        union = np.union1d(single[0][name].users, single[1][name].users)
        assert np.array_equal(row.users, union)
    assert "touched users" in pooled.to_markdown()
    assert "over 2 cut-offs" in str(pooled)


# ---------------------------------------------------------------------------- hand-made logs
def test_discounted_users_who_receive_less_are_shown_to() -> None:
    n = 300
    chosen = np.arange(n) % 2 == 0  # the defence halves every other target
    events, targets = fan_log(np.where(chosen, 1.0, 3.0), seed=1)
    scorer = halving(np.array(targets)[chosen])
    row = defence_audit(events, CUT, CUT, scorer=scorer)["halve"]
    assert row.role == "modifier"
    assert row.touched == row.matched == n // 2
    assert row.strata_used == 5  # five levels of past fans: ties share a stratum
    assert row.high < 0
    assert row.verdict == "discounted receive less"
    assert row.difference == pytest.approx(-2.0, abs=0.4)
    assert row.ratio == pytest.approx(1 / 3, abs=0.1)
    assert row.difference == pytest.approx(row.discounted_mean - row.spared_mean)
    # the other way round, the defence misfires
    events, targets = fan_log(np.where(chosen, 3.0, 1.0), seed=1)
    misfire = defence_audit(events, CUT, CUT, scorer=halving(np.array(targets)[chosen]))
    assert misfire["halve"].verdict == "discounted receive more"
    # a threshold above the defence's cut: nobody is discounted
    none = defence_audit(events, CUT, CUT, scorer=scorer, threshold=0.6)["halve"]
    assert (none.touched, none.matched, none.verdict) == (0, 0, "too few to tell")
    assert np.isnan([none.difference, none.low, none.high, none.ratio]).all()


def test_a_defence_that_discounts_at_random_is_rarely_told_apart() -> None:
    """Twenty independent logs, same outcome law for everyone: the 95% interval covers 0 in
    most (18 of these 20, 19 expected; deterministic: every log and bootstrap is seeded)."""
    covered = 0
    n = 200
    for seed in range(20):
        events, targets = fan_log(np.full(n, 2.0), seed=seed)
        chosen = np.random.default_rng([seed, 1]).permutation(targets)[: n // 2]
        row = defence_audit(events, CUT, CUT, scorer=halving(chosen), n_boot=400)["halve"]
        assert row.touched == n // 2
        covered += row.low <= 0 <= row.high
    assert covered >= 17


def test_the_audit_does_not_depend_on_the_order_of_the_rows() -> None:
    events, targets = fan_log(np.linspace(0.5, 4.0, 100), seed=3)
    chosen = np.array(targets)[::3]
    order = np.random.default_rng(0).permutation(len(events))
    shuffled = Events.from_arrays(
        time=events.time[order],
        actor=events.users.ids[events.actor[order]],
        action=events.action[order],
        target=events.users.ids[events.target[order]],
    )
    a = defence_audit(events, CUT, CUT, scorer=halving(chosen))
    b = defence_audit(shuffled, CUT, CUT, scorer=halving(chosen))
    assert a == b
    assert np.array_equal(a["halve"].users, b["halve"].users)
    assert a.to_markdown() == b.to_markdown()


def test_the_seed_fixes_the_interval() -> None:
    events, targets = fan_log(np.linspace(0.5, 4.0, 100), seed=3)
    scorer = halving(np.array(targets)[::3])
    first = defence_audit(events, CUT, CUT, scorer=scorer, seed=7)
    assert first == defence_audit(events, CUT, CUT, scorer=scorer, seed=7)
    other = defence_audit(events, CUT, CUT, scorer=scorer, seed=8)["halve"]
    assert other.difference == first["halve"].difference
    assert (other.low, other.high) != (first["halve"].low, first["halve"].high)


# ---------------------------------------------------------------------------- reports
def test_the_report_views_escape_names() -> None:
    events, targets = fan_log(np.full(60, 2.0), seed=4)
    odd = "<b>a|b</b>"
    scorer = Scorer(
        signals=[DistinctEngagers(window_days=30)],
        discounts=[],
        modifiers=[(odd, Halve(frozenset(targets[::2])))],
    )
    audit = defence_audit(events, CUT, CUT, scorer=scorer, n_boot=50)
    assert audit.defences == (odd,)
    assert audit[odd].defence == odd
    markdown = audit.to_markdown()
    assert "| <b>a\\|b</b> | 240 | 30 | 12.50% |" in markdown
    assert markdown.splitlines()[0].startswith("| defence | scored | touched | share |")
    html = audit._repr_html_()
    assert "&lt;b&gt;a|b&lt;/b&gt;" in html
    assert odd not in html
    assert "Defence audit at 1970-01-01T00:01:40Z" in html
    text = str(audit)
    assert text.splitlines()[0].startswith("Defence audit at 1970-01-01T00:01:40Z:")
    assert "in the next 100 seconds" in text
    frame = audit.to_pandas()
    assert list(frame.index) == [odd]
    assert frame.loc[odd, ["touched", "touched_users"]].tolist() == [30, 30]
    assert frame.loc[odd, "verdict"] == audit[odd].verdict
    with pytest.raises(KeyError, match=r"no defence 'halve' in this audit"):
        audit["halve"]


# ---------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"defences": ["nope"]},
            r"The 'defences' parameter of defence_audit must be one of \['reciprocity', "
            r"'credibility', 'inactivity', 'authenticity'\]\. Got 'nope' instead",
        ),
        ({"defences": "engagement"}, r"'defences' parameter.*Got 'engagement' instead"),
        ({"defences": []}, r"'defences' parameter of defence_audit must name at least one"),
        ({"defences": ["credibility"] * 2}, r"'defences'.*\['credibility'\] repeat"),
        (
            {"threshold": 0},
            r"The 'threshold' parameter of defence_audit must be a number in the range "
            r"\(0, 1\]\. Got 0 instead",
        ),
        ({"threshold": 1.5}, r"'threshold'.*\(0, 1\]\. Got 1\.5 instead"),
        ({"strata": 0}, r"'strata' parameter of defence_audit.*\[1, inf\)\. Got 0 instead"),
        ({"n_boot": 5}, r"'n_boot' parameter of defence_audit.*\[10, inf\)\. Got 5 instead"),
        ({"level": 1.0}, r"'level' parameter of defence_audit.*\(0, 1\)\. Got 1\.0 instead"),
        ({"seed": -1}, r"'seed' parameter of defence_audit.*\[0, inf\)\. Got -1 instead"),
        (
            {"target": "likes"},
            r"'target' parameter of defence_audit must be one of \['distinct_engagers', "
            r"'engagements'\]\. Got 'likes' instead",
        ),
        ({"horizon": 0}, r"'horizon' parameter of defence_audit must be a positive duration"),
        ({"cutoff": []}, r"'cutoff' parameter of defence_audit must name a cut-off"),
        ({"cutoff": [50.0, 50.0]}, r"must not repeat a cut-off; \['1970-01-01T00:00:50Z'\]"),
        ({"cutoff": 0.5}, r"no events at or before the cut-off"),
        ({"cutoff": 500.0}, r"no events after the cut-off"),
    ],
)
def test_invalid_parameters_are_named(options: dict[str, Any], message: str) -> None:
    events, _ = fan_log(np.full(20, 2.0), seed=5)
    arguments = {"cutoff": CUT, "horizon": CUT, **options}
    with pytest.raises(ValueError, match=message):
        defence_audit(events, arguments.pop("cutoff"), arguments.pop("horizon"), **arguments)


def test_wrong_types_are_named() -> None:
    events, _ = fan_log(np.full(20, 2.0), seed=5)
    with pytest.raises(TypeError, match=r"'scorer' parameter of defence_audit must be an "):
        defence_audit(events, CUT, CUT, scorer="house")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"influence\.Events"):
        defence_audit([], CUT, CUT)  # type: ignore[arg-type]


def test_a_scorer_without_the_house_defences_audits_every_discount_and_modifier() -> None:
    events, targets = fan_log(np.full(20, 2.0), seed=5)
    assert defence_audit(events, CUT, CUT, scorer=halving(targets[:5])).defences == ("halve",)
    bare = Scorer(signals=[DistinctEngagers(window_days=30)], discounts=[], modifiers=[])
    with pytest.raises(ValueError, match=r"must name at least one discount or modifier.*\[\]"):
        defence_audit(events, CUT, CUT, scorer=bare)


def test_a_horizon_past_the_end_of_the_log_warns_at_the_caller() -> None:
    events, _ = fan_log(np.full(20, 2.0), seed=5)
    with pytest.warns(HorizonWarning, match="after the last event") as caught:
        defence_audit(events, CUT, 10 * CUT, defences="inactivity", n_boot=10)
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        defence_audit(events, CUT, CUT, n_boot=10)


# ---------------------------------------------------------------------------- real data
def test_on_collegemsg_the_audit_counts_what_each_defence_touches() -> None:
    if not COLLEGE.exists():
        pytest.skip(f"real data not available: {COLLEGE} (see ../shared/data/README.md)")
    events = load_collegemsg(COLLEGE)
    weekly = rolling_cutoffs(events, 7 * DAY, 7 * DAY)[-4:]
    audit = defence_audit(events, weekly, 7 * DAY, n_boot=100)
    assert audit.defences == DEFENCES
    scored = sum(events.until(c).compact().n_users for c in weekly)
    for row in audit.rows:
        assert row.scored == scored
        assert 0 <= row.matched <= row.touched <= row.scored
        assert row.users.size <= row.touched
