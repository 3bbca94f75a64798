"""ESearch past NCBI's 9,999-id window: every id or a loud failure, never a silent cut."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from ncbi_fakes import EUTILS, esearch_body, synthetic_pmids

from pubenrich import EutilsClient, NcbiError

Client = Callable[..., EutilsClient]
ESEARCH = EUTILS + "esearch.fcgi"
WINDOW = 9_999


class SearchIndex:
    """A `responses` callback standing in for ESearch over synthetic records with dates.

    It refuses what NCBI refuses: retmax above 9,999 and retstart above 9,998 for PubMed.
    """

    def __init__(self, dated: dict[str, date], *, pubmed: bool = True) -> None:
        self.dated = dated
        self.pubmed = pubmed
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        params = dict(parse_qsl(urlsplit(request.url).query))
        if request.body:
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            params.update(parse_qsl(body))
        self.requests.append(params)
        retmax, retstart = int(params.get("retmax", 20)), int(params.get("retstart", 0))
        if retmax > WINDOW or (self.pubmed and retstart > WINDOW - 1):
            error = (
                "<eSearchResult><ERROR>Search Backend failed: Exception: 'retstart' cannot be "
                "larger than 9998 (synthetic)</ERROR></eSearchResult>\n"
            )
            return 200, {}, error.encode()
        hits = sorted(self.dated, key=lambda p: (self.dated[p], p), reverse=True)
        if "mindate" in params:
            low, high = (
                ncbi_day(params["mindate"], end=False),
                ncbi_day(params["maxdate"], end=True),
            )
            hits = [p for p in hits if low <= self.dated[p] <= high]
        return 200, {}, esearch_body(len(hits), hits[retstart : retstart + retmax], retstart)


def ncbi_day(text: str, *, end: bool) -> date:
    """NCBI's YYYY, YYYY/MM or YYYY/MM/DD as the first or last day it covers."""
    parts = [int(p) for p in text.split("/")]
    if len(parts) == 3:
        return date(*parts)
    if not end:
        return date(parts[0], parts[1] if len(parts) == 2 else 1, 1)
    month = parts[1] if len(parts) == 2 else 12
    following = date(parts[0] + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def spread(pmids: list[str], first: date, days: int) -> dict[str, date]:
    """Give the records dates spread evenly over ``days`` days from ``first``."""
    return {p: first + timedelta(days=n % days) for n, p in enumerate(pmids)}


def test_more_than_9999_pubmed_ids_are_gathered_by_date_slices(make_client: Client) -> None:
    """25,000 matches come back whole and unique; no request asks past NCBI's window."""
    pmids = synthetic_pmids(25_000)
    index = SearchIndex(spread(pmids, date(2000, 1, 1), 1500))
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ESEARCH, callback=index)
        result = make_client().esearch("synthetic")
    assert result.count == 25_000
    assert sorted(result.ids) == sorted(pmids)
    assert len(set(result.ids)) == len(result.ids)
    assert result.complete
    assert all(int(r["retmax"]) <= WINDOW and "retstart" not in r for r in index.requests)
    assert {r.get("datetype") for r in index.requests[1:]} == {"edat"}


def test_date_slices_stay_inside_the_callers_own_dates(make_client: Client) -> None:
    """mindate/maxdate given by the caller bound every slice."""
    pmids = synthetic_pmids(12_000)
    index = SearchIndex(spread(pmids, date(2001, 1, 1), 365))
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ESEARCH, callback=index)
        result = make_client().esearch(
            "synthetic", datetype="pdat", mindate="2001", maxdate="2001/12"
        )
    assert sorted(result.ids) == sorted(pmids)
    slices = index.requests[1:]
    assert {r["datetype"] for r in slices} == {"pdat"}
    assert min(r["mindate"] for r in slices) == "2001/01/01"
    assert max(r["maxdate"] for r in slices) == "2001/12/31"


def test_one_day_with_more_than_9999_records_raises_rather_than_truncate(
    make_client: Client,
) -> None:
    """When no date split can help, the caller gets an error, not 9,999 of 10,500 ids."""
    index = SearchIndex(dict.fromkeys(synthetic_pmids(10_500), date(2002, 2, 2)))
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ESEARCH, callback=index)
        with pytest.raises(NcbiError, match="more than 9999 records on 2002/02/02"):
            make_client().esearch("synthetic")


def test_a_retmax_within_the_window_is_one_request(make_client: Client) -> None:
    """retmax=50 asks for 50 and keeps NCBI's full count on the result."""
    index = SearchIndex(spread(synthetic_pmids(25_000), date(2000, 1, 1), 100))
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ESEARCH, callback=index)
        result = make_client().esearch("synthetic", retmax=50)
    assert (len(index.requests), index.requests[0]["retmax"]) == (1, "50")
    assert (len(result.ids), result.count, result.complete) == (50, 25_000, False)


def test_a_retmax_past_the_window_stops_at_retmax(make_client: Client) -> None:
    """retmax=12,000 of 25,000 gives exactly 12,000 distinct ids."""
    index = SearchIndex(spread(synthetic_pmids(25_000), date(2000, 1, 1), 1500))
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ESEARCH, callback=index)
        result = make_client().esearch("synthetic", retmax=12_000)
    assert len(set(result.ids)) == len(result.ids) == 12_000


def test_other_databases_are_paged_with_retstart(make_client: Client) -> None:
    """Outside PubMed, retstart paging reaches past 9,999."""
    index = SearchIndex(spread(synthetic_pmids(12_000), date(2000, 1, 1), 10), pubmed=False)
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ESEARCH, callback=index)
        result = make_client().esearch("synthetic", db="nlmcatalog")
    assert len(result.ids) == 12_000
    assert [r.get("retstart") for r in index.requests] == [None, "9999"]


def test_records_vanishing_mid_search_leave_a_warning_and_an_incomplete_result(
    make_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """If the slices add up to less than the count, the shortfall is logged and flagged."""
    pmids = synthetic_pmids(11_000)
    index = SearchIndex(spread(pmids, date(2000, 1, 1), 200))

    def shrinking(request: Any) -> tuple[int, dict[str, str], bytes]:
        reply = index(request)
        for pmid in pmids[:10]:  # ten records withdrawn after the first answer
            index.dated.pop(pmid, None)
        return reply

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ESEARCH, callback=shrinking)
        result = make_client().esearch("synthetic")
    assert (result.count, len(result.ids), result.complete) == (11_000, 10_990, False)
    assert any("10990 of 11000" in r.getMessage() for r in caplog.records)
    assert caplog.records[-1].levelno == logging.WARNING
