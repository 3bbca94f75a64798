"""What the fake reads from a request and sends back: parameters, replies, NCBI's JSON style.

Every part of the fake (endpoints, faults, the rate limit) answers with a :class:`Reply`, so
the server sends them all one way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = [
    "HTML_TYPE",
    "JSON_TYPE",
    "TEXT_TYPE",
    "XML_TYPE",
    "BadRequest",
    "Params",
    "Reply",
    "id_list",
    "ncbi_json",
    "param",
]

XML_TYPE = "text/xml; charset=UTF-8"
JSON_TYPE = "application/json; charset=UTF-8"
TEXT_TYPE = "text/plain; charset=UTF-8"
HTML_TYPE = "text/html; charset=UTF-8"

# A request's query and form parameters, each name with its values in order.
Params = dict[str, list[str]]


@attrs.frozen
class Reply:
    """One reply: status, body, content type, and what it counts as served."""

    status: int
    body: bytes
    content_type: str
    ids_served: int = 0
    endpoint: str = ""


class BadRequest(Exception):
    """A request the fake cannot answer."""


def param(params: Mapping[str, Sequence[str]], name: str, default: str) -> str:
    values = params.get(name)
    return values[0] if values else default


def id_list(params: Mapping[str, Sequence[str]]) -> list[str]:
    return [i.strip() for v in params.get("id", []) for i in v.split(",") if i.strip()]


def ncbi_json(data: Any, indent: int = 4) -> bytes:
    return json.dumps(data, indent=indent, ensure_ascii=False).encode("utf-8")
