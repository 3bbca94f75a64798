"""Read one input of ``enrich`` (a text, a bare id, or a partial record) into citations.

A text is read with :func:`~pubenrich.read_citations`. A partial record is a mapping (or an
attrs instance, read through ``attrs.asdict``) with any of these keys, case-insensitive:
``pmid``, ``pmcid``, ``doi``, ``title``, ``authors`` (a list of ``"Surname AB"`` strings or
of mappings with ``last_name``/``family`` and ``initials``/``fore_name``/``given``), ``journal``,
``year``, ``volume``, ``issue``, ``pages``. Other keys are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from pubenrich.errors import InvalidIdentifier, InvalidInput, PubenrichError
from pubenrich.model.citation import AuthorCue, Citation, Cues
from pubenrich.model.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier
from pubenrich.model.records import Article, BookArticle
from pubenrich.text.citations import read_citations, searchable

__all__ = ["ReadInput", "read_input"]


def _too_little() -> InvalidInput:
    return InvalidInput(
        "no identifier, and too little to search on (a title, or authors with a year or journal)"
    )


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@attrs.frozen
class ReadInput:
    """What one input says: its citations, the one it is about, or why it cannot be used.

    Attributes:
        citations: every citation found, in text order.
        subject: the citation the input is about: the page's own paper, or the only one.
            None when there are several and none is primary (``multiple``) or none at all.
        problem: why the input cannot be enriched, when it cannot.
    """

    citations: tuple[Citation, ...] = ()
    subject: Citation | None = None
    problem: PubenrichError | None = None

    @property
    def others(self) -> tuple[Citation, ...]:
        """The citations besides the subject (related papers, references), in text order."""
        return tuple(c for c in self.citations if c is not self.subject)


def _usable(citation: Citation) -> bool:
    return bool(citation.pmid or citation.pmcid or citation.doi) or searchable(citation.cues)


def _from_citations(citations: list[Citation]) -> ReadInput:
    found = tuple(citations)
    primary = next((c for c in found if c.role == "primary"), None)
    if primary is None and len(found) == 1:
        primary = found[0]
    if primary is not None and not _usable(primary):
        if len(found) == 1:
            return ReadInput(found, None, _too_little())
        primary = None  # a page with only cited papers: its header is no paper
        found = tuple(c for c in found if c.role != "primary")
    if primary is None and not found:
        return ReadInput((), None, _too_little())
    return ReadInput(found, primary)


def _authors(value: Any) -> tuple[AuthorCue, ...]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[;,]\s*", value) if part.strip()]
    authors: list[AuthorCue] = []
    for item in value or ():
        if isinstance(item, Mapping):
            last = item.get("last_name") or item.get("family") or item.get("collective_name")
            fore = item.get("fore_name") or item.get("given")
            initials = item.get("initials") or "".join(w[0] for w in str(fore or "").split())
            if last:
                authors.append(AuthorCue(str(last), str(initials), fore and str(fore)))
        elif str(item).strip():
            words = str(item).split()
            initials = words[-1] if len(words) > 1 and words[-1].isupper() else ""
            last = " ".join(words[:-1]) if initials else " ".join(words)
            authors.append(AuthorCue(last, initials))
    return tuple(authors)


def _year(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def _record_fields(record: Article | BookArticle) -> dict[str, Any]:
    journal = record.journal
    return {
        "pmid": record.pmid.value,
        "pmcid": record.pmcid.value if record.pmcid else None,
        "doi": record.doi.value if record.doi else None,
        "title": record.title,
        "authors": [
            {"last_name": a.last_name or a.collective_name, "initials": a.initials}
            for a in record.authors
        ],
        "journal": journal.title if journal else None,
        "year": record.pub_date.year,
        "volume": journal.volume if journal else None,
        "issue": journal.issue if journal else None,
        "pages": journal.pages if journal else None,
    }


def _from_mapping(data: Mapping[str, Any]) -> ReadInput:
    fields = {str(k).lower(): v for k, v in data.items()}
    ids: dict[str, str | None] = {}
    for name, kind in (("pmid", PMID), ("pmcid", PMCID), ("doi", DOI)):
        value = fields.get(name)
        if value in (None, ""):
            ids[name] = None
            continue
        try:
            ids[name] = kind(value).value
        except InvalidIdentifier as exc:
            return ReadInput((), None, exc)
    pages = fields.get("pages")
    cues = Cues(
        title=str(fields["title"]) if fields.get("title") else None,
        authors=_authors(fields.get("authors")),
        journal=str(fields["journal"]) if fields.get("journal") else None,
        year=_year(fields.get("year")),
        volume=str(fields["volume"]) if fields.get("volume") else None,
        issue=str(fields["issue"]) if fields.get("issue") else None,
        pages=str(pages) if pages else None,
        first_page=re.split(r"[-\u2013]", str(pages))[0].strip() if pages else None,
        confidence=1.0,
    )
    citation = Citation(
        role="primary", pmid=ids["pmid"], pmcid=ids["pmcid"], doi=ids["doi"], cues=cues
    )
    if not _usable(citation):
        return ReadInput((citation,), None, _too_little())
    return ReadInput((citation,), citation)


_KIND = {PMID: "pmid", PMCID: "pmcid", DOI: "doi"}


def _bare_id(text: str) -> Identifier | None:
    """The id when the whole text is one (``"25211170"``, ``"PMC4206665"``, a DOI)."""
    token = text.strip()
    if not token or any(ch.isspace() for ch in token):
        return None
    try:
        return parse_identifier(token)
    except InvalidIdentifier:
        return None


def read_input(value: Any) -> ReadInput:
    """Read one input of ``enrich``; never raises for bad input, says why in ``problem``."""
    if isinstance(value, Article | BookArticle):
        return _from_mapping(_record_fields(value))
    if isinstance(value, Identifier | int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        if not value.strip():
            return ReadInput((), None, InvalidInput("empty text"))
        bare = _bare_id(value)
        if bare is not None:
            return _from_mapping({_KIND[type(bare)]: bare.value})
        return _from_citations(read_citations(value))
    if isinstance(value, Mapping):
        return _from_mapping(value)
    if attrs.has(type(value)):
        return _from_mapping(attrs.asdict(value, recurse=True))
    return ReadInput(
        (), None, InvalidInput(f"cannot read a {type(value).__name__}: give a text or a mapping")
    )
