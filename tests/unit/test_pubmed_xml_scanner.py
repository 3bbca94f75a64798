"""The parser's fast path (each record's bytes parsed alone) against iterparse, its authority.

Every document must read the same either way: the project's fixtures, the shared NCBI samples
(when ``../shared`` is beside the project), documents whose records straddle the read
chunks, and every shape the fast path hands over to iterparse part way through.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pubenrich import Article, ParseError, parse_pubmed_xml
from pubenrich.formats.pubmed_xml import stream as pubmed_xml
from pubenrich.model.records import PubmedRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "ncbi-samples"
HEAD = b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "x" "y.dtd">\n'


def _record(pmid: str, title: str = "A title") -> bytes:
    return (
        b'<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">'
        + pmid.encode()
        + b"</PMID><Article><Journal><Title>J</Title></Journal><ArticleTitle>"
        + title.encode("utf-8")
        + b"</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
    )


def _by_iterparse(data: bytes) -> list[PubmedRecord]:
    return list(pubmed_xml._iterparse(io.BytesIO(data), pubmed_xml._Progress()))


def _scanned_only(data: bytes) -> tuple[list[PubmedRecord], bool]:
    """The records the fast path reads itself, and whether it handed anything over."""
    scan = pubmed_xml._scan(io.BytesIO(data), pubmed_xml._Progress())
    records = []
    while True:
        try:
            records.append(next(scan))
        except StopIteration as stop:
            return records, stop.value is not None


def _xml_files() -> list[Path]:
    files = sorted(FIXTURES.glob("*.xml"))
    if SAMPLES.is_dir():
        files += sorted(SAMPLES.rglob("*pubmed*.xml"))
    return files


@pytest.mark.parametrize("path", _xml_files(), ids=lambda p: p.name)
def test_every_document_reads_the_same_through_both_paths(path: Path) -> None:
    """Fixtures and NCBI samples: the same records, in the same order, field for field."""
    data = path.read_bytes()
    try:
        expected = _by_iterparse(data)
    except ParseError:
        with pytest.raises(ParseError):
            list(parse_pubmed_xml(data))
        return
    assert list(parse_pubmed_xml(data)) == expected


def test_the_fast_path_reads_a_plain_efetch_body_alone() -> None:
    """The shape NCBI sends takes no detour through iterparse."""
    data = HEAD + b"<PubmedArticleSet>\n" + _record("1") + b"\n" + _record("2") + b"\n"
    data += b"</PubmedArticleSet>\n"
    records, handed_over = _scanned_only(data)
    assert [r.pmid.value for r in records if isinstance(r, Article)] == ["1", "2"]
    assert not handed_over


def test_records_straddling_read_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 7-byte read size cuts every tag; a file object reads the same as the bytes."""
    data = HEAD + b"<PubmedArticleSet>" + b"".join(_record(str(i)) for i in range(1, 30))
    data += b"</PubmedArticleSet>"
    monkeypatch.setattr(pubmed_xml, "_CHUNK", 7)
    records, handed_over = _scanned_only(data)
    assert [r.pmid.value for r in records if isinstance(r, Article)] == [
        str(i) for i in range(1, 30)
    ]
    assert not handed_over
    assert list(parse_pubmed_xml(io.BytesIO(data))) == _by_iterparse(data)


@pytest.mark.parametrize(
    ("name", "middle"),
    [
        ("comment between records", b"<!-- a comment -->"),
        ("text between records", b"stray text"),
        ("CDATA in a record", _record("2", "<![CDATA[a < b]]>")),
        ("entity declared in no DTD read", _record("2", "caf&eacute;")),
        ("processing instruction in a record", _record("2", "<?pi x?>T")),
    ],
)
def test_shapes_the_fast_path_hands_to_iterparse(name: str, middle: bytes) -> None:
    """Records before the odd part come from the fast path, the rest from iterparse."""
    data = HEAD + b"<PubmedArticleSet>" + _record("1") + middle + _record("3")
    data += b"</PubmedArticleSet>"
    records, handed_over = _scanned_only(data)
    assert [r.pmid.value for r in records if isinstance(r, Article)] == ["1"]
    assert handed_over
    assert list(parse_pubmed_xml(data)) == _by_iterparse(data)


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<PubmedArticleSet>',
        b'<!DOCTYPE PubmedArticleSet [<!ENTITY t "Title">]>\n<PubmedArticleSet>',
        b'<PubmedArticleSet xmlns:mml="http://www.w3.org/1998/Math/MathML">',
    ],
    ids=["latin-1", "internal DTD subset", "attributes on the set"],
)
def test_prologs_the_fast_path_does_not_read(head: bytes) -> None:
    """A declared non-UTF-8 encoding or an internal subset goes to iterparse whole."""
    body = _record("1", "caf\xe9" if b"ISO" in head else "T").replace("é".encode(), b"\xe9")
    data = head + body + b"</PubmedArticleSet>"
    records, handed_over = _scanned_only(data)
    assert records == []
    assert handed_over
    parsed = list(parse_pubmed_xml(data))
    assert parsed == _by_iterparse(data)
    assert [r.pmid.value for r in parsed if isinstance(r, Article)] == ["1"]


def test_latin_1_text_is_decoded_as_declared() -> None:
    data = b'<?xml version="1.0" encoding="ISO-8859-1"?><PubmedArticleSet>'
    data += _record("1", "caf").replace(b"caf<", b"caf\xe9<") + b"</PubmedArticleSet>"
    (article,) = parse_pubmed_xml(data)
    assert isinstance(article, Article)
    assert article.title == "café"


def test_a_truncated_body_keeps_the_records_before_it() -> None:
    """Cut inside the third record: two records, then ParseError naming the second."""
    data = HEAD + b"<PubmedArticleSet>" + _record("1") + _record("2") + _record("3")[:60]
    stream = parse_pubmed_xml(data)
    records = [next(stream), next(stream)]
    with pytest.raises(ParseError, match="after PMID 2"):
        next(stream)
    assert [r.pmid.value for r in records if isinstance(r, Article)] == ["1", "2"]


def test_a_broken_record_is_named_by_the_one_before() -> None:
    data = HEAD + b"<PubmedArticleSet>" + _record("1") + _record("2").replace(b"</Title>", b"")
    data += b"</PubmedArticleSet>"
    with pytest.raises(ParseError, match="after PMID 1"):
        list(parse_pubmed_xml(data))


def test_a_missing_end_of_set_is_an_error() -> None:
    data = HEAD + b"<PubmedArticleSet>" + _record("1")
    with pytest.raises(ParseError):
        list(parse_pubmed_xml(data))


def test_constructors_refuse_classes_that_validate() -> None:
    """The parser's fast constructors are for unvalidated types only."""
    from pubenrich.formats.pubmed_xml import elements as pubmed_xml
    from pubenrich.model.records import PartialDate

    with pytest.raises(TypeError, match="validates"):
        pubmed_xml._maker(PartialDate)
