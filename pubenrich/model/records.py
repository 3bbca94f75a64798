"""The canonical records pubenrich returns: frozen, slotted attrs classes.

Records are built once from parsed values (never lazy views over XML) and change only through
``attrs.evolve``. ``to_dict()`` gives a JSON-safe dict with stable field names plus ``"type"``
and ``"schema"``; ``record_from_dict`` reads it back. A dict of another schema version is
refused (``ParseError``), so a cache of old records is invalidated, never misread.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeAlias, Union

import attrs

from pubenrich.errors import InvalidIdentifier, ParseError
from pubenrich.model.identifiers import DOI, PMCID, PMID

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
]

SCHEMA_VERSION = 1

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SEASONS = ("Spring", "Summer", "Autumn", "Fall", "Winter")


def _month(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 1 <= value <= 12:
        raise ValueError(f"{attribute.name} must be 1 to 12, got {value!r}")


def _day(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 1 <= value <= 31:
        raise ValueError(f"{attribute.name} must be 1 to 31, got {value!r}")


@attrs.frozen
class PartialDate:
    """A date known to the year, month, day or season, possibly a range.

    Attributes:
        year, month, day: what is known (month and day 1-based).
        season: ``Spring``, ``Summer``, ``Autumn``/``Fall`` or ``Winter`` when PubMed gives one.
        raw: the ``MedlineDate`` text as PubMed wrote it, when the date came as one.
        end: the end of a range (``2013 Dec-2014 Jan``), else None.
    """

    year: int | None = None
    month: int | None = attrs.field(default=None, validator=_month)
    day: int | None = attrs.field(default=None, validator=_day)
    season: str | None = None
    raw: str | None = None
    end: PartialDate | None = None

    @property
    def precision(self) -> str | None:
        """``day``, ``month``, ``season``, ``year``, or None when nothing is known."""
        if self.year is None:
            return None
        if self.day is not None and self.month is not None:
            return "day"
        if self.month is not None:
            return "month"
        if self.season is not None:
            return "season"
        return "year"

    def __str__(self) -> str:
        if self.year is None:
            return self.raw or ""
        text = str(self.year)
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        elif self.season:
            text += f" {self.season}"
        return text + (f"/{self.end}" if self.end is not None else "")


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
    """Where an article appeared."""

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
    """An abstract as ordered sections, with its copyright line."""

    sections: tuple[AbstractSection, ...] = ()
    copyright: str | None = None

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
class CommentCorrection:
    """A link to another record: ``RetractionIn``, ``ErratumIn``, ``CommentOn`` ..."""

    ref_type: str
    ref_source: str | None = None
    pmid: PMID | None = None


@attrs.frozen
class HistoryDate:
    """A step of the record's history (``received``, ``accepted``, ``pubmed`` ...)."""

    status: str
    date: PartialDate


@attrs.frozen
class RetractionStatus:
    """Retractions, corrections and other notices linked to a record.

    Attributes:
        is_retracted: a retraction notice exists (``RetractionIn``) or PubMed typed the record
            ``Retracted Publication``.
        retracted_by: PMIDs of the retraction notices.
        is_retraction_notice: the record itself retracts others (``RetractionOf``).
        retracts: the PMIDs it retracts.
        errata: PMIDs of errata (``ErratumIn``).
        expressions_of_concern: PMIDs of expressions of concern.
        updates: PMIDs of updated versions (``UpdateIn``).
    """

    is_retracted: bool = False
    retracted_by: tuple[PMID, ...] = ()
    is_retraction_notice: bool = False
    retracts: tuple[PMID, ...] = ()
    errata: tuple[PMID, ...] = ()
    expressions_of_concern: tuple[PMID, ...] = ()
    updates: tuple[PMID, ...] = ()

    @property
    def summary(self) -> str | None:
        """One line for people (``Retracted (notice PMID 123)``), or None when nothing applies."""
        notes = []
        if self.is_retracted:
            by = ", ".join(p.value for p in self.retracted_by)
            notes.append(f"Retracted (notice PMID {by})" if by else "Retracted")
        if self.is_retraction_notice:
            notes.append("Retraction notice of PMID " + ", ".join(p.value for p in self.retracts))
        if self.expressions_of_concern:
            pmids = ", ".join(p.value for p in self.expressions_of_concern)
            notes.append("Expression of concern (PMID " + pmids + ")")
        if self.errata:
            notes.append("Erratum (PMID " + ", ".join(p.value for p in self.errata) + ")")
        return "; ".join(notes) or None


class _Serializable:
    """``to_dict`` / ``from_dict`` for the record types (JSON-safe, stable names)."""

    record_type: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-safe dict with ``type`` and ``schema``."""
        data: dict[str, Any] = {"type": self.record_type, "schema": SCHEMA_VERSION}
        data.update(_unstructure(self))
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, trusted: bool = False) -> Any:
        """Read back what ``to_dict`` wrote.

        Args:
            data: a dict of ``to_dict``'s form.
            trusted: ``data`` is ``to_dict``'s own output read back (a cache entry), so the
                per-field type tests are skipped; the type, the schema version and every
                nested value are still read as usual.

        Raises:
            ParseError: another type, another schema version, or values of the wrong shape.
        """
        if data.get("type") != cls.record_type:
            raise ParseError(f"expected a {cls.record_type!r} record, got {data.get('type')!r}")
        if data.get("schema") != SCHEMA_VERSION:
            raise ParseError(
                f"record schema {data.get('schema')!r} is not this version's {SCHEMA_VERSION}"
            )
        kind: Any = cls
        try:  # the record's builder leaves out "type" and "schema"
            return _converter(kind, trusted=trusted)(data if type(data) is dict else dict(data))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ParseError(f"cannot read a {cls.record_type} record: {exc}") from exc


@attrs.frozen
class Article(_Serializable):
    """A PubMed article (``PubmedArticle``): ids, text, people, journal, dates and indexing."""

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


@attrs.frozen
class BookArticle(_Serializable):
    """A PubMed book or book chapter (``PubmedBookArticle``), named like :class:`Article`."""

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


@attrs.frozen
class DeletedCitation(_Serializable):
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


# ---------------------------------------------------------------------- (un)structuring

_IDS = (PMID, PMCID, DOI)


_REQUIRED = object()


@functools.cache
def _defaults(cls: Any) -> tuple[tuple[str, Any], ...]:
    """Each field's name and default value (``_REQUIRED`` when it has none)."""
    out = []
    for f in attrs.fields(cls):
        if f.default is attrs.NOTHING:
            out.append((f.name, _REQUIRED))
        elif isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            out.append((f.name, f.default.factory()))
        else:
            out.append((f.name, f.default))
    return tuple(out)


def _unstructure(value: Any) -> Any:
    if isinstance(value, _IDS):
        return value.value
    if attrs.has(type(value)):
        # Fields still at their default are left out: from_dict restores them, and a smaller
        # dict is faster to store, read and rebuild (the cache serves thousands a second).
        out = {}
        kind: Any = type(value)
        for name, default in _defaults(kind):
            field_value = getattr(value, name)
            if default is _REQUIRED or field_value != default:
                out[name] = _unstructure(field_value)
        return out
    if isinstance(value, tuple | list):
        return [_unstructure(v) for v in value]
    return value


Converter = Callable[[Any], Any]


@functools.cache
def _converter(kind: Any, *, trusted: bool = False) -> Converter:
    """A function that builds a value of ``kind`` from its JSON form, made once per type.

    Compiling the walk over the type once (rather than inspecting types per value) is what
    lets a cache serve tens of thousands of records a second.
    """
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(kind) if a is not type(None)]
        convert = _converter(inner, trusted=trusted)
        return lambda value: None if value is None else convert(value)
    if origin is tuple:
        item = _converter(typing.get_args(kind)[0], trusted=trusted)

        def sequence(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise TypeError(f"expected a list, got {type(value).__name__}")
            return tuple(map(item, value))

        return sequence
    if kind in _IDS:
        return _trusted_id(kind) if trusted else typing.cast(Converter, kind)
    if isinstance(kind, type) and attrs.has(kind):
        return _builder(kind, trusted=trusted)
    if kind in (int, str, bool):

        def scalar(value: Any) -> Any:
            if type(value) is not kind:
                raise TypeError(f"expected {kind.__name__}, got {value!r}")
            return value

        return scalar
    return lambda value: value


def _builder(kind: type, *, trusted: bool = False) -> Converter:
    """Compile a builder of the attrs class ``kind`` from its JSON object.

    The generated function converts each field inline (a nested builder for records, a
    comprehension for tuples) and calls the class once, at a fraction of the calls per value
    of a generic walk. Checked, it tests every scalar's type and refuses unknown fields, as
    ``from_dict`` promises; ``trusted`` (for dicts this library's ``to_dict`` wrote) skips
    those tests and converts only what needs converting. A field left out of the dict that
    has a factory default gets one shared default instance (records are frozen), rather than
    a new one per record. Nested converters are bound on first use: types may nest themselves.
    """
    name = kind.__name__
    hints = typing.get_type_hints(kind)
    tags = ("type", "schema") if issubclass(kind, _Serializable) else ()  # checked by from_dict
    names = frozenset([*(f.name for f in attrs.fields(kind)), *tags])
    namespace: dict[str, Any] = {
        "_kind": kind,
        "_names": names,
        "_missing": _REQUIRED,
        "_list_error": _list_error,
        "_scalar_error": _scalar_error,
    }
    lines = ["def build(value):"]
    if not trusted:
        lines += [
            "    if type(value) is not dict:",
            f"        raise TypeError('expected an object for {name}')",
            "    if not value.keys() <= _names:",
            f"        raise KeyError(f'unknown field {{sorted(value.keys() - _names)[0]!r}} "
            f"for {name}')",
        ]
    lines += ["    kw = value.copy()", "    get = value.get"]
    lines += [f"    kw.pop({tag!r}, None)" for tag in tags]
    defaults = dict(_defaults(kind))
    for index, field in enumerate(attrs.fields(kind)):
        code = _field_code(field.name, hints[field.name], index, namespace, trusted=trusted)
        shared = isinstance(field.default, attrs.Factory) and _immutable(  # type: ignore[arg-type]
            defaults[field.name]
        )
        if not code and not shared:
            continue
        lines.append(f"    v = get({field.name!r}, _missing)")
        lines.append("    if v is not _missing:")
        lines.extend("        " + line for line in code or ["pass"])
        if shared:
            namespace[f"_d{index}"] = defaults[field.name]
            lines += ["    else:", f"        kw[{field.name!r}] = _d{index}"]
    lines.append("    return _kind(**kw)")
    exec("\n".join(lines), namespace)  # noqa: S102 - the text is made here from field names
    return typing.cast(Converter, namespace["build"])


def _field_code(
    field: str, hint: Any, index: int, namespace: dict[str, Any], *, trusted: bool
) -> list[str]:
    """Lines that check ``v`` (present in the dict) and store its converted form in ``kw``."""
    optional = False
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            optional, hint = True, args[0]
    guard = "v is not None and " if optional else ""
    unless_none = "None if v is None else " if optional else ""
    if hint in (int, str, bool):
        if trusted:
            return []
        namespace[f"_t{index}"] = hint
        return [f"if {guard}type(v) is not _t{index}:", f"    _scalar_error(_t{index}, v)"]
    if typing.get_origin(hint) is tuple and len(typing.get_args(hint)) == 2:
        item = typing.get_args(hint)[0]
        check = (
            []
            if trusted
            else [f"if {guard}type(v) is not list and type(v) is not tuple:", "    _list_error(v)"]
        )
        if item in (int, str, bool):
            namespace[f"_t{index}"] = item
            if not trusted:
                check += [
                    "for x in v:",
                    f"    if type(x) is not _t{index}:",
                    f"        _scalar_error(_t{index}, x)",
                ]
            return [*check, f"kw[{field!r}] = {unless_none}tuple(v)"]
        _lazy(namespace, f"_c{index}", item, trusted=trusted)
        return [*check, f"kw[{field!r}] = {unless_none}tuple([_c{index}(x) for x in v])"]
    _lazy(namespace, f"_c{index}", hint, trusted=trusted)
    return [f"kw[{field!r}] = {unless_none}_c{index}(v)"]


def _immutable(value: Any) -> bool:
    """True when ``value`` can be shared by records: a frozen record of immutable values, or
    an immutable builtin (a factory default such as a dict must stay one per record)."""
    if isinstance(value, str | bytes | int | float | frozenset) or value is None:
        return True
    if isinstance(value, tuple):
        return all(map(_immutable, value))
    if not attrs.has(type(value)):
        return False
    fields = attrs.fields(type(value))
    if fields:
        try:  # a frozen class refuses; setting a field to itself changes nothing otherwise
            setattr(value, fields[0].name, getattr(value, fields[0].name))
        except attrs.exceptions.FrozenInstanceError:
            return all(_immutable(getattr(value, f.name)) for f in fields)
    return False


def _lazy(namespace: dict[str, Any], slot: str, kind: Any, *, trusted: bool) -> None:
    """Put in ``slot`` a converter of ``kind`` that is made at its first call."""

    def first(value: Any) -> Any:
        convert = _converter(kind, trusted=trusted)
        namespace[slot] = convert
        return convert(value)

    namespace[slot] = first


def _trusted_id(kind: type[PMID | PMCID | DOI]) -> Converter:
    """Make identifiers from their stored normalized form without normalizing them again (a
    PMCID's normalization costs more than the rest of its record's fields)."""
    new = object.__new__
    set_value = object.__setattr__  # the identifiers are frozen

    def trusted(value: Any) -> Any:
        if type(value) is not str:
            raise TypeError(f"expected a {kind.__name__} string, got {value!r}")
        ident = new(kind)
        set_value(ident, "value", value)
        return ident

    return trusted


def _list_error(value: Any) -> typing.NoReturn:
    raise TypeError(f"expected a list, got {type(value).__name__}")


def _scalar_error(kind: type, value: Any) -> typing.NoReturn:
    raise TypeError(f"expected {kind.__name__}, got {value!r}")
