"""The public surface is deliberate: listed, sorted, importable, and it holds the names that
other code relies on."""

from __future__ import annotations

import pubenrich

# Names fixed by the issues; other pipelines import them.
REQUIRED = {
    "Enricher",
    "EnrichedRecord",
    "enrich",
    "Mirror",
    "MirrorError",
    "Article",
    "BookArticle",
    "DeletedCitation",
    "parse_pubmed_xml",
    "MemoryCache",
    "NoCache",
    "SqliteCache",
    "DOI",
    "PMCID",
    "PMID",
    "BadRequest",
    "Citation",
    "Mention",
    "extract",
    "read_citations",
    "CacheError",
    "Config",
    "EutilsClient",
    "InvalidIdentifier",
    "NcbiError",
    "NcbiUnavailable",
    "OfflineMiss",
    "ParseError",
    "PubenrichError",
    "RateLimited",
    "TransportError",
    "to_csl_json",
    "to_bibtex",
    "to_ris",
    "csv_row",
    "CsvWriter",
}


def test_all_is_sorted_and_unique() -> None:
    """__all__ reads as a sorted list with no repeats (ruff's RUF022 order)."""
    names = list(pubenrich.__all__)
    assert len(names) == len(set(names))
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))


def test_every_public_name_exists() -> None:
    """Each name in __all__ is an attribute of the package."""
    missing = [name for name in pubenrich.__all__ if not hasattr(pubenrich, name)]
    assert missing == []


def test_required_names_are_public() -> None:
    """The names that the issues fix are all exported."""
    assert REQUIRED - set(pubenrich.__all__) == set()


def test_errors_share_one_root() -> None:
    """Every exported exception derives from PubenrichError."""
    for name in pubenrich.__all__:
        obj = getattr(pubenrich, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, pubenrich.PubenrichError), name
