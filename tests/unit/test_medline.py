"""MEDLINE text (.nbib) reads into Article and writes back through Bio.Medline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pubenrich import Article, ParseError, PartialDate, parse_medline
from pubenrich.formats.medline import to_medline
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import Affiliation, MeshHeading, MeshQualifier

NBIB = Path(__file__).resolve().parents[1] / "fixtures" / "medline" / "synthetic.nbib"


@pytest.fixture(scope="module")
def records() -> list[Article]:
    return list(parse_medline(NBIB))


def test_ids_title_and_journal(records: list[Article]) -> None:
    """PMID, DOI, PII, PMCID, wrapped title, journal fields and ISSNs."""
    rec = records[0]
    assert rec.pmid == PMID(99000170)
    assert rec.doi == DOI("10.5555/parser.0170")
    assert rec.pii == "S5555-0001(24)00170-1"
    assert rec.pmcid == PMCID("PMC9900170")
    assert rec.title == (
        "Synthetic record for parser tests: a MEDLINE text record with a title long "
        "enough to wrap onto a continuation line."
    )
    j = rec.journal
    assert (j.title, j.iso_abbreviation, j.nlm_unique_id) == (
        "Synthetic journal of parser tests",
        "Synth J Parser Tests",
        "555500001",
    )
    assert (j.issn_electronic, j.issn_linking, j.issn_print) == ("5555-0002", "5555-0001", None)
    assert (j.volume, j.issue, j.pages) == ("12", "3", "101-9")


def test_dates_abstract_and_status(records: list[Article]) -> None:
    """DP, DEP, abstract with copyright, PST and STAT."""
    rec = records[0]
    assert rec.pub_date == PartialDate(2024, 3, 5, raw="2024 Mar 5")
    assert rec.article_date == PartialDate(2024, 2, 28)
    assert rec.abstract is not None
    assert rec.abstract.text == "Synthetic abstract for the MEDLINE reader."
    assert rec.abstract.copyright == "Copyright 2024 Synthetic Authors."
    assert (rec.publication_status, rec.medline_status) == ("ppublish", "MEDLINE")


def test_single_author_keeps_affiliation(records: list[Article]) -> None:
    """With one author, AD lines belong to that author."""
    (author,) = records[0].authors
    assert (author.last_name, author.fore_name, author.initials) == ("Müller", "Jürgen", "J")
    assert author.affiliations == (
        Affiliation("Synthetic Institute of Parsing, Zürich, Switzerland."),
    )


def test_mesh_keywords_and_retraction(records: list[Article]) -> None:
    """MeSH major flags and qualifiers, keywords with owner, RIN gives the retraction."""
    rec = records[0]
    assert rec.mesh_headings == (
        MeshHeading(
            "Synthetic Descriptor",
            major=True,
            qualifiers=(MeshQualifier("metabolism"), MeshQualifier("genetics", major=True)),
        ),
        MeshHeading("Humans"),
    )
    assert [(k.text, k.owner) for k in rec.keywords] == [("synthetic keyword", "NOTNLM")]
    assert rec.retraction.is_retracted is True
    assert rec.retraction.retracted_by == (PMID(99000171),)


def test_collective_author_and_season(records: list[Article]) -> None:
    """CN becomes a collective author after the persons; "1998 Spring" is a season."""
    rec = records[1]
    assert [(a.last_name, a.collective_name) for a in rec.authors] == [
        ("Ødegård", None),
        ("Tanaka", None),
        (None, "Synthetic Parser Study Group"),
    ]
    assert rec.pub_date == PartialDate(1998, season="Spring", raw="1998 Spring")


def test_text_and_bytes_sources(records: list[Article]) -> None:
    """MEDLINE text and bytes give the same records as the path."""
    data = NBIB.read_bytes()
    assert list(parse_medline(data)) == records
    assert list(parse_medline(data.decode("utf-8"))) == records


def test_to_medline_round_trips(records: list[Article]) -> None:
    """to_medline output reads back into an Article with the same core fields."""
    for rec in records:
        (back,) = parse_medline(to_medline(rec))
        assert (back.pmid, back.title, back.doi, back.pmcid) == (
            rec.pmid,
            rec.title,
            rec.doi,
            rec.pmcid,
        )
        assert back.authors == rec.authors
        assert back.journal == rec.journal
        assert back.pub_date == rec.pub_date
        assert back.mesh_headings == rec.mesh_headings
        assert back.retraction == rec.retraction


def test_record_without_pmid_raises_parse_error() -> None:
    """A MEDLINE record lacking PMID is refused."""
    with pytest.raises(ParseError, match="PMID"):
        list(parse_medline(b"TI  - Synthetic record for parser tests: no PMID.\n"))


def _raw_records(text: str) -> list[dict[str, list[str]]]:
    """First line of each tag per record, read straight from the text (continuations skipped)."""
    records: list[dict[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("PMID-"):
            records.append({})
        if records and len(line) > 5 and line[4] == "-" and line[:4].strip():
            records[-1].setdefault(line[:4].strip(), []).append(line[6:].strip())
    return records


def test_shared_medline_files_agree_with_a_raw_reading(shared_dir: Path) -> None:
    """Every shared MEDLINE file parses; PMID, title start, DOI and author count agree."""
    files = sorted((shared_dir / "ncbi-samples" / "efetch_medline_text").glob("*"))
    assert files
    checked = 0
    for path in files:
        raw = _raw_records(path.read_text(encoding="utf-8"))
        records = list(parse_medline(path))
        assert len(records) == len(raw), path.name
        for record, tags in zip(records, raw, strict=True):
            where = f"{path.name} PMID {tags['PMID'][0]}"
            assert str(record.pmid) == tags["PMID"][0], where
            assert record.title.startswith(tags["TI"][0]), where
            dois = [v[: -len(" [doi]")] for v in tags.get("AID", []) if v.endswith(" [doi]")]
            assert (record.doi.value if record.doi else None) == (dois[0] if dois else None), where
            persons = max(len(tags.get("FAU", [])), len(tags.get("AU", [])))
            assert len(record.authors) == persons + len(tags.get("CN", [])), where
            checked += 1
    assert checked >= 3


def test_binary_and_text_file_objects_give_the_same_records(records: list[Article]) -> None:
    """A binary handle (open(..., "rb")) reads like a text handle, a path or the bytes."""
    with NBIB.open("rb") as binary:
        assert list(parse_medline(binary)) == records
        assert not binary.closed  # the caller's handle stays the caller's to close
    with NBIB.open(encoding="utf-8") as text:
        assert list(parse_medline(text)) == records
    assert list(parse_medline(io.BytesIO(NBIB.read_bytes()))) == records
    assert list(parse_medline(io.StringIO(NBIB.read_text(encoding="utf-8")))) == records


def test_crlf_line_ends_and_a_byte_order_mark_read_the_same(records: list[Article]) -> None:
    """Windows line ends and a UTF-8 BOM, as some reference managers save, change nothing."""
    data = b"\xef\xbb\xbf" + NBIB.read_bytes().replace(b"\n", b"\r\n")
    assert list(parse_medline(data)) == records
    assert list(parse_medline(io.BytesIO(data))) == records


def test_bytes_that_are_not_utf8_are_a_parse_error() -> None:
    """Latin-1 bytes are refused with a clear error, not read as mojibake."""
    with pytest.raises(ParseError, match="UTF-8"):
        list(parse_medline("PMID- 99000170\nTI  - Synthetic Zürich\n".encode("latin-1")))


# PL (place of publication: the journal's country) comes before TA in PubMed's exports.
_JOURNAL_INFO = """PMID- 99000173
STAT- MEDLINE
IS  - 5555-0003 (Print)
IS  - 5555-0003 (Linking)
DP  - 2024
TI  - Synthetic record for parser tests: the journal's MEDLINE fields.
PL  - United States
TA  - Synth J Parser Tests
JT  - Synthetic journal of parser tests
JID - 555500001
"""


def test_journal_info_is_kept_whole_and_written_back() -> None:
    """PL, TA, JID and the linking ISSN fill the journal; to_medline writes them again."""
    (rec,) = parse_medline(_JOURNAL_INFO)
    j = rec.journal
    assert (j.country, j.medline_ta, j.nlm_unique_id, j.issn_linking) == (
        "United States",
        "Synth J Parser Tests",
        "555500001",
        "5555-0003",
    )
    text = to_medline(rec)
    assert "PL  - United States\n" in text
    assert "TA  - Synth J Parser Tests\n" in text
    (back,) = parse_medline(text)
    assert back.journal == j
