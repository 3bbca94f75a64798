"""The caches: hits and misses, TTLs, versions, maintenance, threads, recovery, secrets."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pubenrich.cache import (
    DAY,
    LAYOUT_VERSION,
    RECORDS,
    Cache,
    CachePolicy,
    MemoryCache,
    NoCache,
    SqliteCache,
    default_cache_path,
)
from pubenrich.cache.jsontext import loads
from pubenrich.cache.sqlite import chunks
from pubenrich.errors import CacheError


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "memory"])
def cache(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Cache]:
    made: Cache
    if request.param == "sqlite":
        made = SqliteCache(tmp_path / "c.sqlite3", clock=clock)
    else:
        made = MemoryCache(clock=clock)
    yield made
    made.close()


def test_partial_batch_returns_only_hits(cache: Cache) -> None:
    """get_many answers the stored keys and leaves the others out."""
    cache.put_many(RECORDS, {"1": {"t": "a"}, "2": {"t": "b"}}, version=1)
    hits = cache.get_many(RECORDS, ["1", "2", "3"], version=1)
    assert {k: e.value for k, e in hits.items()} == {"1": {"t": "a"}, "2": {"t": "b"}}
    assert not hits["1"].negative


def test_namespaces_are_separate(cache: Cache) -> None:
    """The same key in two namespaces holds two values."""
    cache.put_many("doi", {"k": 1}, version=1)
    cache.put_many("pmcid", {"k": 2}, version=1)
    assert cache.get_many("doi", ["k"], version=1)["k"].value == 1
    assert cache.get_many("pmcid", ["k"], version=1)["k"].value == 2


def test_other_version_is_a_miss(cache: Cache) -> None:
    """An entry written for another value version is not served."""
    cache.put_many(RECORDS, {"1": {"t": "a"}}, version=1)
    assert cache.get_many(RECORDS, ["1"], version=2) == {}


def test_positive_entries_expire_after_their_ttl(cache: Cache, clock: Clock) -> None:
    """A record is served for 30 days by default, not after."""
    cache.put_many(RECORDS, {"1": {"t": "a"}}, version=1)
    clock.now += 30 * DAY - 1
    assert "1" in cache.get_many(RECORDS, ["1"], version=1)
    clock.now += 2
    assert cache.get_many(RECORDS, ["1"], version=1) == {}


def test_negative_entries_have_their_own_shorter_ttl(cache: Cache, clock: Clock) -> None:
    """A "not found" is served for 3 days by default, then asked again."""
    cache.put_missing(RECORDS, ["9"], version=1)
    entry = cache.get_many(RECORDS, ["9"], version=1)["9"]
    assert entry.negative
    assert entry.value is None
    clock.now += 3 * DAY + 1
    assert cache.get_many(RECORDS, ["9"], version=1) == {}


def test_policy_overrides_per_namespace(tmp_path: Path, clock: Clock) -> None:
    """A namespace override replaces the default TTL; None keeps entries for ever."""
    policy = CachePolicy(overrides={"doi": None, "query": 60.0})
    with SqliteCache(tmp_path / "c.sqlite3", policy=policy, clock=clock) as cache:
        cache.put_many("doi", {"a": 1}, version=1)
        cache.put_many("query", {"b": 2}, version=1)
        clock.now += 3650 * DAY
        assert "a" in cache.get_many("doi", ["a"], version=1)
        assert cache.get_many("query", ["b"], version=1) == {}


def test_put_replaces_an_earlier_entry(cache: Cache) -> None:
    """Writing a key again replaces its value (a negative can become positive)."""
    cache.put_missing(RECORDS, ["1"], version=1)
    cache.put_many(RECORDS, {"1": {"t": "now here"}}, version=1)
    assert cache.get_many(RECORDS, ["1"], version=1)["1"].value == {"t": "now here"}


def test_info_clear_prune_delete(cache: Cache, clock: Clock) -> None:
    """Maintenance counts what it touches."""
    cache.put_many(RECORDS, {"1": {}, "2": {}}, version=1)
    cache.put_missing(RECORDS, ["3"], version=1)
    cache.put_many("doi", {"x": {}}, version=1)
    info = cache.info()
    assert dict(info.entries) == {RECORDS: 3, "doi": 1}
    assert (info.live, info.expired, info.negative) == (4, 0, 1)
    clock.now += 4 * DAY  # the negative entry expires
    assert cache.info().expired == 1
    assert cache.prune() == 1
    assert cache.delete(RECORDS, ["1", "missing"]) == 1
    assert cache.clear("doi") == 1
    assert cache.clear() == 1
    assert cache.info().live == 0


def test_values_come_back_as_fresh_copies(cache: Cache) -> None:
    """Mutating what get_many returned does not change what is stored."""
    cache.put_many(RECORDS, {"1": {"list": [1]}}, version=1)
    cache.get_many(RECORDS, ["1"], version=1)["1"].value["list"].append(2)
    assert cache.get_many(RECORDS, ["1"], version=1)["1"].value == {"list": [1]}


def test_many_keys_in_one_call(cache: Cache) -> None:
    """Thousands of keys in one call are read in chunks and all found."""
    items = {str(i): {"i": i} for i in range(2500)}
    cache.put_many(RECORDS, items, version=1)
    hits = cache.get_many(RECORDS, [*items, "x"], version=1)
    assert len(hits) == 2500


def test_threads_share_one_cache(cache: Cache) -> None:
    """Eight threads writing and reading at once lose nothing."""
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                cache.put_many(RECORDS, {f"{n}-{i}": {"n": n, "i": i}}, version=1)
                assert cache.get_many(RECORDS, [f"{n}-{i}"], version=1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = [f"{n}-{i}" for n in range(8) for i in range(50)]
    assert len(cache.get_many(RECORDS, keys, version=1)) == 400


def test_a_value_json_cannot_hold_is_a_cache_error(cache: Cache) -> None:
    """Storing a non-JSON value fails with CacheError naming the key, and stores nothing."""
    with pytest.raises(CacheError, match="cannot store pubmed/2"):
        cache.put_many(RECORDS, {"1": {"ok": 1}, "2": {"bad": object()}}, version=1)
    assert cache.get_many(RECORDS, ["1", "2"], version=1) == {}


def test_no_cache_keeps_nothing() -> None:
    """NoCache misses every read and has nothing to count."""
    cache = NoCache()
    cache.put_many(RECORDS, {"1": {}}, version=1)
    cache.put_missing(RECORDS, ["2"], version=1)
    assert cache.get_many(RECORDS, ["1", "2"], version=1) == {}
    assert cache.info().live == 0
    assert isinstance(cache, Cache)


def test_sqlite_cache_persists_across_opens(tmp_path: Path) -> None:
    """What one SqliteCache wrote, the next one opened on the file reads."""
    path = tmp_path / "deep" / "folder" / "c.sqlite3"
    with SqliteCache(path) as cache:
        cache.put_many(RECORDS, {"1": {"t": "a"}}, version=1)
    with SqliteCache(path) as cache:
        assert cache.get_many(RECORDS, ["1"], version=1)["1"].value == {"t": "a"}


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda p: p.write_bytes(b"\x00garbage" * 1000), id="garbage"),
        pytest.param(lambda p: p.write_text("just some text\n"), id="text"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:1500]), id="truncated"),
        pytest.param(
            lambda p: sqlite3.connect(p).execute("PRAGMA user_version=99").connection.close(),
            id="unknown-layout",
        ),
    ],
)
def test_unreadable_file_is_moved_aside_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, spoil: Callable[[Path], None]
) -> None:
    """A broken cache file is renamed with a warning and a new, working cache starts."""
    path = tmp_path / "c.sqlite3"
    with SqliteCache(path) as cache:
        cache.put_many(RECORDS, {str(i): {"x": "y" * 100} for i in range(200)}, version=1)
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    spoil(path)
    with caplog.at_level(logging.WARNING, logger="pubenrich.cache"), SqliteCache(path) as cache:
        cache.get_many(RECORDS, ["1"], version=1)
        cache.put_many(RECORDS, {"new": {"ok": True}}, version=1)
        assert cache.get_many(RECORDS, ["new"], version=1)["new"].value == {"ok": True}
    assert "moved aside" in caplog.text
    assert list(tmp_path.glob("c.sqlite3.corrupt-*"))


LAYOUT_1 = """
CREATE TABLE entries (
    namespace TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, value TEXT,
    stored_at REAL NOT NULL, expires_at REAL, PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
CREATE INDEX entries_expiry ON entries (expires_at);
PRAGMA user_version=1;
"""


def test_a_layout_1_file_is_migrated_keeping_its_entries(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file of the earlier table layout is converted in place: no entry lost, none moved aside."""
    path = tmp_path / "c.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(LAYOUT_1)
    rows = [(RECORDS, str(i), 1, f'{{"n": {i}}}', 1.0, None) for i in range(300)]
    old.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
    old.execute("INSERT INTO entries VALUES ('doi', 'k', 1, NULL, 1.0, 9e9)")
    old.commit()
    old.close()
    with caplog.at_level(logging.WARNING, logger="pubenrich.cache"), SqliteCache(path) as cache:
        hits = cache.get_many(RECORDS, [str(i) for i in range(300)], version=1)
        assert {k: e.value for k, e in hits.items()} == {str(i): {"n": i} for i in range(300)}
        assert cache.get_many("doi", ["k"], version=1)["k"].negative
        cache.put_many(RECORDS, {"new": {"ok": True}}, version=1)
        assert cache.info().entries == {RECORDS: 301, "doi": 1}
    assert "moved aside" not in caplog.text
    assert not list(tmp_path.glob("c.sqlite3.corrupt-*"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LAYOUT_VERSION
        assert conn.execute(
            "SELECT name FROM sqlite_master WHERE name = 'entries_expiry'"
        ).fetchone()


def test_unwritable_location_is_a_cache_error(tmp_path: Path) -> None:
    """A cache whose folder cannot be made fails with CacheError, not an OSError."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError, match="cannot create the cache folder"):
        SqliteCache(blocker / "sub" / "c.sqlite3")


def test_secrets_never_reach_the_file(tmp_path: Path) -> None:
    """Nothing in the cache API carries the key: it is absent from the file's bytes."""
    from pubenrich.config import Config

    secret = "feedface0123456789secret"
    config = Config(api_key=secret, email="who@example.org")
    path = tmp_path / "c.sqlite3"
    with SqliteCache(path) as cache:
        cache.put_many(RECORDS, {"1": {"title": "t", "config": repr(config)}}, version=1)
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert secret.encode() not in data


def test_default_path_is_in_the_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Linux the default file lives under $XDG_CACHE_HOME/pubenrich."""
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert default_cache_path() == Path("/somewhere/cache/pubenrich/cache.sqlite3")


def test_integers_past_64_bits_read_back(cache: Cache) -> None:
    """orjson refuses them; the json fallback that the mirror shares still reads them."""
    big = 2**70
    cache.put_many(RECORDS, {"1": {"n": big}}, version=1)
    assert cache.get_many(RECORDS, ["1"], version=1)["1"].value == {"n": big}
    assert loads(b'{"n": %d}' % big) == {"n": big}


def test_chunks_cover_every_key_once_in_order() -> None:
    """Keys go to SQLite in slices under its bound on host parameters, none lost or repeated."""
    keys = [str(n) for n in range(1234)]
    slices = list(chunks(keys, 500))
    assert [len(s) for s in slices] == [500, 500, 234]
    assert [key for s in slices for key in s] == keys
    assert list(chunks([], 500)) == []
