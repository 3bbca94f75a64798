"""The client's per-batch views: each batch with its ids, a failed one with its error."""

from __future__ import annotations

from collections.abc import Callable

import responses
from ncbi_fakes import EUTILS, IDCONV, efetch_body, esummary_body, synthetic_pmids

from pubenrich import BadRequest, EutilsClient, JsonBatch
from pubenrich.ncbi.efetch import Batch

Client = Callable[..., EutilsClient]
EFETCH = EUTILS + "efetch.fcgi"


def test_a_failed_batch_fails_only_its_own_ids(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """Batches of two: the second is refused, the first and third still come back, in order."""
    pmids = synthetic_pmids(6)
    mocked.get(EFETCH, body=efetch_body(pmids[0:2]))
    mocked.get(EFETCH, body=b"<eFetchResult><ERROR>Invalid uid</ERROR></eFetchResult>")
    mocked.get(EFETCH, body=efetch_body(pmids[4:6]))

    client = make_client(batch_size=2, max_in_flight=1)
    views = list(client.efetch_batches(pmids))

    assert [ids for ids, _ in views] == [tuple(pmids[0:2]), tuple(pmids[2:4]), tuple(pmids[4:6])]
    first, failed, last = (result for _, result in views)
    assert isinstance(first, Batch)
    assert first.ids == tuple(pmids[0:2])
    assert isinstance(failed, BadRequest)
    assert isinstance(last, Batch)


def test_esummary_batches_keep_the_500_cap(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """The view cuts where the requests did: 500 ids, whatever batch_size says."""
    pmids = synthetic_pmids(700)
    mocked.post(EUTILS + "esummary.fcgi", body=esummary_body(pmids[:500]))
    mocked.post(EUTILS + "esummary.fcgi", body=esummary_body(pmids[500:]))

    views = list(make_client(batch_size=1000, max_in_flight=1).esummary_batches(pmids))

    assert [len(ids) for ids, _ in views] == [500, 200]
    assert all(isinstance(result, JsonBatch) for _, result in views)


def test_idconv_batches_pair_each_request_with_its_ids(
    mocked: responses.RequestsMock, make_client: Client
) -> None:
    """One request per id type; the ids come back as sent."""
    mocked.get(IDCONV, json={"status": "ok", "records": [{"pmid": 99000001, "pmcid": "PMC1"}]})
    mocked.get(IDCONV, json={"status": "ok", "records": [{"pmcid": "PMC2", "pmid": 99000002}]})

    views = list(make_client(max_in_flight=1).idconv_batches(["99000001", "PMC2"]))

    assert [ids for ids, _ in views] == [("99000001",), ("PMC2",)]
    records = [result for _, result in views]
    assert [r[0].requested_id for r in records if isinstance(r, list)] == ["99000001", "PMC2"]
