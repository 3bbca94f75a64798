"""Enricher.fetch and Enricher.convert over `responses`: only misses go to NCBI, every input
comes back once and in order, negatives are remembered, errors are not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from ncbi_fakes import API_KEY, EMAIL, EUTILS, IDCONV, FakeClock, efetch_body, esummary_body

from pubenrich import (
    PMID,
    Config,
    DeletedCitation,
    Enricher,
    EutilsClient,
    MemoryCache,
    SqliteCache,
)
from pubenrich.cache import RECORDS, Cache
from pubenrich.model.records import SCHEMA_VERSION
from pubenrich.services.records import Fetcher

EFETCH = EUTILS + "efetch.fcgi"
ESUMMARY = EUTILS + "esummary.fcgi"


def _params(request: Any) -> dict[str, str]:
    body = request.body or ""
    text = body.decode() if isinstance(body, bytes) else body
    query = request.url.split("?", 1)[1] if "?" in request.url else ""
    merged = parse_qs(query) | parse_qs(text)
    return {k: v[0] for k, v in merged.items()}


class PubMed:
    """A `responses` callback answering efetch for the PMIDs it knows (and listing the deleted
    ones in a DeleteCitation); records every ask. ``summaries`` answers ESummary: it knows the
    same PMIDs, plus ``listed`` ones that efetch leaves out."""

    def __init__(
        self,
        known: set[str],
        deleted: frozenset[str] = frozenset(),
        listed: frozenset[str] = frozenset(),
    ) -> None:
        self.known = known
        self.deleted = deleted
        self.listed = listed
        self.asked: list[list[str]] = []
        self.summarized: list[list[str]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        ids = _params(request)["id"].split(",")
        self.asked.append(ids)
        return (
            200,
            {"Content-Type": "text/xml; charset=UTF-8"},
            efetch_body((i for i in ids if i in self.known), [i for i in ids if i in self.deleted]),
        )

    def summaries(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        ids = _params(request)["id"].split(",")
        self.summarized.append(ids)
        exists = self.known | self.listed
        body = esummary_body([i for i in ids if i in exists], [i for i in ids if i not in exists])
        return 200, {"Content-Type": "application/json; charset=UTF-8"}, body

    def serve(self, mocked: responses.RequestsMock) -> PubMed:
        """Answer efetch and esummary from this PubMed."""
        mocked.add_callback(responses.GET, EFETCH, callback=self)
        mocked.add_callback(responses.GET, ESUMMARY, callback=self.summaries)
        return self


@pytest.fixture
def make_enricher(clock: FakeClock) -> Iterator[Callable[..., Enricher]]:
    made: list[Enricher] = []

    def build(cache: Cache | None = None, **settings: Any) -> Enricher:
        settings.setdefault("email", EMAIL)
        config = Config(**settings)
        client = EutilsClient(config, clock=clock, sleep=clock.sleep, random=lambda: 0.0)
        enricher = Enricher(config, cache=cache or MemoryCache(), client=client)
        made.append(enricher)
        return enricher

    yield build
    for enricher in made:
        enricher.close()
        enricher.client.close()


def _pmids(n: int, start: int = 99_000_001) -> list[str]:
    return [str(start + i) for i in range(n)]


def test_partial_batch_hit_sends_only_the_misses(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """With 150 of 200 cached, one request asks for exactly the other 50."""
    ids = _pmids(200)
    pubmed = PubMed(set(ids))
    mocked.add_callback(responses.GET, EFETCH, callback=pubmed)
    enricher = make_enricher()
    assert all(r.ok for r in enricher.fetch(ids[:150]))
    pubmed.asked.clear()
    results = list(enricher.fetch(ids))
    assert pubmed.asked == [ids[150:]]
    assert [r.pmid.value for r in results if r.pmid] == ids
    assert [r.from_cache for r in results] == [True] * 150 + [False] * 50


def test_order_and_count_kept_over_duplicates_unknown_and_invalid(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Every input comes back once, in order, with its own status; duplicates share a fetch."""
    known = set(_pmids(5))
    pubmed = PubMed(known)
    pubmed.serve(mocked)
    inputs: list[Any] = ["99000001", 99000002, "PMID: 99000001", "abc", "99000009", "0", "99000003"]
    results = list(make_enricher().fetch(inputs))
    assert [r.input for r in results] == inputs
    assert [r.status for r in results] == [
        "found",
        "found",
        "found",
        "invalid",
        "not_found",
        "invalid",
        "found",
    ]
    assert results[0].record is not None
    assert results[0].record.pmid.value == "99000001"
    # one request, then one re-check of the absent PMID before calling it not found
    assert pubmed.asked == [["99000001", "99000002", "99000009", "99000003"], ["99000009"]]


def test_deleted_pmids_come_back_deleted_in_place_and_are_remembered(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """A PMID NCBI lists in a DeleteCitation comes back `deleted` at its place, then from cache."""
    pubmed = PubMed({"99000001", "99000003"}, deleted=frozenset({"99000002"}))
    mocked.add_callback(responses.GET, EFETCH, callback=pubmed)
    enricher = make_enricher()
    inputs = ["99000001", "99000002", "99000003", "99000002"]
    first = list(enricher.fetch(inputs))
    assert [(r.input, r.status) for r in first] == list(
        zip(inputs, ["found", "deleted", "found", "deleted"], strict=True)
    )
    assert isinstance(first[1].record, DeletedCitation)
    assert PMID("99000002") in first[1].record.pmids
    asked = len(pubmed.asked)
    again = list(enricher.fetch(["99000002"]))
    assert [(r.status, r.from_cache) for r in again] == [("deleted", True)]
    assert len(pubmed.asked) == asked


def test_a_cached_pmid_repeated_in_the_input_comes_back_each_time(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Repeats of a cached PMID, in any form, each get a result carrying the same record."""
    mocked.add_callback(responses.GET, EFETCH, callback=PubMed({"99000001", "99000002"}))
    enricher = make_enricher()
    list(enricher.fetch(["99000001", "99000002"]))
    inputs: list[Any] = ["99000001", 99000002, "PMID: 99000001", "99000001"]
    results = list(enricher.fetch(inputs))
    assert [r.input for r in results] == inputs
    assert all(r.ok and r.from_cache for r in results)
    assert [r.record.pmid.value for r in results if r.record] == [
        "99000001",
        "99000002",
        "99000001",
        "99000001",
    ]
    assert results[0].record == results[2].record == results[3].record


def test_an_unreadable_cached_record_is_fetched_again(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """A cached entry that no longer reads as a record is a miss: asked again, found, in place."""
    pubmed = PubMed({"99000001", "99000002"})
    mocked.add_callback(responses.GET, EFETCH, callback=pubmed)
    cache = MemoryCache()
    enricher = make_enricher(cache)
    list(enricher.fetch(["99000001"]))
    broken = {"type": "article", "schema": SCHEMA_VERSION, "pmid": ["not", "a", "pmid"]}
    cache.put_many(RECORDS, {"99000002": broken}, version=SCHEMA_VERSION)
    pubmed.asked.clear()
    results = list(enricher.fetch(["99000001", "99000002", "99000001"]))
    assert [(r.status, r.from_cache) for r in results] == [
        ("found", True),
        ("found", False),
        ("found", True),
    ]
    assert pubmed.asked == [["99000002"]]
    (again,) = enricher.fetch(["99000002"])
    assert again.from_cache


def test_fetcher_records_maps_each_key_to_its_result(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Fetcher.records: cached, fetched and unknown PMIDs, each under its own key."""
    pubmed = PubMed({"99000001", "99000002"})
    pubmed.serve(mocked)
    enricher = make_enricher()
    list(enricher.fetch(["99000001"]))
    fetcher = Fetcher(enricher.config, enricher.client, enricher.cache)
    results = fetcher.records(["99000001", "99000002", "99000009"])
    assert {k: (r.status, r.from_cache) for k, r in results.items()} == {
        "99000001": ("found", True),
        "99000002": ("found", False),
        "99000009": ("not_found", False),
    }
    assert all(r.pmid == PMID(k) for k, r in results.items())


def test_not_found_is_cached_until_its_negative_ttl(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher], tmp_path: Path
) -> None:
    """An unknown PMID is remembered: the next fetch asks nothing, until the TTL ends."""
    now = [1_700_000_000.0]
    cache = SqliteCache(tmp_path / "c.sqlite3", clock=lambda: now[0])
    pubmed = PubMed(set())
    pubmed.serve(mocked)
    enricher = make_enricher(cache)
    assert [r.status for r in enricher.fetch(["99000009"])] == ["not_found"]
    asked = len(pubmed.asked)
    again = list(enricher.fetch(["99000009"]))
    assert (again[0].status, again[0].from_cache, len(pubmed.asked)) == ("not_found", True, asked)
    now[0] += 4 * 86_400
    list(enricher.fetch(["99000009"]))
    assert len(pubmed.asked) > asked
    cache.close()


def test_errors_are_not_cached(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """A batch that fails after its retries comes back `error`, and is asked again next time."""
    mocked.add(responses.GET, EFETCH, status=500, body="Internal Server Error")
    enricher = make_enricher(max_attempts=2)
    (first,) = enricher.fetch(["99000001"])
    assert first.status == "error"
    assert first.error is not None
    mocked.replace(responses.GET, EFETCH, body=efetch_body(["99000001"]), status=200)
    (second,) = enricher.fetch(["99000001"])
    assert second.status == "found"


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(b"<eFetchResult><ERROR>Invalid id list</ERROR></eFetchResult>\n", id="ncbi"),
        pytest.param(efetch_body(["99000001"])[:-60], id="truncated-xml"),
        pytest.param(b"<html><body>Proxy error</body></html>", id="html"),
    ],
)
def test_failed_answers_are_not_cached(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher], failure: bytes
) -> None:
    """An NCBI error body or a reply that does not parse is `error`, and asked again next time."""
    mocked.add(responses.GET, EFETCH, body=failure, content_type="text/xml")
    cache = MemoryCache()
    enricher = make_enricher(cache, max_attempts=1)
    assert [r.status for r in enricher.fetch(["99000001"])] == ["error"]
    assert cache.info().entries == {}
    mocked.replace(responses.GET, EFETCH, body=efetch_body(["99000001"]), status=200)
    assert [(r.status, r.from_cache) for r in enricher.fetch(["99000001"])] == [("found", False)]


def test_a_failed_batch_fails_only_its_own_ids(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Of three batches, the middle one refused: the other two still come back found."""
    ids = _pmids(6)
    calls = []

    def answer(request: Any) -> tuple[int, dict[str, str], bytes]:
        asked = _params(request)["id"].split(",")
        calls.append(asked)
        if "99000003" in asked:
            body = b"<eFetchResult><ERROR>Invalid id list</ERROR></eFetchResult>\n"
            return 200, {"Content-Type": "text/xml"}, body
        return 200, {"Content-Type": "text/xml"}, efetch_body(asked)

    mocked.add_callback(responses.GET, EFETCH, callback=answer)
    results = list(make_enricher(batch_size=2, max_in_flight=1).fetch(ids))
    assert [r.status for r in results] == ["found", "found", "error", "error", "found", "found"]


def test_offline_mode_answers_from_the_cache_with_no_request(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Offline: cached PMIDs are found, the others are offline misses, and nothing is sent."""
    cache = MemoryCache()
    pubmed = PubMed({"99000001"})
    mocked.add_callback(responses.GET, EFETCH, callback=pubmed)
    list(make_enricher(cache).fetch(["99000001"]))
    sent = len(mocked.calls)
    results = list(make_enricher(cache, offline=True).fetch(["99000001", "99000002"]))
    assert [r.status for r in results] == ["found", "offline_miss"]
    assert len(mocked.calls) == sent


def test_refresh_bypasses_cached_reads(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """refresh=True asks NCBI again even for cached records."""
    pubmed = PubMed({"99000001"})
    mocked.add_callback(responses.GET, EFETCH, callback=pubmed)
    enricher = make_enricher()
    list(enricher.fetch(["99000001"]))
    list(enricher.fetch(["99000001"], refresh=True))
    assert pubmed.asked == [["99000001"], ["99000001"]]


def test_api_key_never_reaches_the_cache_file(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher], tmp_path: Path
) -> None:
    """After fetching with a key, the cache file's bytes hold neither key nor email."""
    pubmed = PubMed({"99000001"})
    mocked.add_callback(responses.POST, EFETCH, callback=pubmed)
    cache = SqliteCache(tmp_path / "c.sqlite3")
    list(make_enricher(cache, api_key=API_KEY).fetch(["99000001"]))
    cache.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert API_KEY.encode() not in data
    assert EMAIL.encode() not in data


IDCONV_REPLY = (
    '{"status": "ok", "responseDate": "2026-11-25 08:00:00", "request": {"format": "json"}, '
    '"records": [{"pmcid": "PMC9900001", "pmid": 99000001, "doi": "10.5555/Synthetic.1", '
    '"requested-id": "%s"}, {"pmid": 99000002, "requested-id": "%s", "status": "error", '
    '"errmsg": "Identifier not found in PMC"}]}'
)


def test_convert_keeps_order_and_tells_not_in_pmc_from_invalid(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """PMIDs map to PMCID and DOI; a PMID outside PMC is `not_in_pmc`; junk is `invalid`."""
    mocked.add(responses.GET, IDCONV, body=IDCONV_REPLY % ("99000001", "99000002"))
    enricher = make_enricher()
    results = list(enricher.convert(["99000001", "junk", "99000002"]))
    assert [r.status for r in results] == ["found", "invalid", "not_in_pmc"]
    assert str(results[0].pmcid) == "PMC9900001"
    assert str(results[0].doi) == "10.5555/Synthetic.1"
    # cached under each id: the PMCID and the DOI (any case) now convert with no request
    sent = len(mocked.calls)
    again = list(enricher.convert(["PMC9900001", "10.5555/SYNTHETIC.1", "99000002"]))
    assert [r.status for r in again] == ["found", "found", "not_in_pmc"]
    assert all(r.from_cache for r in again)
    assert len(mocked.calls) == sent


def test_a_pmid_efetch_leaves_out_twice_but_esummary_lists_is_an_error_not_cached(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Only ESummary's "cannot get document summary" makes not_found; a listed PMID is an error."""
    pubmed = PubMed({"99000001"}, listed=frozenset({"99000002"})).serve(mocked)
    enricher = make_enricher()
    results = list(enricher.fetch(["99000001", "99000002", "99000009"]))
    assert [r.status for r in results] == ["found", "error", "not_found"]
    assert "ESummary lists it" in str(results[1].error)
    assert pubmed.summarized == [["99000002", "99000009"]]
    pubmed.asked.clear()
    again = list(enricher.fetch(["99000002", "99000009"]))
    assert [(r.status, r.from_cache) for r in again] == [("error", False), ("not_found", True)]
    assert pubmed.asked == [["99000002"], ["99000002"]]


def test_a_failed_esummary_check_leaves_absent_pmids_as_errors(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Without ESummary's word, absence proves nothing: error, with the reason, not cached."""
    mocked.add_callback(responses.GET, EFETCH, callback=PubMed(set()))
    mocked.add(responses.GET, ESUMMARY, status=500, body="Internal Server Error")
    (result,) = make_enricher(max_attempts=1).fetch(["99000009"])
    assert result.status == "error"
    assert result.error is not None


def test_a_fetched_record_says_it_came_from_eutils_today(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """A record fetched now is sourced ``eutils`` as of today's UTC date."""
    mocked.add_callback(responses.GET, EFETCH, callback=PubMed({"99000001"}))
    before = datetime.now(tz=UTC).date()
    (result,) = make_enricher().fetch(["99000001"])
    assert (result.status, result.source) == ("found", "eutils")
    assert result.as_of is not None
    assert before <= result.as_of <= datetime.now(tz=UTC).date()


def test_a_cached_record_says_it_came_from_the_cache_as_of_when_it_was_stored(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher], tmp_path: Path
) -> None:
    """Served again from the cache, a record and a known absence carry the day stored."""
    stored_at = datetime(2024, 3, 9, 12, tzinfo=UTC).timestamp()
    cache = SqliteCache(tmp_path / "c.sqlite3", clock=lambda: stored_at)
    PubMed({"99000001"}).serve(mocked)
    enricher = make_enricher(cache)
    list(enricher.fetch(["99000001", "99000002"]))
    again = list(enricher.fetch(["99000001", "99000002"]))
    assert [(r.status, r.source, r.as_of) for r in again] == [
        ("found", "cache", date(2024, 3, 9)),
        ("not_found", "cache", date(2024, 3, 9)),
    ]
    cache.close()


def test_an_unanswered_pmid_has_no_source(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """An invalid input and an offline miss name no source and no date."""
    results = list(make_enricher(offline=True).fetch(["not a pmid", "99000001"]))
    assert [(r.status, r.source, r.as_of) for r in results] == [
        ("invalid", None, None),
        ("offline_miss", None, None),
    ]


def test_conversions_are_dated_today_from_idconv_and_by_the_stored_day_from_the_cache(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher], tmp_path: Path
) -> None:
    """A conversion holds for the day it was asked; served again, for the day it was stored."""
    stored_at = datetime(2024, 3, 9, 12, tzinfo=UTC).timestamp()
    cache = SqliteCache(tmp_path / "c.sqlite3", clock=lambda: stored_at)
    mocked.add(responses.GET, IDCONV, body=IDCONV_REPLY % ("99000001", "99000002"))
    enricher = make_enricher(cache)
    before = datetime.now(tz=UTC).date()
    first = list(enricher.convert(["99000001", "junk", "99000002"]))
    after = datetime.now(tz=UTC).date()
    assert [(r.status, r.source) for r in first] == [
        ("found", "eutils"),
        ("invalid", None),
        ("not_in_pmc", "eutils"),
    ]
    assert [r.as_of is not None and before <= r.as_of <= after for r in first] == [
        True,
        False,
        True,
    ]
    again = list(enricher.convert(["99000001", "99000002"]))
    assert [(r.status, r.source, r.as_of) for r in again] == [
        ("found", "cache", date(2024, 3, 9)),
        ("not_in_pmc", "cache", date(2024, 3, 9)),
    ]
    cache.close()
