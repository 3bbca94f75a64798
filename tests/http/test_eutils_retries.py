"""How EutilsClient meets failure: what it retries, how long it waits, when it gives up."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
import requests
import responses
from ncbi_fakes import EUTILS, FakeClock, efetch_body, fixture_bytes

from pubenrich import (
    BadRequest,
    Config,
    EutilsClient,
    NcbiUnavailable,
    RateLimited,
    TransportError,
)
from pubenrich.ncbi.ratelimit import RateLimiter

Client = Callable[..., EutilsClient]
EFETCH = EUTILS + "efetch.fcgi"
RATE_BODY = fixture_bytes("rate_limit.json")


def test_429_then_503_then_reset_then_200_succeeds_with_the_expected_waits(
    mocked: responses.RequestsMock,
    make_client: Client,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The 429 waits 0.5 s (and the shared limiter holds the next send 1 s); the 503 and the
    reset, counted apart from it, back off 0.5 then 1 s."""
    mocked.get(EFETCH, status=429, body=RATE_BODY, content_type="application/json")
    mocked.get(EFETCH, status=503, body=b"<html><title>503 Service Unavailable</title></html>")
    mocked.get(EFETCH, body=requests.ConnectionError("Connection reset by peer"))
    mocked.get(EFETCH, body=efetch_body(["99000001"]))
    caplog.set_level(logging.DEBUG, logger="pubenrich")

    batches = list(make_client(max_in_flight=1).efetch(["99000001"]))

    assert [b.ids for b in batches] == [("99000001",)]
    assert len(mocked.calls) == 4
    # retry 0.5 s, then the limiter's remaining 0.5 s of the 1 s pause, retry 0.5 s, retry 1 s
    assert clock.sleeps == [0.5, 0.5, 0.5, 1.0]
    retries = [r for r in caplog.records if hasattr(r, "wait_seconds")]
    assert [(r.error, r.wait_seconds, r.attempt) for r in retries] == [  # type: ignore[attr-defined]
        ("RateLimited", 0.5, 1),
        ("NcbiUnavailable", 0.5, 2),
        ("TransportError", 1.0, 3),
    ]
    # One warning, the limiter's for the 429; the 503 and the reset, cured within seconds,
    # are debug lines (an outage is told once it lasts; see tests/unit/test_outage.py).
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1
    assert "throttled" in warned[0]


def test_a_permanent_error_fails_fast_with_ncbis_message(
    mocked: responses.RequestsMock, make_client: Client, clock: FakeClock
) -> None:
    """<ERROR>Invalid db name ...</ERROR> with HTTP 200 is raised at once: one call, no wait."""
    mocked.get(EUTILS + "esearch.fcgi", body=fixture_bytes("esearch_invalid_db.xml"))
    with pytest.raises(BadRequest, match="Invalid db name specified: nosuchdb") as caught:
        make_client().esearch("synthetic", db="nosuchdb")
    assert len(mocked.calls) == 1
    assert clock.sleeps == []
    assert caught.value.endpoint == "esearch"
    assert caught.value.params["db"] == "nosuchdb"


def test_an_http_400_is_not_retried(
    mocked: responses.RequestsMock, make_client: Client, clock: FakeClock
) -> None:
    """A 4xx other than 429 is the request's fault; retrying cannot help."""
    mocked.get(EFETCH, status=400, body=b"<ERROR>Synthetic bad request for tests</ERROR>")
    with pytest.raises(BadRequest, match="Synthetic bad request"):
        list(make_client().efetch(["99000001"]))
    assert (len(mocked.calls), clock.sleeps) == (1, [])


def test_retries_stop_after_max_attempts_with_the_last_error(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """A 503 that never ends is tried max_attempts times, then raised."""
    mocked.get(EFETCH, status=503, body=b"busy")
    with pytest.raises(NcbiUnavailable) as caught:
        list(make_client(max_attempts=3).efetch(["99000001"]))
    assert len(mocked.calls) == 3
    assert caught.value.status == 503


def test_retries_stop_when_the_total_time_would_pass_its_bound(
    mocked: responses.RequestsMock, make_client: Client, clock: FakeClock
) -> None:
    """With 2 s allowed, waits of 0.5 and 1 s fit and the next (2 s) does not: 3 attempts."""
    mocked.get(EFETCH, status=502, body=b"bad gateway")
    with pytest.raises(NcbiUnavailable):
        list(make_client(max_attempts=10, max_retry_seconds=2.0).efetch(["99000001"]))
    assert len(mocked.calls) == 3
    assert clock.now <= 2.0


def test_retry_after_is_honoured(
    mocked: responses.RequestsMock, make_client: Client, clock: FakeClock
) -> None:
    """A 429 that says Retry-After: 7 waits 7 s, not the 0.5 s backoff."""
    mocked.get(EFETCH, status=429, body=RATE_BODY, headers={"Retry-After": "7"})
    mocked.get(EFETCH, body=efetch_body(["99000001"]))
    list(make_client(max_in_flight=1).efetch(["99000001"]))
    assert clock.sleeps[0] == 7.0
    assert clock.now == pytest.approx(7.0)


def test_ncbis_rate_json_with_http_200_is_a_rate_limit(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """The rate-limit body is recognised whatever the status, and retried."""
    mocked.get(EFETCH, body=RATE_BODY)
    mocked.get(EFETCH, body=efetch_body(["99000001"]))
    assert len(list(make_client().efetch(["99000001"]))) == 1
    assert len(mocked.calls) == 2


def test_a_body_cut_off_mid_record_is_retried(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """An efetch reply without its closing </PubmedArticleSet> is never handed on."""
    whole = efetch_body(["99000001", "99000002"])
    mocked.get(EFETCH, body=whole[: len(whole) // 2])
    mocked.get(EFETCH, body=whole)
    (batch,) = list(make_client().efetch(["99000001", "99000002"]))
    assert batch.body == whole
    assert len(mocked.calls) == 2


def test_a_body_cut_off_every_time_ends_in_a_transport_error(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """When NCBI keeps cutting the body, the caller gets TransportError, not half a batch."""
    mocked.get(EFETCH, body=efetch_body(["99000001"])[:-5])
    with pytest.raises(TransportError, match="cut off"):
        list(make_client(max_attempts=2).efetch(["99000001"]))


def test_a_timeout_is_retried(mocked: responses.RequestsMock, make_client: Client) -> None:
    """A read timeout counts as a transport failure and is tried again."""
    mocked.get(EFETCH, body=requests.ReadTimeout("read timed out"))
    mocked.get(EFETCH, body=efetch_body(["99000001"]))
    assert len(list(make_client().efetch(["99000001"]))) == 1


def test_backend_failures_inside_http_200_are_retried(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """ "Search Backend failed" in an eSearchResult is NCBI being unwell, not the query."""
    mocked.get(EUTILS + "esearch.fcgi", body=fixture_bytes("esearch_backend_failed.xml"))
    mocked.get(EUTILS + "esearch.fcgi", body=fixture_bytes("esearch_synthetic.xml"))
    assert make_client().esearch("synthetic").count == 3


def test_a_429_slows_every_user_of_the_shared_limiter(
    mocked: responses.RequestsMock, clock: FakeClock
) -> None:
    """Two clients on one limiter: after one meets a 429, the other's next send waits too."""
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    settings = {"clock": clock, "sleep": clock.sleep, "random": lambda: 0.0, "limiter": limiter}
    first = EutilsClient(Config(max_attempts=1, max_in_flight=1), **settings)  # type: ignore[arg-type]
    second = EutilsClient(Config(max_in_flight=1), **settings)  # type: ignore[arg-type]
    mocked.get(EFETCH, status=429, body=RATE_BODY)
    mocked.get(EFETCH, body=efetch_body(["99000001"]))
    with pytest.raises(RateLimited):
        list(first.efetch(["99000001"]))
    list(second.efetch(["99000001"]))
    assert clock.sleeps == [1.0]  # the 1 s pause, though the second client never saw a 429
