"""Processes share one SqliteCache file: concurrent writers lose nothing, and a writer killed
mid-transaction leaves the file readable and consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from pubenrich.cache import RECORDS, SqliteCache

REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys
    from pubenrich.cache import SqliteCache
    path, tag, start, stop, size = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    with SqliteCache(path) as cache:
        for i in range(start, stop, size):
            batch = {str(k): {"by": tag, "k": k, "pad": "x" * 2000} for k in range(i, i + size)}
            cache.put_many("pubmed", batch, version=1)
            print(i + size, flush=True)
    """
)


READER = textwrap.dedent(
    """
    import sys
    from pubenrich.cache import SqliteCache
    path, n = sys.argv[1], int(sys.argv[2])
    with SqliteCache(path) as cache:
        hits = cache.get_many("pubmed", [str(k) for k in range(n)], version=1)
        print(sum(entry.value == {"k": int(key)} for key, entry in hits.items()))
    """
)


def _spawn(path: Path, tag: str, start: int, stop: int, size: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag, str(start), str(stop), str(size)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two writers over overlapping key ranges: every key ends up stored, none half-written."""
    path = tmp_path / "shared.sqlite3"
    SqliteCache(path).close()
    first = _spawn(path, "a", 0, 3000, 100)
    second = _spawn(path, "b", 1500, 4500, 100)
    for writer in (first, second):
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    with SqliteCache(path) as cache:
        hits = cache.get_many(RECORDS, [str(k) for k in range(4500)], version=1)
    assert len(hits) == 4500
    assert all(entry.value["k"] == int(key) for key, entry in hits.items())


def test_a_writer_killed_mid_write_leaves_a_consistent_cache(tmp_path: Path) -> None:
    """SIGKILL during a stream of big transactions: every committed batch is whole."""
    path = tmp_path / "killed.sqlite3"
    writer = _spawn(path, "k", 0, 10_000_000, 500)
    assert writer.stdout is not None
    committed = 0
    deadline = time.monotonic() + 60
    while committed < 5000 and time.monotonic() < deadline:
        committed = int(writer.stdout.readline() or committed)
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=30)
    with SqliteCache(path) as cache:
        info = cache.info()
        stored = info.entries[RECORDS]
        assert stored >= committed
        assert stored % 500 == 0  # only whole transactions
        hits = cache.get_many(RECORDS, [str(k) for k in range(stored)], version=1)
        assert len(hits) == stored
        cache.put_many(RECORDS, {"after": {"ok": True}}, version=1)
        assert cache.get_many(RECORDS, ["after"], version=1)


def test_two_processes_opening_a_layout_1_file_at_once_both_read_it_whole(
    tmp_path: Path,
) -> None:
    """Both processes migrate-or-wait on the old table layout; neither loses or moves a thing."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE entries (namespace TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT"
        " NULL, value TEXT, stored_at REAL NOT NULL, expires_at REAL, PRIMARY KEY (namespace,"
        " key)) WITHOUT ROWID; CREATE INDEX entries_expiry ON entries (expires_at);"
        " PRAGMA user_version=1;"
    )
    rows = [("pubmed", str(k), 1, f'{{"k": {k}}}', 1.0, None) for k in range(20_000)]
    old.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
    old.commit()
    old.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(path), "20000"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    outputs = [reader.communicate(timeout=120)[0] for reader in readers]
    assert [reader.returncode for reader in readers] == [0, 0]
    assert [int(out) for out in outputs] == [20_000, 20_000]
    assert not list(tmp_path.glob("old.sqlite3.corrupt-*"))
