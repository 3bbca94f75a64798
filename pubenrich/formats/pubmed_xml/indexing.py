"""Readers of a record's indexing and links: MeSH headings, chemicals, grants, data banks,
publication types and ``CommentsCorrections``.

Apart from :mod:`.elements` (text, ids, dates, people) so that each module stays one subject;
the same habits hold: one pass over each element's children, records built through their slots.
"""

from __future__ import annotations

from pubenrich.formats.pubmed_xml.elements import Element, optional_text, pmid_or_none, text_of
from pubenrich.model.codec import slot_constructor as _maker
from pubenrich.model.records import (
    Chemical,
    CommentCorrection,
    DataBank,
    Grant,
    MeshHeading,
    MeshQualifier,
    PublicationType,
)

__all__ = [
    "read_chemical",
    "read_comment",
    "read_data_bank",
    "read_grant",
    "read_mesh_heading",
    "read_publication_types",
]

_new_mesh_heading = _maker(MeshHeading)
_new_mesh_qualifier = _maker(MeshQualifier)
_new_publication_type = _maker(PublicationType)
_new_comment = _maker(CommentCorrection)
_new_chemical = _maker(Chemical)
_new_grant = _maker(Grant)
_new_data_bank = _maker(DataBank)


def read_comment(element: Element) -> CommentCorrection:
    parts: dict[str, Element] = {}
    for child in element:
        parts.setdefault(child.tag, child)
    get = parts.get
    source, pmid, note = get("RefSource"), get("PMID"), get("Note")
    return _new_comment(
        element.get("RefType", ""),
        optional_text(source) if source is not None else None,
        pmid_or_none(pmid.text) if pmid is not None else None,
        optional_text(note) if note is not None else None,
    )


def read_publication_types(element: Element) -> tuple[PublicationType, ...]:
    found = []
    for child in element.iter("PublicationType"):
        name = text_of(child)
        if name:
            found.append(_new_publication_type(name, child.get("UI")))
    return tuple(found)


def read_mesh_heading(element: Element) -> MeshHeading:
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
                _new_mesh_qualifier(
                    (child.text or "").strip(), get("UI"), get("MajorTopicYN") == "Y"
                )
            )
    if descriptor is None:
        return _new_mesh_heading("", None, False, tuple(qualifiers))
    get = descriptor.get
    return _new_mesh_heading(
        (descriptor.text or "").strip(),  # #PCDATA
        get("UI"),
        get("MajorTopicYN") == "Y",
        tuple(qualifiers),
    )


def read_chemical(element: Element) -> Chemical:
    parts: dict[str, Element] = {}
    for child in element:
        parts.setdefault(child.tag, child)
    name = parts.get("NameOfSubstance")
    registry = parts.get("RegistryNumber")
    if name is None:
        return _new_chemical("", None, optional_text(registry) if registry is not None else None)
    return _new_chemical(
        text_of(name),
        name.get("UI"),
        optional_text(registry) if registry is not None else None,
    )


def read_grant(element: Element) -> Grant:
    parts: dict[str, Element] = {}
    for child in element:
        parts.setdefault(child.tag, child)
    get = parts.get
    grant_id, acronym, agency, country = (
        get("GrantID"),
        get("Acronym"),
        get("Agency"),
        get("Country"),
    )
    return _new_grant(
        optional_text(grant_id) if grant_id is not None else None,
        optional_text(acronym) if acronym is not None else None,
        optional_text(agency) if agency is not None else None,
        optional_text(country) if country is not None else None,
    )


def read_data_bank(element: Element) -> DataBank:
    name = None
    numbers: list[str] = []
    for child in element:
        tag = child.tag
        if tag == "DataBankName":
            if name is None:
                name = text_of(child)
        elif tag == "AccessionNumberList":
            numbers.extend(text_of(n) for n in child if n.tag == "AccessionNumber")
    return _new_data_bank(name or "", tuple(numbers))
