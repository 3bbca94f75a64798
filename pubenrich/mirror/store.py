"""The mirror's store: one SQLite file of record JSON, id indexes and a title index.

Chosen by measurement (``benchmarks/bench_mirror.py``, 200,000 records): the Enricher asks for
scattered PMIDs a few hundred at a time, which SQLite's B-tree keyed by PMID serves about 14
times faster than filtered Parquet reads, and update files replace and delete single records,
which SQLite does in place while a Parquet file must be rewritten. Parquet is about 8 times
smaller; the store trades disk for lookups. Records are kept as their ``to_dict`` JSON,
zlib-compressed by default (``build(compress=False)`` keeps plain JSON), and read back with
:func:`~pubenrich.model.records.record_from_dict`, so the mirror holds what the parser produced.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import logging
import os
import re
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import orjson

from pubenrich.closing import Closeable
from pubenrich.errors import MirrorError
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import Article, BookArticle, PubmedRecord, record_from_dict

__all__ = ["STORE_NAME", "Mirror", "TitleHit", "stored_record"]

log = logging.getLogger(__name__)

STORE_NAME = "mirror.sqlite3"
# SQLite's default limit on host parameters is 999 in older builds; stay below it.
_CHUNK = 900
# The meta key of the day the store was last built (ISO date).
BUILT_KEY = "built"
_WORD = re.compile(r"\w+", re.UNICODE)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    pmid INTEGER PRIMARY KEY, doi TEXT, pmcid TEXT, year INTEGER, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS records_doi ON records(doi) WHERE doi IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_pmcid ON records(pmcid) WHERE pmcid IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(title, author, year UNINDEXED);
CREATE TABLE IF NOT EXISTS deleted (pmid INTEGER PRIMARY KEY, file TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, seq INTEGER NOT NULL, day TEXT, records INTEGER NOT NULL,
    deleted INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pmc_ids (pmcid TEXT PRIMARY KEY, pmid INTEGER, doi TEXT);
CREATE INDEX IF NOT EXISTS pmc_ids_doi ON pmc_ids(doi) WHERE doi IS NOT NULL;
CREATE INDEX IF NOT EXISTS pmc_ids_pmid ON pmc_ids(pmid);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""

# One parsed record, ready to store: pmid, DOI key, PMCID, year, title, first author's last
# name, compressed JSON. Built in the worker processes so the ordered apply step only inserts.
Row = tuple[int, str | None, str | None, int | None, str, str, bytes]
# An operation of a file, in document order: ("put", Row) or ("del", pmid).
Op = tuple[str, Any]


def record_row(record: Article | BookArticle, compress: bool = True) -> Row:
    """The stored form of one record: its ``to_dict`` JSON, zlib-compressed unless not asked.

    Either form may be stored and both are read back (JSON starts with ``{``, a zlib stream
    never does): compression halves the store, plain JSON reads several times faster.
    """
    blob = json.dumps(record.to_dict(), separators=(",", ":"), ensure_ascii=False)
    first = record.authors[0] if record.authors else None
    author = (first.last_name or first.collective_name or "") if first else ""
    return (
        int(record.pmid.value),
        record.doi.key if record.doi else None,
        record.pmcid.value if record.pmcid else None,
        record.pub_date.year,
        record.title,
        author,
        zlib.compress(blob.encode("utf-8"), 6) if compress else blob.encode("utf-8"),
    )


def connect(directory: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating) the store in ``directory`` for writing.

    Raises:
        MirrorError: the file cannot be opened or is not a mirror store.
    """
    path = Path(directory) / STORE_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
    except sqlite3.Error as exc:
        raise MirrorError(f"cannot open the mirror store {path}: {exc}") from exc
    return conn


def applied_files(conn: sqlite3.Connection) -> dict[str, int]:
    """The files already applied, with their sequence numbers."""
    return dict(conn.execute("SELECT name, seq FROM files").fetchall())


def apply_file(
    conn: sqlite3.Connection, name: str, seq: int, day: date | None, ops: Sequence[Op]
) -> tuple[int, int]:
    """Apply one file's operations in order, in one transaction: all of the file or none.

    A record replaces any earlier version of its PMID; a deletion removes the PMID from the
    records and the title index and remembers it as deleted.

    Returns:
        How many records were stored and how many PMIDs deleted.
    """
    stored = removed = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        for kind, value in ops:
            if kind == "put":
                pmid, doi, pmcid, year, title, author, blob = value
                conn.execute(
                    "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)",
                    (pmid, doi, pmcid, year, blob),
                )
                conn.execute("DELETE FROM titles WHERE rowid = ?", (pmid,))
                conn.execute(
                    "INSERT INTO titles(rowid, title, author, year) VALUES (?, ?, ?, ?)",
                    (pmid, title, author, year),
                )
                conn.execute("DELETE FROM deleted WHERE pmid = ?", (pmid,))
                stored += 1
            else:
                conn.execute("DELETE FROM records WHERE pmid = ?", (value,))
                conn.execute("DELETE FROM titles WHERE rowid = ?", (value,))
                conn.execute("INSERT OR REPLACE INTO deleted VALUES (?, ?)", (value, name))
                removed += 1
        conn.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
            (name, seq, day.isoformat() if day else None, stored, removed),
        )
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise MirrorError(f"cannot apply {name} to the mirror: {exc}") from exc
    return stored, removed


def load_pmc_ids(conn: sqlite3.Connection, path: Path) -> int | None:
    """Load ``PMC-ids.csv.gz`` (PMCID, PMID, DOI columns) unless this version is loaded.

    Returns:
        The number of rows loaded, or None when this file (same size and mtime) was loaded.
    """
    stat = path.stat()
    stamp = f"{stat.st_size}:{int(stat.st_mtime)}"
    row = conn.execute("SELECT value FROM meta WHERE key = 'pmc_ids'").fetchone()
    if row is not None and row[0] == stamp:
        return None
    count = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM pmc_ids")
            for item in reader:
                pmcid = (item.get("PMCID") or "").strip().upper()
                if not pmcid:
                    continue
                pmid = (item.get("PMID") or "").strip()
                doi = (item.get("DOI") or "").strip().lower() or None
                conn.execute(
                    "INSERT OR REPLACE INTO pmc_ids VALUES (?, ?, ?)",
                    (pmcid, int(pmid) if pmid.isdigit() else None, doi),
                )
                count += 1
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('pmc_ids', ?)", (stamp,))
            conn.execute("COMMIT")
    except (OSError, EOFError, csv.Error, sqlite3.Error) as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise MirrorError(f"cannot load {path.name}: {exc}") from exc
    return count


@attrs.frozen
class TitleHit:
    """One answer of :meth:`Mirror.search_title`, best first.

    Attributes:
        pmid: the record's PMID.
        title: its title.
        first_author: the first author's last name (or group name), or ``""``.
        year: the publication year, when known.
        score: SQLite FTS5's bm25 rank (lower is better).
    """

    pmid: PMID
    title: str
    first_author: str
    year: int | None
    score: float


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json(blob: bytes) -> bytes:
    return blob if blob[:1] == b"{" else zlib.decompress(blob)


def stored_record(blob: bytes) -> PubmedRecord:
    """The record of a stored form (plain or zlib-compressed ``to_dict`` JSON), read trusted:
    the mirror's own build wrote it.

    Raises:
        MirrorError: the stored form is unreadable (a damaged store).
    """
    try:
        data = orjson.loads(_json(blob))
    except orjson.JSONDecodeError:  # integers past 64 bits, which json wrote and reads
        data = json.loads(_json(blob))
    except zlib.error as exc:
        raise MirrorError(f"a stored record is damaged: {exc}") from exc
    return record_from_dict(data, trusted=True)


def _fts_terms(text: str) -> list[str]:
    return ['"' + word + '"' for word in _WORD.findall(text.lower()) if len(word) > 1]


class Mirror(Closeable):
    """A read view of a mirror built by :func:`pubenrich.mirror.build`.

    Safe to share between threads (one connection behind a lock).

    Args:
        directory: the mirror's folder (the one given to ``sync`` and ``build``).

    Raises:
        MirrorError: the folder holds no built mirror.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        path = self.directory / STORE_NAME
        if not path.is_file():
            raise MirrorError(f"no mirror in {self.directory} (run `pubenrich mirror build`)")
        try:
            self._conn = sqlite3.connect(
                f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise MirrorError(f"cannot open the mirror store {path}: {exc}") from exc
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Mirror({str(self.directory)!r})"

    def close(self) -> None:
        """Close the store."""
        self._conn.close()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise MirrorError(f"cannot read the mirror {self.directory}: {exc}") from exc

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM records")[0][0])

    def get(self, pmids: Iterable[PMID | str | int]) -> dict[PMID, PubmedRecord]:
        """The records the mirror holds among ``pmids``; absent and deleted ones are left out.

        Raises:
            InvalidIdentifier: an input is not a PMID.
            MirrorError: the store cannot be read.
        """
        keys = sorted({PMID(p).value for p in pmids})
        return {PMID(key): record for key, record in self.records_by_key(keys).items()}

    def records_by_key(self, keys: Sequence[str]) -> dict[str, PubmedRecord]:
        """The records held among normalized PMIDs (``PMID.value`` strings), by the same keys.

        The bulk path of the Enricher, which has the keys normalized already: one query per
        chunk of keys, and each record read trusted (our own build wrote it).

        Raises:
            MirrorError: the store cannot be read.
        """
        return {key: stored_record(blob) for key, blob in self.stored_by_key(keys).items()}

    def stored_by_key(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored forms of the records held among normalized PMIDs, by the same keys,
        for :func:`stored_record` to read one at a time as they are used (a record built
        only when the caller reaches it dies young, which spares the garbage collector).

        Raises:
            MirrorError: the store cannot be read.
        """
        found: dict[str, bytes] = {}
        for chunk in _chunks([int(key) for key in keys], _CHUNK):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT pmid, data FROM records WHERE pmid IN ({marks})", chunk)  # noqa: S608 - only placeholders
            for pmid, blob in rows:
                found[str(pmid)] = blob
        return found

    def deleted_among(self, keys: Sequence[str]) -> list[str]:
        """Those of normalized PMIDs (``PMID.value`` strings) that an update file deleted.

        Raises:
            MirrorError: the store cannot be read.
        """
        gone: list[str] = []
        for chunk in _chunks([int(key) for key in keys], _CHUNK):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT pmid FROM deleted WHERE pmid IN ({marks})", chunk)  # noqa: S608 - only placeholders
            gone.extend(str(row[0]) for row in rows)
        return gone

    def get_json(self, pmids: Iterable[PMID | str | int]) -> dict[PMID, bytes]:
        """The stored ``to_dict`` JSON (UTF-8) of the records held, without building records.

        The fast path for bulk jobs that write JSON anyway: it skips
        :func:`~pubenrich.model.records.record_from_dict`, which costs far more than the lookup.

        Raises:
            InvalidIdentifier: an input is not a PMID.
            MirrorError: the store cannot be read.
        """
        wanted = sorted({int(PMID(p).value) for p in pmids})
        found: dict[PMID, bytes] = {}
        for chunk in _chunks(wanted, _CHUNK):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT pmid, data FROM records WHERE pmid IN ({marks})", chunk)  # noqa: S608 - only placeholders
            for pmid, blob in rows:
                found[PMID(pmid)] = _json(blob)
        return found

    def is_deleted(self, pmid: PMID | str | int) -> bool:
        """Whether an update file deleted ``pmid`` (and no later file brought it back)."""
        key = int(PMID(pmid).value)
        return bool(self._query("SELECT 1 FROM deleted WHERE pmid = ?", (key,)))

    def pmid_for_doi(self, doi: DOI | str) -> PMID | None:
        """The PMID of the record with this DOI (any case), from the records or PMC-ids.

        Raises:
            InvalidIdentifier: ``doi`` is not a DOI.
        """
        key = (doi if isinstance(doi, DOI) else DOI(doi)).key
        rows = self._query("SELECT pmid FROM records WHERE doi = ? ORDER BY pmid LIMIT 1", (key,))
        if not rows:
            rows = self._query(
                "SELECT pmid FROM pmc_ids WHERE doi = ? AND pmid IS NOT NULL LIMIT 1", (key,)
            )
        return PMID(rows[0][0]) if rows else None

    def pmid_for_pmcid(self, pmcid: PMCID | str) -> PMID | None:
        """The PMID of the record with this PMCID, from the records or PMC-ids.

        Raises:
            InvalidIdentifier: ``pmcid`` is not a PMCID.
        """
        key = (pmcid if isinstance(pmcid, PMCID) else PMCID(pmcid)).value
        rows = self._query("SELECT pmid FROM records WHERE pmcid = ? LIMIT 1", (key,))
        if not rows:
            rows = self._query(
                "SELECT pmid FROM pmc_ids WHERE pmcid = ? AND pmid IS NOT NULL", (key,)
            )
        return PMID(rows[0][0]) if rows else None

    def search_title(
        self,
        title: str,
        *,
        author: str | None = None,
        year: int | None = None,
        limit: int = 10,
    ) -> list[TitleHit]:
        """Records whose title shares words with ``title``, best match first.

        Any title word may match (ranked by bm25, so more shared words rank higher); an
        ``author`` (a last name) must match the first author; a ``year`` must match exactly.
        Good enough to turn a citation's cues into candidate PMIDs without a request.
        """
        terms = _fts_terms(title)
        if not terms:
            return []
        query = "(" + " OR ".join(terms) + ")"
        author_terms = _fts_terms(author or "")
        if author_terms:
            query += " AND author : (" + " ".join(author_terms) + ")"
        sql = "SELECT rowid, title, author, year, bm25(titles) FROM titles WHERE titles MATCH ?"
        params: list[Any] = [query]
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        sql += " ORDER BY bm25(titles) LIMIT ?"
        params.append(limit)
        hits = []
        for pmid, text, first, when, score in self._query(sql, params):
            hits.append(TitleHit(PMID(pmid), text, first, when, float(score)))
        return hits

    @property
    def as_of(self) -> date | None:
        """The date the mirror holds PubMed as of: that of the last file applied (its
        modification date, as NCBI served it), else the day it was last built; None when
        neither is known (a store built before builds were dated, with undated files)."""
        rows = self._query("SELECT day FROM files ORDER BY seq DESC LIMIT 1")
        if not rows or rows[0][0] is None:
            rows = self._query(f"SELECT value FROM meta WHERE key = '{BUILT_KEY}'")  # noqa: S608 - a constant
        if not rows or rows[0][0] is None:
            return None
        return date.fromisoformat(rows[0][0])

    def files(self) -> list[str]:
        """The names of the files applied, in the order they were applied."""
        return [row[0] for row in self._query("SELECT name FROM files ORDER BY seq")]
