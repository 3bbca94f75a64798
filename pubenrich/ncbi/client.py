"""The one place where pubenrich talks to NCBI: E-utilities and the PMC ID converter.

:class:`EutilsClient` batches ids, paces requests with one limiter shared by all its threads,
keeps a bounded number of requests in flight, retries what a retry can cure, and checks every
reply with :func:`pubenrich.ncbi.classify.classify` before handing it on. It returns bodies
(efetch), decoded JSON (esummary) or small parsed values (esearch, elink, ecitmatch, idconv);
reading PubMed records is the parser's job.

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
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

import attrs

from pubenrich._secrets import mask_params
from pubenrich.closing import Closeable
from pubenrich.concurrency import thread_map
from pubenrich.config import Config
from pubenrich.errors import InvalidIdentifier, NcbiError, OfflineMiss, RateLimited
from pubenrich.model.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier
from pubenrich.ncbi.classify import Format, classify
from pubenrich.ncbi.ecitmatch import CitationMatch, CitationQuery, build_bdata, parse_ecitmatch
from pubenrich.ncbi.elink import LinkSet, parse_elink
from pubenrich.ncbi.esearch import SearchResult, parse_esearch
from pubenrich.ncbi.idconv import IdconvRecord, parse_idconv
from pubenrich.ncbi.ratelimit import RateLimiter
from pubenrich.ncbi.reading import decode_json
from pubenrich.ncbi.retry import Retrier, RetryPolicy
from pubenrich.ncbi.transport import HttpRequest, HttpResponse, RequestsTransport, Transport

__all__ = ["Batch", "EutilsClient", "JsonBatch"]

log = logging.getLogger(__name__)

X = TypeVar("X")
Y = TypeVar("Y")

POST_ABOVE_IDS = 200  # NCBI: "if more than about 200 UIDs ... should be made using POST"
POST_ABOVE_TERM_CHARS = 300  # NCBI: "very long queries (more than several hundred characters)"
IDCONV_MAX_IDS = 200  # the ID converter: "up to 200 IDs"
ESUMMARY_JSON_MAX_IDS = 500  # "Maximum number of UIDs is 500 for JSON format output."
ESEARCH_WINDOW = 9_999  # PubMed ESearch "can only retrieve the first 9,999 records"
ECITMATCH_BATCH = 50  # citations per GET; keeps the URL near 4 kB
IDCONV_RATE = 3.0  # undocumented; NCBI's keyless rate is the cautious reading
RATE_LIMIT_PAUSE = 1.0  # NCBI counts per second: after a 429, pause everyone for a second
SEARCH_FIRST_DAY = date(1700, 1, 1)
SEARCH_LAST_DAY = date(3000, 12, 31)  # PubMed's own idiom for "no upper bound"

_UID = re.compile(r"^[A-Za-z0-9_.\-]+$")
_DATE = re.compile(r"^(\d{4})(?:/(\d{1,2})(?:/(\d{1,2}))?)?$")


@attrs.frozen
class Batch:
    """One reply body and the ids it was asked for.

    Attributes:
        ids: the ids sent, deduplicated, in input order.
        body: the reply as NCBI sent it (checked, not parsed).
    """

    ids: tuple[str, ...]
    body: bytes = attrs.field(repr=lambda b: f"<{len(b)} bytes>")


@attrs.frozen
class JsonBatch:
    """One decoded JSON reply and the ids it was asked for.

    Attributes:
        ids: the ids sent, deduplicated, in input order.
        data: the decoded JSON.
    """

    ids: tuple[str, ...]
    data: Any = attrs.field(repr=False)


class _Cancelled(Exception):
    """The caller stopped reading; requests not yet sent are dropped (internal)."""


def _as_iterable(ids: Iterable[Any] | str | int | Identifier) -> Iterable[Any]:
    # A lone string or number is one id, not a sequence of characters.
    if isinstance(ids, str | int | bytes | PMID | PMCID | DOI):
        return [ids]
    return ids


def _uid(value: Any, db: str) -> str:
    """The UID form NCBI expects for ``db``: digits for pubmed and pmc, as given elsewhere."""
    if db == "pubmed":
        return PMID(value).value
    if db == "pmc":
        return PMCID(value).value[3:]
    text = str(value).strip()
    if not _UID.match(text):
        raise InvalidIdentifier("id", value, f"not a UID of {db}")
    return text


def _batches(ids: Iterable[str], size: int) -> Iterator[tuple[str, ...]]:
    """Deduplicate (first one wins) and cut into tuples of at most ``size``, lazily."""
    seen: set[str] = set()
    batch: list[str] = []
    for uid in ids:
        if uid in seen:
            continue
        seen.add(uid)
        batch.append(uid)
        if len(batch) == size:
            yield tuple(batch)
            batch = []
    if batch:
        yield tuple(batch)


def _planned(ids: Iterable[str], size: int) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Batches, each with whether the whole call holds more than 200 ids (then POST).

    Looking ahead just past 200 ids tells a small call (GET) from a bulk one (POST for every
    batch) without reading all ids first.
    """
    batches = _batches(ids, size)
    ahead: list[tuple[str, ...]] = []
    seen = 0
    for batch in batches:
        ahead.append(batch)
        seen += len(batch)
        if seen > POST_ABOVE_IDS:
            break
    bulk = seen > POST_ABOVE_IDS
    for batch in ahead:
        yield batch, bulk
    for batch in batches:
        yield batch, True


def _day(value: Any, *, end: bool) -> date:
    """Read NCBI's YYYY, YYYY/MM or YYYY/MM/DD as the first (or last) day it covers."""
    match = _DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"dates are YYYY, YYYY/MM or YYYY/MM/DD, got {value!r}")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    if match.group(3):
        return date(year, month, int(match.group(3)))
    if not end:
        return date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _ncbi_date(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


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
        clock = clock or time.monotonic
        sleep = sleep or time.sleep
        self._own_transport = transport is None
        self._transport: Transport = transport or RequestsTransport(
            pool_size=self.config.max_in_flight
        )
        self._limiter = limiter or RateLimiter(self.config.rate, clock=clock, sleep=sleep)
        self._idconv_limiter = RateLimiter(
            min(self.config.rate, IDCONV_RATE), clock=clock, sleep=sleep
        )
        retry_args: dict[str, Any] = {"clock": clock, "sleep": sleep}
        if random is not None:
            retry_args["draw"] = random
        self._retrier = Retrier(RetryPolicy.from_config(self.config), **retry_args)
        self._clock = clock
        self._closed = False
        self._sent: Counter[str] = Counter()
        self._sent_lock = threading.Lock()

    def __repr__(self) -> str:
        key = "with key" if self.config.api_key else "without key"
        return f"EutilsClient({self.config.eutils_url!r}, {self._limiter.rate:g}/s, {key})"

    @property
    def requests_sent(self) -> dict[str, int]:
        """HTTP requests sent so far, by endpoint (retries count; replies from a cache don't)."""
        with self._sent_lock:
            return dict(self._sent)

    def close(self) -> None:
        """Release the HTTP session (when the client created it)."""
        if not self._closed and self._own_transport:
            close = getattr(self._transport, "close", None)
            if callable(close):
                close()
        self._closed = True

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
        fmt: Format = "xml" if retmode == "xml" else "text"
        extra = [("retmode", retmode)] + ([("rettype", rettype)] if rettype else [])

        def fetch(item: tuple[tuple[str, ...], bool], cancelled: threading.Event) -> Batch:
            batch, bulk = item
            params = [("db", db), ("id", ",".join(batch)), *extra]
            reply = self._eutil("efetch", params, fmt=fmt, post=bulk, cancelled=cancelled)
            return Batch(ids=batch, body=reply.body)

        uids = (_uid(i, db) for i in _as_iterable(ids))
        return self._windowed(fetch, _planned(uids, self.config.batch_size))

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
        size = min(self.config.batch_size, ESUMMARY_JSON_MAX_IDS)

        def summarize(item: tuple[tuple[str, ...], bool], cancelled: threading.Event) -> JsonBatch:
            batch, bulk = item
            params = [("db", db), ("id", ",".join(batch)), ("retmode", "json")]
            reply = self._eutil("esummary", params, fmt="json", post=bulk, cancelled=cancelled)
            return JsonBatch(ids=batch, data=decode_json(reply.body))

        uids = (_uid(i, db) for i in _as_iterable(ids))
        return self._windowed(summarize, _planned(uids, size))

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
        if not term or not term.strip():
            raise ValueError("term must not be empty")
        if retmax is not None and retmax < 0:
            raise ValueError(f"retmax must not be negative, got {retmax!r}")
        first_max = ESEARCH_WINDOW if retmax is None else min(retmax, ESEARCH_WINDOW)
        first = self._search(term, db, params, retmax=first_max)
        if first.complete or (retmax is not None and retmax <= ESEARCH_WINDOW):
            return first
        limit = first.count if retmax is None else min(retmax, first.count)
        if db == "pubmed":
            ids = self._search_by_date(term, params, limit)
        else:
            ids = self._search_by_paging(term, db, params, first, limit)
        if len(ids) < limit:
            log.warning(
                "esearch returned %d of %d ids for %r (records changed while searching?)",
                len(ids),
                limit,
                term,
                extra={"endpoint": "esearch", "count": first.count, "returned": len(ids)},
            )
        return attrs.evolve(first, ids=tuple(ids[:limit]))

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
        extra = [("dbfrom", dbfrom), ("db", db), ("cmd", cmd)]
        if linkname:
            extra.append(("linkname", linkname))

        def link(item: tuple[tuple[str, ...], bool], cancelled: threading.Event) -> list[LinkSet]:
            batch, bulk = item
            params = [*extra, *(("id", uid) for uid in batch)]
            reply = self._eutil("elink", params, fmt="xml", post=bulk, cancelled=cancelled)
            return parse_elink(reply.body)

        uids = (_uid(i, dbfrom) for i in _as_iterable(ids))
        return self._windowed(link, _planned(uids, self.config.batch_size))

    def ecitmatch(self, queries: Iterable[CitationQuery]) -> list[CitationMatch]:
        """Look citations up in PubMed; one :class:`CitationMatch` per query, in order.

        Citations go 50 to a request (ECitMatch takes GET only). Answers are matched by a key
        the client makes, never by line order; ``AMBIGUOUS`` answers come back with status
        ``"ambiguous"`` and whatever candidates NCBI named.

        Raises:
            NcbiError: NCBI answered with an error.
            TransportError: no complete reply arrived, even after retries.
        """
        queries = list(queries)
        chunks = [
            tuple(queries[i : i + ECITMATCH_BATCH]) for i in range(0, len(queries), ECITMATCH_BATCH)
        ]

        def match(
            chunk: tuple[CitationQuery, ...], cancelled: threading.Event
        ) -> list[CitationMatch]:
            params = [
                ("db", "pubmed"),
                ("retmode", "xml"),
                ("rettype", "xml"),
                ("bdata", build_bdata(chunk)),
            ]
            reply = self._eutil("ecitmatch", params, fmt="text", cancelled=cancelled, get=True)
            return parse_ecitmatch(reply.body, chunk)

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
        groups: dict[str, list[str]] = {}
        for raw in _as_iterable(ids):
            ident = parse_identifier(raw)
            kind = {PMID: "pmid", PMCID: "pmcid", DOI: "doi"}[type(ident)]
            groups.setdefault(kind, []).append(ident.value)
        size = min(self.config.batch_size, IDCONV_MAX_IDS)
        work = [
            (kind, batch)
            for kind, values in groups.items()
            for batch in _batches(values if kind != "doi" else _doi_unique(values), size)
        ]

        def convert(
            item: tuple[str, tuple[str, ...]], cancelled: threading.Event
        ) -> list[IdconvRecord]:
            kind, batch = item
            params = [
                ("ids", ",".join(batch)),
                ("idtype", kind),
                ("format", "json"),
                ("versions", "no"),
            ]
            reply = self._send(
                "idconv",
                self.config.idconv_url,
                params,
                fmt="json",
                post=False,
                with_key=False,
                cancelled=cancelled,
                limiters=(self._idconv_limiter, self._limiter),
            )
            return _pair_idconv(kind, batch, parse_idconv(reply.body))

        return self._windowed(convert, work)

    # ------------------------------------------------------------------ esearch helpers

    def _search(
        self, term: str, db: str, params: dict[str, Any], *, retmax: int, retstart: int = 0
    ) -> SearchResult:
        pairs = [("db", db), ("term", term), ("retmode", "xml"), ("retmax", str(retmax))]
        if retstart:
            pairs.append(("retstart", str(retstart)))
        pairs += [(str(k), str(v)) for k, v in params.items() if v is not None]
        post = len(term) > POST_ABOVE_TERM_CHARS
        reply = self._eutil("esearch", pairs, fmt="xml", post=post)
        result = parse_esearch(reply.body, term=term)
        if result.phrases_not_found or result.errors:
            log.warning(
                "esearch ignored parts of %r: %s",
                term,
                "; ".join((*result.phrases_not_found, *result.errors)),
                extra={"endpoint": "esearch", "phrases_not_found": result.phrases_not_found},
            )
        return result

    def _search_by_date(self, term: str, params: dict[str, Any], limit: int) -> list[str]:
        params = dict(params)
        if params.get("reldate") is not None:
            raise ValueError(
                "a search of more than 9,999 PubMed records is split by date; "
                "give mindate and maxdate instead of reldate"
            )
        datetype = params.pop("datetype", None) or "edat"
        mindate = params.pop("mindate", None)
        maxdate = params.pop("maxdate", None)
        low = _day(mindate, end=False) if mindate else SEARCH_FIRST_DAY
        high = _day(maxdate, end=True) if maxdate else SEARCH_LAST_DAY
        ids: list[str] = []
        seen: set[str] = set()
        ranges = [(low, high)]
        while ranges and len(ids) < limit:
            start, end = ranges.pop()
            sliced = {
                **params,
                "datetype": datetype,
                "mindate": _ncbi_date(start),
                "maxdate": _ncbi_date(end),
            }
            part = self._search(term, "pubmed", sliced, retmax=ESEARCH_WINDOW)
            if part.count > ESEARCH_WINDOW:
                if start == end:
                    raise NcbiError(
                        f"more than {ESEARCH_WINDOW} records on {_ncbi_date(start)} "
                        f"({datetype}); ESearch cannot list them all",
                        endpoint="esearch",
                    )
                middle = start + (end - start) // 2
                ranges.append((middle + timedelta(days=1), end))
                ranges.append((start, middle))  # popped first: oldest slice first
                continue
            for uid in part.ids:
                if uid not in seen:
                    seen.add(uid)
                    ids.append(uid)
        return ids

    def _search_by_paging(
        self, term: str, db: str, params: dict[str, Any], first: SearchResult, limit: int
    ) -> list[str]:
        ids = list(first.ids)
        while len(ids) < limit:
            page = self._search(
                term,
                db,
                params,
                retmax=min(ESEARCH_WINDOW, limit - len(ids)),
                retstart=len(ids),
            )
            if not page.ids:
                break
            ids.extend(page.ids)
        return ids

    # ------------------------------------------------------------------ sending

    def _windowed(
        self,
        fn: Callable[[X, threading.Event], Y],
        items: Iterable[X],
    ) -> Iterator[Y]:
        """``fn`` over ``items``, up to ``max_in_flight`` at once, in order (see concurrency)."""
        return thread_map(fn, items, self.config.max_in_flight, name="pubenrich-eutils")

    def _eutil(
        self,
        endpoint: str,
        params: list[tuple[str, str]],
        *,
        fmt: Format,
        post: bool = False,
        get: bool = False,
        cancelled: threading.Event | None = None,
    ) -> HttpResponse:
        """Send one E-utility request: POST when asked (bulk, long term) or when a key is set,
        unless the service takes GET only."""
        suffix = ".cgi" if endpoint == "ecitmatch" else ".fcgi"
        use_post = not get and (post or bool(self.config.api_key))
        return self._send(
            endpoint,
            self.config.eutils_url + endpoint + suffix,
            params,
            fmt=fmt,
            post=use_post,
            with_key=True,
            cancelled=cancelled,
            limiters=(self._limiter,),
        )

    def _send(
        self,
        endpoint: str,
        url: str,
        params: list[tuple[str, str]],
        *,
        fmt: Format,
        post: bool,
        with_key: bool,
        cancelled: threading.Event | None,
        limiters: Sequence[RateLimiter],
    ) -> HttpResponse:
        """Send with pacing, classification and retries; return a reply that is data."""
        if self.config.offline:
            raise OfflineMiss(f"offline mode: {endpoint} would need a request to NCBI")
        identity = self.config.identity()
        if not with_key:
            identity.pop("api_key", None)
        pairs = [*params, *identity.items()]
        request = HttpRequest(
            method="POST" if post else "GET",
            url=url,
            params=() if post else pairs,
            data=pairs if post else None,
            timeout=self.config.timeout,
        )
        shown = mask_params(_joined(pairs))
        secrets = request.secrets()

        def attempt() -> HttpResponse:
            if cancelled is not None and cancelled.is_set():
                raise _Cancelled
            for limiter in limiters:
                limiter.acquire()
            started = self._clock()
            with self._sent_lock:
                self._sent[endpoint] += 1
            reply = self._transport.send(request)
            log.debug(
                "%s %s -> HTTP %d, %d bytes in %.2f s",
                endpoint,
                request.method,
                reply.status,
                len(reply.body),
                self._clock() - started,
                extra={"endpoint": endpoint, "method": request.method, "status": reply.status},
            )
            try:
                classify(
                    endpoint,
                    reply.status,
                    reply.headers,
                    reply.body,
                    fmt=fmt,
                    params=shown,
                    secrets=secrets,
                )
            except RateLimited as exc:
                for limiter in limiters:
                    limiter.penalize(exc.retry_after or RATE_LIMIT_PAUSE)
                raise
            return reply

        return self._retrier.call(attempt, what=endpoint)


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Pairs as a dict, repeated names joined by commas (ELink's one ``id=`` per UID)."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined


def _doi_unique(values: Iterable[str]) -> Iterator[str]:
    """DOIs compare case-insensitively; keep the first spelling of each."""
    seen: set[str] = set()
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            yield value


def _pair_idconv(
    kind: str, batch: tuple[str, ...], records: list[IdconvRecord]
) -> list[IdconvRecord]:
    """One record per requested id, in request order, matched by ``requested-id`` or by id."""
    by_request: dict[str, IdconvRecord] = {}
    by_value: dict[str, IdconvRecord] = {}
    for record in records:
        if record.requested_id:
            by_request.setdefault(_fold(kind, record.requested_id), record)
        value = getattr(record, kind)
        if value:
            by_value.setdefault(_fold(kind, value), record)
    paired = []
    for requested in batch:
        key = _fold(kind, requested)
        found = by_request.get(key) or by_value.get(key)
        if found is None:
            paired.append(IdconvRecord(requested_id=requested, error="no record in the reply"))
        else:
            paired.append(attrs.evolve(found, requested_id=requested))
    return paired


def _fold(kind: str, value: str) -> str:
    """The comparable form of an id of ``kind`` (DOIs ignore case, PMCIDs their prefix case)."""
    value = value.strip()
    if kind == "pmid":
        try:
            return PMID(value).value
        except InvalidIdentifier:
            return value
    if kind == "pmcid":
        try:
            return PMCID(value).value
        except InvalidIdentifier:
            return value.upper()
    return value.lower()
