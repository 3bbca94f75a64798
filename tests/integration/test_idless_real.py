"""Id-less citations resolved against real PubMed records served by the fake NCBI.

The fake's real-records mode serves the efetch XML of ../shared/ncbi-samples; some records are
withheld (papers PubMed lacks). Skipped when the samples are absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pubenrich import Config, Enricher, MemoryCache
from pubenrich.model.records import Article
from pubenrich.testing.fake_ncbi import FakeNcbi
from pubenrich.testing.fake_ncbi.pubmed_query import real_citmatch, real_search
from pubenrich.testing.fake_ncbi.real import RealUniverse, load_articles

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "ncbi-samples"
FILES = sorted((SAMPLES / "efetch_pubmed_xml").glob("*.xml"))
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/ncbi-samples is absent")

# Real records of the samples: Bao Y et al., Gut 2017 (served) and Ling KH et al., Genome Res
# 2007 (withheld: a paper "PubMed lacks").
SERVED, WITHHELD = "27797938", "17284678"


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {a.pmid.value: a for a, _ in load_articles(FILES)}


@pytest.fixture(scope="module")
def universe() -> RealUniverse:
    return RealUniverse(load_articles(FILES), withheld=[WITHHELD])


@pytest.fixture(scope="module")
def enricher(universe: RealUniverse) -> Iterator[Enricher]:
    with FakeNcbi(universe, enforce_rate=False) as fake:
        config = Config(
            eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, requests_per_second=200
        )
        with Enricher(config, cache=MemoryCache()) as enricher:
            yield enricher


def _vancouver(a: Article, title: str | None = None) -> str:
    names = ", ".join(f"{x.last_name} {x.initials}" for x in a.authors[:6] if x.last_name)
    j = a.journal
    assert j is not None
    return (
        f"{names}, et al. {title or a.title.rstrip('.')}. {j.iso_abbreviation}. "
        f"{a.pub_date.year};{j.volume}({j.issue}):{j.pages}."
    )


def test_real_search_reads_pubmed_fields_and_drops_terms_found_nowhere(
    universe: RealUniverse,
) -> None:
    """[1au] and [dp] select; a term found nowhere is reported and left out, as NCBI does."""
    hits, translation, missing = real_search(universe.index, "Bao[1au] AND 2017[dp] AND zzqx[ti]")
    assert SERVED in hits
    assert missing == ["zzqx[ti]"]
    assert '"Bao"[Author - First]' in translation
    phrase, _, _ = real_search(universe.index, '"leucocyte telomere length"[ti] NOT 2016[dp]')
    assert phrase == [SERVED]


def test_real_citmatch_answers_from_the_records(
    universe: RealUniverse, articles: dict[str, Article]
) -> None:
    """ECitMatch finds the record by journal, year, volume, first page and author."""
    a = articles[SERVED]
    assert a.journal is not None
    fields = {"journal": "gut", "year": "2017", "volume": a.journal.volume or ""}
    assert real_citmatch(universe.index, page="", author="bao y", **fields) == SERVED
    assert real_citmatch(universe.index, page="1", author="nobody x", **fields) == "NOT_FOUND"
    assert real_citmatch(
        universe.index, journal="no such journal", year="2017", volume="", page="", author=""
    ).startswith("NOT_FOUND")


def test_reference_line_title_and_free_forms_find_the_real_paper(
    enricher: Enricher, articles: dict[str, Article]
) -> None:
    """Vancouver with "et al.", a bare title with its period, "Author et al. (Year) Title."."""
    a = articles[SERVED]
    title = a.title.rstrip(".")
    inputs = [
        _vancouver(a),
        f"{title}.",
        f"Bao Y, et al. ({a.pub_date.year}) {title}.",
        f"{title} by Ying Bao et al. ({a.pub_date.year})",
    ]
    results = list(enricher.enrich(inputs))
    assert [r.status for r in results] == ["enriched"] * len(inputs)
    assert {r.pmid for r in results} == {SERVED}


def test_paper_pubmed_lacks_and_near_miss_are_never_enriched(
    enricher: Enricher, articles: dict[str, Article]
) -> None:
    """A withheld paper is not_found; same authors and year with half the title is not taken."""
    served, lacked = articles[SERVED], articles[WITHHELD]
    words = served.title.rstrip(".").split()
    near = " ".join([*words[: len(words) // 2], "in", "zebrafish", "embryonic", "kidney"])
    results = list(
        enricher.enrich(
            [
                _vancouver(lacked),
                _vancouver(served, near).replace(
                    f":{served.journal.pages}.",
                    ":99-104.",  # type: ignore[union-attr]
                ),
                "A note with no identifier at all.",
            ]
        )
    )
    assert [r.status != "enriched" for r in results] == [True, True, True]
    assert results[0].status == "not_found"
