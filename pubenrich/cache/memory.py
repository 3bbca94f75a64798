"""The caches that keep no file: :class:`MemoryCache` (one process) and :class:`NoCache`.

They share the SQLite cache's semantics (versions, TTLs, negative entries, JSON copies), so a
test or a short job can swap one for the other without a change in what it reads back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping

from pubenrich.cache.jsontext import JSONValue, encode
from pubenrich.cache.policy import CacheEntry, CacheInfo, CachePolicy, expiry
from pubenrich.closing import Closeable

__all__ = ["MemoryCache", "NoCache"]


class NoCache(Closeable):
    """A cache that keeps nothing: every read misses."""

    def get_many(
        self, namespace: str, keys: Iterable[str], *, version: int
    ) -> dict[str, CacheEntry]:
        """Always empty."""
        return {}

    def put_many(self, namespace: str, items: Mapping[str, JSONValue], *, version: int) -> None:
        """Keeps nothing."""

    def put_missing(self, namespace: str, keys: Iterable[str], *, version: int) -> None:
        """Keeps nothing."""

    def delete(self, namespace: str, keys: Iterable[str]) -> int:
        """Nothing to delete."""
        return 0

    def info(self) -> CacheInfo:
        """Always empty."""
        return CacheInfo(None, 0, {}, 0, 0, 0)

    def clear(self, namespace: str | None = None) -> int:
        """Nothing to clear."""
        return 0

    def prune(self) -> int:
        """Nothing to prune."""
        return 0


class MemoryCache(Closeable):
    """A thread-safe in-process cache with the same semantics as :class:`SqliteCache`.

    Values are kept as JSON text, so what a caller reads back is a fresh copy, as from SQLite.
    """

    def __init__(
        self, *, policy: CachePolicy | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.policy = policy or CachePolicy()
        self._clock = clock
        self._lock = threading.Lock()
        # (namespace, key) -> (version, json text or None, stored_at, expires_at)
        self._rows: dict[tuple[str, str], tuple[int, str | None, float, float | None]] = {}

    def get_many(
        self, namespace: str, keys: Iterable[str], *, version: int
    ) -> dict[str, CacheEntry]:
        """Live entries of ``version`` among ``keys``."""
        now = self._clock()
        hits: dict[str, CacheEntry] = {}
        with self._lock:
            for key in keys:
                row = self._rows.get((namespace, key))
                if row is None or row[0] != version or (row[3] is not None and row[3] <= now):
                    continue
                hits[key] = _entry(row)
        return hits

    def put_many(self, namespace: str, items: Mapping[str, JSONValue], *, version: int) -> None:
        """Store positive entries."""
        now = self._clock()
        expires = expiry(now, self.policy.ttl_for(namespace))
        encoded = encode(namespace, items)
        with self._lock:
            for key, text in encoded.items():
                self._rows[namespace, key] = (version, text, now, expires)

    def put_missing(self, namespace: str, keys: Iterable[str], *, version: int) -> None:
        """Store negative entries."""
        now = self._clock()
        expires = expiry(now, self.policy.ttl_for(namespace, negative=True))
        with self._lock:
            for key in keys:
                self._rows[namespace, key] = (version, None, now, expires)

    def delete(self, namespace: str, keys: Iterable[str]) -> int:
        """Remove entries."""
        with self._lock:
            return sum(self._rows.pop((namespace, key), None) is not None for key in keys)

    def info(self) -> CacheInfo:
        """Counts (size is the JSON text held)."""
        now = self._clock()
        with self._lock:
            rows = list(self._rows.items())
        entries: dict[str, int] = {}
        expired = negative = size = 0
        for (namespace, _), (_, text, _, expires) in rows:
            entries[namespace] = entries.get(namespace, 0) + 1
            expired += expires is not None and expires <= now
            negative += text is None
            size += len(text or "")
        return CacheInfo(None, size, entries, len(rows) - expired, expired, negative)

    def clear(self, namespace: str | None = None) -> int:
        """Remove every entry (of one namespace)."""
        with self._lock:
            doomed = [k for k in self._rows if namespace is None or k[0] == namespace]
            for k in doomed:
                del self._rows[k]
        return len(doomed)

    def prune(self) -> int:
        """Remove expired entries."""
        now = self._clock()
        with self._lock:
            doomed = [k for k, row in self._rows.items() if row[3] is not None and row[3] <= now]
            for k in doomed:
                del self._rows[k]
        return len(doomed)


def _entry(row: tuple[int, str | None, float, float | None]) -> CacheEntry:
    version, text, stored_at, expires_at = row
    return CacheEntry(text, text is None, stored_at, expires_at, version)
