"""RIS, the tagged format of Reference Manager that every reference manager imports.

Each line is a two-character tag, two spaces, ``-``, a space and the value; ``TY`` opens a
record and ``ER`` closes it. The specification ends lines with CR LF, so this module does
(open files with ``newline=""`` so Python does not translate them).
"""

from __future__ import annotations

from pubenrich.formats.export import _common as common
from pubenrich.formats.export._common import Exportable
from pubenrich.model.records import Author, BookArticle, PartialDate

__all__ = ["RIS_EOL", "to_ris"]

RIS_EOL = "\r\n"


def to_ris(record: Exportable) -> str:
    """Render a record as one RIS record (``TY  - JOUR`` ... ``ER  - ``).

    Tags: TY (JOUR, BOOK or CHAP), AU per author, A2 per editor, TI, T2 (journal or book),
    J2 (journal abbreviation), PY, DA (``YYYY/MM/DD/other``), VL, IS, SP, EP, SN, PB, CY,
    DO, AN (the PMID), C2 (the PMCID), UR, LA, AB, N1 (retraction note), ER.

    Args:
        record: an :class:`Article` or :class:`BookArticle`.

    Returns:
        The record's lines, each ending with CR LF.

    Raises:
        TypeError: the record is not an Article or BookArticle.
    """
    record = common.check_exportable(record)
    lines: list[tuple[str, str | None]] = []
    if isinstance(record, BookArticle):
        lines.append(("TY", "CHAP" if common.is_chapter(record) else "BOOK"))
    else:
        lines.append(("TY", "JOUR"))
    lines += [("AU", _name(a)) for a in common.authors(record.authors)]
    lines.append(("TI", common.title(record)))
    journal = record.journal
    if isinstance(record, BookArticle):
        lines += [("A2", _name(a)) for a in common.authors(record.editors)]
        if common.is_chapter(record):
            lines.append(("T2", record.book_title))
        lines += [("PB", record.publisher), ("CY", record.publisher_location)]
        lines.append(("SN", record.isbn[0] if record.isbn else common.issn(journal)))
    else:
        if journal is not None:
            lines.append(("T2", journal.title or journal.iso_abbreviation))
            lines.append(("J2", journal.iso_abbreviation))
        lines.append(("SN", common.issn(journal)))
    first, last = common.page_range(journal)
    if journal is not None:
        lines += [("VL", journal.volume), ("IS", journal.issue)]
    lines += [("SP", first), ("EP", last)]
    date = common.date_of(record)
    lines.append(("PY", str(date.year) if date.year is not None else None))
    lines.append(("DA", _date(date)))
    lines.append(("DO", record.doi.value if record.doi else None))
    lines.append(("AN", record.pmid.value))
    lines.append(("C2", record.pmcid.value if record.pmcid else None))
    lines.append(("UR", f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid.value}/"))
    lines.append(("LA", common.language(record)))
    if record.abstract is not None:
        lines.append(("AB", record.abstract.text))
    lines.append(("N1", common.note(record)))
    out = [f"{tag}  - {common.one_line(value)}{RIS_EOL}" for tag, value in lines if value]
    return "".join(out) + f"ER  - {RIS_EOL}"


def _name(author: Author) -> str:
    """``Last, First, Suffix`` as the specification writes people; a group by its name."""
    if author.collective_name or not author.last_name:
        return author.collective_name or author.fore_name or ""
    parts = [author.last_name, author.fore_name or author.initials or ""]
    if author.suffix:
        parts.append(author.suffix)
    return ", ".join(parts)


def _date(date: PartialDate) -> str | None:
    """``YYYY/MM/DD/other``, trailing empty parts left out; the season or range as ``other``."""
    if date.year is None:
        return None
    month = f"{date.month:02d}" if date.month is not None else ""
    day = f"{date.day:02d}" if date.day is not None and date.month is not None else ""
    other = date.raw if date.end is not None and date.raw else ""
    if not other and date.end is not None:
        other = str(date)
    if not other and date.season and date.month is None:
        other = date.season
    return "/".join([str(date.year), month, day, other]).rstrip("/")
