"""Where each field of an enriched record comes from, and where the input and PubMed differ.

Pure: given what a citation said and what PubMed holds, :func:`compare` says where each field
came from (``input``, ``pubmed`` or ``both`` when they agree) and lists every disagreement as a
:class:`~pubenrich.Conflict`. PubMed's value is the canonical one, but the text's value is never
dropped silently: it stays in the conflict for the caller to judge.
"""

from __future__ import annotations

import re
from typing import Any

from pubenrich.model.citation import Citation, Cues
from pubenrich.model.enriched import Conflict, Provenance
from pubenrich.model.identifiers import DOI
from pubenrich.model.records import Article, BookArticle
from pubenrich.services.resolve.scoring import JOURNAL_PREFIX, journal_score, title_similarity
from pubenrich.text.normalize import normalize_text

__all__ = ["compare"]

# Titles this similar are the same title written differently (case, punctuation, markup).
_SAME_TITLE = 0.9


def _pages_start(pages: str | None) -> str | None:
    if not pages:
        return None
    match = re.match(r"\s*([A-Za-z]?\d+[A-Za-z]?)", pages)
    return match.group(1).lower() if match else pages.strip().lower()


def _authors_agree(cues: Cues, record: Article | BookArticle) -> bool:
    found = [normalize_text(a.last_name or a.collective_name or "") for a in record.authors]
    cited = [normalize_text(a.last_name) for a in cues.authors]
    # The cited list may stop early ("et al."); what it names must be PubMed's, in order.
    return cited == found[: len(cited)]


def compare(
    citation: Citation, record: Article | BookArticle
) -> tuple[dict[str, Provenance], tuple[Conflict, ...]]:
    """Where each field of the enriched record comes from, and where input and PubMed differ.

    Fields the input does not state are ``pubmed``; fields PubMed lacks but the input states
    are ``input``; equal ones are ``both``; unequal ones are ``pubmed`` with a conflict.
    """
    cues = citation.cues
    journal = record.journal
    pubmed: dict[str, Any] = {
        "pmid": record.pmid.value,
        "pmcid": record.pmcid.value if record.pmcid else None,
        "doi": record.doi.value if record.doi else None,
        "title": record.title or None,
        "authors": [a.last_name or a.collective_name for a in record.authors] or None,
        "journal": journal.title if journal is not None else None,
        "year": record.pub_date.year,
        "volume": journal.volume if journal is not None else None,
        "issue": journal.issue if journal is not None else None,
        "pages": journal.pages if journal is not None else None,
    }
    given: dict[str, Any] = {
        "pmid": citation.pmid,
        "pmcid": citation.pmcid,
        "doi": citation.doi,
        "title": cues.title,
        "authors": [a.last_name for a in cues.authors] or None,
        "journal": cues.journal,
        "year": cues.year,
        "volume": cues.volume,
        "issue": cues.issue,
        "pages": cues.pages,
    }
    agree = {
        "pmid": lambda a, b: str(a) == str(b),
        "pmcid": lambda a, b: str(a).upper() == str(b).upper(),
        "doi": lambda a, b: DOI(a).key == DOI(b).key,
        "title": lambda a, b: title_similarity(a, b) >= _SAME_TITLE,
        "authors": lambda a, b: _authors_agree(cues, record),
        "journal": lambda a, b: journal_score(a, record) >= JOURNAL_PREFIX,
        "year": lambda a, b: int(a) == int(b),
        "volume": lambda a, b: str(a).strip().lower() == str(b).strip().lower(),
        "issue": lambda a, b: str(a).strip().lower() == str(b).strip().lower(),
        "pages": lambda a, b: _pages_start(a) == _pages_start(b),
    }
    provenance: dict[str, Provenance] = {}
    conflicts: list[Conflict] = []
    for name, ours in pubmed.items():
        theirs = given[name]
        if theirs is None:
            if ours is not None:
                provenance[name] = "pubmed"
        elif ours is None:
            provenance[name] = "input"
        elif agree[name](theirs, ours):
            provenance[name] = "both"
        else:
            provenance[name] = "pubmed"
            conflicts.append(Conflict(name, theirs, ours))
    return provenance, tuple(conflicts)
