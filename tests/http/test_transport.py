"""RequestsTransport: whole replies, redirects followed, requests' exceptions translated."""

from __future__ import annotations

import pytest
import requests
import responses

from pubenrich import NcbiError, TransportError
from pubenrich.ncbi.transport import HttpRequest, RequestsTransport

URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"


def test_a_get_returns_status_headers_body_and_final_url() -> None:
    """The reply is complete, header names are lower-cased."""
    with responses.RequestsMock() as rsps:
        rsps.get(URL, body=b"<x/>", headers={"X-RateLimit-Limit": "3"})
        reply = RequestsTransport().send(HttpRequest("GET", URL, params=[("db", "pubmed")]))
    assert (reply.status, reply.body) == (200, b"<x/>")
    assert reply.headers["x-ratelimit-limit"] == "3"
    assert reply.url == URL + "?db=pubmed"


def test_a_post_sends_a_form_body() -> None:
    """POST pairs go form-encoded in the body, repeated names kept."""
    with responses.RequestsMock() as rsps:
        rsps.post(URL, body=b"<x/>")
        RequestsTransport().send(HttpRequest("POST", URL, data=[("id", "1"), ("id", "2")]))
        assert rsps.calls[0].request.body == "id=1&id=2"


def test_redirects_are_followed() -> None:
    """A 302 leads to the answer, as the legacy ID converter needs."""
    with responses.RequestsMock() as rsps:
        rsps.get(URL, status=302, headers={"Location": URL + "?moved=1"})
        rsps.get(URL + "?moved=1", body=b"<x/>")
        assert RequestsTransport().send(HttpRequest("GET", URL)).body == b"<x/>"


@pytest.mark.parametrize(
    ("raised", "message"),
    [
        (requests.ConnectionError("reset by peer"), "connection failed"),
        (requests.ConnectTimeout("connect timed out"), "timed out"),
        (requests.ReadTimeout("read timed out"), "timed out"),
        (requests.exceptions.ChunkedEncodingError("incomplete read"), "reply cut short"),
        (requests.exceptions.ContentDecodingError("bad gzip"), "could not be decompressed"),
        (requests.exceptions.InvalidHeader("bad header"), r"request failed \(InvalidHeader\)"),
    ],
)
def test_requests_failures_become_transport_errors(raised: Exception, message: str) -> None:
    """Every requests exception is translated at this one boundary, the original chained."""
    with responses.RequestsMock() as rsps:
        rsps.get(URL, body=raised)
        with pytest.raises(TransportError, match=message) as caught:
            RequestsTransport().send(HttpRequest("GET", URL))
    assert caught.value.__cause__ is raised


def test_a_redirect_loop_is_an_ncbi_error_not_a_retry() -> None:
    """Too many redirects will not get better by trying again."""
    with responses.RequestsMock() as rsps:
        rsps.get(URL, body=requests.TooManyRedirects("loop"))
        with pytest.raises(NcbiError, match="too many redirects") as caught:
            RequestsTransport().send(HttpRequest("GET", URL))
    assert not isinstance(caught.value, TransportError)


def test_request_repr_and_safe_url_mask_the_secrets() -> None:
    """api_key and email never show in a request's printable forms."""
    request = HttpRequest(
        "GET", URL, params={"id": "1", "api_key": "K3Y", "email": "me@example.org"}
    )
    assert "K3Y" not in repr(request)
    assert "me@example.org" not in repr(request)
    assert request.safe_url() == URL + "?id=1&api_key=%2A%2A%2A&email=%2A%2A%2A"
    assert request.redact("url?api_key=K3Y&email=me%40example.org") == "url?api_key=***&email=***"


def test_a_callers_session_is_not_closed() -> None:
    """A session passed in stays the caller's to close."""
    closed: list[bool] = []

    class Session(requests.Session):
        def close(self) -> None:
            closed.append(True)

    RequestsTransport(Session()).close()
    assert closed == []
