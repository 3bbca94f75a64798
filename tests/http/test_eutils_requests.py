"""What EutilsClient sends for each service: method, URL, parameters, form bodies, batching."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import responses
from ncbi_fakes import (
    API_KEY,
    EMAIL,
    EUTILS,
    IDCONV,
    efetch_body,
    esearch_body,
    fixture_bytes,
    synthetic_pmids,
)

from pubenrich import CitationQuery, EutilsClient, InvalidIdentifier, TransportError
from pubenrich.ncbi.esummary import parse_esummary

Client = Callable[..., EutilsClient]


def sent(call: Any) -> tuple[str, str, list[tuple[str, str]]]:
    """Method, URL without query, and the parameters of a recorded call (query + form body)."""
    request = call.request
    parts = urlsplit(request.url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if request.body:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        pairs += parse_qsl(body, keep_blank_values=True)
    return request.method, f"{parts.scheme}://{parts.netloc}{parts.path}", pairs


def test_a_small_efetch_is_one_get_carrying_tool_and_email(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Up to 200 ids go as one GET with db, id, retmode, tool and email (no key configured)."""
    mocked.get(EUTILS + "efetch.fcgi", body=efetch_body(["99000001", "99000002"]))
    batches = list(make_client().efetch(["99000001", 99000002]))
    method, url, params = sent(mocked.calls[0])
    assert (method, url) == ("GET", EUTILS + "efetch.fcgi")
    assert dict(params) == {
        "db": "pubmed",
        "id": "99000001,99000002",
        "retmode": "xml",
        "tool": "pubenrich",
        "email": EMAIL,
    }
    assert [b.ids for b in batches] == [("99000001", "99000002")]
    assert batches[0].body == efetch_body(["99000001", "99000002"])


def test_every_request_has_connect_and_read_timeouts(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Nothing can hang forever: the configured (connect, read) timeouts go with the request."""
    mocked.get(EUTILS + "efetch.fcgi", body=efetch_body(["99000001"]))
    list(make_client(connect_timeout=3.0, read_timeout=7.0).efetch(["99000001"]))
    assert mocked.calls[0].request.req_kwargs["timeout"] == (3.0, 7.0)


def test_450_ids_with_duplicates_become_three_posts_of_at_most_200(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Ids are deduplicated in input order and posted as form bodies of 200, 200 and 50."""
    pmids = synthetic_pmids(450)
    mocked.post(EUTILS + "efetch.fcgi", body=efetch_body(["99000001"]))
    batches = list(make_client(max_in_flight=1).efetch(pmids + pmids[:30] + [f"PMID: {pmids[0]}"]))
    methods = [sent(c)[0] for c in mocked.calls]
    bodies = [dict(sent(c)[2]) for c in mocked.calls]
    assert methods == ["POST", "POST", "POST"]
    assert [b["id"].split(",") for b in bodies] == [pmids[:200], pmids[200:400], pmids[400:]]
    assert all(
        c.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        for c in mocked.calls
    )
    assert urlsplit(mocked.calls[0].request.url).query == ""
    assert [b.ids for b in batches] == [
        tuple(pmids[:200]),
        tuple(pmids[200:400]),
        tuple(pmids[400:]),
    ]


def test_with_an_api_key_every_eutility_request_is_a_post(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """The key rides in the form body, never in a URL."""
    mocked.post(EUTILS + "efetch.fcgi", body=efetch_body(["99000001"]))
    list(make_client(api_key=API_KEY).efetch(["99000001"]))
    method, _, params = sent(mocked.calls[0])
    assert method == "POST"
    assert ("api_key", API_KEY) in params
    assert API_KEY not in mocked.calls[0].request.url


def test_efetch_passes_rettype_and_retmode(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """MEDLINE text is asked for with rettype=medline, retmode=text and handed back as is."""
    text = b"PMID- 99000001\nTI  - Synthetic record for parser tests.\n"
    mocked.get(EUTILS + "efetch.fcgi", body=text)
    batches = list(make_client().efetch(["99000001"], rettype="medline", retmode="text"))
    params = dict(sent(mocked.calls[0])[2])
    assert (params["rettype"], params["retmode"]) == ("medline", "text")
    assert batches[0].body == text


def test_efetch_rejects_an_invalid_pmid_before_sending(make_client: Client) -> None:
    """A PMID that is not one raises InvalidIdentifier and no request goes out."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        with pytest.raises(InvalidIdentifier):
            list(make_client().efetch(["not-a-pmid"]))
        assert len(rsps.calls) == 0


def test_esummary_asks_for_json_and_keeps_per_uid_errors(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """ESummary goes with retmode=json; the decoded reply keeps the uid NCBI could not summarize."""
    mocked.get(EUTILS + "esummary.fcgi", body=fixture_bytes("esummary_mixed.json"))
    (batch,) = list(make_client().esummary(["99000001", "99000002"]))
    method, url, params = sent(mocked.calls[0])
    assert (method, url) == ("GET", EUTILS + "esummary.fcgi")
    assert dict(params)["retmode"] == "json"
    summaries = parse_esummary(batch.data)
    assert summaries["99000002"]["error"] == "cannot get document summary"
    assert batch.ids == ("99000001", "99000002")


def test_esummary_batches_hold_at_most_500_ids(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """NCBI's JSON limit caps ESummary batches at 500 whatever batch_size says."""
    mocked.post(EUTILS + "esummary.fcgi", body=fixture_bytes("esummary_mixed.json"))
    list(make_client(batch_size=1000, max_in_flight=1).esummary(synthetic_pmids(700)))
    sizes = [len(dict(sent(c)[2])["id"].split(",")) for c in mocked.calls]
    assert sizes == [500, 200]


def test_esearch_sends_the_term_and_reads_the_answer(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """ESearch asks for up to 9,999 ids in XML and returns count, ids, translation, misses."""
    mocked.get(EUTILS + "esearch.fcgi", body=fixture_bytes("esearch_synthetic.xml"))
    result = make_client().esearch("synthetic AND zzqx AND zzqy", usehistory="y")
    params = dict(sent(mocked.calls[0])[2])
    assert params["term"] == "synthetic AND zzqx AND zzqy"
    assert (params["db"], params["retmax"], params["usehistory"]) == ("pubmed", "9999", "y")
    assert result.count == 3
    assert result.ids == ("99000003", "99000002", "99000001")
    assert result.phrases_not_found == ("zzqy",)
    assert result.webenv == "MCID_000000000000000000000001"


def test_a_long_esearch_term_is_posted(mocked: responses.RequestsMock, make_client: Client) -> None:
    """Queries of several hundred characters go as POST, as NCBI asks."""
    term = " OR ".join(f"synthetic{i}[tiab]" for i in range(40))
    mocked.post(EUTILS + "esearch.fcgi", body=esearch_body(0, []))
    make_client().esearch(term)
    method, _, params = sent(mocked.calls[0])
    assert method == "POST"
    assert dict(params)["term"] == term


def test_elink_sends_one_id_parameter_per_uid(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Repeated id= keeps each input paired with its links; link sets come back parsed."""
    mocked.get(EUTILS + "elink.fcgi", body=fixture_bytes("elink_synthetic.xml"))
    (linksets,) = list(
        make_client().elink(
            ["99000001", "99000002"], dbfrom="pubmed", db="pmc", linkname="pubmed_pmc"
        )
    )
    query = parse_qs(urlsplit(mocked.calls[0].request.url).query)
    assert query["id"] == ["99000001", "99000002"]
    assert (query["dbfrom"], query["db"], query["linkname"], query["cmd"]) == (
        ["pubmed"],
        ["pmc"],
        ["pubmed_pmc"],
        ["neighbor"],
    )
    assert [(s.ids, s.linked("pubmed_pmc")) for s in linksets] == [
        (("99000001",), ("9900001",)),
        (("99000002",), ()),
    ]


def test_ecitmatch_bdata_is_encoded_exactly_once(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Spaces become +, | becomes %7C, lines are joined by %0D, keys are the client's own."""
    mocked.get(EUTILS + "ecitmatch.cgi", body=fixture_bytes("ecitmatch_synthetic.txt"))
    queries = [
        CitationQuery(
            journal="synthetic j test",
            year=2001,
            volume=1,
            first_page=101,
            author="doe j",
            key="mine",
        ),
        CitationQuery(journal="synthetic j test", year=2001, volume=1, first_page=202),
    ]
    make_client().ecitmatch(queries)
    query = urlsplit(mocked.calls[0].request.url).query
    assert mocked.calls[0].request.method == "GET"
    assert (
        "bdata=synthetic+j+test%7C2001%7C1%7C101%7Cdoe+j%7Cpe0%7C%0D"
        "synthetic+j+test%7C2001%7C1%7C202%7C%7Cpe1%7C" in query
    )
    params = dict(parse_qsl(query))
    assert (params["db"], params["retmode"], params["rettype"]) == ("pubmed", "xml", "xml")
    assert params["bdata"] == (
        "synthetic j test|2001|1|101|doe j|pe0|\rsynthetic j test|2001|1|202||pe1|"
    )


def test_ecitmatch_a_pipe_inside_a_field_cannot_break_the_line(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """A | or a line break inside a field becomes a space, so the field count stays six."""
    mocked.get(EUTILS + "ecitmatch.cgi", body=b"")
    with pytest.raises(TransportError):  # an empty reply; only the request matters here
        make_client(max_attempts=1).ecitmatch(
            [CitationQuery(journal="synthetic|j\rtest", year="2001", author="doe|j")]
        )
    bdata = dict(parse_qsl(urlsplit(mocked.calls[0].request.url).query))["bdata"]
    assert bdata == "synthetic j test|2001|||doe j|pe0|"


def test_ecitmatch_gives_one_match_per_citation_in_order_with_ambiguity_kept(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Lines are matched by key, not order; a missing line and AMBIGUOUS stay visible."""
    # NCBI's lines in another order than the queries, and no line for the fourth query.
    reply = b"".join(fixture_bytes("ecitmatch_synthetic.txt").splitlines(keepends=True)[::-1])
    mocked.get(EUTILS + "ecitmatch.cgi", body=reply)
    queries = [
        CitationQuery(journal="synthetic j test", year=2001, volume=1, first_page=p, key="same")
        for p in (101, 202, 303, 404)
    ]
    matches = make_client().ecitmatch(queries)
    assert [(m.status, m.pmid) for m in matches] == [
        ("found", "99000001"),
        ("not_found", None),
        ("ambiguous", None),
        ("not_found", None),
    ]
    assert matches[1].reason == "INVALID_JOURNAL"
    assert matches[3].reason == "no answer line"
    assert {m.key for m in matches} == {"same"}


def test_ecitmatch_sends_50_citations_a_request(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """120 citations go in 3 requests and come back as 120 answers in input order."""
    mocked.get(EUTILS + "ecitmatch.cgi", body=b"x|1|1|1|x|pe0|99000001\n")
    queries = [CitationQuery(journal="synthetic j test", first_page=i) for i in range(120)]
    matches = make_client(max_in_flight=1).ecitmatch(queries)
    lines = [
        dict(parse_qsl(urlsplit(c.request.url).query))["bdata"].count("\r") + 1
        for c in mocked.calls
    ]
    assert lines == [50, 50, 20]
    assert len(matches) == 120
    assert [m.status for m in matches[:2]] == ["found", "not_found"]


def test_idconv_groups_ids_by_type_and_answers_each_in_request_order(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """One GET per id type with idtype set; one record per id, NCBI's omissions included."""
    mocked.get(IDCONV, body=fixture_bytes("idconv_new_api.json"))
    mocked.get(IDCONV, body=fixture_bytes("idconv_legacy.json"))
    lists = list(
        make_client(max_in_flight=1).idconv(
            ["99000001", "10.5555/SYNTHETIC.1", "PMID:99000002", "99000003", "99000004"]
        )
    )
    first = dict(sent(mocked.calls[0])[2])
    second = dict(sent(mocked.calls[1])[2])
    assert [c.request.method for c in mocked.calls] == ["GET", "GET"]
    assert (first["idtype"], first["ids"]) == ("pmid", "99000001,99000002,99000003,99000004")
    assert (second["idtype"], second["ids"]) == ("doi", "10.5555/SYNTHETIC.1")
    assert (first["format"], first["tool"], first["email"]) == ("json", "pubenrich", EMAIL)
    pmids = lists[0]
    assert [(r.requested_id, r.pmid, r.pmcid, r.error) for r in pmids] == [
        ("99000001", "99000001", "PMC9900001", None),
        ("99000002", "99000002", None, "Identifier not found in PMC"),
        ("99000003", "99000003", None, None),
        ("99000004", None, None, "no record in the reply"),
    ]
    (doi,) = lists[1]
    assert (doi.requested_id, doi.pmid, doi.pmcid) == (
        "10.5555/SYNTHETIC.1",
        "99000001",
        "PMC9900001",
    )


def test_idconv_never_sends_the_api_key(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """The converter documents tool and email only; the key stays home (and out of its URL)."""
    mocked.get(IDCONV, body=fixture_bytes("idconv_new_api.json"))
    list(make_client(api_key=API_KEY).idconv(["99000001"]))
    assert "api_key" not in dict(sent(mocked.calls[0])[2])


def test_idconv_takes_at_most_200_ids_a_request(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """The converter's limit holds even when batch_size is larger."""
    mocked.get(IDCONV, body=json.dumps({"status": "ok", "records": []}))
    list(make_client(batch_size=500, max_in_flight=1).idconv(synthetic_pmids(250)))
    sizes = [len(dict(sent(c)[2])["ids"].split(",")) for c in mocked.calls]
    assert sizes == [200, 50]


def test_the_legacy_idconv_url_is_followed_through_its_redirect(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """A 301 from the old converter address is followed to the answer."""
    legacy = "https://www.ncbi.nlm.nih.gov/pmc/utils/idconv/v1.0/"
    mocked.get(legacy, status=301, headers={"Location": IDCONV + "?moved=1"})
    mocked.get(IDCONV, body=fixture_bytes("idconv_new_api.json"))
    (records,) = list(make_client(idconv_url=legacy).idconv(["99000001"]))
    assert records[0].pmcid == "PMC9900001"


def test_a_custom_eutils_url_points_at_a_local_server(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Any base URL works, e.g. a fake NCBI on loopback (a missing slash is added)."""
    mocked.get("http://127.0.0.1:8080/entrez/eutils/efetch.fcgi", body=efetch_body(["99000001"]))
    client = make_client(eutils_url="http://127.0.0.1:8080/entrez/eutils")
    assert len(list(client.efetch(["99000001"]))) == 1


def test_offline_mode_sends_nothing(make_client: Client) -> None:
    """With offline=True the client refuses to send and says so."""
    from pubenrich import OfflineMiss

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        with pytest.raises(OfflineMiss):
            list(make_client(offline=True).efetch(["99000001"]))
        assert len(rsps.calls) == 0


def test_a_transport_given_to_the_client_is_left_open() -> None:
    """The client closes only what it created; a caller's transport stays usable."""
    from pubenrich.ncbi.transport import HttpRequest, HttpResponse

    class Recording:
        closed = False

        def send(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse(200, {}, efetch_body(["99000001"]), request.url)

        def close(self) -> None:
            self.closed = True

    transport = Recording()
    with EutilsClient(transport=transport) as client:
        assert len(list(client.efetch(["99000001"]))) == 1
    assert transport.closed is False
