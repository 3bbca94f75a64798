"""Requests in flight together: overlap, order of results, a bounded window, early stops.

These scenarios use the real clock (the fake one cannot make threads overlap) with a rate
high enough that only the replies' simulated latency matters; each takes well under a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import responses
from ncbi_fakes import EUTILS, efetch_body, synthetic_pmids

from pubenrich import Config, EutilsClient

EFETCH = EUTILS + "efetch.fcgi"


class SlowNcbi:
    """A `responses` callback that answers each batch after a delay and counts overlap."""

    def __init__(self, delay_for: dict[str, float]) -> None:
        self.delay_for = delay_for
        self.active = 0
        self.most_active = 0
        self.started: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        ids = dict(parse_qsl(urlsplit(request.url).query))["id"].split(",")
        with self._lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            self.started.append(ids[0])
        time.sleep(self.delay_for.get(ids[0], 0.01))
        with self._lock:
            self.active -= 1
        return 200, {}, efetch_body(ids)


def fast_client(**settings: Any) -> EutilsClient:
    return EutilsClient(Config(requests_per_second=1000, **settings))


def test_requests_overlap_yet_batches_come_back_in_request_order() -> None:
    """Later batches answered first are still yielded after the earlier ones."""
    pmids = synthetic_pmids(8)
    # the first batch is the slowest, the last the fastest
    slow = SlowNcbi({pmid: 0.2 - 0.02 * n for n, pmid in enumerate(pmids)})
    with responses.RequestsMock() as rsps, fast_client(batch_size=1, max_in_flight=4) as client:
        rsps.add_callback(responses.GET, EFETCH, callback=slow)
        got = [batch.ids[0] for batch in client.efetch(pmids)]
    assert got == pmids
    assert 2 <= slow.most_active <= 4


def test_the_window_never_holds_more_than_max_in_flight_requests() -> None:
    """Batches are submitted as results are taken, never all at once: memory stays flat."""
    pmids = synthetic_pmids(30)
    slow = SlowNcbi({})
    with responses.RequestsMock() as rsps, fast_client(batch_size=1, max_in_flight=3) as client:
        rsps.add_callback(responses.GET, EFETCH, callback=slow)
        batches = client.efetch(pmids)
        next(batches)
        started_after_first = len(slow.started)
        list(batches)
    assert started_after_first <= 3
    assert slow.most_active <= 3


def test_ids_are_drawn_lazily_from_the_input() -> None:
    """A generator of ids is read only as far as the window needs, not to the end first."""
    drawn: list[str] = []

    def pmids() -> Iterator[str]:
        for pmid in synthetic_pmids(1000):
            drawn.append(pmid)
            yield pmid

    with responses.RequestsMock() as rsps, fast_client(batch_size=100, max_in_flight=2) as client:
        rsps.add_callback(responses.POST, EFETCH, callback=_echo_post)
        batches = client.efetch(pmids())
        next(batches)
        # the GET-or-POST lookahead (just past 200 ids) plus the window of two batches
        assert len(drawn) <= 500
        batches.close()


def _echo_post(request: Any) -> tuple[int, dict[str, str], bytes]:
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    return 200, {}, efetch_body(dict(parse_qsl(body))["id"].split(","))


def test_stopping_early_sends_no_further_batches() -> None:
    """Closing the generator cancels the batches not yet sent."""
    slow = SlowNcbi({})
    with responses.RequestsMock() as rsps, fast_client(batch_size=1, max_in_flight=2) as client:
        rsps.add_callback(responses.GET, EFETCH, callback=slow)
        batches = client.efetch(synthetic_pmids(50))
        next(batches)
        batches.close()
        sent_at_close = len(slow.started)
        time.sleep(0.05)
        assert len(slow.started) == sent_at_close <= 3


def test_max_in_flight_one_sends_strictly_one_after_another() -> None:
    """A window of one never overlaps requests."""
    slow = SlowNcbi({})
    with responses.RequestsMock() as rsps, fast_client(batch_size=1, max_in_flight=1) as client:
        rsps.add_callback(responses.GET, EFETCH, callback=slow)
        assert len(list(client.efetch(synthetic_pmids(5)))) == 5
    assert slow.most_active == 1
