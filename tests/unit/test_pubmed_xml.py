"""parse_pubmed_xml: exact values from a hand-built record, dates, safety, broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pubenrich import Article, DeletedCitation, ParseError, parse_pubmed_xml, record_from_dict
from pubenrich.formats.pubmed_xml import parse_medline_date

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed" / "synthetic_features.xml"


@pytest.fixture(scope="module")
def records() -> list[object]:
    return list(parse_pubmed_xml(FIXTURE))


def test_every_record_comes_back_in_order(records: list[object]) -> None:
    """Two articles and one deletion entry, in document order."""
    assert [type(r).__name__ for r in records] == ["Article", "Article", "DeletedCitation"]
    deleted = records[2]
    assert isinstance(deleted, DeletedCitation)
    assert [p.value for p in deleted.pmids] == ["99000005", "99000006"]


def test_ids_and_title_markup(records: list[object]) -> None:
    """Ids come from the record's own lists; plain text keeps Ca2+, markup keeps the tags."""
    article = records[0]
    assert isinstance(article, Article)
    assert (article.pmid.value, article.pmid_version) == ("99000001", 2)
    assert str(article.pmcid) == "PMC9900001"
    assert str(article.doi) == "10.5555/synthetic.parser.1"
    assert article.title == "Synthetic record for parser tests: Ca2+ flux in E. coli and x."
    assert "Ca<sup>2+</sup>" in article.title_markup
    assert "<i>E. coli</i>" in article.title_markup
    assert "<mml:mi>x</mml:mi>" in article.title_markup
    assert article.vernacular_title == "Enregistrement synthétique."


def test_structured_abstract(records: list[object]) -> None:
    """Sections keep label, category, plain text and markup; the copyright is separate."""
    article = records[0]
    assert isinstance(article, Article)
    assert article.abstract is not None
    first, second = article.abstract.sections
    assert (first.label, first.nlm_category, first.text) == (
        "BACKGROUND",
        "BACKGROUND",
        "Synthetic background with H2O.",
    )
    assert first.markup == "Synthetic background with H<sub>2</sub>O."
    assert second.text == "Synthetic results."
    assert article.abstract.copyright == "Synthetic copyright line."
    assert article.abstract.text.startswith("BACKGROUND: Synthetic background")


def test_authors_affiliations_orcid_and_groups(records: list[object]) -> None:
    """Non-ASCII names, every affiliation with its ids, ORCID, EqualContrib, a group author."""
    article = records[0]
    assert isinstance(article, Article)
    person, group = article.authors
    assert (person.last_name, person.fore_name, person.initials, person.suffix) == (
        "Müller-Øster",
        "Zoë",
        "Z",
        "Jr",
    )
    assert person.orcid == "0000-0000-0000-0000"
    assert person.equal_contrib
    assert [a.name for a in person.affiliations] == [
        "Synthetic Institute A, Nowhere.",
        "Synthetic Institute B, Elsewhere.",
    ]
    assert person.affiliations[0].identifiers == ("ROR:https://ror.org/000000000",)
    assert group.collective_name == "Synthetic Consortium for Parser Tests"
    assert group.display_name == "Synthetic Consortium for Parser Tests"
    assert [i.last_name for i in article.investigators] == ["Investigator"]


def test_journal_dates_and_indexing(records: list[object]) -> None:
    """Journal fields, a MedlineDate range, the article date, MeSH, keywords, references."""
    article = records[0]
    assert isinstance(article, Article)
    journal = article.journal
    assert (journal.title, journal.iso_abbreviation, journal.volume, journal.issue) == (
        "Journal of Synthetic Fixtures",
        "J Synth Fixtures",
        "12",
        "3",
    )
    assert (journal.pages, journal.start_page, journal.end_page) == ("101-9", "101", "109")
    assert (journal.issn_electronic, journal.issn_linking, journal.nlm_unique_id) == (
        "9999-0001",
        "9999-0001",
        "999999999",
    )
    date = article.pub_date
    assert (date.year, date.month, date.raw) == (2013, 12, "2013 Dec-2014 Jan")
    assert date.end is not None
    assert (date.end.year, date.end.month) == (2014, 1)
    assert article.article_date is not None
    assert str(article.article_date) == "2013-11-02"
    assert article.languages == ("eng", "fre")
    heading = article.mesh_headings[0]
    assert (heading.descriptor, heading.descriptor_ui, heading.major) == (
        "Synthetic Descriptor",
        "D000001",
        True,
    )
    assert heading.qualifiers[0].name == "synthetic qualifier"
    assert article.keywords[0].owner == "NOTNLM"
    assert article.references[0].pmid is not None
    assert article.references[0].pmid.value == "99000009"
    assert article.history[0].status == "received"


def test_retraction_is_first_class(records: list[object]) -> None:
    """RetractionIn and the publication type make a retracted record, with the notice PMID."""
    article = records[0]
    assert isinstance(article, Article)
    status = article.retraction
    assert status.is_retracted
    assert [p.value for p in status.retracted_by] == ["99000002"]
    assert [p.value for p in status.errata] == ["99000003"]
    assert status.summary == "Retracted (notice PMID 99000002); Erratum (PMID 99000003)"
    other = records[1]
    assert isinstance(other, Article)
    assert not other.retraction.is_retracted
    assert other.retraction.summary is None


def test_season_and_missing_doi(records: list[object]) -> None:
    """A Season date keeps its season at year precision; no DOI means None."""
    article = records[1]
    assert isinstance(article, Article)
    assert (article.pub_date.year, article.pub_date.season) == (1998, "Spring")
    assert article.pub_date.precision == "season"
    assert article.doi is None


def test_records_round_trip_through_json(records: list[object]) -> None:
    """to_dict -> JSON -> record_from_dict gives back an equal record."""
    for record in records:
        data = json.loads(json.dumps(record.to_dict()))  # type: ignore[attr-defined]
        assert record_from_dict(data) == record


def test_other_schema_versions_are_refused(records: list[object]) -> None:
    """A dict of another schema version is a ParseError, never a silent misread."""
    data = records[0].to_dict()  # type: ignore[attr-defined]
    data["schema"] = 999
    with pytest.raises(ParseError, match="schema"):
        record_from_dict(data)
    with pytest.raises(ParseError, match="unknown record type"):
        record_from_dict({"type": "nope"})


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("1998 Spring", (1998, None, None, "Spring"), None),
        ("2013 Dec-2014 Jan", (2013, 12, None, None), (2014, 1, None, None)),
        ("1984 Jul-Aug", (1984, 7, None, None), (1984, 8, None, None)),
        ("2000-2001", (2000, None, None, None), (2001, None, None, None)),
        ("2001 Jan 5-12", (2001, 1, 5, None), (2001, 1, 12, None)),
        ("2022 Jan-Feb 01", (2022, 1, None, None), (2022, 2, 1, None)),
        ("Summer 1999", (1999, None, None, "Summer"), None),
    ],
)
def test_medline_dates(
    text: str,
    start: tuple[int | None, ...],
    end: tuple[int | None, ...] | None,
) -> None:
    """MedlineDate forms parse into a partial date and, for ranges, its end."""
    date = parse_medline_date(text)
    assert (date.year, date.month, date.day, date.season) == start
    assert date.raw == text
    if end is None:
        assert date.end is None
    else:
        assert date.end is not None
        assert (date.end.year, date.end.month, date.end.day, date.end.season) == end


def test_empty_set_yields_nothing() -> None:
    """NCBI's answer for unknown PMIDs is an empty set: no records, no error."""
    assert list(parse_pubmed_xml(b"<PubmedArticleSet>\n</PubmedArticleSet>")) == []


def test_truncated_xml_names_where_it_broke() -> None:
    """A body cut mid-record raises ParseError after yielding the records before the cut."""
    data = FIXTURE.read_bytes()
    cut = data[: data.index(b"99000004</PMID>") + 20]
    got = []
    with pytest.raises(ParseError, match="after PMID 99000001"):
        got.extend(parse_pubmed_xml(cut))
    assert [r.pmid.value for r in got] == ["99000001"]


def test_external_entities_and_dtds_are_never_fetched(tmp_path: Path) -> None:
    """An external DTD at a URL and a SYSTEM entity are not loaded (no network, no file read)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet SYSTEM "http://203.0.113.1/x.dtd" ['
        f'<!ENTITY leak SYSTEM "file://{secret}">]>\n'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000001</PMID><Article>"
        "<ArticleTitle>Synthetic &leak;</ArticleTitle></Article></MedlineCitation>"
        "</PubmedArticle></PubmedArticleSet>"
    ).encode()
    (article,) = parse_pubmed_xml(xml)
    assert isinstance(article, Article)
    assert "TOP SECRET" not in article.title


def test_entity_expansion_bomb_does_not_blow_up() -> None:
    """A billion-laughs document is refused or left unexpanded, never expanded in memory."""
    lol = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [{lol}]>'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000001</PMID><Article>"
        "<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>"
    ).encode()
    try:
        records = list(parse_pubmed_xml(xml))
    except ParseError:
        return
    assert all(len(r.title) < 10_000 for r in records if isinstance(r, Article))


def test_garbage_is_a_parse_error() -> None:
    """Text that is not XML at all raises ParseError."""
    with pytest.raises(ParseError, match="malformed"):
        list(parse_pubmed_xml(b"<html><body>Service unavailable</body>"))


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    """A path that cannot be read raises ParseError naming it."""
    with pytest.raises(ParseError, match="cannot read"):
        list(parse_pubmed_xml(tmp_path / "absent.xml"))
