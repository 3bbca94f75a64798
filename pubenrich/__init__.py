"""pubenrich: messy text about biomedical papers in, canonical typed PubMed metadata out.

The public surface is what ``__all__`` lists; everything else is internal and may change.
"""

from __future__ import annotations

from pubenrich.cache import Cache, CachePolicy, MemoryCache, NoCache, SqliteCache
from pubenrich.config import Config
from pubenrich.cues import AuthorCue, Citation, Cues, read_citations
from pubenrich.enricher import Enricher, Progress, enrich
from pubenrich.errors import (
    BadRequest,
    CacheError,
    InvalidIdentifier,
    InvalidInput,
    MirrorError,
    NcbiError,
    NcbiUnavailable,
    OfflineMiss,
    ParseError,
    PubenrichError,
    RateLimited,
    TransportError,
)
from pubenrich.eutils import Batch, EutilsClient, JsonBatch
from pubenrich.export import (
    CSV_COLUMNS,
    DEFAULT_CSV_COLUMNS,
    CsvWriter,
    bibtex_key,
    csv_row,
    to_bibtex,
    to_csl_json,
    to_ris,
)
from pubenrich.extract import Mention, extract
from pubenrich.fetch import ConvertResult, FetchResult
from pubenrich.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier
from pubenrich.medline import parse_medline, to_medline
from pubenrich.merge import Candidate, Conflict, EnrichedRecord, Route
from pubenrich.mirror import Mirror
from pubenrich.pubmed_xml import parse_pubmed_xml
from pubenrich.records import (
    Article,
    Author,
    BookArticle,
    DeletedCitation,
    Journal,
    PartialDate,
    PubmedRecord,
    RetractionStatus,
    record_from_dict,
)
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
    "CSV_COLUMNS",
    "DEFAULT_CSV_COLUMNS",
    "DOI",
    "PMCID",
    "PMID",
    "Article",
    "Author",
    "AuthorCue",
    "BadRequest",
    "Batch",
    "BookArticle",
    "Cache",
    "CacheError",
    "CachePolicy",
    "Candidate",
    "Citation",
    "CitationMatch",
    "CitationQuery",
    "Config",
    "Conflict",
    "ConvertResult",
    "CsvWriter",
    "Cues",
    "DeletedCitation",
    "EnrichedRecord",
    "Enricher",
    "EutilsClient",
    "FetchResult",
    "IdconvRecord",
    "Identifier",
    "InvalidIdentifier",
    "InvalidInput",
    "Journal",
    "JsonBatch",
    "Link",
    "LinkSet",
    "MemoryCache",
    "Mention",
    "Mirror",
    "MirrorError",
    "NcbiError",
    "NcbiUnavailable",
    "NoCache",
    "OfflineMiss",
    "ParseError",
    "PartialDate",
    "Progress",
    "PubenrichError",
    "PubmedRecord",
    "RateLimited",
    "RetractionStatus",
    "Route",
    "SearchResult",
    "SqliteCache",
    "TransportError",
    "__version__",
    "bibtex_key",
    "csv_row",
    "enrich",
    "extract",
    "parse_identifier",
    "parse_medline",
    "parse_pubmed_xml",
    "read_citations",
    "record_from_dict",
    "to_bibtex",
    "to_csl_json",
    "to_medline",
    "to_ris",
]
