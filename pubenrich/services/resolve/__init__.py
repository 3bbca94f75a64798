"""Resolution: from whatever a citation gives (ids, or only title, authors, journal, year) to a
verified PubMed record.

Citations are resolved together, in phases, so that each kind of request is shared across
them and cached answers cost nothing. Each phase is a module that takes the citations still
open and returns one :class:`~.outcome.Outcome` per citation; the :class:`Resolver` folds them
in this order for each citation, while the phases of different citations overlap (the PMIDs
given are fetched while the converter works; see :mod:`.flow`):

1. a PMID in the text is taken as it is (the record is still fetched and compared);
2. PMCIDs and DOIs go through the PMC ID converter, 200 to a request;
3. DOIs it does not know (papers outside PMC) are searched in PubMed with the ``[doi]`` field,
   up to :data:`DOIS_PER_SEARCH` OR-joined in one search; a hit counts only when the fetched
   record carries that DOI (compared case-insensitively), never on the search hit alone;
4. citations with journal, year, volume or page and an author go through ECitMatch, 50 to a
   request, and the match is checked by scoring the record against the citation;
5. the rest are searched with their cues (see :mod:`.scoring`), candidates are
   fetched together and scored, and only a clear winner above the bar is accepted; with a
   mirror, its title index is searched first, and only what it does not settle goes to
   ESearch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import date
from typing import Literal

import attrs

from pubenrich.cache import Cache
from pubenrich.config import Config
from pubenrich.errors import PubenrichError
from pubenrich.model.citation import Citation
from pubenrich.model.enriched import Candidate, RecordSource, Route
from pubenrich.model.records import Article, BookArticle
from pubenrich.ncbi.client import EutilsClient
from pubenrich.services.records import Fetcher
from pubenrich.services.resolve.citmatch import match_citations
from pubenrich.services.resolve.cue_search import SEARCH_RETMAX, search_cues
from pubenrich.services.resolve.doi_search import DOIS_PER_SEARCH
from pubenrich.services.resolve.flow import resolve_ids, streams_for
from pubenrich.services.resolve.given import take_given
from pubenrich.services.resolve.outcome import Lookup, Outcome
from pubenrich.services.resolve.scoring import AMBIGUOUS_SCORE
from pubenrich.text.citations import searchable

__all__ = ["DOIS_PER_SEARCH", "SEARCH_RETMAX", "Resolution", "Resolver"]

# The resolver's streams: the PMIDs given, the id path, the id-less path.
STREAMS = 3
# Shown in ``candidates``: the best few, not every record a broad search touched.
CANDIDATES_KEPT = 5

ResolutionStatus = Literal["resolved", "not_found", "ambiguous", "error", "offline_miss"]


@attrs.frozen
class Resolution:
    """The outcome for one citation: its record when resolved, else why not."""

    status: ResolutionStatus
    record: Article | BookArticle | None = None
    route: Route = attrs.field(factory=Route)
    candidates: tuple[Candidate, ...] = ()
    error: PubenrichError | None = attrs.field(default=None, eq=False)
    source: RecordSource | None = None
    as_of: date | None = None
    pmid: str | None = None  # known without its record (offline_miss)


def _by_id(citation: Citation) -> bool:
    return bool(citation.doi or citation.pmcid)


class Resolver:
    """Resolves citations to verified records for the :class:`~pubenrich.Enricher`.

    Args:
        config: the settings (``offline``, ``max_in_flight``).
        client: the E-utilities client, for searches and citation matching.
        cache: where search and citation answers are kept.
        fetcher: the fetch path, for id mappings and records (through the same cache).
    """

    def __init__(
        self, config: Config, client: EutilsClient, cache: Cache, fetcher: Fetcher
    ) -> None:
        self.config = config
        self.client = client
        self.cache = cache
        self.fetcher = fetcher

    def resolve(self, citations: Sequence[Citation], *, refresh: bool = False) -> list[Resolution]:
        """One :class:`Resolution` per citation, in order.

        Three streams run side by side, each on citations the others never touch: the PMIDs
        given are fetched; the id path converts, searches and fetches (:mod:`.flow`); the
        id-less citations go through ECitMatch, then cue search. All share the client's rate
        limiter and the fetched records; the records still missing are fetched last.
        """
        lookup = Lookup(self.config, self.client, self.cache, self.fetcher, refresh)
        known = take_given(citations)
        given = [k.pmid for k in known if k.pmid is not None]
        with (
            streams_for(lookup, STREAMS) as streams,
            streams_for(lookup, self.config.max_in_flight) as pool,
        ):
            running: list[Future[object]] = [
                streams.submit(lookup.fetch, given),
                streams.submit(resolve_ids, lookup, citations, known, pool),
                streams.submit(self._idless, lookup, citations, known),
            ]
            for stream in running:
                stream.result()
        lookup.fetch(k.pmid for k in known if k.pmid is not None)
        return [self._finish(outcome, lookup) for outcome in known]

    @staticmethod
    def _idless(lookup: Lookup, citations: Sequence[Citation], known: list[Outcome]) -> None:
        """ECitMatch, then cue search, for the open citations without a PMCID or DOI."""

        def phase(
            wants: Callable[[Citation, Outcome], bool],
            run: Callable[[list[int]], list[Outcome]],
        ) -> None:
            """Run one phase on the citations it wants; fold its outcomes into ``known``."""
            chosen = [i for i, c in enumerate(citations) if wants(c, known[i])]
            if not chosen:
                return
            for index, outcome in zip(chosen, run(chosen), strict=True):
                known[index] = known[index].then(outcome)

        phase(
            lambda c, k: k.open and not _by_id(c),
            lambda ch: match_citations(lookup, [citations[i] for i in ch]),
        )
        phase(
            lambda c, k: k.open and not _by_id(c) and searchable(c.cues),
            lambda ch: search_cues(
                lookup,
                [citations[i].cues for i in ch],
                [known[i] for i in ch],
                [citations[i].text for i in ch],
            ),
        )

    @staticmethod
    def _finish(known: Outcome, lookup: Lookup) -> Resolution:
        """The verdict for one citation, from what the phases found and the records fetched."""
        ranked = tuple(
            sorted(known.candidates, key=lambda c: (-c.score.total, c.pmid))[:CANDIDATES_KEPT]
        )

        def route(method: str, *last: str) -> Route:
            steps = known.steps + last
            return Route(method=method, steps=steps, query=known.query, score=known.score)

        if known.pmid is not None:
            result = lookup.records.get(known.pmid)
            if result is not None and result.status == "offline_miss":
                missed = route(known.method, f"efetch {known.pmid}: not in the cache (offline)")
                return Resolution("offline_miss", route=missed, error=result.error, pmid=known.pmid)
            if result is None or result.status == "error":
                error = result.error if result is not None else None
                failed = route(known.method, f"efetch {known.pmid}: failed")
                return Resolution("error", route=failed, candidates=ranked, error=error)
            if result.status != "found" or not isinstance(result.record, Article | BookArticle):
                missing = route(known.method, f"efetch {known.pmid}: {result.status}")
                return Resolution("not_found", route=missing, candidates=ranked)
            return Resolution(
                "resolved",
                record=result.record,
                route=route(known.method),
                candidates=ranked,
                source=result.source,
                as_of=result.as_of,
            )
        if known.error is not None:
            return Resolution("error", route=route("none"), candidates=ranked, error=known.error)
        if ranked and ranked[0].score.total >= AMBIGUOUS_SCORE:
            unclear = route("none", "no candidate clear of the acceptance bar")
            return Resolution("ambiguous", route=unclear, candidates=ranked)
        return Resolution("not_found", route=route("none"), candidates=ranked)
