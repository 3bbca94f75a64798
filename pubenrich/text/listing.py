"""Cues of a citation from the listings that other tools print: PubMed's own result lists
("Similar articles", "Cited by", title and journal glued together), the Vancouver and APA lines
the style reader leaves, and MEDLINE or RIS tagged records."""

from __future__ import annotations

import re
from typing import Any

from pubenrich.model.citation import AuthorCue, Cues

__all__ = [
    "APA_SOURCE",
    "NUMBERED",
    "SOURCE",
    "YEAR",
    "YEAR_SOURCE",
    "authors_apa",
    "authors_vancouver",
    "confidence",
    "initials",
    "listing_cues",
    "tagged_cues",
]

NUMBERED = re.compile(r"^[ \t]*(?:\[\d{1,4}\]|\d{1,4}[.)])[ \t]+", re.MULTILINE)
YEAR_SOURCE = re.compile(
    r"(?<=[.;])[ \t]*(?P<year>(?:19|20)\d\d)(?:[ \t]+[A-Z][a-z]{2}(?:[ \t]+\d{1,2})?)?\.?[ \t]*$"
)
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# "2017 Feb;35(2):316-324", "1992;101:1644–55", "2019 Jan 15;2019:5654324", "2021 Apr;58:114-133"
SOURCE = re.compile(
    r"(?P<year>(?:19|20)\d\d)(?:[ \t]+[A-Z][a-z]{2}(?:[ \t]+\d{1,2})?)?[ \t]*;[ \t]*"
    r"(?P<volume>[\w]{1,12})?(?:\((?P<issue>[^)\s]{1,12})\))?(?::(?P<pages>[A-Za-z]?\d[\w–\-]*))?"
)
# APA: "(2008). Title. Journal, 82(1), 150-159."
APA_SOURCE = re.compile(
    r",[ \t]*(?P<volume>\d{1,5})(?:\((?P<issue>[^)\s]{1,12})\))?,"
    r"[ \t]*(?P<pages>[A-Za-z]?\d[\w–\-]*)"
)
AUTHOR_VANCOUVER = re.compile(
    r"^(?P<last>[A-Z][\w'’\- ]{0,40}?)[ \t]+(?P<init>[A-Z](?:-?[A-Z]){0,3})$"
)


def authors_vancouver(part: str) -> tuple[AuthorCue, ...]:
    """ "Bone RC, Balk RA, Cerra FB" -> authors; empty when the part is not such a list."""
    names = [name.strip() for name in part.split(",") if name.strip()]
    authors: list[AuthorCue] = []
    for name in names:
        match = AUTHOR_VANCOUVER.match(name)
        if match is None:
            if authors and len(name.split()) > 2:  # "Payen D Investigators SOiAIP" trails
                break
            return ()
        authors.append(AuthorCue(match.group("last").strip(), match.group("init")))
    return tuple(authors)


def initials(fore: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s.\-]+", fore) if part[:1].isalpha())


def authors_apa(part: str) -> tuple[AuthorCue, ...]:
    """ "Alarcon, M., Abrahams, B. S., & Geschwind, D. H." -> authors."""
    pairs = re.findall(
        r"([A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)?),[ \t]+((?:[A-Z]\.[ \t]?-?){1,4})", part
    )
    return tuple(AuthorCue(last, initials(init)) for last, init in pairs)


def confidence(cues: dict[str, Any]) -> float:
    weights = {"title": 0.3, "authors": 0.2, "journal": 0.15, "year": 0.15, "volume": 0.1}
    weights["first_page"] = 0.1
    score = sum(weight for key, weight in weights.items() if cues.get(key))
    return round(min(score, 1.0), 2)


def listing_cues(entry: str) -> Cues:
    """Cues of a PubMed listing entry, or of a Vancouver or APA line the style reader missed."""
    text = " ".join(entry.split())
    text = re.sub(r"\s*-\s*PubMed\s*$", "", text)
    text = NUMBERED.sub("", text, count=1)
    found: dict[str, Any] = {}
    source = SOURCE.search(text) or YEAR_SOURCE.search(text)
    if source:
        found["year"] = int(source.group("year"))
        for field in ("volume", "issue", "pages"):
            found[field] = source.groupdict().get(field)
        before = text[: source.start()].rstrip(" .;")
        glued = list(re.finditer(r"[.?!](?=[A-Z])", before))  # "...Sepsis.Stem Cells"
        if glued:
            found["title"] = before[: glued[-1].start() + 1].strip()
            found["journal"] = before[glued[-1].end() :].strip()
        else:
            sentences = re.split(r"(?<=[.?!])\s+", before)
            if len(sentences) >= 2:
                found["journal"] = sentences[-1].rstrip(".")
                head = sentences[0].rstrip(".")
                authors = authors_vancouver(head)
                if authors:
                    found["authors"] = authors
                    found["title"] = " ".join(sentences[1:-1]).strip() or None
                else:
                    found["title"] = " ".join(sentences[:-1]).strip()
    else:
        year = re.search(r"\(((?:19|20)\d\d)[a-z]?\)", text) or YEAR.search(text)
        if year:
            found["year"] = int(year.group(1) if year.groups() else year.group())
        authors = authors_apa(text[: year.start()] if year else text)
        if authors:
            found["authors"] = authors
        if year and authors:
            rest = text[year.end() :].lstrip(")., ")
            pieces = re.split(r"(?<=[.?!])\s+", rest)
            if pieces:
                found["title"] = pieces[0].rstrip(".") or None
            if len(pieces) > 1:
                apa = APA_SOURCE.search(pieces[1])
                journal_part = pieces[1][: apa.start()] if apa else pieces[1].split(",")[0]
                found["journal"] = journal_part.strip(" .,") or None
                if apa:
                    found["volume"] = apa.group("volume")
                    found["issue"] = apa.group("issue")
                    found["pages"] = apa.group("pages")
    if found.get("title"):
        found["title"] = found["title"].rstrip(". ") or None
    if found.get("pages"):
        found["first_page"] = re.split(r"[–\-]", found["pages"])[0]
    return Cues(**found, confidence=confidence(found))


def tagged_cues(fields: dict[str, list[str]]) -> Cues:
    """Cues of a MEDLINE or RIS record."""

    def first(*tags: str) -> str | None:
        return next((fields[tag][0] for tag in tags if fields.get(tag)), None)

    found: dict[str, Any] = {
        "title": first("TI", "T1"),
        "journal": first("TA", "JT", "JO", "T2", "JF"),
        "volume": first("VI", "VL"),
        "issue": first("IP") or (first("IS") if "TY" in fields else None),
        "pages": first("PG") or "-".join(filter(None, (first("SP"), first("EP")))) or None,
    }
    year = YEAR.search(first("DP", "PY", "Y1", "DA") or "")
    found["year"] = int(year.group()) if year else None
    authors: list[AuthorCue] = []
    for name in fields.get("FAU") or fields.get("AU") or fields.get("A1") or []:
        last, _, fore = name.partition(",")
        if fore:
            authors.append(AuthorCue(last.strip(), initials(fore), fore.strip()))
        elif (vancouver := AUTHOR_VANCOUVER.match(name.strip())) is not None:
            authors.append(AuthorCue(vancouver.group("last"), vancouver.group("init")))
    found["authors"] = tuple(authors)
    if found["pages"]:
        found["first_page"] = re.split(r"[–\-]", found["pages"])[0]
    found = {key: value for key, value in found.items() if value}
    return Cues(**found, confidence=confidence(found))
