"""Caches of parsed records and id mappings: policy above, plain storage below.

A cache maps ``(namespace, key)`` to a JSON value, keyed by what the data is
(``("pubmed", "25211170")``, ``("doi", "10.1097/aln.0000000000000446")``), never by URL, so any
batch in any order is served from what is known. Keys arrive normalized by the caller (DOIs
case-folded with ``DOI.key``); the cache does not guess. Nothing here takes the API key, tool
or email, so they cannot reach the file.

Each entry carries the version of its value's shape (``records.SCHEMA_VERSION`` for records):
an entry of another version is a miss, so a change of the record type invalidates old entries
instead of loading them wrong. A *negative* entry ("PubMed holds no such PMID", "not in PMC")
has its own, shorter TTL. Errors are never cached; that is the caller's side of the contract.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs
import orjson

from pubenrich.closing import Closeable
from pubenrich.errors import CacheError

__all__ = [
    "CITATION_TO_PMID",
    "DOI_TO_PMID",
    "PMCID_TO_PMID",
    "PMID_TO_IDS",
    "QUERY_TO_PMIDS",
    "RECORDS",
    "Cache",
    "CacheEntry",
    "CacheInfo",
    "CachePolicy",
    "MemoryCache",
    "NoCache",
    "SqliteCache",
    "default_cache_path",
]

log = logging.getLogger(__name__)

RECORDS = "pubmed"  # PMID -> record.to_dict()
DOI_TO_PMID = "doi"  # DOI.key -> {"pmid", "pmcid", "doi"}
PMCID_TO_PMID = "pmcid"  # PMCID -> {"pmid", "pmcid", "doi"}
PMID_TO_IDS = "pmid-ids"  # PMID -> {"pmid", "pmcid", "doi"}
CITATION_TO_PMID = "citation"  # normalized citation -> match
QUERY_TO_PMIDS = "query"  # normalized search term -> PMIDs

DAY = 86_400.0
LAYOUT_VERSION = 2  # the SQLite table layout, in PRAGMA user_version
_KEYS_PER_QUERY = 500  # well under SQLite's bound on host parameters

JSONValue = Any


@attrs.frozen
class CachePolicy:
    """How long entries live, per namespace.

    Attributes:
        record_ttl: seconds a fetched record stays fresh (records gain MeSH terms and
            corrections over time); None keeps them for ever.
        mapping_ttl: seconds an id mapping or search answer stays fresh.
        negative_ttl: seconds a "not found" answer stays (short: new records appear daily).
        overrides: positive TTLs per namespace, taking precedence over the two above.
    """

    record_ttl: float | None = 30 * DAY
    mapping_ttl: float | None = 90 * DAY
    negative_ttl: float | None = 3 * DAY
    overrides: Mapping[str, float | None] = attrs.field(factory=dict)

    def ttl_for(self, namespace: str, *, negative: bool = False) -> float | None:
        """The TTL in seconds for an entry of ``namespace`` (None: never expires)."""
        if negative:
            return self.negative_ttl
        if namespace in self.overrides:
            return self.overrides[namespace]
        return self.record_ttl if namespace == RECORDS else self.mapping_ttl


@attrs.frozen
class CacheEntry:
    """One live cache entry.

    Entries hold the stored JSON text and decode it when ``value`` is read, so a batch of hits
    costs no decoding until each is used, and the decoded trees of a big batch never all live
    at once (the garbage collector's work grows with the objects alive).

    Attributes:
        text: the stored JSON text; None for a negative entry.
        negative: the entry says "known absent".
        stored_at: when it was written (the cache's clock, seconds since the epoch).
        expires_at: when it stops being served; None for never.
        version: the version of the value's shape.
    """

    text: str | None
    negative: bool
    stored_at: float
    expires_at: float | None
    version: int

    @property
    def value(self) -> JSONValue:
        """The stored JSON value, decoded afresh at each read (a copy the caller owns); None
        for a negative entry."""
        return None if self.text is None else _loads(self.text)


@attrs.frozen
class CacheInfo:
    """What a cache holds, for ``pubenrich cache info``."""

    path: str | None
    size_bytes: int
    entries: Mapping[str, int]
    live: int
    expired: int
    negative: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return attrs.asdict(self)


@runtime_checkable
class Cache(Protocol):
    """What the Enricher needs of a cache."""

    def get_many(
        self, namespace: str, keys: Iterable[str], *, version: int
    ) -> dict[str, CacheEntry]:
        """Live entries of ``version`` for those of ``keys`` that have one (hits only)."""
        ...

    def put_many(self, namespace: str, items: Mapping[str, JSONValue], *, version: int) -> None:
        """Store positive entries, with the policy's TTL for ``namespace``."""
        ...

    def put_missing(self, namespace: str, keys: Iterable[str], *, version: int) -> None:
        """Store negative entries ("known absent"), with the policy's negative TTL."""
        ...

    def delete(self, namespace: str, keys: Iterable[str]) -> int:
        """Remove entries; returns how many there were."""
        ...

    def info(self) -> CacheInfo:
        """Counts and size."""
        ...

    def clear(self, namespace: str | None = None) -> int:
        """Remove every entry (of one namespace); returns how many."""
        ...

    def prune(self) -> int:
        """Remove expired entries; returns how many."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


def default_cache_path() -> Path:
    """The user's cache file: ``<user cache dir>/pubenrich/cache.sqlite3``.

    The user cache dir is ``%LOCALAPPDATA%`` on Windows, ``~/Library/Caches`` on macOS, and
    ``$XDG_CACHE_HOME`` or ``~/.cache`` elsewhere. This reads the environment because the
    location is the user's, as every program's cache is; no NCBI setting is read here.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pubenrich" / "cache.sqlite3"


def _chunks(keys: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def _encode(namespace: str, items: Mapping[str, JSONValue]) -> dict[str, str]:
    """Compact JSON text per key; a value JSON cannot hold is the caller's bug, said clearly."""
    encoded = {}
    for key, value in items.items():
        try:
            encoded[key] = json.dumps(value, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise CacheError(f"cannot store {namespace}/{key}: not JSON ({exc})") from exc
    return encoded


def _expiry(now: float, ttl: float | None) -> float | None:
    return None if ttl is None else now + ttl


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
        expires = _expiry(now, self.policy.ttl_for(namespace))
        encoded = _encode(namespace, items)
        with self._lock:
            for key, text in encoded.items():
                self._rows[namespace, key] = (version, text, now, expires)

    def put_missing(self, namespace: str, keys: Iterable[str], *, version: int) -> None:
        """Store negative entries."""
        now = self._clock()
        expires = _expiry(now, self.policy.ttl_for(namespace, negative=True))
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


def _loads(text: str) -> JSONValue:
    """Decode a stored value: orjson (twice as fast as json here, and the read path of a warm
    cache is mostly decoding), with json for the rare text orjson refuses (integers past 64
    bits) so that what json wrote always reads back."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _entry(row: tuple[int, str | None, float, float | None]) -> CacheEntry:
    version, text, stored_at, expires_at = row
    return CacheEntry(text, text is None, stored_at, expires_at, version)


# A rowid table: a record's JSON (~1 KB) is too big for a WITHOUT ROWID table, whose rows live
# in the key's b-tree and spill to an overflow page past ~1/20 of a page. Layout 1 was that; on
# a 10k-record cache this layout reads 2.5 times faster from a file a third the size.
_TABLE = """
CREATE TABLE IF NOT EXISTS entries (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    value      TEXT,
    stored_at  REAL NOT NULL,
    expires_at REAL,
    PRIMARY KEY (namespace, key)
)"""
_INDEX = "CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at)"
# Layout 1 to 2, in one transaction: same columns, new table.
_FROM_LAYOUT_1 = (
    "DROP INDEX IF EXISTS entries_expiry",
    "ALTER TABLE entries RENAME TO entries_layout_1",
    _TABLE,
    _INDEX,
    "INSERT INTO entries SELECT * FROM entries_layout_1",
    "DROP TABLE entries_layout_1",
)


class SqliteCache(Closeable):
    """A cache in one SQLite file, shared safely by threads and processes.

    WAL journaling lets readers and one writer work at once; each ``put_many`` is one short
    transaction, so a process killed mid-write leaves the previous state intact. A file that
    is not a readable cache (garbage, truncated, another layout version) is moved aside as
    ``<name>.corrupt-<timestamp>`` with a warning and a new cache is started: a cache is
    never worth a crash.

    Args:
        path: the file; its folder is created.
        policy: TTLs per namespace.
        clock: seconds since the epoch (injectable for tests).
        busy_timeout: seconds to wait for another writer's lock before failing.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        policy: CachePolicy | None = None,
        clock: Callable[[], float] = time.time,
        busy_timeout: float = 30.0,
    ) -> None:
        self.path = Path(path)
        self.policy = policy or CachePolicy()
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._generation = 0  # bumped on recovery, so threads reopen the new file
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot create the cache folder {self.path.parent}: {exc}") from exc
        self._connection()  # open (and if need be recover) now, not at the first read

    def __repr__(self) -> str:
        return f"SqliteCache({str(self.path)!r})"

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            layout = conn.execute("PRAGMA user_version").fetchone()[0]
            if layout == 0:
                conn.executescript(f"{_TABLE};\n{_INDEX};")  # idempotent: processes may race
                conn.execute(f"PRAGMA user_version={LAYOUT_VERSION}")
            elif layout == 1:
                self._migrate_from_layout_1(conn)
            elif layout != LAYOUT_VERSION:
                raise _UnknownLayout(f"cache layout version {layout}, expected {LAYOUT_VERSION}")
            conn.execute("SELECT 1 FROM entries LIMIT 1").fetchall()
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate_from_layout_1(self, conn: sqlite3.Connection) -> None:
        """Copy a layout-1 file's entries into the layout-2 table, keeping them all."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while this one waited for the lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] == 1:
                for statement in _FROM_LAYOUT_1:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={LAYOUT_VERSION}")
                log.info("cache %s: moved its entries to table layout %d", self.path, 2)
            conn.execute("COMMIT")
        except BaseException:
            conn.rollback()
            raise

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and self._local.generation == self._generation:
            return conn
        try:
            conn = self._connect()
        except (sqlite3.DatabaseError, _UnknownLayout) as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise CacheError(f"cache {self.path} is locked: {exc}") from exc
            self._recover(exc)
            conn = self._connect()
        with self._lock:
            self._connections.append(conn)
        self._local.conn = conn
        self._local.generation = self._generation
        return conn

    def _recover(self, reason: BaseException) -> None:
        """Move an unreadable file aside and start afresh."""
        with self._lock:
            stamp = time.strftime("%Y%m%dT%H%M%S")
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.getpid()}")
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._generation += 1
            log.warning(
                "cache %s is unreadable (%s); moved aside to %s and starting a new one",
                self.path,
                reason,
                aside.name,
                extra={"cache_path": str(self.path), "moved_to": str(aside)},
            )
            try:
                if self.path.exists():
                    self.path.replace(aside)
                for suffix in ("-wal", "-shm"):
                    side = self.path.with_name(self.path.name + suffix)
                    if side.exists():
                        side.replace(aside.with_name(aside.name + suffix))
            except OSError as exc:
                raise CacheError(f"cannot move the broken cache {self.path} aside: {exc}") from exc

    def _run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``work`` on this thread's connection; recover once from a corrupt file."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                return work(conn)
            except sqlite3.DatabaseError as exc:
                if conn.in_transaction:
                    conn.rollback()
                corrupt = not isinstance(exc, sqlite3.OperationalError) or (
                    "malformed" in str(exc) or "not a database" in str(exc)
                )
                if not corrupt or attempt == 2:
                    raise CacheError(f"cache {self.path}: {exc}") from exc
                self._recover(exc)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close every connection this cache opened."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._generation += 1

    # ------------------------------------------------------------------ the Cache protocol

    def get_many(
        self, namespace: str, keys: Iterable[str], *, version: int
    ) -> dict[str, CacheEntry]:
        """Live entries of ``version`` among ``keys``."""
        wanted = list(dict.fromkeys(keys))
        now = self._clock()

        def read(conn: sqlite3.Connection) -> dict[str, CacheEntry]:
            hits: dict[str, CacheEntry] = {}
            for chunk in _chunks(wanted, _KEYS_PER_QUERY):
                marks = ",".join("?" * len(chunk))
                # Only "?" marks are formatted in; every value is a bound parameter.
                query = (
                    "SELECT key, version, value, stored_at, expires_at FROM entries "  # noqa: S608
                    f"WHERE namespace = ? AND key IN ({marks}) AND version = ? "
                    "AND (expires_at IS NULL OR expires_at > ?)"
                )
                rows = conn.execute(
                    query,
                    (namespace, *chunk, version, now),
                )
                for key, row_version, text, stored_at, expires_at in rows:
                    hits[key] = CacheEntry(text, text is None, stored_at, expires_at, row_version)
            return hits

        return dict(self._run(read))

    def _write(self, rows: list[tuple[str, str, int, str | None, float, float | None]]) -> None:
        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
            conn.execute("COMMIT")

        if rows:
            self._run(write)

    def put_many(self, namespace: str, items: Mapping[str, JSONValue], *, version: int) -> None:
        """Store positive entries in one transaction."""
        now = self._clock()
        expires = _expiry(now, self.policy.ttl_for(namespace))
        encoded = _encode(namespace, items)
        self._write(
            [(namespace, key, version, text, now, expires) for key, text in encoded.items()]
        )

    def put_missing(self, namespace: str, keys: Iterable[str], *, version: int) -> None:
        """Store negative entries in one transaction."""
        now = self._clock()
        expires = _expiry(now, self.policy.ttl_for(namespace, negative=True))
        self._write([(namespace, key, version, None, now, expires) for key in keys])

    def delete(self, namespace: str, keys: Iterable[str]) -> int:
        """Remove entries."""
        doomed = list(keys)

        def delete(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            count = 0
            for chunk in _chunks(doomed, _KEYS_PER_QUERY):
                marks = ",".join("?" * len(chunk))
                count += conn.execute(
                    f"DELETE FROM entries WHERE namespace = ? AND key IN ({marks})",  # noqa: S608
                    (namespace, *chunk),
                ).rowcount
            conn.execute("COMMIT")
            return count

        return int(self._run(delete))

    def info(self) -> CacheInfo:
        """Counts per namespace, live / expired / negative, and the size on disk."""
        now = self._clock()

        def count(conn: sqlite3.Connection) -> CacheInfo:
            per_namespace = dict(
                conn.execute("SELECT namespace, count(*) FROM entries GROUP BY namespace")
            )
            expired, negative = conn.execute(
                "SELECT coalesce(sum(expires_at IS NOT NULL AND expires_at <= ?), 0), "
                "coalesce(sum(value IS NULL), 0) FROM entries",
                (now,),
            ).fetchone()
            total = sum(per_namespace.values())
            size = sum(
                p.stat().st_size
                for p in (self.path, self.path.with_name(self.path.name + "-wal"))
                if p.exists()
            )
            return CacheInfo(
                str(self.path), size, per_namespace, total - expired, expired, negative
            )

        result: CacheInfo = self._run(count)
        return result

    def clear(self, namespace: str | None = None) -> int:
        """Remove every entry (of one namespace)."""

        def clear(conn: sqlite3.Connection) -> int:
            if namespace is None:
                return int(conn.execute("DELETE FROM entries").rowcount)
            return int(
                conn.execute("DELETE FROM entries WHERE namespace = ?", (namespace,)).rowcount
            )

        return int(self._run(clear))

    def prune(self) -> int:
        """Remove expired entries."""
        now = self._clock()

        def prune(conn: sqlite3.Connection) -> int:
            return int(
                conn.execute(
                    "DELETE FROM entries WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,)
                ).rowcount
            )

        return int(self._run(prune))


class _UnknownLayout(Exception):
    """The file is SQLite but not a cache layout this version reads (internal)."""
