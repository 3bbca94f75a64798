"""The PMC ID converter: its record value, its request, and its reply parser.

The converter speaks its own dialects (current JSON, legacy JSON, legacy XML) and leaves ids
out of its answers; all of that is read here, so the client sees one record per id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

import attrs

from pubenrich.errors import InvalidIdentifier, ParseError
from pubenrich.model.identifiers import DOI, PMCID, PMID, parse_identifier
from pubenrich.ncbi.batching import as_iterable, batches
from pubenrich.ncbi.reading import decode_json, xml_root

__all__ = [
    "IDCONV_RATE",
    "IdconvRecord",
    "idconv_batches",
    "idconv_params",
    "pair_idconv",
    "parse_idconv",
]

IDCONV_MAX_IDS = 200  # the ID converter: "up to 200 IDs"
IDCONV_RATE = 3.0  # undocumented; NCBI's keyless rate is the cautious reading


def _optional_id(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


@attrs.frozen(kw_only=True)
class IdconvRecord:
    """One answer of the PMC ID converter.

    Attributes:
        requested_id: the id this record answers, as sent.
        pmid: the PMID, when the article is known to PMC.
        pmcid: the PMCID (``PMC...``), when the article is in PMC.
        doi: the DOI.
        error: NCBI's message when it could not convert the id (e.g. ``"Identifier not found
            in PMC"``); ``None`` otherwise.
    """

    requested_id: str | None = None
    pmid: str | None = attrs.field(default=None, converter=_optional_id)
    pmcid: str | None = attrs.field(default=None, converter=_optional_id)
    doi: str | None = attrs.field(default=None, converter=_optional_id)
    error: str | None = None


def parse_idconv(reply: bytes | str | Mapping[str, Any]) -> list[IdconvRecord]:
    """The records of an ID-converter reply, in its order.

    Reads the current API's JSON (``pmid`` an integer, ``requested-id`` present, versions with
    ``"current": true``), the legacy JSON (``pmid`` a string, ``"current": "true"``) and the
    legacy XML (``<pmcids><record .../>``).

    Args:
        reply: the body, or its decoded JSON, checked by
            :func:`~pubenrich.ncbi.classify.classify`.

    Raises:
        ParseError: when the reply holds no record list.
    """
    data: Any = reply
    if not isinstance(reply, Mapping):
        raw = reply.encode("utf-8") if isinstance(reply, str) else reply
        if raw.lstrip()[:1] == b"<":
            return _parse_idconv_xml(raw)
        data = decode_json(raw)
    records = data.get("records") if isinstance(data, Mapping) else None
    if not isinstance(records, list):
        raise ParseError("idconv: JSON without a records list")
    parsed = []
    for number, record in enumerate(records, 1):
        if not isinstance(record, Mapping):
            raise ParseError("idconv: a record is not an object", record=f"record {number}")
        error = record.get("errmsg")
        if error is None and record.get("status") == "error":
            error = "error"
        parsed.append(
            IdconvRecord(
                requested_id=_optional_id(record.get("requested-id")),
                pmid=record.get("pmid"),
                pmcid=record.get("pmcid"),
                doi=record.get("doi"),
                error=unquote(str(error)) if error is not None else None,
            )
        )
    return parsed


def _parse_idconv_xml(raw: bytes) -> list[IdconvRecord]:
    root = xml_root(raw, "idconv")
    parsed = []
    for record in root.iter("record"):
        error = record.get("errmsg")
        if error is None and record.get("status") == "error":
            error = "error"
        parsed.append(
            IdconvRecord(
                requested_id=record.get("requested-id"),
                pmid=record.get("pmid"),
                pmcid=record.get("pmcid"),
                doi=record.get("doi"),
                error=error,
            )
        )
    return parsed


def idconv_batches(
    ids: Iterable[Any] | str | int, batch_size: int
) -> list[tuple[str, tuple[str, ...]]]:
    """``(idtype, batch)`` per request: ids grouped by type (PMIDs, PMCIDs, DOIs, in the order
    each type first appears), deduplicated, at most 200 to a batch.

    Raises:
        InvalidIdentifier: an id is none of PMID, PMCID, DOI.
    """
    groups: dict[str, list[str]] = {}
    for raw in as_iterable(ids):
        ident = parse_identifier(raw)
        kind = {PMID: "pmid", PMCID: "pmcid", DOI: "doi"}[type(ident)]
        groups.setdefault(kind, []).append(ident.value)
    size = min(batch_size, IDCONV_MAX_IDS)
    return [
        (kind, batch)
        for kind, values in groups.items()
        for batch in batches(values if kind != "doi" else _doi_unique(values), size)
    ]


def idconv_params(kind: str, batch: tuple[str, ...]) -> list[tuple[str, str]]:
    """The parameters of one ID-converter request for ``batch`` of ids of type ``kind``."""
    return [("ids", ",".join(batch)), ("idtype", kind), ("format", "json"), ("versions", "no")]


def _doi_unique(values: Iterable[str]) -> Iterator[str]:
    """DOIs compare case-insensitively; keep the first spelling of each."""
    seen: set[str] = set()
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            yield value


def pair_idconv(
    kind: str, batch: tuple[str, ...], records: list[IdconvRecord]
) -> list[IdconvRecord]:
    """One record per requested id, in request order, matched by ``requested-id`` or by id."""
    by_request: dict[str, IdconvRecord] = {}
    by_value: dict[str, IdconvRecord] = {}
    for record in records:
        if record.requested_id:
            by_request.setdefault(_fold(kind, record.requested_id), record)
        value = getattr(record, kind)
        if value:
            by_value.setdefault(_fold(kind, value), record)
    paired = []
    for requested in batch:
        key = _fold(kind, requested)
        found = by_request.get(key) or by_value.get(key)
        if found is None:
            paired.append(IdconvRecord(requested_id=requested, error="no record in the reply"))
        else:
            paired.append(attrs.evolve(found, requested_id=requested))
    return paired


def _fold(kind: str, value: str) -> str:
    """The comparable form of an id of ``kind`` (DOIs ignore case, PMCIDs their prefix case)."""
    value = value.strip()
    if kind == "pmid":
        try:
            return PMID(value).value
        except InvalidIdentifier:
            return value
    if kind == "pmcid":
        try:
            return PMCID(value).value
        except InvalidIdentifier:
            return value.upper()
    return value.lower()
