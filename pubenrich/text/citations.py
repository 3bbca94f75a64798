"""Read a whole page into citations: which identifiers belong to which paper, plus search cues.

``extract`` finds identifiers; a page about papers needs more: the page's own paper
(``primary``), papers shown beside it (``related``: PubMed's "Similar articles" and "Cited by")
and the entries of its reference list (``reference``), each with what it says about the paper
(title, authors, journal, year, volume, issue, pages) so that a paper without identifiers can
still be found by search. Pure functions over text; heuristics are simple and documented inline.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import attrs

from pubenrich.formats.medline import read_tags
from pubenrich.model.citation import AuthorCue, Citation, Cues, Role
from pubenrich.text.extract import Mention, extract
from pubenrich.text.listing import (
    APA_SOURCE,
    NUMBERED,
    SOURCE,
    YEAR,
    YEAR_SOURCE,
    authors_apa,
    authors_vancouver,
    confidence,
    initials,
    listing_cues,
    tagged_cues,
)
from pubenrich.text.normalize import content_words
from pubenrich.text.reference_line import natural_authors, read_reference
from pubenrich.text.stopwords import TOPIC_STOP

__all__ = ["read_citations", "searchable"]

_HEADINGS = {
    "similar articles": "related",
    "cited by": "related",
    "references": "reference",
    "reference list": "reference",
    "bibliography": "reference",
    "literature cited": "reference",
    "works cited": "reference",
}
_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(" + "|".join(_HEADINGS) + r")[ \t]*:?[ \t]*\r?$",
    re.IGNORECASE | re.MULTILINE,
)
# Headings after a reference list on a PubMed page: the list ends there.
_END_HEADINGS = re.compile(
    r"^(?:publication types|mesh terms|substances|grants and funding|linkout|related information"
    r"|full text sources|other literature sources)\b",
    re.IGNORECASE | re.MULTILINE,
)
_BULLET_LINE = re.compile(r"^[ \t]*[-•*][ \t]*\r?$", re.MULTILINE)
_FLUSH = re.compile(r"^(?=\S)", re.MULTILINE)
_HANGING = re.compile(r"^[ \t]+\S", re.MULTILINE)
_BLANK = re.compile(r"\n[ \t]*\r?\n")
# "Stem Cells Int. 2019." or "...; 2024.": a source that is a year alone, ending the entry.
_BYLINE = re.compile(
    r"^[ \t]*(?P<init>(?:[A-Z][a-z]?\.[ \t]?){1,3})[ \t]*(?P<last>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    r"[ \t]*\r?$",
    re.MULTILINE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{3,}")


def _authors_last_first(line: str) -> tuple[AuthorCue, ...]:
    """ "Choudhery, Mahmood S, Arif, Taqdees" (Last, First pairs) -> authors, else empty."""
    parts = [part.strip() for part in line.split(",")]
    if len(parts) < 2 or len(parts) % 2 or not all(parts):
        return ()
    name = re.compile(r"^[A-Z][\w'’\-]*(?:[ \t]+[A-Z][\w'’\-]*\.?){0,3}$")
    if not all(name.match(part) for part in parts):
        return ()
    return tuple(
        AuthorCue(parts[i], initials(parts[i + 1]), parts[i + 1]) for i in range(0, len(parts), 2)
    )


def _entry_cues(entry: str) -> Cues:
    """Cues of one citation entry: the style reader's, else the PubMed listing reader's.

    PubMed's own listings glue title and journal ("...Sepsis.Stem Cells. 2017 Feb;35(2)...")
    and repeat the source after the ids; only the listing reader cuts those right.
    """
    flat = " ".join(entry.split())
    if not re.search(r"[a-z)][.?!](?=[A-Z][a-z])", flat):
        cues = read_reference(flat, bare_title=False)
        if cues is not None and (cues.authors or cues.journal):
            return cues
    return listing_cues(flat)


def _ids(mentions: list[Mention]) -> dict[str, str | None]:
    first: dict[str, str | None] = {"pmid": None, "pmcid": None, "doi": None}
    for mention in mentions:
        if first[mention.kind] is None:
            first[mention.kind] = mention.value
    return first


def _citation(
    role: Role, text: str, span: tuple[int, int], section: str | None, cues: Cues | None = None
) -> Citation:
    start, end = span
    chunk = text[start:end]
    mentions = [
        attrs.evolve(mention, start=mention.start + start, end=mention.end + start)
        for mention in extract(chunk)
    ]
    return Citation(
        role,
        tuple(mentions),
        **_ids(mentions),
        text=chunk.strip(),
        start=start,
        end=end,
        section=section,
        cues=cues if cues is not None else _entry_cues(chunk),
    )


def _split_entries(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the entries of a list: bullets, numbers, blank lines, else one line each."""
    body = text[start:end]
    if _BULLET_LINE.search(body) or re.search(r"^[ \t]*- ", body, re.MULTILINE):
        cuts = [m.start() for m in re.finditer(r"^[ \t]*-(?:[ \t]|\r?$)", body, re.MULTILINE)]
    elif len(NUMBERED.findall(body)) >= 2:
        cuts = [m.start() for m in NUMBERED.finditer(body)]
    elif len(_BLANK.findall(body.strip())) >= 1:
        cuts = [0] + [m.end() for m in _BLANK.finditer(body)]
    elif len(_HANGING.findall(body)) >= 1 and len(_FLUSH.findall(body)) >= 2:
        # Hanging indent (PDF reference lists): an entry starts at a line that is not indented.
        cuts = [m.start() for m in _FLUSH.finditer(body)]
    else:
        cuts = [m.start() for m in re.finditer(r"^", body, re.MULTILINE)]
    cuts = sorted(set([0, *cuts]))
    spans = []
    for a, b in zip(cuts, [*cuts[1:], len(body)], strict=True):
        chunk = body[a:b]
        cleaned = chunk.strip().strip("-•* \t\r\n")
        if len(cleaned) >= 20:
            lead = len(chunk) - len(chunk.lstrip(" \t\r\n-•*"))
            spans.append((start + a + lead, start + a + len(chunk.rstrip())))
    return spans


def _title_line(text: str) -> str | None:
    """A short first line that reads as a title (no final period, a few words)."""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        words = line.split()
        if 3 <= len(words) <= 30 and len(line) <= 250 and not line.endswith((".", ":")):
            return line
        return None
    return None


def _topic_words(text: str, limit: int = 8) -> tuple[str, ...]:
    counts = Counter(
        word.lower()
        for word in _WORD.findall(text)
        if word.lower() not in TOPIC_STOP and len(word) > 4
    )
    return tuple(word for word, count in counts.most_common(limit) if count > 1)


def _page_cues(text: str) -> Cues:
    """Cues for a page that has no identifiers: title, authors, year, topic words."""
    found: dict[str, Any] = {"title": _title_line(text)}
    authors: list[AuthorCue] = []
    for line in text.splitlines():
        # "Choudhery, Mahmood S, Arif, Taqdees", else "Roger C. Bone, Robert A. Balk".
        pairs = natural_authors(line.strip()) or _authors_last_first(line.strip())
        if len(pairs) >= 2:
            authors.extend(pairs)
    for match in _BYLINE.finditer(text):
        last = match.group("last")
        fore = re.search(rf"^[ \t]*([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]?\.)*)[ \t]+{last},", text, re.M)
        authors.append(
            AuthorCue(last, initials(match.group("init")), fore.group(1) if fore else None)
        )
    if authors:
        found["authors"] = tuple(dict.fromkeys(authors))
    year = re.search(r"(?:©|\(c\)|published|copyright)[^\n\d]{0,20}((?:19|20)\d\d)", text, re.I)
    if year:
        found["year"] = int(year.group(1))
    # A web summary's source line: "Genome research, 2007".
    source = re.search(r"^[ \t]*([A-Z][^,\d\n]{2,120}),[ \t]*((?:19|20)\d\d)\.?[ \t]*$", text, re.M)
    if source:
        found["journal"], found["year"] = source.group(1).strip(), int(source.group(2))
    # Prose (title and paragraphs of 20 words or more) says what the paper is about; bylines,
    # affiliations and page furniture repeat words that do not.
    prose = [line for line in text.splitlines() if len(line.split()) >= 20]
    found["topic_words"] = _topic_words(" ".join([found["title"] or "", *prose]) or text)
    return Cues(**found, confidence=confidence(found))


def _has_structure(text: str) -> bool:
    """Whether entries are marked by blank lines or hanging indents (not just line breaks)."""
    return bool(_BLANK.search(text.strip())) or (
        bool(_HANGING.search(text)) and len(_FLUSH.findall(text)) >= 2
    )


def _looks_like_reference(chunk: str) -> bool:
    """A year plus an identifier, a journal source or an author list."""
    if not YEAR.search(chunk):
        return False
    flat = " ".join(chunk.split())
    styled = read_reference(flat, bare_title=False)
    return bool(
        (styled is not None and styled.authors and styled.year)
        or extract(chunk)
        or SOURCE.search(flat)
        or YEAR_SOURCE.search(flat)
        or APA_SOURCE.search(flat)
        or authors_apa(flat[:200])
        or authors_vancouver(flat.split(". ")[0])
    )


def _merge(spans: list[tuple[int, int]], keep: list[bool]) -> list[tuple[int, int]]:
    """Attach fragments that are no reference (PDF debris, wrapped lines) to the entry before."""
    merged: list[tuple[int, int]] = []
    pending: int | None = None  # start of fragments seen before the first entry
    for (start, end), is_entry in zip(spans, keep, strict=True):
        if is_entry:
            merged.append((pending if pending is not None else start, end))
            pending = None
        elif merged:
            merged[-1] = (merged[-1][0], end)
        elif pending is None:
            pending = start
    return merged


def read_citations(text: str) -> list[Citation]:
    """Group the identifiers of a page per paper and read cues for each paper.

    A page with headings "Similar articles", "Cited by" or "References" gives one ``primary``
    citation for the identifiers above them, ``related`` and ``reference`` ones for the entries
    below. A bare reference list (numbered or blank-line separated) gives one ``reference`` per
    entry. Any other text gives one ``primary`` citation; without identifiers, its cues carry
    the title, authors, year and topic words that let the paper be found by search.

    Args:
        text: A whole page as text.

    Returns:
        The citations in text order.
    """
    headings = list(_HEADING.finditer(text))
    citations: list[Citation] = []
    if headings:
        head_end = headings[0].start()
        if extract(text[:head_end]):
            header = text[:head_end]
            found: dict[str, Any] = {
                "title": _title_line(header),
                "topic_words": _topic_words(header),
            }
            cues = Cues(**found, confidence=confidence(found))
            citations.append(_citation("primary", text, (0, head_end), None, cues))
        for index, heading in enumerate(headings):
            name = heading.group(1).lower()
            role: Role = "related" if _HEADINGS[name] == "related" else "reference"
            end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
            stop = _END_HEADINGS.search(text, heading.end(), end)
            end = stop.start() if stop else end
            for span in _split_entries(text, heading.end(), end):
                citations.append(_citation(role, text, span, heading.group(1)))
        if citations:
            return citations
    entries = _split_entries(text, 0, len(text))
    numbered = len(NUMBERED.findall(text)) >= 2
    # In a numbered list each number opens an entry, however little it holds ("Stem Cells Int.
    # 2019."): merged into its neighbour, it would be lost from the output.
    listed = [
        (numbered and bool(NUMBERED.match(text, a))) or _looks_like_reference(text[a:b])
        for a, b in entries
    ]
    # Entries split by structure (blank lines, indents) may hold some debris; split line by
    # line, nearly every line must be a reference of its own.
    share = 0.5 if _has_structure(text) else 0.8
    if len(entries) >= 2 and (
        numbered or (sum(listed) >= 2 and sum(listed) >= share * len(entries))
    ):
        return [_citation("reference", text, span, None) for span in _merge(entries, listed)]
    mentions = extract(text)
    fields = read_tags(text)
    if fields:
        cues = tagged_cues(fields)
    elif mentions or (len(entries) == 1 and _looks_like_reference(text)):
        # One reference line ("Bone RC, ... Chest. 1992;101:1644-55.") reads as its entry.
        cues = _entry_cues(text)
    elif len(entries) <= 1 and (line := read_reference(text)) is not None:
        # A free form on one line: "Bone RC, et al. (1992) Title.", "Title by R. Bone", a title.
        cues = line
    else:
        cues = _page_cues(text)
    if mentions and not cues.title and not fields:
        cues = attrs.evolve(cues, title=_title_line(text))
    return [_citation("primary", text, (0, len(text)), None, cues)]


def searchable(cues: Cues) -> bool:
    """Whether the cues are enough to search PubMed without an identifier."""
    if cues.title and len(content_words(cues.title)) >= 4:
        return True
    return bool(cues.authors) and (
        cues.year is not None or bool(cues.journal) or len(cues.topic_words) >= 3
    )
