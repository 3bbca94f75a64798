"""The Enricher: one object that owns the client, the rate limiter and the cache.

::

    with Enricher(Config.from_env(), cache=SqliteCache("pubmed.sqlite3")) as enricher:
        for result in enricher.fetch(["25211170", "PMID: 27888550"]):
            print(result.status, result.record.title if result.ok else result.error)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

from pubenrich.cache import Cache, SqliteCache, default_cache_path
from pubenrich.config import Config
from pubenrich.eutils import EutilsClient
from pubenrich.fetch import ConvertResult, Fetcher, FetchResult

__all__ = ["Enricher"]


class Enricher:
    """Fetches, converts and enriches, never asking NCBI twice for what it already knows.

    Args:
        config: identity, endpoints, pacing, batching, ``offline``; ``Config()`` by default.
        cache: any object of the :class:`~pubenrich.cache.Cache` protocol. ``None`` means a
            :class:`~pubenrich.SqliteCache` at ``config.cache_path`` (a file in the user's
            cache directory unless set). Pass ``NoCache()`` to keep nothing.
        client: an :class:`~pubenrich.EutilsClient` to use instead of one made from ``config``
            (the Enricher then leaves closing it to the caller).
    """

    def __init__(
        self,
        config: Config | None = None,
        cache: Cache | None = None,
        *,
        client: EutilsClient | None = None,
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
        self._fetcher = Fetcher(self.config, self.client, self.cache)

    def __repr__(self) -> str:
        return f"Enricher({self.client!r}, cache={type(self.cache).__name__})"

    def __enter__(self) -> Enricher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close what the Enricher created: its client's session and its default cache."""
        if self._own_client:
            self.client.close()
        if self._own_cache:
            self.cache.close()

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

        Uses the PMC ID converter (200 ids a request), which knows only articles in PMC: a
        valid id of a paper outside PMC comes back ``not_in_pmc``, distinct from ``invalid``.

        Args:
            ids: any mix of PMIDs, PMCIDs and DOIs, in the forms ``parse_identifier`` reads.
            refresh: ignore cached answers.
        """
        return self._fetcher.convert(ids, refresh=refresh)
