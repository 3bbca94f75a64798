"""PubMed query terms: the one place that writes search syntax (fields, phrases, OR-joins).

ESearch reads these terms; how a surname, a title phrase, a year or a DOI is written for
PubMed's fields (``[au]``, ``[ti]``, ``[tiab]``, ``[dp]``, ``[doi]``) is decided here only, so
that the resolver's searches, the cache keys built from them and the fixtures that record them
cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pubenrich.model.citation import AuthorCue, Cues
from pubenrich.model.identifiers import DOI
from pubenrich.text.normalize import content_words, normalize_text

__all__ = ["doi_term", "search_terms"]


def _quote(text: str) -> str:
    """A phrase safe inside PubMed's double quotes (which it cannot escape)."""
    return text.replace('"', " ").strip()


def _author_term(author: AuthorCue) -> str:
    """``"payushina ov"[au]``: PubMed's author field reads surname and initials."""
    initials = re.sub(r"[^A-Za-z]", "", author.initials)
    name = f"{normalize_text(author.last_name)} {initials}".strip().lower()
    return f'"{name}"[au]'


def doi_term(dois: Iterable[DOI]) -> str:
    """One search for several DOIs: ``"10.1/a"[doi] OR "10.1/b"[doi]``."""
    return " OR ".join(f'"{doi.value}"[doi]' for doi in dois)


def search_terms(cues: Cues) -> list[tuple[str, str]]:
    """The PubMed searches to try for a citation, best first, as ``(label, term)`` pairs.

    1. the exact title as a phrase (``"..."[ti]``);
    2. the title's longest words with the first author's surname;
    3. the authors' surnames with topic words and the year.
    """
    terms: list[tuple[str, str]] = []
    first = cues.authors[0] if cues.authors else None
    if cues.title:
        title = _quote(re.sub(r"[.?!]+$", "", cues.title.strip()))
        if title:
            terms.append(("title", f'"{title}"[ti]'))
        words = sorted(set(content_words(cues.title)), key=lambda w: (-len(w), w))[:5]
        if first is not None and len(words) >= 2:
            clauses = [f"{w}[ti]" for w in sorted(words)]
            clauses.append(_author_term(first))
            terms.append(("title_words+author", " AND ".join(clauses)))
    if cues.authors:
        clauses = [_author_term(a) for a in cues.authors[:3]]
        topic = [w for w in cues.topic_words[:4] if len(w) > 3]
        clauses += [f"{normalize_text(w)}[tiab]" for w in topic[:3]]
        if cues.year is not None:
            clauses.append(f"{cues.year}[dp]")
        if len(clauses) >= 2:
            terms.append(("authors+topic", " AND ".join(clauses)))
    unique: dict[str, str] = {}
    for label, term in terms:
        unique.setdefault(term, label)
    return [(label, term) for term, label in unique.items()]
