"""Caches of parsed records and id mappings: policy above, plain storage below.

A cache maps ``(namespace, key)`` to a JSON value, keyed by what the data is
(``("pubmed", "25211170")``, ``("doi", "10.1097/aln.0000000000000446")``), never by URL, so any
batch in any order is served from what is known. Keys arrive normalized by the caller (DOIs
case-folded with ``DOI.key``); the cache does not guess. Nothing here takes the API key, tool
or email, so they cannot reach the file.

Each entry carries the version of its value's shape (``records.SCHEMA_VERSION`` for records):
an entry of another version is a miss, so a change of the record type invalidates old entries
instead of loading them wrong. A *negative* entry ("PubMed holds no such PMID", "not in PMC")
has its own, shorter TTL. Errors are never cached; that is the caller's side of the contract.

The package holds the policy (:mod:`~pubenrich.cache.policy`: namespaces, TTLs, entries, the
``Cache`` protocol) above plain storage (:mod:`~pubenrich.cache.memory`,
:mod:`~pubenrich.cache.sqlite`); importers keep using ``pubenrich.cache``.
"""

from __future__ import annotations

from pubenrich.cache.layout import LAYOUT_VERSION as LAYOUT_VERSION
from pubenrich.cache.layout import default_cache_path
from pubenrich.cache.memory import MemoryCache, NoCache
from pubenrich.cache.policy import (
    CITATION_TO_PMID,
    DOI_TO_PMID,
    PMCID_TO_PMID,
    PMID_TO_IDS,
    QUERY_TO_PMIDS,
    RECORDS,
    Cache,
    CacheEntry,
    CacheInfo,
    CachePolicy,
)
from pubenrich.cache.policy import DAY as DAY
from pubenrich.cache.sqlite import SqliteCache

# DAY and LAYOUT_VERSION stay importable from here (as ``X as X``), outside __all__ as before.
__all__ = [
    "CITATION_TO_PMID",
    "DOI_TO_PMID",
    "PMCID_TO_PMID",
    "PMID_TO_IDS",
    "QUERY_TO_PMIDS",
    "RECORDS",
    "Cache",
    "CacheEntry",
    "CacheInfo",
    "CachePolicy",
    "MemoryCache",
    "NoCache",
    "SqliteCache",
    "default_cache_path",
]
