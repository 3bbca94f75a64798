"""Enricher.enrich against the local fake NCBI: every status, order, batching, verification."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

import pubenrich
from pubenrich import Config, Enricher, MemoryCache
from pubenrich.testing.fake_ncbi import FakeNcbi, SyntheticUniverse

UNIVERSE = SyntheticUniverse(size=3000, seed=7)
RECORDS = list(UNIVERSE.records())


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeNcbi]:
    """One fake NCBI for the module, without a rate limit (pacing is tested elsewhere)."""
    with FakeNcbi(UNIVERSE, enforce_rate=False) as server:
        yield server


def _enricher(fake: FakeNcbi, **settings: object) -> Enricher:
    config = Config(
        eutils_url=fake.eutils_url,
        idconv_url=fake.idconv_url,
        requests_per_second=200,
        **settings,  # type: ignore[arg-type]
    )
    return Enricher(config, cache=MemoryCache())


def _reference(rec: object) -> str:
    first = rec.authors[0]  # type: ignore[attr-defined]
    return (
        f"{first.last} {first.initials}. {rec.title} {rec.journal}. "  # type: ignore[attr-defined]
        f"{rec.year};{rec.volume}:{rec.pages}."  # type: ignore[attr-defined]
    )


def test_one_result_per_input_in_order_over_1000_mixed_inputs(fake: FakeNcbi) -> None:
    """Duplicates, invalid and unknown ids, PMCIDs and DOIs: each input once, in order."""
    rng = random.Random(3)
    in_pmc = [r for r in RECORDS if r.pmcid]
    with_doi = [r for r in RECORDS if r.doi]
    inputs: list[object] = []
    for _ in range(1000):
        kind = rng.choice(["pmid", "pmcid", "doi", "dup", "invalid", "unknown"])
        if kind == "pmid":
            inputs.append(rng.choice(RECORDS).pmid)
        elif kind == "pmcid":
            inputs.append(rng.choice(in_pmc).pmcid)
        elif kind == "doi":
            inputs.append(str(rng.choice(with_doi).doi).upper())
        elif kind == "dup" and inputs:
            inputs.append(inputs[-1])
        elif kind == "invalid":
            inputs.append(rng.choice(["", "no id here", "PMC", None, 3.5]))
        else:
            inputs.append(f"PMID: {rng.randint(99000001, 99999999)}")
    with _enricher(fake) as enricher:
        results = list(enricher.enrich(inputs))
    assert [r.input for r in results] == inputs
    for value, result in zip(inputs, results, strict=True):
        if value in ("", "no id here", "PMC", None, 3.5):
            assert result.status == "invalid_input", value
        elif isinstance(value, str) and value.startswith("PMID: 99"):
            assert result.status == "not_found", value
        else:
            assert result.status == "enriched", (value, result.route)


def test_dois_are_matched_case_insensitively_and_verified(fake: FakeNcbi) -> None:
    """A DOI outside PMC in any case resolves by [doi] search, checked on the record's DOI."""
    outside = [r for r in RECORDS if r.doi and not r.pmcid][:3]
    inputs = [str(r.doi).upper() for r in outside]
    with _enricher(fake) as enricher:
        results = list(enricher.enrich(inputs))
    assert [r.pmid for r in results] == [r.pmid for r in outside]
    assert {r.route.method for r in results} == {"doi_search"}
    assert all(r.provenance["doi"] == "both" for r in results)


def test_many_dois_share_one_search(fake: FakeNcbi) -> None:
    """Forty DOIs that PMC does not know cost one ESearch, not forty."""
    outside = [r for r in RECORDS if r.doi and not r.pmcid][:40]
    fake.reset_stats()
    with _enricher(fake) as enricher:
        results = list(enricher.enrich([str(r.doi) for r in outside]))
    assert all(r.ok for r in results)
    assert fake.stats.snapshot()["requests"].get("esearch") == 1


def test_reference_line_resolves_by_citation_match(fake: FakeNcbi) -> None:
    """A reference without ids goes through ECitMatch, then is checked by its score."""
    rec = RECORDS[10]
    with _enricher(fake) as enricher:
        (result,) = enricher.enrich([_reference(rec)])
    assert result.status == "enriched"
    assert result.pmid == rec.pmid
    assert result.route.method == "citation_match"
    assert result.provenance["title"] == "both"


def test_title_and_authors_resolve_by_search(fake: FakeNcbi) -> None:
    """A partial record with only a title and authors is found by search, above the bar."""
    rec = RECORDS[20]
    partial = {"title": rec.title, "authors": [f"{a.last} {a.initials}" for a in rec.authors]}
    with _enricher(fake) as enricher:
        (result,) = enricher.enrich([partial])
    assert result.status == "enriched"
    assert result.route.method == "search"
    assert result.route.score is not None
    assert result.route.score >= 0.8


def test_paper_not_in_pubmed_is_not_found_not_the_nearest(fake: FakeNcbi) -> None:
    """A title PubMed does not hold comes back not_found, never as a wrong paper."""
    partial = {
        "title": "Synthetic record that no universe holds: zebra quantum kidney",
        "year": 2001,
    }
    with _enricher(fake) as enricher:
        (result,) = enricher.enrich([partial])
    assert result.status == "not_found"
    assert result.article is None


def test_conflicts_are_listed_not_overwritten(fake: FakeNcbi) -> None:
    """A year and journal that disagree with PubMed are reported as conflicts."""
    rec = RECORDS[30]
    partial = {"pmid": rec.pmid, "year": rec.year + 3, "journal": "Some Other Journal"}
    with _enricher(fake) as enricher:
        (result,) = enricher.enrich([partial])
    assert result.status == "enriched"
    fields = {c.field: c for c in result.conflicts}
    assert fields["year"].input == rec.year + 3
    assert fields["year"].pubmed == rec.year
    assert "journal" in fields
    assert result.provenance["year"] == "pubmed"


def test_reference_list_comes_back_as_multiple(fake: FakeNcbi) -> None:
    """A pasted reference list keeps every paper: status multiple, one related record each."""
    refs = [RECORDS[i] for i in (40, 41, 42)]
    text = "\n".join(f"{n}. {_reference(r)}" for n, r in enumerate(refs, 1))
    with _enricher(fake) as enricher:
        (result,) = enricher.enrich([text])
    assert result.status == "multiple"
    assert [r.pmid for r in result.related] == [r.pmid for r in refs]


def test_offline_mode_answers_from_the_cache_only(fake: FakeNcbi) -> None:
    """With offline=True nothing is sent; what is cached comes back, the rest is an
    offline_miss that keeps the PMID the input gave."""
    rec = RECORDS[50]
    cache = MemoryCache()
    online = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
    with Enricher(online, cache=cache) as enricher:
        assert next(enricher.enrich([rec.pmid])).ok
    fake.reset_stats()
    offline = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, offline=True)
    with Enricher(offline, cache=cache) as enricher:
        cached, missing = list(enricher.enrich([rec.pmid, RECORDS[51].pmid]))
    assert cached.ok
    assert missing.status == "offline_miss"
    assert missing.pmid == RECORDS[51].pmid
    assert isinstance(missing.error, pubenrich.OfflineMiss)
    assert sum(fake.stats.snapshot()["requests"].values()) == 0


def test_second_run_is_served_from_the_cache(fake: FakeNcbi) -> None:
    """Enriching the same inputs twice sends no request the second time."""
    inputs = [RECORDS[60].pmid, str(RECORDS[61].doi), _reference(RECORDS[62])]
    cache = MemoryCache()
    config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
    with Enricher(config, cache=cache) as enricher:
        first = list(enricher.enrich(inputs))
    fake.reset_stats()
    with Enricher(config, cache=cache) as enricher:
        second = list(enricher.enrich(inputs))
    assert [r.pmid for r in second] == [r.pmid for r in first]
    assert sum(fake.stats.snapshot()["requests"].values()) == 0


def test_progress_reports_inputs_and_requests(fake: FakeNcbi) -> None:
    """The progress callback hears of every input and of the requests sent."""
    seen: list[pubenrich.Progress] = []
    with _enricher(fake) as enricher:
        list(enricher.enrich([r.pmid for r in RECORDS[:5]], progress=seen.append))
    assert seen[-1].inputs_done == 5
    assert seen[-1].requests_total >= 1


def test_errors_are_per_input(fake: FakeNcbi) -> None:
    """A failing NCBI gives status error with the reason, for its inputs only."""
    with FakeNcbi(
        UNIVERSE,
        enforce_rate=False,
        faults=pubenrich.testing.fake_ncbi.FaultPlan(rates={"http_500": 1.0}, seed=1),
    ) as broken:
        config = Config(
            eutils_url=broken.eutils_url,
            idconv_url=broken.idconv_url,
            max_attempts=1,
            requests_per_second=100,
        )
        with Enricher(config, cache=MemoryCache()) as enricher:
            results = list(enricher.enrich([RECORDS[0].pmid, "", RECORDS[1].pmid]))
    assert [r.status for r in results] == ["error", "invalid_input", "error"]
    assert isinstance(results[0].error, pubenrich.NcbiError)
