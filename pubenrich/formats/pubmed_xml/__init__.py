"""Parse PubMed XML (efetch ``PubmedArticleSet``, baseline files) into records, streaming.

Each top-level record is found by its closing tag in the bytes, read in 1 MiB chunks, and
parsed alone by lxml; any document shape beyond NCBI's plain one goes from that point to lxml's
``iterparse``, which reports the end of each record, whose subtree is walked once and cleared
with the siblings already handed out. Either way memory stays flat in the number of records,
and both paths read every fixture and NCBI sample the same (a test checks).

The parser never loads a DTD or an external entity, whatever the DOCTYPE says
(``no_network``, ``load_dtd=False``, ``resolve_entities=False``): NCBI moves to a new dated DTD
every year, and a parser that needs it offline breaks. libxml2's own limits stop
entity-expansion bombs. Chosen over ``Bio.Entrez`` (which fetches unbundled DTDs) and the
standard library by measurement: see ``benchmarks/bench_parse.py``.

Speed: a 10,000-record efetch body holds some three million elements, so the cost per element
decides. Each element is visited once, by iterating its parent's children and dispatching on
the tag (tables of handlers below), never by one ``find``/``iterfind`` per field: lxml runs
those through ElementPath, in Python, and each rescans the children.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Generator, Iterator
from typing import IO, Any, TypeVar
from xml.sax.saxutils import escape

import attrs
from lxml import etree

from pubenrich.errors import InvalidIdentifier, ParseError
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import (
    MONTHS,
    SEASONS,
    Abstract,
    AbstractSection,
    Affiliation,
    Article,
    ArticleId,
    Author,
    BookArticle,
    Chemical,
    CommentCorrection,
    DataBank,
    DeletedCitation,
    ELocation,
    Grant,
    HistoryDate,
    Journal,
    Keyword,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    PublicationType,
    PubmedRecord,
    Reference,
    RetractionStatus,
)

__all__ = ["parse_medline_date", "parse_pubmed_xml", "retraction_status"]

_T = TypeVar("_T", bound=attrs.AttrsInstance)


def _maker(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of ``cls`` from every field, positionally, for the parser's hottest types.

    A 10,000-record body builds some 800,000 ``Reference`` and ``ArticleId`` objects; the
    attrs-generated ``__init__`` of a frozen class sets each field through a bound
    ``object.__setattr__``, and the slots' own setters take a third less time. Only for classes
    whose fields have no validator, converter or ``__attrs_post_init__`` (checked here, so a
    validator added later fails at import instead of being skipped).
    """
    fields = attrs.fields(cls)
    if any(f.validator or f.converter for f in fields) or hasattr(cls, "__attrs_post_init__"):
        raise TypeError(f"{cls.__name__} validates its fields; build it with its __init__")
    names = [f.name for f in fields]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    namespace.update({f"set_{n}": cls.__dict__[n].__set__ for n in names})
    body = "".join(f"    set_{n}(o, {n})\n" for n in names)
    source = f"def make({', '.join(names)}):\n    o = new(cls)\n{body}    return o\n"
    exec(source, namespace)  # noqa: S102 - source built from attrs field names only
    make: Callable[..., _T] = namespace["make"]
    return make


_new_article_id = _maker(ArticleId)
_new_reference = _maker(Reference)
_new_author = _maker(Author)
_new_affiliation = _maker(Affiliation)

_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")
_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(MONTHS, start=1)}
_SEASON = {s.lower(): s for s in SEASONS}

Source = bytes | str | os.PathLike[str] | IO[bytes]
# lxml's _Element; typed loosely because lxml ships no stubs the project depends on.
_Element = Any
# A handler reads one child element into the fields being gathered for a record.
_Handler = Callable[[_Element, dict[str, Any]], None]


def parse_pubmed_xml(source: Source) -> Iterator[PubmedRecord]:
    """Yield the records of a PubMed XML document, in document order.

    Args:
        source: the XML as bytes; a ``str`` that starts (after white space) with ``<`` is XML
            text, any other ``str`` or path-like is a file path; or a binary file object.

    Yields:
        :class:`Article`, :class:`BookArticle` and :class:`DeletedCitation` records. An empty
        ``<PubmedArticleSet/>`` (NCBI's answer for unknown PMIDs) yields nothing.

    Raises:
        ParseError: malformed or truncated XML, naming where it broke; the records before
            that point have been yielded already.
    """
    stream, close = _open(source)
    progress = _Progress()
    try:
        rest = yield from _scan(stream, progress)
        if rest is not None:
            yield from _iterparse(rest, progress)
    finally:
        if close:
            stream.close()


class _Progress:
    """Names the last record handed out, for the error that says where a document broke."""

    last = "before the first record"

    def record(self, element: _Element) -> PubmedRecord:
        try:
            record = _record(element)
        except (InvalidIdentifier, ValueError) as exc:
            raise ParseError(f"invalid record: {exc}", record=f"after {self.last}") from exc
        if isinstance(record, DeletedCitation):
            self.last = "a DeleteCitation"
        else:
            self.last = f"PMID {record.pmid.value}"
        return record


# The fast path: a PubMed document is a prolog, <PubmedArticleSet>, records separated by white
# space, and the closing tag. Each record's bytes are found by its closing tag and parsed
# alone, which costs libxml2 a quarter fewer instructions than iterparse's event machinery.
# Whatever else a document holds (an internal DTD subset, a non-UTF-8 encoding, CDATA or
# comments, an undeclared entity, text between records, a truncated end) hands the rest of
# the document, from the record where it was met, to iterparse, which stays the authority on
# what the document means and on every error.
_PROLOG = re.compile(rb"\s*(?:<\?xml[^>]*>)?\s*(?:<!DOCTYPE[^\[>]*>)?\s*<PubmedArticleSet\s*>")
_NON_UTF8 = re.compile(rb"encoding\s*=\s*[\"'](?!utf-8[\"'])", re.I)
_OPEN = re.compile(rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)[\s>]")
_END_OF_SET = re.compile(rb"\s*</PubmedArticleSet\s*>\s*")
_CHUNK = 1 << 20
_LONGEST_PROLOG = 1 << 16
# A record longer than this without its closing tag goes to iterparse rather than the buffer.
_LONGEST_RECORD = 64 << 20
# Both paths: no DTD, no entity, no network, libxml2's size limits on.
_SAFE: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_FRAGMENT_PARSER = etree.XMLParser(**_SAFE)


def _scan(stream: IO[bytes], progress: _Progress) -> Generator[PubmedRecord, None, _Chain | None]:
    """Yield the records the fast path can read; return the rest of the document, if any."""
    buffer = b""
    # Read until the set's opening tag is whole (or the prolog is clearly not PubMed's).
    while len(buffer) < _LONGEST_PROLOG and (more := stream.read(_CHUNK)):
        buffer += more
        start = buffer.find(b"<PubmedArticleSet")
        if start >= 0 and buffer.find(b">", start) >= 0:
            break
    prolog = _PROLOG.match(buffer)
    if prolog is None or _NON_UTF8.search(buffer, 0, prolog.end()):
        return _Chain(b"", buffer, stream)
    head = buffer[: prolog.end()]
    position = prolog.end()
    parser = _FRAGMENT_PARSER
    while True:
        opening = _OPEN.search(buffer, position)
        if opening is not None and buffer[position : opening.start()].strip():
            return _Chain(head, buffer[position:], stream)  # something between records
        if opening is None:
            gap = buffer[position:].lstrip()
            if gap[:1] not in (b"", b"<") or len(gap) > _LONGEST_RECORD:
                return _Chain(head, buffer[position:], stream)
            more = stream.read(_CHUNK)
            if more:
                buffer = buffer[position:] + more
                position = 0
                continue
            if _END_OF_SET.fullmatch(buffer, position):
                return None
            return _Chain(head, buffer[position:], stream)
        tag = opening.group(1)
        closing = b"</" + tag + b">"
        end = buffer.find(closing, opening.end())
        while end < 0:
            more = stream.read(_CHUNK) if len(buffer) - position < _LONGEST_RECORD else b""
            if not more:
                return _Chain(head, buffer[position:], stream)
            buffer = buffer[position:] + more
            opening = _OPEN.search(buffer, 0)
            assert opening is not None
            position = 0
            end = buffer.find(closing, opening.end())
        end += len(closing)
        fragment = buffer[opening.start() : end]
        if b"<!" in fragment or b"<?" in fragment:
            return _Chain(head, buffer[position:], stream)  # CDATA, comments, PIs
        try:
            element = etree.fromstring(fragment, parser)
        except etree.XMLSyntaxError:
            return _Chain(head, buffer[position:], stream)
        yield progress.record(element)
        position = end


class _Chain(io.RawIOBase):
    """The prolog, the unread part of the buffer, then the stream: what iterparse reads."""

    def __init__(self, head: bytes, buffered: bytes, stream: IO[bytes]) -> None:
        # A view with an offset: re-slicing the bytes at each read would copy what is left of
        # a buffer of up to _LONGEST_RECORD every time iterparse asks for its next few kB.
        self._pending = memoryview(head + buffered)
        self._offset = 0
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:  # Any: the buffer protocol has no public type
        if self._offset == len(self._pending):
            self._pending, self._offset = memoryview(self._stream.read(len(target))), 0
        size = min(len(target), len(self._pending) - self._offset)
        target[:size] = self._pending[self._offset : self._offset + size]
        self._offset += size
        return size


def _iterparse(stream: IO[bytes] | io.RawIOBase, progress: _Progress) -> Iterator[PubmedRecord]:
    try:
        events = etree.iterparse(stream, events=("end",), tag=_TAGS, **_SAFE)
        for _, element in events:
            record = progress.record(element)
            # Free what is parsed: the element, and the siblings already handed out.
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
            yield record
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"malformed PubMed XML: {exc}", record=f"after {progress.last}") from exc


def _open(source: Source) -> tuple[IO[bytes], bool]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), True
    if isinstance(source, str) and source.lstrip().startswith("<"):
        # The XML declaration must come first, so leading white space goes.
        return io.BytesIO(source.lstrip().encode("utf-8")), True
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb"), True  # closed by the generator
        except OSError as exc:
            raise ParseError(f"cannot read {os.fspath(source)!r}: {exc}") from exc
    return source, False


# ---------------------------------------------------------------------- text helpers


def _text(element: _Element) -> str:
    """The text content, every descendant's text included, outer white space trimmed."""
    if len(element):
        return "".join(element.itertext()).strip()
    text = element.text
    return text.strip() if text else ""


def _text_of(element: _Element | None) -> str:
    return "" if element is None else _text(element)


def _opt(element: _Element) -> str | None:
    return _text(element) or None


def _markup(element: _Element) -> str:
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


def _yes(element: _Element, attribute: str, default: bool = False) -> bool:
    value = element.get(attribute)
    return default if value is None else value == "Y"


def _pmid(text: str | None) -> PMID | None:
    try:
        return PMID(text) if text else None
    except InvalidIdentifier:
        return None


def _walk(element: _Element, handlers: dict[str, _Handler], out: dict[str, Any]) -> None:
    """Hand each child of ``element`` to the handler of its tag; unknown tags are skipped."""
    get = handlers.get
    for child in element:
        handler = get(child.tag)
        if handler is not None:
            handler(child, out)


# ---------------------------------------------------------------------- dates


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _month_of(text: str | None) -> int | None:
    if not text:
        return None
    text = text.strip()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTH_NUMBER.get(text[:3].lower())


def _date(element: _Element) -> PartialDate:
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
            return parse_medline_date(_text(child))
        elif tag == "Season" and season is None:
            season = (child.text or "").strip()
    day_number = _int(day)
    return PartialDate(
        _int(year),
        _month_of(month),
        day_number if day_number and 1 <= day_number <= 31 else None,
        _SEASON.get(season.lower(), season) if season else None,
    )


_DATE_TOKEN = re.compile(r"(\d{4})|([A-Za-z]+)|(\d{1,2})")


def _date_part(text: str, base: PartialDate | None) -> PartialDate:
    year = month = day = None
    season = None
    for year_text, word, number in _DATE_TOKEN.findall(text):
        if year_text:
            year = int(year_text)
        elif word:
            if word.lower()[:3] in _MONTH_NUMBER and month is None:
                month = _MONTH_NUMBER[word.lower()[:3]]
            elif word.lower() in _SEASON:
                season = _SEASON[word.lower()]
        elif number and month is not None and 1 <= int(number) <= 31:
            day = int(number)
        elif number and base is not None and base.month is not None and 1 <= int(number) <= 31:
            day, month = int(number), base.month  # "2001 Jan 5-12": the end shares the month
    if base is not None:
        year = year if year is not None else base.year
    return PartialDate(year=year, month=month, day=day, season=season)


def parse_medline_date(text: str) -> PartialDate:
    """Read a free-text ``MedlineDate`` (``1998 Spring``, ``2013 Dec-2014 Jan``, ``1984 Jul-Aug``,
    ``2000-2001``) into a :class:`PartialDate` with ``raw`` kept and ``end`` for ranges."""
    first, _, rest = text.partition("-")
    start = _date_part(first, None)
    end = _date_part(rest, start) if rest.strip() else None
    if end is not None and end.year is None and end.month is None and end.season is None:
        end = None
    return PartialDate(
        year=start.year,
        month=start.month,
        day=start.day,
        season=start.season,
        raw=text,
        end=end,
    )


# ---------------------------------------------------------------------- parts


def _article_ids(element: _Element) -> tuple[ArticleId, ...]:
    # Hot: a reference list holds thousands of ids per body. _text is inlined for a leaf.
    ids = []
    for child in element:
        if child.tag == "ArticleId":
            value = "".join(child.itertext()) if len(child) else child.text
            if value and (value := value.strip()):
                ids.append(_new_article_id(child.get("IdType", ""), value))
    return tuple(ids)


def _first_id(ids: tuple[ArticleId, ...], kind: str) -> str | None:
    return next((i.value for i in ids if i.kind == kind), None)


def _doi(ids: tuple[ArticleId, ...], elocations: tuple[ELocation, ...]) -> DOI | None:
    candidates = [i.value for i in ids if i.kind == "doi"]
    candidates += [e.value for e in elocations if e.kind == "doi" and e.valid]
    for value in candidates:
        try:
            return DOI(value)
        except InvalidIdentifier:
            continue
    return None


def _pmcid(ids: tuple[ArticleId, ...], other_ids: list[str]) -> PMCID | None:
    for value in [i.value for i in ids if i.kind in ("pmc", "pmcid")] + other_ids:
        try:
            return PMCID(value)
        except InvalidIdentifier:
            continue
    return None


# PubMed writes ORCIDs bare (0000-0002-1825-009X) or as a URL (https://orcid.org/...).
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])\s*$", re.IGNORECASE)


def _orcid(value: str) -> str | None:
    """The bare ``0000-0002-1825-009X`` form; an unreadable value is kept as written."""
    found = _ORCID.search(value)
    if found is None:
        return value or None
    return "-".join(found.groups()).upper()


def _identifier(element: _Element) -> str:
    return f"{element.get('Source', '')}:{_text(element)}"


def _affiliation(element: _Element) -> Affiliation | None:
    name = None
    identifiers = []
    for child in element:
        tag = child.tag
        if tag == "Affiliation":
            if name is None:
                name = _text(child)
        elif tag == "Identifier":
            identifiers.append(_identifier(child))
    return _new_affiliation(name, tuple(identifiers)) if name else None


_NAME_INDEX = {"LastName": 0, "ForeName": 1, "Initials": 2, "Suffix": 3, "CollectiveName": 4}
# Elements the DTD declares #PCDATA (no child elements): their .text is all their text.


def _author(element: _Element) -> Author:
    # Hot (tens of thousands per body): plain locals and positional arguments, no helpers
    # for leaf text.
    names: list[str | None] = [None] * 5
    seen = [False] * 5
    identifiers = []
    affiliations = []
    orcid = None
    for child in element:
        tag = child.tag
        index = _NAME_INDEX.get(tag)
        if index is not None:
            if not seen[index]:
                seen[index] = True
                value = child.text if index < 4 else _text(child)  # names are #PCDATA
                names[index] = value.strip() or None if value else None
        elif tag == "AffiliationInfo":
            affiliation = _affiliation(child)
            if affiliation is not None:
                affiliations.append(affiliation)
        elif tag == "Identifier":
            value = _text(child)
            source = child.get("Source", "")
            if orcid is None and source == "ORCID":
                orcid = _orcid(value)
            if value:
                identifiers.append(f"{source}:{value}")
    get = element.get
    contrib, valid = get("EqualContrib"), get("ValidYN")
    return _new_author(
        names[0],
        names[1],
        names[2],
        names[3],
        names[4],
        tuple(affiliations),
        orcid,
        tuple(identifiers),
        contrib == "Y",
        valid is None or valid == "Y",
    )


def _authors(element: _Element, tag: str) -> list[Author]:
    return [_author(child) for child in element.iterchildren(tag)]


def _abstract(element: _Element) -> Abstract:
    sections = []
    copyright_ = None
    seen = False
    for child in element:
        tag = child.tag
        if tag == "AbstractText":
            sections.append(
                AbstractSection(
                    text=_text(child),
                    markup=_markup(child),
                    label=child.get("Label"),
                    nlm_category=child.get("NlmCategory"),
                )
            )
        elif tag == "CopyrightInformation" and not seen:
            copyright_, seen = _opt(child), True
    return Abstract(sections=tuple(sections), copyright=copyright_)


def _comment(element: _Element) -> CommentCorrection:
    parts: dict[str, _Element] = {}
    for child in element:
        parts.setdefault(child.tag, child)
    source = parts.get("RefSource")
    pmid = parts.get("PMID")
    return CommentCorrection(
        ref_type=element.get("RefType", ""),
        ref_source=_opt(source) if source is not None else None,
        pmid=_pmid(pmid.text) if pmid is not None else None,
    )


def retraction_status(
    comments: tuple[CommentCorrection, ...], types: tuple[PublicationType, ...]
) -> RetractionStatus:
    """Retraction and correction status from ``CommentsCorrections`` and publication types.

    Shared by the XML and the MEDLINE readers, so both derive it the same way.

    Args:
        comments: the record's links (``RetractionIn``, ``ErratumIn`` ...).
        types: its publication types (``Retracted Publication`` ...).

    Returns:
        The status, with the linked PMIDs.
    """
    if not comments and not types:
        return RetractionStatus()

    def linked(*kinds: str) -> tuple[Any, ...]:
        return tuple(c.pmid for c in comments if c.ref_type in kinds and c.pmid is not None)

    retracted_by = linked("RetractionIn")
    names = {t.name for t in types}
    return RetractionStatus(
        is_retracted=bool(retracted_by) or "Retracted Publication" in names,
        retracted_by=retracted_by,
        is_retraction_notice=bool(linked("RetractionOf")) or "Retraction of Publication" in names,
        retracts=linked("RetractionOf"),
        errata=linked("ErratumIn"),
        expressions_of_concern=linked("ExpressionOfConcernIn"),
        updates=linked("UpdateIn"),
    )


def _publication_types(element: _Element) -> tuple[PublicationType, ...]:
    found = []
    for child in element.iter("PublicationType"):
        name = _text(child)
        if name:
            found.append(PublicationType(name=name, ui=child.get("UI")))
    return tuple(found)


def _references(element: _Element) -> list[Reference]:
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


def _mesh_heading(element: _Element) -> MeshHeading:
    descriptor = None
    qualifiers = []
    for child in element:
        tag = child.tag
        if tag == "DescriptorName":
            if descriptor is None:
                descriptor = child
        elif tag == "QualifierName":  # #PCDATA
            get = child.get
            qualifiers.append(
                MeshQualifier((child.text or "").strip(), get("UI"), get("MajorTopicYN") == "Y")
            )
    if descriptor is None:
        return MeshHeading("", None, False, tuple(qualifiers))
    get = descriptor.get
    return MeshHeading(
        (descriptor.text or "").strip(),  # #PCDATA
        get("UI"),
        get("MajorTopicYN") == "Y",
        tuple(qualifiers),
    )


def _chemical(element: _Element) -> Chemical:
    parts: dict[str, _Element] = {}
    for child in element:
        parts.setdefault(child.tag, child)
    name = parts.get("NameOfSubstance")
    registry = parts.get("RegistryNumber")
    return Chemical(
        name=_text(name) if name is not None else "",
        ui=name.get("UI") if name is not None else None,
        registry_number=_opt(registry) if registry is not None else None,
    )


def _grant(element: _Element) -> Grant:
    parts: dict[str, _Element] = {}
    for child in element:
        parts.setdefault(child.tag, child)
    values = [parts.get(tag) for tag in ("GrantID", "Acronym", "Agency", "Country")]
    grant_id, acronym, agency, country = (_opt(v) if v is not None else None for v in values)
    return Grant(grant_id=grant_id, acronym=acronym, agency=agency, country=country)


def _data_bank(element: _Element) -> DataBank:
    name = None
    numbers: list[str] = []
    for child in element:
        tag = child.tag
        if tag == "DataBankName":
            if name is None:
                name = _text(child)
        elif tag == "AccessionNumberList":
            numbers.extend(_text(n) for n in child if n.tag == "AccessionNumber")
    return DataBank(name=name or "", accession_numbers=tuple(numbers))


def _children(element: _Element, tag: str, build: Callable[[_Element], Any]) -> list[Any]:
    # iterchildren(tag) filters in C, without making a tag string per child.
    return [build(child) for child in element.iterchildren(tag)]


# ---------------------------------------------------------------------- handler tables
#
# Each handler stores into ``out`` under the name of the record field (or a private "_name"
# for values combined at the end). "First one wins" for single fields, as ``find`` would.


def _once(name: str, read: Callable[[_Element], Any]) -> _Handler:
    def handler(element: _Element, out: dict[str, Any]) -> None:
        if name not in out:
            out[name] = read(element)

    return handler


def _many(name: str, read: Callable[[_Element], Any]) -> _Handler:
    def handler(element: _Element, out: dict[str, Any]) -> None:
        out.setdefault(name, []).extend(read(element))

    return handler


def _title(element: _Element, out: dict[str, Any]) -> None:
    if "title" not in out:
        out["title"] = _text(element)
        out["title_markup"] = _markup(element)


def _journal_element(element: _Element, out: dict[str, Any]) -> None:
    if "_journal" in out:
        return
    out["_journal"] = True
    _walk(element, _JOURNAL, out)


def _issn(element: _Element, out: dict[str, Any]) -> None:
    out.setdefault("_issn", {})[element.get("IssnType", "")] = _text(element)


def _journal_issue(element: _Element, out: dict[str, Any]) -> None:
    if "_issue" not in out:
        out["_issue"] = True
        _walk(element, _ISSUE, out)


def _pagination(element: _Element, out: dict[str, Any]) -> None:
    if "_pagination" not in out:
        out["_pagination"] = True
        _walk(element, _PAGINATION, out)


def _elocation(element: _Element, out: dict[str, Any]) -> None:
    value = _text(element)
    if value:
        location = ELocation(
            kind=element.get("EIdType", ""), value=value, valid=_yes(element, "ValidYN", True)
        )
        out.setdefault("_elocations", []).append(location)


def _language(element: _Element, out: dict[str, Any]) -> None:
    value = _text(element)
    if value:
        out.setdefault("languages", []).append(value)


def _keywords(element: _Element, out: dict[str, Any]) -> None:
    owner = element.get("Owner")
    found = out.setdefault("keywords", [])
    for child in element:
        if child.tag == "Keyword":
            value = _text(child)
            if value:
                found.append(Keyword(text=value, owner=owner, major=_yes(child, "MajorTopicYN")))


def _other_id(element: _Element, out: dict[str, Any]) -> None:
    value = _text(element)
    if value.upper().startswith("PMC"):
        out.setdefault("_other_ids", []).append(value)


def _pmid_element(element: _Element, out: dict[str, Any]) -> None:
    if "pmid" not in out:
        out["pmid"] = PMID(_text(element))
        version = element.get("Version")
        out["pmid_version"] = int(version) if version and version.isdigit() else None


def _supplementary(element: _Element) -> list[str]:
    return [v for v in (_text(c) for c in element if c.tag == "SupplMeshName") if v]


def _history(element: _Element) -> list[HistoryDate]:
    return [
        HistoryDate(c.get("PubStatus", ""), _date(c)) for c in element.iterchildren("PubMedPubDate")
    ]


_JOURNAL: dict[str, _Handler] = {
    "ISSN": _issn,
    "JournalIssue": _journal_issue,
    "Title": _once("_journal_title", _opt),
    "ISOAbbreviation": _once("_iso", _opt),
}
_ISSUE: dict[str, _Handler] = {
    "Volume": _once("_volume", _opt),
    "Issue": _once("_issue_number", _opt),
    "PubDate": _once("pub_date", _date),
}
_PAGINATION: dict[str, _Handler] = {
    "MedlinePgn": _once("_pages", _opt),
    "StartPage": _once("_start_page", _opt),
    "EndPage": _once("_end_page", _opt),
}
_ARTICLE: dict[str, _Handler] = {
    "Journal": _journal_element,
    "ArticleTitle": _title,
    "Pagination": _pagination,
    "ELocationID": _elocation,
    "Abstract": _once("abstract", _abstract),
    "AuthorList": _many("authors", lambda e: _authors(e, "Author")),
    "Language": _language,
    "GrantList": _many("grants", lambda e: _children(e, "Grant", _grant)),
    "DataBankList": _many("data_banks", lambda e: _children(e, "DataBank", _data_bank)),
    "PublicationTypeList": _once("publication_types", _publication_types),
    "VernacularTitle": _once("vernacular_title", _opt),
    "ArticleDate": _once("article_date", _date),
}
_CITATION: dict[str, _Handler] = {
    "PMID": _pmid_element,
    "Article": _once("_article", lambda e: e),
    "MedlineJournalInfo": _once("_info", lambda e: e),
    "OtherID": _other_id,
    "KeywordList": _keywords,
    "CommentsCorrectionsList": _many(
        "comments_corrections", lambda e: _children(e, "CommentsCorrections", _comment)
    ),
    "MeshHeadingList": _many("mesh_headings", lambda e: _children(e, "MeshHeading", _mesh_heading)),
    "ChemicalList": _many("chemicals", lambda e: _children(e, "Chemical", _chemical)),
    "InvestigatorList": _many("investigators", lambda e: _authors(e, "Investigator")),
    "SupplMeshList": _many("supplementary_concepts", _supplementary),
}
_MEDLINE_JOURNAL_INFO: dict[str, _Handler] = {
    "ISSNLinking": _once("_issn_linking", _opt),
    "NlmUniqueID": _once("_nlm_unique_id", _opt),
}
_PUBMED_DATA: dict[str, _Handler] = {
    "ArticleIdList": _once("article_ids", _article_ids),
    "History": _many("history", _history),
    "PublicationStatus": _once("publication_status", _opt),
    "ReferenceList": _many("references", _references),
}
# Fields gathered as lists (a record may hold several of their containers), made tuples at
# the end.
_TUPLES = (
    "authors",
    "chemicals",
    "comments_corrections",
    "data_banks",
    "grants",
    "history",
    "investigators",
    "keywords",
    "languages",
    "mesh_headings",
    "references",
    "supplementary_concepts",
)


# ---------------------------------------------------------------------- records


def _record(element: _Element) -> PubmedRecord:
    if element.tag == "PubmedArticle":
        return _article(element)
    if element.tag == "PubmedBookArticle":
        return _book(element)
    pmids = tuple(p for p in (_pmid(_text(e)) for e in element.iter("PMID")) if p)
    return DeletedCitation(pmids=pmids)


def _article(element: _Element) -> Article:
    citation = pubmed_data = None
    for child in element:
        tag = child.tag
        if tag == "MedlineCitation" and citation is None:
            citation = child
        elif tag == "PubmedData" and pubmed_data is None:
            pubmed_data = child
    if citation is None:
        raise ValueError("PubmedArticle without MedlineCitation")
    out: dict[str, Any] = {}
    _walk(citation, _CITATION, out)
    if "pmid" not in out:
        raise ValueError("MedlineCitation without PMID")
    article = out.pop("_article", None)
    if article is not None:
        _walk(article, _ARTICLE, out)
    info = out.pop("_info", None)
    if info is not None:
        _walk(info, _MEDLINE_JOURNAL_INFO, out)
    if pubmed_data is not None:
        _walk(pubmed_data, _PUBMED_DATA, out)
    for name in _TUPLES:
        if name in out:
            out[name] = tuple(out[name])
    ids = out.get("article_ids", ())
    elocations = tuple(out.pop("_elocations", ()))
    issns = out.pop("_issn", {})
    out["journal"] = Journal(
        title=out.pop("_journal_title", None),
        iso_abbreviation=out.pop("_iso", None),
        issn_print=issns.get("Print") or None,
        issn_electronic=issns.get("Electronic") or None,
        issn_linking=out.pop("_issn_linking", None),
        nlm_unique_id=out.pop("_nlm_unique_id", None),
        volume=out.pop("_volume", None),
        issue=out.pop("_issue_number", None),
        pages=out.pop("_pages", None),
        start_page=out.pop("_start_page", None),
        end_page=out.pop("_end_page", None),
        elocations=elocations,
    )
    for private in ("_journal", "_issue", "_pagination"):
        out.pop(private, None)
    out["pmcid"] = _pmcid(ids, out.pop("_other_ids", []))
    out["doi"] = _doi(ids, elocations)
    out["pii"] = _first_id(ids, "pii") or next(
        (e.value for e in elocations if e.kind == "pii"), None
    )
    out["retraction"] = retraction_status(
        out.get("comments_corrections", ()), out.get("publication_types", ())
    )
    out["medline_status"] = citation.get("Status")
    return Article(**out)


def _author_lists(parent: _Element | None, editors: bool) -> list[Author]:
    if parent is None:
        return []
    return [
        _author(a)
        for lst in parent.findall("AuthorList")
        if (lst.get("Type") == "editors" if editors else lst.get("Type", "authors") == "authors")
        for a in lst.findall("Author")
    ]


def _book(element: _Element) -> BookArticle:
    # Book records are rare (a few in a baseline file): plain find() is clear enough here.
    document = element.find("BookDocument")
    if document is None:
        raise ValueError("PubmedBookArticle without BookDocument")
    pmid_element = document.find("PMID")
    pmid = PMID(_text(pmid_element) if pmid_element is not None else "")
    book = document.find("Book")
    ids_element = document.find("ArticleIdList")
    ids = _article_ids(ids_element) if ids_element is not None else ()
    data_ids = element.find("PubmedBookData/ArticleIdList")
    if data_ids is not None:
        ids += _article_ids(data_ids)
    title_el = document.find("ArticleTitle")
    book_title_el = book.find("BookTitle") if book is not None else None
    book_title = _opt(book_title_el) if book_title_el is not None else None
    authors = _author_lists(document, editors=False) or _author_lists(book, editors=False)
    editors = _author_lists(document, editors=True) + _author_lists(book, editors=True)
    publisher = book.find("Publisher") if book is not None else None
    publisher_parts = {c.tag: _opt(c) for c in reversed(publisher)} if publisher is not None else {}
    book_date = book.find("PubDate") if book is not None else None
    abstract = document.find("Abstract")
    return BookArticle(
        pmid=pmid,
        title=(_text(title_el) if title_el is not None else "") or (book_title or ""),
        title_markup=(_markup(title_el) if title_el is not None else "") or (book_title or ""),
        book_title=book_title,
        doi=_doi(ids, ()),
        article_ids=ids,
        abstract=_abstract(abstract) if abstract is not None else None,
        authors=tuple(authors),
        editors=tuple(editors),
        publisher=publisher_parts.get("PublisherName"),
        publisher_location=publisher_parts.get("PublisherLocation"),
        isbn=tuple(_text(e) for e in book.findall("Isbn")) if book is not None else (),
        pub_date=_date(book_date) if book_date is not None else PartialDate(),
        sections=tuple(
            title
            for section in document.iterfind("Sections/Section")
            if (title := _text_of(section.find("SectionTitle")))
        ),
        languages=tuple(_text(e) for e in document.findall("Language") if _text(e)),
        publication_types=_publication_types(document),
    )
