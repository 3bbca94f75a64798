"""pubenrich: messy text about biomedical papers in, canonical typed PubMed metadata out.

The public surface is what ``__all__`` lists; everything else is internal and may change.
"""

from __future__ import annotations

from pubenrich.cache import Cache, CachePolicy, MemoryCache, NoCache, SqliteCache
from pubenrich.config import Config
from pubenrich.cues import AuthorCue, Citation, Cues, read_citations
from pubenrich.errors import (
    BadRequest,
    CacheError,
    InvalidIdentifier,
    NcbiError,
    NcbiUnavailable,
    OfflineMiss,
    ParseError,
    PubenrichError,
    RateLimited,
    TransportError,
)
from pubenrich.eutils import Batch, EutilsClient, JsonBatch
from pubenrich.extract import Mention, extract
from pubenrich.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier
from pubenrich.replies import (
    CitationMatch,
    CitationQuery,
    IdconvRecord,
    Link,
    LinkSet,
    SearchResult,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "DOI",
    "PMCID",
    "PMID",
    "AuthorCue",
    "BadRequest",
    "Batch",
    "Cache",
    "CacheError",
    "CachePolicy",
    "Citation",
    "CitationMatch",
    "CitationQuery",
    "Config",
    "Cues",
    "EutilsClient",
    "IdconvRecord",
    "Identifier",
    "InvalidIdentifier",
    "JsonBatch",
    "Link",
    "LinkSet",
    "MemoryCache",
    "Mention",
    "NcbiError",
    "NcbiUnavailable",
    "NoCache",
    "OfflineMiss",
    "ParseError",
    "PubenrichError",
    "RateLimited",
    "SearchResult",
    "SqliteCache",
    "TransportError",
    "__version__",
    "extract",
    "parse_identifier",
    "read_citations",
]
