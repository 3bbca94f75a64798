"""CSL-JSON, the citation data that Zotero, Pandoc and citeproc read.

Variables follow the CSL 1.0 data schema: ``PMID``, ``PMCID`` and ``DOI`` keep their upper
case, a group author is ``{"literal": ...}``, and ``issued`` holds ``date-parts`` as precise
as PubMed knows (year, year-month or full date; two parts for a range).
"""

from __future__ import annotations

from typing import Any

from pubenrich.formats.export import _common as common
from pubenrich.formats.export._common import Exportable
from pubenrich.model.records import Author, BookArticle, PartialDate

__all__ = ["to_csl_json"]

_SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}


def to_csl_json(record: Exportable, key: str | None = None) -> dict[str, Any]:
    """Render a record as one CSL-JSON item.

    Args:
        record: an :class:`Article` or :class:`BookArticle`.
        key: the item's ``id`` (Pandoc's citation key); by default the record's BibTeX key, so
            the same key cites it from a .bib and a .json.

    Returns:
        A JSON-safe dict; empty variables are left out.

    Raises:
        TypeError: the record is not an Article or BookArticle.
    """
    record = common.check_exportable(record)
    item: dict[str, Any] = {"id": key or common.citation_key(record), "type": _type(record)}
    _put(item, "title", common.title(record))
    names = [_name(a) for a in common.authors(record.authors)]
    if names:
        item["author"] = names
    if isinstance(record, BookArticle):
        editors = [_name(a) for a in common.authors(record.editors)]
        if editors:
            item["editor"] = editors
        if common.is_chapter(record):
            item["container-title"] = record.book_title
        _put(item, "publisher", record.publisher)
        _put(item, "publisher-place", record.publisher_location)
        _put(item, "ISBN", record.isbn[0] if record.isbn else None)
    journal = record.journal
    if journal is not None and not isinstance(record, BookArticle):
        _put(item, "container-title", journal.title or journal.iso_abbreviation)
        _put(item, "container-title-short", journal.iso_abbreviation)
    if journal is not None:
        _put(item, "volume", journal.volume)
        _put(item, "issue", journal.issue)
        _put(item, "page", common.pages_text(journal, "-"))
    _put(item, "ISSN", common.issn(journal))
    issued = _date(common.date_of(record))
    if issued:
        item["issued"] = issued
    _put(item, "DOI", record.doi.value if record.doi else None)
    item["PMID"] = record.pmid.value
    _put(item, "PMCID", record.pmcid.value if record.pmcid else None)
    if record.abstract is not None:
        _put(item, "abstract", record.abstract.text)
    _put(item, "language", common.language(record))
    _put(item, "note", common.note(record))
    return item


def _type(record: Exportable) -> str:
    if isinstance(record, BookArticle):
        return "chapter" if common.is_chapter(record) else "book"
    return "article-journal"


def _put(item: dict[str, Any], name: str, value: str | None) -> None:
    if value:
        item[name] = value


def _name(author: Author) -> dict[str, str]:
    if author.collective_name:
        return {"literal": author.collective_name}
    if not author.last_name:
        return {"literal": author.fore_name or ""}
    name = {"family": author.last_name}
    given = author.fore_name or author.initials
    if given:
        name["given"] = given
    if author.suffix:
        name["suffix"] = author.suffix
    return name


def _parts(date: PartialDate) -> list[int]:
    parts = [date.year] if date.year is not None else []
    if date.year is not None and date.month is not None:
        parts.append(date.month)
        if date.day is not None:
            parts.append(date.day)
    return [p for p in parts if p is not None]


def _date(date: PartialDate) -> dict[str, Any] | None:
    """``{"date-parts": [[y, m]]}``, two parts for a range, ``season`` 1-4, else ``literal``."""
    if date.year is None:
        return {"literal": date.raw} if date.raw else None
    parts = [_parts(date)]
    if date.end is not None and date.end.year is not None:
        parts.append(_parts(date.end))
    out: dict[str, Any] = {"date-parts": parts}
    if date.season and date.month is None:
        season = _SEASONS.get(date.season.lower())
        if season is not None:
            out["season"] = season
    return out
