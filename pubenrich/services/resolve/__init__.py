"""Resolution: from whatever a citation gives (ids, or only title, authors, journal, year) to a
verified PubMed record.

Citations are resolved together, in phases, so that each kind of request is shared across
them and cached answers cost nothing:

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

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Literal, TypeVar

import attrs

from pubenrich.cache import CITATION_TO_PMID, QUERY_TO_PMIDS, Cache
from pubenrich.concurrency import thread_map
from pubenrich.config import Config
from pubenrich.errors import OfflineMiss, PubenrichError
from pubenrich.model.citation import Citation
from pubenrich.model.enriched import Candidate, RecordSource, Route
from pubenrich.model.identifiers import DOI, PMCID, PMID, Identifier
from pubenrich.model.records import Article, BookArticle
from pubenrich.ncbi.classify import CitationMatch, CitationQuery
from pubenrich.ncbi.client import EutilsClient
from pubenrich.ncbi.queries import doi_term, search_terms
from pubenrich.services.records import Fetcher, FetchResult, mapping_key
from pubenrich.services.resolve.scoring import (
    ACCEPT_MARGIN,
    ACCEPT_SCORE,
    AMBIGUOUS_SCORE,
    score_record,
)
from pubenrich.text.citations import searchable
from pubenrich.text.normalize import normalize_text

__all__ = ["DOIS_PER_SEARCH", "SEARCH_RETMAX", "Resolution", "Resolver"]

log = logging.getLogger(__name__)

# DOIs OR-joined into one PubMed search: ~40 characters each keeps a term near 2 kB (POSTed).
DOIS_PER_SEARCH = 50
# Candidates read from each cue search: the right paper, when PubMed has it, ranks near the top.
SEARCH_RETMAX = 10
# Shown in ``candidates``: the best few, not every record a broad search touched.
CANDIDATES_KEPT = 5
# Stored answers carry their own shape version; bump it when the stored dict changes.
ANSWER_VERSION = 1

ResolutionStatus = Literal["resolved", "not_found", "ambiguous", "error"]
T = TypeVar("T")
R = TypeVar("R")


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


@attrs.define
class _Job:
    """The working state of one citation while it is resolved."""

    citation: Citation
    pmid: str | None = None
    method: str = "none"
    steps: list[str] = attrs.Factory(list)
    candidates: dict[str, Candidate] = attrs.Factory(dict)
    error: PubenrichError | None = None
    query: str | None = None
    score: float | None = None
    closed: bool = False  # decided without a record: not found by its ids, or failed

    @property
    def open(self) -> bool:
        return self.pmid is None and not self.closed

    def fail(self, error: PubenrichError, step: str) -> None:
        self.steps.append(step)
        self.error = error


def _parallel(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R | PubenrichError]:
    """``fn`` over ``items`` on a few threads (the client paces them), failures in place."""

    def guarded(item: T) -> R | PubenrichError:
        try:
            return fn(item)
        except PubenrichError as exc:  # one failed lookup fails its own citations only
            log.info("lookup failed: %s", exc)
            return exc

    window = min(workers, len(items))
    return list(thread_map(lambda item, _: guarded(item), items, window, name="pubenrich-resolve"))


def _weigh(job: _Job, pmids: Iterable[str], records: dict[str, FetchResult], query: str) -> None:
    """Score the records a search found; accept a clear winner above the bar."""
    for pmid in pmids:
        record = records[pmid].record if pmid in records else None
        if isinstance(record, Article | BookArticle) and pmid not in job.candidates:
            job.candidates[pmid] = Candidate.of(record, score_record(job.citation.cues, record))
    ranked = sorted(job.candidates.values(), key=lambda c: -c.score.total)
    if ranked and ranked[0].score.total >= ACCEPT_SCORE:
        runner_up = ranked[1].score.total if len(ranked) > 1 else 0.0
        if ranked[0].score.total - runner_up >= ACCEPT_MARGIN:
            job.pmid, job.method = ranked[0].pmid, "search"
            job.query, job.score = query, ranked[0].score.total


def _record_dois(record: Article | BookArticle) -> set[str]:
    keys = {record.doi.key} if record.doi is not None else set()
    for article_id in record.article_ids:
        if article_id.kind == "doi":
            keys.add(article_id.value.lower())
    return keys


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
        """One :class:`Resolution` per citation, in order."""
        jobs = [_Job(citation) for citation in citations]
        records: dict[str, FetchResult] = {}
        for job in jobs:
            if job.citation.pmid:
                job.pmid, job.method = PMID(job.citation.pmid).value, "pmid"
                job.steps.append(f"pmid {job.pmid}: given")
        self._convert(jobs, refresh)
        self._search_dois(jobs, records, refresh)
        self._match_citations(jobs, records, refresh)
        self._search_cues(jobs, records, refresh)
        wanted = [job.pmid for job in jobs if job.pmid is not None and job.pmid not in records]
        records.update(self._records(wanted, refresh))
        return [self._finish(job, records) for job in jobs]

    # ------------------------------------------------------------------ phases

    def _records(self, pmids: Iterable[str], refresh: bool) -> dict[str, FetchResult]:
        keys = list(dict.fromkeys(pmids))
        return self.fetcher.records(keys, refresh=refresh) if keys else {}

    def _convert(self, jobs: list[_Job], refresh: bool) -> None:
        """PMCIDs, then DOIs, through the PMC ID converter (cached)."""
        for kind in ("pmcid", "doi"):
            asked: list[tuple[_Job, Identifier]] = []
            for job in jobs:
                value = getattr(job.citation, kind)
                if value and job.open and job.error is None:
                    asked.append((job, PMCID(value) if kind == "pmcid" else DOI(value)))
            if not asked:
                continue
            outcomes = self.fetcher.mappings([ident for _, ident in asked], refresh=refresh)
            for job, ident in asked:
                result = outcomes[mapping_key(ident)]
                if result.status == "found" and result.pmid is not None:
                    job.pmid, job.method = result.pmid.value, kind
                    by = "mirror" if result.source == "mirror" else "idconv"
                    job.steps.append(f"{by} {kind} {ident}: PMID {job.pmid}")
                elif result.status in ("error", "offline_miss") and result.error is not None:
                    job.fail(result.error, f"idconv {kind} {ident}: {result.status}")
                else:
                    job.steps.append(f"idconv {kind} {ident}: {result.status}")
                    if kind == "doi":
                        job.method = "doi_search"  # outside PMC: PubMed may still hold it
                    elif not job.citation.doi:
                        job.closed = True

    def _search_dois(
        self, jobs: list[_Job], records: dict[str, FetchResult], refresh: bool
    ) -> None:
        """DOIs that PMC does not know: PubMed ``[doi]`` searches, many DOIs to one search."""
        pending = [job for job in jobs if job.open and job.method == "doi_search"]
        if not pending:
            return
        dois = {DOI(job.citation.doi or "").key: DOI(job.citation.doi or "") for job in pending}
        answers: dict[str, str | None] = {}
        failures: dict[str, PubenrichError] = {}
        if not refresh:
            for key, entry in self.cache.get_many(
                QUERY_TO_PMIDS, [f"doi:{k}" for k in dois], version=ANSWER_VERSION
            ).items():
                answers[key[4:]] = None if entry.negative else str(entry.value["pmid"])
        misses = [doi for key, doi in dois.items() if key not in answers]
        if misses and self.config.offline:
            for doi in misses:
                failures[doi.key] = OfflineMiss(f"offline mode: DOI {doi} is not in the cache")
        elif misses:
            chunks = [
                misses[i : i + DOIS_PER_SEARCH] for i in range(0, len(misses), DOIS_PER_SEARCH)
            ]
            terms = [doi_term(chunk) for chunk in chunks]
            replies = _parallel(
                lambda term: self.client.esearch(term, retmax=2 * DOIS_PER_SEARCH),
                terms,
                self.config.max_in_flight,
            )
            found_pmids = [p for r in replies if not isinstance(r, PubenrichError) for p in r.ids]
            records.update(self._records(found_pmids, refresh))
            by_doi: dict[str, str] = {}
            for pmid in found_pmids:
                record = records[pmid].record if pmid in records else None
                if isinstance(record, Article | BookArticle):
                    for key in _record_dois(record):
                        by_doi.setdefault(key, pmid)
            for chunk, reply in zip(chunks, replies, strict=True):
                for doi in chunk:
                    if isinstance(reply, PubenrichError):
                        failures[doi.key] = reply
                    else:
                        answers[doi.key] = by_doi.get(doi.key)
            asked = {doi.key for doi in misses}
            self._store_dois({k: v for k, v in answers.items() if k in asked})
        for job in pending:
            key = DOI(job.citation.doi or "").key
            if key in failures:
                job.fail(failures[key], f"pubmed [doi] search: {type(failures[key]).__name__}")
            elif answers.get(key):
                job.pmid = answers[key]
                job.steps.append(f"pubmed [doi] search: PMID {job.pmid}, its record's DOI matches")
            else:
                job.steps.append("pubmed [doi] search: no record carries this DOI")
                job.closed = True

    def _store_dois(self, answers: dict[str, str | None]) -> None:
        found = {f"doi:{k}": {"pmid": v} for k, v in answers.items() if v}
        missing = [f"doi:{k}" for k, v in answers.items() if not v]
        if found:
            self.cache.put_many(QUERY_TO_PMIDS, found, version=ANSWER_VERSION)
        if missing:
            self.cache.put_missing(QUERY_TO_PMIDS, missing, version=ANSWER_VERSION)

    def _match_citations(
        self, jobs: list[_Job], records: dict[str, FetchResult], refresh: bool
    ) -> None:
        """Citations with journal, year, volume/page and an author: ECitMatch, then a check."""
        asked: list[tuple[_Job, CitationQuery, str]] = []
        for job in jobs:
            cues = job.citation.cues
            if not job.open or job.error is not None or job.citation.doi or job.citation.pmcid:
                continue
            if cues.journal and cues.year and (cues.volume or cues.first_page) and cues.authors:
                first = cues.authors[0]
                author = f"{normalize_text(first.last_name)} {first.initials.replace('-', '')}"
                query = CitationQuery(
                    journal=cues.journal,
                    year=cues.year,
                    volume=cues.volume,
                    first_page=cues.first_page,
                    author=author.strip().lower(),
                )
                key = "|".join(
                    normalize_text(str(v or ""))
                    for v in (query.journal, query.year, query.volume, query.first_page, author)
                )
                asked.append((job, query, key))
        if not asked:
            return
        answers: dict[str, CitationMatch] = {}
        if not refresh:
            hits = self.cache.get_many(
                CITATION_TO_PMID, [k for _, _, k in asked], version=ANSWER_VERSION
            )
            for key, entry in hits.items():
                value = entry.value if not entry.negative else {}
                status = value.get("status")
                answers[key] = CitationMatch(
                    key=key,
                    status=status if status in ("found", "ambiguous") else "not_found",
                    pmid=value.get("pmid"),
                )
        misses = list({k: q for _, q, k in asked if k not in answers}.items())
        if misses and not self.config.offline:
            try:
                matches = self.client.ecitmatch([q for _, q in misses])
            except PubenrichError as exc:
                log.info("ecitmatch failed: %s", exc)
                for job, _, key in asked:
                    if key not in answers:
                        job.steps.append(f"ecitmatch: {type(exc).__name__}, trying search")
                matches = []
            stored: dict[str, dict[str, str | None]] = {}
            unmatched: list[str] = []
            for (key, _), match in zip(misses, matches, strict=False):
                answers[key] = match
                if match.status == "not_found":
                    unmatched.append(key)  # kept for the shorter negative TTL
                else:
                    stored[key] = {"status": match.status, "pmid": match.pmid}
            if stored:
                self.cache.put_many(CITATION_TO_PMID, stored, version=ANSWER_VERSION)
            if unmatched:
                self.cache.put_missing(CITATION_TO_PMID, unmatched, version=ANSWER_VERSION)
        matched = dict.fromkeys(a.pmid for a in answers.values() if a.status == "found" and a.pmid)
        records.update(self._records([p for p in matched if p not in records], refresh))
        for job, _, key in asked:
            answer = answers.get(key)
            if answer is None:
                continue
            if answer.status != "found" or not answer.pmid:
                job.steps.append(f"ecitmatch: {answer.status}")
                continue
            result = records.get(answer.pmid)
            record = result.record if result is not None else None
            if not isinstance(record, Article | BookArticle):
                job.steps.append(f"ecitmatch: PMID {answer.pmid}, record not fetched")
                continue
            score = score_record(job.citation.cues, record)
            job.candidates[answer.pmid] = Candidate.of(record, score)
            if score.total >= AMBIGUOUS_SCORE:
                job.pmid, job.method, job.score = answer.pmid, "citation_match", score.total
                job.steps.append(f"ecitmatch: PMID {answer.pmid}, score {score.total:.2f}")
            else:
                job.steps.append(f"ecitmatch: PMID {answer.pmid} scored {score.total:.2f}, no")

    def _search_cues(
        self, jobs: list[_Job], records: dict[str, FetchResult], refresh: bool
    ) -> None:
        """Search with each citation's cues, best query first, until a clear winner."""
        pending = [
            job
            for job in jobs
            if job.open
            and job.error is None
            and not (job.citation.doi or job.citation.pmcid)
            and searchable(job.citation.cues)
        ]
        if self.fetcher.mirror is not None and pending:
            self._search_mirror(pending, records, refresh)
            pending = [job for job in pending if job.open and job.error is None]
        plans = {id(job): search_terms(job.citation.cues) for job in pending}
        stage = 0
        while pending:
            asked = [(job, plans[id(job)][stage]) for job in pending if stage < len(plans[id(job)])]
            if not asked:
                break
            hits = self._search_terms(list(dict.fromkeys(term for _, (_, term) in asked)), refresh)
            found = dict.fromkeys(  # ordered, so the same job sends the same requests
                p for ids in hits.values() if not isinstance(ids, PubenrichError) for p in ids
            )
            records.update(self._records([p for p in found if p not in records], refresh))
            for job, (label, term) in asked:
                ids = hits[term]
                if isinstance(ids, PubenrichError):
                    job.fail(ids, f"search {label}: {type(ids).__name__}")
                    continue
                job.steps.append(f"search {label}: {len(ids)} hits")
                _weigh(job, ids, records, term)
            pending = [job for job in pending if job.open and job.error is None]
            stage += 1

    def _search_mirror(
        self, jobs: list[_Job], records: dict[str, FetchResult], refresh: bool
    ) -> None:
        """Titles first through the mirror's full-text index: no request when it holds the paper.

        The hits are scored against the citation like ESearch's, by the same bar; a citation
        the mirror settles sends no search to PubMed, one it does not goes on to ESearch (the
        paper may be newer than the mirror).
        """
        mirror = self.fetcher.mirror
        assert mirror is not None
        asked: list[tuple[_Job, list[str]]] = []
        for job in jobs:
            cues = job.citation.cues
            if not cues.title:
                continue
            first = cues.authors[0].last_name if cues.authors else None
            hits = mirror.search_title(cues.title, author=first, limit=SEARCH_RETMAX)
            if not hits and first:
                hits = mirror.search_title(cues.title, limit=SEARCH_RETMAX)
            asked.append((job, [hit.pmid.value for hit in hits]))
        wanted = dict.fromkeys(p for _, pmids in asked for p in pmids if p not in records)
        records.update(self._records(wanted, refresh))
        for job, pmids in asked:
            job.steps.append(f"mirror title search: {len(pmids)} hits")
            _weigh(job, pmids, records, "mirror title search")

    def _search_terms(
        self, terms: list[str], refresh: bool
    ) -> dict[str, list[str] | PubenrichError]:
        """PMIDs each term finds: the cache first, then ESearch for the rest, a few at a time."""
        answers: dict[str, list[str] | PubenrichError] = {}
        if not refresh:
            hits = self.cache.get_many(
                QUERY_TO_PMIDS, [f"term:{t}" for t in terms], version=ANSWER_VERSION
            )
            for key, entry in hits.items():
                answers[key[5:]] = [] if entry.negative else [str(p) for p in entry.value]
        misses = [t for t in terms if t not in answers]
        if misses and self.config.offline:
            for term in misses:
                answers[term] = OfflineMiss(f"offline mode: search {term!r} is not in the cache")
            return answers
        replies = _parallel(
            lambda term: self.client.esearch(term, retmax=SEARCH_RETMAX),
            misses,
            self.config.max_in_flight,
        )
        found: dict[str, list[str]] = {}
        for term, reply in zip(misses, replies, strict=True):
            if isinstance(reply, PubenrichError):
                answers[term] = reply
            else:
                answers[term] = found[f"term:{term}"] = list(reply.ids)
        if found:
            self.cache.put_many(QUERY_TO_PMIDS, found, version=ANSWER_VERSION)
        return answers

    # ------------------------------------------------------------------ the verdict

    def _finish(self, job: _Job, records: dict[str, FetchResult]) -> Resolution:
        ranked = tuple(
            sorted(job.candidates.values(), key=lambda c: (-c.score.total, c.pmid))[
                :CANDIDATES_KEPT
            ]
        )

        def route(method: str | None = None) -> Route:
            return Route(
                method=method or job.method,
                steps=tuple(job.steps),
                query=job.query,
                score=job.score,
            )

        if job.pmid is not None:
            result = records.get(job.pmid)
            if result is None or result.status in ("error", "offline_miss"):
                error = result.error if result is not None else None
                job.steps.append(f"efetch {job.pmid}: failed")
                return Resolution("error", route=route(), candidates=ranked, error=error)
            if result.status != "found" or not isinstance(result.record, Article | BookArticle):
                job.steps.append(f"efetch {job.pmid}: {result.status}")
                return Resolution("not_found", route=route(), candidates=ranked)
            return Resolution(
                "resolved",
                record=result.record,
                route=route(),
                candidates=ranked,
                source=result.source,
                as_of=result.as_of,
            )
        if job.error is not None:
            return Resolution("error", route=route("none"), candidates=ranked, error=job.error)
        if ranked and ranked[0].score.total >= AMBIGUOUS_SCORE:
            job.steps.append("no candidate clear of the acceptance bar")
            return Resolution("ambiguous", route=route("none"), candidates=ranked)
        return Resolution("not_found", route=route("none"), candidates=ranked)
