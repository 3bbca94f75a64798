"""What a resolving phase says about one citation, and what every phase looks things up with.

Each phase takes the citations still open and returns one :class:`Outcome` per citation; the
resolver folds them in order with :meth:`Outcome.then`. No phase changes another's state, so
each can be read, and tested, on its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import attrs

from pubenrich.cache import Cache
from pubenrich.concurrency import thread_map
from pubenrich.config import Config
from pubenrich.errors import PubenrichError
from pubenrich.model.enriched import Candidate
from pubenrich.ncbi.client import EutilsClient
from pubenrich.services.records import Fetcher, FetchResult

__all__ = ["ANSWER_VERSION", "Lookup", "Outcome"]

log = logging.getLogger("pubenrich.services.resolve")

# Stored answers carry their own shape version; bump it when the stored dict changes.
ANSWER_VERSION = 1

T = TypeVar("T")
R = TypeVar("R")


@attrs.frozen
class Outcome:
    """What is known of one citation: its PMID and how it was found, or why there is none.

    Attributes:
        steps: every lookup tried, in order, with its outcome (the route's steps).
        pmid: the paper's PMID, once a phase has found it.
        method: how ``pmid`` was found (see :class:`~pubenrich.Route`).
        error: the failure that stopped the search, if one did.
        closed: decided without a record (not found by its ids): no later phase tries.
        candidates: records a search scored, each once, first score kept.
        query: the search term that found ``pmid``; ``score``: its candidate's score.
        doi_unknown: PMC does not know the DOI, so PubMed's ``[doi]`` search should try.
    """

    steps: tuple[str, ...] = ()
    pmid: str | None = None
    method: str = "none"
    error: PubenrichError | None = attrs.field(default=None, eq=False)
    closed: bool = False
    candidates: tuple[Candidate, ...] = ()
    query: str | None = None
    score: float | None = None
    doi_unknown: bool = False

    @property
    def open(self) -> bool:
        """Neither found nor given up on, and nothing failed: later phases may try."""
        return self.pmid is None and not self.closed and self.error is None

    def then(self, later: Outcome) -> Outcome:
        """This outcome followed by a later phase's."""
        known = {candidate.pmid for candidate in self.candidates}
        found = later.pmid is not None
        return Outcome(
            steps=self.steps + later.steps,
            pmid=later.pmid if found else self.pmid,
            method=later.method if found else self.method,
            error=later.error or self.error,
            closed=self.closed or later.closed,
            candidates=self.candidates + tuple(c for c in later.candidates if c.pmid not in known),
            query=later.query if later.query is not None else self.query,
            score=later.score if later.score is not None else self.score,
            doi_unknown=self.doi_unknown or later.doi_unknown,
        )


@attrs.frozen
class Lookup:
    """The settings and services the phases use, and the records fetched so far (shared, so
    that a record two phases need is fetched once).

    Phases run on several threads at once: a PMID another thread is already fetching is
    waited for, not asked again.
    """

    config: Config
    client: EutilsClient
    cache: Cache
    fetcher: Fetcher
    refresh: bool
    records: dict[str, FetchResult] = attrs.field(factory=dict)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)
    _underway: dict[str, threading.Event] = attrs.field(factory=dict, init=False)

    def fetch(self, pmids: Iterable[str]) -> dict[str, FetchResult]:
        """Fetch the records not fetched yet, together; return every record fetched so far
        (once those another thread is fetching have come too)."""
        done = threading.Event()
        with self._lock:
            wanted = [p for p in dict.fromkeys(pmids) if p not in self.records]
            waits = {self._underway[p] for p in wanted if p in self._underway}
            mine = [p for p in wanted if p not in self._underway]
            self._underway.update(dict.fromkeys(mine, done))
        if mine:
            got: dict[str, FetchResult] = {}
            try:
                got = self.fetcher.records(mine, refresh=self.refresh)
            finally:
                with self._lock:
                    self.records.update(got)
                    for pmid in mine:
                        del self._underway[pmid]
                done.set()
        for event in waits:
            event.wait()
        return self.records

    def parallel(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R | PubenrichError]:
        """``fn`` over ``items`` on a few threads (the client paces them), failures in place."""

        def guarded(item: T) -> R | PubenrichError:
            try:
                return fn(item)
            except PubenrichError as exc:  # one failed lookup fails its own citations only
                log.info("lookup failed: %s", exc)
                return exc

        window = min(self.config.max_in_flight, len(items))
        return list(
            thread_map(lambda item, _: guarded(item), items, window, name="pubenrich-resolve")
        )
