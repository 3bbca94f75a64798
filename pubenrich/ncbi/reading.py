"""Read NCBI's small replies safely: tolerant JSON, XML without entities or network.

Shared by :mod:`pubenrich.ncbi.classify` and the endpoint parsers, so every reply is read by
the same rules (one XML parser setting, one JSON leniency).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lxml import etree

from pubenrich.errors import ParseError

__all__ = ["decode_json", "read_int", "str_tuple", "text_of", "texts", "xml_root"]

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def decode_json(body: bytes | str) -> Any:
    """Decode NCBI JSON, tolerating raw control characters inside strings.

    NCBI sometimes puts a raw newline inside a string (the esearch ``retstart`` error), which
    strict JSON forbids.

    Raises:
        ParseError: when the text is not JSON even so.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def xml_root(body: bytes | str, what: str) -> etree._Element:
    data = body.encode("utf-8") if isinstance(body, str) else body
    try:
        return etree.fromstring(data, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{what}: XML is not well-formed ({exc})") from exc


def text_of(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(str(t) for t in element.itertext()).strip()
    return text or None


def texts(elements: Iterable[etree._Element]) -> tuple[str, ...]:
    return tuple(t for t in (text_of(e) for e in elements) if t)


def read_int(value: Any, what: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise ParseError(f"{what}: expected a number, got {value!r}") from exc
