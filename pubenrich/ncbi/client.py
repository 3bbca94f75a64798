"""The one place where pubenrich talks to NCBI: E-utilities and the PMC ID converter.

:class:`EutilsClient` batches ids, paces requests with one limiter shared by all its threads,
keeps a bounded number of requests in flight, retries what a retry can cure, and checks every
reply with :func:`pubenrich.ncbi.classify.classify` before handing it on. It returns bodies
(efetch), decoded JSON (esummary) or small parsed values (esearch, elink, ecitmatch, idconv);
reading PubMed records is the parser's job. How a request travels is
:class:`~pubenrich.ncbi.session.Session`'s business; what it asks and how its reply reads are
each endpoint module's (``efetch``, ``esummary``, ``esearch``, ``elink``, ``ecitmatch``,
``idconv``).

How requests are sent:

- Every request carries ``tool`` and ``email``, and ``api_key`` when there is one (NCBI's
  usage policy). The ID converter documents only ``tool`` and ``email``, so it gets no key.
- GET for a call of up to 200 ids or a short query; POST for every batch of a call with
  more ids (NCBI asks for POST above about 200) and for long queries; and POST for every
  E-utility request when an API key is set: the key then travels in the form body and never in
  a URL, so no URL that a library logs or quotes in an exception can hold it. ECitMatch
  documents GET only and keeps it (its errors and logs are still scrubbed).
- The API key never appears in a log line, a repr, or an error message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from pubenrich.closing import Closeable
from pubenrich.concurrency import thread_map
from pubenrich.config import Config
from pubenrich.errors import NcbiError, TransportError
from pubenrich.ncbi.batching import as_iterable, planned, uid
from pubenrich.ncbi.ecitmatch import (
    CitationMatch,
    CitationQuery,
    ecitmatch_chunks,
    ecitmatch_params,
    parse_ecitmatch,
)
from pubenrich.ncbi.efetch import Batch, efetch_format, efetch_params
from pubenrich.ncbi.elink import LinkSet, elink_params, parse_elink
from pubenrich.ncbi.esearch import SearchResult, parse_esearch, search_all, search_params
from pubenrich.ncbi.esummary import ESUMMARY_JSON_MAX_IDS, JsonBatch, esummary_params
from pubenrich.ncbi.idconv import (
    IdconvRecord,
    idconv_batches,
    idconv_params,
    pair_idconv,
    parse_idconv,
)
from pubenrich.ncbi.ratelimit import RateLimiter
from pubenrich.ncbi.reading import decode_json
from pubenrich.ncbi.session import Session
from pubenrich.ncbi.transport import Transport

__all__ = ["Batch", "BatchError", "EutilsClient", "JsonBatch"]

log = logging.getLogger(__name__)

X = TypeVar("X")
Y = TypeVar("Y")

# What fails one batch, after its retries, and not the call: the batch views report it.
BatchError = NcbiError | TransportError
Batched = Iterator[tuple[tuple[str, ...], Y | BatchError]]


class EutilsClient(Closeable):
    """A client for NCBI E-utilities and the PMC ID converter.

    Use it as a context manager; it owns its HTTP session unless given a transport::

        with EutilsClient(Config.from_env()) as client:
            for batch in client.efetch(pmids):
                ...

    Args:
        config: identity, endpoints, pacing, batching, timeouts and retry bounds.
        transport: sends requests; by default a ``requests`` session owned by the client.
        limiter: paces requests; share one between clients of the same process (NCBI counts
            per site). By default one at ``config.rate``.
        clock: a monotonic clock, for the limiter and the retry deadline.
        sleep: the sleep function, for the limiter and the retry waits.
        random: returns a number in [0, 1) for the retry jitter.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        transport: Transport | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        self.config = config or Config()
        self._session = Session(
            self.config,
            transport=transport,
            limiter=limiter,
            clock=clock,
            sleep=sleep,
            random=random,
        )

    def __repr__(self) -> str:
        key = "with key" if self.config.api_key else "without key"
        rate = self._session.limiter.rate
        return f"EutilsClient({self.config.eutils_url!r}, {rate:g}/s, {key})"

    @property
    def requests_sent(self) -> dict[str, int]:
        """HTTP requests sent so far, by endpoint (retries count; replies from a cache don't)."""
        return self._session.requests_sent

    def close(self) -> None:
        """Release the HTTP session (when the client created it)."""
        self._session.close()

    # ------------------------------------------------------------------ services

    def efetch(
        self,
        ids: Iterable[Any] | str | int,
        *,
        db: str = "pubmed",
        rettype: str | None = None,
        retmode: str = "xml",
    ) -> Iterator[Batch]:
        """Fetch records, one reply body per batch of ids, in input order.

        Ids are deduplicated and sent ``config.batch_size`` at a time; up to
        ``config.max_in_flight`` requests are in flight together, yet batches come back in
        request order. An unknown or deleted PMID is simply absent from its batch (NCBI
        answers an empty or shorter set); the parser diffs ``Batch.ids`` against the records.

        Args:
            ids: PMIDs (any form :class:`~pubenrich.PMID` reads) for pubmed, PMCIDs or
                numbers for pmc, UIDs otherwise.
            db: the Entrez database.
            rettype: NCBI's rettype (``None`` for PubMed XML; ``"medline"``, ``"uilist"``...).
            retmode: NCBI's retmode (``"xml"`` or ``"text"``).

        Yields:
            :class:`Batch` of ids and body, checked for in-band errors and cut bodies.

        Raises:
            InvalidIdentifier: an id is not valid for ``db``.
            NcbiError: NCBI answered with an error (after retries for transient ones).
            TransportError: no complete reply arrived, even after retries.
        """
        return _raising(self.efetch_batches(ids, db=db, rettype=rettype, retmode=retmode))

    def efetch_batches(
        self,
        ids: Iterable[Any] | str | int,
        *,
        db: str = "pubmed",
        rettype: str | None = None,
        retmode: str = "xml",
    ) -> Batched[Batch]:
        """:meth:`efetch`, batch by batch: ``(ids, Batch or the error that failed it)``.

        A batch that fails after its retries fails only its own ids; the others go on.
        """
        fmt = efetch_format(retmode)

        def fetch(batch: tuple[str, ...], post: bool, cancelled: threading.Event) -> Batch:
            params = efetch_params(db, batch, rettype=rettype, retmode=retmode)
            reply = self._session.eutil("efetch", params, fmt=fmt, post=post, cancelled=cancelled)
            return Batch(ids=batch, body=reply.body)

        uids = (uid(i, db) for i in as_iterable(ids))
        return self._batched(fetch, planned(uids, self.config.batch_size))

    def esummary(
        self, ids: Iterable[Any] | str | int, *, db: str = "pubmed"
    ) -> Iterator[JsonBatch]:
        """Document summaries as decoded JSON, one per batch of ids, in input order.

        Batches hold at most 500 ids whatever ``config.batch_size`` says (NCBI's JSON limit).
        Read them with :func:`pubenrich.ncbi.esummary.parse_esummary`, which keeps a uid NCBI could
        not summarize with its ``"error"``.

        Raises:
            InvalidIdentifier: an id is not valid for ``db``.
            NcbiError: NCBI answered with an error.
            TransportError: no complete reply arrived, even after retries.
        """
        return _raising(self.esummary_batches(ids, db=db))

    def esummary_batches(
        self, ids: Iterable[Any] | str | int, *, db: str = "pubmed"
    ) -> Batched[JsonBatch]:
        """:meth:`esummary`, batch by batch: ``(ids, JsonBatch or the error that failed it)``."""
        size = min(self.config.batch_size, ESUMMARY_JSON_MAX_IDS)

        def summarize(batch: tuple[str, ...], post: bool, cancelled: threading.Event) -> JsonBatch:
            params = esummary_params(db, batch)
            reply = self._session.eutil(
                "esummary", params, fmt="json", post=post, cancelled=cancelled
            )
            return JsonBatch(ids=batch, data=decode_json(reply.body))

        uids = (uid(i, db) for i in as_iterable(ids))
        return self._batched(summarize, planned(uids, size))

    def esearch(
        self, term: str, *, db: str = "pubmed", retmax: int | None = None, **params: Any
    ) -> SearchResult:
        """Search a database and return the matching UIDs, all of them unless told otherwise.

        ESearch hands out at most 9,999 UIDs of a query. Past that:

        - PubMed (where ``retstart`` cannot pass 9,998) is searched again in date slices:
          the range of ``datetype`` (``edat`` unless given, bounded by ``mindate`` /
          ``maxdate`` when given) is halved until each slice holds at most 9,999 records,
          and the slices' UIDs are joined, oldest slice first. A single day holding more
          raises :class:`NcbiError` rather than return less.
        - Other databases are paged with ``retstart``.

        The result never silently falls short: if the joined UIDs still number fewer than
        ``count`` (records added or removed while searching), a warning is logged and
        ``SearchResult.complete`` is false.

        Args:
            term: the Entrez query.
            db: the Entrez database.
            retmax: at most this many UIDs; ``None`` for all. Up to 9,999 takes one request
                and returns NCBI's first ``retmax``, in NCBI's order.
            **params: other ESearch parameters (``sort``, ``field``, ``datetype``,
                ``mindate``, ``maxdate``, ``usehistory``...).

        Raises:
            ValueError: an empty term or a negative retmax.
            NcbiError: NCBI answered with an error.
            TransportError: no complete reply arrived, even after retries.
        """
        return search_all(self._search, term, db, retmax, params)

    def elink(
        self,
        ids: Iterable[Any] | str | int,
        *,
        dbfrom: str,
        db: str,
        linkname: str | None = None,
        cmd: str = "neighbor",
    ) -> Iterator[list[LinkSet]]:
        """Links from ``dbfrom`` to ``db``, one list of link sets per batch, in input order.

        Each UID goes in its own ``id=`` parameter, so NCBI answers one link set per UID and
        inputs stay paired with outputs (``LinkSet.ids`` names the input).

        Args:
            ids: UIDs of ``dbfrom``.
            dbfrom: the source database.
            db: the target database.
            linkname: e.g. ``"pubmed_pmc"``; only with ``cmd`` neighbor or neighbor_history.
            cmd: NCBI's ELink command.

        Raises:
            InvalidIdentifier: an id is not valid for ``dbfrom``.
            NcbiError: NCBI answered with an error.
            TransportError: no complete reply arrived, even after retries.
        """

        def link(batch: tuple[str, ...], post: bool, cancelled: threading.Event) -> list[LinkSet]:
            params = elink_params(batch, dbfrom=dbfrom, db=db, linkname=linkname, cmd=cmd)
            reply = self._session.eutil("elink", params, fmt="xml", post=post, cancelled=cancelled)
            return parse_elink(reply.body)

        uids = (uid(i, dbfrom) for i in as_iterable(ids))
        return _raising(self._batched(link, planned(uids, self.config.batch_size)))

    def ecitmatch(self, queries: Iterable[CitationQuery]) -> list[CitationMatch]:
        """Look citations up in PubMed; one :class:`CitationMatch` per query, in order.

        Citations go 50 to a request (ECitMatch takes GET only). Answers are matched by a key
        the client makes, never by line order; ``AMBIGUOUS`` answers come back with status
        ``"ambiguous"`` and whatever candidates NCBI named.

        Raises:
            NcbiError: NCBI answered with an error.
            TransportError: no complete reply arrived, even after retries.
        """

        def match(
            chunk: tuple[CitationQuery, ...], cancelled: threading.Event
        ) -> list[CitationMatch]:
            params = ecitmatch_params(chunk)
            reply = self._session.eutil(
                "ecitmatch", params, fmt="text", cancelled=cancelled, get=True
            )
            return parse_ecitmatch(reply.body, chunk)

        chunks = ecitmatch_chunks(list(queries))
        return [m for found in self._windowed(match, chunks) for m in found]

    def idconv(self, ids: Iterable[Any] | str | int) -> Iterator[list[IdconvRecord]]:
        """Convert PMIDs, PMCIDs and DOIs with the PMC ID converter, a list per request.

        The converter takes at most 200 ids of one type per request, so ids are grouped by
        type (PMIDs, PMCIDs, DOIs, in the order each type first appears), deduplicated, and
        batched. Each list holds one record per id of its request, in the request's order,
        with ``requested_id`` set to the id as sent; an id NCBI left out gets a record with
        an ``error``. Requests share the client's limiter and are paced at no more than
        3 per second besides (the converter's own limit is undocumented).

        Raises:
            InvalidIdentifier: an id is none of PMID, PMCID, DOI.
            NcbiError: NCBI answered with an error.
            TransportError: no complete reply arrived, even after retries.
        """
        return _raising(self.idconv_batches(ids))

    def idconv_batches(self, ids: Iterable[Any] | str | int) -> Batched[list[IdconvRecord]]:
        """:meth:`idconv`, batch by batch: ``(ids as sent, records or the error that failed
        them)``.

        Raises:
            InvalidIdentifier: an id is none of PMID, PMCID, DOI.
        """

        def convert(
            item: tuple[str, tuple[str, ...]], cancelled: threading.Event
        ) -> tuple[tuple[str, ...], list[IdconvRecord] | BatchError]:
            kind, batch = item
            try:
                reply = self._session.idconv(idconv_params(kind, batch), cancelled=cancelled)
            except (NcbiError, TransportError) as exc:
                return batch, exc
            return batch, pair_idconv(kind, batch, parse_idconv(reply.body))

        return self._windowed(convert, idconv_batches(ids, self.config.batch_size))

    # ------------------------------------------------------------------ sending

    def _search(
        self, term: str, db: str, params: dict[str, Any], *, retmax: int, retstart: int = 0
    ) -> SearchResult:
        pairs, post = search_params(term, db, params, retmax=retmax, retstart=retstart)
        reply = self._session.eutil("esearch", pairs, fmt="xml", post=post)
        result = parse_esearch(reply.body, term=term)
        if result.phrases_not_found or result.errors:
            log.warning(
                "esearch ignored parts of %r: %s",
                term,
                "; ".join((*result.phrases_not_found, *result.errors)),
                extra={"endpoint": "esearch", "phrases_not_found": result.phrases_not_found},
            )
        return result

    def _batched(
        self,
        fn: Callable[[tuple[str, ...], bool, threading.Event], Y],
        plan: Iterable[tuple[tuple[str, ...], bool]],
    ) -> Batched[Y]:
        """``fn(batch, post, cancelled)`` over the planned batches, each paired with its ids;
        a batch that fails after its retries gives its error in place of its result."""

        def one(
            item: tuple[tuple[str, ...], bool], cancelled: threading.Event
        ) -> tuple[tuple[str, ...], Y | BatchError]:
            batch, post = item
            try:
                return batch, fn(batch, post, cancelled)
            except (NcbiError, TransportError) as exc:
                return batch, exc

        return self._windowed(one, plan)

    def _windowed(
        self,
        fn: Callable[[X, threading.Event], Y],
        items: Iterable[X],
    ) -> Iterator[Y]:
        """``fn`` over ``items``, up to ``max_in_flight`` at once, in order (see concurrency)."""
        return thread_map(fn, items, self.config.max_in_flight, name="pubenrich-eutils")


def _raising(batched: Batched[Y]) -> Iterator[Y]:
    """The results of a batch view, raising the first batch's error where it stands."""
    for _, result in batched:
        if isinstance(result, NcbiError | TransportError):
            raise result
        yield result
