"""The PMC ID converter: its record value, its request, and its reply parser.

The converter speaks its own dialects (current JSON, legacy JSON, legacy XML) and leaves ids
out of its answers; all of that is read here, so the client sees one record per id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import attrs

from pubenrich.errors import ParseError
from pubenrich.ncbi.reading import decode_json, xml_root

__all__ = ["IdconvRecord", "parse_idconv"]


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
