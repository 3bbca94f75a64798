"""Read one reference line, in the shapes people paste, into cues.

The rules follow the styles' own definitions rather than examples:

- NLM / Vancouver (Citing Medicine, ch. 1): ``Authors. Title. Journal. Year Mon Day;Vol(Issue):
  Pages.`` Authors are ``Surname Initials`` (initials without periods) joined by commas; more
  than six may be cut to ``et al.``; an organization may stand first or last (after ``;``); a
  translated title stands in square brackets; the issue, month and day may be missing.
- APA 7 (sect. 9.8, 10.1): ``Surname, I. I., Surname, I. I., & Surname, I. I. (Year). Title.
  Journal, Vol(Issue), Pages.``
- Harvard: ``Surname, I.I., Surname, I.I. and Surname, I.I. (Year) 'Title', Journal, Vol(Issue),
  pp. Pages.``
- Chicago author-date: ``Surname, First M., First M. Surname, and First M. Surname. Year.
  "Title." Journal Vol (Issue): Pages.``
- Free forms: ``Surname AB, et al. (Year) Title.``, ``Title by First Last et al. (Year)``, and
  a bare title with or without its final period.

Nothing here has to be perfect: the resolver scores candidates against the whole text, so a
cue read a little wrong costs a point of score, not the paper. Pure functions over text.
"""

from __future__ import annotations

import re
from typing import Any

from pubenrich.model.citation import AuthorCue, Cues

__all__ = ["initials_of", "natural_authors", "parse_author_block", "read_reference"]

_Y = r"(?:1[89]\d\d|20\d\d)"
_NAME = r"[A-Z][\w'’\-]*"  # one capitalised word of a surname: "Bone", "O'Brien", "Le"
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|dos|du|la|le|ten|ter|bin|al|el)"
_SURNAME = rf"(?:{_PARTICLE}[ \t]+)*{_NAME}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_NAME})?"
# Vancouver: "Bone RC", "Le Gall J-R", "van der Poll T" (initials: capitals, no periods).
_VANCOUVER = re.compile(rf"^(?P<last>{_SURNAME})[ \t]+(?P<init>[A-Z](?:-?[A-Z]){{0,3}})$")
# Initials with periods: "R. C.", "R.C.", "J.-L."
_DOTTED = re.compile(r"^(?:[A-Z][a-z]?\.[ \t]?-?){1,4}$")
# Given names: "Roger C.", "Roger", "J. Roger"
_GIVEN = re.compile(r"^(?:[A-Z][a-z]+|[A-Z]\.?)(?:[ \t\-]+(?:[A-Z][a-z]+|[A-Z]\.?))*$")
# Natural order: "Roger C. Bone", "R. C. Bone", "Jean-Louis Vincent"
_NATURAL = re.compile(
    rf"^(?P<fore>(?:[A-Z][a-z]+|[A-Z]\.?)(?:[ \t\-]+(?:[A-Z][a-z]+|[A-Z]\.?))*)[ \t]+"
    rf"(?P<last>{_SURNAME})$"
)
_SOLO = re.compile(rf"^{_SURNAME}$")
_COLLECTIVE = re.compile(
    r"\b(?:group|committee|consortium|investigators|collaborat\w*|society|association|"
    r"network|task force|panel|working party|council|organi[sz]ation|study|trialists|"
    r"writing|college|academy|institute|board|initiative|alliance)\b",
    re.IGNORECASE,
)
_ET_AL = re.compile(r"^(?:et[ \t]+al|and[ \t]+others|\.\.\.|…)\.?$", re.IGNORECASE)

# The "source" of each style, searched from the end of the line.
_MONTH = r"(?:[A-Z][a-z]{2,8}\.?(?:[ \t]*[-–/][ \t]*[A-Z][a-z]{2,8}\.?)?(?:[ \t]+\d{1,2})?)"
_VANCOUVER_SOURCE = re.compile(
    rf"(?:^|(?<=[.?!\]]))[ \t]*(?P<journal>[^.;]*?[^\s.;])\.{{0,2}}[ \t]+(?P<year>{_Y})[a-z]?"
    rf"(?:[ \t]+{_MONTH})?[ \t]*"
    r"(?:;[ \t]*(?P<volume>[\w.]{1,12})?[ \t]*(?:\((?P<issue>[^)]{1,20})\))?"
    r"(?:[ \t]*:[ \t]*(?P<pages>[A-Za-z]{0,3}\d[\w–\-]*))?|(?=[ \t]*\.?[ \t]*$))"
)
_APA_SOURCE = re.compile(
    r"(?P<journal>[A-Za-z][^,]*?),[ \t]*(?:vol\.?[ \t]*)?(?P<volume>\d{1,6})[ \t]*"
    r"(?:\((?P<issue>[^)]{1,20})\))?(?:,[ \t]*(?:pp?\.[ \t]*)?"
    r"(?P<pages>[A-Za-z]{0,3}\d[\w]*(?:[ \t]*[–\-][ \t]*[A-Za-z]{0,3}\d\w*)?))?[ \t]*\.?[ \t]*$"
)
_CHICAGO_SOURCE = re.compile(
    r"(?P<journal>[A-Za-z][^.\d]*?)[ \t]+(?P<volume>\d{1,6})[ \t]*(?:,[ \t]*no\.[ \t]*"
    r"(?P<issue2>\w+)|\((?P<issue>[^)]{1,20})\))?[ \t]*(?:\([^)]*\))?[ \t]*:[ \t]*"
    r"(?P<pages>[A-Za-z]{0,3}\d[\w]*(?:[ \t]*[–\-][ \t]*\w+)?)[ \t]*\.?[ \t]*$"
)
_PAREN_YEAR = re.compile(rf"\((?P<year>{_Y})[a-z]?(?:,[^)]{{0,20}})?\)\.?")
_CHICAGO_YEAR = re.compile(rf"\.[ \t]+(?P<year>{_Y})[a-z]?\.[ \t]+")
_BY = re.compile(
    rf"^(?P<title>.{{12,}})[ \t,]+by[ \t]+(?P<authors>[A-Z][^()]*?)"
    rf"(?:[ \t]*\((?P<year>{_Y})\))?[ \t]*\.?$",
)
_TRAILERS = re.compile(
    r"(?:[ \t]*(?:[-–][ \t]*PubMed|doi:?[ \t]*\S+|https?://\S+|PMID:?[ \t]*\d+|"
    r"PMCID:?[ \t]*PMC\d+|Epub[ \t]+[^.]*|eCollection[ \t]+[^.]*|\[Epub ahead of print\]|"
    r"Free PMC article|Review|\[PubMed\]|\[CrossRef\]|\[Google Scholar\]|Google Scholar|"
    r"Crossref|PubMed)\.?)+[ \t]*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[ \t]*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)])[ \t]+")


def initials_of(fore: str) -> str:
    """ "Roger C." -> "RC"; "J.-L." -> "JL"."""
    return "".join(part[0] for part in re.split(r"[\s.\-]+", fore) if part[:1].isalpha())


def _clean(text: str) -> str:
    text = " ".join(text.split())
    text = _NUMBER.sub("", text, count=1)
    previous = None
    while previous != text:
        previous = text
        text = _TRAILERS.sub("", text).rstrip(" ;,")
    return text


def _tokens(block: str) -> list[str]:
    block = re.sub(r"[ \t]*(?:,[ \t]*)?(?:&|\band\b)[ \t]+", ", ", block.strip())
    block = re.sub(r"[ \t,]+(et[ \t]+al\b\.?)", r", \1", block)
    return [t.strip() for t in re.split(r"[,;]", block) if t.strip()]


def _inverted(token: str, nxt: str) -> bool:
    """ "Bone", "Roger C." is one author inverted; "Ada Smith", "Bo Jones" are two."""
    return len(token.split()) == 1 and bool(_GIVEN.match(nxt))


def parse_author_block(block: str) -> tuple[AuthorCue, ...] | None:
    """The authors of an author block in any of the styles; None when it is not one."""
    tokens = _tokens(block)
    authors: list[AuthorCue] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].rstrip(".") if not _DOTTED.match(tokens[i]) else tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _ET_AL.match(token) or _ET_AL.match(tokens[i]):
            break
        token = re.sub(r"[ \t]+et[ \t]+al\.?$", "", token)
        if (m := _VANCOUVER.match(token)) is not None:
            authors.append(AuthorCue(m.group("last"), m.group("init")))
        elif _SOLO.match(token) and nxt and (_DOTTED.match(nxt) or _inverted(token, nxt)):
            authors.append(AuthorCue(token, initials_of(nxt), None if _DOTTED.match(nxt) else nxt))
            i += 1
        elif (m := _NATURAL.match(token)) is not None:
            fore = m.group("fore")
            authors.append(AuthorCue(m.group("last"), initials_of(fore), fore))
        elif _SOLO.match(token) and (not nxt or _ET_AL.match(nxt)):
            authors.append(AuthorCue(token))  # "Bone et al."
        elif _COLLECTIVE.search(token) and len(token.split()) <= 12:
            authors.append(AuthorCue(token))
        else:
            return None
        i += 1
    return tuple(authors) if authors else None


def natural_authors(line: str) -> tuple[AuthorCue, ...]:
    """ "Roger C. Bone, Robert A. Balk and Frank Cerra" (every name in natural order), else
    empty: a byline of a web summary, not a line that merely has capitalised words."""
    tokens = [t for t in _tokens(line) if not _ET_AL.match(t)]
    matches = [_NATURAL.match(t) for t in tokens]
    if len(tokens) < 2 or any(m is None for m in matches):
        return ()
    return tuple(
        AuthorCue(m.group("last"), initials_of(m.group("fore")), m.group("fore"))
        for m in matches
        if m is not None
    )


def _split_title_journal(middle: str) -> tuple[str | None, str | None]:
    """ "Title. Subtitle. Journal" -> (title, journal): the journal is the last sentence."""
    middle = middle.strip().rstrip(".")
    sentences = re.split(r"(?<=[.?!\]])[ \t]+(?=[A-Z\[(\d])", middle)
    if len(sentences) < 2:
        return (middle or None), None
    return " ".join(sentences[:-1]).strip() or None, sentences[-1].strip(" .") or None


def _title(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip().strip("'\"“”‘’").strip()
    text = re.sub(r"^\[(.*)\](?:[ \t]*\[[^\]]*\])?\.?$", r"\1", text)  # translated title
    text = re.sub(r"[ \t]*\[(?:Article in|In) [^\]]*\]\.?$", "", text)
    return text.rstrip(" .,").strip("'\"“”‘’ ") or None


def _vancouver(text: str) -> dict[str, Any] | None:
    sources = list(_VANCOUVER_SOURCE.finditer(text))
    if not sources:
        return None
    source = sources[-1]
    head, journal = _journal_back(text[: source.start("journal")], source.group("journal"))
    found: dict[str, Any] = {"year": int(source.group("year")), "journal": journal}
    for field in ("volume", "issue", "pages"):
        found[field] = source.group(field)
    authors, rest = _leading_vancouver_authors(head)
    found["authors"] = authors
    found["title"] = _title(rest)
    if not found["title"] and not authors:
        return None
    return found


def _journal_back(head: str, journal: str) -> tuple[str, str]:
    """Extend a journal name back over dotted abbreviations ("J. Med. Chem"): a one-word
    capitalised segment of up to six letters before it is part of the name, not a sentence."""
    while (last := re.search(r"(?:^|[.?!][ \t]+)([A-Z][a-z]{0,5})\.[ \t]*$", head)) is not None:
        journal = f"{last.group(1)}. {journal}"
        head = head[: last.start(1)]
    return head.strip(), journal


def _leading_vancouver_authors(head: str) -> tuple[tuple[AuthorCue, ...], str]:
    """Authors up to the first period that closes a Vancouver author list, and the rest."""
    for match in re.finditer(r"\.(?:[ \t]+|$)", head):
        block = head[: match.start()]
        if re.search(r"\b[A-Z]$", block) and re.search(r",[ \t]*[A-Z][a-z]+,", block):
            continue  # "Bone, R." of an APA list is not a Vancouver list
        authors = parse_author_block(block)
        if authors is not None and (any(a.initials for a in authors) or _COLLECTIVE.search(block)):
            return authors, head[match.end() :]
        break
    return (), head


def _after_year(text: str, year_end: int) -> dict[str, Any]:
    """Title and source after an author-date year: APA, Harvard, Chicago or free."""
    rest = text[year_end:].strip().lstrip(".,:; ")
    found: dict[str, Any] = {}
    quoted = re.match(r"^[\"“'‘](?P<t>.+?)[.,?!]?[\"”'’][.,]?[ \t]*(?P<rest>.*)$", rest)
    if quoted is not None:
        found["title"], rest = quoted.group("t"), quoted.group("rest")
    for pattern in (_APA_SOURCE, _CHICAGO_SOURCE):
        source = pattern.search(rest)
        if source is None:
            continue
        found["volume"], found["pages"] = source.group("volume"), source.group("pages")
        found["issue"] = source.group("issue") or source.groupdict().get("issue2")
        before = rest[: source.start()].strip()
        journal = source.group("journal").strip(" .,")
        if "title" not in found:
            title, last = _split_title_journal(before + " " + journal)
            found["title"], journal = (title, last) if last else (before or None, journal)
        found["journal"] = journal
        break
    else:
        if "title" not in found:
            title, journal = _split_title_journal(rest)
            found["title"] = title if journal and len(journal.split()) <= 8 else rest
            if journal and len(journal.split()) <= 8 and title:
                found["journal"] = journal
    found["title"] = _title(found.get("title"))
    return found


def _author_date(text: str) -> dict[str, Any] | None:
    """ "Authors (Year). Title..." or "Authors. Year. Title..." (authors must read as such)."""
    for pattern in (_PAREN_YEAR, _CHICAGO_YEAR):
        for year in pattern.finditer(text):
            authors = parse_author_block(text[: year.start()])
            if authors is None:
                continue
            found = _after_year(text, year.end())
            found["authors"] = authors
            found["year"] = int(year.group("year"))
            return found
    return None


def _title_by(text: str) -> dict[str, Any] | None:
    """ "Title by Roger C. Bone et al. (1992)"."""
    match = _BY.match(text)
    if match is None:
        return None
    authors = parse_author_block(match.group("authors"))
    if authors is None:
        return None
    year = match.group("year")
    return {"title": _title(match.group("title")), "authors": authors, "year": year and int(year)}


def _bare_title(text: str) -> dict[str, Any] | None:
    """A title alone: one sentence-like line, with or without a final period."""
    if len(text.split()) < 3 or len(text.split()) > 50 or "\n" in text.strip():
        return None
    if len(re.findall(r"[.?!][ \t]+[A-Z]", text.rstrip("."))) > 2:
        return None  # more than title, subtitle and a part: prose, not a title
    return {"title": _title(text)}


def _confidence(found: dict[str, Any]) -> float:
    weights = {"title": 0.3, "authors": 0.2, "journal": 0.15, "year": 0.15, "volume": 0.1}
    weights["first_page"] = 0.1
    return round(min(sum(w for k, w in weights.items() if found.get(k)), 1.0), 2)


def read_reference(text: str, *, bare_title: bool = True) -> Cues | None:
    """Cues of one reference line, or None when it reads as no citation shape.

    Args:
        text: one citation, on one or several lines.
        bare_title: whether a line with no author, year or source may be read as a title.
    """
    flat = _clean(text)
    if not flat:
        return None
    found = _author_date(flat) or _vancouver(flat) or _title_by(flat)
    if found is None and bare_title:
        found = _bare_title(flat)
    if found is None:
        return None
    found = {k: v for k, v in found.items() if v}
    if found.get("pages"):
        found["pages"] = re.sub(r"[ \t]+", "", found["pages"])
        found["first_page"] = re.split(r"[–\-]", found["pages"])[0]
    if found.get("journal"):
        found["journal"] = found["journal"].strip(" .,")
    return Cues(**found, confidence=_confidence(found))
