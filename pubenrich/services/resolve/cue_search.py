"""Phase 5: citations without usable ids are searched with their cues, best query first.

Candidates are fetched together and scored (:mod:`pubenrich.services.resolve.scoring`), and
only a clear winner above the bar is accepted. With a mirror, its title index is searched
first, and only what it does not settle goes to ESearch (the paper may be newer than the
mirror).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from pubenrich.cache import QUERY_TO_PMIDS
from pubenrich.errors import OfflineMiss, PubenrichError
from pubenrich.model.citation import Cues
from pubenrich.model.enriched import Candidate
from pubenrich.model.records import Article, BookArticle
from pubenrich.ncbi.queries import search_terms
from pubenrich.services.resolve.outcome import ANSWER_VERSION, Lookup, Outcome
from pubenrich.services.resolve.scoring import ACCEPT_MARGIN, ACCEPT_SCORE, score_record

__all__ = ["SEARCH_RETMAX", "search_cues"]

# Candidates read from each cue search: the right paper, when PubMed has it, ranks near the top.
SEARCH_RETMAX = 10


def _weigh(
    lookup: Lookup,
    cues: Cues,
    known: Outcome,
    pmids: Iterable[str],
    query: str,
    *,
    text: str | None = None,
) -> Outcome:
    """Score the records a search found; accept a clear winner above the bar."""
    seen = {candidate.pmid for candidate in known.candidates}
    new: dict[str, Candidate] = {}
    for pmid in pmids:
        result = lookup.records.get(pmid)
        record = result.record if result is not None else None
        if isinstance(record, Article | BookArticle) and pmid not in seen and pmid not in new:
            new[pmid] = Candidate.of(record, score_record(cues, record, text))
    ranked = sorted((*known.candidates, *new.values()), key=lambda c: -c.score.total)
    found = Outcome(candidates=tuple(new.values()))
    if ranked and ranked[0].score.total >= ACCEPT_SCORE:
        runner_up = ranked[1].score.total if len(ranked) > 1 else 0.0
        if ranked[0].score.total - runner_up >= ACCEPT_MARGIN:
            best = ranked[0]
            return attrs.evolve(
                found, pmid=best.pmid, method="search", query=query, score=best.score.total
            )
    return found


def _search_mirror(
    lookup: Lookup, cues: Sequence[Cues], known: Sequence[Outcome], found: list[Outcome]
) -> None:
    """Titles first through the mirror's full-text index: no request when it holds the paper.

    The hits are scored against the citation like ESearch's, by the same bar; ``found``
    gets each citation's outcome.
    """
    mirror = lookup.fetcher.mirror
    assert mirror is not None
    asked: dict[int, list[str]] = {}
    for index, cue in enumerate(cues):
        if not cue.title:
            continue
        first = cue.authors[0].last_name if cue.authors else None
        hits = mirror.search_title(cue.title, author=first, limit=SEARCH_RETMAX)
        if not hits and first:
            hits = mirror.search_title(cue.title, limit=SEARCH_RETMAX)
        asked[index] = [hit.pmid.value for hit in hits]
    lookup.fetch(p for pmids in asked.values() for p in pmids)
    for index, pmids in asked.items():
        step = Outcome(steps=(f"mirror title search: {len(pmids)} hits",))
        weighed = _weigh(lookup, cues[index], known[index], pmids, "mirror title search")
        found[index] = step.then(weighed)


def _search(lookup: Lookup, terms: list[str]) -> dict[str, list[str] | PubenrichError]:
    """PMIDs each term finds: the cache first, then ESearch for the rest, a few at a time."""
    answers: dict[str, list[str] | PubenrichError] = {}
    if not lookup.refresh:
        hits = lookup.cache.get_many(
            QUERY_TO_PMIDS, [f"term:{t}" for t in terms], version=ANSWER_VERSION
        )
        for key, entry in hits.items():
            answers[key[5:]] = [] if entry.negative else [str(p) for p in entry.value]
    misses = [t for t in terms if t not in answers]
    if misses and lookup.config.offline:
        for term in misses:
            answers[term] = OfflineMiss(f"offline mode: search {term!r} is not in the cache")
        return answers
    replies = lookup.parallel(
        lambda term: lookup.client.esearch(term, retmax=SEARCH_RETMAX), misses
    )
    found: dict[str, list[str]] = {}
    for term, reply in zip(misses, replies, strict=True):
        if isinstance(reply, PubenrichError):
            answers[term] = reply
        else:
            answers[term] = found[f"term:{term}"] = list(reply.ids)
    if found:
        lookup.cache.put_many(QUERY_TO_PMIDS, found, version=ANSWER_VERSION)
    return answers


def search_cues(
    lookup: Lookup,
    cues: Sequence[Cues],
    known: Sequence[Outcome],
    texts: Sequence[str] | None = None,
) -> list[Outcome]:
    """One outcome per citation's cues; ``known`` holds what earlier phases found (their
    candidates compete with the search's); ``texts``, the citations' whole texts, that every
    candidate is also scored against. Stage by stage, every citation still open sends
    its next search, until a clear winner or no search is left."""
    found = [Outcome() for _ in cues]
    pending = list(range(len(cues)))
    if lookup.fetcher.mirror is not None and pending:
        _search_mirror(lookup, cues, known, found)
        pending = [i for i in pending if found[i].open]
    plans = {i: search_terms(cues[i]) for i in pending}
    stage = 0
    while pending:
        asked = [(i, plans[i][stage]) for i in pending if stage < len(plans[i])]
        if not asked:
            break
        hits = _search(lookup, list(dict.fromkeys(term for _, (_, term) in asked)))
        lookup.fetch(  # ordered, so the same job sends the same requests
            p for ids in hits.values() if not isinstance(ids, PubenrichError) for p in ids
        )
        for i, (label, term) in asked:
            ids = hits[term]
            if isinstance(ids, PubenrichError):
                failed = f"search {label}: {type(ids).__name__}"
                found[i] = found[i].then(Outcome(steps=(failed,), error=ids))
                continue
            step = Outcome(steps=(f"search {label}: {len(ids)} hits",))
            text = texts[i] if texts is not None else None
            weighed = _weigh(lookup, cues[i], known[i].then(found[i]), ids, term, text=text)
            found[i] = found[i].then(step).then(weighed)
        pending = [i for i in pending if found[i].open]
        stage += 1
    return found
