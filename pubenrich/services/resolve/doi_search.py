"""Phase 3: DOIs that PMC does not know, searched in PubMed with the ``[doi]`` field.

Up to :data:`DOIS_PER_SEARCH` DOIs are OR-joined in one search; a hit counts only when the
fetched record carries that DOI (compared case-insensitively), never on the search hit alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pubenrich.cache import QUERY_TO_PMIDS
from pubenrich.errors import OfflineMiss, PubenrichError
from pubenrich.model.citation import Citation
from pubenrich.model.identifiers import DOI
from pubenrich.model.records import Article, BookArticle
from pubenrich.ncbi.esearch import SearchResult
from pubenrich.ncbi.queries import doi_term
from pubenrich.services.resolve.outcome import ANSWER_VERSION, Lookup, Outcome

__all__ = ["DOIS_PER_SEARCH", "DOIS_PER_SEARCH_MIN", "search_dois"]

# DOIs OR-joined into one PubMed search. NCBI documents no maximum for a POSTed term (the
# API facts, section 4: "pick the batch by measurement, keep it bounded, split on error"): 200
# matches the batch of every other id request and keeps a term near 8 kB (~40 characters a DOI).
DOIS_PER_SEARCH = 200
# A search that fails is asked again in halves, down to this many DOIs: a term too large for
# NCBI fails only itself, and a dead service costs at most a few more requests per chunk.
DOIS_PER_SEARCH_MIN = 50


def _record_dois(record: Article | BookArticle) -> set[str]:
    keys = {record.doi.key} if record.doi is not None else set()
    for article_id in record.article_ids:
        if article_id.kind == "doi":
            keys.add(article_id.value.lower())
    return keys


# How the records a search found are fetched: ``Lookup.fetch`` unless the caller shares its
# efetch batches with them (see :mod:`.flow`).
Fetch = Callable[[list[str]], object]


def _search(
    lookup: Lookup, misses: list[DOI], fetch: Fetch
) -> tuple[dict[str, str | None], dict[str, PubenrichError]]:
    """PMID (or None) per DOI key asked for, and the DOIs whose search failed."""
    chunks = [misses[i : i + DOIS_PER_SEARCH] for i in range(0, len(misses), DOIS_PER_SEARCH)]
    chunks, replies = _ask_split(lookup, chunks)
    found_pmids = [p for r in replies if not isinstance(r, PubenrichError) for p in r.ids]
    fetch(found_pmids)
    records = lookup.records
    by_doi: dict[str, str] = {}
    for pmid in found_pmids:
        record = records[pmid].record if pmid in records else None
        if isinstance(record, Article | BookArticle):
            for key in _record_dois(record):
                by_doi.setdefault(key, pmid)
    answers: dict[str, str | None] = {}
    failures: dict[str, PubenrichError] = {}
    for chunk, reply in zip(chunks, replies, strict=True):
        for doi in chunk:
            if isinstance(reply, PubenrichError):
                failures[doi.key] = reply
            else:
                answers[doi.key] = by_doi.get(doi.key)
    return answers, failures


def _ask_split(
    lookup: Lookup, chunks: list[list[DOI]]
) -> tuple[list[list[DOI]], list[SearchResult | PubenrichError]]:
    """Each chunk's search; a chunk whose search fails is asked again in halves (down to
    :data:`DOIS_PER_SEARCH_MIN`), so a term NCBI refuses for its size fails nothing."""
    replies = lookup.parallel(
        lambda chunk: lookup.client.esearch(doi_term(chunk), retmax=2 * len(chunk)), chunks
    )
    kept: list[list[DOI]] = []
    answered: list[SearchResult | PubenrichError] = []
    for chunk, reply in zip(chunks, replies, strict=True):
        if isinstance(reply, PubenrichError) and len(chunk) > DOIS_PER_SEARCH_MIN:
            half = (len(chunk) + 1) // 2
            more, again = _ask_split(lookup, [chunk[:half], chunk[half:]])
            kept += more
            answered += again
        else:
            kept.append(chunk)
            answered.append(reply)
    return kept, answered


def _store(lookup: Lookup, answers: dict[str, str | None]) -> None:
    found = {f"doi:{k}": {"pmid": v} for k, v in answers.items() if v}
    missing = [f"doi:{k}" for k, v in answers.items() if not v]
    if found:
        lookup.cache.put_many(QUERY_TO_PMIDS, found, version=ANSWER_VERSION)
    if missing:
        lookup.cache.put_missing(QUERY_TO_PMIDS, missing, version=ANSWER_VERSION)


def search_dois(
    lookup: Lookup, citations: Sequence[Citation], fetch: Fetch | None = None
) -> list[Outcome]:
    """One outcome per citation (each has a DOI): its PMID, its failure, or not found.

    ``fetch`` fetches the records the search found into ``lookup.records`` (by default
    ``lookup.fetch``)."""
    if not citations:
        return []
    dois = {DOI(c.doi or "").key: DOI(c.doi or "") for c in citations}
    answers: dict[str, str | None] = {}
    failures: dict[str, PubenrichError] = {}
    if not lookup.refresh:
        for key, entry in lookup.cache.get_many(
            QUERY_TO_PMIDS, [f"doi:{k}" for k in dois], version=ANSWER_VERSION
        ).items():
            answers[key[4:]] = None if entry.negative else str(entry.value["pmid"])
    misses = [doi for key, doi in dois.items() if key not in answers]
    if misses and lookup.config.offline:
        for doi in misses:
            failures[doi.key] = OfflineMiss(f"offline mode: DOI {doi} is not in the cache")
    elif misses:
        searched, failures = _search(lookup, misses, fetch or lookup.fetch)
        answers.update(searched)
        _store(lookup, searched)
    outcomes = []
    for citation in citations:
        key = DOI(citation.doi or "").key
        if key in failures:
            step = f"pubmed [doi] search: {type(failures[key]).__name__}"
            outcomes.append(Outcome(steps=(step,), error=failures[key]))
        elif pmid := answers.get(key):
            step = f"pubmed [doi] search: PMID {pmid}, its record's DOI matches"
            outcomes.append(Outcome(steps=(step,), pmid=pmid, method="doi_search"))
        else:
            step = "pubmed [doi] search: no record carries this DOI"
            outcomes.append(Outcome(steps=(step,), closed=True))
    return outcomes
