"""Real NCBI bodies (../shared/ncbi-samples) are classified correctly and the small ones parse.

Every file of the sample corpus is either data or a named error; the corpus' own MANIFEST
supplies the expected counts (ids, link sets, records), so nothing here repeats the code's
answers. Skips when ../shared is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import pytest
import yaml

from pubenrich import BadRequest, CitationQuery, NcbiUnavailable, TransportError
from pubenrich.ncbi.classify import classify
from pubenrich.ncbi.ecitmatch import parse_ecitmatch
from pubenrich.ncbi.elink import parse_elink
from pubenrich.ncbi.esearch import parse_esearch
from pubenrich.ncbi.esummary import parse_esummary
from pubenrich.ncbi.idconv import parse_idconv

pytestmark = pytest.mark.shared

# Whole replies that are errors, and why.
ERRORS: dict[str, type[Exception]] = {
    "efetch_other/biopython__pubmed3.html": NcbiUnavailable,  # HTML page, not XML
    "einfo/Eutils-JSON__einfo.error.xml": BadRequest,  # Can not retrieve DbInfo for db=...
    "epost/biopython__epost2.xml": BadRequest,  # Invalid db name specified
    "epost/biopython__epost3.xml": BadRequest,  # Empty ID list; some IDs invalid
    "esearch/Eutils-JSON__esearch.baderror.xml": BadRequest,  # Invalid db name specified
    "esummary/Eutils-JSON__esummary.error.xml": BadRequest,  # Invalid db name specified
    "esummary/biopython__esummary8.xml": BadRequest,  # Neither query_key nor id specified
    "idconv/rcrossref__id_converter_fails_type_param_bad.yml": BadRequest,  # 404, ID type
}
# Replies the MANIFEST flags as holding an error that concerns only part of the answer:
# they are data, the problem stays visible in the parsed value.
PARTIAL = {
    "esummary/Eutils-JSON__esummary.pmcerror.xml",  # one uid: cannot get document summary
    "esearch/biopython__esearch8.xml",  # zero hits, PhraseNotFound
    "esearch/Eutils-JSON__esearch.error.xml",  # hits, plus PhraseNotFound for one term
    "ecitmatch/pubmed-client__citmatch_mixed.txt",  # one citation NOT_FOUND
}
TEXT_KINDS = {"efetch_medline_text", "ecitmatch"}


def manifest(shared: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(
        (shared / "ncbi-samples" / "MANIFEST.json").read_text(encoding="utf-8")
    )
    return entries


def endpoint_of(entry: dict[str, Any]) -> str:
    kind = entry["kind"]
    return "efetch" if kind.startswith("efetch") else kind


def replies_of(shared: Path, entry: dict[str, Any]) -> list[tuple[str, int, dict[str, str], bytes]]:
    """(endpoint, status, headers, body) of each reply a corpus file holds."""
    path = shared / "ncbi-samples" / entry["file"]
    if entry["kind"] == "cassettes_http":
        found = []
        for exchange in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            response = exchange["response"]
            endpoint = urlsplit(exchange["request"]["uri"]).path.rsplit("/", 1)[-1].split(".")[0]
            headers = {k: v[0] for k, v in response["headers"].items()}
            body = response["body"]["string"].encode("utf-8")
            found.append((endpoint, response["status"]["code"], headers, body))
        return found
    if entry["kind"] == "idconv":
        found = []
        for exchange in yaml.safe_load(path.read_text(encoding="utf-8"))["http_interactions"]:
            response = exchange["response"]
            status = int(response["status"]["status_code"])
            body = response["body"]["string"].encode("utf-8")
            found.append(("idconv", status, dict(response["headers"]), body))
        return found
    return [(endpoint_of(entry), 200, {}, path.read_bytes())]


def test_every_manifest_error_is_accounted_for(shared_dir: Path) -> None:
    """Each file the MANIFEST flags as holding an error is expected here as error or partial."""
    flagged = {e["file"] for e in manifest(shared_dir) if e["error"]}
    # The MANIFEST lists the legacy HTML body as a garbage body, not as an error reply.
    assert flagged == (set(ERRORS) | PARTIAL) - {"efetch_other/biopython__pubmed3.html"}


def test_every_sample_is_classified_as_data_or_its_error(shared_dir: Path) -> None:
    """All 90 corpus files: errors raise their class, everything else passes as data."""
    wrong = []
    for entry in manifest(shared_dir):
        fmt = "text" if entry["kind"] in TEXT_KINDS else None
        for endpoint, status, headers, body in replies_of(shared_dir, entry):
            expected = ERRORS.get(entry["file"])
            try:
                classify(endpoint, status, headers, body, fmt=fmt)  # type: ignore[arg-type]
                got: type[Exception] | None = None
            except (BadRequest, NcbiUnavailable, TransportError) as exc:
                got = type(exc)
            if got is not expected:
                wrong.append((entry["file"], expected, got))
    assert wrong == []


def test_real_efetch_bodies_cut_short_are_transport_errors(shared_dir: Path) -> None:
    """Any real efetch XML cut at two thirds is detected as cut off, never passed as data."""
    entries = [e for e in manifest(shared_dir) if e["kind"] == "efetch_pubmed_xml"]
    assert entries
    for entry in entries:
        body = (shared_dir / "ncbi-samples" / entry["file"]).read_bytes()
        with pytest.raises(TransportError, match="cut off"):
            classify("efetch", 200, {}, body[: len(body) * 2 // 3])


def test_real_esearch_replies_parse_to_the_manifest_counts(shared_dir: Path) -> None:
    """Count and the number of ids match what the corpus records for each reply."""
    checked = 0
    for entry in manifest(shared_dir):
        match = re.match(r"Count=(\d+); (\d+) ids returned", entry["records"])
        if not match or entry["file"] in ERRORS:
            continue
        for endpoint, _status, _headers, body in replies_of(shared_dir, entry):
            if endpoint != "esearch":
                continue
            result = parse_esearch(body)
            assert (result.count, len(result.ids)) == (int(match[1]), int(match[2])), entry
            checked += 1
    assert checked >= 8


def test_real_history_and_misses_are_kept(shared_dir: Path) -> None:
    """usehistory's WebEnv and QueryKey, and the phrases NCBI could not find, are read."""
    samples = shared_dir / "ncbi-samples" / "esearch"
    with_history = parse_esearch((samples / "biopython__esearch2.xml").read_bytes())
    assert with_history.webenv is not None
    assert with_history.webenv.startswith("MCID_")
    assert with_history.query_key == "1"
    for name in ("biopython__esearch8.xml", "Eutils-JSON__esearch.error.xml"):
        assert parse_esearch((samples / name).read_bytes()).phrases_not_found != ()


def test_real_elink_replies_parse_to_the_manifest_counts(shared_dir: Path) -> None:
    """Link sets and links match the corpus' counts."""
    for entry in manifest(shared_dir):
        if entry["kind"] != "elink":
            continue
        sets_, links = map(int, re.findall(r"\d+", entry["records"]))
        parsed = parse_elink((shared_dir / "ncbi-samples" / entry["file"]).read_bytes())
        assert len(parsed) == sets_
        assert sum(len(link.ids) for s in parsed for link in s.links) == links


def test_real_esummary_json_parses(shared_dir: Path) -> None:
    """The JSON docsum count matches; each summary has its uid."""
    for entry in manifest(shared_dir):
        if entry["kind"] == "esummary" and entry["file"].endswith(".json"):
            body = (shared_dir / "ncbi-samples" / entry["file"]).read_bytes()
            summaries = parse_esummary(body)
            assert len(summaries) == int(entry["records"].split()[0])
            assert all(s["uid"] == uid for uid, s in summaries.items())


def test_real_idconv_legacy_reply_parses(shared_dir: Path) -> None:
    """The legacy converter JSON gives its record with PMID, PMCID and DOI."""
    entry = next(e for e in manifest(shared_dir) if e["file"].endswith("id_converter.yml"))
    ((_, _, _, body),) = replies_of(shared_dir, entry)
    records = parse_idconv(body)
    assert len(records) == int(entry["records"].split()[0])
    requested = dict(parse_qsl(urlsplit(entry["request"]).query))["ids"]
    assert records[0].doi == requested
    assert records[0].pmid is not None
    assert records[0].pmcid is not None
    assert records[0].pmcid.startswith("PMC")


def test_real_ecitmatch_replies_give_one_answer_per_citation_sent(shared_dir: Path) -> None:
    """Keys read from each recorded request pair every citation with its own line."""
    for entry in manifest(shared_dir):
        if entry["kind"] != "ecitmatch":
            continue
        bdata = unquote_plus(entry["request"].split("bdata=", 1)[1]).replace("%0D", "\r")
        lines = [line for line in bdata.split("\r") if line]
        keys = [line.split("|")[5] for line in lines]
        queries = [CitationQuery(journal=line.split("|")[0]) for line in lines]
        text = (shared_dir / "ncbi-samples" / entry["file"]).read_text(encoding="utf-8")
        matches = parse_ecitmatch(text, queries, keys=keys)
        assert len(matches) == len(keys) == int(entry["records"].split()[0])
        for key, match in zip(keys, matches, strict=True):
            (line,) = [t for t in text.splitlines() if t.split("|")[5] == key]
            if match.status == "found":
                assert line.endswith("|" + str(match.pmid))
            else:
                assert match.status == "not_found"
                assert "NOT_FOUND" in line
