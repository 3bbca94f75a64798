"""pubenrich: messy text about biomedical papers in, canonical typed PubMed metadata out.

The public surface is what ``__all__`` lists; everything else is internal and may change.
"""

from __future__ import annotations

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
from pubenrich.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier

__version__ = "0.1.0.dev0"

__all__ = [
    "DOI",
    "PMCID",
    "PMID",
    "BadRequest",
    "CacheError",
    "Identifier",
    "InvalidIdentifier",
    "NcbiError",
    "NcbiUnavailable",
    "OfflineMiss",
    "ParseError",
    "PubenrichError",
    "RateLimited",
    "TransportError",
    "__version__",
    "parse_identifier",
]
