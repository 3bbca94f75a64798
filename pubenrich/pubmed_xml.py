"""Parse PubMed XML (efetch ``PubmedArticleSet``, baseline files) into records, streaming.

lxml's ``iterparse`` reads one record at a time and clears it when done, so memory stays flat
in the number of records. The parser never loads a DTD or an external entity, whatever the
DOCTYPE says (``no_network``, ``load_dtd=False``, ``resolve_entities=False``): NCBI moves to a
new dated DTD every year, and a parser that needs it offline breaks. libxml2's own limits stop
entity-expansion bombs. Chosen over ``Bio.Entrez`` (which fetches unbundled DTDs) and the
standard library by measurement: see ``benchmarks/bench_parse.py``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from pubenrich.errors import InvalidIdentifier, ParseError
from pubenrich.identifiers import DOI, PMCID, PMID
from pubenrich.records import (
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

__all__ = ["parse_medline_date", "parse_pubmed_xml"]

_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")
_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(MONTHS, start=1)}
_SEASON = {s.lower(): s for s in SEASONS}

Source = bytes | str | os.PathLike[str] | IO[bytes]


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
    last = "before the first record"
    try:
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=_TAGS,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        )
        for _, element in events:
            try:
                record = _record(element)
            except (InvalidIdentifier, ValueError) as exc:
                raise ParseError(f"invalid record: {exc}", record=f"after {last}") from exc
            if isinstance(record, DeletedCitation):
                last = "a DeleteCitation"
            else:
                last = f"PMID {record.pmid.value}"
            # Free what is parsed: the element, and the siblings already handed out.
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
            yield record
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"malformed PubMed XML: {exc}", record=f"after {last}") from exc
    finally:
        if close:
            stream.close()


def _open(source: Source) -> tuple[IO[bytes], bool]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), True
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return io.BytesIO(source.encode("utf-8")), True
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb"), True  # closed by the generator
        except OSError as exc:
            raise ParseError(f"cannot read {os.fspath(source)!r}: {exc}") from exc
    return source, False


# ---------------------------------------------------------------------- text helpers


def _text(element: etree._Element | None) -> str:
    """The text content, every descendant's text included, outer white space trimmed."""
    if element is None:
        return ""
    return "".join(str(t) for t in element.itertext()).strip()


def _opt(element: etree._Element | None) -> str | None:
    return _text(element) or None


def _markup(element: etree._Element | None) -> str:
    """The content with inline tags (``<i>``, ``<sup>``, MathML) kept as written."""
    if element is None:
        return ""
    inner = (element.text or "") + "".join(
        etree.tostring(child, encoding="unicode", with_tail=True) for child in element
    )
    return inner.strip()


def _yes(element: etree._Element | None, attribute: str, default: bool = False) -> bool:
    if element is None or element.get(attribute) is None:
        return default
    return element.get(attribute) == "Y"


def _pmid(text: str | None) -> PMID | None:
    try:
        return PMID(text) if text else None
    except InvalidIdentifier:
        return None


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


def _date(element: etree._Element | None) -> PartialDate | None:
    """A structured date (``Year``/``Month``/``Day``/``Season``) or a ``MedlineDate``."""
    if element is None:
        return None
    medline = element.find("MedlineDate")
    if medline is not None:
        return parse_medline_date(_text(medline))
    day = _int(element.findtext("Day"))
    season = element.findtext("Season")
    return PartialDate(
        year=_int(element.findtext("Year")),
        month=_month_of(element.findtext("Month")),
        day=day if day and 1 <= day <= 31 else None,
        season=_SEASON.get(season.strip().lower(), season.strip()) if season else None,
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


# ---------------------------------------------------------------------- records


def _record(element: etree._Element) -> PubmedRecord:
    if element.tag == "PubmedArticle":
        return _article(element)
    if element.tag == "PubmedBookArticle":
        return _book(element)
    pmids = tuple(p for p in (_pmid(_text(e)) for e in element.iter("PMID")) if p)
    return DeletedCitation(pmids=pmids)


def _article_ids(element: etree._Element | None) -> tuple[ArticleId, ...]:
    if element is None:
        return ()
    return tuple(
        ArticleId(kind=e.get("IdType", ""), value=_text(e))
        for e in element.findall("ArticleId")
        if _text(e)
    )


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


def _author(element: etree._Element) -> Author:
    identifiers = tuple(
        f"{e.get('Source', '')}:{_text(e)}" for e in element.findall("Identifier") if _text(e)
    )
    orcid = next(
        (_text(e) for e in element.findall("Identifier") if e.get("Source") == "ORCID"), None
    )
    affiliations = tuple(
        Affiliation(
            name=_text(info.find("Affiliation")),
            identifiers=tuple(
                f"{e.get('Source', '')}:{_text(e)}" for e in info.findall("Identifier")
            ),
        )
        for info in element.findall("AffiliationInfo")
        if _text(info.find("Affiliation"))
    )
    return Author(
        last_name=_opt(element.find("LastName")),
        fore_name=_opt(element.find("ForeName")),
        initials=_opt(element.find("Initials")),
        suffix=_opt(element.find("Suffix")),
        collective_name=_opt(element.find("CollectiveName")),
        affiliations=affiliations,
        orcid=orcid,
        identifiers=identifiers,
        equal_contrib=_yes(element, "EqualContrib"),
        valid=_yes(element, "ValidYN", default=True),
    )


def _abstract(element: etree._Element | None) -> Abstract | None:
    if element is None:
        return None
    sections = tuple(
        AbstractSection(
            text=_text(e),
            markup=_markup(e),
            label=e.get("Label"),
            nlm_category=e.get("NlmCategory"),
        )
        for e in element.findall("AbstractText")
    )
    return Abstract(sections=sections, copyright=_opt(element.find("CopyrightInformation")))


def _comments(citation: etree._Element) -> tuple[CommentCorrection, ...]:
    return tuple(
        CommentCorrection(
            ref_type=e.get("RefType", ""),
            ref_source=_opt(e.find("RefSource")),
            pmid=_pmid(e.findtext("PMID")),
        )
        for e in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")
    )


def _retraction(
    comments: tuple[CommentCorrection, ...], types: tuple[PublicationType, ...]
) -> RetractionStatus:
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


def _publication_types(parent: etree._Element | None) -> tuple[PublicationType, ...]:
    if parent is None:
        return ()
    return tuple(
        PublicationType(name=_text(e), ui=e.get("UI"))
        for e in parent.iter("PublicationType")
        if _text(e)
    )


def _references(pubmed_data: etree._Element | None) -> tuple[Reference, ...]:
    if pubmed_data is None:
        return ()
    return tuple(
        Reference(
            citation=_text(e.find("Citation")), article_ids=_article_ids(e.find("ArticleIdList"))
        )
        for e in pubmed_data.iterfind("ReferenceList/Reference")
    )


def _article(element: etree._Element) -> Article:
    citation = element.find("MedlineCitation")
    if citation is None:
        raise ValueError("PubmedArticle without MedlineCitation")
    pmid_element = citation.find("PMID")
    pmid = PMID(_text(pmid_element))
    article = citation.find("Article")
    if article is None:
        article = etree.Element("Article")
    pubmed_data = element.find("PubmedData")
    ids = _article_ids(pubmed_data.find("ArticleIdList") if pubmed_data is not None else None)
    journal_el = article.find("Journal")
    issue = journal_el.find("JournalIssue") if journal_el is not None else None
    elocations = tuple(
        ELocation(kind=e.get("EIdType", ""), value=_text(e), valid=_yes(e, "ValidYN", True))
        for e in article.findall("ELocationID")
        if _text(e)
    )
    issns = {
        e.get("IssnType", ""): _text(e)
        for e in (journal_el.findall("ISSN") if journal_el is not None else [])
    }
    info = citation.find("MedlineJournalInfo")
    journal = Journal(
        title=_opt(journal_el.find("Title")) if journal_el is not None else None,
        iso_abbreviation=_opt(journal_el.find("ISOAbbreviation"))
        if journal_el is not None
        else None,
        issn_print=issns.get("Print") or None,
        issn_electronic=issns.get("Electronic") or None,
        issn_linking=_opt(info.find("ISSNLinking")) if info is not None else None,
        nlm_unique_id=_opt(info.find("NlmUniqueID")) if info is not None else None,
        volume=_opt(issue.find("Volume")) if issue is not None else None,
        issue=_opt(issue.find("Issue")) if issue is not None else None,
        pages=_opt(article.find("Pagination/MedlinePgn")),
        start_page=_opt(article.find("Pagination/StartPage")),
        end_page=_opt(article.find("Pagination/EndPage")),
        elocations=elocations,
    )
    other_ids = [
        _text(e) for e in citation.findall("OtherID") if _text(e).upper().startswith("PMC")
    ]
    types = _publication_types(article.find("PublicationTypeList"))
    comments = _comments(citation)
    article_dates = [_date(e) for e in article.findall("ArticleDate")]
    title_el = article.find("ArticleTitle")
    version = pmid_element.get("Version") if pmid_element is not None else None
    return Article(
        pmid=pmid,
        pmid_version=int(version) if version and version.isdigit() else None,
        pmcid=_pmcid(ids, other_ids),
        doi=_doi(ids, elocations),
        pii=_first_id(ids, "pii") or next((e.value for e in elocations if e.kind == "pii"), None),
        article_ids=ids,
        title=_text(title_el),
        title_markup=_markup(title_el),
        vernacular_title=_opt(article.find("VernacularTitle")),
        abstract=_abstract(article.find("Abstract")),
        authors=tuple(_author(e) for e in article.iterfind("AuthorList/Author")),
        investigators=tuple(_author(e) for e in citation.iterfind("InvestigatorList/Investigator")),
        journal=journal,
        pub_date=_date(issue.find("PubDate") if issue is not None else None) or PartialDate(),
        article_date=next((d for d in article_dates if d is not None), None),
        history=tuple(
            HistoryDate(status=e.get("PubStatus", ""), date=_date(e) or PartialDate())
            for e in (
                pubmed_data.iterfind("History/PubMedPubDate") if pubmed_data is not None else []
            )
        ),
        publication_status=_opt(pubmed_data.find("PublicationStatus"))
        if pubmed_data is not None
        else None,
        languages=tuple(_text(e) for e in article.findall("Language") if _text(e)),
        publication_types=types,
        mesh_headings=tuple(
            MeshHeading(
                descriptor=_text(h.find("DescriptorName")),
                descriptor_ui=h.find("DescriptorName").get("UI")  # type: ignore[union-attr]
                if h.find("DescriptorName") is not None
                else None,
                major=_yes(h.find("DescriptorName"), "MajorTopicYN"),
                qualifiers=tuple(
                    MeshQualifier(name=_text(q), ui=q.get("UI"), major=_yes(q, "MajorTopicYN"))
                    for q in h.findall("QualifierName")
                ),
            )
            for h in citation.iterfind("MeshHeadingList/MeshHeading")
        ),
        chemicals=tuple(
            Chemical(
                name=_text(c.find("NameOfSubstance")),
                ui=c.find("NameOfSubstance").get("UI")  # type: ignore[union-attr]
                if c.find("NameOfSubstance") is not None
                else None,
                registry_number=_opt(c.find("RegistryNumber")),
            )
            for c in citation.iterfind("ChemicalList/Chemical")
        ),
        keywords=tuple(
            Keyword(text=_text(k), owner=kl.get("Owner"), major=_yes(k, "MajorTopicYN"))
            for kl in citation.findall("KeywordList")
            for k in kl.findall("Keyword")
            if _text(k)
        ),
        grants=tuple(
            Grant(
                grant_id=_opt(g.find("GrantID")),
                acronym=_opt(g.find("Acronym")),
                agency=_opt(g.find("Agency")),
                country=_opt(g.find("Country")),
            )
            for g in article.iterfind("GrantList/Grant")
        ),
        supplementary_concepts=tuple(
            _text(s) for s in citation.iterfind("SupplMeshList/SupplMeshName") if _text(s)
        ),
        data_banks=tuple(
            DataBank(
                name=_text(d.find("DataBankName")),
                accession_numbers=tuple(
                    _text(a) for a in d.iterfind("AccessionNumberList/AccessionNumber")
                ),
            )
            for d in article.iterfind("DataBankList/DataBank")
        ),
        references=_references(pubmed_data),
        comments_corrections=comments,
        retraction=_retraction(comments, types),
        medline_status=citation.get("Status"),
    )


def _book(element: etree._Element) -> BookArticle:
    document = element.find("BookDocument")
    if document is None:
        raise ValueError("PubmedBookArticle without BookDocument")
    pmid = PMID(_text(document.find("PMID")))
    book = document.find("Book")
    pubmed_data = element.find("PubmedBookData")
    ids = _article_ids(document.find("ArticleIdList"))
    if pubmed_data is not None:
        ids += _article_ids(pubmed_data.find("ArticleIdList"))
    title_el = document.find("ArticleTitle")
    book_title = _opt(book.find("BookTitle")) if book is not None else None
    authors = [
        _author(a)
        for lst in document.findall("AuthorList")
        if lst.get("Type", "authors") == "authors"
        for a in lst.findall("Author")
    ]
    editors = [
        _author(a)
        for parent in (document, book)
        if parent is not None
        for lst in parent.findall("AuthorList")
        if lst.get("Type") == "editors"
        for a in lst.findall("Author")
    ]
    if not authors and book is not None:
        authors = [
            _author(a)
            for lst in book.findall("AuthorList")
            if lst.get("Type", "authors") == "authors"
            for a in lst.findall("Author")
        ]
    types = _publication_types(document)
    return BookArticle(
        pmid=pmid,
        title=_text(title_el) or (book_title or ""),
        title_markup=_markup(title_el) or (book_title or ""),
        book_title=book_title,
        doi=_doi(ids, ()),
        article_ids=ids,
        abstract=_abstract(document.find("Abstract")),
        authors=tuple(authors),
        editors=tuple(editors),
        publisher=_opt(book.find("Publisher/PublisherName")) if book is not None else None,
        publisher_location=_opt(book.find("Publisher/PublisherLocation"))
        if book is not None
        else None,
        isbn=tuple(_text(e) for e in book.findall("Isbn")) if book is not None else (),
        pub_date=(_date(book.find("PubDate")) if book is not None else None) or PartialDate(),
        sections=tuple(
            _text(s.find("SectionTitle"))
            for s in document.iterfind("Sections/Section")
            if _text(s.find("SectionTitle"))
        ),
        languages=tuple(_text(e) for e in document.findall("Language") if _text(e)),
        publication_types=types,
    )
