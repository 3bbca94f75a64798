"""The canonical records pubenrich returns: frozen, slotted attrs classes.

Records are built once from parsed values (never lazy views over XML) and change only through
``attrs.evolve``. ``to_dict()`` gives a JSON-safe dict with stable field names plus ``"type"``
and ``"schema"``; ``record_from_dict`` reads it back. A dict of another schema version is
refused (``ParseError``), so a cache of old records is invalidated, never misread. The dict
form (and ``SCHEMA_VERSION``) is :mod:`pubenrich.model.codec`'s, dates are
:mod:`pubenrich.model.dates`'s; both names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeAlias

import attrs

from pubenrich.errors import InvalidIdentifier, ParseError
from pubenrich.model.codec import SCHEMA_VERSION, Serializable
from pubenrich.model.dates import PartialDate
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.retraction import CommentCorrection, RetractionStatus, retraction_status

__all__ = [
    "SCHEMA_VERSION",
    "Abstract",
    "AbstractSection",
    "Affiliation",
    "Article",
    "ArticleId",
    "Author",
    "BookArticle",
    "Chemical",
    "CommentCorrection",
    "DataBank",
    "DeletedCitation",
    "ELocation",
    "Grant",
    "HistoryDate",
    "Journal",
    "Keyword",
    "MeshHeading",
    "MeshQualifier",
    "PartialDate",
    "PublicationType",
    "PubmedRecord",
    "Reference",
    "RetractionStatus",
    "record_from_dict",
    "retraction_status",
]


@attrs.frozen
class ArticleId:
    """One ``ArticleId``: its ``IdType`` (``doi``, ``pii``, ``pmc``, ``mid`` ...) and value."""

    kind: str
    value: str


@attrs.frozen
class ELocation:
    """An electronic location (``ELocationID``): ``doi`` or ``pii``, and PubMed's validity flag."""

    kind: str
    value: str
    valid: bool = True


@attrs.frozen
class Affiliation:
    """An author's affiliation and its identifiers (ROR, GRID, ISNI ...)."""

    name: str
    identifiers: tuple[str, ...] = ()


@attrs.frozen
class Author:
    """A person (``last_name`` ...) or a group (``collective_name``), in PubMed's order."""

    last_name: str | None = None
    fore_name: str | None = None
    initials: str | None = None
    suffix: str | None = None
    collective_name: str | None = None
    affiliations: tuple[Affiliation, ...] = ()
    orcid: str | None = None
    identifiers: tuple[str, ...] = ()
    equal_contrib: bool = False
    valid: bool = True

    @property
    def display_name(self) -> str:
        """``Last FI`` as PubMed shows authors, or the group's name."""
        if self.collective_name:
            return self.collective_name
        parts = [self.last_name or "", self.initials or ""]
        name = " ".join(p for p in parts if p)
        return f"{name} {self.suffix}" if self.suffix else name


@attrs.frozen
class Journal:
    """Where an article appeared.

    ``country`` (where the journal is published), ``medline_ta`` (NLM's title abbreviation,
    ``J Biol Chem``), ``nlm_unique_id`` and ``issn_linking`` are PubMed's
    ``MedlineJournalInfo``; ``cited_medium`` is the issue's ``Internet`` or ``Print``.
    """

    title: str | None = None
    iso_abbreviation: str | None = None
    issn_print: str | None = None
    issn_electronic: str | None = None
    issn_linking: str | None = None
    nlm_unique_id: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    start_page: str | None = None
    end_page: str | None = None
    elocations: tuple[ELocation, ...] = ()
    country: str | None = None
    medline_ta: str | None = None
    cited_medium: str | None = None


@attrs.frozen
class AbstractSection:
    """One ``AbstractText``: its label and NLM category (structured abstracts), plain text and
    the text with its inline markup kept."""

    text: str
    markup: str
    label: str | None = None
    nlm_category: str | None = None


@attrs.frozen
class Abstract:
    """An abstract as ordered sections, with its copyright line.

    ``kind`` and ``language`` are set for an ``OtherAbstract`` only: who wrote it (``AAMC``,
    ``NASA``, ``Publisher`` ...) and its language when it is not the article's.
    """

    sections: tuple[AbstractSection, ...] = ()
    copyright: str | None = None
    kind: str | None = None
    language: str | None = None

    @property
    def text(self) -> str:
        """Plain text, sections joined by blank lines, each prefixed with its label."""
        return "\n\n".join(
            f"{s.label}: {s.text}" if s.label else s.text for s in self.sections if s.text
        )


@attrs.frozen
class PublicationType:
    """A publication type and its MeSH UI (``Review``, ``D016454``)."""

    name: str
    ui: str | None = None


@attrs.frozen
class MeshQualifier:
    """A MeSH qualifier (subheading) of a heading."""

    name: str
    ui: str | None = None
    major: bool = False


@attrs.frozen
class MeshHeading:
    """A MeSH heading: descriptor, its UI and major-topic flag, and qualifiers."""

    descriptor: str
    descriptor_ui: str | None = None
    major: bool = False
    qualifiers: tuple[MeshQualifier, ...] = ()


@attrs.frozen
class Chemical:
    """A substance of the chemical list."""

    name: str
    ui: str | None = None
    registry_number: str | None = None


@attrs.frozen
class Keyword:
    """A keyword, its owner (``NOTNLM`` = the author's) and major-topic flag."""

    text: str
    owner: str | None = None
    major: bool = False


@attrs.frozen
class Grant:
    """A grant: id, acronym, agency, country."""

    grant_id: str | None = None
    acronym: str | None = None
    agency: str | None = None
    country: str | None = None


@attrs.frozen
class DataBank:
    """A data bank (``ClinicalTrials.gov``, ``GENBANK`` ...) and its accession numbers."""

    name: str
    accession_numbers: tuple[str, ...] = ()


@attrs.frozen
class Reference:
    """An entry of the article's reference list: its citation text and article ids."""

    citation: str
    article_ids: tuple[ArticleId, ...] = ()

    @property
    def pmid(self) -> PMID | None:
        """The cited paper's PMID, when PubMed links it."""
        for article_id in self.article_ids:
            if article_id.kind == "pubmed":
                try:
                    return PMID(article_id.value)
                except InvalidIdentifier:
                    return None
        return None


@attrs.frozen
class HistoryDate:
    """A step of the record's history (``received``, ``accepted``, ``pubmed`` ...)."""

    status: str
    date: PartialDate


@attrs.frozen
class Article(Serializable):
    """A PubMed article (``PubmedArticle``): ids, text, people, journal, dates and indexing.

    ``docs/pubmed-dtd.md`` says which PubMed XML element each field comes from. Among the
    later fields: ``pub_model`` (``Print-Electronic`` ...), ``citation_subsets`` (``IM`` ...),
    ``other_ids`` (``OtherID`` by its ``Source``), ``other_abstracts`` (``OtherAbstract``),
    ``personal_name_subjects`` (people the article is about).
    """

    record_type: ClassVar[str] = "article"

    pmid: PMID
    title: str = ""
    title_markup: str = ""
    pmid_version: int | None = None
    pmcid: PMCID | None = None
    doi: DOI | None = None
    pii: str | None = None
    article_ids: tuple[ArticleId, ...] = ()
    vernacular_title: str | None = None
    abstract: Abstract | None = None
    authors: tuple[Author, ...] = ()
    investigators: tuple[Author, ...] = ()
    journal: Journal = attrs.field(factory=Journal)
    pub_date: PartialDate = attrs.field(factory=PartialDate)
    article_date: PartialDate | None = None
    history: tuple[HistoryDate, ...] = ()
    publication_status: str | None = None
    languages: tuple[str, ...] = ()
    publication_types: tuple[PublicationType, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    chemicals: tuple[Chemical, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    grants: tuple[Grant, ...] = ()
    supplementary_concepts: tuple[str, ...] = ()
    data_banks: tuple[DataBank, ...] = ()
    references: tuple[Reference, ...] = ()
    comments_corrections: tuple[CommentCorrection, ...] = ()
    retraction: RetractionStatus = attrs.field(factory=RetractionStatus)
    medline_status: str | None = None
    pub_model: str | None = None
    date_completed: PartialDate | None = None
    date_revised: PartialDate | None = None
    citation_subsets: tuple[str, ...] = ()
    other_ids: tuple[ArticleId, ...] = ()
    other_abstracts: tuple[Abstract, ...] = ()
    coi_statement: str | None = None
    general_notes: tuple[str, ...] = ()
    number_of_references: int | None = None
    personal_name_subjects: tuple[Author, ...] = ()
    space_flight_missions: tuple[str, ...] = ()
    gene_symbols: tuple[str, ...] = ()


@attrs.frozen
class BookArticle(Serializable):
    """A PubMed book or book chapter (``PubmedBookArticle``), named like :class:`Article`.

    ``volume``, ``edition``, ``collection_title``, ``medium`` and ``report_number`` are the
    ``Book``'s; ``location_label`` is the chapter's place in it; ``contribution_date`` when
    the chapter was written.
    """

    record_type: ClassVar[str] = "book"

    pmid: PMID
    title: str = ""
    title_markup: str = ""
    book_title: str | None = None
    pmcid: PMCID | None = None
    doi: DOI | None = None
    article_ids: tuple[ArticleId, ...] = ()
    abstract: Abstract | None = None
    authors: tuple[Author, ...] = ()
    editors: tuple[Author, ...] = ()
    publisher: str | None = None
    publisher_location: str | None = None
    isbn: tuple[str, ...] = ()
    pub_date: PartialDate = attrs.field(factory=PartialDate)
    sections: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    publication_types: tuple[PublicationType, ...] = ()
    retraction: RetractionStatus = attrs.field(factory=RetractionStatus)
    journal: Journal | None = None
    edition: str | None = None
    volume: str | None = None
    volume_title: str | None = None
    collection_title: str | None = None
    medium: str | None = None
    report_number: str | None = None
    location_label: str | None = None
    investigators: tuple[Author, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    grants: tuple[Grant, ...] = ()
    references: tuple[Reference, ...] = ()
    history: tuple[HistoryDate, ...] = ()
    publication_status: str | None = None
    contribution_date: PartialDate | None = None
    date_revised: PartialDate | None = None
    coi_statement: str | None = None


@attrs.frozen
class DeletedCitation(Serializable):
    """PMIDs that PubMed deleted (``DeleteCitation``), reported rather than lost."""

    record_type: ClassVar[str] = "deleted"

    pmids: tuple[PMID, ...] = ()


PubmedRecord: TypeAlias = Article | BookArticle | DeletedCitation

_RECORD_TYPES: dict[str, type[Article] | type[BookArticle] | type[DeletedCitation]] = {
    "article": Article,
    "book": BookArticle,
    "deleted": DeletedCitation,
}


def record_from_dict(data: Mapping[str, Any], *, trusted: bool = False) -> PubmedRecord:
    """Read any record back from its ``to_dict`` form.

    Args:
        data: a dict of ``to_dict``'s form.
        trusted: ``data`` is ``to_dict``'s own output read back, as from a cache: skip the
            per-field type tests (a third of the cost of a read), keep every other check.

    Raises:
        ParseError: an unknown type, another schema version, or a malformed dict.
    """
    if not isinstance(data, Mapping):
        raise ParseError(f"a record dict is a mapping, got {type(data).__name__}")
    kind = _RECORD_TYPES.get(str(data.get("type")))
    if kind is None:
        raise ParseError(f"unknown record type {data.get('type')!r}")
    record: PubmedRecord = kind.from_dict(data, trusted=trusted)
    return record
