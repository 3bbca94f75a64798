"""MEDLINE text (``.nbib`` files PubMed exports) read into and written from ``Article``.

The one owner of MEDLINE tags and of biopython: ``Bio.Medline`` reads whole ``.nbib`` files,
mapped here into the same ``Article`` type the XML parser returns; :func:`read_tags` reads the
tags of one record pasted in a text (MEDLINE or RIS) for the citation reader.
"""

from __future__ import annotations

import io
import os
import re
import typing
from collections.abc import Iterator
from typing import IO, Any

from Bio import Medline

from pubenrich.errors import InvalidIdentifier, ParseError
from pubenrich.model.dates import parse_medline_date
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import (
    Abstract,
    AbstractSection,
    Affiliation,
    Article,
    ArticleId,
    Author,
    Chemical,
    CommentCorrection,
    Grant,
    Journal,
    Keyword,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    PublicationType,
    retraction_status,
)

__all__ = ["parse_medline", "read_tags", "to_medline"]

_AID = re.compile(r"^(.*?)\s*\[(\w+)\]\s*$")
_ISSN = re.compile(r"(\S+)\s*\((\w+)\)")
_PMID_IN = re.compile(r"PMID:\s*(\d+)")
# MEDLINE comment/correction tags and the XML RefType each stands for.
_CC_TAGS = {
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
    "CIN": "CommentIn",
    "CON": "CommentOn",
}
_CC_BACK = {v: k for k, v in _CC_TAGS.items()}


_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})[ \t]*-[ \t]?(.*?)[ \t]*\r?$")


def read_tags(text: str) -> dict[str, list[str]]:
    """MEDLINE (``TI  - ...``) or RIS fields of one record pasted in a text, continuation lines
    joined; empty if the text is not tagged.

    Lenient where :func:`parse_medline` (``Bio.Medline``) is strict: a tag may be followed by
    one space or none before its dash, and lines that are no tag end the field before them.
    """
    fields: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in text.splitlines():
        match = _TAG_LINE.match(line)
        if match:
            last = fields.setdefault(match.group(1), [])
            last.append(match.group(2))
        elif last is not None and line[:1].isspace() and line.strip():
            last[-1] = f"{last[-1]} {line.strip()}"
        else:
            last = None
    return fields if len(fields) >= 3 else {}  # three tags make a record


def _list(rec: dict[str, Any], tag: str) -> list[str]:
    value = rec.get(tag)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _one(rec: dict[str, Any], tag: str) -> str | None:
    values = _list(rec, tag)
    return values[0] if values else None


def _person(full: str | None, short: str | None) -> Author:
    last = fore = initials = None
    if full:
        last, _, fore = (p.strip() for p in full.partition(","))
    if short:
        s_last, _, s_initials = short.rpartition(" ")
        last = last or s_last or short
        initials = s_initials if s_last else None
    return Author(last_name=last or None, fore_name=fore or None, initials=initials)


def _mesh(term: str) -> MeshHeading:
    descriptor, *quals = term.split("/")
    return MeshHeading(
        descriptor=descriptor.lstrip("*"),
        major=descriptor.startswith("*"),
        qualifiers=tuple(MeshQualifier(q.lstrip("*"), major=q.startswith("*")) for q in quals),
    )


def _dep(text: str | None) -> PartialDate | None:
    if not text or not text[:8].isdigit():
        return None
    return PartialDate(year=int(text[:4]), month=int(text[4:6]), day=int(text[6:8]))


def _article(rec: dict[str, Any]) -> Article:
    try:
        pmid = PMID(_one(rec, "PMID") or "")
    except InvalidIdentifier as exc:
        raise ParseError("MEDLINE record without a valid PMID") from exc
    ids: list[ArticleId] = []
    for aid in _list(rec, "AID") + _list(rec, "LID"):
        match = _AID.match(aid)
        if match and ArticleId(match.group(2), match.group(1)) not in ids:
            ids.append(ArticleId(match.group(2), match.group(1)))
    doi = next((a.value for a in ids if a.kind == "doi"), None)
    pmc = _one(rec, "PMC")
    fulls, shorts = _list(rec, "FAU"), _list(rec, "AU")
    authors = [
        _person(fulls[i] if i < len(fulls) else None, shorts[i] if i < len(shorts) else None)
        for i in range(max(len(fulls), len(shorts)))
    ]
    authors += [Author(collective_name=cn) for cn in _list(rec, "CN")]
    # Bio.Medline pools AD lines of all authors; the link is only certain for one author.
    if len(authors) == 1 and _list(rec, "AD"):
        authors[0] = Author(
            last_name=authors[0].last_name,
            fore_name=authors[0].fore_name,
            initials=authors[0].initials,
            collective_name=authors[0].collective_name,
            affiliations=tuple(Affiliation(a) for a in _list(rec, "AD")),
        )
    issns: dict[str, str] = {}
    # Bio.Medline joins repeated IS lines with a space: "1-2 (Electronic) 3-4 (Linking)".
    for issn in _list(rec, "IS"):
        for match in _ISSN.finditer(issn):
            issns.setdefault(match.group(2).lower(), match.group(1))
    comments = tuple(
        CommentCorrection(
            ref_type=ref_type,
            ref_source=text,
            pmid=PMID(found.group(1)) if (found := _PMID_IN.search(text)) else None,
        )
        for tag, ref_type in _CC_TAGS.items()
        for text in _list(rec, tag)
    )
    types = tuple(PublicationType(t) for t in _list(rec, "PT"))
    title = _one(rec, "TI") or ""
    abstract_text = _one(rec, "AB")
    abstract = (
        Abstract((AbstractSection(abstract_text, abstract_text),), _one(rec, "CI"))
        if abstract_text
        else None
    )
    owners = _list(rec, "OTO")
    dp = _one(rec, "DP")
    try:
        doi_value = DOI(doi) if doi else None
    except InvalidIdentifier:
        doi_value = None
    return Article(
        pmid=pmid,
        title=title,
        title_markup=title,
        pmcid=PMCID(pmc) if pmc else None,
        doi=doi_value,
        pii=next((a.value for a in ids if a.kind == "pii"), None),
        article_ids=tuple(ids),
        vernacular_title=_one(rec, "TT"),
        abstract=abstract,
        authors=tuple(authors),
        journal=Journal(
            title=_one(rec, "JT"),
            # MEDLINE has NLM's abbreviation only (TA); it stands in for the ISO one as before.
            iso_abbreviation=_one(rec, "TA"),
            medline_ta=_one(rec, "TA"),
            country=_one(rec, "PL"),
            issn_print=issns.get("print"),
            issn_electronic=issns.get("electronic"),
            issn_linking=issns.get("linking"),
            nlm_unique_id=_one(rec, "JID"),
            volume=_one(rec, "VI"),
            issue=_one(rec, "IP"),
            pages=_one(rec, "PG"),
        ),
        pub_date=parse_medline_date(dp) if dp else PartialDate(),
        article_date=_dep(_one(rec, "DEP")),
        publication_status=_one(rec, "PST"),
        languages=tuple(_list(rec, "LA")),
        publication_types=types,
        mesh_headings=tuple(_mesh(m) for m in _list(rec, "MH")),
        chemicals=tuple(Chemical(c) for c in _list(rec, "RN")),
        keywords=tuple(Keyword(k, owners[0] if owners else None, False) for k in _list(rec, "OT")),
        grants=tuple(Grant(grant_id=g) for g in _list(rec, "GR")),
        comments_corrections=comments,
        retraction=retraction_status(comments, types),
        medline_status=_one(rec, "STAT"),
    )


def parse_medline(
    source: bytes | str | os.PathLike[str] | IO[str] | IO[bytes],
) -> Iterator[Article]:
    """Yield an ``Article`` per record of MEDLINE text (an ``.nbib`` export).

    Takes what :func:`~pubenrich.parse_pubmed_xml` takes: bytes, text, a path, or a file
    object, text or binary alike. Bytes are UTF-8 (a byte-order mark is skipped); line ends
    may be LF, CR LF or CR.

    Affiliations are kept only for single-author records: ``Bio.Medline`` pools the ``AD``
    lines of all authors, so their link to an author is otherwise lost.

    Args:
        source: MEDLINE bytes, text (a ``str`` starting with ``PMID-`` after whitespace), a
            path (any other ``str``, or path-like), or a text or binary file object (read, not
            closed).

    Yields:
        One ``Article`` per record.

    Raises:
        ParseError: a record without a valid PMID, or unreadable input (not UTF-8, a missing
            file).
    """
    handle, close = _open(source)
    try:
        for rec in Medline.parse(handle):  # type: ignore[no-untyped-call]
            yield _article(rec)
    except UnicodeDecodeError as exc:
        raise ParseError(f"MEDLINE text is not UTF-8: {exc}") from exc
    except (ValueError, KeyError) as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(f"malformed MEDLINE text: {exc}") from exc
    finally:
        if close:
            handle.close()


def _open(source: bytes | str | os.PathLike[str] | IO[str] | IO[bytes]) -> tuple[IO[str], bool]:
    """A text handle on ``source`` with universal newlines, and whether to close it."""
    if isinstance(source, bytes | bytearray):
        try:
            return io.StringIO(bytes(source).decode("utf-8-sig"), newline=None), True
        except UnicodeDecodeError as exc:
            raise ParseError(f"MEDLINE text is not UTF-8: {exc}") from exc
    if isinstance(source, str) and source.lstrip().startswith("PMID-"):
        return io.StringIO(source.lstrip(), newline=None), True
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, encoding="utf-8-sig"), True
        except OSError as exc:
            raise ParseError(f"cannot open MEDLINE file {os.fspath(source)!r}: {exc}") from exc
    if isinstance(source.read(0), bytes):
        # A binary handle: decoded as it is read, and detached (not closed) afterwards.
        return _Detaching(typing.cast(IO[bytes], source)), True
    return typing.cast(IO[str], source), False


class _Detaching(io.TextIOWrapper):
    """A UTF-8 reader over the caller's binary handle that leaves it open when closed."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__(typing.cast(Any, raw), encoding="utf-8-sig", newline=None)

    def close(self) -> None:
        self.detach()


def _date_text(date: PartialDate) -> str | None:
    if date.raw:
        return date.raw
    if date.year is None:
        return None
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    parts = [str(date.year)]
    if date.month:
        parts.append(months[date.month - 1])
        if date.day:
            parts.append(str(date.day))
    elif date.season:
        parts.append(date.season)
    return " ".join(parts)


def to_medline(article: Article) -> str:
    """Write an ``Article`` as one MEDLINE text record (``TAG - value`` lines).

    Args:
        article: the record to write.

    Returns:
        The record text, ending with a newline; records are separated by a blank line.
    """
    lines: list[tuple[str, str | None]] = [
        ("PMID", str(article.pmid)),
        ("STAT", article.medline_status),
    ]
    j = article.journal
    for value, kind in (
        (j.issn_electronic, "Electronic"),
        (j.issn_print, "Print"),
        (j.issn_linking, "Linking"),
    ):
        if value:
            lines.append(("IS", f"{value} ({kind})"))
    lines += [("VI", j.volume), ("IP", j.issue), ("DP", _date_text(article.pub_date))]
    lines += [("TI", article.title), ("PG", j.pages)]
    if article.doi:
        lines.append(("LID", f"{article.doi} [doi]"))
    if article.abstract:
        lines.append(("AB", article.abstract.text))
        lines.append(("CI", article.abstract.copyright))
    for author in article.authors:
        if author.collective_name:
            lines.append(("CN", author.collective_name))
            continue
        full = ", ".join(p for p in (author.last_name, author.fore_name) if p)
        lines.append(("FAU", full))
        lines.append(("AU", " ".join(p for p in (author.last_name, author.initials) if p)))
        lines += [("AD", a.name) for a in author.affiliations]
    lines += [("LA", lang) for lang in article.languages]
    lines += [("PT", t.name) for t in article.publication_types]
    if article.article_date and article.article_date.year:
        d = article.article_date
        lines.append(("DEP", f"{d.year:04d}{d.month or 1:02d}{d.day or 1:02d}"))
    lines += [("PL", j.country), ("TA", j.medline_ta or j.iso_abbreviation), ("JT", j.title)]
    lines.append(("JID", j.nlm_unique_id))
    lines += [("RN", c.name) for c in article.chemicals]
    for c in article.comments_corrections:
        tag = _CC_BACK.get(c.ref_type)
        if tag:
            source = c.ref_source or ""
            if c.pmid and f"PMID: {c.pmid}" not in source:
                source = f"{source} PMID: {c.pmid}".strip()
            lines.append((tag, source))
    for m in article.mesh_headings:
        term = ("*" if m.major else "") + m.descriptor
        term += "".join("/" + ("*" if q.major else "") + q.name for q in m.qualifiers)
        lines.append(("MH", term))
    if article.keywords and article.keywords[0].owner:
        lines.append(("OTO", article.keywords[0].owner))
    lines += [("OT", k.text) for k in article.keywords]
    lines.append(("PST", article.publication_status))
    for a in article.article_ids:
        if a.kind in ("doi", "pii"):
            lines.append(("AID", f"{a.value} [{a.kind}]"))
    if article.pmcid:
        lines.append(("PMC", str(article.pmcid)))
    out = [f"{tag:<4}- {value}" for tag, value in lines if value]
    return "\n".join(out) + "\n"
