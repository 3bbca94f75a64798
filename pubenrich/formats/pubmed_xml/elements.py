"""Small readers of PubMed XML elements: text, ids, dates, authors, abstracts, references.

Speed: a 10,000-record efetch body holds some three million elements, so the cost per element
decides. Each element is visited once, by iterating its parent's children and dispatching on
the tag (tables of handlers built with :func:`once` and :func:`many`), never by one
``find``/``iterfind`` per field: lxml runs those through ElementPath, in Python, and each
rescans the children. The indexing parts (MeSH, chemicals, grants ...) are :mod:`.indexing`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from pubenrich.errors import InvalidIdentifier
from pubenrich.model.codec import slot_constructor as _maker
from pubenrich.model.dates import MONTHS, PartialDate, month_of, parse_medline_date, season_of
from pubenrich.model.identifiers import PMID
from pubenrich.model.records import (
    Abstract,
    AbstractSection,
    Affiliation,
    ArticleId,
    Author,
    ELocation,
    HistoryDate,
    Keyword,
    Reference,
)

# lxml's _Element; typed loosely because lxml ships no stubs the project depends on.
Element = Any
# A handler reads one child element into the fields being gathered for a record.
Handler = Callable[[Element, dict[str, Any]], None]

# The parser's hottest records, built through their slots (see slot_constructor).
_new_article_id = _maker(ArticleId)
_new_reference = _maker(Reference)
_new_author = _maker(Author)
_new_affiliation = _maker(Affiliation)
_new_date = _maker(PartialDate, checked=("month", "day"))
_new_section = _maker(AbstractSection)
new_history_date = _maker(HistoryDate)
new_keyword = _maker(Keyword)
new_elocation = _maker(ELocation)
new_article_id = _new_article_id


# ---------------------------------------------------------------------- text


def text_of(element: Element) -> str:
    """The text content, every descendant's text included, outer white space trimmed."""
    if len(element):
        return "".join(element.itertext()).strip()
    text = element.text
    return text.strip() if text else ""


def optional_text(element: Element) -> str | None:
    """The text content, or None when it is empty."""
    return text_of(element) or None


def markup(element: Element) -> str:
    """The content with inline tags (``<i>``, ``<sup>``, MathML) kept as written.

    The result is XML content: the element's own leading text is escaped like the children's
    text, so ``a &lt; b`` stays ``a &lt; b``.
    """
    if not len(element):
        text = element.text
        return escape(text.strip()) if text else ""
    inner = escape(element.text or "") + "".join(
        etree.tostring(child, encoding="unicode", with_tail=True) for child in element
    )
    return inner.strip()


def is_yes(element: Element, attribute: str, default: bool = False) -> bool:
    """Whether a ``Y``/``N`` attribute says yes (``default`` when it is absent)."""
    value = element.get(attribute)
    return default if value is None else value == "Y"


def pmid_or_none(text: str | None) -> PMID | None:
    """The PMID ``text`` names, or None when it is empty or not a PMID."""
    try:
        return PMID(text) if text else None
    except InvalidIdentifier:
        return None


# ---------------------------------------------------------------------- handlers
#
# The article and journal readers are tables of handlers, tag to handler. Each handler stores
# into ``out`` under the name of the record field (or a private "_name"
# for values combined at the end). "First one wins" for single fields, as ``find`` would.


def walk(element: Element, handlers: dict[str, Handler], out: dict[str, Any]) -> None:
    """Hand each child of ``element`` to the handler of its tag; unknown tags are skipped."""
    get = handlers.get
    for child in element:
        handler = get(child.tag)
        if handler is not None:
            handler(child, out)


def once(name: str, read: Callable[[Element], Any]) -> Handler:
    """A handler storing ``read(element)`` under ``name``, for the first such element only."""

    def handler(element: Element, out: dict[str, Any]) -> None:
        if name not in out:
            out[name] = read(element)

    return handler


def first(name: str) -> Handler:
    """A handler keeping the first such element itself under ``name``, to be read later."""

    def handler(element: Element, out: dict[str, Any]) -> None:
        if name not in out:
            out[name] = element

    return handler


def once_text(name: str) -> Handler:
    """``once(name, optional_text)`` with the text read inline, for the single text fields
    (a dozen a record: the journal's, the title's translation, the COI statement)."""

    def handler(element: Element, out: dict[str, Any]) -> None:
        if name not in out:
            if len(element):
                value = "".join(element.itertext()).strip()
            else:
                text = element.text
                value = text.strip() if text else ""
            out[name] = value or None

    return handler


def many(name: str, read: Callable[[Element], Any]) -> Handler:
    """A handler adding what ``read(element)`` returns to the list under ``name``."""

    def handler(element: Element, out: dict[str, Any]) -> None:
        out.setdefault(name, []).extend(read(element))

    return handler


def children(element: Element, tag: str, build: Callable[[Element], Any]) -> list[Any]:
    # iterchildren(tag) filters in C, without making a tag string per child.
    return [build(child) for child in element.iterchildren(tag)]


# ---------------------------------------------------------------------- dates


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


# The month spellings PubMed writes, each read once here by month_of (so they cannot
# disagree): a date then costs one dict look-up, and month_of reads any other spelling.
_MONTH_OF = {
    text: month_of(text)
    for text in (*MONTHS, *(str(n) for n in range(1, 13)), *(f"{n:02d}" for n in range(1, 10)))
}


def read_date(element: Element) -> PartialDate:
    """A structured date (``Year``/``Month``/``Day``/``Season``) or a ``MedlineDate``."""
    # Several per record (the History): one pass, the first of each tag wins, as find() would.
    year = month = day = season = None
    for child in element:
        tag = child.tag
        if tag == "Year":
            if year is None:
                year = child.text or ""
        elif tag == "Month":
            if month is None:
                month = child.text or ""
        elif tag == "Day":
            if day is None:
                day = child.text or ""
        elif tag == "MedlineDate":
            return parse_medline_date(text_of(child))
        elif tag == "Season" and season is None:
            season = (child.text or "").strip()
    month_number = _MONTH_OF.get(month) if month else None
    if month_number is None and month:
        month_number = month_of(month)
    day_number = _int(day)
    if day_number is not None and not 1 <= day_number <= 31:
        day_number = None
    # month_of gives 1 to 12 and the day is checked above: what PartialDate's validators ask.
    return _new_date(
        _int(year), month_number, day_number, season_of(season) if season else None, None, None
    )


# ---------------------------------------------------------------------- parts


def read_article_ids(element: Element) -> tuple[ArticleId, ...]:
    # Hot: a reference list holds thousands of ids per body. text_of is inlined for a leaf.
    ids = []
    for child in element:
        if child.tag == "ArticleId":
            value = "".join(child.itertext()) if len(child) else child.text
            if value and (value := value.strip()):
                ids.append(_new_article_id(child.get("IdType", ""), value))
    return tuple(ids)


# PubMed writes ORCIDs bare (0000-0002-1825-009X) or as a URL (https://orcid.org/...).
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])\s*$", re.IGNORECASE)


def _orcid(value: str) -> str | None:
    """The bare ``0000-0002-1825-009X`` form; an unreadable value is kept as written."""
    found = _ORCID.search(value)
    if found is None:
        return value or None
    return "-".join(found.groups()).upper()


def _identifier(element: Element) -> str:
    return f"{element.get('Source', '')}:{text_of(element)}"


def _affiliation(element: Element) -> Affiliation | None:
    name = None
    identifiers = []
    for child in element:
        tag = child.tag
        if tag == "Affiliation":
            if name is None:
                name = text_of(child)
        elif tag == "Identifier":
            identifiers.append(_identifier(child))
    return _new_affiliation(name, tuple(identifiers)) if name else None


def read_author(element: Element) -> Author:
    # Hot (tens of thousands per body): plain locals, an if-chain in the order PubMed writes
    # the children, positional arguments, no helpers for leaf text. A name is None until its
    # first element is met (the first one wins, as find() would), then that element's text.
    last = fore = initials = suffix = collective = None
    identifiers = []
    affiliations = []
    orcid = None
    for child in element:
        tag = child.tag
        if tag == "LastName":  # the names are #PCDATA: .text is all of it
            if last is None:
                last = child.text or ""
        elif tag == "ForeName":
            if fore is None:
                fore = child.text or ""
        elif tag == "Initials":
            if initials is None:
                initials = child.text or ""
        elif tag == "AffiliationInfo":
            affiliation = _affiliation(child)
            if affiliation is not None:
                affiliations.append(affiliation)
        elif tag == "Identifier":
            value = text_of(child)
            source = child.get("Source", "")
            if orcid is None and source == "ORCID":
                orcid = _orcid(value)
            if value:
                identifiers.append(f"{source}:{value}")
        elif tag == "Suffix":
            if suffix is None:
                suffix = child.text or ""
        elif tag == "CollectiveName" and collective is None:
            collective = text_of(child)  # may hold inline markup
    get = element.get
    contrib, valid = get("EqualContrib"), get("ValidYN")
    return _new_author(
        last.strip() or None if last else None,
        fore.strip() or None if fore else None,
        initials.strip() or None if initials else None,
        suffix.strip() or None if suffix else None,
        collective or None,
        tuple(affiliations),
        orcid,
        tuple(identifiers),
        contrib == "Y",
        valid is None or valid == "Y",
    )


def read_authors(element: Element, tag: str) -> list[Author]:
    return [read_author(child) for child in element.iterchildren(tag)]


def read_abstract(element: Element) -> Abstract:
    sections = []
    copyright_ = None
    seen = False
    for child in element:
        tag = child.tag
        if tag == "AbstractText":
            get = child.get
            sections.append(
                _new_section(text_of(child), markup(child), get("Label"), get("NlmCategory"))
            )
        elif tag == "CopyrightInformation" and not seen:
            copyright_, seen = optional_text(child), True
    return Abstract(sections=tuple(sections), copyright=copyright_)


def read_references(element: Element) -> list[Reference]:
    """The references of a ``ReferenceList``, nested lists included.

    The hottest loop of the parser (a record often cites fifty papers): one flat pass over
    only the three tags that matter, filtered by lxml in C, instead of a walk per reference.
    ``ArticleId`` holds only text (``#PCDATA`` in the DTD), so its ``.text`` is the value.
    """
    found: list[Reference] = []
    citation: str | None = None
    ids: list[ArticleId] | None = None
    for node in element.iter("Reference", "Citation", "ArticleId"):
        tag = node.tag
        if tag == "ArticleId":
            value = node.text
            if value and ids is not None and (value := value.strip()):
                ids.append(_new_article_id(node.get("IdType", ""), value))
        elif tag == "Citation":
            if citation is None:
                value = "".join(node.itertext()) if len(node) else node.text
                citation = value.strip() if value else ""
        else:
            if ids is not None:
                found.append(_new_reference(citation or "", tuple(ids)))
            citation, ids = None, []
    if ids is not None:
        found.append(_new_reference(citation or "", tuple(ids)))
    return found
