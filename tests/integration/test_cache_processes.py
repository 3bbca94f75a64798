"""Processes share one SqliteCache file: concurrent writers lose nothing, and a writer killed
mid-transaction leaves the file readable and consistent; an Enricher killed mid-fetch resumes
without fetching again what it had stored, and two Enrichers on one file lose nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from fault_jobs import enrich_inputs

from pubenrich import Config, Enricher, MemoryCache
from pubenrich.cache import RECORDS, SqliteCache
from pubenrich.model.records import SCHEMA_VERSION
from pubenrich.testing.fake_ncbi import FakeNcbi, SyntheticUniverse

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


# ---------------------------------------------------------------- Enricher processes

FETCHER = textwrap.dedent(
    """
    import json, sys
    from pubenrich import Config, Enricher, SqliteCache
    url, cache_path, out_path, first, count = sys.argv[1:4] + [int(a) for a in sys.argv[4:6]]
    config = Config(eutils_url=url, requests_per_second=500, batch_size=20, max_in_flight=2,
                    read_timeout=10)
    pmids = [str(first + i) for i in range(count)]
    with Enricher(config, cache=SqliteCache(cache_path)) as enricher:
        print("ready", flush=True)
        rows = [
            [r.input, r.status, r.record.to_dict() if r.record is not None else None]
            for r in enricher.fetch(pmids)
        ]
    with open(out_path, "w") as out:
        json.dump(rows, out)
    """
)
UNIVERSE = SyntheticUniverse(size=3000, seed=21)
FIRST = UNIVERSE.first_pmid


def _fetcher(
    fake: FakeNcbi, cache: Path, out: Path, first: int, count: int
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [fake.eutils_url, str(cache), str(out), str(first), str(count)]
    return subprocess.Popen(
        [sys.executable, "-c", FETCHER, *args], stdout=subprocess.PIPE, text=True, env=env
    )


def _finish(process: subprocess.Popen[str], out: Path) -> list[list[Any]]:
    process.communicate(timeout=120)
    assert process.returncode == 0
    rows: list[list[Any]] = json.loads(out.read_text())
    return rows


def _stored_records(path: Path, pmids: list[str]) -> set[str]:
    """PMIDs whose record (not a "no such PMID") the cache file holds."""
    with SqliteCache(path) as cache:
        hits = cache.get_many(RECORDS, pmids, version=SCHEMA_VERSION)
    return {key for key, entry in hits.items() if not entry.negative}


def _refetched(fake: FakeNcbi, stored: set[str]) -> set[str]:
    """The PMIDs of ``stored`` that some efetch request logged by ``fake`` asked for."""
    return {pmid for ids in fake.stats.asked("efetch") for pmid in ids if pmid in stored}


def test_an_enricher_killed_at_random_points_resumes_without_refetching(tmp_path: Path) -> None:
    """SIGKILL mid-fetch, three times at seeded random moments, then run to the end: the cache
    opens each time, no efetch request asks again for a record stored before the kill, and the
    output equals that of an uninterrupted run."""
    count = 1000
    pmids = [str(FIRST + i) for i in range(count)]
    rng = random.Random(20261125)
    with FakeNcbi(UNIVERSE, enforce_rate=False, latency=0.01) as fake:
        expected = _finish(
            _fetcher(fake, tmp_path / "clean.sqlite3", tmp_path / "clean.json", FIRST, count),
            tmp_path / "clean.json",
        )
        path, out = tmp_path / "killed.sqlite3", tmp_path / "killed.json"
        for _ in range(3):
            before = _stored_records(path, pmids) if path.exists() else set()
            fake.reset_stats()
            process = _fetcher(fake, path, out, FIRST, count)
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 0.5))
            assert process.poll() is None  # killed mid-run, not after it
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
            after = _stored_records(path, pmids)  # the cache opens and reads after the kill
            assert before <= after
            assert _refetched(fake, before) == set()
        stored = _stored_records(path, pmids)
        fake.reset_stats()
        resumed = _finish(_fetcher(fake, path, out, FIRST, count), out)
        assert _refetched(fake, stored) == set()
        served = fake.stats.snapshot()["ids_served"]
    assert resumed == expected
    known = {row[0] for row in expected if row[1] == "found"}
    assert served == len(known - stored)


def test_a_kill_loses_no_completed_efetch_batch(tmp_path: Path) -> None:
    """Every efetch batch answered before a SIGKILL is in the cache after it, bar the few
    in flight: outcomes are stored per batch, not per window of ten batches."""
    count = 2000
    pmids = [str(FIRST + i) for i in range(count)]
    path, out = tmp_path / "killed.sqlite3", tmp_path / "killed.json"
    # Each request waits 0.1 s, so a kill lands while a window's later batches are pending.
    with FakeNcbi(UNIVERSE, enforce_rate=False, latency=0.1) as fake:
        process = _fetcher(fake, path, out, FIRST, count)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while len(fake.stats.asked("efetch")) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        asked = fake.stats.asked("efetch")
    stored = _stored_records(path, pmids)
    known = set(UNIVERSE.pmids())
    # All but the last three requests (two in flight, one being parsed) are stored.
    answered = {pmid for ids in asked[:-3] for pmid in ids if pmid in known}
    assert len(asked) >= 6
    assert answered <= stored


def test_two_enrichers_on_one_cache_file_lose_nothing(tmp_path: Path) -> None:
    """Two processes fetch overlapping PMIDs into one cache file at once: both finish, both
    outputs are complete and right, and the file holds every record either fetched."""
    with FakeNcbi(UNIVERSE, enforce_rate=False, latency=0.005) as fake:
        expected = _finish(
            _fetcher(fake, tmp_path / "clean.sqlite3", tmp_path / "clean.json", FIRST, 1500),
            tmp_path / "clean.json",
        )
        path = tmp_path / "shared.sqlite3"
        first = _fetcher(fake, path, tmp_path / "a.json", FIRST, 1000)
        second = _fetcher(fake, path, tmp_path / "b.json", FIRST + 500, 1000)
        rows_a = _finish(first, tmp_path / "a.json")
        rows_b = _finish(second, tmp_path / "b.json")
    assert rows_a == expected[:1000]
    assert rows_b == expected[500:1500]
    found = {row[0] for row in expected if row[1] == "found"}
    assert _stored_records(path, [str(FIRST + i) for i in range(1500)]) == found


ENRICHER = textwrap.dedent(
    """
    import json, sys
    from pubenrich import Config, Enricher, SqliteCache
    eutils, idconv, cache_path, in_path, out_path = sys.argv[1:6]
    config = Config(eutils_url=eutils, idconv_url=idconv, requests_per_second=500,
                    batch_size=20, max_in_flight=2, read_timeout=10)
    with open(in_path) as source:
        inputs = json.load(source)
    with Enricher(config, cache=SqliteCache(cache_path)) as enricher:
        print("ready", flush=True)
        rows = [
            [r.input, r.status, r.pmid, r.article.to_dict() if r.article is not None else None]
            for r in enricher.enrich(inputs)
        ]
    with open(out_path, "w") as out:
        json.dump(rows, out)
    """
)
ENRICH_UNIVERSE = SyntheticUniverse(size=300, seed=33)


def _enricher(fake: FakeNcbi, cache: Path, inputs: Path, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [fake.eutils_url, fake.idconv_url, str(cache), str(inputs), str(out)]
    return subprocess.Popen(
        [sys.executable, "-c", ENRICHER, *args], stdout=subprocess.PIPE, text=True, env=env
    )


def test_enrich_killed_at_a_random_moment_resumes_to_the_uninterrupted_output(
    tmp_path: Path,
) -> None:
    """SIGKILL an enrich run over ids and reference lines at a seeded random moment, re-run it
    on the same cache: every input comes back once, in order, as the uninterrupted run says."""
    rng = random.Random(1125)
    inputs = enrich_inputs(ENRICH_UNIVERSE, 250, seed=5)
    source = tmp_path / "inputs.json"
    source.write_text(json.dumps(inputs))
    path, out = tmp_path / "killed.sqlite3", tmp_path / "killed.json"
    with FakeNcbi(ENRICH_UNIVERSE, enforce_rate=False, latency=0.01) as fake:
        process = _enricher(fake, path, source, out)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.3))
        assert process.poll() is None  # killed mid-run, not after it
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        assert not out.exists()
        resumed = _finish(_enricher(fake, path, source, out), out)
        config = Config(
            eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, requests_per_second=500
        )
        with Enricher(config, cache=MemoryCache()) as enricher:  # the uninterrupted run
            rows = [
                [r.input, r.status, r.pmid, r.article.to_dict() if r.article else None]
                for r in enricher.enrich(inputs)
            ]
    expected = json.loads(json.dumps(rows))
    assert len(resumed) == len(inputs)
    assert [row[0] for row in resumed] == inputs
    assert resumed == expected
    assert {row[1] for row in expected} >= {"enriched", "not_found", "invalid_input"}
