"""ECitMatch: citation queries and matches, the ``bdata`` request, and its reply parser.

ECitMatch echoes citations back altered, so queries and answers are paired by keys made here,
never by line order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import attrs

from pubenrich.ncbi.reading import str_tuple

__all__ = [
    "CitationMatch",
    "CitationQuery",
    "build_bdata",
    "citation_key",
    "ecitmatch_chunks",
    "ecitmatch_params",
    "parse_ecitmatch",
]

ECITMATCH_BATCH = 50  # citations per GET; keeps the URL near 4 kB
_FIELD_NOISE = re.compile(r"[|\r\n\t]+")
_CITATIONS_COUNT = re.compile(r"\(\s*\d+\s+citations?\s*\)", re.IGNORECASE)
_PMID_TOKEN = re.compile(r"(?<!\d)\d{1,8}(?!\d)")


def _field(value: object) -> str:
    """A bdata field: ``|`` would end it and CR would end the line, so both become spaces."""
    if value is None:
        return ""
    return " ".join(_FIELD_NOISE.sub(" ", str(value)).split())


def _optional_field(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen(kw_only=True)
class CitationQuery:
    """One citation to look up with ECitMatch.

    Attributes:
        journal: the journal title or its abbreviation (``"proc natl acad sci u s a"``).
        year: the publication year.
        volume: the volume.
        first_page: the first page.
        author: an author as ``"surname initials"`` (``"mann bj"``).
        key: your own label, returned on the match; it is never sent to NCBI.
    """

    journal: str = attrs.field(converter=str)
    year: str | None = attrs.field(default=None, converter=_optional_field)
    volume: str | None = attrs.field(default=None, converter=_optional_field)
    first_page: str | None = attrs.field(default=None, converter=_optional_field)
    author: str | None = attrs.field(default=None, converter=_optional_field)
    key: str | None = None


@attrs.frozen(kw_only=True)
class CitationMatch:
    """ECitMatch's answer for one citation.

    Attributes:
        key: the query's own key.
        status: ``"found"``, ``"not_found"`` or ``"ambiguous"``.
        pmid: the PMID when found.
        candidates: the PMIDs NCBI named for an ambiguous citation (often none).
        reason: NCBI's words when not found or ambiguous (``"INVALID_JOURNAL"``).
    """

    key: str | None
    status: Literal["found", "not_found", "ambiguous"]
    pmid: str | None = None
    candidates: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    reason: str | None = None


def citation_key(index: int) -> str:
    """The key sent to NCBI for the citation at ``index`` of a request.

    Keys are made here, not taken from the caller, so they are unique, free of ``|``, spaces
    and capitals (NCBI lower-cases what it echoes), and cannot collide.
    """
    return f"pe{index}"


def build_bdata(queries: Sequence[CitationQuery]) -> str:
    """The ``bdata`` value for ECitMatch: one ``journal|year|volume|page|author|key|`` a line.

    Lines are joined by a carriage return and spaces are left as spaces: the HTTP layer
    form-encodes the value exactly once (space to ``+``, CR to ``%0D``, ``|`` to ``%7C``),
    which is what NCBI decodes. Encoding here too would send ``%2B`` for every space.
    """
    lines = []
    for index, query in enumerate(queries):
        fields = (query.journal, query.year, query.volume, query.first_page, query.author)
        lines.append("|".join(_field(f) for f in fields) + f"|{citation_key(index)}|")
    return "\r".join(lines)


def _answer(query: CitationQuery, slot: str | None) -> CitationMatch:
    if slot is None:
        return CitationMatch(key=query.key, status="not_found", reason="no answer line")
    slot = slot.strip()
    if slot.isdigit():
        return CitationMatch(key=query.key, status="found", pmid=slot.lstrip("0") or slot)
    if slot.upper().startswith("AMBIGUOUS"):
        candidates = _PMID_TOKEN.findall(_CITATIONS_COUNT.sub(" ", slot[len("AMBIGUOUS") :]))
        return CitationMatch(
            key=query.key, status="ambiguous", candidates=candidates, reason=slot or None
        )
    reason = slot
    if reason.upper().startswith("NOT_FOUND"):
        reason = reason[len("NOT_FOUND") :].lstrip(";: ")
    return CitationMatch(key=query.key, status="not_found", reason=reason or None)


def parse_ecitmatch(
    text: bytes | str,
    queries: Sequence[CitationQuery],
    *,
    keys: Sequence[str] | None = None,
) -> list[CitationMatch]:
    """One :class:`CitationMatch` per query, in the queries' order.

    Lines are matched to queries by the key that was sent (the sixth field), not by position:
    NCBI echoes the citation, sometimes altered (an author dropped), and appends the PMID or
    a reason (``NOT_FOUND;INVALID_JOURNAL``, ``AMBIGUOUS``) as the seventh.

    Args:
        text: ECitMatch's reply.
        queries: the citations, in the order they were sent.
        keys: the keys sent for them; by default those :func:`build_bdata` makes.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if keys is None:
        keys = [citation_key(index) for index in range(len(queries))]
    if len(keys) != len(queries):
        raise ValueError("keys and queries must have the same length")
    slots: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split("|")
        if len(parts) < 7:
            continue
        key = parts[5].strip().lower()
        slots.setdefault(key, "|".join(parts[6:]).strip("| "))
    return [
        _answer(query, slots.get(key.strip().lower()))
        for key, query in zip(keys, queries, strict=True)
    ]


def ecitmatch_chunks(queries: Sequence[CitationQuery]) -> list[tuple[CitationQuery, ...]]:
    """The queries, 50 to a request."""
    step = ECITMATCH_BATCH
    return [tuple(queries[i : i + step]) for i in range(0, len(queries), step)]


def ecitmatch_params(chunk: Sequence[CitationQuery]) -> list[tuple[str, str]]:
    """The parameters of one ECitMatch request for ``chunk``."""
    return [("db", "pubmed"), ("retmode", "xml"), ("rettype", "xml"), ("bdata", build_bdata(chunk))]
