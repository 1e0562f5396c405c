"""The writers of a process take the write lock in the order they asked for it: the holder
hands it to the longest waiter, cannot take it straight back past a waiter, and a waiter that
is interrupted leaves the line without stopping the others."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from service.store import Turns


def _until(check, what: str) -> None:
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def _queued(turns: Turns) -> int:
    with turns._guard:
        return len(turns._waiting)


def test_waiters_get_the_lock_in_the_order_they_asked():
    turns, order, release = Turns(), [], threading.Event()

    def holder():
        with turns:
            release.wait(10)

    def waiter(n: int):
        with turns:
            order.append(n)

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    _until(lambda: turns._held, "the holder did not take the lock")
    for n in range(6):
        threads.append(threading.Thread(target=waiter, args=(n,)))
        threads[-1].start()
        _until(lambda n=n: _queued(turns) == n + 1, f"waiter {n} did not queue")
    release.set()
    for t in threads:
        t.join(10)
    assert order == list(range(6))
    assert not turns._held and _queued(turns) == 0


def test_the_holder_cannot_take_the_lock_back_past_a_waiter():
    turns, order = Turns(), []

    def waiter():
        with turns:
            order.append("waiter")

    turns.__enter__()
    other = threading.Thread(target=waiter)
    other.start()
    _until(lambda: _queued(turns) == 1, "the waiter did not queue")
    turns.__exit__(None, None, None)
    with turns:  # asks again at once: the waiter was first
        order.append("holder again")
    other.join(10)
    assert order == ["waiter", "holder again"]


def test_an_interrupted_waiter_leaves_the_line_and_the_next_one_still_gets_the_lock():
    turns, release, got = Turns(), threading.Event(), []

    class Interrupted(Exception):
        pass

    def interrupt(*_):
        raise Interrupted

    def holder():
        with turns:
            release.wait(10)

    def waiter():
        with turns:
            got.append(True)

    first = threading.Thread(target=holder)
    first.start()
    _until(lambda: turns._held, "the holder did not take the lock")
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Interrupted), turns:  # waits in the main thread until the alarm
            pytest.fail("the lock was taken while another thread held it")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert _queued(turns) == 0
    second = threading.Thread(target=waiter)
    second.start()
    _until(lambda: _queued(turns) == 1, "the next waiter did not queue")
    release.set()
    first.join(10)
    second.join(10)
    assert got == [True] and not turns._held


def test_a_waiter_handed_the_turn_as_it_is_interrupted_passes_it_on():
    turns = Turns()
    turns.__enter__()  # the holder
    mine = threading.Lock()
    mine.acquire()
    with turns._guard:
        turns._waiting.append(mine)
    turns.__exit__(None, None, None)  # the holder hands the turn to the waiter...
    assert turns._held and not mine.locked()
    turns._abandon(mine)  # ...whose thread was interrupted before it could return
    assert not turns._held and _queued(turns) == 0
    with turns:  # free for the next writer
        pass
