"""Score a PubMed record against what a citation says: the resolver's test of a candidate.

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

from collections.abc import Iterable
from difflib import SequenceMatcher

from pubenrich.model.citation import Cues
from pubenrich.model.enriched import Score
from pubenrich.model.records import Article, BookArticle
from pubenrich.text.normalize import content_words, normalize_text

__all__ = [
    "ACCEPT_MARGIN",
    "ACCEPT_SCORE",
    "AMBIGUOUS_SCORE",
    "JOURNAL_PREFIX",
    "TITLE_FLOOR",
    "journal_score",
    "score_record",
    "title_similarity",
]

ACCEPT_SCORE = 0.80
# A stated title must itself agree: metadata (authors, year, journal) cannot make up for half a
# title, since a near miss (same group, same year, another paper) shares all of it.
TITLE_FLOOR = 0.85
# ...unless volume and first page also agree: those coordinates name one paper of a journal.
TITLE_FLOOR_PLACED = 0.5
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


def title_similarity(cited: str, found: str) -> float:
    """0 to 1: the better of word overlap and character similarity of two titles."""
    a, b = normalize_text(cited), normalize_text(found)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    words_a, words_b = set(content_words(a)), set(content_words(b))
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


def _common_in_order(wanted: list[str], text: list[str]) -> int:
    """Length of the longest common subsequence of two word lists (title words in order)."""
    row = [0] * (len(text) + 1)
    for word in wanted:
        diagonal = 0
        for j, other in enumerate(text, start=1):
            diagonal, row[j] = row[j], diagonal + 1 if word == other else max(row[j], row[j - 1])
    return row[-1]


def _fold(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def title_in_text(text: str, cited_title: str | None, record: Article | BookArticle) -> float:
    """0 to 1: how well the record's title is found, in order, in the whole input text, times
    the share of the cited title's words the record explains (its title, authors, journal).

    A reference line read a little wrong ("Bone RC, et al. Title" taken whole as the title)
    still finds its paper; a record whose title is only half of the cited one does not.
    """
    wanted = [_fold(w) for w in content_words(record.title)]
    if len(wanted) < 2:
        return 0.0
    found = _common_in_order(wanted, [_fold(w) for w in content_words(text)]) / len(wanted)
    cited = [_fold(w) for w in content_words(cited_title or text)]
    if not cited_title or not cited:
        return found
    explained = set(wanted)
    for author in record.authors:
        for name in (author.last_name, author.fore_name, author.collective_name):
            explained.update(_fold(w) for w in content_words(name or ""))
    for name in _journal_names(record):
        explained.update(_fold(w) for w in name.split())
    return found * sum(1 for w in cited if w in explained) / len(cited)


def score_record(cues: Cues, record: Article | BookArticle, text: str | None = None) -> Score:
    """Score ``record`` against ``cues`` and, when given, the whole input ``text``; see the
    module docstring for weights."""
    parts: dict[str, float] = {}
    if cues.title:
        parts["title"] = title_similarity(cues.title, record.title)
        if text:
            parts["title"] = max(parts["title"], title_in_text(text, cues.title, record))
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
    placed = parts.get("volume") == 1.0 and parts.get("first_page") == 1.0
    floor = TITLE_FLOOR_PLACED if placed else TITLE_FLOOR
    if "title" in parts and parts["title"] < floor:
        total = min(total, AMBIGUOUS_SCORE + 0.2)
    if "title" not in parts and "topic" not in parts:
        # Authors, year and journal alone fit many papers of a group: never enough to accept.
        total = min(total, AMBIGUOUS_SCORE + 0.2)
    return Score(total, parts)
