"""parse_pubmed_xml over one hand-built fixture per feature: every value read exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubenrich import Article, BookArticle, DeletedCitation, parse_pubmed_xml
from pubenrich.formats.pubmed_xml import parse_medline_date
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import (
    AbstractSection,
    Affiliation,
    ArticleId,
    Chemical,
    CommentCorrection,
    ELocation,
    Grant,
    HistoryDate,
    Keyword,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    PublicationType,
    Reference,
    RetractionStatus,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"


def _articles(name: str) -> list[Article]:
    records = list(parse_pubmed_xml(FIXTURES / name))
    assert all(isinstance(r, Article) for r in records)
    return records  # type: ignore[return-value]


@pytest.fixture(scope="module")
def first() -> Article:
    return _articles("articles_markup.xml")[0]


def test_ids_come_from_the_record_itself(first: Article) -> None:
    """PMID with version, PMCID, DOI and PII from the record's lists, never a reference's."""
    assert (first.pmid, first.pmid_version) == (PMID(99000101), 2)
    assert first.pmcid == PMCID("PMC9900101")
    assert first.doi == DOI("10.5555/parser.0001")
    assert first.pii == "S5555-0001(24)00001-1"
    assert [a.kind for a in first.article_ids] == ["pubmed", "doi", "pmc", "pii"]


def test_title_plain_text_keeps_the_text_inside_inline_tags(first: Article) -> None:
    """Ca<sup>2+</sup> reads Ca2+, MathML keeps its text, the entity is decoded."""
    assert first.title == "Synthetic record for parser tests: Ca2+ flux in vivo and x & more."


def test_title_markup_keeps_inline_tags_as_written(first: Article) -> None:
    """The markup form keeps <sup>, <i> and MathML, and stays escaped XML content."""
    assert first.title_markup == (
        "Synthetic record for parser tests: Ca<sup>2+</sup> flux <i>in vivo</i> and "
        '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>x</mml:mi></mml:math>'
        " &amp; more."
    )


def test_structured_abstract_sections_and_copyright(first: Article) -> None:
    """Sections in order with label, category, text and markup; copyright kept apart."""
    assert first.abstract is not None
    assert first.abstract.sections == (
        AbstractSection(
            text="Synthetic background with H2O.",
            markup="Synthetic background with H<sub>2</sub>O.",
            label="BACKGROUND",
            nlm_category="BACKGROUND",
        ),
        AbstractSection(
            text="Synthetic results, bold claim.",
            markup="Synthetic results, <b>bold</b> claim.",
            label="RESULTS",
            nlm_category="RESULTS",
        ),
    )
    assert first.abstract.copyright == "Copyright 2024 Synthetic Authors."
    assert first.vernacular_title == "Synthetischer Datensatz für Parsertests."


def test_author_names_orcid_flags_and_affiliations(first: Article) -> None:
    """Non-ASCII names, the ORCID URL read as a bare ORCID, both flags, every affiliation."""
    person, other = first.authors
    assert (person.last_name, person.fore_name, person.initials, person.suffix) == (
        "Müller",
        "Jürgen",
        "J",
        "Jr",
    )
    assert person.orcid == "0000-0002-1825-009X"
    assert person.identifiers == ("ORCID:https://orcid.org/0000-0002-1825-009X",)
    assert (person.equal_contrib, person.valid) == (True, True)
    assert person.affiliations == (
        Affiliation(
            "Synthetic Institute of Parsing, Zürich, Switzerland.",
            ("ROR:https://ror.org/00synth01",),
        ),
        Affiliation(
            "Second Synthetic Laboratory, Kraków, Poland.",
            ("GRID:grid.5555.1", "ISNI:0000 0005 5555 0001"),
        ),
    )
    assert (other.last_name, other.fore_name, other.valid, other.orcid) == (
        "Ñúñez-Çelik",
        "Zoë",
        False,
        None,
    )


def test_journal_fields(first: Article) -> None:
    """Title, abbreviation, the three ISSNs, NLM id, volume, issue, pages, ELocationIDs."""
    journal = first.journal
    assert (journal.title, journal.iso_abbreviation) == (
        "Synthetic journal of parser tests",
        "Synth J Parser Tests",
    )
    assert (journal.issn_print, journal.issn_electronic, journal.issn_linking) == (
        "5555-0001",
        "5555-0002",
        "5555-0001",
    )
    assert (journal.nlm_unique_id, journal.volume, journal.issue) == ("555500001", "12", "3")
    assert (journal.pages, journal.start_page, journal.end_page) == ("101-9", "101", "109")
    assert journal.elocations == (
        ELocation("pii", "e0001", True),
        ELocation("doi", "10.5555/parser.0001", True),
    )


def test_dates_history_and_status(first: Article) -> None:
    """Day-precise publication and article dates, every History step, the status."""
    assert first.pub_date == PartialDate(2024, 3, 5)
    assert first.pub_date.precision == "day"
    assert first.article_date == PartialDate(2024, 2, 28)
    assert first.history == (
        HistoryDate("received", PartialDate(2023, 11, 1)),
        HistoryDate("pubmed", PartialDate(2024, 3, 6)),
    )
    assert first.publication_status == "ppublish"
    assert first.medline_status == "MEDLINE"


def test_indexing_lists(first: Article) -> None:
    """Languages, publication types, MeSH, chemicals, keywords, grants, concepts."""
    assert first.languages == ("eng", "ger")
    assert first.publication_types == (PublicationType("Journal Article", "D016428"),)
    assert first.mesh_headings == (
        MeshHeading(
            "Synthetic Descriptor",
            "D555002",
            True,
            (
                MeshQualifier("metabolism", "Q555001", False),
                MeshQualifier("genetics", "Q555002", True),
            ),
        ),
    )
    assert first.chemicals == (Chemical("Synthetic Compound", "D555001", "SY5555"),)
    assert first.keywords == (Keyword("synthetic keyword", "NOTNLM", False),)
    assert first.grants == (Grant("SYN-0001", "SY", "Synthetic Funding Agency", "Nowhere"),)
    assert first.supplementary_concepts == ("Synthetic Syndrome",)


def test_references_and_comments_are_kept_apart_from_own_ids(first: Article) -> None:
    """A cited work's DOI and PMID stay in its Reference, never in the record's ids."""
    assert first.references == (
        Reference(
            "Synthetic cited work. Synth J. 2020;1:1.",
            (ArticleId("doi", "10.5555/cited.0001"), ArticleId("pubmed", "99000108")),
        ),
    )
    assert first.references[0].pmid == PMID(99000108)
    assert first.comments_corrections == (
        CommentCorrection("CommentIn", "Synth J Parser Tests. 2024;12(4):1.", PMID(99000109)),
    )
    assert first.retraction == RetractionStatus()


def test_doi_from_the_article_id_list_when_there_is_no_elocation() -> None:
    """Without an ELocationID the DOI comes from PubmedData's ArticleIdList."""
    second = _articles("articles_markup.xml")[1]
    assert second.doi == DOI("10.5555/parser.0002")
    assert second.journal.elocations == ()
    assert second.pub_date == PartialDate(
        2013, 12, raw="2013 Dec-2014 Jan", end=PartialDate(2014, 1)
    )


def test_collective_author_investigators_and_non_ascii_names() -> None:
    """A CollectiveName author of its own; investigators apart; Å, Ø, ō and Cyrillic intact."""
    (record,) = _articles("collective_investigators.xml")
    assert [(a.last_name, a.fore_name, a.collective_name) for a in record.authors] == [
        ("Ødegård", "Åse", None),
        (None, None, "Synthetic Parser Study Group"),
    ]
    assert record.authors[1].display_name == "Synthetic Parser Study Group"
    assert [(i.last_name, i.fore_name, i.initials) for i in record.investigators] == [
        ("Tanaka", "Hanako", "H"),
        ("Ivanova", "Мария", "М"),
    ]
    assert record.investigators[0].affiliations == (Affiliation("Synthetic Hospital, Tōkyō."),)


def test_season_pub_date() -> None:
    """A structured Season gives a season-precise date."""
    (record,) = _articles("collective_investigators.xml")
    assert record.pub_date == PartialDate(year=1998, season="Spring")
    assert record.pub_date.precision == "season"


def test_medline_date_forms_in_records() -> None:
    """MedlineDate month, day, year and season forms parse into start and end, raw kept."""
    dates = {r.pmid.value: r.pub_date for r in _articles("medline_dates.xml")}
    assert dates == {
        "99000104": PartialDate(1984, 7, raw="1984 Jul-Aug", end=PartialDate(1984, 8)),
        "99000105": PartialDate(2022, 1, raw="2022 Jan-Feb 01", end=PartialDate(2022, 2, 1)),
        "99000106": PartialDate(2000, raw="2000-2001", end=PartialDate(2001)),
        "99000107": PartialDate(1998, season="Spring", raw="1998 Spring"),
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "2022 Jan 05-12",
            PartialDate(2022, 1, 5, raw="2022 Jan 05-12", end=PartialDate(2022, 1, 12)),
        ),
        (
            "1998 Spring-Summer",
            PartialDate(
                1998,
                season="Spring",
                raw="1998 Spring-Summer",
                end=PartialDate(1998, season="Summer"),
            ),
        ),
        ("Undated", PartialDate(raw="Undated")),
        ("c1999", PartialDate(1999, raw="c1999")),
    ],
)
def test_medline_date_edge_forms(raw: str, expected: PartialDate) -> None:
    """Day ranges, season ranges, and text with no date or only a year."""
    assert parse_medline_date(raw) == expected


def test_retracted_article_links_every_notice() -> None:
    """RetractionIn plus "Retracted Publication": retracted, with errata, concern and update."""
    retracted, _ = _articles("retraction.xml")
    assert retracted.retraction == RetractionStatus(
        is_retracted=True,
        retracted_by=(PMID(99000111),),
        errata=(PMID(99000112),),
        expressions_of_concern=(PMID(99000113),),
        updates=(PMID(99000114),),
    )
    assert retracted.retraction.summary == (
        "Retracted (notice PMID 99000111); Expression of concern (PMID 99000113); "
        "Erratum (PMID 99000112)"
    )


def test_retraction_notice_names_what_it_retracts() -> None:
    """RetractionOf plus "Retraction of Publication" make a notice, not a retracted record."""
    _, notice = _articles("retraction.xml")
    assert notice.retraction == RetractionStatus(
        is_retraction_notice=True, retracts=(PMID(99000110),)
    )
    assert notice.retraction.summary == "Retraction notice of PMID 99000110"


def test_book_article() -> None:
    """A PubmedBookArticle: chapter and book titles, authors, editors, publisher, sections."""
    (book,) = list(parse_pubmed_xml(FIXTURES / "book_article.xml"))
    assert isinstance(book, BookArticle)
    assert book.pmid == PMID(99000120)
    assert book.title == "Synthetic record for parser tests: SYN1-related chapter"
    assert book.title_markup == "Synthetic record for parser tests: <i>SYN1</i>-related chapter"
    assert book.book_title == "Synthetic Reviews®"
    assert [(a.last_name, a.fore_name) for a in book.authors] == [("Chapman", "Chris")]
    assert [(a.last_name, a.fore_name) for a in book.editors] == [("Editor", "Ella")]
    assert (book.publisher, book.publisher_location) == (
        "Synthetic University Press",
        "Nowhere (NA)",
    )
    assert book.isbn == ("9990000000001",)
    assert book.pub_date == PartialDate(2019, 6)
    assert book.sections == ("Summary", "Diagnosis")
    assert book.article_ids == (
        ArticleId("bookaccession", "NBK5555001"),
        ArticleId("pubmed", "99000120"),
        ArticleId("doi", "10.5555/parser.book.0120"),
    )
    assert book.doi == DOI("10.5555/parser.book.0120")
    assert book.abstract is not None
    assert book.abstract.text == "SUMMARY: Synthetic chapter summary."
    assert book.languages == ("eng",)
    assert book.publication_types == (PublicationType("Review", "D016454"),)


def test_deleted_citation_after_an_article_is_reported() -> None:
    """A DeleteCitation closing a body becomes a DeletedCitation; the article before stays."""
    records = list(parse_pubmed_xml(FIXTURES / "deleted_citation.xml"))
    assert [type(r) for r in records] == [Article, DeletedCitation]
    assert records[0].pmid == PMID(99000130)  # type: ignore[union-attr]
    assert records[1] == DeletedCitation((PMID(99000131), PMID(99000132)))


@pytest.mark.parametrize("kind", ["bytes", "text", "path", "str_path", "file"])
def test_every_source_kind_gives_the_same_records(kind: str) -> None:
    """Bytes, XML text (leading white space allowed), a Path, a path string, a binary file."""
    path = FIXTURES / "retraction.xml"
    data = path.read_bytes()
    if kind == "bytes":
        got = list(parse_pubmed_xml(data))
    elif kind == "text":
        got = list(parse_pubmed_xml("\n  " + data.decode("utf-8")))
    elif kind == "path":
        got = list(parse_pubmed_xml(path))
    elif kind == "str_path":
        got = list(parse_pubmed_xml(str(path)))
    else:
        with path.open("rb") as handle:
            got = list(parse_pubmed_xml(handle))
    assert [r.pmid.value for r in got] == ["99000110", "99000111"]  # type: ignore[union-attr]
    assert got == list(parse_pubmed_xml(data))


def _one_article(inner: str) -> Article:
    xml = (
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000140</PMID>"
        f"{inner}</PubmedArticle></PubmedArticleSet>"
    )
    (article,) = parse_pubmed_xml(xml.encode("utf-8"))
    assert isinstance(article, Article)
    return article


@pytest.mark.parametrize(
    ("title", "text", "markup"),
    [
        ("x &amp; y", "x & y", "x &amp; y"),
        ("a &lt; b <i>c</i> &gt; d", "a < b c > d", "a &lt; b <i>c</i> &gt; d"),
    ],
)
def test_markup_stays_escaped_xml_content(title: str, text: str, markup: str) -> None:
    """Plain text decodes entities; markup keeps them escaped, before and after inline tags."""
    article = _one_article(
        f"<Article><ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation>"
    )
    assert (article.title, article.title_markup) == (text, markup)


def test_nested_reference_lists_are_kept() -> None:
    """A ReferenceList inside a ReferenceList (allowed by the DTD) loses no reference."""
    article = _one_article(
        "<Article><ArticleTitle>Synthetic record for parser tests.</ArticleTitle></Article>"
        "</MedlineCitation><PubmedData><ReferenceList><Title>Main</Title>"
        "<Reference><Citation>Synthetic cited work A.</Citation></Reference>"
        "<ReferenceList><Title>Supplement</Title><Reference><Citation>Synthetic cited "
        '<i>work</i> B.</Citation><ArticleIdList><ArticleId IdType="pubmed">99000141'
        "</ArticleId></ArticleIdList></Reference></ReferenceList></ReferenceList></PubmedData>"
    )
    assert article.references == (
        Reference("Synthetic cited work A.", ()),
        Reference("Synthetic cited work B.", (ArticleId("pubmed", "99000141"),)),
    )
