"""The Enricher: one object that owns the client, the rate limiter and the cache.

::

    with Enricher(Config.from_env(), cache=SqliteCache("pubmed.sqlite3")) as enricher:
        for result in enricher.fetch(["25211170", "PMID: 27888550"]):
            print(result.status, result.record.title if result.ok else result.error)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from pubenrich.cache import Cache, SqliteCache, default_cache_path
from pubenrich.closing import Closeable
from pubenrich.config import Config
from pubenrich.mirror import Mirror
from pubenrich.model.citation import Citation, Role
from pubenrich.model.enriched import EnrichedRecord, EnrichStatus
from pubenrich.ncbi.client import EutilsClient
from pubenrich.services.records import WINDOW_BATCHES, ConvertResult, Fetcher, FetchResult, windows
from pubenrich.services.resolve import Resolution, Resolver
from pubenrich.services.resolve.compare import compare
from pubenrich.text.inputs import ReadInput, read_input

__all__ = ["Enricher", "Progress", "enrich"]

# An enrich window holds this many fetch windows of inputs: a text may name a dozen papers,
# and wider windows fill more batches to the brim (fewer, fuller requests) at flat memory.
ENRICH_WINDOW_FACTOR = 5
# With a mirror, most records come with no request, so wide windows fill few batches but keep
# five times the records alive at once, which the garbage collector keeps walking: one fetch
# window per enrich window enriches about 1.6 times faster (benchmarks/bench_mirror.py).
MIRROR_WINDOW_FACTOR = 1


@attrs.frozen
class Progress:
    """How far an ``enrich`` run has got: inputs done, and HTTP requests sent by endpoint."""

    inputs_done: int
    requests: dict[str, int] = attrs.field(factory=dict, eq=False)

    @property
    def requests_total(self) -> int:
        """All requests sent so far."""
        return sum(self.requests.values())


class Enricher(Closeable):
    """Fetches, converts and enriches, never asking NCBI twice for what it already knows.

    Args:
        config: identity, endpoints, pacing, batching, ``offline``; ``Config()`` by default.
        cache: any object of the :class:`~pubenrich.cache.Cache` protocol. ``None`` means a
            :class:`~pubenrich.SqliteCache` at ``config.cache_path`` (a file in the user's
            cache directory unless set). Pass ``NoCache()`` to keep nothing.
        client: an :class:`~pubenrich.EutilsClient` to use instead of one made from ``config``
            (the Enricher then leaves closing it to the caller).
        mirror: a local PubMed mirror (its folder, or a :class:`~pubenrich.mirror.Mirror`)
            that answers records and id conversions first, with no request; E-utilities
            serve only what it does not hold. A PMID an update file deleted comes back
            ``deleted`` from the mirror (``not_found`` from ``enrich``), with no request.
            ``refresh`` skips the cache, not the mirror.
    """

    def __init__(
        self,
        config: Config | None = None,
        cache: Cache | None = None,
        *,
        client: EutilsClient | None = None,
        mirror: str | os.PathLike[str] | Mirror | None = None,
    ) -> None:
        self.config = config or Config()
        self._own_cache = cache is None
        self.cache: Cache = (
            cache
            if cache is not None
            else SqliteCache(self.config.cache_path or default_cache_path())
        )
        self._own_client = client is None
        self.client = client or EutilsClient(self.config)
        self._own_mirror = mirror is not None and not isinstance(mirror, Mirror)
        self.mirror = mirror if isinstance(mirror, Mirror) or mirror is None else Mirror(mirror)
        self._fetcher = Fetcher(self.config, self.client, self.cache, self.mirror)
        self._resolver = Resolver(self.config, self.client, self.cache, self._fetcher)

    def __repr__(self) -> str:
        return f"Enricher({self.client!r}, cache={type(self.cache).__name__})"

    def close(self) -> None:
        """Close what the Enricher created: its client's session and its default cache."""
        if self._own_client:
            self.client.close()
        if self._own_cache:
            self.cache.close()
        if self._own_mirror and self.mirror is not None:
            self.mirror.close()

    def fetch(self, pmids: Iterable[Any], *, refresh: bool = False) -> Iterator[FetchResult]:
        """The records of these PMIDs: one result per input, in input order, streaming.

        Cached records are served without a request; the misses are fetched in shared batches
        (duplicates once). A PMID that PubMed does not hold comes back ``not_found`` (and is
        remembered for the cache's shorter negative TTL); a failure comes back ``error`` with
        the reason, for its own batch only; an input that is no PMID comes back ``invalid``.

        Args:
            pmids: PMIDs as strings (any form :class:`~pubenrich.PMID` reads), ints or PMIDs.
            refresh: ignore cached answers (fresh ones are still stored).
        """
        return self._fetcher.fetch(pmids, refresh=refresh)

    def convert(self, ids: Iterable[Any], *, refresh: bool = False) -> Iterator[ConvertResult]:
        """Map PMIDs, PMCIDs and DOIs to one another: one result per input, in order.

        Answered from the mirror when it holds the record and the record names another id;
        else uses the PMC ID converter (200 ids a request), which knows only articles in PMC: a
        valid id of a paper outside PMC comes back ``not_in_pmc``, distinct from ``invalid``.

        Args:
            ids: any mix of PMIDs, PMCIDs and DOIs, in the forms ``parse_identifier`` reads.
            refresh: ignore cached answers.
        """
        return self._fetcher.convert(ids, refresh=refresh)

    def enrich(
        self,
        inputs: Iterable[Any],
        *,
        refresh: bool = False,
        progress: Callable[[Progress], None] | None = None,
    ) -> Iterator[EnrichedRecord]:
        """Enrich texts and partial records: one :class:`EnrichedRecord` per input, in order.

        Inputs are read in windows of a few thousand; within a window every identifier,
        search and record is shared and batched (duplicates asked once), then the window's
        results are yielded in input order, so memory stays flat over any number of inputs.

        A text is read with :func:`~pubenrich.read_citations`: its own paper is the record,
        and the papers it cites or shows beside it (similar, cited by, references) come back
        in ``related``. A text that cites several papers and has none of its own (a pasted
        reference list) comes back with status ``multiple``, each paper in ``related``.

        Args:
            inputs: texts (a page, a reference line, a bare id), mappings with some of
                ``pmid``/``pmcid``/``doi``/``title``/``authors``/``journal``/``year``/
                ``volume``/``pages``, or attrs records with such fields.
            refresh: ignore cached answers (fresh ones are still stored).
            progress: called after each window with the inputs done and requests sent.
        """
        factor = ENRICH_WINDOW_FACTOR if self.mirror is None else MIRROR_WINDOW_FACTOR
        size = self.config.batch_size * WINDOW_BATCHES * factor
        done = 0
        for window in windows(inputs, size):
            read = [read_input(value) for value in window]
            wanted = [c for r in read for c in ((r.subject,) if r.subject else ()) + r.others]
            resolutions = dict(
                zip(map(id, wanted), self._resolver.resolve(wanted, refresh=refresh), strict=True)
            )
            for value, item in zip(window, read, strict=True):
                yield _enriched(value, item, resolutions)
            done += len(window)
            if progress is not None:
                progress(Progress(done, self.client.requests_sent))


_STATUS: dict[str, EnrichStatus] = {
    "resolved": "enriched",
    "not_found": "not_found",
    "ambiguous": "ambiguous",
    "error": "error",
    "offline_miss": "offline_miss",
}


def _one(
    value: Any,
    citation: Citation,
    resolution: Resolution,
    *,
    role: Role,
    citations: tuple[Citation, ...],
    related: tuple[EnrichedRecord, ...] = (),
) -> EnrichedRecord:
    provenance, conflicts = (
        ({}, ()) if resolution.record is None else compare(citation, resolution.record)
    )
    return EnrichedRecord(
        input=value,
        status=_STATUS[resolution.status],
        citations=citations,
        citation=citation,
        role=role,
        article=resolution.record,
        error=resolution.error,
        candidates=resolution.candidates,
        route=resolution.route,
        provenance=provenance,
        conflicts=conflicts,
        related=related,
        source=resolution.source,
        as_of=resolution.as_of,
        known_pmid=resolution.pmid,
    )


def _enriched(value: Any, item: ReadInput, resolutions: dict[int, Resolution]) -> EnrichedRecord:
    related = tuple(
        _one(c.text, c, resolutions[id(c)], role=c.role, citations=(c,)) for c in item.others
    )
    if item.subject is not None:
        return _one(
            value,
            item.subject,
            resolutions[id(item.subject)],
            role="primary",
            citations=item.citations,
            related=related,
        )
    if item.problem is not None:
        return EnrichedRecord(
            input=value,
            status="invalid_input",
            citations=item.citations,
            error=item.problem,
            related=related,
        )
    return EnrichedRecord(input=value, status="multiple", citations=item.citations, related=related)


def enrich(inputs: Iterable[Any], config: Config | None = None) -> list[EnrichedRecord]:
    """Enrich once: an :class:`Enricher` on ``config`` (else ``Config.from_env()``) and its
    default cache, closed when done. One :class:`EnrichedRecord` per input, in order.
    """
    with Enricher(config or Config.from_env()) as enricher:
        return list(enricher.enrich(inputs))
