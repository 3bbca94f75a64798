"""RateLimiter: one schedule for all threads, never above the rate, slowed for all after 429."""

from __future__ import annotations

import bisect
import itertools
import threading
import time

import pytest

from pubenrich.ncbi.ratelimit import RateLimiter


class TickingClock:
    """A fake monotonic clock that advances a little on every reading, like real time, and
    remembers each thread's last reading (the "now" a reservation was made at)."""

    def __init__(self, tick: float = 0.0005) -> None:
        self.now = 0.0
        self.tick = tick
        self._lock = threading.Lock()
        self.seen = threading.local()

    def __call__(self) -> float:
        with self._lock:
            self.now += self.tick
            self.seen.last = self.now
            return self.now


def most_in_any_window(times: list[float], width: float = 1.0) -> int:
    """The largest number of times falling in any half-open window [t, t + width)."""
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + width) - i for i, t in enumerate(ordered))


@pytest.mark.parametrize("rate", [3.0, 10.0])
def test_eight_threads_together_never_exceed_the_rate(rate: float) -> None:
    """8 threads x 15 acquisitions: no one-second window holds more than `rate` sends."""
    clock = TickingClock()
    sends: list[float] = []
    lock = threading.Lock()
    limiter = RateLimiter(rate, clock=clock, sleep=lambda s: time.sleep(0))
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        for _ in range(15):
            delay = limiter.reserve()
            send_at = clock.seen.last + delay  # when this thread may send
            with lock:
                sends.append(send_at)
            time.sleep(0)  # let the others in

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sends) == 120
    assert most_in_any_window(sends) <= rate
    # and the limiter does not waste the allowance: 120 sends take about 120 / rate seconds
    assert max(sends) - min(sends) <= 120 / rate * 1.05


def test_eight_real_threads_measured_stay_under_the_rate() -> None:
    """With the real clock: 8 threads, 40 sends at 50/s; no 0.2 s holds more than 10."""
    limiter = RateLimiter(50)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            delay = limiter.reserve()
            slot = time.monotonic() + delay
            with lock:
                stamps.append(slot)
            time.sleep(max(0.0, delay))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(stamps)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) >= 1 / 50 - 0.002  # slots computed under one lock: spacing holds
    assert most_in_any_window(stamps, width=0.2) <= 10


def test_the_first_acquire_does_not_wait() -> None:
    """An idle limiter lets the first request go at once."""
    sleeps: list[float] = []
    limiter = RateLimiter(3, clock=lambda: 100.0, sleep=sleeps.append)
    assert limiter.acquire() == 0.0
    assert sleeps == []


def test_consecutive_acquires_are_spaced_by_the_interval() -> None:
    """At 4/s (with 2% headroom) the sends are 0.255 s apart."""
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 6))
        now[0] += seconds

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.acquire()
    assert sleeps == [0.255, 0.255, 0.255]


def test_penalize_holds_back_every_caller() -> None:
    """After penalize(1.0), the next slot for anyone is at least one second away."""
    now = [10.0]
    limiter = RateLimiter(10, clock=lambda: now[0], sleep=lambda s: None)
    limiter.acquire()
    limiter.penalize(1.0)
    assert limiter.reserve() == pytest.approx(1.0)
    assert limiter.reserve() == pytest.approx(1.0 + limiter.interval)


def test_penalize_never_brings_the_schedule_forward() -> None:
    """A short pause after a long one does not cut the long one short."""
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0], sleep=lambda s: None)
    limiter.penalize(5.0)
    limiter.penalize(1.0)
    assert limiter.reserve() == pytest.approx(5.0)


def test_an_idle_limiter_does_not_save_up_a_burst() -> None:
    """After a long idle spell, sends are spaced again from the first one."""
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0], sleep=lambda s: None)
    limiter.reserve()
    now[0] = 60.0
    assert limiter.reserve() == 0.0
    assert limiter.reserve() == pytest.approx(limiter.interval)


@pytest.mark.parametrize("rate", [0, -1, float("nan"), float("inf")])
def test_a_rate_must_be_positive_and_finite(rate: float) -> None:
    """Nonsense rates are refused."""
    with pytest.raises(ValueError, match="rate must be a positive number"):
        RateLimiter(rate)
