"""What a cache is: its namespaces, its TTL policy, its entries and the ``Cache`` protocol.

The Enricher and the services speak to any cache through these; the storage behind them
(:mod:`pubenrich.cache.memory`, :mod:`pubenrich.cache.sqlite`) only keeps rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import attrs

from pubenrich.cache.jsontext import JSONValue, loads

__all__ = [
    "CITATION_TO_PMID",
    "DAY",
    "DOI_TO_PMID",
    "PMCID_TO_PMID",
    "PMID_TO_IDS",
    "QUERY_TO_PMIDS",
    "RECORDS",
    "Cache",
    "CacheEntry",
    "CacheInfo",
    "CachePolicy",
    "expiry",
]

RECORDS = "pubmed"  # PMID -> record.to_dict()
DOI_TO_PMID = "doi"  # DOI.key -> {"pmid", "pmcid", "doi"}
PMCID_TO_PMID = "pmcid"  # PMCID -> {"pmid", "pmcid", "doi"}
PMID_TO_IDS = "pmid-ids"  # PMID -> {"pmid", "pmcid", "doi"}
CITATION_TO_PMID = "citation"  # normalized citation -> match
QUERY_TO_PMIDS = "query"  # normalized search term -> PMIDs

DAY = 86_400.0


@attrs.frozen
class CachePolicy:
    """How long entries live, per namespace.

    Attributes:
        record_ttl: seconds a fetched record stays fresh (records gain MeSH terms and
            corrections over time); None keeps them for ever.
        mapping_ttl: seconds an id mapping or search answer stays fresh.
        negative_ttl: seconds a "not found" answer stays (short: new records appear daily).
        overrides: positive TTLs per namespace, taking precedence over the two above.
    """

    record_ttl: float | None = 30 * DAY
    mapping_ttl: float | None = 90 * DAY
    negative_ttl: float | None = 3 * DAY
    overrides: Mapping[str, float | None] = attrs.field(factory=dict)

    def ttl_for(self, namespace: str, *, negative: bool = False) -> float | None:
        """The TTL in seconds for an entry of ``namespace`` (None: never expires)."""
        if negative:
            return self.negative_ttl
        if namespace in self.overrides:
            return self.overrides[namespace]
        return self.record_ttl if namespace == RECORDS else self.mapping_ttl


@attrs.frozen
class CacheEntry:
    """One live cache entry.

    Entries hold the stored JSON text and decode it when ``value`` is read, so a batch of hits
    costs no decoding until each is used, and the decoded trees of a big batch never all live
    at once (the garbage collector's work grows with the objects alive).

    Attributes:
        text: the stored JSON text; None for a negative entry.
        negative: the entry says "known absent".
        stored_at: when it was written (the cache's clock, seconds since the epoch).
        expires_at: when it stops being served; None for never.
        version: the version of the value's shape.
    """

    text: str | None
    negative: bool
    stored_at: float
    expires_at: float | None
    version: int

    @property
    def value(self) -> JSONValue:
        """The stored JSON value, decoded afresh at each read (a copy the caller owns); None
        for a negative entry."""
        return None if self.text is None else loads(self.text)


@attrs.frozen
class CacheInfo:
    """What a cache holds, for ``pubenrich cache info``."""

    path: str | None
    size_bytes: int
    entries: Mapping[str, int]
    live: int
    expired: int
    negative: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return attrs.asdict(self)


@runtime_checkable
class Cache(Protocol):
    """What the Enricher needs of a cache."""

    def get_many(
        self, namespace: str, keys: Iterable[str], *, version: int
    ) -> dict[str, CacheEntry]:
        """Live entries of ``version`` for those of ``keys`` that have one (hits only)."""
        ...

    def put_many(self, namespace: str, items: Mapping[str, JSONValue], *, version: int) -> None:
        """Store positive entries, with the policy's TTL for ``namespace``."""
        ...

    def put_missing(self, namespace: str, keys: Iterable[str], *, version: int) -> None:
        """Store negative entries ("known absent"), with the policy's negative TTL."""
        ...

    def delete(self, namespace: str, keys: Iterable[str]) -> int:
        """Remove entries; returns how many there were."""
        ...

    def info(self) -> CacheInfo:
        """Counts and size."""
        ...

    def clear(self, namespace: str | None = None) -> int:
        """Remove every entry (of one namespace); returns how many."""
        ...

    def prune(self) -> int:
        """Remove expired entries; returns how many."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


def expiry(now: float, ttl: float | None) -> float | None:
    """When an entry stored ``now`` with ``ttl`` stops being served (None: never)."""
    return None if ttl is None else now + ttl
