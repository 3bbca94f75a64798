"""Build an :class:`Article`, a :class:`BookArticle` or a :class:`DeletedCitation` from the
element of one PubMed record.

An article's fields are gathered by walking each container once with a table of handlers (see
:mod:`.elements`), then combined: the journal, the PMC and DOI ids, the retraction status.
"""

from __future__ import annotations

from typing import Any

import attrs

from pubenrich.errors import InvalidIdentifier
from pubenrich.formats.pubmed_xml.book import read_book
from pubenrich.formats.pubmed_xml.elements import (
    Element,
    Handler,
    children,
    first,
    is_yes,
    many,
    markup,
    new_article_id,
    new_elocation,
    new_history_date,
    new_keyword,
    once,
    once_text,
    optional_text,
    pmid_or_none,
    read_abstract,
    read_article_ids,
    read_authors,
    read_date,
    read_references,
    text_of,
    walk,
)
from pubenrich.formats.pubmed_xml.indexing import (
    read_chemical,
    read_comment,
    read_data_bank,
    read_grant,
    read_mesh_heading,
    read_publication_types,
)
from pubenrich.formats.pubmed_xml.journal import read_journal
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import (
    Abstract,
    Affiliation,
    Article,
    ArticleId,
    DeletedCitation,
    ELocation,
    HistoryDate,
    PubmedRecord,
    retraction_status,
)

__all__ = ["read_record"]


def read_record(element: Element) -> PubmedRecord:
    """The record of a ``PubmedArticle``, ``PubmedBookArticle`` or ``DeleteCitation`` element."""
    if element.tag == "PubmedArticle":
        return _article(element)
    if element.tag == "PubmedBookArticle":
        return read_book(element)
    pmids = tuple(p for p in (pmid_or_none(text_of(e)) for e in element.iter("PMID")) if p)
    return DeletedCitation(pmids=pmids)


def _article(element: Element) -> Article:
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
    walk(citation, _CITATION, out)
    if "pmid" not in out:
        raise ValueError("MedlineCitation without PMID")
    article = out.pop("_article", None)
    if article is not None:
        walk(article, _ARTICLE, out)
        out["pub_model"] = article.get("PubModel") or None
        _first_author_affiliation(out, out.pop("_affiliation", None))
    if pubmed_data is not None:
        walk(pubmed_data, _PUBMED_DATA, out)
    for name in _TUPLES:
        if name in out:
            out[name] = tuple(out[name])
    ids = out.get("article_ids", ())
    elocations = tuple(out.pop("_elocations", ()))
    out["journal"], pub_date = read_journal(
        out.pop("_journal", None), out.pop("_pagination", None), out.pop("_info", None), elocations
    )
    if pub_date is not None:
        out["pub_date"] = pub_date
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


# ---------------------------------------------------------------------- handler tables


def _title(element: Element, out: dict[str, Any]) -> None:
    if "title" not in out:
        out["title"] = text_of(element)
        out["title_markup"] = markup(element)


def _elocation(element: Element, out: dict[str, Any]) -> None:
    value = text_of(element)
    if value:
        location = new_elocation(
            element.get("EIdType", ""), value, is_yes(element, "ValidYN", True)
        )
        out.setdefault("_elocations", []).append(location)


def _keywords(element: Element, out: dict[str, Any]) -> None:
    owner = element.get("Owner")
    found = out.setdefault("keywords", [])
    for child in element:
        if child.tag == "Keyword":
            value = text_of(child)
            if value:
                found.append(new_keyword(value, owner, is_yes(child, "MajorTopicYN")))


def _other_id(element: Element, out: dict[str, Any]) -> None:
    value = text_of(element)
    if value:
        out.setdefault("other_ids", []).append(new_article_id(element.get("Source", ""), value))
    if value.upper().startswith("PMC"):
        out.setdefault("_other_ids", []).append(value)


def _texts(name: str) -> Handler:
    """A handler adding the element's text, when it has some, to the list under ``name``."""

    def handler(element: Element, out: dict[str, Any]) -> None:
        value = text_of(element)
        if value:
            out.setdefault(name, []).append(value)

    return handler


def _other_abstract(element: Element) -> list[Abstract]:
    abstract = read_abstract(element)
    return [attrs.evolve(abstract, kind=element.get("Type"), language=element.get("Language"))]


def _number(element: Element) -> int | None:
    value = text_of(element)
    return int(value) if value.isdigit() else None


def _first_author_affiliation(out: dict[str, Any], element: Element | None) -> None:
    """Before 2014 PubMed gave one ``Article/Affiliation``, the first author's (NLM's rule
    then): it goes to that author unless the author has affiliations of their own."""
    value = optional_text(element) if element is not None else None
    authors = out.get("authors")
    if value and authors and not authors[0].affiliations:
        authors[0] = attrs.evolve(authors[0], affiliations=(Affiliation(value),))


def _pmid_element(element: Element, out: dict[str, Any]) -> None:
    if "pmid" not in out:
        out["pmid"] = PMID(text_of(element))
        version = element.get("Version")
        out["pmid_version"] = int(version) if version and version.isdigit() else None


def _supplementary(element: Element) -> list[str]:
    return [v for v in (text_of(c) for c in element if c.tag == "SupplMeshName") if v]


def _history(element: Element) -> list[HistoryDate]:
    return [
        new_history_date(c.get("PubStatus", ""), read_date(c))
        for c in element.iterchildren("PubMedPubDate")
    ]


def _text_or_empty(element: Element | None) -> str:
    return "" if element is None else text_of(element)


_ARTICLE: dict[str, Handler] = {
    "Journal": first("_journal"),
    "ArticleTitle": _title,
    "Pagination": first("_pagination"),
    "ELocationID": _elocation,
    "Abstract": once("abstract", read_abstract),
    "AuthorList": many("authors", lambda e: read_authors(e, "Author")),
    "Language": _texts("languages"),
    "GrantList": many("grants", lambda e: children(e, "Grant", read_grant)),
    "DataBankList": many("data_banks", lambda e: children(e, "DataBank", read_data_bank)),
    "PublicationTypeList": once("publication_types", read_publication_types),
    "VernacularTitle": once_text("vernacular_title"),
    "ArticleDate": once("article_date", read_date),
    "Affiliation": first("_affiliation"),  # DTDs before 2014 only
}
_CITATION: dict[str, Handler] = {
    "PMID": _pmid_element,
    "Article": first("_article"),
    "MedlineJournalInfo": first("_info"),
    "OtherID": _other_id,
    "KeywordList": _keywords,
    "CommentsCorrectionsList": many(
        "comments_corrections", lambda e: children(e, "CommentsCorrections", read_comment)
    ),
    "MeshHeadingList": many(
        "mesh_headings", lambda e: children(e, "MeshHeading", read_mesh_heading)
    ),
    "ChemicalList": many("chemicals", lambda e: children(e, "Chemical", read_chemical)),
    "InvestigatorList": many("investigators", lambda e: read_authors(e, "Investigator")),
    "SupplMeshList": many("supplementary_concepts", _supplementary),
    "DateCompleted": once("date_completed", read_date),
    "DateRevised": once("date_revised", read_date),
    "CitationSubset": _texts("citation_subsets"),
    "OtherAbstract": many("other_abstracts", _other_abstract),
    "CoiStatement": once_text("coi_statement"),
    "GeneralNote": _texts("general_notes"),
    "NumberOfReferences": once("number_of_references", _number),
    "PersonalNameSubjectList": many(
        "personal_name_subjects", lambda e: read_authors(e, "PersonalNameSubject")
    ),
    "SpaceFlightMission": _texts("space_flight_missions"),
    "GeneSymbolList": many("gene_symbols", lambda e: [v for v in map(text_of, e) if v]),
}
_PUBMED_DATA: dict[str, Handler] = {
    "ArticleIdList": once("article_ids", read_article_ids),
    "History": many("history", _history),
    "PublicationStatus": once_text("publication_status"),
    "ReferenceList": many("references", read_references),
}
# Fields gathered as lists (a record may hold several of their containers), made tuples at
# the end.
_TUPLES = (
    "authors",
    "chemicals",
    "citation_subsets",
    "general_notes",
    "gene_symbols",
    "other_abstracts",
    "other_ids",
    "personal_name_subjects",
    "space_flight_missions",
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
