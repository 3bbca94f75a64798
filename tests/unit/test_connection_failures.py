"""A connection that cannot be made at all: named by its cause, tried twice, logged short."""

from __future__ import annotations

import logging

import pytest
import requests
import urllib3.exceptions

from pubenrich.errors import ConnectionFailed, TransportError
from pubenrich.ncbi.retry import Retrier, RetryPolicy
from pubenrich.ncbi.transport import HttpRequest, RequestsTransport

URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"


class RaisingSession(requests.Session):
    """A session whose every request raises the given error, as requests raises it."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error

    def request(self, *args: object, **kwargs: object) -> requests.Response:  # type: ignore[override]
        raise self.error


def _wrapped(inner: BaseException) -> requests.ConnectionError:
    """requests' ConnectionError around urllib3's MaxRetryError around ``inner``."""
    pool_error = urllib3.exceptions.MaxRetryError(None, "/efetch.fcgi", inner)  # type: ignore[arg-type]
    return requests.ConnectionError(pool_error)


def _send(error: BaseException) -> BaseException:
    transport = RequestsTransport(session=RaisingSession(error))
    with pytest.raises(TransportError) as caught:
        transport.send(HttpRequest("GET", URL, params={"id": "1", "api_key": "SECRET"}))
    return caught.value


def test_name_resolution_failure_is_named() -> None:
    """A DNS failure says so and names the host."""
    inner = urllib3.exceptions.NameResolutionError(
        "eutils.ncbi.nlm.nih.gov", None, OSError(-2, "Name or service not known")
    )  # type: ignore[arg-type]
    error = _send(_wrapped(inner))
    assert isinstance(error, ConnectionFailed)
    assert error.cause.startswith("name resolution failed for eutils.ncbi.nlm.nih.gov")
    assert "SECRET" not in str(error)


def test_refused_connection_is_named() -> None:
    """A refusal says so; a refused proxy says it was the proxy."""
    direct = _send(_wrapped(ConnectionRefusedError(111, "Connection refused")))
    assert isinstance(direct, ConnectionFailed)
    assert "connection refused by eutils.ncbi.nlm.nih.gov" in direct.cause
    proxy = requests.exceptions.ProxyError(
        urllib3.exceptions.MaxRetryError(None, "/", ConnectionRefusedError(111, "refused"))  # type: ignore[arg-type]
    )
    assert "refused by the proxy" in _send(proxy).cause  # type: ignore[attr-defined]


def test_a_reset_is_no_connection_failure() -> None:
    """A reset after connecting stays a plain TransportError, retried as before."""
    error = _send(requests.ConnectionError("Connection reset by peer"))
    assert type(error) is TransportError


def test_connection_failures_are_tried_twice_and_logged_short(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two attempts, not six; the retry line names endpoint, ids, attempt and cause only."""
    caplog.set_level(logging.WARNING, logger="pubenrich.ncbi.retry")
    calls = []

    def attempt() -> str:
        calls.append(1)
        raise ConnectionFailed("connection refused by the proxy")

    retrier = Retrier(RetryPolicy(), sleep=lambda _s: None, draw=lambda: 0.0)
    with pytest.raises(ConnectionFailed):
        retrier.call(attempt, what="efetch", ids=200)
    assert len(calls) == 2
    retry = caplog.records[0].getMessage()
    assert retry == (
        "efetch (200 ids): attempt 1 failed (connection refused by the proxy), retrying in 0.5 s"
    )
