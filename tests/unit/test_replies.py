"""Reply classification (data or which error) and the parsers of NCBI's small answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubenrich import (
    BadRequest,
    CitationQuery,
    NcbiError,
    NcbiUnavailable,
    ParseError,
    RateLimited,
    TransportError,
)
from pubenrich.ncbi.classify import classify
from pubenrich.ncbi.ecitmatch import build_bdata, parse_ecitmatch
from pubenrich.ncbi.elink import parse_elink
from pubenrich.ncbi.esearch import parse_esearch
from pubenrich.ncbi.esummary import parse_esummary
from pubenrich.ncbi.idconv import parse_idconv
from pubenrich.ncbi.reading import decode_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ncbi"

PUBMED_SET = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000001</PMID>"
    b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# ------------------------------------------------------------------ classify: data passes


@pytest.mark.parametrize(
    ("endpoint", "body", "fmt"),
    [
        ("efetch", PUBMED_SET, None),
        ("efetch", b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n</PubmedArticleSet>', None),
        ("efetch", b"PMID- 99000001\nTI  - Synthetic record for parser tests.\n", "text"),
        ("esearch", fixture("esearch_synthetic.xml"), None),
        ("esummary", fixture("esummary_mixed.json"), "json"),
        ("elink", fixture("elink_synthetic.xml"), None),
        ("idconv", fixture("idconv_new_api.json"), None),
        ("ecitmatch", fixture("ecitmatch_synthetic.txt"), None),
        ("esearch", b"<eSearchResult/>\n", None),
    ],
)
def test_data_passes(endpoint: str, body: bytes, fmt: str | None) -> None:
    """Real-format answers, empty sets and per-record errors included, are data."""
    classify(endpoint, 200, {}, body, fmt=fmt)  # type: ignore[arg-type]


# ------------------------------------------------------------------ classify: errors


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (429, fixture("rate_limit.json")),
        (200, fixture("rate_limit.json")),
        (429, b""),
    ],
)
def test_rate_limits_are_recognised_by_status_or_body(status: int, body: bytes) -> None:
    """HTTP 429, or NCBI's rate JSON even with HTTP 200, is RateLimited."""
    with pytest.raises(RateLimited, match="API rate limit exceeded") as caught:
        classify("efetch", status, {}, body)
    assert caught.value.status == status


def test_retry_after_seconds_are_read() -> None:
    """Retry-After in seconds lands on the error; a date form is ignored."""
    with pytest.raises(RateLimited) as caught:
        classify("efetch", 429, {"Retry-After": "4"}, b"")
    assert caught.value.retry_after == 4.0
    with pytest.raises(RateLimited) as caught:
        classify("efetch", 429, {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, b"")
    assert caught.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_unavailable(status: int) -> None:
    """The 5xx that NCBI recovers from are NcbiUnavailable (retried)."""
    with pytest.raises(NcbiUnavailable) as caught:
        classify("efetch", status, {}, fixture("html_error_page.html"))
    assert caught.value.status == status
    assert "service unavailable" in caught.value.message


def test_other_5xx_are_permanent_ncbi_errors() -> None:
    """501 Not Implemented will not get better."""
    with pytest.raises(NcbiError) as caught:
        classify("efetch", 501, {}, b"not implemented")
    assert not isinstance(caught.value, NcbiUnavailable)


@pytest.mark.parametrize("status", [400, 404, 414])
def test_client_errors_are_bad_requests_with_ncbis_message(status: int) -> None:
    """4xx other than 429 is BadRequest, carrying what NCBI said."""
    with pytest.raises(BadRequest, match="Synthetic refusal"):
        classify("esearch", status, {}, b"<ERROR>Synthetic refusal</ERROR>")


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("esearch_invalid_db.xml", BadRequest, "Invalid db name specified: nosuchdb"),
        ("esearch_backend_failed.xml", NcbiUnavailable, "Search Backend failed"),
        ("esummary_docsum_backend_failed.xml", NcbiUnavailable, "DocSum Backend failed"),
        ("efetch_cpp_exception.xml", NcbiUnavailable, "NCBI C++ Exception"),
        ("esummary_invalid_uid.json", BadRequest, "Invalid uid abc at position= 0"),
        ("esearch_retstart_error.json", BadRequest, "'retstart' cannot be larger than 9998"),
        ("idconv_error.json", BadRequest, "ID type 'doi' mismatch for '99000001'"),
        ("html_error_page.html", NcbiUnavailable, "HTML page instead of XML"),
    ],
)
def test_errors_inside_http_200_are_classified(
    name: str, error: type[Exception], message: str
) -> None:
    """NCBI's in-band errors are never data: permanent ones BadRequest, back-end ones
    NcbiUnavailable."""
    endpoint = name.split("_", maxsplit=1)[0]
    with pytest.raises(error) as caught:
        classify(endpoint, 200, {}, fixture(name))
    assert message in str(caught.value)
    assert type(caught.value) is error


def test_the_retstart_error_is_permanent_although_it_says_backend_failed() -> None:
    """ "Search Backend failed: ... cannot be larger than 9998" is the query's limit, not an
    outage; retrying it would only repeat it."""
    with pytest.raises(BadRequest):
        classify("esearch", 200, {}, fixture("esearch_retstart_error.json"), fmt="json")


@pytest.mark.parametrize(
    "body",
    [
        PUBMED_SET[:-25],  # cut inside the last record
        PUBMED_SET[: PUBMED_SET.index(b"<PubmedArticle>")] + b"<PubmedArticleSet><Pubm",
        PUBMED_SET.replace(b"</PubmedArticleSet>", b""),  # record whole, set never closed
        PUBMED_SET[:60],  # cut inside the DOCTYPE, before any element
    ],
)
def test_a_body_cut_off_is_a_transport_error(body: bytes) -> None:
    """An XML reply missing the close of its root element was cut off (retryable)."""
    with pytest.raises(TransportError, match="cut off"):
        classify("efetch", 200, {}, body)


def test_a_json_reply_cut_off_is_a_transport_error() -> None:
    """JSON that ends early is a cut body too."""
    with pytest.raises(TransportError, match="cut off"):
        classify("esummary", 200, {}, fixture("esummary_mixed.json")[:100], fmt="json")


def test_an_empty_reply_is_a_transport_error() -> None:
    """No body at all is no reply."""
    with pytest.raises(TransportError, match="empty"):
        classify("efetch", 200, {}, b"  \n")


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        (b"Synthetic plain text where XML was expected", "xml"),
        (b"Synthetic plain text where JSON was expected", "json"),
        (fixture("esearch_synthetic.xml"), "json"),
    ],
)
def test_a_reply_in_the_wrong_format_is_unavailable(body: bytes, fmt: str) -> None:
    """Anything but the format asked for is an error, never data."""
    with pytest.raises(NcbiUnavailable):
        classify("esearch", 200, {}, body, fmt=fmt)  # type: ignore[arg-type]


def test_messages_are_scrubbed_of_secrets() -> None:
    """A secret echoed in NCBI's message is masked."""
    with pytest.raises(BadRequest) as caught:
        classify("esearch", 400, {}, b"<ERROR>bad key K3Y</ERROR>", secrets=["K3Y"])
    assert str(caught.value) == "esearch: bad key *** (HTTP 400)"


def test_errors_carry_the_request_parameters_given() -> None:
    """The (already scrubbed) parameters travel with the error for diagnosis."""
    with pytest.raises(BadRequest) as caught:
        classify("esearch", 200, {}, fixture("esearch_invalid_db.xml"), params={"db": "x"})
    assert caught.value.params == {"db": "x"}


# ------------------------------------------------------------------ parsers


def test_decode_json_accepts_a_raw_newline_inside_a_string() -> None:
    """NCBI's retstart error is not strict JSON; it still decodes."""
    data = decode_json(fixture("esearch_retstart_error.json"))
    assert "\n'retstart'" in data["esearchresult"]["ERROR"]


def test_decode_json_rejects_what_is_not_json() -> None:
    """Garbage is a ParseError."""
    with pytest.raises(ParseError):
        decode_json(b"{not json")


def test_parse_esearch_reads_ids_translation_misses_and_history() -> None:
    """Every field of an ESearch XML answer."""
    result = parse_esearch(fixture("esearch_synthetic.xml"), term="t")
    assert (result.term, result.count, result.retstart) == ("t", 3, 0)
    assert result.ids == ("99000003", "99000002", "99000001")
    assert result.query_translation == "synthetic[All Fields] AND zzqx[All Fields]"
    assert result.phrases_not_found == ("zzqy",)
    assert result.errors == ("FieldNotFound: nosuchfield",)
    assert result.warnings == ("PhraseIgnored: and", "Synthetic output message.")
    assert (result.query_key, result.webenv) == ("1", "MCID_000000000000000000000001")
    assert result.complete


def test_parse_esearch_reads_json_too() -> None:
    """The JSON form gives the same values (counts are strings there)."""
    body = (
        b'{"header":{"type":"esearch","version":"0.3"},"esearchresult":{"count":"25",'
        b'"retmax":"2","retstart":"0","idlist":["99000002","99000001"],'
        b'"querytranslation":"synthetic[All Fields]",'
        b'"errorlist":{"phrasesnotfound":["zzqy"],"fieldsnotfound":[]},'
        b'"warninglist":{"phrasesignored":[],"quotedphrasesnotfound":[],'
        b'"outputmessages":["Synthetic output message."]}}}'
    )
    result = parse_esearch(body)
    assert (result.count, result.ids, result.complete) == (25, ("99000002", "99000001"), False)
    assert (result.phrases_not_found, result.warnings) == (
        ("zzqy",),
        ("Synthetic output message.",),
    )


def test_parse_esearch_refuses_other_documents() -> None:
    """A reply that is not an eSearchResult is a ParseError."""
    with pytest.raises(ParseError, match="eSearchResult"):
        parse_esearch(PUBMED_SET)


def test_parse_esummary_keeps_each_uids_error() -> None:
    """Summaries by uid in NCBI's order; an unsummarizable uid keeps its "error"."""
    summaries = parse_esummary(fixture("esummary_mixed.json"))
    assert list(summaries) == ["99000001", "99000002"]
    assert summaries["99000001"]["source"] == "Synthetic J Test"
    assert summaries["99000002"] == {"uid": "99000002", "error": "cannot get document summary"}


def test_parse_idconv_reads_the_current_api() -> None:
    """pmid may be an int or a str; errmsg becomes the record's error."""
    records = parse_idconv(fixture("idconv_new_api.json"))
    assert [(r.requested_id, r.pmid, r.pmcid, r.doi, r.error) for r in records] == [
        ("99000001", "99000001", "PMC9900001", "10.5555/synthetic.1", None),
        ("99000002", "99000002", None, None, "Identifier not found in PMC"),
        ("99000003", "99000003", None, None, None),
    ]


def test_parse_idconv_reads_the_legacy_json() -> None:
    """The legacy form has no requested-id and string values."""
    (record,) = parse_idconv(fixture("idconv_legacy.json"))
    assert (record.requested_id, record.pmid, record.pmcid) == (None, "99000001", "PMC9900001")


def test_parse_idconv_reads_the_legacy_xml() -> None:
    """<pmcids><record .../></pmcids>, with status="error" records."""
    body = (
        b'<pmcids status="ok"><record requested-id="99000001" pmcid="PMC9900001" '
        b'pmid="99000001" doi="10.5555/synthetic.1"/><record requested-id="99000002" '
        b'status="error" errmsg="Identifier not found in PMC"/></pmcids>'
    )
    first, second = parse_idconv(body)
    assert (first.pmcid, second.error) == ("PMC9900001", "Identifier not found in PMC")


def test_build_bdata_writes_one_line_per_citation_with_its_own_keys() -> None:
    """journal|year|volume|page|author|key| lines joined by CR, none pre-encoded."""
    queries = [
        CitationQuery(
            journal="synthetic j test",
            year=2001,
            volume="1",
            first_page="101",
            author="doe j",
            key="users-own|key",
        ),
        CitationQuery(journal="second  |journal\n", year=None),
    ]
    assert build_bdata(queries) == (
        "synthetic j test|2001|1|101|doe j|pe0|\rsecond journal|||||pe1|"
    )


def test_parse_ecitmatch_matches_by_key_and_keeps_every_status() -> None:
    """found, NOT_FOUND with its reason, AMBIGUOUS; one answer per query, in order."""
    queries = [CitationQuery(journal="synthetic j test", key=k) for k in ("a", "b", "c", "d")]
    matches = parse_ecitmatch(fixture("ecitmatch_synthetic.txt"), queries)
    assert [(m.key, m.status, m.pmid, m.reason) for m in matches] == [
        ("a", "found", "99000001", None),
        ("b", "not_found", None, "INVALID_JOURNAL"),
        ("c", "ambiguous", None, "AMBIGUOUS"),
        ("d", "not_found", None, "no answer line"),
    ]


def test_parse_ecitmatch_keeps_ambiguous_candidates() -> None:
    """PMIDs NCBI names with AMBIGUOUS are kept; its citation count is not one of them."""
    text = "j|2001|1|1|a|pe0|AMBIGUOUS (2 citations) 99000001,99000002\n"
    (match,) = parse_ecitmatch(text, [CitationQuery(journal="j")])
    assert (match.status, match.candidates) == ("ambiguous", ("99000001", "99000002"))


def test_parse_elink_pairs_each_input_with_its_links() -> None:
    """One LinkSet per input UID; linked() reads one link name."""
    sets = parse_elink(fixture("elink_synthetic.xml"))
    assert [(s.dbfrom, s.ids, s.linked("pubmed_pmc")) for s in sets] == [
        ("pubmed", ("99000001",), ("9900001",)),
        ("pubmed", ("99000002",), ()),
    ]
    assert sets[0].links[0].dbto == "pmc"


def test_parse_elink_refuses_other_documents() -> None:
    """Malformed or foreign XML is a ParseError."""
    with pytest.raises(ParseError):
        parse_elink(b"<eLinkResult><LinkSet>")
    with pytest.raises(ParseError, match="eLinkResult"):
        parse_elink(PUBMED_SET)
