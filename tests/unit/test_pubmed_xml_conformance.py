"""Every real PubMed XML sample in ../shared parses, and agrees with an independent reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from pubenrich import Article, BookArticle, parse_pubmed_xml, record_from_dict


def _samples(shared: Path) -> list[Path]:
    return sorted((shared / "ncbi-samples" / "efetch_pubmed_xml").glob("*.xml"))


def _independent(path: Path) -> list[dict[str, object]]:
    """PMID, title, DOI, author count, journal per PubmedArticle, by plain XPath."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    articles = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
    rows = []
    for art in articles:
        title = art.find("MedlineCitation/Article/ArticleTitle")
        dois = art.xpath(
            "PubmedData/ArticleIdList/ArticleId[@IdType='doi']/text()"
            " | MedlineCitation/Article/ELocationID[@EIdType='doi'][@ValidYN='Y']/text()"
        )
        rows.append(
            {
                "pmid": art.findtext("MedlineCitation/PMID").strip(),
                "title": "".join(title.itertext()).strip() if title is not None else "",
                "doi": {d.strip().lower() for d in dois},
                "authors": len(art.findall("MedlineCitation/Article/AuthorList/Author")),
                "journal": (art.findtext("MedlineCitation/Article/Journal/Title") or None),
            }
        )
    return rows


def test_every_sample_parses_and_agrees(shared_dir: Path) -> None:
    """PMID, title, DOI, author count and journal title match an XPath reading, per record."""
    samples = _samples(shared_dir)
    assert samples, "no samples found"
    checked = 0
    for path in samples:
        records = list(parse_pubmed_xml(path))
        articles = [r for r in records if isinstance(r, Article)]
        expected = _independent(path)
        assert len(articles) == len(expected), path.name
        for article, row in zip(articles, expected, strict=True):
            where = f"{path.name} PMID {row['pmid']}"
            assert article.pmid.value == str(int(str(row["pmid"]))), where
            assert article.title == row["title"], where
            assert (article.doi.key if article.doi else None) in (row["doi"] or {None}), where
            assert len(article.authors) == row["authors"], where
            assert article.journal.title == row["journal"], where
            checked += 1
        for record in records:
            assert record_from_dict(json.loads(json.dumps(record.to_dict()))) == record
    assert checked > 200


def test_book_samples_read_as_books(shared_dir: Path) -> None:
    """PubmedBookArticle samples come back as BookArticle with a title and a PMID."""
    path = shared_dir / "ncbi-samples" / "efetch_pubmed_xml" / "Eutils-JSON__efetch.pubmedbook.xml"
    if not path.exists():
        pytest.skip("book sample absent")
    (book,) = parse_pubmed_xml(path)
    assert isinstance(book, BookArticle)
    assert book.pmid.value == "20301295"
    assert book.title
    assert book.book_title
