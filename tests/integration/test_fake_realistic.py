"""The fake's realistic mode: real records renumbered to many distinct PMIDs.

Built from the hand-built fixture (always) and from ../shared's real samples (skipped when
absent); the renumbered bodies must parse to the asked-for PMIDs with everything else intact.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from pubenrich import Config, Enricher, MemoryCache
from pubenrich.formats.pubmed_xml import parse_pubmed_xml
from pubenrich.model.records import Article
from pubenrich.testing.fake_ncbi import FakeNcbi
from pubenrich.testing.fake_ncbi.real import load_articles
from pubenrich.testing.fake_ncbi.realistic import RealisticUniverse, renumber_parts

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "pubmed" / "synthetic_features.xml"
SAMPLES = sorted((REPO.parent / "shared" / "ncbi-samples" / "efetch_pubmed_xml").glob("*.xml"))


def _same_but_pmid(served: Article, source: Article) -> bool:
    """Equal but for the PMID, in MedlineCitation and in the record's own id list."""
    ids = tuple(
        attrs.evolve(i, value=source.pmid.value) if i.value == served.pmid.value else i
        for i in served.article_ids
    )
    return attrs.evolve(served, pmid=source.pmid, article_ids=ids) == source


def test_renumber_parts_cuts_at_the_records_own_pmid_only() -> None:
    xml = (
        b'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">123'
        b'</PMID></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">123'
        b"</ArticleId></ArticleIdList><ReferenceList><Reference><ArticleIdList>"
        b'<ArticleId IdType="pubmed">123</ArticleId></ArticleIdList></Reference>'
        b"</ReferenceList></PubmedData></PubmedArticle>"
    )
    parts = renumber_parts(xml)
    assert len(parts) == 3
    renumbered = b"777".join(parts)
    assert renumbered.count(b">777<") == 2
    assert renumbered.endswith(
        b'"pubmed">123</ArticleId></ArticleIdList></Reference>'
        b"</ReferenceList></PubmedData></PubmedArticle>"
    )
    with pytest.raises(ValueError, match="PMID"):
        renumber_parts(b"<PubmedArticle></PubmedArticle>")


def test_fixture_records_come_back_renumbered_and_otherwise_equal() -> None:
    articles = load_articles([FIXTURE])
    assert articles
    universe = RealisticUniverse(articles, size=2 * len(articles) + 1, first_pmid=90_000_000)
    wanted = [str(90_000_000 + i) for i in range(universe.size)] + ["90999999", "1"]
    records = [r for r in parse_pubmed_xml(universe.efetch_xml(wanted)) if isinstance(r, Article)]
    assert [r.pmid.value for r in records] == wanted[: universe.size]
    for i, record in enumerate(records):
        assert _same_but_pmid(record, articles[i % len(articles)][0])
    assert universe.exists("90000000")
    assert not universe.exists("90999999")
    summary = universe.record("90000001")
    assert summary is not None
    assert summary.pmid == "90000001"
    assert summary.doi is None


@pytest.mark.skipif(not SAMPLES, reason="../shared/ncbi-samples is absent")
def test_enricher_fetches_every_real_sample_renumbered_through_the_fake() -> None:
    articles = load_articles(SAMPLES)
    universe = RealisticUniverse(articles, size=len(articles) + 5, first_pmid=90_000_000)
    pmids = [str(90_000_000 + i) for i in range(universe.size)]
    with FakeNcbi(universe, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, api_key="k")
        with Enricher(config, cache=MemoryCache()) as enricher:
            results = list(enricher.fetch(pmids))
    assert [r.status for r in results] == ["found"] * len(pmids)
    for i, result in enumerate(results):
        assert isinstance(result.record, Article)
        assert result.record.pmid.value == pmids[i]
        assert _same_but_pmid(result.record, articles[i % len(articles)][0])
