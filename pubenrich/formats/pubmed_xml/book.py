"""Build a :class:`BookArticle` from a ``PubmedBookArticle`` element (NCBI Bookshelf).

Book records are rare (a few in a baseline file), so plain ``find`` is clear enough here; the
article reader's handler tables are for the hot path.
"""

from __future__ import annotations

from typing import Any

from pubenrich.errors import InvalidIdentifier
from pubenrich.formats.pubmed_xml.elements import (
    Element,
    children,
    markup,
    optional_text,
    read_abstract,
    read_article_ids,
    read_author,
    read_authors,
    read_date,
    read_references,
    text_of,
)
from pubenrich.formats.pubmed_xml.indexing import (
    read_grant,
    read_publication_types,
)
from pubenrich.model.dates import PartialDate
from pubenrich.model.identifiers import DOI, PMID
from pubenrich.model.records import (
    ArticleId,
    Author,
    BookArticle,
    HistoryDate,
    Keyword,
)

__all__ = ["read_book"]

# The Book's single text fields and the BookArticle field each fills.
_BOOK_TEXTS = {
    "Volume": "volume",
    "VolumeTitle": "volume_title",
    "Edition": "edition",
    "CollectionTitle": "collection_title",
    "Medium": "medium",
    "ReportNumber": "report_number",
}


def read_book(element: Element) -> BookArticle:
    """The record of a ``PubmedBookArticle``: the chapter (or whole book) and its book."""
    document = element.find("BookDocument")
    if document is None:
        raise ValueError("PubmedBookArticle without BookDocument")
    pmid_element = document.find("PMID")
    pmid = PMID(text_of(pmid_element) if pmid_element is not None else "")
    book = document.find("Book")
    ids_element = document.find("ArticleIdList")
    ids = read_article_ids(ids_element) if ids_element is not None else ()
    data = element.find("PubmedBookData")
    data_ids = data.find("ArticleIdList") if data is not None else None
    if data_ids is not None:
        ids += read_article_ids(data_ids)
    title_el = document.find("ArticleTitle")
    book_title = _text(book, "BookTitle")
    authors = _author_lists(document, editors=False) or _author_lists(book, editors=False)
    editors = _author_lists(document, editors=True) + _author_lists(book, editors=True)
    publisher = book.find("Publisher") if book is not None else None
    abstract = document.find("Abstract")
    parts: dict[str, Any] = {name: _text(book, tag) for tag, name in _BOOK_TEXTS.items()}
    parts.update(_document_parts(document, data))
    return BookArticle(
        pmid=pmid,
        title=(text_of(title_el) if title_el is not None else "") or (book_title or ""),
        title_markup=(markup(title_el) if title_el is not None else "") or (book_title or ""),
        book_title=book_title,
        doi=_doi(ids),
        article_ids=ids,
        abstract=read_abstract(abstract) if abstract is not None else None,
        authors=tuple(authors),
        editors=tuple(editors),
        publisher=_text(publisher, "PublisherName"),
        publisher_location=_text(publisher, "PublisherLocation"),
        isbn=tuple(v for v in (text_of(e) for e in _all(book, "Isbn")) if v),
        pub_date=_date(book, "PubDate") or PartialDate(),
        sections=tuple(
            title
            for section in document.iterfind("Sections/Section")
            if (title := _text(section, "SectionTitle"))
        ),
        languages=tuple(v for v in (text_of(e) for e in document.findall("Language")) if v),
        publication_types=read_publication_types(document),
        **parts,
    )


def _document_parts(document: Element, data: Element | None) -> dict[str, Any]:
    """The chapter's own fields beyond title and people, and PubMed's data on it."""
    label = document.find("LocationLabel")
    investigators = document.find("InvestigatorList")
    grants = document.find("GrantList")
    history = data.find("History") if data is not None else None
    return {
        "location_label": optional_text(label) if label is not None else None,
        "investigators": tuple(read_authors(investigators, "Investigator"))
        if investigators is not None
        else (),
        "keywords": tuple(
            Keyword(value, kw_list.get("Owner"), kw.get("MajorTopicYN") == "Y")
            for kw_list in document.findall("KeywordList")
            for kw in kw_list.iterchildren("Keyword")
            if (value := text_of(kw))
        ),
        "grants": tuple(children(grants, "Grant", read_grant)) if grants is not None else (),
        "references": tuple(
            r for lst in document.findall("ReferenceList") for r in read_references(lst)
        ),
        "history": tuple(
            HistoryDate(c.get("PubStatus", ""), read_date(c))
            for c in history.iterchildren("PubMedPubDate")
        )
        if history is not None
        else (),
        "publication_status": _text(data, "PublicationStatus"),
        "contribution_date": _date(document, "ContributionDate"),
        "date_revised": _date(document, "DateRevised"),
    }


def _all(parent: Element | None, tag: str) -> list[Element]:
    return [] if parent is None else list(parent.iterchildren(tag))


def _text(parent: Element | None, tag: str) -> str | None:
    found = parent.find(tag) if parent is not None else None
    return optional_text(found) if found is not None else None


def _date(parent: Element | None, tag: str) -> PartialDate | None:
    found = parent.find(tag) if parent is not None else None
    return read_date(found) if found is not None else None


def _author_lists(parent: Element | None, editors: bool) -> list[Author]:
    if parent is None:
        return []
    return [
        read_author(a)
        for lst in parent.findall("AuthorList")
        if (lst.get("Type") == "editors" if editors else lst.get("Type", "authors") == "authors")
        for a in lst.findall("Author")
    ]


def _doi(ids: tuple[ArticleId, ...]) -> DOI | None:
    for value in (i.value for i in ids if i.kind == "doi"):
        try:
            return DOI(value)
        except InvalidIdentifier:
            continue
    return None
