"""pubenrich: messy text about biomedical papers in, canonical typed PubMed metadata out.

The public surface is what ``__all__`` lists; everything else is internal and may change.
"""

from __future__ import annotations

from pubenrich.cache import Cache, CachePolicy, MemoryCache, NoCache, SqliteCache
from pubenrich.config import Config
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
from pubenrich.formats.export import (
    CSV_COLUMNS,
    DEFAULT_CSV_COLUMNS,
    CsvWriter,
    bibtex_key,
    csv_row,
    to_bibtex,
    to_csl_json,
    to_ris,
)
from pubenrich.formats.medline import parse_medline, to_medline
from pubenrich.formats.pubmed_xml import parse_pubmed_xml
from pubenrich.mirror import Mirror
from pubenrich.model.citation import AuthorCue, Citation, Cues
from pubenrich.model.enriched import Candidate, Conflict, EnrichedRecord, Route
from pubenrich.model.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier
from pubenrich.model.records import (
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
from pubenrich.model.results import ConvertResult, FetchResult
from pubenrich.ncbi.client import Batch, EutilsClient, JsonBatch
from pubenrich.ncbi.ecitmatch import CitationMatch, CitationQuery
from pubenrich.ncbi.elink import Link, LinkSet
from pubenrich.ncbi.esearch import SearchResult
from pubenrich.ncbi.idconv import IdconvRecord
from pubenrich.services.enricher import Enricher, Progress, enrich
from pubenrich.text.citations import read_citations
from pubenrich.text.extract import Mention, extract

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
