"""NCBI's rate limit as the fake enforces it: a sliding window per client, and NCBI's 429."""

from __future__ import annotations

import collections
import json
import threading
import time

from pubenrich.testing.fake_ncbi.wire import JSON_TYPE, Reply

__all__ = ["SlidingWindow", "rate_reply"]


class SlidingWindow:
    """NCBI's per-site limit: at most ``limit`` requests admitted per sliding window.

    NCBI does not document its window. We count, per client, the requests *admitted* in the
    trailing ``window - slack`` seconds (rejected ones do not count, so a client that backs
    off recovers at once). The slack (50 ms by default) absorbs arrival jitter: a client
    spacing requests evenly at the nominal rate is never refused, while a burst above it is.
    """

    def __init__(self, window: float, slack: float) -> None:
        self._span = window - slack
        self._lock = threading.Lock()
        self._seen: dict[str, collections.deque[float]] = {}

    def admit(self, client: str, limit: int) -> tuple[bool, int]:
        """Whether ``client`` may be served now, and the count in its window (this one in)."""
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(client, collections.deque())
            while seen and now - seen[0] >= self._span:
                seen.popleft()
            if len(seen) >= limit:
                return False, len(seen) + 1
            seen.append(now)
            return True, len(seen)

    def remaining(self, client: str, limit: int) -> int:
        """Requests ``client`` may still make in its current window."""
        with self._lock:
            return max(0, limit - len(self._seen.get(client, ())))


def rate_reply(client: str, count: int, limit: int) -> Reply:
    body = json.dumps(
        {
            "error": "API rate limit exceeded",
            "api-key": client,
            "count": str(count),
            "limit": str(limit),
        },
        separators=(",", ":"),
    )
    return Reply(429, body.encode("utf-8"), JSON_TYPE)
