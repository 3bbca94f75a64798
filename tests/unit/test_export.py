"""Exports: CSL-JSON, BibTeX, RIS, CSV and JSONL each follow their format's rules, and the
CSL-JSON and BibTeX outputs read back give the same titles, authors and DOIs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pytest
from bibtexparser import middlewares
from pylatexenc.latex2text import LatexNodes2Text

from pubenrich import (
    DOI,
    PMCID,
    PMID,
    Article,
    Author,
    BookArticle,
    DeletedCitation,
    Journal,
    PartialDate,
    RetractionStatus,
    parse_pubmed_xml,
    record_from_dict,
)
from pubenrich.formats.export import (
    CSV_COLUMNS,
    DEFAULT_CSV_COLUMNS,
    FORMATS,
    CsvWriter,
    bibtex_escape,
    bibtex_key,
    csv_row,
    to_bibtex,
    to_csl_json,
    to_ris,
    write,
)
from pubenrich.model.records import Abstract, AbstractSection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCHEMA = FIXTURES / "csl" / "csl-data.schema.json"
TITLE = "Synthetic record for export tests"


def article(**changes: Any) -> Article:
    """A synthetic article with every field an export uses; ``changes`` replace fields."""
    fields: dict[str, Any] = {
        "pmid": PMID("99000101"),
        "title": f"{TITLE}: DNA repair in E. coli",
        "doi": DOI("10.5555/synthetic.export.1"),
        "pmcid": PMCID("PMC9900101"),
        "authors": (
            Author(last_name="Müller-Øster", fore_name="Zoë", initials="Z", suffix="Jr"),
            Author(collective_name="Synthetic Consortium for Export Tests"),
            Author(last_name="Smith", fore_name="Ann", initials="A"),
        ),
        "journal": Journal(
            title="Journal of Synthetic Fixtures",
            iso_abbreviation="J Synth Fixtures",
            issn_print="9999-0002",
            volume="12",
            issue="3",
            pages="1234-9",
        ),
        "pub_date": PartialDate(year=2020, month=5, day=17),
        "abstract": Abstract(
            sections=(AbstractSection(text="Synthetic H2O.", markup="Synthetic H<sub>2</sub>O."),)
        ),
        "languages": ("eng",),
    }
    fields.update(changes)
    return Article(**fields)


def book(chapter: bool) -> BookArticle:
    """A synthetic whole book, or a chapter of it."""
    book_title = "Synthetic Handbook of Export Tests"
    return BookArticle(
        pmid=PMID("99000201" if chapter else "99000202"),
        title=f"{TITLE}: a chapter" if chapter else book_title,
        book_title=book_title,
        authors=(Author(last_name="Author", fore_name="Chapter"),),
        editors=(Author(last_name="Editor", fore_name="Synthetic"),),
        publisher="Synthetic Press",
        publisher_location="Nowhere",
        isbn=("9990000000001",),
        pub_date=PartialDate(year=2019),
    )


RETRACTED = RetractionStatus(is_retracted=True, retracted_by=(PMID("99000102"),))


@pytest.fixture(scope="module")
def fixture_records() -> list[Article]:
    """The two articles of the hand-built PubMed XML fixture (one retracted, with a range)."""
    out = parse_pubmed_xml(FIXTURES / "pubmed" / "synthetic_features.xml")
    return [r for r in out if isinstance(r, Article)]


def all_records(fixture_records: list[Article]) -> list[Article | BookArticle]:
    return [*fixture_records, article(), article(retraction=RETRACTED), book(True), book(False)]


def written(records: list[Any], fmt: str, **options: Any) -> str:
    stream = io.StringIO(newline="")
    write(records, fmt, stream, **options)
    return stream.getvalue()


# ----------------------------------------------------------------------------- CSL-JSON


def test_csl_identifiers_keep_their_upper_case() -> None:
    """PMID, PMCID and DOI are CSL variables spelled in capitals."""
    item = to_csl_json(article())
    assert (item["PMID"], item["PMCID"], item["DOI"]) == (
        "99000101",
        "PMC9900101",
        "10.5555/synthetic.export.1",
    )
    assert not {"pmid", "pmcid", "doi"} & set(item)


def test_csl_people_are_family_and_given_and_groups_are_literal() -> None:
    """A person has family, given and suffix; a collective author is one literal name."""
    assert to_csl_json(article())["author"] == [
        {"family": "Müller-Øster", "given": "Zoë", "suffix": "Jr"},
        {"literal": "Synthetic Consortium for Export Tests"},
        {"family": "Smith", "given": "Ann"},
    ]


def test_csl_leaves_out_names_pubmed_marks_invalid() -> None:
    """An author with ValidYN="N" (a replaced name) is not cited."""
    record = article(authors=(Author(last_name="Wrong", valid=False), Author(last_name="Right")))
    assert to_csl_json(record)["author"] == [{"family": "Right"}]


@pytest.mark.parametrize(
    ("date", "issued"),
    [
        (PartialDate(year=2020), {"date-parts": [[2020]]}),
        (PartialDate(year=2020, month=5), {"date-parts": [[2020, 5]]}),
        (PartialDate(year=2020, month=5, day=17), {"date-parts": [[2020, 5, 17]]}),
        (PartialDate(year=1998, season="Fall"), {"date-parts": [[1998]], "season": 3}),
        (PartialDate(raw="Undated synthetic issue"), {"literal": "Undated synthetic issue"}),
    ],
)
def test_csl_issued_is_as_precise_as_pubmed(date: PartialDate, issued: dict[str, Any]) -> None:
    """Year only, year-month and full dates keep their precision; seasons are numbered 1-4."""
    assert to_csl_json(article(pub_date=date))["issued"] == issued


def test_csl_date_range_has_two_date_parts(fixture_records: list[Article]) -> None:
    """A MedlineDate range (2013 Dec-2014 Jan) becomes a start and an end."""
    assert to_csl_json(fixture_records[0])["issued"] == {"date-parts": [[2013, 12], [2014, 1]]}


def test_csl_journal_fields_and_expanded_pages() -> None:
    """Container title, its ISO abbreviation, volume, issue, ISSN; MEDLINE's 1234-9 is 1234-1239."""
    item = to_csl_json(article())
    assert item["container-title"] == "Journal of Synthetic Fixtures"
    assert item["container-title-short"] == "J Synth Fixtures"
    assert (item["volume"], item["issue"], item["page"]) == ("12", "3", "1234-1239")
    assert item["ISSN"] == "9999-0002"


@pytest.mark.parametrize(
    ("pages", "csl_page", "ris_pages"),
    [
        ("1234-9", "1234-1239", ("1234", "1239")),
        ("R12-9", "R12-R19", ("R12", "R19")),
        ("e1234", "e1234", ("e1234", None)),
        ("1-5, 9", "1-5, 9", ("1", None)),
    ],
)
def test_medline_pages_become_ranges_only_when_they_are_one(
    pages: str, csl_page: str, ris_pages: tuple[str, str | None]
) -> None:
    """MEDLINE's shortened end is expanded; an e-locator or a list of ranges is not a range."""
    record = article(journal=Journal(title="Journal of Synthetic Fixtures", pages=pages))
    assert to_csl_json(record)["page"] == csl_page
    lines = to_ris(record).split("\r\n")
    first, last = ris_pages
    assert f"SP  - {first}" in lines
    assert [x for x in lines if x.startswith("EP")] == ([f"EP  - {last}"] if last else [])


def test_csl_abstract_is_plain_text_and_language_is_bcp47() -> None:
    """The abstract has no inline markup; PubMed's ``eng`` becomes ``en``."""
    item = to_csl_json(article())
    assert item["abstract"] == "Synthetic H2O."
    assert item["language"] == "en"


@pytest.mark.parametrize(("chapter", "kind"), [(True, "chapter"), (False, "book")])
def test_csl_book_types(chapter: bool, kind: str) -> None:
    """A book is ``book``; a chapter is ``chapter`` inside its book's title."""
    item = to_csl_json(book(chapter))
    assert item["type"] == kind
    assert item["editor"] == [{"family": "Editor", "given": "Synthetic"}]
    assert item["publisher"] == "Synthetic Press"
    assert ("container-title" in item) is chapter


def test_csl_article_type_and_no_note_without_notices() -> None:
    """A plain article is ``article-journal`` and carries no note."""
    item = to_csl_json(article())
    assert item["type"] == "article-journal"
    assert "note" not in item


def test_csl_output_validates_against_the_csl_data_schema(fixture_records: list[Article]) -> None:
    """What write() gives for every kind of record is valid CSL-JSON input data."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = json.loads(written(all_records(fixture_records), "csl-json"))
    jsonschema.validate(data, schema)
    assert len(data) == 6


def test_csl_schema_rejects_what_csl_does_not_define() -> None:
    """The schema is strict enough to catch a lower-case ``doi`` or a missing type."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article-journal", "doi": "10.5555/x"}], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x"}], schema)


def test_csl_round_trip_keeps_titles_authors_and_dois(fixture_records: list[Article]) -> None:
    """Re-read as JSON, each item has its record's title, author names and DOI."""
    records = all_records(fixture_records)
    items = json.loads(written(records, "csl-json"))
    for record, item in zip(records, items, strict=True):
        assert item["title"] == record.title
        names = [n.get("family") or n.get("literal") for n in item.get("author", [])]
        assert names == [a.last_name or a.collective_name for a in record.authors]
        assert item.get("DOI") == (record.doi.value if record.doi else None)


# ----------------------------------------------------------------------------- BibTeX


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("R&D", r"R\&D"),
        ("50%", r"50\%"),
        ("$5", r"\$5"),
        ("#1", r"\#1"),
        ("a_b", r"a\_b"),
        ("{x}", r"\{x\}"),
        ("a~b", r"a\textasciitilde{}b"),
        ("x^2", r"x\textasciicircum{}2"),
        ("a\\b", r"a\textbackslash{}b"),
        ("Zoë", "Zoë"),
    ],
)
def test_bibtex_escapes_tex_special_characters(text: str, escaped: str) -> None:
    """TeX's special characters are escaped; other Unicode stays as UTF-8."""
    assert bibtex_escape(text) == escaped


def test_bibtex_braces_words_with_inner_capitals() -> None:
    """DNA and mRNA stay capitalised under styles that lower-case titles."""
    entry = to_bibtex(article(title=f"{TITLE}: mRNA and DNA in E. coli"))
    assert f"title = {{{TITLE}: {{mRNA}} and {{DNA}} in E. coli}}" in entry


def test_bibtex_key_is_folded_author_year_and_title_word() -> None:
    """Müller-Øster, 2020, "Synthetic ..." gives the ASCII key mulleroster2020synthetic."""
    assert bibtex_key(article()) == "mulleroster2020synthetic"
    assert bibtex_key(article()) == bibtex_key(article())


def test_bibtex_key_skips_leading_stop_words_and_fills_gaps() -> None:
    """No author gives ``anon``, no year ``nd``, and "The" is not the title word."""
    record = article(authors=(), pub_date=PartialDate(), title="The synthetic title")
    assert bibtex_key(record) == "anonndsynthetic"


def test_bibtex_group_author_key_uses_the_group_name() -> None:
    """A collective first author gives the first word of its name."""
    record = article(authors=(Author(collective_name="Consortium of Synthetic Fixtures"),))
    assert bibtex_key(record) == "consortium2020synthetic"


def test_bibtex_writer_makes_repeated_keys_unique() -> None:
    """Same author, year and word: the first keeps the key, the next get a, b."""
    records = [article(pmid=PMID(str(99000101 + i))) for i in range(3)]
    keys = re.findall(r"^@article\{([^,]+),", written(records, "bibtex"), flags=re.M)
    assert keys == [
        "mulleroster2020synthetic",
        "mulleroster2020synthetica",
        "mulleroster2020syntheticb",
    ]


def test_bibtex_suffixed_key_never_takes_another_records_key() -> None:
    """When ``smith2020xa`` is some record's own key, the next ``smith2020x`` gets ``b``."""
    smith = (Author(last_name="Smith"),)
    records = [
        article(pmid=PMID("99000111"), authors=smith, title="Xa synthetic"),
        article(pmid=PMID("99000112"), authors=smith, title="X synthetic"),
        article(pmid=PMID("99000113"), authors=smith, title="X synthetic"),
    ]
    keys = re.findall(r"^@article\{([^,]+),", written(records, "bibtex"), flags=re.M)
    assert keys == ["smith2020xa", "smith2020x", "smith2020xb"]


def test_bibtex_article_fields() -> None:
    """journal, volume, number, pages with --, year, month macro and the three identifiers."""
    entry = to_bibtex(article())
    for line in (
        "journal = {Journal of Synthetic Fixtures}",
        "volume = {12}",
        "number = {3}",
        "pages = {1234--1239}",
        "year = {2020}",
        "month = may,",
        "doi = {10.5555/synthetic.export.1}",
        "pmid = {99000101}",
        "pmcid = {PMC9900101}",
    ):
        assert line in entry
    assert entry.startswith("@article{mulleroster2020synthetic,\n")


def test_bibtex_identifiers_are_verbatim() -> None:
    """A DOI with an underscore is written as is (biblatex reads doi verbatim)."""
    entry = to_bibtex(article(doi=DOI("10.5555/synthetic_export")))
    assert "doi = {10.5555/synthetic_export}" in entry


def test_bibtex_names_are_last_jr_first_and_groups_braced() -> None:
    """People as ``Last, Jr, First``; a group in braces so it is one name."""
    entry = to_bibtex(article())
    expected = "Müller-Øster, Jr, Zoë and {Synthetic Consortium for Export Tests} and Smith, Ann"
    assert f"author = {{{expected}}}" in entry


@pytest.mark.parametrize(("chapter", "kind"), [(True, "incollection"), (False, "book")])
def test_bibtex_book_types(chapter: bool, kind: str) -> None:
    """A book is @book; a chapter is @incollection with its booktitle."""
    entry = to_bibtex(book(chapter))
    assert entry.startswith(f"@{kind}{{")
    assert ("booktitle = {Synthetic Handbook of Export Tests}" in entry) is chapter
    assert "publisher = {Synthetic Press}" in entry
    assert "isbn = {9990000000001}" in entry


def _bib_name(parts: Any) -> str:
    return LatexNodes2Text().latex_to_text(" ".join(parts.last))


def test_bibtex_round_trip_keeps_titles_authors_and_dois(fixture_records: list[Article]) -> None:
    """bibtexparser reads back each entry's title, family names and DOI, special characters too."""
    tricky = article(
        title=f"{TITLE}: 50% of R&D costs $5 for #1 a_b {{x}} ~ in DNA",
        authors=(
            Author(last_name="van der Berg", fore_name="Jan"),
            Author(collective_name="A & B"),
        ),
        doi=DOI("10.5555/synthetic_export.2"),
    )
    records = [*all_records(fixture_records), tricky]
    text = written(records, "bibtex")
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.LatexDecodingMiddleware()]
    )
    assert library.failed_blocks == []
    names = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert len(library.entries) == len(records)
    for record, entry, named in zip(records, library.entries, names.entries, strict=True):
        assert entry["title"] == record.title
        expected = [a.last_name or a.collective_name for a in record.authors]
        people = named.fields_dict["author"].value if "author" in named.fields_dict else []
        assert [_bib_name(p) for p in people] == expected
        assert (entry["doi"] if "doi" in entry.fields_dict else None) == (
            record.doi.value if record.doi else None
        )


# ----------------------------------------------------------------------------- RIS

_RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")


def test_ris_lines_are_tagged_and_end_with_crlf() -> None:
    """Every line is TAG, two spaces, dash, space; lines end with CR LF; TY first, ER last."""
    text = to_ris(article())
    assert text.endswith("ER  - \r\n")
    lines = text.split("\r\n")[:-1]
    assert all(_RIS_LINE.match(line) for line in lines)
    assert "\n" not in text.replace("\r\n", "")
    assert lines[0] == "TY  - JOUR"


def test_ris_article_tags() -> None:
    """AU per author in order, title, journal, volume, issue, pages, ISSN, DOI, PMID as AN."""
    lines = to_ris(article()).split("\r\n")
    assert [line for line in lines if line.startswith("AU")] == [
        "AU  - Müller-Øster, Zoë, Jr",
        "AU  - Synthetic Consortium for Export Tests",
        "AU  - Smith, Ann",
    ]
    for line in (
        f"TI  - {TITLE}: DNA repair in E. coli",
        "T2  - Journal of Synthetic Fixtures",
        "J2  - J Synth Fixtures",
        "VL  - 12",
        "IS  - 3",
        "SP  - 1234",
        "EP  - 1239",
        "SN  - 9999-0002",
        "PY  - 2020",
        "DA  - 2020/05/17",
        "DO  - 10.5555/synthetic.export.1",
        "AN  - 99000101",
        "C2  - PMC9900101",
        "LA  - en",
    ):
        assert line in lines


@pytest.mark.parametrize(
    ("date", "da"),
    [
        (PartialDate(year=2020), "2020"),
        (PartialDate(year=2020, month=5), "2020/05"),
        (PartialDate(year=1998, season="Spring"), "1998///Spring"),
    ],
)
def test_ris_dates_drop_unknown_trailing_parts(date: PartialDate, da: str) -> None:
    """DA is YYYY/MM/DD/other with empty trailing parts left out."""
    assert f"DA  - {da}\r\n" in to_ris(article(pub_date=date))


def test_ris_range_keeps_pubmed_text_as_other_info(fixture_records: list[Article]) -> None:
    """A date range starts at its first month and carries PubMed's text."""
    assert "DA  - 2013/12//2013 Dec-2014 Jan\r\n" in to_ris(fixture_records[0])


def test_ris_abstract_is_one_line() -> None:
    """A structured abstract's blank lines become spaces: RIS fields are one line."""
    abstract = Abstract(
        sections=(
            AbstractSection(text="One.", markup="One.", label="A"),
            AbstractSection(text="Two.", markup="Two.", label="B"),
        )
    )
    assert "AB  - A: One. B: Two.\r\n" in to_ris(article(abstract=abstract))


@pytest.mark.parametrize(("chapter", "kind"), [(True, "CHAP"), (False, "BOOK")])
def test_ris_book_types(chapter: bool, kind: str) -> None:
    """A book is TY BOOK, a chapter TY CHAP with its book as T2; editors are A2."""
    text = to_ris(book(chapter))
    assert text.startswith(f"TY  - {kind}\r\n")
    assert "A2  - Editor, Synthetic\r\n" in text
    assert ("T2  - Synthetic Handbook of Export Tests\r\n" in text) is chapter
    assert "SN  - 9990000000001\r\n" in text


def test_ris_records_follow_each_other_without_blank_lines() -> None:
    """Two records: the second TY comes right after the first ER."""
    text = written([article(), article()], "ris")
    assert "ER  - \r\nTY  - JOUR\r\n" in text


# ----------------------------------------------------------------------------- retractions


def test_a_retracted_record_carries_a_note_in_every_format() -> None:
    """CSL note, BibTeX note, RIS N1, the CSV columns and the full JSONL record all say so."""
    record = article(retraction=RETRACTED)
    expected = "Retracted (notice PMID 99000102)"
    assert to_csl_json(record)["note"] == expected
    assert f"note = {{{expected}}}" in to_bibtex(record)
    assert f"N1  - {expected}\r\n" in to_ris(record)
    row = csv_row(record)
    assert (row["retracted"], row["note"]) == ("true", expected)
    assert json.loads(written([record], "jsonl"))["retraction"]["is_retracted"] is True


# ----------------------------------------------------------------------------- CSV


def test_csv_has_a_header_and_one_row_per_record(fixture_records: list[Article]) -> None:
    """The default columns head the file; each record is one row, read back by csv."""
    records = all_records(fixture_records)
    rows = list(csv.DictReader(io.StringIO(written(records, "csv"), newline="")))
    assert len(rows) == len(records)
    assert list(rows[0]) == list(DEFAULT_CSV_COLUMNS)
    assert [r["pmid"] for r in rows] == [r.pmid.value for r in records]
    assert rows[2]["pages"] == "1234-1239"


def test_csv_writes_the_chosen_columns_in_order() -> None:
    """columns= picks and orders the columns."""
    text = written([article()], "csv", columns=["doi", "pmid", "abstract"])
    assert list(csv.reader(io.StringIO(text))) == [
        ["doi", "pmid", "abstract"],
        ["10.5555/synthetic.export.1", "99000101", "Synthetic H2O."],
    ]


def test_csv_unknown_column_is_a_clear_value_error() -> None:
    """An unknown column name is refused, naming it and the known columns."""
    with pytest.raises(ValueError, match=r"'colour'.*known columns: pmid"):
        csv_row(article(), ["pmid", "colour"])


def test_csv_every_known_column_renders() -> None:
    """Each column of CSV_COLUMNS gives a string for an article and a book."""
    for record in (article(), book(True)):
        row = csv_row(record, list(CSV_COLUMNS))
        assert all(isinstance(v, str) for v in row.values())


def test_csv_extra_columns_come_from_functions_of_the_record() -> None:
    """write(..., extra_columns=) appends the caller's columns after the record's."""
    text = written([article()], "csv", columns=["pmid"], extra_columns={"status": lambda r: "ok"})
    assert list(csv.reader(io.StringIO(text))) == [["pmid", "status"], ["99000101", "ok"]]


def test_csv_writer_takes_extra_values_per_row_and_rows_without_record() -> None:
    """CsvWriter.writerow adds values the record lacks; a missing record gives empty cells."""
    stream = io.StringIO(newline="")
    writer = CsvWriter(stream, columns=["pmid", "title"], extra_columns=["input", "status"])
    writer.writerow(article(), {"input": "PMID 99000101", "status": "found"})
    writer.writerow(None, {"input": "PMID 99000999", "status": "not found"})
    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [
        ["pmid", "title", "input", "status"],
        ["99000101", f"{TITLE}: DNA repair in E. coli", "PMID 99000101", "found"],
        ["", "", "PMID 99000999", "not found"],
    ]


def test_csv_writer_refuses_undeclared_extra_values() -> None:
    """A value for a column not declared as extra is an error, not a silent drop."""
    writer = CsvWriter(io.StringIO(), columns=["pmid"], extra_columns=["status"])
    with pytest.raises(ValueError, match="colour"):
        writer.writerow(article(), {"colour": "red"})


# ----------------------------------------------------------------------------- writers


def test_formats_are_the_five_of_the_issue() -> None:
    """write() knows csl-json, bibtex, ris, csv and jsonl."""
    assert FORMATS == ("csl-json", "bibtex", "ris", "csv", "jsonl")


def test_jsonl_lines_read_back_as_the_same_records(fixture_records: list[Article]) -> None:
    """Each JSONL line is a record's to_dict(), and record_from_dict rebuilds it exactly."""
    records = all_records(fixture_records)
    lines = written(records, "jsonl").splitlines()
    assert [record_from_dict(json.loads(line)) for line in lines] == records


def test_csl_json_writer_gives_one_array_and_an_empty_one_for_nothing() -> None:
    """Many records make one JSON array; no records make []."""
    assert json.loads(written([], "csl-json")) == []
    assert [i["PMID"] for i in json.loads(written([article(), book(False)], "csl-json"))] == [
        "99000101",
        "99000202",
    ]


def test_csl_json_ids_match_the_bibtex_keys() -> None:
    """The same records get the same unique keys as CSL ids and BibTeX keys."""
    records = [article(), article(pmid=PMID("99000109")), book(True)]
    ids = [i["id"] for i in json.loads(written(records, "csl-json"))]
    keys = re.findall(r"^@\w+\{([^,]+),", written(records, "bibtex"), flags=re.M)
    assert ids == keys
    assert len(set(ids)) == 3


def test_write_returns_how_many_records_it_wrote() -> None:
    """The count is what the caller reports."""
    for fmt in FORMATS:
        assert write([article(), book(True)], fmt, io.StringIO()) == 2


def test_write_refuses_an_unknown_format() -> None:
    """An unknown format name is a ValueError listing the formats."""
    with pytest.raises(ValueError, match="csl-json, bibtex"):
        write([article()], "endnote", io.StringIO())


def test_write_refuses_csv_options_for_other_formats() -> None:
    """columns= with bibtex is a mistake worth saying."""
    with pytest.raises(ValueError, match="csv"):
        write([article()], "bibtex", io.StringIO(), columns=["pmid"])


def test_a_deleted_citation_cannot_be_exported() -> None:
    """Only articles and books are citable; a DeletedCitation is a TypeError."""
    with pytest.raises(TypeError, match="DeletedCitation"):
        to_csl_json(DeletedCitation(pmids=(PMID("99000005"),)))  # type: ignore[arg-type]
