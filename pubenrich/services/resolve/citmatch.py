"""Phase 4: citations with journal, year, volume or page and an author go through ECitMatch,
50 to a request; a match counts only when its record scores well against the citation."""

from __future__ import annotations

from collections.abc import Sequence

from pubenrich.cache import CITATION_TO_PMID
from pubenrich.errors import PubenrichError
from pubenrich.model.citation import Citation, Cues
from pubenrich.model.enriched import Candidate
from pubenrich.model.records import Article, BookArticle
from pubenrich.ncbi.ecitmatch import CitationMatch, CitationQuery
from pubenrich.services.resolve.outcome import ANSWER_VERSION, Lookup, Outcome, log
from pubenrich.services.resolve.scoring import ACCEPT_SCORE, score_record
from pubenrich.text.normalize import normalize_text

__all__ = ["match_citations"]


def _query(cues: Cues) -> tuple[CitationQuery, str] | None:
    """The ECitMatch query for these cues and its cache key; None when they are too few."""
    if not (cues.journal and cues.year and (cues.volume or cues.first_page) and cues.authors):
        return None
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
    return query, key


def _cached(lookup: Lookup, keys: list[str]) -> dict[str, CitationMatch]:
    answers: dict[str, CitationMatch] = {}
    hits = lookup.cache.get_many(CITATION_TO_PMID, keys, version=ANSWER_VERSION)
    for key, entry in hits.items():
        value = entry.value if not entry.negative else {}
        status = value.get("status")
        answers[key] = CitationMatch(
            key=key,
            status=status if status in ("found", "ambiguous") else "not_found",
            pmid=value.get("pmid"),
        )
    return answers


def _ask(lookup: Lookup, misses: dict[str, CitationQuery]) -> dict[str, CitationMatch]:
    """ECitMatch's answers (stored in the cache); raises when the request fails."""
    matches = lookup.client.ecitmatch(list(misses.values()))
    answers: dict[str, CitationMatch] = {}
    stored: dict[str, dict[str, str | None]] = {}
    unmatched: list[str] = []
    for key, match in zip(misses, matches, strict=False):
        answers[key] = match
        if match.status == "not_found":
            unmatched.append(key)  # kept for the shorter negative TTL
        else:
            stored[key] = {"status": match.status, "pmid": match.pmid}
    if stored:
        lookup.cache.put_many(CITATION_TO_PMID, stored, version=ANSWER_VERSION)
    if unmatched:
        lookup.cache.put_missing(CITATION_TO_PMID, unmatched, version=ANSWER_VERSION)
    return answers


def _verdict(lookup: Lookup, citation: Citation, answer: CitationMatch) -> Outcome:
    """Check one match by scoring its record against the citation."""
    if answer.status != "found" or not answer.pmid:
        return Outcome(steps=(f"ecitmatch: {answer.status}",))
    result = lookup.records.get(answer.pmid)
    record = result.record if result is not None else None
    if not isinstance(record, Article | BookArticle):
        return Outcome(steps=(f"ecitmatch: PMID {answer.pmid}, record not fetched",))
    score = score_record(citation.cues, record, citation.text)
    candidates = (Candidate.of(record, score),)
    if score.total < ACCEPT_SCORE:
        step = f"ecitmatch: PMID {answer.pmid} scored {score.total:.2f}, no"
        return Outcome(steps=(step,), candidates=candidates)
    return Outcome(
        steps=(f"ecitmatch: PMID {answer.pmid}, score {score.total:.2f}",),
        pmid=answer.pmid,
        method="citation_match",
        candidates=candidates,
        score=score.total,
    )


def match_citations(lookup: Lookup, citations: Sequence[Citation]) -> list[Outcome]:
    """One outcome per citation (nothing for one whose cues are too few to match)."""
    asked = {i: q for i, c in enumerate(citations) if (q := _query(c.cues)) is not None}
    if not asked:
        return [Outcome() for _ in citations]
    keys = [key for _, key in asked.values()]
    answers = {} if lookup.refresh else _cached(lookup, keys)
    misses = {key: query for query, key in asked.values() if key not in answers}
    failed: str | None = None
    if misses and not lookup.config.offline:
        try:
            answers.update(_ask(lookup, misses))
        except PubenrichError as exc:
            log.info("ecitmatch failed: %s", exc)
            failed = f"ecitmatch: {type(exc).__name__}, trying search"
    matched = [a.pmid for a in answers.values() if a.status == "found" and a.pmid]
    lookup.fetch(matched)
    outcomes = []
    for index, citation in enumerate(citations):
        key = asked[index][1] if index in asked else None
        answer = answers.get(key) if key is not None else None
        if answer is not None:
            outcomes.append(_verdict(lookup, citation, answer))
        elif key is not None and failed is not None:
            outcomes.append(Outcome(steps=(failed,)))
        else:
            outcomes.append(Outcome())
    return outcomes
