"""The API key (and the email) never show in logs at any level, reprs, cache files, recorded
fixtures or CLI output, on real HTTP against the fake NCBI. Reprs of the config and client,
client errors and retry logs through ``responses`` are covered in
tests/http/test_eutils_secrets.py; errors and logs of the fault runs in test_faults.py."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fault_jobs import fast_config, open_enricher, start_fake

from pubenrich import CitationQuery, Config, Enricher, EutilsClient, NcbiError, SqliteCache
from pubenrich.testing import replay
from pubenrich.testing.fake_ncbi import FaultPlan, SyntheticUniverse

API_KEY = "SECRET-integration-key-7d3a91c4"
EMAIL = "secret.person.7d3a@example.org"
UNIVERSE = SyntheticUniverse(size=300, seed=4)
REPO = Path(__file__).resolve().parents[2]


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record: message, arguments and extra fields."""
    return "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)


def assert_hidden(text: str) -> None:
    """Neither the key nor the email, plain or URL-encoded, is in ``text``."""
    for secret in (API_KEY, EMAIL, EMAIL.replace("@", "%40")):
        assert secret not in text


def test_get_requests_do_not_leak_through_urllib3_debug_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ECitMatch and the ID converter go as GET with the key or email in the URL; urllib3's
    and the fake server's DEBUG request lines show them masked."""
    caplog.set_level(logging.DEBUG)
    with start_fake(UNIVERSE) as fake:
        config = fast_config(fake, api_key=API_KEY, email=EMAIL)
        with EutilsClient(config) as client:
            client.ecitmatch([CitationQuery(journal="j synth rec", year=2001)])
            list(client.idconv(["PMC90000001"]))
    logged = everything_logged(caplog)
    assert "ecitmatch.cgi?" in logged  # urllib3 did log the request line
    assert "api_key=***" in logged
    assert_hidden(logged)


def test_the_enricher_repr_hides_the_key(tmp_path: Path) -> None:
    """The Enricher's repr, and those of its config, client and cache, never show the key."""
    config = Config(api_key=API_KEY, email=EMAIL)
    with Enricher(config, cache=SqliteCache(tmp_path / "c.sqlite3")) as enricher:
        shown = [repr(enricher), str(enricher), repr(enricher.config), repr(enricher.client)]
        shown.append(repr(enricher.cache))
    assert API_KEY not in "\n".join(shown)


def test_the_cache_file_never_holds_the_key(tmp_path: Path) -> None:
    """After fetches and conversions under 429s whose body names the key, no byte of the
    cache file (nor its journal files) holds the key or the email."""
    path = tmp_path / "secret.sqlite3"
    plan = FaultPlan(seed=3, rates={"rate_limit": 0.2, "http_503": 0.1})
    pmids = UNIVERSE.pmids()[:120]
    with start_fake(UNIVERSE, faults=plan) as fake:
        config = fast_config(fake, api_key=API_KEY, email=EMAIL)
        with open_enricher(config, SqliteCache(path)) as enricher:
            fetched = list(enricher.fetch(pmids))
            list(enricher.convert([f"PMC{90000001 + i}" for i in range(60)]))
        assert fake.stats.snapshot()["status_429"] > 0
    assert any(r.status == "found" for r in fetched)
    files = list(tmp_path.glob("secret.sqlite3*"))
    assert path in files
    for file in files:
        data = file.read_bytes()
        assert API_KEY.encode() not in data
        assert EMAIL.encode() not in data


def test_a_recorded_fixture_never_holds_the_key(tmp_path: Path) -> None:
    """Recording a run whose 429 replies name the key writes a file without key or email."""
    path = tmp_path / "recorded.json"
    plan = FaultPlan(seed=1, rates={"rate_limit": 0.3})
    with start_fake(UNIVERSE, faults=plan) as fake:
        config = fast_config(fake, api_key=API_KEY, email=EMAIL)
        with replay.record(path, note="secrets test"), open_enricher(config) as enricher:
            list(enricher.fetch(UNIVERSE.pmids()[:100]))
            list(enricher.convert(["PMC90000001", "10.5555/synthetic.98000002"]))
        assert fake.stats.snapshot()["status_429"] > 0
    text = path.read_text()
    assert '"status": 429' in text
    assert "SCRUBBED" in text  # the 429 body's "api-key" was there, and masked
    assert_hidden(text)


class _EchoKeyHandler(BaseHTTPRequestHandler):
    """Answers every request with a body that is not UTF-8 and quotes the query string."""

    def do_GET(self) -> None:
        body = b"\xff\xfe synthetic non-UTF-8 error body for " + self.path.encode()
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the recording, not the server log."""


@pytest.fixture
def echo_server() -> Iterator[str]:
    """A loopback server whose replies echo the request's query string in a binary body."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoKeyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils/"
    server.shutdown()
    server.server_close()


def test_a_recorded_binary_body_is_scrubbed_too(
    tmp_path: Path, echo_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A reply that is not UTF-8 and quotes the request URL: the recording (base64) and the
    error logged mask the key and the URL-encoded email."""
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "binary.json"
    config = Config(eutils_url=echo_server, api_key=API_KEY, email=EMAIL, max_attempts=1)
    recording = replay.record(path)
    with recording, EutilsClient(config) as client, pytest.raises(NcbiError, match="HTTP 500"):
        client.ecitmatch([CitationQuery(journal="j synth rec", year=2001)])
    document = json.loads(path.read_text())
    (exchange,) = document["exchanges"]
    body = base64.b64decode(exchange["body_base64"])
    assert b"synthetic non-UTF-8" in body
    assert b"SCRUBBED" in body
    assert_hidden(body.decode("latin-1"))
    assert_hidden(everything_logged(caplog))


def test_cli_output_never_shows_the_key(tmp_path: Path) -> None:
    """``python -m pubenrich`` with the key and email in the environment or as options:
    neither appears in the output of any command, of a failure (with --debug too), of --help
    or --version. Commands run offline: the cache answers, nothing is sent."""
    text = tmp_path / "page.txt"
    text.write_text("Synthetic record. PMID: 99000001. doi: 10.5555/synthetic.1\n")
    cache = str(tmp_path / "cli.sqlite3")
    env = {**os.environ, "NCBI_API_KEY": API_KEY, "NCBI_EMAIL": EMAIL, "PYTHONPATH": str(REPO)}
    identity = ["--api-key", API_KEY, "--email", EMAIL]
    runs = [
        ["extract", str(text)],
        ["extract", str(tmp_path / "absent.txt")],
        ["fetch", "99000001", "--offline", "--cache", cache],
        ["--debug", "fetch", "99000001", "--offline", "--cache", cache, *identity],
        ["convert", "PMC9000001", "not an id", "--offline", "--cache", cache, *identity],
        ["--debug", "enrich", str(text), "--offline", "--cache", cache],
        ["enrich", "--format", "bibtex", str(text), "--offline", "--cache", cache, *identity],
        ["cache", "info", "--cache", cache],
        ["--debug", "fetch", "1", "--api-key", f"{API_KEY} x", "--offline", "--cache", cache],
        ["--help"],
        ["enrich", "--help"],
        ["--version"],
        ["no-such-command"],
    ]
    seen = []
    for args in runs:
        done = subprocess.run(
            [sys.executable, "-m", "pubenrich", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        seen.append(done.stdout + done.stderr)
    assert "99000001" in seen[0]
    assert "offline" in seen[2].lower()
    assert "Traceback" in seen[8]  # --debug shows the traceback of a refused key, not the key
    assert_hidden("\n".join(seen))
    assert API_KEY.encode() not in Path(cache).read_bytes()
