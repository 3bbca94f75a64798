"""The mirror store's file: its tables, and the writes the build makes to them.

Only the build writes, one update file per transaction and in file order, so a store is always
the state after some whole file; readers open the file read-only through the view.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import os
import sqlite3
import zlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pubenrich.errors import MirrorError
from pubenrich.model.records import Article, BookArticle

__all__ = [
    "BUILT_KEY",
    "STORE_NAME",
    "Op",
    "Row",
    "applied_files",
    "apply_file",
    "connect",
    "load_pmc_ids",
    "record_row",
]

STORE_NAME = "mirror.sqlite3"
# The meta key of the day the store was last built (ISO date).
BUILT_KEY = "built"

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
