"""Record and replay: what is written, what is scrubbed, what is served, what fails."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import requests

from pubenrich import Config, EutilsClient
from pubenrich.errors import PubenrichError
from pubenrich.testing.replay import (
    FORMAT,
    Replayer,
    ReplayMiss,
    ReplayTransport,
    record,
    replay,
)

SECRET_KEY = "k3y-0123456789abcdef"
SECRET_MAIL = "someone@example.org"


class _Echo(BaseHTTPRequestHandler):
    """Answers with the request line and the body, and leaks the key in a header."""

    def _answer(self, body: bytes) -> None:
        payload = f"{self.command} {self.path} {body.decode()}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=UTF-8")
        self.send_header("X-RateLimit-Limit", "10")
        self.send_header("X-Debug", SECRET_KEY)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        self._answer(self.rfile.read(int(self.headers["Content-Length"])))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils/efetch.fcgi"
    server.shutdown()
    server.server_close()


def _record_one(path: Path, url: str) -> str:
    with record(path, note="unit test"):
        params = {"db": "pubmed", "id": "1,2", "api_key": SECRET_KEY, "email": SECRET_MAIL}
        return requests.get(url, params=params, timeout=5).text


def test_record_writes_the_exchange_without_identity(tmp_path: Path, echo_url: str) -> None:
    """The file holds method, url, params and body; api_key, email never appear in it."""
    path = tmp_path / "x.json"
    _record_one(path, echo_url)
    text = path.read_text(encoding="utf-8")
    assert SECRET_KEY not in text
    assert SECRET_MAIL not in text
    data = json.loads(text)
    assert data["format"] == FORMAT
    assert data["origin"] == "recorded"
    (exchange,) = data["exchanges"]
    assert exchange["method"] == "GET"
    assert exchange["url"] == echo_url
    assert exchange["params"] == {"db": "pubmed", "id": "1,2"}
    assert exchange["status"] == 200
    assert "X-Debug" not in exchange["headers"]
    assert exchange["headers"]["X-RateLimit-Limit"] == "10"


def test_replay_serves_what_was_recorded(tmp_path: Path, echo_url: str) -> None:
    """Offline, the same request gets the same body, whatever key or email it carries."""
    path = tmp_path / "x.json"
    live = _record_one(path, echo_url)
    with replay(path) as replayer:
        params = {"db": "pubmed", "id": "1,2", "api_key": "other", "email": "x@y.z"}
        again = requests.get(echo_url, params=params, timeout=5).text
    # The echoed URL holds the email URL-encoded; that form is scrubbed too.
    for secret in (SECRET_KEY, SECRET_MAIL, quote_plus(SECRET_MAIL)):
        live = live.replace(secret, "SCRUBBED")
    assert again == live
    assert replayer.calls == 1


def test_replay_matches_a_post_form_body_to_get_params(tmp_path: Path, echo_url: str) -> None:
    """A request recorded as GET is served to the same parameters sent as a POST form."""
    path = tmp_path / "x.json"
    _record_one(path, echo_url)
    with replay(path):
        reply = requests.post(echo_url, data={"db": "pubmed", "id": "1,2"}, timeout=5)
    assert reply.status_code == 200


def test_replay_fails_loudly_on_an_unrecorded_request(tmp_path: Path, echo_url: str) -> None:
    """A request the file does not hold raises ReplayMiss, a PubenrichError, at once."""
    path = tmp_path / "x.json"
    _record_one(path, echo_url)
    with replay(path), pytest.raises(ReplayMiss, match="no recorded answer") as caught:
        requests.get(echo_url, params={"db": "pubmed", "id": "3"}, timeout=5)
    assert isinstance(caught.value, PubenrichError)


def test_replay_refuses_a_file_of_another_format(tmp_path: Path) -> None:
    """A file that is not a replay fixture is rejected with its path in the message."""
    path = tmp_path / "bad.json"
    path.write_text('{"format": "vcr"}', encoding="utf-8")
    with pytest.raises(ReplayMiss, match="not a pubenrich-replay/1 file"), replay(path):
        pass


def test_identical_requests_are_served_in_recorded_order(tmp_path: Path) -> None:
    """Two recordings of one request answer in turn; the last repeats after that."""
    url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
    exchanges = [
        {"method": "GET", "url": url, "params": {"term": "a"}, "status": 503, "body": "busy"},
        {"method": "GET", "url": url, "params": {"term": "a"}, "status": 200, "body": "ok"},
    ]
    path = tmp_path / "seq.json"
    path.write_text(json.dumps({"format": FORMAT, "exchanges": exchanges}), encoding="utf-8")
    with replay(path):
        got = [requests.get(url, params={"term": "a"}, timeout=5) for _ in range(3)]
    assert [(r.status_code, r.text) for r in got] == [(503, "busy"), (200, "ok"), (200, "ok")]


def test_binary_bodies_round_trip(tmp_path: Path) -> None:
    """A body that is not UTF-8 is kept as base64 and served byte for byte."""
    url = "https://example.invalid/x"
    blob = bytes(range(256))
    import base64

    exchange = {
        "method": "GET",
        "url": url,
        "params": {},
        "status": 200,
        "body_base64": base64.b64encode(blob).decode(),
    }
    path = tmp_path / "bin.json"
    path.write_text(json.dumps({"format": FORMAT, "exchanges": [exchange]}), encoding="utf-8")
    with replay(path):
        assert requests.get(url, timeout=5).content == blob


@pytest.mark.ncbi_replay("../fixtures/replay/selftest.json")
def test_pytest_fixture_replays_the_marked_file(ncbi_replay: Replayer) -> None:
    """The ncbi_replay fixture serves the file named by the marker, relative to the test."""
    reply = requests.get(
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/einfo.fcgi", params={"db": "x"}, timeout=5
    )
    assert reply.status_code == 200
    assert ncbi_replay.calls == 1
    assert "<ERROR>Can not retrieve DbInfo for db=x</ERROR>" in reply.text


def _hand_built(path: Path) -> Path:
    exchange = {
        "method": "GET",
        "url": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi",
        "params": {"db": "pubmed", "retmax": "9999", "retmode": "xml", "term": "synthetic"},
        "status": 200,
        "headers": {"Content-Type": "text/xml"},
        "body": "<eSearchResult><Count>1</Count><IdList><Id>99000001</Id></IdList></eSearchResult>",
    }
    path.write_text(json.dumps({"format": FORMAT, "exchanges": [exchange]}), encoding="utf-8")
    return path


def test_replay_transport_serves_a_client_without_patching(tmp_path: Path) -> None:
    """Given to the client, the transport answers its requests, a POST with a key included."""
    transport = ReplayTransport.from_file(_hand_built(tmp_path / "f.json"))
    config = Config(api_key=SECRET_KEY, email=SECRET_MAIL)  # with a key, every request POSTs
    with EutilsClient(config, transport=transport) as client:
        result = client.esearch("synthetic")
    assert result.ids == ("99000001",)
    assert transport.calls == 1


def test_replay_transport_fails_loudly_on_an_unrecorded_request(tmp_path: Path) -> None:
    """A request the file does not hold raises ReplayMiss at once, not after retries."""
    transport = ReplayTransport.from_file(_hand_built(tmp_path / "f.json"))
    with EutilsClient(transport=transport) as client, pytest.raises(ReplayMiss):
        client.esearch("something else")
    assert client.requests_sent == {"esearch": 1}


def test_replay_transport_is_not_paced_at_ncbis_rate(tmp_path: Path) -> None:
    """A recording answers from this machine: the client's limiter never makes it wait."""
    waits: list[float] = []
    transport = ReplayTransport.from_file(_hand_built(tmp_path / "f.json"))
    with EutilsClient(Config(), transport=transport, sleep=waits.append) as client:
        for _ in range(5):  # five requests at the keyless 3 a second would wait about 1.3 s
            client.esearch("synthetic")
    assert transport.calls == 5
    assert waits == []
