"""The fake NCBI speaks NCBI's formats, limits, latency and faults, on loopback only."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pubenrich.config import Config
from pubenrich.ncbi.client import EutilsClient
from pubenrich.ncbi.ecitmatch import CitationQuery
from pubenrich.ncbi.esummary import parse_esummary
from pubenrich.testing.fake_ncbi import FAULT_KINDS, FakeNcbi, FaultPlan, SyntheticUniverse

UNIVERSE = SyntheticUniverse(size=400, seed=7)


@pytest.fixture
def fake() -> Iterator[FakeNcbi]:
    """A fake without rate enforcement, for format tests."""
    with FakeNcbi(UNIVERSE, enforce_rate=False) as server:
        yield server


@pytest.fixture
def client(fake: FakeNcbi) -> Iterator[EutilsClient]:
    """The project's client pointed at the fake."""
    config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, requests_per_second=50)
    with EutilsClient(config) as eutils:
        yield eutils


def _known(n: int) -> list[str]:
    return UNIVERSE.pmids()[:n]


def _unknown() -> str:
    span = range(UNIVERSE.first_pmid, UNIVERSE.first_pmid + UNIVERSE.size)
    return next(str(p) for p in span if not UNIVERSE.exists(p))


def _paths(element: ET.Element, prefix: str = "") -> set[str]:
    path = f"{prefix}/{element.tag}"
    found = {path}
    for child in element:
        found |= _paths(child, path)
    return found


# ---------------------------------------------------------------- the universe


def test_universe_is_deterministic_by_seed() -> None:
    """The same seed gives the same records; another seed gives others."""
    again = SyntheticUniverse(size=400, seed=7)
    other = SyntheticUniverse(size=400, seed=8)
    assert [again.record(p) for p in again.pmids()] == [UNIVERSE.record(p) for p in _known(400)]
    assert other.pmids() != UNIVERSE.pmids()


def test_universe_proportions_are_as_documented() -> None:
    """About 2% unknown, 90% of records with a DOI, 60% in PMC."""
    big = SyntheticUniverse(size=5000, seed=1)
    records = list(big.records())
    assert 0.01 < 1 - len(records) / 5000 < 0.03
    assert 0.87 < sum(r.doi is not None for r in records) / len(records) < 0.93
    assert 0.57 < sum(r.pmcid is not None for r in records) / len(records) < 0.63


def test_universe_looks_up_doi_any_case_and_pmcid() -> None:
    """DOIs resolve case-insensitively and PMCIDs follow the documented offset."""
    rec = next(r for r in UNIVERSE.records() if r.doi and r.pmcid)
    assert UNIVERSE.pmid_for_doi(rec.doi.upper()) == rec.pmid
    assert rec.pmcid == f"PMC{int(rec.pmid) - UNIVERSE.first_pmid + 90000001}"
    assert UNIVERSE.pmid_for_pmcid(rec.pmcid) == rec.pmid
    assert rec.title.startswith(f"Synthetic record {rec.pmid}: ")


# ---------------------------------------------------------------- formats


def test_efetch_body_has_ncbi_layout(fake: FakeNcbi) -> None:
    """Prolog and DOCTYPE as NCBI's, records joined without newlines, no trailing newline."""
    ids = [*_known(3), _unknown()]
    body = requests.get(
        fake.eutils_url + "efetch.fcgi", params={"db": "pubmed", "id": ",".join(ids)}, timeout=5
    ).content
    assert body.startswith(b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC')
    assert b"</PubmedArticle><PubmedArticle>" in body
    assert body.endswith(b"</PubmedArticle></PubmedArticleSet>")
    root = ET.fromstring(body)
    assert [e.text for e in root.iter("PMID")] == _known(3)


def test_efetch_of_unknown_ids_is_an_empty_set(fake: FakeNcbi) -> None:
    """Only unknown ids give NCBI's empty PubmedArticleSet."""
    reply = requests.post(
        fake.eutils_url + "efetch.fcgi", data={"db": "pubmed", "id": _unknown()}, timeout=5
    )
    assert reply.content.endswith(b"\n<PubmedArticleSet></PubmedArticleSet>")


def test_efetch_element_paths_are_those_of_a_real_record(fake: FakeNcbi, shared_dir: Path) -> None:
    """Every element path of a synthetic record occurs in a real efetch sample."""
    real = ET.parse(shared_dir / "ncbi-samples/efetch_pubmed_xml/metapub__38762411.xml").getroot()
    synthetic = ET.fromstring(UNIVERSE.efetch_xml(_known(5)))
    assert _paths(synthetic) <= _paths(real)


def test_client_reads_efetch(client: EutilsClient) -> None:
    """The project's client accepts the body; unknown ids are absent from it."""
    ids = [*_known(5), _unknown()]
    (batch,) = list(client.efetch(ids))
    assert batch.ids == tuple(ids)
    assert [e.text for e in ET.fromstring(batch.body).iter("PMID")] == _known(5)


def test_client_reads_esummary_with_per_uid_errors(client: EutilsClient) -> None:
    """ESummary JSON has NCBI's header, uids in order, and an error entry for unknown uids."""
    ids = [*_known(2), _unknown()]
    (batch,) = list(client.esummary(ids))
    assert batch.data["header"] == {"type": "esummary", "version": "0.3"}
    assert batch.data["result"]["uids"] == _known(2)
    assert batch.data["result"][_unknown()]["error"] == "cannot get document summary"
    summaries = parse_esummary(batch.data)
    assert summaries[_known(1)[0]]["title"] == UNIVERSE.record(_known(1)[0]).title  # type: ignore[union-attr]


def test_client_searches_by_doi_or_joined(client: EutilsClient) -> None:
    """An OR of [doi] terms finds each record with that DOI."""
    recs = [r for r in UNIVERSE.records() if r.doi][:3]
    term = " OR ".join(f"{r.doi}[doi]" for r in recs)
    result = client.esearch(term)
    assert sorted(result.ids) == sorted(r.pmid for r in recs)
    assert result.count == 3


def test_client_searches_title_author_year_combined(client: EutilsClient) -> None:
    """An AND of [ti], [au] and [dp] narrows to the records that match all three."""
    rec = next(UNIVERSE.records())
    word = rec.title.split(": ")[1].split()[0]
    author = f"{rec.authors[0].last} {rec.authors[0].initials}"
    result = client.esearch(f'"{word}"[ti] AND {author}[au] AND {rec.year}[dp]')
    assert rec.pmid in result.ids
    for pmid in result.ids:
        other = UNIVERSE.record(pmid)
        assert other is not None
        assert other.year == rec.year
        assert word in other.title


def test_esearch_zero_hits_names_the_phrase(client: EutilsClient) -> None:
    """A term that finds nothing answers count 0 with PhraseNotFound."""
    result = client.esearch("10.5555/nothing.here[doi]")
    assert result.count == 0
    assert result.phrases_not_found == ("10.5555/nothing.here[doi]",)


def test_esearch_json_has_ncbi_shape(fake: FakeNcbi) -> None:
    """ESearch JSON carries string counts, idlist and querytranslation."""
    pmid = _known(1)[0]
    data = requests.get(
        fake.eutils_url + "esearch.fcgi",
        params={"db": "pubmed", "term": f"{pmid}[pmid]", "retmode": "json"},
        timeout=5,
    ).json()
    assert data["header"]["type"] == "esearch"
    assert data["esearchresult"]["count"] == "1"
    assert data["esearchresult"]["idlist"] == [pmid]


def test_client_reads_elink_one_linkset_per_id(client: EutilsClient) -> None:
    """pubmed_pmc answers one link set per id, linking the PMC ones only."""
    ids = _known(6)
    (sets,) = list(client.elink(ids, dbfrom="pubmed", db="pmc", linkname="pubmed_pmc"))
    assert [s.ids for s in sets] == [(i,) for i in ids]
    for s in sets:
        rec = UNIVERSE.record(s.ids[0])
        expected = (rec.pmcid[3:],) if rec and rec.pmcid else ()
        assert tuple(i for link in s.links for i in link.ids) == expected


def test_elink_json_links_pmc_back_to_pubmed(fake: FakeNcbi) -> None:
    """pmc_pubmed in JSON gives the PMID of a PMC id."""
    rec = next(r for r in UNIVERSE.records() if r.pmcid)
    params = {"dbfrom": "pmc", "db": "pubmed", "id": rec.pmcid[3:], "retmode": "json"}  # type: ignore[index]
    data = requests.get(fake.eutils_url + "elink.fcgi", params=params, timeout=5).json()
    assert data["linksets"][0]["linksetdbs"][0]["links"] == [rec.pmid]


def test_client_reads_ecitmatch(client: EutilsClient) -> None:
    """ECitMatch finds a full citation, rejects an unknown journal, flags an ambiguous one."""
    rec = next(UNIVERSE.records())
    full = CitationQuery(
        journal=rec.iso_abbreviation,
        year=rec.year,
        volume=rec.volume,
        first_page=rec.first_page,
        author=f"{rec.authors[0].last} {rec.authors[0].initials}",
        key="a",
    )
    bad = CitationQuery(journal="no such journal", year="2000", volume="1", first_page="1", key="b")
    vague = CitationQuery(journal=rec.journal, key="c")
    found, missing, ambiguous = client.ecitmatch([full, bad, vague])
    assert (found.status, found.pmid) == ("found", rec.pmid)
    assert (missing.status, missing.reason) == ("not_found", "INVALID_JOURNAL")
    assert ambiguous.status == "ambiguous"


def test_ecitmatch_echoes_lowercased_lines(fake: FakeNcbi) -> None:
    """Each answer line is the query lower-cased with the PMID appended."""
    rec = next(UNIVERSE.records())
    bdata = f"{rec.journal}|{rec.year}|{rec.volume}|{rec.first_page}||Key1|".replace(" ", "+")
    text = requests.get(
        fake.eutils_url + "ecitmatch.cgi", params={"db": "pubmed", "bdata": bdata}, timeout=5
    ).text
    assert (
        text == f"{rec.journal.lower()}|{rec.year}|{rec.volume}|{rec.first_page}||key1|{rec.pmid}\n"
    )


def test_client_reads_idconv(client: EutilsClient) -> None:
    """The ID converter answers PMIDs and DOIs, with an error record for ids not in PMC."""
    rec = next(r for r in UNIVERSE.records() if r.doi and r.pmcid)
    outside = next(r for r in UNIVERSE.records() if not r.pmcid)
    lists = list(client.idconv([rec.pmid, outside.pmid, rec.doi]))
    flat = [r for batch in lists for r in batch]
    assert flat[0].pmcid == rec.pmcid
    assert flat[0].doi == rec.doi
    assert flat[1].error == "Identifier not found in PMC"
    assert flat[2].pmid == rec.pmid


def test_idconv_json_has_int_pmid_and_refuses_over_200(fake: FakeNcbi) -> None:
    """PMIDs are integers as in the new API; more than 200 ids is an error."""
    rec = next(r for r in UNIVERSE.records() if r.pmcid)
    data = requests.get(
        fake.idconv_url, params={"ids": rec.pmid, "format": "json"}, timeout=5
    ).json()
    assert data["status"] == "ok"
    assert data["records"][0]["pmid"] == int(rec.pmid)
    many = requests.get(
        fake.idconv_url, params={"ids": ",".join(_known(201)), "format": "json"}, timeout=5
    )
    assert many.json()["status"] == "error"


def test_headers_are_ncbis(fake: FakeNcbi) -> None:
    """XML and JSON replies carry NCBI's content types and rate-limit headers."""
    xml = requests.get(
        fake.eutils_url + "efetch.fcgi", params={"db": "pubmed", "id": _known(1)[0]}, timeout=5
    )
    js = requests.get(
        fake.eutils_url + "esummary.fcgi",
        params={"db": "pubmed", "id": _known(1)[0], "retmode": "json"},
        timeout=5,
    )
    assert xml.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert js.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert xml.headers["X-RateLimit-Limit"] == "3"
    assert "X-RateLimit-Remaining" in xml.headers


# ---------------------------------------------------------------- rate limit


def _burst(url: str, n: int, **params: str) -> list[requests.Response]:
    with requests.Session() as session:
        return [
            session.get(url, params={"db": "pubmed", "id": _known(1)[0], **params}, timeout=5)
            for _ in range(n)
        ]


def test_burst_over_three_per_second_gets_ncbis_429() -> None:
    """Ten requests at once without a key: three pass, the rest get 429 with NCBI's body."""
    with FakeNcbi(UNIVERSE) as fake:
        replies = _burst(fake.eutils_url + "efetch.fcgi", 10)
    statuses = [r.status_code for r in replies]
    assert statuses[:3] == [200] * 3
    assert set(statuses[3:]) == {429}
    body = replies[5].json()
    assert body["error"] == "API rate limit exceeded"
    assert body["api-key"] == "127.0.0.1"
    assert body["limit"] == "3"
    assert fake.stats.snapshot()["rate_limited"] == 7


def test_a_key_allows_ten_per_second() -> None:
    """With an api_key the limit is 10, counted per key."""
    with FakeNcbi(UNIVERSE) as fake:
        replies = _burst(fake.eutils_url + "efetch.fcgi", 12, api_key="synthetickey")
    assert [r.status_code for r in replies].count(429) == 2
    assert replies[-1].json() == {
        "error": "API rate limit exceeded",
        "api-key": "synthetickey",
        "count": "11",
        "limit": "10",
    }


def test_pacing_below_the_rate_gets_no_429() -> None:
    """Requests at 2.5 per second for two seconds are all served."""
    with FakeNcbi(UNIVERSE) as fake, requests.Session() as session:
        statuses = []
        for _ in range(6):
            statuses.append(
                session.get(
                    fake.eutils_url + "efetch.fcgi",
                    params={"db": "pubmed", "id": _known(1)[0]},
                    timeout=5,
                ).status_code
            )
            time.sleep(0.4)
    assert statuses == [200] * 6


# ---------------------------------------------------------------- faults


def _one_request(
    fake: FakeNcbi, endpoint: str = "efetch.fcgi", timeout: float = 0.5, **params: str
) -> requests.Response:
    query = {"db": "pubmed", "id": ",".join(_known(20)), **params}
    return requests.get(fake.eutils_url + endpoint, params=query, timeout=timeout)


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        (
            "rate_limit",
            lambda r: r.status_code == 429 and r.json()["error"] == "API rate limit exceeded",
        ),
        ("http_500", lambda r: r.status_code == 500),
        ("http_502", lambda r: r.status_code == 502),
        ("http_503", lambda r: r.status_code == 503),
        (
            "truncate",
            lambda r: r.status_code == 200 and not r.content.endswith(b"</PubmedArticleSet>"),
        ),
        (
            "html_error",
            lambda r: r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"),
        ),
        (
            "error_200",
            lambda r: (
                r.status_code == 200 and b"<eFetchResult>" in r.content and b"<ERROR>" in r.content
            ),
        ),
        ("omit_ids", lambda r: 0 < r.content.count(b"<PubmedArticle>") < 20),
    ],
)
def test_each_reply_fault_looks_as_documented(kind: str, check: object) -> None:
    """A fault kind at rate 1 shapes every reply its own way and is counted."""
    with FakeNcbi(UNIVERSE, enforce_rate=False, faults=FaultPlan(rates={kind: 1.0})) as fake:
        reply = _one_request(fake)
    assert check(reply)  # type: ignore[operator]
    assert fake.stats.snapshot()["faults"] == {kind: 1}


def test_reset_fault_drops_the_connection() -> None:
    """A reset closes the socket without a reply."""
    plan = FaultPlan(rates={"reset": 1.0})
    with (
        FakeNcbi(UNIVERSE, enforce_rate=False, faults=plan) as fake,
        pytest.raises(requests.ConnectionError),
    ):
        _one_request(fake)


def test_stall_fault_outlasts_the_read_timeout() -> None:
    """A stall holds the reply past the client's read timeout."""
    plan = FaultPlan(rates={"stall": 1.0}, stall_seconds=1.5)
    with (
        FakeNcbi(UNIVERSE, enforce_rate=False, faults=plan) as fake,
        pytest.raises(requests.Timeout),
    ):
        _one_request(fake)


def test_error_200_for_esearch_json_is_search_backend_failed() -> None:
    """ESearch JSON carries the ERROR key NCBI uses with HTTP 200."""
    with FakeNcbi(UNIVERSE, enforce_rate=False, faults=FaultPlan(rates={"error_200": 1.0})) as fake:
        reply = _one_request(fake, "esearch.fcgi", term="x[ti]", retmode="json")
    assert reply.status_code == 200
    assert reply.json()["esearchresult"]["ERROR"].startswith("Search Backend failed")


def test_faults_follow_seed_and_rate() -> None:
    """The same seed faults the same request numbers; the frequency matches the rate."""
    rates = {kind: 0.05 for kind in FAULT_KINDS}
    plan, same, other = (
        FaultPlan(seed=3, rates=rates),
        FaultPlan(seed=3, rates=rates),
        FaultPlan(seed=4, rates=rates),
    )
    drawn = [plan.fault_for(i) for i in range(4000)]
    assert drawn == [same.fault_for(i) for i in range(4000)]
    assert drawn != [other.fault_for(i) for i in range(4000)]
    for kind in FAULT_KINDS:
        assert 0.03 < drawn.count(kind) / 4000 < 0.07


def test_server_injects_the_planned_faults() -> None:
    """Over 40 requests the server's fault counts equal the plan's for those request numbers."""
    plan = FaultPlan(seed=5, rates={"http_500": 0.2, "html_error": 0.2, "omit_ids": 0.2})
    with FakeNcbi(UNIVERSE, enforce_rate=False, faults=plan) as fake, requests.Session() as session:
        for _ in range(40):
            session.get(
                fake.eutils_url + "efetch.fcgi",
                params={"db": "pubmed", "id": ",".join(_known(20))},
                timeout=5,
            )
        counts = fake.stats.snapshot()["faults"]
    expected = [plan.fault_for(i) for i in range(40)]
    assert counts == {k: expected.count(k) for k in set(expected) if k}


def test_client_survives_transient_faults() -> None:
    """The project's client retries 500s, resets and cut bodies and gets every record."""
    plan = FaultPlan(seed=1, rates={"http_503": 0.15, "reset": 0.1, "truncate": 0.1})
    with FakeNcbi(UNIVERSE, enforce_rate=False, faults=plan) as fake:
        config = Config(eutils_url=fake.eutils_url, requests_per_second=50, batch_size=20)
        with EutilsClient(config) as eutils:
            bodies = [b.body for b in eutils.efetch(_known(200))]
    got = [e.text for body in bodies for e in ET.fromstring(body).iter("PMID")]
    assert got == _known(200)


# ---------------------------------------------------------------- server life


def test_binds_loopback_only() -> None:
    """The server listens on 127.0.0.1 and refuses any other address."""
    with FakeNcbi(UNIVERSE) as fake:
        assert fake.address[0] == "127.0.0.1"
        assert fake.eutils_url.startswith("http://127.0.0.1:")
    with pytest.raises(ValueError, match="loopback"):
        FakeNcbi(UNIVERSE, host="0.0.0.0")


def test_shuts_down_cleanly_even_mid_stall() -> None:
    """Leaving the context frees the port at once, cutting a stalled reply short."""
    plan = FaultPlan(rates={"stall": 1.0}, stall_seconds=30)
    fake = FakeNcbi(UNIVERSE, enforce_rate=False, faults=plan).start()
    port = fake.port

    def call() -> None:
        with contextlib.suppress(requests.RequestException):
            _one_request(fake, timeout=60)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    time.sleep(0.2)
    start = time.monotonic()
    fake.stop()
    caller.join(timeout=3)
    assert time.monotonic() - start < 3
    assert not caller.is_alive()
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=1),
    ):
        pass


def test_latency_applies_and_requests_overlap() -> None:
    """Each request takes the latency; five at once take about one latency, not five."""
    seen: list[int] = []

    def latency(index: int) -> float:
        seen.append(index)
        return 0.4

    with FakeNcbi(UNIVERSE, latency=latency, enforce_rate=False) as fake:
        start = time.monotonic()
        requests.get(fake.eutils_url + "einfo.fcgi", timeout=5)
        single = time.monotonic() - start
        threads = [
            threading.Thread(
                target=requests.get, args=(fake.eutils_url + "einfo.fcgi",), kwargs={"timeout": 5}
            )
            for _ in range(5)
        ]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        together = time.monotonic() - start
        peak = fake.stats.snapshot()["max_concurrent"]
    assert single >= 0.4
    assert together < 1.0
    assert peak >= 2
    assert sorted(seen) == list(range(6))


def test_reset_stats_zeroes_the_counts(fake: FakeNcbi) -> None:
    """reset_stats starts the counts afresh."""
    requests.get(
        fake.eutils_url + "efetch.fcgi", params={"db": "pubmed", "id": _known(1)[0]}, timeout=5
    )
    assert fake.stats.snapshot()["requests"] == {"efetch": 1}
    fake.reset_stats()
    assert fake.stats.snapshot()["total_requests"] == 0


def test_json_bodies_are_valid_json(fake: FakeNcbi) -> None:
    """ESummary JSON decodes with the standard library."""
    reply = requests.get(
        fake.eutils_url + "esummary.fcgi",
        params={"db": "pubmed", "id": _known(1)[0], "retmode": "json"},
        timeout=5,
    )
    assert json.loads(reply.content)["result"]["uids"] == _known(1)


def test_cli_serves_on_loopback() -> None:
    """``python -m pubenrich.testing.fake_ncbi`` says where it listens and serves there."""
    repo = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "pubenrich.testing.fake_ncbi", "--port", "0", "--size", "50"]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().split(" at ")[1].strip()
            assert url.startswith("http://127.0.0.1:")
            reply = requests.get(
                url + "efetch.fcgi", params={"db": "pubmed", "id": "98000001"}, timeout=5
            )
            assert reply.content.endswith(b"</PubmedArticleSet>")
        finally:
            proc.terminate()
