"""What the fake did, counted for tests and benchmarks to assert on."""

from __future__ import annotations

import collections
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["FakeNcbiStats"]


class FakeNcbiStats:
    """Thread-safe counts of what the server did: requests by endpoint, 429s, faults, ids;
    and a log of the ids each request asked for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: collections.Counter[str] = collections.Counter()
        self._faults: collections.Counter[str] = collections.Counter()
        self._rate_limited = 0
        self._ids_served = 0
        self._max_concurrent = 0
        self._concurrent = 0
        self._asked: list[tuple[str, tuple[str, ...]]] = []

    def count_request(self, endpoint: str) -> None:
        """Count a request to ``endpoint``."""
        with self._lock:
            self._requests[endpoint] += 1

    def log_ids(self, endpoint: str, ids: Sequence[str]) -> None:
        """Log the ids one request to ``endpoint`` asked for (faulted or not)."""
        with self._lock:
            self._asked.append((endpoint, tuple(ids)))

    def asked(self, endpoint: str) -> list[tuple[str, ...]]:
        """The ids of every request to ``endpoint``, in arrival order."""
        with self._lock:
            return [ids for name, ids in self._asked if name == endpoint]

    def count_rate_limited(self) -> None:
        """Count a 429 sent by the rate limit (not by a fault)."""
        with self._lock:
            self._rate_limited += 1

    def count_fault(self, kind: str) -> None:
        """Count an injected fault."""
        with self._lock:
            self._faults[kind] += 1

    def count_ids(self, n: int) -> None:
        """Count ids (records) served."""
        with self._lock:
            self._ids_served += n

    def enter(self) -> None:
        """A request started being handled."""
        with self._lock:
            self._concurrent += 1
            self._max_concurrent = max(self._max_concurrent, self._concurrent)

    def leave(self) -> None:
        """A request finished being handled."""
        with self._lock:
            self._concurrent -= 1

    @property
    def requests(self) -> dict[str, int]:
        """Requests by endpoint."""
        with self._lock:
            return dict(self._requests)

    @property
    def faults(self) -> dict[str, int]:
        """Injected faults by kind."""
        with self._lock:
            return dict(self._faults)

    @property
    def rate_limited(self) -> int:
        """429s sent because a client went over its rate (injected ones are in faults)."""
        with self._lock:
            return self._rate_limited

    @property
    def too_many(self) -> int:
        """Every 429 sent: by the rate limit and by the ``rate_limit`` fault."""
        with self._lock:
            return self._rate_limited + self._faults.get("rate_limit", 0)

    def snapshot(self) -> dict[str, Any]:
        """Every count at once, as plain data."""
        with self._lock:
            return {
                "requests": dict(self._requests),
                "total_requests": sum(self._requests.values()),
                "rate_limited": self._rate_limited,
                "status_429": self._rate_limited + self._faults.get("rate_limit", 0),
                "faults": dict(self._faults),
                "ids_served": self._ids_served,
                "max_concurrent": self._max_concurrent,
            }
