"""The cache in one SQLite file, shared by threads and processes.

A file of an unknown layout (see ``cache.layout``) or one that is not SQLite is moved aside,
never read wrong. A file the user may read but not write (a read-only file or folder) is read,
never renamed.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pubenrich.cache.jsontext import JSONValue, encode
from pubenrich.cache.layout import LAYOUT_VERSION, UnknownLayout, ensure_layout
from pubenrich.cache.policy import CacheEntry, CacheInfo, CachePolicy, expiry
from pubenrich.closing import Closeable
from pubenrich.errors import CacheError

__all__ = ["SqliteCache", "chunks"]

# The package's name, not this module's: users configure the logger "pubenrich.cache".
log = logging.getLogger("pubenrich.cache")

T = TypeVar("T")

_KEYS_PER_QUERY = 500  # well under SQLite's bound on host parameters


def chunks(keys: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``keys`` in slices of at most ``size``: one query each, under SQLite's bound on host
    parameters."""
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


class SqliteCache(Closeable):
    """A cache in one SQLite file, shared safely by threads and processes.

    WAL journaling lets readers and one writer work at once; each ``put_many`` is one short
    transaction, so a process killed mid-write leaves the previous state intact. A file that
    is not a readable cache (garbage, truncated, another layout version) is moved aside as
    ``<name>.corrupt-<timestamp>`` with a warning and a new cache is started: a cache is
    never worth a crash. A file that cannot be written (its folder or itself read-only) is
    opened read-only with one warning: answers are still served from it, nothing new is kept
    (``read_only`` is then True). A file that cannot be opened at all raises CacheError.

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
        self.read_only = False
        self._unwritable_reason: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot create the cache folder {self.path.parent}: {exc}") from exc
        if not self._writable():
            self._unwritable_reason = "the file or its folder is read-only"
        self._connection()  # open (and if need be recover) now, not at the first read

    def __repr__(self) -> str:
        return f"SqliteCache({str(self.path)!r})"

    # ------------------------------------------------------------------ connections

    def _writable(self) -> bool:
        """Whether this user may write the file and create its WAL files beside it.

        Asked of the file system, not of SQLite: SQLite opens a file it cannot write without
        a word and fails only at the first write, deep inside a run.
        """
        try:
            if self.path.exists():
                with open(self.path, "ab"):
                    pass
            with tempfile.TemporaryFile(dir=self.path.parent):
                pass
        except OSError:
            return False
        return True

    def _connect(self) -> sqlite3.Connection:
        if self.read_only or self._unwritable_reason:
            return self._connect_read_only(self._unwritable_reason)
        conn = sqlite3.connect(
            self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            ensure_layout(conn, self.path)
        except BaseException:
            conn.close()
            raise
        return conn

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and self._local.generation == self._generation:
            return conn
        try:
            conn = self._connect_when_free()
        except (sqlite3.DatabaseError, UnknownLayout) as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise CacheError(f"cache {self.path} is locked: {exc}") from exc
            if self._unwritable(exc):
                conn = self._connect_read_only(exc)
            else:
                self._recover(exc)
                conn = self._connect()
        with self._lock:
            self._connections.append(conn)
        self._local.conn = conn
        self._local.generation = self._generation
        return conn

    def _connect_when_free(self) -> sqlite3.Connection:
        """Connect, waiting out another process's lock for up to ``busy_timeout``.

        SQLite's own busy wait does not cover every step of opening: switching a new file to
        WAL while another process creates the tables answers "locked" at once.
        """
        deadline = time.monotonic() + self._busy_timeout
        pause = 0.01
        while True:
            try:
                return self._connect()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def _unwritable(self, exc: BaseException) -> bool:
        """Whether ``exc`` says the file could not be written or created, not that it is
        broken: such a file is read as it is, never moved aside."""
        message = str(exc).lower()
        if isinstance(exc, sqlite3.OperationalError) and any(
            text in message for text in ("readonly", "read-only", "unable to open", "permission")
        ):
            return True
        folder_locked = not os.access(self.path.parent, os.W_OK)
        return folder_locked or (self.path.exists() and not os.access(self.path, os.W_OK))

    def _connect_read_only(self, reason: BaseException | str | None) -> sqlite3.Connection:
        """Open the file for reading only, with one warning the first time.

        ``mode=ro`` still needs the WAL index (``-shm``) it may not be allowed to create;
        ``immutable=1`` then reads the file as it stands, which is all a reader can do.
        """
        if not self.path.exists():
            raise CacheError(f"cannot create the cache {self.path}: {reason}")
        uri = self.path.resolve().as_uri()
        last: sqlite3.Error | None = None
        for query in ("?mode=ro", "?immutable=1"):
            conn = sqlite3.connect(
                uri + query, uri=True, isolation_level=None, check_same_thread=False
            )
            try:
                layout = conn.execute("PRAGMA user_version").fetchone()[0]
                conn.execute("SELECT 1 FROM entries LIMIT 1").fetchall()
            except sqlite3.Error as exc:
                conn.close()
                last = exc
                continue
            if layout != LAYOUT_VERSION:
                conn.close()
                raise CacheError(
                    f"cannot use the cache {self.path}: read-only and of layout {layout}, "
                    f"not {LAYOUT_VERSION}"
                )
            if not self.read_only:
                self.read_only = True
                log.warning(
                    "cache %s cannot be written (%s); reading from it, keeping nothing new",
                    self.path,
                    reason or "read-only",
                    extra={"cache_path": str(self.path)},
                )
            return conn
        raise CacheError(f"cannot open the cache {self.path}: {last}") from last

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
                if not corrupt or attempt == 2 or self.read_only:
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
            for chunk in chunks(wanted, _KEYS_PER_QUERY):
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

        if rows and not self.read_only:
            self._run(write)

    def put_many(self, namespace: str, items: Mapping[str, JSONValue], *, version: int) -> None:
        """Store positive entries in one transaction."""
        now = self._clock()
        expires = expiry(now, self.policy.ttl_for(namespace))
        encoded = encode(namespace, items)
        self._write(
            [(namespace, key, version, text, now, expires) for key, text in encoded.items()]
        )

    def put_missing(self, namespace: str, keys: Iterable[str], *, version: int) -> None:
        """Store negative entries in one transaction."""
        now = self._clock()
        expires = expiry(now, self.policy.ttl_for(namespace, negative=True))
        self._write([(namespace, key, version, None, now, expires) for key in keys])

    def delete(self, namespace: str, keys: Iterable[str]) -> int:
        """Remove entries."""
        doomed = list(keys)
        if self.read_only:
            raise CacheError(f"cache {self.path} is read-only: nothing can be deleted")

        def delete(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            count = 0
            for chunk in chunks(doomed, _KEYS_PER_QUERY):
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
