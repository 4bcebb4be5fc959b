"""The expected-reach objective against enumeration, the plain greedy and the optimum."""

from __future__ import annotations

import itertools
import math

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from influence.campaign import ExpectedReach, expected_reach, lazy_greedy

GUARANTEE = 1.0 - 1.0 / math.e


def world(seed: int, accounts: int, people: int, density: float) -> tuple[sp.csr_array, np.ndarray]:
    rng = np.random.default_rng(seed)
    present = rng.random((accounts, people)) < density
    chance = np.where(present, rng.choice([0.1, 0.3, 0.5, 0.9, 1.0], size=present.shape), 0.0)
    newcomers = rng.choice([0.0, 0.0, 0.5, 2.0], size=accounts)
    return sp.csr_array(chance), newcomers


def enumerated(
    dense: np.ndarray, newcomers: np.ndarray, chosen: list[int], frequency: int
) -> float:
    """E[min(F, X_v)] summed over people by enumerating every outcome of the Bernoullis."""
    total = 0.0
    chosen = sorted(set(chosen))
    for v in range(dense.shape[1]):
        for outcome in itertools.product((0, 1), repeat=len(chosen)):
            chance = 1.0
            for u, hit in zip(chosen, outcome):
                chance *= dense[u, v] if hit else 1.0 - dense[u, v]
            total += chance * min(frequency, sum(outcome))
    return (total + float(sum(newcomers[chosen]))) / frequency


def plain_greedy(state: ExpectedReach, candidates: list[int], k: int) -> list[int]:
    """Every candidate evaluated every round; ties to the smaller index."""
    state = state.fresh()
    chosen: list[int] = []
    while len(chosen) < k:
        gains = [(state.gain(u), -u) for u in candidates if u not in chosen]
        if not gains:
            break
        best, negative = max(gains)
        if best <= 0:
            break
        state.add(-negative)
        chosen.append(-negative)
    return chosen


worlds = st.tuples(
    st.integers(0, 10_000),
    st.integers(2, 6),
    st.integers(1, 6),
    st.sampled_from([0.2, 0.5, 0.8]),
    st.integers(1, 3),
)


@settings(max_examples=40, deadline=None)
@given(worlds, st.data())
def test_the_objective_is_the_enumerated_expectation(spec, data) -> None:
    seed, accounts, people, density, frequency = spec
    matrix, newcomers = world(seed, accounts, people, density)
    chosen = data.draw(st.lists(st.integers(0, accounts - 1), max_size=4))
    want = enumerated(matrix.toarray(), newcomers, chosen, frequency)
    assert math.isclose(expected_reach(matrix, newcomers, chosen, frequency), want, abs_tol=1e-9)
    # The gains, added in any order, sum to it.
    state = ExpectedReach(matrix, newcomers, frequency)
    gained = sum(state.add(u) for u in dict.fromkeys(reversed(chosen)))
    assert math.isclose(gained, want, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(worlds, st.integers(1, 4))
def test_celf_is_the_plain_greedy_and_reaches_its_guarantee(spec, k) -> None:
    seed, accounts, people, density, frequency = spec
    matrix, newcomers = world(seed, accounts, people, density)
    state = ExpectedReach(matrix, newcomers, frequency)
    found = lazy_greedy(state, np.arange(accounts), k=k)
    chosen = found.chosen.tolist()
    assert chosen == plain_greedy(state, list(range(accounts)), k)
    assert state.total == 0.0  # the objective passed in is never changed
    dense = matrix.toarray()
    reach = enumerated(dense, newcomers, chosen, frequency)
    assert math.isclose(float(found.gains.sum()), reach, abs_tol=1e-9)
    best = max(
        enumerated(dense, newcomers, list(subset), frequency)
        for size in range(1, min(k, accounts) + 1)
        for subset in itertools.combinations(range(accounts), size)
    )
    assert reach >= GUARANTEE * best - 1e-9


@settings(max_examples=40, deadline=None)
@given(worlds)
def test_gains_only_shrink_and_never_go_negative(spec) -> None:
    seed, accounts, people, density, frequency = spec
    matrix, newcomers = world(seed, accounts, people, density)
    state = ExpectedReach(matrix, newcomers, frequency)
    before = [state.gain(u) for u in range(accounts)]
    assert before == state.initial(np.arange(accounts)).tolist()  # bit for bit
    for u in range(accounts):
        state.add(u)
        now = [state.gain(w) for w in range(accounts)]
        assert all(0.0 <= a <= b for a, b in zip(now, before))
        before = now


def test_a_sure_return_is_coverage() -> None:
    # Chances of 1 and no newcomers: the expectation is the number of people covered.
    matrix = sp.csr_array(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
    assert expected_reach(matrix, np.zeros(2), [0, 1]) == 3.0
    assert expected_reach(matrix, np.zeros(2), [0, 1], frequency=2) == 2.0
