"""A local fake of NCBI's E-utilities and PMC ID converter, on 127.0.0.1 only.

Tests and benchmarks need a server that answers in NCBI's real formats, enforces NCBI's rate
limits, takes time like NCBI and fails like NCBI, without touching the network. Every record
it serves is synthetic (titles say so, DOIs live under the test prefix 10.5555/).

Run it by hand with ``python -m pubenrich.testing.fake_ncbi --port 8080 --size 100000``.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import random
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

import attrs

from pubenrich.config import scrub_query

__all__ = ["FAULT_KINDS", "FakeNcbi", "FakeNcbiStats", "FaultPlan", "SyntheticUniverse"]

log = logging.getLogger(__name__)

FAULT_KINDS = (
    "rate_limit",
    "http_500",
    "http_502",
    "http_503",
    "reset",
    "stall",
    "truncate",
    "html_error",
    "error_200",
    "omit_ids",
)


def _split_words(text: str) -> tuple[str, ...]:
    """Word lists read best as text."""
    return tuple(text.split())


_WORDS = _split_words(
    "alpha beta gamma delta kappa lambda sigma omega vector matrix lattice signal "
    "cohort pathway kinase receptor marker model sample assay factor protein channel "
    "membrane enzyme ligand cluster network gradient tensor"
)
_LAST = _split_words(
    "Synthson Fakeley Placeholder Mockwell Testerman Dummit Samplers Stubbe Proxima "
    "Imitato Fabrico Simulon"
)
_FORE = _split_words("Ada Bo Cy Dee Eli Fay Gus Hal Ivy Jo Kit Lu")
_JOURNALS = (
    ("Journal of Synthetic Records", "J Synth Rec", "9999-0001"),
    ("Synthetic Biology Placeholder Letters", "Synth Biol Placeholder Lett", "9999-0002"),
    ("Fictional Medicine Review", "Fict Med Rev", "9999-0003"),
    ("Test Data Annals", "Test Data Ann", "9999-0004"),
    ("Imaginary Clinical Studies", "Imag Clin Stud", "9999-0005"),
)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_PMC_OFFSET = 90000001  # beyond real PMCIDs, so no synthetic id names a real paper

_EFETCH_HEAD = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>"
)
_EFETCH_TAIL = b"</PubmedArticleSet>"
_ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD '
    'esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
_ELINK_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink '
    '20101123//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
)
_XML_TYPE = "text/xml; charset=UTF-8"
_JSON_TYPE = "application/json; charset=UTF-8"
_TEXT_TYPE = "text/plain; charset=UTF-8"
_HTML_TYPE = "text/html; charset=UTF-8"


@attrs.frozen
class Author:
    """A synthetic author."""

    last: str
    fore: str
    initials: str


@attrs.frozen
class SyntheticRecord:
    """The facts of one synthetic PubMed record."""

    pmid: str
    title: str
    authors: tuple[Author, ...]
    journal: str
    iso_abbreviation: str
    issn: str
    year: int
    month: str
    volume: str
    issue: str
    pages: str
    doi: str | None
    pmcid: str | None

    @property
    def first_page(self) -> str:
        """The first page of :attr:`pages`."""
        return self.pages.split("-")[0]


class SyntheticUniverse:
    """A deterministic, clearly synthetic PubMed of ``size`` consecutive PMIDs.

    Each PMID's facts come from a random generator seeded by ``(seed, pmid)``, so a record
    never depends on which others were asked for. About 2% of the PMIDs are unknown, about
    90% of the records have a DOI ``10.5555/synthetic.<pmid>`` and about 60% are in PMC with
    PMCID ``PMC<pmid - first_pmid + 90000001>``. Both ranges lie beyond every real PMID and
    PMCID, so no synthetic id can be mistaken for a real paper.

    Args:
        size: how many consecutive PMIDs the universe spans.
        seed: the seed of every fact.
        first_pmid: the first PMID of the span.
    """

    def __init__(self, size: int = 1000, seed: int = 0, first_pmid: int = 98000001) -> None:
        if size < 1 or first_pmid < 1:
            raise ValueError("size and first_pmid must be positive")
        self.size = size
        self.seed = seed
        self.first_pmid = first_pmid
        self._cache: dict[int, SyntheticRecord | None] = {}
        self._all: tuple[SyntheticRecord, ...] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SyntheticUniverse(size={self.size}, seed={self.seed}, first={self.first_pmid})"

    def _rng(self, pmid: int) -> random.Random:
        return random.Random(f"pubenrich-synthetic:{self.seed}:{pmid}")  # noqa: S311 - not secret

    def _number(self, pmid: Any) -> int | None:
        try:
            number = int(str(pmid).strip())
        except ValueError:
            return None
        if not self.first_pmid <= number < self.first_pmid + self.size:
            return None
        return number

    def _build(self, number: int) -> SyntheticRecord | None:
        rng = self._rng(number)
        if rng.random() < 0.02:
            return None
        has_doi = rng.random() < 0.90
        in_pmc = rng.random() < 0.60
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 7)))
        authors = []
        for _ in range(rng.randint(1, 6)):
            fore = rng.choice(_FORE)
            initial = rng.choice("ABCDEFGHJKLMNPRSTW")
            authors.append(Author(rng.choice(_LAST), f"{fore} {initial}", f"{fore[0]}{initial}"))
        journal, iso, issn = rng.choice(_JOURNALS)
        first = rng.randint(1, 2000)
        return SyntheticRecord(
            pmid=str(number),
            title=f"Synthetic record {number}: {words}.",
            authors=tuple(authors),
            journal=journal,
            iso_abbreviation=iso,
            issn=issn,
            year=rng.randint(1990, 2024),
            month=rng.choice(_MONTHS),
            volume=str(rng.randint(1, 80)),
            issue=str(rng.randint(1, 12)),
            pages=f"{first}-{first + rng.randint(0, 20)}",
            doi=f"10.5555/synthetic.{number}" if has_doi else None,
            pmcid=f"PMC{number - self.first_pmid + _PMC_OFFSET}" if in_pmc else None,
        )

    def record(self, pmid: Any) -> SyntheticRecord | None:
        """The record of ``pmid``, or ``None`` when the PMID is unknown."""
        number = self._number(pmid)
        if number is None:
            return None
        with self._lock:
            if number not in self._cache:
                self._cache[number] = self._build(number)
            return self._cache[number]

    def exists(self, pmid: Any) -> bool:
        """Whether ``pmid`` is a known record."""
        return self.record(pmid) is not None

    def pmids(self) -> list[str]:
        """Every known PMID, ascending."""
        return [rec.pmid for rec in self.records()]

    def records(self) -> Iterable[SyntheticRecord]:
        """Every known record, ascending by PMID.

        Built once, under the lock, and then read without it: the fake's searches scan every
        record, and several at once each taking the lock per record queued past a client's
        read timeout when the machine was slow.
        """
        with self._lock:
            if self._all is None:
                span = range(self.first_pmid, self.first_pmid + self.size)
                for n in span:
                    if n not in self._cache:
                        self._cache[n] = self._build(n)
                self._all = tuple(rec for n in span if (rec := self._cache[n]) is not None)
            return iter(self._all)

    def pmid_for_doi(self, doi: str) -> str | None:
        """The PMID whose DOI is ``doi`` (any case), or ``None``."""
        prefix = "10.5555/synthetic."
        text = doi.strip().lower()
        if not text.startswith(prefix):
            return None
        rec = self.record(text[len(prefix) :])
        return rec.pmid if rec is not None and rec.doi is not None else None

    def pmid_for_pmcid(self, pmcid: str) -> str | None:
        """The PMID of PMC record ``pmcid`` (``PMC123`` or ``123``), or ``None``."""
        text = pmcid.strip().upper().removeprefix("PMC").split(".")[0]
        if not text.isdigit():
            return None
        rec = self.record(int(text) - _PMC_OFFSET + self.first_pmid)
        return rec.pmid if rec is not None and rec.pmcid is not None else None

    def article_xml(self, rec: SyntheticRecord) -> str:
        """One ``<PubmedArticle>`` as NCBI's efetch writes it (no whitespace between tags)."""
        e = escape
        authors = "".join(
            f'<Author ValidYN="Y"><LastName>{e(a.last)}</LastName><ForeName>{e(a.fore)}'
            f"</ForeName><Initials>{e(a.initials)}</Initials></Author>"
            for a in rec.authors
        )
        doi_loc = (
            f'<ELocationID EIdType="doi" ValidYN="Y">{e(rec.doi)}</ELocationID>' if rec.doi else ""
        )
        ids = f'<ArticleId IdType="pubmed">{rec.pmid}</ArticleId>'
        if rec.doi:
            ids += f'<ArticleId IdType="doi">{e(rec.doi)}</ArticleId>'
        if rec.pmcid:
            ids += f'<ArticleId IdType="pmc">{rec.pmcid}</ArticleId>'
        month = f"{_MONTHS.index(rec.month) + 1:02d}"
        return (
            '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
            f'<PMID Version="1">{rec.pmid}</PMID>'
            '<Article PubModel="Print"><Journal>'
            f'<ISSN IssnType="Print">{rec.issn}</ISSN>'
            f'<JournalIssue CitedMedium="Print"><Volume>{rec.volume}</Volume>'
            f"<Issue>{rec.issue}</Issue><PubDate><Year>{rec.year}</Year>"
            f"<Month>{rec.month}</Month></PubDate></JournalIssue>"
            f"<Title>{e(rec.journal)}</Title><ISOAbbreviation>{e(rec.iso_abbreviation)}"
            "</ISOAbbreviation></Journal>"
            f"<ArticleTitle>{e(rec.title)}</ArticleTitle>"
            f"<Pagination><MedlinePgn>{rec.pages}</MedlinePgn></Pagination>{doi_loc}"
            f'<AuthorList CompleteYN="Y">{authors}</AuthorList><Language>eng</Language>'
            '<PublicationTypeList><PublicationType UI="D016428">Journal Article'
            "</PublicationType></PublicationTypeList></Article>"
            "<MedlineJournalInfo><Country>Synthetic</Country>"
            f"<MedlineTA>{e(rec.iso_abbreviation)}</MedlineTA>"
            f"<NlmUniqueID>99{rec.issn[-4:]}</NlmUniqueID>"
            f"<ISSNLinking>{rec.issn}</ISSNLinking></MedlineJournalInfo></MedlineCitation>"
            '<PubmedData><History><PubMedPubDate PubStatus="pubmed">'
            f"<Year>{rec.year}</Year><Month>{month}</Month><Day>1</Day></PubMedPubDate>"
            '<PubMedPubDate PubStatus="medline">'
            f"<Year>{rec.year}</Year><Month>{month}</Month><Day>2</Day></PubMedPubDate>"
            "</History><PublicationStatus>ppublish</PublicationStatus>"
            f"<ArticleIdList>{ids}</ArticleIdList></PubmedData></PubmedArticle>"
        )

    def efetch_xml(self, pmids: Iterable[Any]) -> bytes:
        """NCBI's efetch PubMed XML for ``pmids``: unknown ones omitted, order kept.

        An empty set is ``<PubmedArticleSet></PubmedArticleSet>`` after the prolog, as NCBI
        sends it; records are joined with no newline and the body has no trailing newline.
        """
        parts = [self.article_xml(rec) for rec in map(self.record, pmids) if rec is not None]
        return _EFETCH_HEAD + "".join(parts).encode("utf-8") + _EFETCH_TAIL


# ---------------------------------------------------------------------------- faults


@attrs.frozen
class FaultPlan:
    """Which requests fail, and how: deterministic by ``seed`` and request counter.

    Request ``n`` (counted from 0 by the server) draws one number from a generator seeded by
    ``(seed, n)``; the kinds' probabilities are stacked in :data:`FAULT_KINDS` order, so the
    same seed and rates fault the same request numbers with the same kinds every run.

    Args:
        seed: the seed.
        rates: probability per kind (their sum at most 1).
        stall_seconds: how long a ``stall`` holds the reply (bounded to 30 s; the server's
            shutdown cuts it short).
    """

    seed: int = 0
    rates: Mapping[str, float] = attrs.field(factory=dict)
    stall_seconds: float = 2.0

    @rates.validator
    def _check(self, _attr: object, value: Mapping[str, float]) -> None:
        unknown = set(value) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        if any(p < 0 for p in value.values()) or sum(value.values()) > 1 + 1e-9:
            raise ValueError("fault rates must be >= 0 and sum to at most 1")

    def fault_for(self, index: int) -> str | None:
        """The fault of request number ``index``, or ``None``."""
        draw = random.Random(f"fault:{self.seed}:{index}").random()  # noqa: S311 - not secret
        total = 0.0
        for kind in FAULT_KINDS:
            total += self.rates.get(kind, 0.0)
            if draw < total:
                return kind
        return None

    def rng(self, index: int) -> random.Random:
        """A generator for the details of request ``index``'s fault (what to cut, omit)."""
        return random.Random(f"fault-detail:{self.seed}:{index}")  # noqa: S311 - not secret


# ---------------------------------------------------------------------------- stats


class FakeNcbiStats:
    """Thread-safe counts of what the server did: requests by endpoint, 429s, faults, ids;
    and a log of the ids each request asked for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: collections.Counter[str] = collections.Counter()
        self._faults: collections.Counter[str] = collections.Counter()
        self._rate_limited = 0
        self._ids_served = 0
        self._max_concurrent = 0
        self._concurrent = 0
        self._asked: list[tuple[str, tuple[str, ...]]] = []

    def count_request(self, endpoint: str) -> None:
        """Count a request to ``endpoint``."""
        with self._lock:
            self._requests[endpoint] += 1

    def log_ids(self, endpoint: str, ids: Sequence[str]) -> None:
        """Log the ids one request to ``endpoint`` asked for (faulted or not)."""
        with self._lock:
            self._asked.append((endpoint, tuple(ids)))

    def asked(self, endpoint: str) -> list[tuple[str, ...]]:
        """The ids of every request to ``endpoint``, in arrival order."""
        with self._lock:
            return [ids for name, ids in self._asked if name == endpoint]

    def count_rate_limited(self) -> None:
        """Count a 429 sent by the rate limit (not by a fault)."""
        with self._lock:
            self._rate_limited += 1

    def count_fault(self, kind: str) -> None:
        """Count an injected fault."""
        with self._lock:
            self._faults[kind] += 1

    def count_ids(self, n: int) -> None:
        """Count ids (records) served."""
        with self._lock:
            self._ids_served += n

    def enter(self) -> None:
        """A request started being handled."""
        with self._lock:
            self._concurrent += 1
            self._max_concurrent = max(self._max_concurrent, self._concurrent)

    def leave(self) -> None:
        """A request finished being handled."""
        with self._lock:
            self._concurrent -= 1

    @property
    def requests(self) -> dict[str, int]:
        """Requests by endpoint."""
        with self._lock:
            return dict(self._requests)

    @property
    def faults(self) -> dict[str, int]:
        """Injected faults by kind."""
        with self._lock:
            return dict(self._faults)

    @property
    def rate_limited(self) -> int:
        """429s sent because a client went over its rate (injected ones are in faults)."""
        with self._lock:
            return self._rate_limited

    @property
    def too_many(self) -> int:
        """Every 429 sent: by the rate limit and by the ``rate_limit`` fault."""
        with self._lock:
            return self._rate_limited + self._faults.get("rate_limit", 0)

    def snapshot(self) -> dict[str, Any]:
        """Every count at once, as plain data."""
        with self._lock:
            return {
                "requests": dict(self._requests),
                "total_requests": sum(self._requests.values()),
                "rate_limited": self._rate_limited,
                "status_429": self._rate_limited + self._faults.get("rate_limit", 0),
                "faults": dict(self._faults),
                "ids_served": self._ids_served,
                "max_concurrent": self._max_concurrent,
            }


# ---------------------------------------------------------------------------- rate limit


class _SlidingWindow:
    """NCBI's per-site limit: at most ``limit`` requests admitted per sliding window.

    NCBI does not document its window. We count, per client, the requests *admitted* in the
    trailing ``window - slack`` seconds (rejected ones do not count, so a client that backs
    off recovers at once). The slack (50 ms by default) absorbs arrival jitter: a client
    spacing requests evenly at the nominal rate is never refused, while a burst above it is.
    """

    def __init__(self, window: float, slack: float) -> None:
        self._span = window - slack
        self._lock = threading.Lock()
        self._seen: dict[str, collections.deque[float]] = {}

    def admit(self, client: str, limit: int) -> tuple[bool, int]:
        """Whether ``client`` may be served now, and the count in its window (this one in)."""
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(client, collections.deque())
            while seen and now - seen[0] >= self._span:
                seen.popleft()
            if len(seen) >= limit:
                return False, len(seen) + 1
            seen.append(now)
            return True, len(seen)

    def remaining(self, client: str, limit: int) -> int:
        """Requests ``client`` may still make in its current window."""
        with self._lock:
            return max(0, limit - len(self._seen.get(client, ())))


# ---------------------------------------------------------------------------- server


@attrs.frozen
class _Reply:
    status: int
    body: bytes
    content_type: str
    ids_served: int = 0
    endpoint: str = ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeNcbi


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "Finatra"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        # The request line holds the query string, and a GET's holds the key and the email.
        log.debug("fake NCBI: %s", scrub_query(format % args))

    def do_GET(self) -> None:
        self.server.fake._handle(self, b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.fake._handle(self, self.rfile.read(length) if length else b"")


LatencyModel = float | Callable[[int], float]


class FakeNcbi:
    """A fake E-utilities and ID-converter server on ``127.0.0.1``, a context manager.

    Serves ``efetch``, ``esummary``, ``esearch``, ``elink``, ``ecitmatch`` and the PMC ID
    converter from a :class:`SyntheticUniverse`, in NCBI's formats and with NCBI's headers;
    enforces 3 requests per second per client IP (10 per API key) with NCBI's 429 body; waits
    ``latency`` seconds per request; injects the faults of a :class:`FaultPlan`.

    Args:
        universe: the records served.
        latency: seconds per request, or a function of the request number giving them.
        enforce_rate: refuse requests over NCBI's rate with 429.
        faults: the faults to inject; ``None`` for none.
        host: the address to bind; only loopback addresses are accepted.
        rate_window: the sliding window of the rate limit, in seconds.
        rate_slack: seconds of arrival jitter forgiven (see :class:`_SlidingWindow`).
    """

    def __init__(
        self,
        universe: SyntheticUniverse | None = None,
        *,
        latency: LatencyModel = 0.0,
        enforce_rate: bool = True,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_window: float = 1.0,
        rate_slack: float = 0.05,
    ) -> None:
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError(f"the fake NCBI binds loopback only, not {host!r}")
        self.universe = universe if universe is not None else SyntheticUniverse()
        self.latency = latency
        self.enforce_rate = enforce_rate
        self.faults = faults
        self.host = "127.0.0.1"
        self._port = port
        self.stats = FakeNcbiStats()
        self._window = _SlidingWindow(rate_window, rate_slack)
        self._counter = 0
        self._counter_lock = threading.Lock()
        self._closing = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"FakeNcbi({self.universe!r}, running={self._server is not None})"

    # -- lifecycle

    def start(self) -> FakeNcbi:
        """Bind and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._closing.clear()
        server = _Server((self.host, self._port), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; stalled and slow replies are cut short."""
        server, self._server = self._server, None
        if server is None:
            return
        self._closing.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeNcbi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` the server is bound to."""
        if self._server is None:
            raise RuntimeError("the fake NCBI is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def port(self) -> int:
        """The bound port."""
        return self.address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def eutils_url(self) -> str:
        """The E-utilities base URL, for ``Config(eutils_url=...)``."""
        return f"{self.base_url}/entrez/eutils/"

    @property
    def idconv_url(self) -> str:
        """The ID converter's URL, for ``Config(idconv_url=...)``."""
        return f"{self.base_url}/tools/idconv/api/v1/articles/"

    def reset_stats(self) -> None:
        """Zero the counts (the request counter that drives faults keeps going)."""
        self.stats = FakeNcbiStats()

    # -- handling

    def _next_index(self) -> int:
        with self._counter_lock:
            index = self._counter
            self._counter += 1
            return index

    def _delay(self, index: int) -> float:
        value = self.latency(index) if callable(self.latency) else self.latency
        return max(0.0, float(value))

    def _handle(self, handler: _Handler, body: bytes) -> None:
        stats = self.stats
        stats.enter()
        try:
            self._serve(handler, body, stats)
        finally:
            stats.leave()

    def _serve(self, handler: _Handler, body: bytes, stats: FakeNcbiStats) -> None:
        split = urllib.parse.urlsplit(handler.path)
        params = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        if body:
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        endpoint = _endpoint(split.path)
        stats.count_request(endpoint)
        stats.log_ids(endpoint, _ids(params))
        index = self._next_index()
        api_key = (params.get("api_key") or [""])[0]
        client = api_key or handler.client_address[0]
        limit = 10 if api_key else 3
        headers = {"X-RateLimit-Limit": str(limit)}

        if self.enforce_rate:
            admitted, count = self._window.admit(client, limit)
            headers["X-RateLimit-Remaining"] = str(self._window.remaining(client, limit))
            if not admitted:
                stats.count_rate_limited()
                self._send(handler, _rate_reply(client, count, limit), headers)
                return
        else:
            headers["X-RateLimit-Remaining"] = str(limit)

        fault = self.faults.fault_for(index) if self.faults else None
        delay = self._delay(index)
        if delay:
            self._closing.wait(delay)

        if fault == "rate_limit":
            stats.count_fault(fault)
            self._send(handler, _rate_reply(client, limit + 1, limit), headers)
            return
        if fault in ("http_500", "http_502", "http_503"):
            stats.count_fault(fault)
            self._send(handler, _server_error(int(fault[-3:])), headers)
            return
        if fault == "reset":
            stats.count_fault(fault)
            _reset(handler)
            return
        if fault == "stall" and self.faults is not None:
            stats.count_fault(fault)
            self._closing.wait(min(self.faults.stall_seconds, 30.0))
            if self._closing.is_set():
                _reset(handler)
                return
        if fault == "html_error":
            stats.count_fault(fault)
            self._send(handler, _html_error(), headers)
            return
        if fault == "error_200":
            stats.count_fault(fault)
            self._send(handler, _error_200(endpoint, params), headers)
            return

        omit: set[str] = set()
        if fault == "omit_ids" and endpoint == "efetch" and self.faults is not None:
            ids = _ids(params)
            known = [i for i in ids if self.universe.exists(i)]
            if known:
                rng = self.faults.rng(index)
                omit = {i for i in known if rng.random() < 0.25} or {rng.choice(known)}
                stats.count_fault(fault)
        try:
            reply = self._route(endpoint, params, omit)
        except _BadRequest as exc:
            reply = _Reply(400, str(exc).encode(), _TEXT_TYPE, endpoint=endpoint)
        if fault == "truncate" and len(reply.body) > 2 and self.faults is not None:
            stats.count_fault(fault)
            cut = _cut_point(reply.body, self.faults.rng(index))
            reply = attrs.evolve(reply, body=reply.body[:cut])
        stats.count_ids(reply.ids_served)
        self._send(handler, reply, headers)

    def _send(self, handler: _Handler, reply: _Reply, headers: Mapping[str, str]) -> None:
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.send_header("Cache-Control", "private")
            handler.send_header("Access-Control-Allow-Origin", "*")
            handler.send_header(
                "Access-Control-Expose-Headers", "X-RateLimit-Limit,X-RateLimit-Remaining"
            )
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(reply.body)
        except OSError:  # the client gave up (a timeout); nothing to tell it
            handler.close_connection = True

    def _route(self, endpoint: str, params: dict[str, list[str]], omit: set[str]) -> _Reply:
        routes: dict[str, Callable[[dict[str, list[str]]], _Reply]] = {
            "esummary": self._esummary,
            "esearch": self._esearch,
            "elink": self._elink,
            "ecitmatch": self._ecitmatch,
            "idconv": self._idconv,
        }
        if endpoint == "efetch":
            return self._efetch(params, omit)
        if endpoint not in routes:
            return _Reply(404, b"Not Found", _TEXT_TYPE, endpoint=endpoint)
        return routes[endpoint](params)

    # -- endpoints

    def _efetch(self, params: dict[str, list[str]], omit: set[str]) -> _Reply:
        db = _one(params, "db", "pubmed")
        if db != "pubmed":
            raise _BadRequest(f"the fake serves db=pubmed only, not {db!r}")
        wanted = [i for i in _ids(params) if i not in omit]
        body = self.universe.efetch_xml(wanted)
        served = sum(1 for i in wanted if self.universe.exists(i))
        return _Reply(200, body, _XML_TYPE, served, "efetch")

    def _esummary(self, params: dict[str, list[str]]) -> _Reply:
        ids = _ids(params)
        result: dict[str, Any] = {"uids": []}
        served = 0
        for uid in ids:
            rec = self.universe.record(uid)
            if rec is None:
                result[uid] = {"uid": uid, "error": "cannot get document summary"}
                continue
            served += 1
            result["uids"].append(uid)
            result[uid] = _summary(rec)
        data = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
        return _Reply(200, _ncbi_json(data), _JSON_TYPE, served, "esummary")

    def _esearch(self, params: dict[str, list[str]]) -> _Reply:
        term = _one(params, "term", "")
        retmax = int(_one(params, "retmax", "20") or 20)
        retstart = int(_one(params, "retstart", "0") or 0)
        hits, translation, missing = _search(self.universe, term)
        page = hits[retstart : retstart + retmax]
        if _one(params, "retmode", "xml") == "json":
            result: dict[str, Any] = {
                "count": str(len(hits)),
                "retmax": str(len(page)),
                "retstart": str(retstart),
                "idlist": page,
                "translationset": [],
                "querytranslation": translation,
            }
            if missing:
                result["errorlist"] = {"phrasesnotfound": missing, "fieldsnotfound": []}
            data = {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result}
            return _Reply(200, _ncbi_json(data), _JSON_TYPE, endpoint="esearch")
        idlist = "".join(f"<Id>{i}</Id>\n" for i in page)
        xml = (
            f"{_ESEARCH_HEAD}<eSearchResult><Count>{len(hits)}</Count>"
            f"<RetMax>{len(page)}</RetMax><RetStart>{retstart}</RetStart>"
        )
        xml += f"<IdList>\n{idlist}</IdList>" if page else "<IdList/>"
        xml += f"<TranslationSet/><QueryTranslation>{escape(translation)}</QueryTranslation>"
        if missing:
            phrases = "".join(f"<PhraseNotFound>{escape(p)}</PhraseNotFound>" for p in missing)
            xml += f"<ErrorList>{phrases}</ErrorList>"
            xml += "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
        xml += "</eSearchResult>\n"
        return _Reply(200, xml.encode("utf-8"), _XML_TYPE, endpoint="esearch")

    def _elink(self, params: dict[str, list[str]]) -> _Reply:
        dbfrom = _one(params, "dbfrom", "pubmed")
        db = _one(params, "db", "pmc")
        linkname = _one(params, "linkname", f"{dbfrom}_{db}")
        uids = [u for v in params.get("id", []) for u in [v.strip()] if u]
        sets: list[tuple[str, list[str]]] = []
        for uid in uids:
            if dbfrom == "pubmed" and db == "pmc":
                rec = self.universe.record(uid)
                found = [rec.pmcid[3:]] if rec is not None and rec.pmcid else []
            elif dbfrom == "pmc" and db == "pubmed":
                pmid = self.universe.pmid_for_pmcid(uid)
                found = [pmid] if pmid else []
            else:
                raise _BadRequest(f"the fake links pubmed<->pmc only, not {dbfrom}->{db}")
            sets.append((uid, found))
        if _one(params, "retmode", "xml") == "json":
            linksets = []
            for uid, found in sets:
                entry: dict[str, Any] = {"dbfrom": dbfrom, "ids": [uid]}
                if found:
                    entry["linksetdbs"] = [{"dbto": db, "linkname": linkname, "links": found}]
                linksets.append(entry)
            data = {"header": {"type": "elink", "version": "0.3"}, "linksets": linksets}
            return _Reply(200, _ncbi_json(data), _JSON_TYPE, len(sets), "elink")
        xml = f"{_ELINK_HEAD}<eLinkResult>\n"
        for uid, found in sets:
            xml += f"\n  <LinkSet>\n    <DbFrom>{dbfrom}</DbFrom>\n    <IdList>\n"
            xml += f"      <Id>{escape(uid)}</Id>\n    </IdList>\n"
            if found:
                links = "".join(
                    f"        <Link>\n          <Id>{f}</Id>\n        </Link>\n" for f in found
                )
                xml += (
                    f"    <LinkSetDb>\n      <DbTo>{db}</DbTo>\n"
                    f"      <LinkName>{linkname}</LinkName>\n      \n{links}      \n"
                    "    </LinkSetDb>\n"
                )
            xml += "  </LinkSet>\n"
        xml += "</eLinkResult>\n"
        return _Reply(200, xml.encode("utf-8"), _XML_TYPE, len(sets), "elink")

    def _ecitmatch(self, params: dict[str, list[str]]) -> _Reply:
        bdata = _one(params, "bdata", "")
        lines = []
        for raw in bdata.replace("\r", "\n").split("\n"):
            if not raw.strip():
                continue
            fields = raw.replace("+", " ").lower().split("|")
            fields += [""] * (6 - len(fields))
            journal, year, volume, page, author, key = (f.strip() for f in fields[:6])
            lines.append("|".join([journal, year, volume, page, author, key, ""]))
            lines[-1] += _citmatch(
                self.universe, journal=journal, year=year, volume=volume, page=page, author=author
            )
        body = "".join(line + "\n" for line in lines).encode("utf-8")
        return _Reply(200, body, _TEXT_TYPE, len(lines), "ecitmatch")

    def _idconv(self, params: dict[str, list[str]]) -> _Reply:
        raw = _one(params, "ids", "")
        ids = [i.strip() for i in raw.split(",") if i.strip()]
        idtype = _one(params, "idtype", "")
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        request = {
            "idtype": idtype or "pmcid",
            "ids": ids,
            "versions": _one(params, "versions", "yes"),
            "showaiid": "no",
            "format": _one(params, "format", "json"),
        }
        if len(ids) > 200:
            error = {
                "status": "error",
                "message": "Too many IDs: the limit is 200",
                "responseDate": now,
                "request": request,
            }
            return _Reply(400, _ncbi_json(error, indent=1), _JSON_TYPE, endpoint="idconv")
        records = []
        for ident in ids:
            pmid = self._idconv_pmid(ident, idtype)
            rec = self.universe.record(pmid) if pmid else None
            if rec is None or rec.pmcid is None:
                records.append(
                    {
                        "requested-id": ident,
                        "status": "error",
                        "errmsg": "Identifier not found in PMC",
                    }
                )
                continue
            entry: dict[str, Any] = {"pmcid": rec.pmcid, "pmid": int(rec.pmid)}
            if rec.doi:
                entry["doi"] = rec.doi
            entry["requested-id"] = ident
            records.append(entry)
        data = {"status": "ok", "responseDate": now, "request": request, "records": records}
        served = sum(1 for r in records if "pmcid" in r)
        return _Reply(200, _ncbi_json(data, indent=1), _JSON_TYPE, served, "idconv")

    def _idconv_pmid(self, ident: str, idtype: str) -> str | None:
        kind = idtype or (
            "pmcid"
            if ident.upper().startswith("PMC")
            else "doi"
            if ident.startswith("10.")
            else "pmid"
        )
        if kind == "doi":
            return self.universe.pmid_for_doi(ident)
        if kind == "pmcid":
            return self.universe.pmid_for_pmcid(ident)
        return ident if self.universe.exists(ident) else None


class _BadRequest(Exception):
    """A request the fake cannot answer."""


# ---------------------------------------------------------------------------- helpers


def _endpoint(path: str) -> str:
    if "/tools/idconv/" in path:
        return "idconv"
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name.split(".")[0] or "unknown"


def _one(params: Mapping[str, Sequence[str]], name: str, default: str) -> str:
    values = params.get(name)
    return values[0] if values else default


def _ids(params: Mapping[str, Sequence[str]]) -> list[str]:
    return [i.strip() for v in params.get("id", []) for i in v.split(",") if i.strip()]


def _ncbi_json(data: Any, indent: int = 4) -> bytes:
    return json.dumps(data, indent=indent, ensure_ascii=False).encode("utf-8")


def _rate_reply(client: str, count: int, limit: int) -> _Reply:
    body = json.dumps(
        {
            "error": "API rate limit exceeded",
            "api-key": client,
            "count": str(count),
            "limit": str(limit),
        },
        separators=(",", ":"),
    )
    return _Reply(429, body.encode("utf-8"), _JSON_TYPE)


def _server_error(status: int) -> _Reply:
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    body = (
        f"<html><head><title>{status} {reason[status]}</title></head><body>"
        f"<h1>{reason[status]}</h1><p>Synthetic fault injected by the fake NCBI.</p>"
        "</body></html>"
    )
    return _Reply(status, body.encode(), _HTML_TYPE)


def _html_error() -> _Reply:
    body = (
        '<!DOCTYPE html><html lang="en"><head><title>NCBI - WWW Error Blocked Diagnostic'
        "</title></head><body><h1>Service temporarily unavailable</h1><p>Synthetic HTML "
        "error page with status 200, injected by the fake NCBI.</p></body></html>"
    )
    return _Reply(200, body.encode(), _HTML_TYPE)


def _error_200(endpoint: str, params: Mapping[str, Sequence[str]]) -> _Reply:
    json_mode = _one(params, "retmode", "xml") == "json" or endpoint in ("esummary", "idconv")
    if endpoint == "esearch" and json_mode:
        data = {
            "header": {"type": "esearch", "version": "0.3"},
            "esearchresult": {"ERROR": "Search Backend failed: synthetic fault"},
        }
        return _Reply(200, _ncbi_json(data), _JSON_TYPE)
    if json_mode:
        body = json.dumps({"error": "Search Backend failed: synthetic fault"}).encode()
        return _Reply(200, body, _JSON_TYPE)
    root = {"esearch": "eSearchResult", "elink": "eLinkResult"}.get(endpoint, "eFetchResult")
    xml = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f"<{root}>\n\t<ERROR>Unable to obtain query #1 (synthetic fault)</ERROR>\n</{root}>\n"
    )
    return _Reply(200, xml.encode(), _XML_TYPE)


def _cut_point(body: bytes, rng: random.Random) -> int:
    """Where to cut a body: inside a record when there is one, else in the middle."""
    start = body.find(b"<PubmedArticle>")
    if start >= 0:
        last = body.rfind(b"</PubmedArticle>")
        return rng.randint(start + 20, max(start + 21, last))
    return rng.randint(1, len(body) - 1)


def _reset(handler: _Handler) -> None:
    """Drop the connection with a TCP reset and no reply."""
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    except OSError:
        pass


def _summary(rec: SyntheticRecord) -> dict[str, Any]:
    articleids = [{"idtype": "pubmed", "idtypen": 1, "value": rec.pmid}]
    if rec.doi:
        articleids.append({"idtype": "doi", "idtypen": 3, "value": rec.doi})
    if rec.pmcid:
        articleids.append({"idtype": "pmc", "idtypen": 8, "value": rec.pmcid})
    return {
        "uid": rec.pmid,
        "pubdate": f"{rec.year} {rec.month}",
        "source": rec.iso_abbreviation,
        "authors": [
            {"name": f"{a.last} {a.initials}", "authtype": "Author", "clusterid": ""}
            for a in rec.authors
        ],
        "lastauthor": f"{rec.authors[-1].last} {rec.authors[-1].initials}",
        "title": rec.title,
        "volume": rec.volume,
        "issue": rec.issue,
        "pages": rec.pages,
        "lang": ["eng"],
        "issn": rec.issn,
        "pubtype": ["Journal Article"],
        "articleids": articleids,
        "fulljournalname": rec.journal,
        "elocationid": f"doi: {rec.doi}" if rec.doi else "",
        "sortpubdate": f"{rec.year}/01/01 00:00",
    }


def _citmatch(
    universe: SyntheticUniverse, *, journal: str, year: str, volume: str, page: str, author: str
) -> str:
    journals = {j.lower() for row in _JOURNALS for j in row[:2]}
    if journal not in journals:
        return "NOT_FOUND;INVALID_JOURNAL"
    found = []
    for rec in universe.records():
        if journal not in (rec.journal.lower(), rec.iso_abbreviation.lower()):
            continue
        if year and str(rec.year) != year:
            continue
        if volume and rec.volume != volume:
            continue
        if page and rec.first_page != page:
            continue
        if author and not any(
            f"{a.last} {a.initials}".lower().startswith(author) for a in rec.authors
        ):
            continue
        found.append(rec.pmid)
    if not found:
        return "NOT_FOUND"
    return found[0] if len(found) == 1 else "AMBIGUOUS"


def _search(universe: SyntheticUniverse, term: str) -> tuple[list[str], str, list[str]]:
    """PMIDs matching ``term`` (newest first, as PubMed's default sort roughly gives: by PMID
    descending), the query translation, and the phrases that found nothing."""
    groups = [g.strip() for g in _split(term, " AND ")]
    result: set[str] | None = None
    translations: list[str] = []
    missing: list[str] = []
    for group in groups:
        hits: set[str] = set()
        parts = []
        for clause in _split(group.strip("() "), " OR "):
            found, text = _clause(universe, clause.strip("() "))
            if not found:
                missing.append(clause.strip("() "))
            hits |= found
            parts.append(text)
        translations.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
        result = hits if result is None else result & hits
    ordered = sorted(result or set(), key=int, reverse=True)
    return ordered, " AND ".join(translations), missing if not ordered else []


def _split(text: str, sep: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    upper = text.upper()
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and upper.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _clause(universe: SyntheticUniverse, clause: str) -> tuple[set[str], str]:
    value, _, tag = clause.rpartition("[")
    if not value:
        value, tag = clause, "all]"
    tag = tag.rstrip("]").strip().lower()
    value = value.strip().strip('"').strip()
    low = value.lower()
    if tag in ("doi", "aid", "lid"):
        pmid = universe.pmid_for_doi(value)
        return ({pmid} if pmid else set()), f"{value}[{tag}]"
    if tag in ("pmid", "uid"):
        return ({value} if universe.exists(value) else set()), f"{value}[{tag}]"
    hits: set[str] = set()
    for rec in universe.records():
        if tag in ("ti", "title", "all"):
            ok = low in rec.title.lower()
        elif tag in ("au", "author", "1au"):
            names = rec.authors[:1] if tag == "1au" else rec.authors
            ok = any(f"{a.last} {a.initials}".lower().startswith(low) for a in names)
        elif tag in ("dp", "pdat", "pubdate"):
            ok = str(rec.year) == low[:4]
        else:
            ok = False
        if ok:
            hits.add(rec.pmid)
    return hits, f'"{value}"[{_TAGS.get(tag, tag)}]'


_TAGS = {"ti": "Title", "title": "Title", "au": "Author", "1au": "Author - First", "dp": "dp"}


# ---------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fake NCBI on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m pubenrich.testing.fake_ncbi")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--no-rate-limit", action="store_true")
    args = parser.parse_args(argv)
    universe = SyntheticUniverse(size=args.size, seed=args.seed)
    fake = FakeNcbi(
        universe, latency=args.latency, enforce_rate=not args.no_rate_limit, port=args.port
    )
    with fake:
        # The CLI's one job is to say where it listens.
        print(f"fake NCBI E-utilities at {fake.eutils_url}")  # noqa: T201
        print(f"fake PMC ID converter at {fake.idconv_url}", flush=True)  # noqa: T201
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
