"""The resolver's overlapped flow: full batches across phases, ids asked once, failures split."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import pytest

from pubenrich import Config, Enricher, MemoryCache
from pubenrich.errors import NcbiError
from pubenrich.model.citation import Citation
from pubenrich.model.identifiers import DOI
from pubenrich.ncbi.esearch import SearchResult
from pubenrich.services.enricher import Progress
from pubenrich.services.resolve.doi_search import DOIS_PER_SEARCH, DOIS_PER_SEARCH_MIN, search_dois
from pubenrich.services.resolve.outcome import Lookup
from pubenrich.testing.fake_ncbi import FakeNcbi, SyntheticUniverse

UNIVERSE = SyntheticUniverse(size=3000, seed=11)
RECORDS = list(UNIVERSE.records())


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeNcbi]:
    with FakeNcbi(UNIVERSE, enforce_rate=False) as server:
        yield server


def _enricher(fake: FakeNcbi) -> Enricher:
    config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, requests_per_second=200)
    return Enricher(config, cache=MemoryCache())


def test_phases_share_full_batches_and_progress_counts_by_endpoint(fake: FakeNcbi) -> None:
    """PMIDs, PMCIDs and DOIs in and outside PMC: each kind of request at its fewest, one
    result per input in order, and Progress tells the requests apart by endpoint."""
    rng = random.Random(5)
    in_pmc = [r for r in RECORDS if r.pmcid and r.doi]
    outside = [r for r in RECORDS if r.doi and not r.pmcid]
    plain = rng.sample(RECORDS, 300)
    pmcids = rng.sample(in_pmc, 250)
    dois = rng.sample([r for r in in_pmc if r not in pmcids], 250)
    far = rng.sample(outside, 250)
    inputs = (
        [r.pmid for r in plain]
        + [str(r.pmcid) for r in pmcids]
        + [str(r.doi).upper() for r in dois]
        + [str(r.doi) for r in far]
    )
    rng.shuffle(inputs)
    seen: list[Progress] = []
    with _enricher(fake) as enricher:
        results = list(enricher.enrich(inputs, progress=seen.append))
    assert [r.input for r in results] == inputs
    assert all(r.status == "enriched" for r in results), {r.status for r in results}
    pmids = {r.pmid for r in plain} | {r.pmid for r in pmcids + dois + far}
    sent = seen[-1].requests
    assert sent["idconv"] == 2 + math.ceil(500 / 200)  # PMCIDs, then DOIs
    assert sent["esearch"] == math.ceil(250 / DOIS_PER_SEARCH)
    # Every PMID once; part-batches only where a phase's stream ends.
    assert sent["efetch"] <= math.ceil(len(pmids) / 200) + 3
    assert seen[-1].requests_total == sum(sent.values())


def test_a_doi_shared_with_a_pmcid_citation_is_converted_once(fake: FakeNcbi) -> None:
    """The same DOI given alone and beside a PMCID the converter knows: the DOI waits for
    the PMCID's answer, which names it, so one converter request serves both."""
    rec = next(r for r in RECORDS if r.pmcid and r.doi)
    inputs: list[Any] = [str(rec.doi), {"pmcid": str(rec.pmcid), "doi": str(rec.doi)}]
    with _enricher(fake) as enricher:
        results = list(enricher.enrich(inputs))
        sent = enricher.client.requests_sent
    assert [r.pmid for r in results] == [rec.pmid, rec.pmid]
    assert sent.get("idconv") == 1


class _RefusingLargeTerms:
    """An ESearch that refuses terms of more than ``most`` DOIs and finds nothing."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.sizes: list[int] = []

    def esearch(self, term: str, *, retmax: int) -> SearchResult:
        size = term.count("[doi]")
        self.sizes.append(size)
        if size > self.most:
            raise NcbiError("Search Backend failed: term too long")
        return SearchResult(term=term)


def _lookup(client: object) -> Lookup:
    return Lookup(Config(), client, MemoryCache(), fetcher=None, refresh=False)  # type: ignore[arg-type]


def test_a_refused_doi_search_is_asked_again_in_halves() -> None:
    client = _RefusingLargeTerms(most=DOIS_PER_SEARCH // 2)
    citations = [Citation("primary", doi=f"10.5555/split.{i}") for i in range(DOIS_PER_SEARCH)]
    outcomes = search_dois(_lookup(client), citations)
    assert client.sizes == [DOIS_PER_SEARCH, DOIS_PER_SEARCH // 2, DOIS_PER_SEARCH // 2]
    assert all(o.closed and o.error is None for o in outcomes)


def test_halving_stops_at_the_floor_and_fails_only_those_dois() -> None:
    client = _RefusingLargeTerms(most=0)
    citations = [Citation("primary", doi=f"10.5555/down.{i}") for i in range(DOIS_PER_SEARCH)]
    outcomes = search_dois(_lookup(client), citations)
    assert min(client.sizes) >= DOIS_PER_SEARCH_MIN
    assert len(client.sizes) < 2 * DOIS_PER_SEARCH // DOIS_PER_SEARCH_MIN
    assert all(isinstance(o.error, NcbiError) for o in outcomes)
    assert {DOI(c.doi or "").key for c in citations} == {f"10.5555/down.{i}" for i in range(200)}
