"""Retry by time: one warning per outage, the run's deadline, 429s uncounted, read timeouts
suited to a request's size, and a limiter that keeps actual departures under the limit."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from pubenrich.config import Config
from pubenrich.errors import NcbiUnavailable, RateLimited, TransportError
from pubenrich.ncbi.ratelimit import RateLimiter
from pubenrich.ncbi.retry import Outage, Retrier, RetryPolicy
from pubenrich.ncbi.session import read_timeout


class Clock:
    """A fake clock moved only by the fake sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def down_until(clock: Clock, until: float) -> Callable[[], str]:
    """A call that fails with 503 until the clock reaches ``until``."""

    def call() -> str:
        if clock.now < until:
            raise NcbiUnavailable("Service Unavailable", status=503)
        return "ok"

    return call


def test_an_outage_of_a_minute_is_ridden_out_by_the_defaults() -> None:
    """With the Config defaults, a request that meets a 90 s outage succeeds after it."""
    clock = Clock()
    policy = RetryPolicy.from_config(Config())
    retrier = Retrier(policy, clock=clock, sleep=clock.sleep, draw=lambda: 0.0)
    assert retrier.call(down_until(clock, 90.0)) == "ok"
    assert 90.0 <= clock.now <= 120.0


def test_an_outage_warns_once_for_all_its_requests(caplog: pytest.LogCaptureFixture) -> None:
    """Two requests failing through one 20 s outage (the first alone, the second retried):
    one warning once it has lasted 5 s, one when it ends; every retry line is debug."""
    caplog.set_level(logging.DEBUG, logger="pubenrich.ncbi.retry")
    clock = Clock()
    outage = Outage(300.0, clock)
    outage.failed(NcbiUnavailable("busy", status=503))  # another request began the outage
    retrier = Retrier(
        RetryPolicy(max_attempts=20),
        clock=clock,
        sleep=clock.sleep,
        draw=lambda: 0.0,
        outage=outage,
    )
    assert retrier.call(down_until(clock, 20.0), what="efetch") == "ok"
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 2
    assert warned[0].startswith("NCBI has been failing for 8 s (HTTP 503")
    assert warned[1].startswith("NCBI answers again after 23.5 s (7 failed attempts")
    assert len([r for r in caplog.records if hasattr(r, "wait_seconds")]) == 6
    assert not outage.expired()


def test_failures_cured_at_once_warn_nobody(caplog: pytest.LogCaptureFixture) -> None:
    """Isolated faults (a 503 here and there), each cured within a second: no warning."""
    caplog.set_level(logging.DEBUG, logger="pubenrich.ncbi.retry")
    clock = Clock()
    retrier = Retrier(RetryPolicy(), clock=clock, sleep=clock.sleep, draw=lambda: 0.0)
    for _ in range(5):
        assert retrier.call(down_until(clock, clock.now + 0.1)) == "ok"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert len([r for r in caplog.records if hasattr(r, "wait_seconds")]) == 5


def test_past_the_runs_deadline_a_failure_is_not_retried() -> None:
    """Once the outage has lasted past max_outage_seconds, a request fails on its first try
    (a long outage ends the run in bounded time); an answer resets the deadline."""
    clock = Clock()
    outage = Outage(60.0, clock)
    outage.failed()
    clock.now = 61.0
    assert outage.expired()
    calls: list[int] = []

    def broken() -> str:
        calls.append(1)
        raise TransportError("Connection reset by peer")

    retrier = Retrier(
        RetryPolicy(), clock=clock, sleep=clock.sleep, draw=lambda: 0.0, outage=outage
    )
    with pytest.raises(TransportError):
        retrier.call(broken)
    assert len(calls) == 1
    assert retrier.call(lambda: "ok") == "ok"
    assert not outage.expired()


def test_429s_are_bounded_by_time_not_by_count() -> None:
    """Fifty 429s (another job on the key) spend no attempt: the call still succeeds."""
    clock = Clock()
    limited = [RateLimited("API rate limit exceeded") for _ in range(50)]
    queue = list(limited)

    def call() -> str:
        if queue:
            raise queue.pop(0)
        return "ok"

    policy = RetryPolicy.from_config(Config(max_attempts=2))
    assert Retrier(policy, clock=clock, sleep=clock.sleep, draw=lambda: 0.0).call(call) == "ok"
    assert clock.sleeps == [0.5] * 50


@pytest.mark.parametrize(
    ("ids", "cap", "seconds"),
    [
        (None, 60.0, 15.0),
        (1, 60.0, 15.0),
        (200, 60.0, 15.0),
        (1300, 60.0, 65.0 - 5.0),
        (10_000, 60.0, 60.0),
        (200, 0.3, 0.3),
    ],
)
def test_read_timeout_suits_the_request(ids: int | None, cap: float, seconds: float) -> None:
    """15 s for small requests, more for large batches, never above read_timeout."""
    assert read_timeout(Config(read_timeout=cap), ids) == pytest.approx(seconds)


def test_a_late_thread_does_not_crowd_the_window() -> None:
    """A thread that wakes late for its slot departs next to the following one; the limiter
    then holds the departure after them until the window has room: never more than the rate
    departures in any second."""
    clock = Clock()
    limiter = RateLimiter(10.0, clock=clock, sleep=lambda _s: None)
    departures: list[float] = []
    delays = [limiter.reserve() for _ in range(25)]
    # Departures happen at their slots, except the first, which wakes 80 ms late.
    for index, delay in enumerate(delays):
        clock.now = delay + (0.08 if index == 0 else 0.0)
        while (extra := limiter._depart()) > 0:
            clock.now += extra
        departures.append(clock.now)
    departures.sort()
    for i, start in enumerate(departures):
        inside = [t for t in departures[i:] if t - start < 1.0]
        assert len(inside) <= 10


def test_the_limiter_counts_429s_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    """Many 429s: one warning, the rest debug lines; each still pauses everyone."""
    caplog.set_level(logging.DEBUG, logger="pubenrich.ncbi.ratelimit")
    clock = Clock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        limiter.penalize(1.0)
    assert limiter.throttled == 5
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    assert limiter.acquire() == pytest.approx(1.0)
