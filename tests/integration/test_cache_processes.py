"""Processes share one SqliteCache file: concurrent writers lose nothing, and a writer killed
mid-transaction leaves the file readable and consistent."""

from __future__ import annotations

import os
import signal
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
