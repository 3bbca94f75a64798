"""Every export reads back through an independent reader of its format (issue 22, Exports).

CSL-JSON through the CSL data schema and citeproc-py, BibTeX through pybtex (its parser and its
LaTeX reading, ``Text.from_latex``) and bibtexparser (with pylatexenc's LaTeX decoding), RIS
through rispy: each gives back the record's own text, exactly. Run on hand-built records with
TeX's ligatures and specials, and on every real record in ../shared (tests marked ``shared``,
skipped when it is absent).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pybtex.database
import pytest
import rispy
import yaml
from bibtexparser import middlewares
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from pybtex.backends.plaintext import Backend as PlainText
from pybtex.richtext import Text

from pubenrich import (
    DOI,
    PMID,
    Article,
    Author,
    BookArticle,
    Journal,
    PartialDate,
    parse_medline,
    parse_pubmed_xml,
)
from pubenrich.formats.export import _common as common
from pubenrich.formats.export import write
from pubenrich.model.records import Abstract, AbstractSection

SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "csl" / "csl-data.schema.json"
Record = Article | BookArticle
# One plain-text backend: render_as("text") looks the plugin up at every call, slowly.
PLAIN = PlainText()

# Each of TeX's ligatures and specials, as a title or a name could hold them.
TRICKY = [
    "Synthetic arrows --> and <-- in a title",
    "Synthetic dashes: 1990--2000 and a pause --- here",
    "Synthetic quotes: ``double'' and `single' and it's",
    "Synthetic marks: ?` and !` and << guillemets >> and ,,low''",
    "Synthetic specials: 50% of R&D #1 a_b ~x back\\slash",
]


def tricky(index: int, title: str) -> Article:
    """A synthetic article whose title, author and journal carry TeX's ligatures."""
    return Article(
        pmid=PMID(str(99000190 + index)),
        title=title,
        doi=DOI(f"10.5555/synthetic.roundtrip.{index}"),
        authors=(
            Author(last_name="O'Neil--Smith", fore_name="Ann ``Annie''", initials="A"),
            Author(collective_name="Synthetic --> Group"),
        ),
        journal=Journal(title="Synthetic -- Journal", volume="1", pages="10-12"),
        pub_date=PartialDate(2020, 1),
        abstract=Abstract((AbstractSection(text=title, markup=title),)),
    )


def tricky_records() -> list[Record]:
    return [tricky(i, title) for i, title in enumerate(TRICKY)]


def shared_records(shared: Path) -> list[Record]:
    """Every Article and BookArticle of the real samples: PubMed XML, MEDLINE, cassettes."""
    samples = shared / "ncbi-samples"
    found: list[Any] = []
    for path in sorted((samples / "efetch_pubmed_xml").glob("*.xml")):
        found += parse_pubmed_xml(path)
    for path in sorted((samples / "efetch_medline_text").glob("*")):
        found += parse_medline(path)
    for path in sorted((samples / "cassettes_http").glob("*.yaml")):
        for exchange in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            body = exchange["response"]["body"]["string"]
            if "<PubmedArticleSet" in body[:1000]:
                found += parse_pubmed_xml(body.encode("utf-8"))
    records = [r for r in found if isinstance(r, Article | BookArticle)]
    assert len(records) >= 200
    return records


def written(records: list[Record], fmt: str) -> str:
    stream = io.StringIO(newline="")
    write(records, fmt, stream)
    return stream.getvalue()


def title(record: Record) -> str | None:
    """The title an export gives: PubMed's, else the own-language title; None when neither."""
    return record.title or getattr(record, "vernacular_title", None) or None


def people(record: Record) -> list[Author]:
    return common.authors(record.authors)


# ----------------------------------------------------------------------------- CSL-JSON


def check_csl(records: list[Record]) -> None:
    items = json.loads(written(records, "csl-json"))
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    source = CiteProcJSON(items)
    for record, item in zip(records, items, strict=True):
        reference = source[item["id"].lower()]
        got = reference.get("title")
        assert (str(got) if got else None) == title(record), record.pmid
        names = [str(n.get("family") or n.get("literal")) for n in reference.get("author", [])]
        assert names == [a.last_name or a.collective_name for a in people(record)], record.pmid
        doi = reference.get("DOI")
        assert (str(doi) if doi else None) == (record.doi.value if record.doi else None)
    # citeproc-py renders every item with a bundled style, without an error.
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    assert len(bibliography.bibliography()) == len(items)


def test_csl_json_reads_back_through_the_schema_and_citeproc() -> None:
    """Titles, names and DOIs with TeX's specials pass through CSL-JSON unchanged."""
    check_csl(tricky_records())


@pytest.mark.shared
def test_csl_json_of_every_real_record_reads_back(shared_dir: Path) -> None:
    """Every real record's CSL-JSON is schema-valid and reads back in citeproc-py."""
    check_csl(shared_records(shared_dir))


# ----------------------------------------------------------------------------- BibTeX


def latex_to_text(value: str) -> str:
    """pybtex's own reading of a field's LaTeX (what its plain-text backend prints)."""
    return str(Text.from_latex(value).render(PLAIN))


def pybtex_name(person: Any) -> str:
    return latex_to_text(" ".join(person.prelast_names + person.last_names))


def check_bibtex(records: list[Record]) -> None:
    text = written(records, "bibtex")
    by_pybtex = list(pybtex.database.parse_string(text, "bibtex").entries.values())
    decoded = bibtexparser.parse_string(
        text, append_middleware=[middlewares.LatexDecodingMiddleware()]
    )
    assert decoded.failed_blocks == []
    assert len(by_pybtex) == len(decoded.entries) == len(records)
    for record, entry, other in zip(records, by_pybtex, decoded.entries, strict=True):
        where = f"PMID {record.pmid}"
        fields = entry.fields
        assert latex_to_text(fields.get("title", "")) == (title(record) or ""), where
        got = other["title"] if "title" in other.fields_dict else None
        assert got == title(record), where
        expected = [a.last_name or a.collective_name for a in people(record)]
        assert [pybtex_name(p) for p in entry.persons.get("author", [])] == expected, where
        journal = record.journal.title if isinstance(record, Article) else None
        if journal:
            assert latex_to_text(fields["journal"]) == journal, where
            assert other["journal"] == journal, where
        if record.abstract is not None and record.abstract.text:
            abstract = common.one_line(record.abstract.text)
            assert latex_to_text(fields["abstract"]) == abstract, where
            assert other["abstract"] == abstract, where
        assert fields.get("doi") == (record.doi.value if record.doi else None), where
        assert fields["pmid"] == record.pmid.value, where


def test_bibtex_ligatures_and_specials_read_back_exactly() -> None:
    """``-->``, ``--``, ``---``, quotes, backticks, ``~``, ``<<`` read back as written."""
    check_bibtex(tricky_records())


def test_bibtex_breaks_the_dash_ligature() -> None:
    """An arrow keeps its two hyphens; the page range keeps TeX's en dash."""
    entry = written([tricky(0, "Synthetic --> arrow")], "bibtex")
    assert "title = {Synthetic -{}-> arrow}" in entry
    assert "pages = {10--12}" in entry


@pytest.mark.shared
def test_bibtex_of_every_real_record_reads_back(shared_dir: Path) -> None:
    """pybtex and bibtexparser read back every real record's title, names, journal, abstract."""
    check_bibtex(shared_records(shared_dir))


# ----------------------------------------------------------------------------- RIS


def check_ris(records: list[Record]) -> None:
    entries = rispy.loads(written(records, "ris"))
    assert len(entries) == len(records)
    for record, entry in zip(records, entries, strict=True):
        where = f"PMID {record.pmid}"
        expected_title = title(record)
        assert entry.get("title") == (common.one_line(expected_title) if expected_title else None)
        names = [a.split(",")[0] for a in entry.get("authors", [])]
        expected = [a.last_name or a.collective_name or "" for a in people(record)]
        assert names == [common.one_line(n).split(",")[0] for n in expected], where
        assert entry["accession_number"] == record.pmid.value, where
        assert entry.get("doi") == (record.doi.value if record.doi else None), where
        if record.abstract is not None and record.abstract.text:
            assert entry["abstract"] == common.one_line(record.abstract.text), where
        journal = record.journal.title if isinstance(record, Article) else None
        if journal:
            assert entry["secondary_title"] == common.one_line(journal), where


def test_ris_reads_back_through_rispy() -> None:
    """rispy reads the hand-built records' fields back unchanged."""
    check_ris(tricky_records())


@pytest.mark.shared
def test_ris_of_every_real_record_reads_back(shared_dir: Path) -> None:
    """rispy reads back every real record's title, names, PMID, DOI, abstract, journal."""
    check_ris(shared_records(shared_dir))
