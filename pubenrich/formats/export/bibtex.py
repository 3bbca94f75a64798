"""BibTeX entries: ``@article``, ``@book`` and ``@incollection`` with PubMed's identifiers.

Text is kept as UTF-8 (biber, bibtex8 and modern BibTeX read it); only the characters that
TeX gives a meaning are escaped: ``& % $ # _`` get a backslash, ``{ }`` become ``\\{ \\}``,
and ``~ ^ \\`` become ``\\textasciitilde{}``, ``\\textasciicircum{}``, ``\\textbackslash{}``.
TeX's ligatures are broken with an empty group so that what prints (and what pybtex and
bibtexparser read back) is the record's text: ``--`` (an en dash to TeX, as in an arrow
``-->``) is written ``-{}-``, and likewise ``''`` (a closing double quote), ``<<``/``>>``
(guillemets) and ``,,`` (a low double quote). A backtick is braced, ``{`}``: two make an
opening quote, and after ``?`` or ``!`` one makes an inverted mark. (``<`` and ``>`` print as
written with the T1 font encoding, ``\\usepackage[T1]{fontenc}``, as with every modern TeX.)
Title words with capitals after their first letter (``DNA``, ``mRNA``) are braced so styles
that lower-case titles keep them. ``doi``, ``pmid`` and ``pmcid`` are written verbatim, as
biblatex reads them.
"""

from __future__ import annotations

import re

from pubenrich.formats.export import _common as common
from pubenrich.formats.export._common import Exportable
from pubenrich.model.records import Author, BookArticle

__all__ = ["bibtex_escape", "bibtex_key", "to_bibtex"]

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TABLE = str.maketrans(_ESCAPES)
# Characters that form ligatures when doubled (T1 and OT1 font encodings): "--", "---", "''",
# "<<", ">>", ",,". An empty group between them keeps each one itself.
_LIGATURE = re.compile(r"([-'<>,])(?=\1)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex_escape(text: str) -> str:
    """``text`` with TeX's special characters escaped and its ligatures broken, so it prints
    (and reads back) as written: ``a --> b`` becomes ``a -{}-> b``."""
    escaped = text.translate(_TABLE)
    if "`" in escaped:
        escaped = escaped.replace("`", "{`}")
    return _LIGATURE.sub(r"\1{}", escaped)


def bibtex_key(record: Exportable) -> str:
    """The record's stable citation key, e.g. ``muller2001synthetic`` (ASCII, lower case).

    Raises:
        TypeError: the record is not an Article or BookArticle.
    """
    return common.citation_key(common.check_exportable(record))


def to_bibtex(record: Exportable, key: str | None = None) -> str:
    """Render a record as one BibTeX entry.

    Args:
        record: an :class:`Article` or :class:`BookArticle`.
        key: the citation key; by default :func:`bibtex_key` (``write`` makes repeats unique).

    Returns:
        The entry text, ending with a newline.

    Raises:
        TypeError: the record is not an Article or BookArticle.
    """
    record = common.check_exportable(record)
    fields: list[tuple[str, str]] = []

    def put(name: str, value: str | None, raw: bool = False) -> None:
        if value:
            fields.append((name, value if raw else bibtex_escape(value)))

    people = common.authors(record.authors)
    put("author", " and ".join(_name(a) for a in people), raw=True)
    put("title", _title(common.title(record)), raw=True)
    journal = record.journal
    if isinstance(record, BookArticle):
        kind = "incollection" if common.is_chapter(record) else "book"
        editors = common.authors(record.editors)
        put("editor", " and ".join(_name(a) for a in editors), raw=True)
        if common.is_chapter(record):
            put("booktitle", _title(record.book_title or ""), raw=True)
        put("publisher", record.publisher)
        put("address", record.publisher_location)
        put("isbn", record.isbn[0] if record.isbn else None)
    else:
        kind = "article"
        if journal is not None:
            put("journal", journal.title or journal.iso_abbreviation)
            put("shortjournal", journal.iso_abbreviation)
    if journal is not None:
        put("volume", journal.volume)
        put("number", journal.issue)
        # The range's "--" is TeX's en dash on purpose: only the page numbers are escaped.
        pages = common.pages_text(journal, "\x00")
        put("pages", bibtex_escape(pages).replace("\x00", "--") if pages else None, raw=True)
    put("issn", common.issn(journal))
    date = common.date_of(record)
    put("year", str(date.year) if date.year is not None else None)
    if date.month is not None:
        put("month", _MONTHS[date.month - 1], raw=True)
    # Identifiers are verbatim fields in biblatex: escaping would print the backslashes.
    put("doi", record.doi.value if record.doi else None, raw=True)
    put("pmid", record.pmid.value, raw=True)
    put("pmcid", record.pmcid.value if record.pmcid else None, raw=True)
    put("language", common.language(record))
    if record.abstract is not None:
        put("abstract", common.one_line(record.abstract.text))
    put("note", common.note(record))
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@{kind}{{{key or bibtex_key(record)},\n{body}\n}}\n"


def _title(text: str) -> str:
    """Escaped title with words like ``DNA`` or ``mRNA`` braced against lower-casing."""
    return " ".join(
        f"{{{bibtex_escape(word)}}}" if any(c.isupper() for c in word[1:]) else bibtex_escape(word)
        for word in text.split(" ")
    )


def _name(author: Author) -> str:
    """``Last, Jr, First``; a group's name braced so BibTeX does not split it into parts."""
    if author.collective_name or not author.last_name:
        return "{" + bibtex_escape(author.collective_name or author.fore_name or "") + "}"
    last = bibtex_escape(author.last_name)
    if " " in author.last_name:
        last = "{" + last + "}"  # "van der Berg" stays one family name
    parts = [last]
    if author.suffix:
        parts.append(bibtex_escape(author.suffix))
    given = author.fore_name or author.initials
    if given:
        parts.append(bibtex_escape(given))
    elif author.suffix:
        parts.append("")
    return ", ".join(parts)
