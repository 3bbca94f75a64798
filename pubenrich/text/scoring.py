"""Score a PubMed record against what a citation says, and build the searches that find it.

A text without identifiers is resolved by searching PubMed with its cues and scoring each
candidate; only a score at or above :data:`ACCEPT_SCORE`, clear of the runner-up by
:data:`ACCEPT_MARGIN`, is taken as the paper. The score is a weighted mean over the cues the
citation actually has, so a citation is never rewarded or punished for what it does not say:

======================  ======  ==================================================
cue                     weight  how it is compared
======================  ======  ==================================================
title                   0.55    word overlap and character similarity, the better
authors                 0.20    share of cited surnames found in the record, in order
                                bonus for the first author
year                    0.10    1 when equal, 0.5 one year apart (print vs online)
journal                 0.10    normalized title or ISO abbreviation, prefix-aware
volume / first page     0.05    each equal or not
topic words             0.30    only without a title: share found in title/abstract
======================  ======  ==================================================

A candidate between :data:`AMBIGUOUS_SCORE` and the acceptance bar makes the result
``ambiguous`` (ranked candidates are returned); below it, ``not_found``. The values were set
on the seeds and on synthetic near-misses (tests/unit/test_scoring.py): a paper PubMed does not
hold but whose topic it shares scores below 0.5; the cited paper itself scores above 0.9.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Any

import attrs

from pubenrich.model.records import Article, BookArticle
from pubenrich.text.citations import AuthorCue, Cues

__all__ = [
    "ACCEPT_MARGIN",
    "ACCEPT_SCORE",
    "AMBIGUOUS_SCORE",
    "JOURNAL_PREFIX",
    "Score",
    "journal_score",
    "normalize_text",
    "score_record",
    "search_terms",
    "searchable",
    "title_similarity",
]

ACCEPT_SCORE = 0.80
ACCEPT_MARGIN = 0.05
AMBIGUOUS_SCORE = 0.50
# A journal name that starts the other ("Stem Cells" in "Stem cells (Dayton, Ohio)").
JOURNAL_PREFIX = 0.8

_WEIGHTS = {
    "title": 0.55,
    "authors": 0.20,
    "year": 0.10,
    "journal": 0.10,
    "volume": 0.025,
    "first_page": 0.025,
    "topic": 0.30,
}
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "without",
        "via",
        "vs",
        "its",
        "their",
        "using",
        "use",
        "based",
        "between",
        "after",
        "before",
        "during",
        "under",
        "over",
    ]
)


@attrs.frozen
class Score:
    """How well one record matches a citation's cues: the total and each part, 0 to 1."""

    total: float
    parts: dict[str, float] = attrs.field(factory=dict, eq=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, rounded to 3 places."""
        return {
            "total": round(self.total, 3),
            "parts": {k: round(v, 3) for k, v in self.parts.items()},
        }


def normalize_text(text: str) -> str:
    """Case-folded ASCII words joined by single spaces: accents, markup and punctuation gone."""
    text = re.sub(r"<[^>]{1,40}>", "", text)  # inline markup such as <i> in PubMed titles
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(folded))


def _content_words(text: str) -> list[str]:
    return [w for w in normalize_text(text).split() if w not in _STOP]


def title_similarity(cited: str, found: str) -> float:
    """0 to 1: the better of word overlap and character similarity of two titles."""
    a, b = normalize_text(cited), normalize_text(found)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    words_a, words_b = set(_content_words(a)), set(_content_words(b))
    overlap = (
        len(words_a & words_b) / max(len(words_a), len(words_b)) if words_a and words_b else 0.0
    )
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return max(overlap, ratio)


def _surname(text: str | None) -> str:
    return normalize_text(text or "").replace(" ", "")


def _author_score(cues: Cues, record: Article | BookArticle) -> float:
    found = [_surname(a.last_name or a.collective_name) for a in record.authors]
    cited = [_surname(a.last_name) for a in cues.authors[:6]]
    cited = [c for c in cited if c]
    if not cited or not found:
        return 0.0
    present = sum(1 for name in cited if name in found)
    share = present / len(cited)
    first = 1.0 if cited[0] == found[0] else 0.0
    return 0.7 * share + 0.3 * first


def _journal_names(record: Article | BookArticle) -> list[str]:
    journal = record.journal
    if journal is None:
        return []
    names = [journal.title, journal.iso_abbreviation]
    return [normalize_text(n) for n in names if n]


def journal_score(cited: str, record: Article | BookArticle) -> float:
    """0 to 1: 1 for the same journal name, :data:`JOURNAL_PREFIX` when one name starts
    the other (an abbreviation or a subtitle), less by character similarity otherwise."""
    name = normalize_text(cited)
    best = 0.0
    for known in _journal_names(record):
        if name == known:
            return 1.0
        # "Stem Cells" vs "Stem cells (Dayton, Ohio)"; "Am J Surg" vs "The American journal..."
        if known.startswith(name) or name.startswith(known):
            best = max(best, JOURNAL_PREFIX)
        else:
            ratio = SequenceMatcher(None, name, known, autojunk=False).ratio()
            best = max(best, ratio * JOURNAL_PREFIX)
    return best


def _topic_score(words: Iterable[str], record: Article | BookArticle) -> float:
    wanted = [normalize_text(w) for w in words if w]
    if not wanted:
        return 0.0
    text = record.title
    if record.abstract is not None:
        text += " " + " ".join(section.text for section in record.abstract.sections)
    have = set(normalize_text(text).split())
    # Plural and singular forms count alike: "cells" finds "cell".
    hits = sum(1 for w in wanted if w in have or w.rstrip("s") in have or w + "s" in have)
    return hits / len(wanted)


def score_record(cues: Cues, record: Article | BookArticle) -> Score:
    """Score ``record`` against ``cues``; see the module docstring for weights."""
    parts: dict[str, float] = {}
    if cues.title:
        parts["title"] = title_similarity(cues.title, record.title)
    elif cues.topic_words:
        parts["topic"] = _topic_score(cues.topic_words, record)
    if cues.authors:
        parts["authors"] = _author_score(cues, record)
    year = record.pub_date.year
    if cues.year is not None and year is not None:
        gap = abs(cues.year - year)
        parts["year"] = 1.0 if gap == 0 else 0.5 if gap == 1 else 0.0
    if cues.journal:
        parts["journal"] = journal_score(cues.journal, record)
    journal = record.journal
    if cues.volume and journal is not None and journal.volume:
        parts["volume"] = float(cues.volume.strip() == journal.volume.strip())
    if cues.first_page and journal is not None and journal.start_page:
        parts["first_page"] = float(cues.first_page.strip() == journal.start_page.strip())
    if not parts:
        return Score(0.0, {})
    weight = sum(_WEIGHTS[k] for k in parts)
    total = sum(_WEIGHTS[k] * v for k, v in parts.items()) / weight
    if "title" not in parts and "topic" not in parts:
        # Authors, year and journal alone fit many papers of a group: never enough to accept.
        total = min(total, AMBIGUOUS_SCORE + 0.2)
    return Score(total, parts)


def searchable(cues: Cues) -> bool:
    """Whether the cues are enough to search PubMed without an identifier."""
    if cues.title and len(_content_words(cues.title)) >= 4:
        return True
    return bool(cues.authors) and (
        cues.year is not None or bool(cues.journal) or len(cues.topic_words) >= 3
    )


def _author_term(author: AuthorCue) -> str:
    """``"payushina ov"[au]``: PubMed's author field reads surname and initials."""
    initials = re.sub(r"[^A-Za-z]", "", author.initials)
    name = f"{normalize_text(author.last_name)} {initials}".strip().lower()
    return f'"{name}"[au]'


def _quote(text: str) -> str:
    return text.replace('"', " ").strip()


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
        words = sorted(set(_content_words(cues.title)), key=lambda w: (-len(w), w))[:5]
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
