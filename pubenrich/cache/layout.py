"""The cache file's place and table layout: where a user's cache lives, the tables it holds,
and how a file of an older layout is brought up to date.

A user's cache outlives versions of pubenrich, so the file carries its layout version in
``PRAGMA user_version``; an older layout is migrated, an unknown one refused (and so moved aside
by the cache, never read wrong).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from pathlib import Path

__all__ = ["LAYOUT_VERSION", "UnknownLayout", "default_cache_path", "ensure_layout"]

# The package's name, not this module's: users configure the logger "pubenrich.cache".
log = logging.getLogger("pubenrich.cache")

LAYOUT_VERSION = 2  # the SQLite table layout, in PRAGMA user_version


class UnknownLayout(Exception):
    """The file is an SQLite database of a layout this version does not know."""


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


def ensure_layout(conn: sqlite3.Connection, path: Path) -> None:
    """Create the tables in a new file, migrate an older layout, refuse an unknown one."""
    layout = conn.execute("PRAGMA user_version").fetchone()[0]
    if layout == 0:
        conn.executescript(f"{_TABLE};\n{_INDEX};")  # idempotent: processes may race
        conn.execute(f"PRAGMA user_version={LAYOUT_VERSION}")
    elif layout == 1:
        _migrate_from_layout_1(conn, path)
    elif layout != LAYOUT_VERSION:
        raise UnknownLayout(f"cache layout version {layout}, expected {LAYOUT_VERSION}")
    conn.execute("SELECT 1 FROM entries LIMIT 1").fetchall()


def _migrate_from_layout_1(conn: sqlite3.Connection, path: Path) -> None:
    """Copy a layout-1 file's entries into the layout-2 table, keeping them all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while this one waited for the lock.
        if conn.execute("PRAGMA user_version").fetchone()[0] == 1:
            for statement in _FROM_LAYOUT_1:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={LAYOUT_VERSION}")
            log.info("cache %s: moved its entries to table layout %d", path, 2)
        conn.execute("COMMIT")
    except BaseException:
        conn.rollback()
        raise
