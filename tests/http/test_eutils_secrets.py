"""The API key never shows: not in a log line, a repr, an exception message or a logged URL."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import pytest
import requests
import responses
from ncbi_fakes import API_KEY, EUTILS, efetch_body, fixture_bytes

from pubenrich import CitationQuery, Config, EutilsClient, PubenrichError
from pubenrich.ncbi.transport import HttpRequest

Client = Callable[..., EutilsClient]


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record: message, arguments and extra fields."""
    return "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)


def test_the_key_is_absent_from_reprs(make_client: Client) -> None:
    """Config, client and request reprs hide the key."""
    client = make_client(api_key=API_KEY)
    request = HttpRequest("GET", EUTILS + "efetch.fcgi", params={"api_key": API_KEY, "id": "1"})
    for shown in (repr(client.config), repr(client), repr(request), request.safe_url()):
        assert API_KEY not in shown


def test_the_key_is_absent_from_logs_of_a_retried_request(
    mocked: responses.RequestsMock, make_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """Debug logs of requests and warnings of retries never carry the key."""
    caplog.set_level(logging.DEBUG)
    mocked.post(EUTILS + "efetch.fcgi", status=503, body=b"busy")
    mocked.post(EUTILS + "efetch.fcgi", body=efetch_body(["99000001"]))
    list(make_client(api_key=API_KEY).efetch(["99000001"]))
    logged = everything_logged(caplog)
    assert "retrying" in logged
    assert API_KEY not in logged


def test_the_key_is_absent_from_ncbi_errors_even_when_ncbi_echoes_it(
    mocked: responses.RequestsMock, make_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """An error body quoting the key (NCBI's rate JSON names it) is masked in the message."""
    caplog.set_level(logging.DEBUG)
    mocked.post(
        EUTILS + "esearch.fcgi",
        status=400,
        body=f"<ERROR>Synthetic refusal for key {API_KEY}</ERROR>".encode(),
    )
    with pytest.raises(PubenrichError) as caught:
        make_client(api_key=API_KEY).esearch("synthetic")
    error = caught.value
    assert API_KEY not in str(error)
    assert API_KEY not in repr(error)
    assert API_KEY not in repr(getattr(error, "params", {}))
    assert API_KEY not in everything_logged(caplog)


def test_the_key_is_absent_from_a_transport_error_and_its_traceback(
    mocked: responses.RequestsMock, make_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """ECitMatch sends the key in its GET URL; a connection error quoting that URL is masked
    in our message, in the chained requests exception and in the formatted traceback."""
    caplog.set_level(logging.DEBUG)
    url = f"{EUTILS}ecitmatch.cgi?db=pubmed&api_key={API_KEY}"
    mocked.get(
        EUTILS + "ecitmatch.cgi",
        body=requests.ConnectionError(f"Max retries exceeded with url: {url}"),
    )
    with pytest.raises(PubenrichError) as caught:
        make_client(api_key=API_KEY, max_attempts=2).ecitmatch(
            [CitationQuery(journal="synthetic j test", year=2001)]
        )
    query = mocked.calls[0].request.url
    assert API_KEY in query  # the key did go, as NCBI documents, in the URL
    formatted = "".join(traceback.format_exception(caught.value))
    assert "ConnectionError" in formatted
    assert API_KEY not in formatted
    assert API_KEY not in everything_logged(caplog)


def test_from_env_reads_the_key_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key from NCBI_API_KEY is used but never appears in the config's repr."""
    monkeypatch.setenv("NCBI_API_KEY", API_KEY)
    config = Config.from_env()
    assert config.api_key == API_KEY
    assert API_KEY not in repr(config)
    assert API_KEY not in str(config)


def test_rate_limit_errors_do_not_quote_the_body(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """NCBI's rate JSON names the key (or the caller's IP); the error says only what happened."""
    mocked.post(EUTILS + "efetch.fcgi", status=429, body=fixture_bytes("rate_limit.json"))
    with pytest.raises(PubenrichError) as caught:
        list(make_client(api_key=API_KEY, max_attempts=1).efetch(["99000001"]))
    assert str(caught.value) == "efetch: API rate limit exceeded (HTTP 429)"
