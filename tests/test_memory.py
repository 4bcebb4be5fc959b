"""The memory policy: glibc reuses large blocks while a scoring runs, readers and scorings
share the main arena; undone after."""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import numpy as np
import pytest

from influence import Scorer, _memory
from influence.testing import small_world


class FakeLibc:
    """Records mallopt and malloc_trim calls as (name, option, value)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def mallopt(self, option: int, value: ctypes.c_int) -> int:
        self.calls.append(("mallopt", option, value.value))
        return 1

    def malloc_trim(self, pad: ctypes.c_size_t) -> int:
        self.calls.append(("trim", 0, pad.value))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> FakeLibc:
    fake = FakeLibc()
    monkeypatch.setattr(_memory, "_glibc", lambda: fake)
    monkeypatch.delenv(_memory.ENV, raising=False)
    return fake


def settings(calls: list[tuple[str, int, int]]) -> list[dict[int, int]]:
    """The mallopt settings made between trims, grouped."""
    groups: list[dict[int, int]] = [{}]
    for name, option, value in calls:
        if name == "trim":
            groups.append({})
        else:
            groups[-1][option] = value
    return groups


def test_set_on_entry_undone_on_exit_then_memory_returned(libc: FakeLibc) -> None:
    with _memory.reusing_memory():
        during = list(libc.calls)
    mmap, trim, arenas = _memory._M_MMAP_THRESHOLD, _memory._M_TRIM_THRESHOLD, _memory._M_ARENA_MAX
    assert {o: v for _, o, v in during} == {mmap: 2**30, trim: 2**31 - 1, arenas: 1}
    after = libc.calls[len(during) :]
    assert {o: v for n, o, v in after if n == "mallopt"} == {
        mmap: 32 * 2**20,
        trim: 64 * 2**20,
        arenas: 8 * (__import__("os").cpu_count() or 1),
    }
    assert after[-1][0] == "trim"  # the heap's free pages go back last


def test_nested_and_concurrent_calls_share_one_setting(libc: FakeLibc) -> None:
    inside = threading.Barrier(3)
    leave = threading.Event()

    def run() -> None:
        with _memory.reusing_memory():
            inside.wait()
            leave.wait()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for w in workers:
        w.start()
    with _memory.reusing_memory(), _memory.reusing_memory():
        inside.wait()
        assert len(settings(libc.calls)) == 1  # set once, nothing undone yet
    leave.set()
    for w in workers:
        w.join()
    assert sum(1 for name, _, _ in libc.calls if name == "trim") == 1
    assert len(libc.calls) == 3 + 3 + 1  # set, undone, trimmed: once each


def test_undone_when_the_work_raises(libc: FakeLibc) -> None:
    with pytest.raises(ZeroDivisionError), _memory.reusing_memory():
        1 / 0  # noqa: B018
    assert libc.calls[-1][0] == "trim"
    assert _memory._depth == 0


@pytest.mark.parametrize("off", ["0", "false", "No", "off"])
@pytest.mark.parametrize("setting", ["reusing_memory", "one_arena"])
def test_the_environment_turns_it_off(
    libc: FakeLibc, monkeypatch: pytest.MonkeyPatch, off: str, setting: str
) -> None:
    # Both the scorer's setting and the readers' one arena.
    monkeypatch.setenv(_memory.ENV, off)
    with getattr(_memory, setting)():
        pass
    assert libc.calls == []


def test_nothing_is_done_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_memory, "_glibc", lambda: None)
    with _memory.reusing_memory():
        pass
    assert _memory._depth == 0


def test_the_scorer_runs_inside_it_and_scores_do_not_depend_on_it(
    libc: FakeLibc, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = small_world(seed=5)
    on = Scorer().score(events).values
    assert libc.calls  # score() entered the policy
    monkeypatch.setenv(_memory.ENV, "0")
    events.memo.clear()
    off = Scorer().score(events).values
    np.testing.assert_array_equal(on, off)


def test_the_real_c_library_accepts_the_settings() -> None:
    libc: Any = _memory._glibc()
    if libc is None:
        pytest.skip("the C library is not glibc")
    with _memory.reusing_memory():
        assert float(np.ones(3).sum()) == 3.0
    assert _memory._depth == 0


def test_give_back_trims_unless_a_scoring_runs(libc: FakeLibc) -> None:
    _memory.give_back()
    assert [name for name, _, _ in libc.calls] == ["trim"]
    with _memory.reusing_memory():
        before = len(libc.calls)
        _memory.give_back()  # a scoring is reusing that memory: left alone
        assert len(libc.calls) == before


def test_a_reader_gives_memory_back_when_it_returns_or_raises(libc: FakeLibc) -> None:
    @_memory.gives_back
    def reader(fail: bool) -> int:
        if fail:
            raise ValueError("bad row")
        return 1

    assert reader(False) == 1
    with pytest.raises(ValueError, match="bad row"):
        reader(True)
    assert [name for name, _, _ in libc.calls if name == "trim"] == ["trim", "trim"]


def arena_limits(libc: FakeLibc) -> list[int]:
    """The arena limits set, in order."""
    return [value for name, option, value in libc.calls if option == _memory._M_ARENA_MAX]


def test_a_reader_s_threads_share_the_main_arena_while_it_runs(libc: FakeLibc) -> None:
    seen: list[list[int]] = []

    @_memory.gives_back
    def reader() -> None:
        seen.append(arena_limits(libc))

    reader()
    default = _memory._AFTER[2]
    assert seen == [[1]]  # held to one while it ran
    assert arena_limits(libc) == [1, default]  # then put back
    assert _memory._reading == 0


def test_a_reader_inside_a_scoring_leaves_the_setting_to_it(libc: FakeLibc) -> None:
    @_memory.gives_back
    def reader() -> None:
        pass

    with _memory.reusing_memory():
        reader()
        assert arena_limits(libc) == [1]  # the scoring's own setting, untouched
    assert arena_limits(libc) == [1, _memory._AFTER[2]]


def test_a_scoring_that_ends_while_a_reader_runs_keeps_one_arena(libc: FakeLibc) -> None:
    inside, leave = threading.Event(), threading.Event()

    @_memory.gives_back
    def reader() -> None:
        inside.set()
        leave.wait()

    worker = threading.Thread(target=reader)
    with _memory.reusing_memory():
        worker.start()
        inside.wait()
    assert arena_limits(libc)[-1] == 1  # the reader still runs
    leave.set()
    worker.join()
    assert arena_limits(libc)[-1] == _memory._AFTER[2]


def test_a_reader_raising_puts_the_limit_back(libc: FakeLibc) -> None:
    @_memory.gives_back
    def reader() -> None:
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        reader()
    assert arena_limits(libc) == [1, _memory._AFTER[2]]
    assert _memory._reading == 0


def test_give_back_releases_pyarrow_s_pool(libc: FakeLibc, monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[int] = []

    class Pool:
        def release_unused(self) -> None:
            released.append(1)

    class Arrow:
        @staticmethod
        def default_memory_pool() -> Pool:
            return Pool()

    monkeypatch.setitem(__import__("sys").modules, "pyarrow", Arrow)
    _memory.give_back()
    assert released == [1]
