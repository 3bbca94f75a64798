"""A failed batch is not the end of its ids: they are asked again after the rest of their
window, with a fresh attempt budget, in full batches; what still fails is ``error`` with its
reason (never ``not_found``) and is not cached."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses
import urllib3
from ncbi_fakes import EMAIL, EUTILS, IDCONV, FakeClock, efetch_body, esummary_body

from pubenrich import Config, Enricher, EutilsClient, MemoryCache
from pubenrich.cache import RECORDS
from pubenrich.errors import ConnectionFailed
from pubenrich.model.records import SCHEMA_VERSION

EFETCH = EUTILS + "efetch.fcgi"
ESUMMARY = EUTILS + "esummary.fcgi"
UNAVAILABLE = b"<html><title>503 Service Unavailable</title></html>"


def _ids(request: Any) -> list[str]:
    body = request.body or ""
    text = body.decode() if isinstance(body, bytes) else body
    query = request.url.split("?", 1)[1] if "?" in request.url else ""
    merged = parse_qs(query) | parse_qs(text)
    return merged.get("id", merged.get("ids", [""]))[0].split(",")


class Flaky:
    """efetch and esummary that answer 503 to the first ``failures`` requests holding
    ``bad``; every PMID in ``known`` exists, the rest do not."""

    def __init__(self, known: set[str], bad: str, failures: int) -> None:
        self.known, self.bad, self.failures = known, bad, failures
        self.asked: list[list[str]] = []

    def efetch(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        ids = _ids(request)
        self.asked.append(ids)
        if self.bad in ids and self.failures > 0:
            self.failures -= 1
            return 503, {"Content-Type": "text/html"}, UNAVAILABLE
        body = efetch_body([i for i in ids if i in self.known], [])
        return 200, {"Content-Type": "text/xml; charset=UTF-8"}, body

    def esummary(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        ids = _ids(request)
        known = [i for i in ids if i in self.known]
        body = esummary_body(known, [i for i in ids if i not in self.known])
        return 200, {"Content-Type": "application/json; charset=UTF-8"}, body


@pytest.fixture
def make_enricher(clock: FakeClock) -> Iterator[Callable[..., Enricher]]:
    made: list[Enricher] = []

    def build(**settings: Any) -> Enricher:
        settings.setdefault("email", EMAIL)
        config = Config(**settings)
        client = EutilsClient(config, clock=clock, sleep=clock.sleep, random=lambda: 0.0)
        enricher = Enricher(config, cache=MemoryCache(), client=client)
        made.append(enricher)
        return enricher

    yield build
    for enricher in made:
        enricher.close()
        enricher.client.close()


def _pmids(n: int, start: int = 99_000_001) -> list[str]:
    return [str(start + i) for i in range(n)]


def test_a_batch_that_used_up_its_attempts_is_asked_again_later(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """Batch 1 of 3 fails both attempts; after batches 2 and 3 its ids are asked again, with
    two fresh attempts, and found."""
    pmids = _pmids(30)
    flaky = Flaky(set(pmids), bad=pmids[0], failures=2)
    mocked.add_callback(responses.GET, EFETCH, callback=flaky.efetch)
    enricher = make_enricher(batch_size=10, max_attempts=2, max_in_flight=1)
    results = list(enricher.fetch(pmids))
    assert [r.status for r in results] == ["found"] * 30
    assert [r.input for r in results] == pmids
    assert flaky.asked == [pmids[:10], pmids[:10], pmids[10:20], pmids[20:], pmids[:10]]


def test_failed_ids_join_the_absent_ones_in_one_batch(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """25 PMIDs in batches of 10: the last batch (5) fails its one attempt and two PMIDs of the
    first are left out; the second round asks for all 7 in one request, then ESummary says
    the two are unknown."""
    pmids = _pmids(25)
    flaky = Flaky(set(pmids[2:]), bad=pmids[20], failures=1)
    mocked.add_callback(responses.GET, EFETCH, callback=flaky.efetch)
    mocked.add_callback(responses.GET, ESUMMARY, callback=flaky.esummary)
    enricher = make_enricher(batch_size=10, max_attempts=1, max_in_flight=1)
    results = list(enricher.fetch(pmids))
    assert [r.status for r in results] == ["not_found"] * 2 + ["found"] * 23
    assert flaky.asked == [pmids[:10], pmids[10:20], pmids[20:], pmids[:2] + pmids[20:]]


def test_what_still_fails_is_an_error_with_its_reason_and_not_cached(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """A batch refused on every attempt, in both rounds: its known and unknown PMIDs alike are
    ``error`` naming the 503 (never ``not_found``), and nothing of them is cached."""
    pmids = _pmids(20)
    known = set(pmids[:15])  # the failing batch holds 99000016..20, unknown ones among them
    flaky = Flaky(known, bad=pmids[10], failures=10**6)
    mocked.add_callback(responses.GET, EFETCH, callback=flaky.efetch)
    enricher = make_enricher(batch_size=10, max_attempts=2, max_in_flight=1)
    results = list(enricher.fetch(pmids))
    assert [r.status for r in results] == ["found"] * 10 + ["error"] * 10
    assert all("503" in str(r.error) for r in results[10:])
    assert len(flaky.asked) == 1 + 2 + 2  # batch 1, batch 2 twice, batch 2 twice again
    cached = enricher.cache.get_many(RECORDS, pmids[10:], version=SCHEMA_VERSION)
    assert cached == {}


def test_no_connection_is_not_asked_again(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """A connection that cannot be made (the name does not resolve) stops quickly: its two
    tries, no later round."""
    inner = urllib3.exceptions.NameResolutionError(
        "eutils.ncbi.nlm.nih.gov",
        None,  # type: ignore[arg-type]
        OSError(-2, "Name or service not known"),  # type: ignore[arg-type]
    )
    pool_error = urllib3.exceptions.MaxRetryError(None, "/efetch.fcgi", inner)  # type: ignore[arg-type]
    mocked.get(EFETCH, body=requests.ConnectionError(pool_error))
    enricher = make_enricher(batch_size=10)
    results = list(enricher.fetch(_pmids(3)))
    assert [r.status for r in results] == ["error"] * 3
    assert all(isinstance(r.error, ConnectionFailed) for r in results)
    assert len(mocked.calls) == 2


def test_a_failed_converter_batch_is_asked_again(
    mocked: responses.RequestsMock, make_enricher: Callable[..., Enricher]
) -> None:
    """The ID converter's failed batch is asked again after the window, and converts."""
    calls: list[int] = []

    def idconv(request: Any) -> tuple[int, dict[str, str], bytes]:
        calls.append(1)
        if len(calls) <= 2:
            return 503, {"Content-Type": "text/html"}, UNAVAILABLE
        ids = _ids(request)
        records = [{"pmid": i, "pmcid": f"PMC{i}", "requested-id": i} for i in ids]
        body = (
            '{"status":"ok","responseDate":"2026-01-01 00:00:00","request":"",'
            f'"records":{__import__("json").dumps(records)}}}'
        ).encode()
        return 200, {"Content-Type": "application/json"}, body

    mocked.add_callback(responses.GET, IDCONV, callback=idconv)
    enricher = make_enricher(max_attempts=2)
    results = list(enricher.convert(["99000001", "99000002"]))
    assert [r.status for r in results] == ["found", "found"]
    assert len(calls) == 3
