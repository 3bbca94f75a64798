"""Pace requests for every thread of a process from one shared schedule.

NCBI counts requests per second per site, so the limit belongs to the process, not to a
thread: one :class:`RateLimiter` is shared by all threads of a client, guarded by a lock and
measured with a monotonic clock (wall-clock jumps must not release a burst).
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]

log = logging.getLogger(__name__)

# A little headroom below the nominal rate: the server counts arrivals, and arrivals jitter
# around departures. Two percent costs little and keeps a steady stream clear of the limit.
HEADROOM = 0.02
WINDOW = 1.0  # NCBI counts requests per second


class RateLimiter:
    """Hand out send times at most ``rate`` per second, spaced evenly, to any number of threads.

    Each :meth:`acquire` reserves the next free slot under the lock and then sleeps, outside
    the lock, until that slot. Slots are at least ``1 / rate`` seconds apart, so no window of
    one second ever holds more than ``rate`` of them.

    Args:
        rate: requests per second (> 0).
        clock: a monotonic clock in seconds.
        sleep: the sleep function; tests pass a fake that advances a fake clock.
        headroom: fraction by which the spacing is widened (0.02 by default).
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        headroom: float = HEADROOM,
    ) -> None:
        if isinstance(rate, bool) or not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"rate must be a positive number, got {rate!r}")
        if not 0 <= headroom < 1:
            raise ValueError(f"headroom must be in [0, 1), got {headroom!r}")
        self.rate = float(rate)
        self.interval = (1.0 / self.rate) * (1.0 + headroom)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: float | None = None  # earliest time of the next slot
        self.throttled = 0  # 429s seen
        # Departures of the trailing window, at most as many as the rate allows in it.
        self._burst = max(1, math.ceil(self.rate * WINDOW - 1e-9))
        self._sent: collections.deque[float] = collections.deque()

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self.rate:g}/s)"

    def reserve(self) -> float:
        """Take the next slot and return how many seconds the caller must wait for it."""
        with self._lock:
            now = self._clock()
            slot = now if self._next is None else max(now, self._next)
            self._next = slot + self.interval
            return slot - now

    def acquire(self) -> float:
        """Wait for the next slot, then for room in the window of actual departures; return
        the seconds waited."""
        waited = self.reserve()
        if waited > 0:
            self._sleep(waited)
        while (extra := self._depart()) > 0:
            self._sleep(extra)
            waited += extra
        return waited

    def _depart(self) -> float:
        """Record a departure now when the trailing window has room; else the wait for room.

        Slots are evenly spaced, but a thread can wake late for its slot and land next to the
        one after it; NCBI counts what arrives, so what departed is what must stay under the
        limit in any window.
        """
        with self._lock:
            now = self._clock()
            sent = self._sent
            while sent and now - sent[0] >= WINDOW:
                sent.popleft()
            if len(sent) < self._burst:
                sent.append(now)
                return 0.0
            return sent[0] + WINDOW - now

    def penalize(self, seconds: float) -> None:
        """Hold every thread back for ``seconds`` from now (after NCBI said "too many").

        Slots already handed out are not recalled; the next one starts no earlier than
        ``now + seconds``.
        """
        if seconds <= 0:
            return
        with self._lock:
            now = self._clock()
            resume = now + seconds
            if self._next is None or self._next < resume:
                self._next = resume
            self.throttled += 1
            first = self.throttled == 1
        # The first 429 is news; the rest (another job on the same key) are counted, not shown.
        log.log(
            logging.WARNING if first else logging.DEBUG,
            "NCBI throttled a request; pausing all requests for %.2f s",
            seconds,
            extra={"pause_seconds": seconds, "rate": self.rate, "throttled": self.throttled},
        )
