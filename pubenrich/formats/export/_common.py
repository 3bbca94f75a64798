"""What every export format shares: authors to print, page ranges, ASCII folding, notes.

Each format renders the same facts; deriving them once keeps the formats in agreement.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeAlias

from pubenrich.model.records import Article, Author, BookArticle, Journal, PartialDate

Exportable: TypeAlias = Article | BookArticle
"""The records an export renders (a ``DeletedCitation`` has nothing to cite)."""

# Letters that NFKD does not split into a base letter and a mark.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)  # fmt: skip

_RANGE = re.compile(r"^([A-Za-z]*)(\d+)\s*[-\u2013]\s*([A-Za-z]*)(\d+)$")

# PubMed gives ISO 639-2/B codes; CSL wants BCP 47, which uses the two-letter code where one
# exists. Codes not listed here are kept (BCP 47 accepts three-letter codes without one).
_LANGUAGES = {
    "afr": "af", "alb": "sq", "ara": "ar", "arm": "hy", "bul": "bg", "cat": "ca", "chi": "zh",
    "cze": "cs", "dan": "da", "dut": "nl", "eng": "en", "est": "et", "fin": "fi", "fre": "fr",
    "geo": "ka", "ger": "de", "gre": "el", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu",
    "ice": "is", "ind": "id", "ita": "it", "jpn": "ja", "kor": "ko", "lav": "lv", "lit": "lt",
    "mac": "mk", "may": "ms", "nor": "no", "per": "fa", "pol": "pl", "por": "pt", "rum": "ro",
    "rus": "ru", "scr": "hr", "slo": "sk", "slv": "sl", "spa": "es", "srp": "sr", "swe": "sv",
    "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi", "wel": "cy",
}  # fmt: skip


def check_exportable(record: object) -> Exportable:
    """The record itself, or TypeError for anything that is not an Article or BookArticle."""
    if not isinstance(record, Article | BookArticle):
        raise TypeError(f"cannot export a {type(record).__name__}: only Article and BookArticle")
    return record


def ascii_fold(text: str) -> str:
    """``Müller-Øster`` -> ``Muller-Oster``: accents dropped, other letters spelled out."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode("ascii")
    )


def authors(people: tuple[Author, ...]) -> list[Author]:
    """The authors to cite: PubMed marks replaced (erroneous) names ``ValidYN="N"``."""
    return [a for a in people if a.valid and (a.collective_name or a.last_name or a.fore_name)]


def page_range(journal: Journal | None) -> tuple[str | None, str | None]:
    """First and last page, with MEDLINE's shortened end expanded (``123-9`` -> 123, 129).

    A list of ranges (``1-5, 9``) gives its first page and no last page, so no format claims a
    range that is not one.
    """
    if journal is None:
        return None, None
    if journal.start_page:
        return journal.start_page, journal.end_page
    pages = (journal.pages or "").strip()
    if not pages:
        return None, None
    match = _RANGE.match(pages)
    if match is None:
        first = re.split(r"[-,;\s\u2013]", pages, maxsplit=1)[0]
        return first or None, None
    prefix, start, end_prefix, end = match.groups()
    if len(end) < len(start) and not end_prefix:
        end = start[: len(start) - len(end)] + end
    return prefix + start, (end_prefix or prefix) + end


def pages_text(journal: Journal | None, dash: str) -> str | None:
    """The page range joined by ``dash`` (``--`` in BibTeX), or the pages text as given."""
    first, last = page_range(journal)
    if first and last and first != last:
        return f"{first}{dash}{last}"
    if first and not last and journal is not None and journal.pages and "," in journal.pages:
        return journal.pages
    return first


def issn(journal: Journal | None) -> str | None:
    """The print ISSN, else the electronic, else the linking ISSN."""
    if journal is None:
        return None
    return journal.issn_print or journal.issn_electronic or journal.issn_linking


def note(record: Exportable) -> str | None:
    """The retraction (or other notice) line every format carries, e.g. ``Retracted (...)``."""
    return record.retraction.summary


def language(record: Exportable) -> str | None:
    """The first language as a BCP 47 tag (``eng`` -> ``en``), None when unknown."""
    for given in record.languages:
        code = given.strip().lower()
        if code and code != "und":
            return _LANGUAGES.get(code, code)
    return None


def date_of(record: Exportable) -> PartialDate:
    """The publication date, falling back to an Article's electronic date when PubMed has none."""
    empty = record.pub_date.year is None and not record.pub_date.raw
    if empty and isinstance(record, Article) and record.article_date is not None:
        return record.article_date
    return record.pub_date


def is_chapter(record: Exportable) -> bool:
    """A BookArticle with a title of its own is a chapter; one titled like its book is the book."""
    return (
        isinstance(record, BookArticle)
        and bool(record.book_title)
        and record.title != record.book_title
    )


def title(record: Exportable) -> str:
    """The title to cite: PubMed's English title, else the article's own-language title (PubMed
    leaves ``ArticleTitle`` empty for some records that only have a ``VernacularTitle``)."""
    if record.title or not isinstance(record, Article):
        return record.title
    return record.vernacular_title or ""


def one_line(text: str) -> str:
    """White space runs (newlines included) as single spaces: line formats cannot hold more."""
    return " ".join(text.split())


_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "and",
        "to",
        "with",
        "at",
        "by",
        "from",
        "is",
        "are",
    ]
)


def citation_key(record: Exportable) -> str:
    """``lastname`` + year + first title word, lower-case ASCII: ``muller2001synthetic``.

    The same record always gets the same key; a writer over many records makes repeated keys
    unique with suffixes (``a``, ``b`` ...). A group author gives its first word, a missing
    author ``anon`` and a missing year ``nd``.
    """
    first = next(iter(authors(record.authors)), None)
    if first is None and isinstance(record, BookArticle):
        first = next(iter(authors(record.editors)), None)
    name = ""
    if first is not None:
        name = first.last_name or first.collective_name or first.fore_name or ""
        if not first.last_name:
            name = (name.split() or [""])[0]
    words = (re.sub(r"[^a-z0-9]", "", ascii_fold(w).lower()) for w in record.title.split())
    word = next((w for w in words if w and w not in _STOP_WORDS), "")
    year = date_of(record).year
    name = re.sub(r"[^a-z0-9]", "", ascii_fold(name).lower()) or "anon"
    return f"{name}{year if year is not None else 'nd'}{word}"


def unique_key(key: str, used: dict[str, int]) -> str:
    """``key``, or the first of ``keya``, ``keyb`` ... ``keyz``, ``keyaa`` ... not yet taken.

    ``used`` maps each key taken so far to the next suffix to try after it, so a key repeated
    thousands of times costs no more than one used once.
    """
    n = used.get(key)
    candidate = key
    if n is not None:
        while candidate in used:
            candidate = key + _letters(n)
            n += 1
        used[key] = n
    used[candidate] = 0
    return candidate


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: a suffix for every count."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out
